/**
 * Content identifiers for ciphertext. A record's ciphertext is one UnixFS file encoded exactly as
 * Storacha (`@storacha/client` uploadFile) and ipfs-car encode files: CIDv1, sha2-256, raw leaves
 * of 1 MiB, balanced DAG of at most 1024 links per node, and a file of one chunk is just its raw
 * leaf. Computing the CID locally with the same encoder (`@ipld/unixfs`, the library both use)
 * means the CID is known before upload and any store claiming another CID is caught.
 *
 * The chain stores a CID compactly: codec (0x55 raw or 0x70 dag-pb) + the 32-byte sha2-256 digest.
 * A raw CID's digest is the SHA-256 of the content; a dag-pb root's is not, so encoding also
 * computes the content's SHA-256 in the same pass (`contentDigest`).
 */
import * as UnixFS from "@ipld/unixfs";
import { withMaxChunkSize } from "@ipld/unixfs/file/chunker/fixed";
import { withWidth } from "@ipld/unixfs/file/layout/balanced";
import { CID } from "multiformats/cid";
import * as raw from "multiformats/codecs/raw";
import * as Digest from "multiformats/hashes/digest";
import { InvalidCidError } from "./errors.ts";
import { fromHex, toHex, webCryptoSha256, type Hex, type Sha256Engine } from "./hasher.ts";

export type { Hex } from "./hasher.ts";
export { CID };

export const CHUNK_SIZE = 1024 * 1024;
export const MAX_LINKS_PER_NODE = 1024;
export const RAW_CODEC = 0x55;
export const DAG_PB_CODEC = 0x70;
export const SHA2_256_CODE = 0x12;

export type ByteSource = AsyncIterable<Uint8Array> | Iterable<Uint8Array>;

export interface Block {
  cid: CID;
  bytes: Uint8Array;
}

/** What the registry and the caller need to know about stored content. */
export interface EncodedFile {
  cid: CID;
  /** Content length in bytes. */
  size: number;
  /** SHA-256 of the whole content (equals the CID digest for a raw CID). */
  contentDigest: Hex;
}

export interface EncodeOptions {
  /** Default: WebCrypto (browser-safe). In Node pass `nodeSha256()` from `./node/hasher.ts`. */
  hasher?: Sha256Engine;
  /**
   * Bytes handed to the encoder at once. The encoder hashes the leaves of one batch concurrently,
   * so this is what lets a parallel hasher work; it also bounds memory. Default 4 MiB.
   */
  batchBytes?: number;
}

/** An encoding in progress: `blocks` must be consumed; `done` settles once they are. */
export interface FileEncoding {
  /** Every block of the DAG, each once; the root comes last. */
  blocks: AsyncIterable<Block>;
  done: Promise<EncodedFile>;
}

const QUEUE_CAPACITY_BYTES = 8 * CHUNK_SIZE;

/** Encodes a byte stream into UnixFS blocks in constant memory. */
export function encodeFile(source: ByteSource, options: EncodeOptions = {}): FileEncoding {
  const engine = options.hasher ?? webCryptoSha256();
  // A whole number of chunks, so that no chunk straddles two batches (see `batches`).
  const batchBytes = Math.max(1, Math.round((options.batchBytes ?? 4 * CHUNK_SIZE) / CHUNK_SIZE)) * CHUNK_SIZE;
  const settings = UnixFS.configure({
    fileChunkEncoder: raw,
    smallFileEncoder: raw,
    chunker: withMaxChunkSize(CHUNK_SIZE),
    fileLayout: withWidth(MAX_LINKS_PER_NODE),
    hasher: { name: "sha2-256", code: SHA2_256_CODE, digest: async (bytes: Uint8Array) => Digest.create(SHA2_256_CODE, await engine.digest(bytes)) },
    linker: { createLink: (code: number, digest: Digest.Digest<number, number>) => CID.createV1(code, digest) },
  } as unknown as Partial<UnixFS.EncoderSettings>);
  const { readable, writable } = new TransformStream<UnixFS.Block, UnixFS.Block>({}, UnixFS.withCapacity(QUEUE_CAPACITY_BYTES));
  const writer = UnixFS.createWriter({ writable, settings });
  const file = UnixFS.createFileWriter(writer);

  const done = (async (): Promise<EncodedFile> => {
    const content = engine.incremental();
    let size = 0;
    for await (const batch of batches(source, batchBytes, engine.allocate?.bind(engine))) {
      // Whichever hash runs elsewhere starts first, so that the two overlap; the batch is reused
      // only after both are done with it.
      let writing: Promise<unknown>;
      let hashing: void | Promise<void>;
      if (content.offThread) {
        hashing = content.update(batch);
        writing = file.write(batch);
      } else {
        writing = file.write(batch);
        await leafDigestsStarted();
        hashing = content.update(batch);
      }
      size += batch.length;
      await Promise.all([writing, hashing]);
    }
    const link = await file.close();
    await writer.close();
    return { cid: link.cid as unknown as CID, size, contentDigest: toHex(await content.digest()) };
  })();
  // The encoder holds the writable's lock, so a failed producer cannot error the stream: a
  // pending read is rejected directly instead. (Not Promise.race against a never-settling promise:
  // each race would leave a reaction on it holding the block it resolved with.)
  let failure: { error: unknown } | undefined;
  let rejectPendingRead: ((error: unknown) => void) | undefined;
  // (This handler also keeps `done` from going unhandled when callers only iterate `blocks`.)
  done.catch((error: unknown) => {
    failure = { error };
    rejectPendingRead?.(error);
  });
  const read = (reader: ReadableStreamDefaultReader<UnixFS.Block>) =>
    new Promise<ReadableStreamReadResult<UnixFS.Block>>((resolve, reject) => {
      if (failure) return reject(failure.error);
      rejectPendingRead = reject;
      reader.read().then(resolve, reject);
    }).finally(() => {
      rejectPendingRead = undefined;
    });

  async function* blocks(): AsyncGenerator<Block> {
    const reader = readable.getReader();
    let finished = false;
    try {
      for (;;) {
        const next = await read(reader);
        if (next.done) break;
        yield { cid: next.value.cid as unknown as CID, bytes: next.value.bytes };
      }
      await done;
      finished = true;
    } finally {
      // A reader that stops early cancels the stream, which stops the producer.
      if (!finished) await reader.cancel().catch(() => {});
      reader.releaseLock();
    }
  }
  return { blocks: blocks(), done };
}

/** The CID, size and content digest of a byte stream, without keeping the blocks. */
export async function computeCid(source: ByteSource, options?: EncodeOptions): Promise<EncodedFile> {
  const encoding = encodeFile(source, options);
  for await (const _ of encoding.blocks);
  return encoding.done;
}

/**
 * The encoder starts a batch's leaf digests a few promise turns after `write`; waiting one
 * macrotask lets them start before this thread hashes the content (measured: no overlap otherwise).
 */
function leafDigestsStarted(): Promise<void> {
  // A MessageChannel round trip is a macrotask without setTimeout's 1 ms clamp (browser and Node).
  return new Promise((resolve) => {
    const channel = new MessageChannel();
    channel.port1.onmessage = () => {
      channel.port1.close();
      resolve();
    };
    channel.port2.postMessage(null);
  });
}

/**
 * Re-slices a stream into batches of `size` bytes (the last may be shorter). Each batch is
 * consumed before the next is asked for, and `size` is a multiple of the chunk size (the encoder
 * keeps no part of a batch), so one buffer is reused: fresh buffers cost page faults and GC.
 * Without an engine-provided buffer, large inputs pass through as views without any copy.
 */
async function* batches(source: ByteSource, size: number, allocate?: (size: number) => Uint8Array): AsyncGenerator<Uint8Array> {
  const buffer = allocate ? allocate(size) : new Uint8Array(size);
  let filled = 0;
  for await (const input of source) {
    let offset = 0;
    while (offset < input.length) {
      if (!allocate && filled === 0 && input.length - offset >= size) {
        yield input.subarray(offset, offset + size);
        offset += size;
        continue;
      }
      const take = Math.min(size - filled, input.length - offset);
      buffer.set(input.subarray(offset, offset + take), filled);
      filled += take;
      offset += take;
      if (filled === size) {
        yield buffer;
        filled = 0;
      }
    }
  }
  if (filled > 0) yield buffer.subarray(0, filled);
}

/** Parses a CID from its string, binary or object form; only CIDv1 + sha2-256 is accepted. */
export function parseCid(input: string | Uint8Array | CID): CID {
  let cid: CID;
  const shown = typeof input === "string" ? input : input instanceof Uint8Array ? toHex(input) : String(input);
  try {
    cid = typeof input === "string" ? CID.parse(input) : input instanceof Uint8Array ? CID.decode(input) : (CID.asCID(input) ?? CID.parse(String(input)));
  } catch (cause) {
    throw new InvalidCidError(shown, "it does not decode as a CID", { cause });
  }
  return checkSupported(cid, shown);
}

/** The binary CID as emitted in registry events. */
export function cidFromBytes(bytes: Uint8Array): CID {
  return parseCid(bytes);
}

/** Codec and digest as the RecordRegistry stores them. */
export interface RegistryCidFields {
  codec: typeof RAW_CODEC | typeof DAG_PB_CODEC;
  digest: Hex;
}

export function registryFieldsFromCid(input: CID | string): RegistryCidFields {
  const cid = parseCid(input);
  return { codec: cid.code as RegistryCidFields["codec"], digest: toHex(cid.multihash.digest) };
}

export function cidFromRegistry(codec: number, digest: Hex | Uint8Array): CID {
  const bytes = typeof digest === "string" ? fromHex(digest) : digest;
  const shown = `codec 0x${codec.toString(16)} digest ${typeof digest === "string" ? digest : toHex(digest)}`;
  if (bytes.length !== 32) throw new InvalidCidError(shown, "a sha2-256 digest is 32 bytes");
  return checkSupported(CID.createV1(codec, Digest.create(SHA2_256_CODE, bytes)), shown);
}

function checkSupported(cid: CID, shown: string): CID {
  if (cid.version !== 1) throw new InvalidCidError(shown, "only CIDv1 is used (this is CIDv0)");
  if (cid.code !== RAW_CODEC && cid.code !== DAG_PB_CODEC) {
    throw new InvalidCidError(shown, `codec 0x${cid.code.toString(16)} is neither raw (0x55) nor dag-pb (0x70)`);
  }
  if (cid.multihash.code !== SHA2_256_CODE || cid.multihash.size !== 32) {
    throw new InvalidCidError(shown, `hash 0x${cid.multihash.code.toString(16)} is not sha2-256`);
  }
  return cid;
}
