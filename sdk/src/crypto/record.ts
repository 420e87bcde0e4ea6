/**
 * Streaming record encryption (format "Caduceus record v1", see docs/record-format.md).
 *
 *   ciphertext = header (90 bytes) || STREAM(AES-256-GCM, payloadKey, metadata prefix || body)
 *
 * A fresh random 256-bit key per record version; key envelopes live outside the ciphertext (see
 * envelope.ts), so granting another reader never changes the ciphertext or its CID. Memory stays
 * bounded by a few 64 KiB chunks whatever the record's size.
 */
import { ByteReader, collectBytes, fixedSizePieces, type ByteSource } from "./byte-source.ts";
import {
  RecordChunkAuthError,
  RecordFormatError,
  RecordTrailingDataError,
  RecordTruncatedError,
} from "./errors.ts";
import {
  DEFAULT_CHUNK_SIZE_LOG2,
  HEADER_NONCE_BYTES,
  RECORD_HEADER_BYTES,
  RECORD_KEY_BYTES,
  assertRecordKey,
  createRecordHeader,
  readRecordHeader,
} from "./record-header.ts";
import { encodeRecordMeta, readRecordMeta, type RecordMeta } from "./record-meta.ts";
import { TAG_BYTES, openChunk, sealChunk } from "./stream-aead.ts";

export type { ByteSource } from "./byte-source.ts";
export type { RecordMeta } from "./record-meta.ts";
export { RECORD_HEADER_BYTES, RECORD_KEY_BYTES } from "./record-header.ts";

/**
 * Chunks in flight at once. Each WebCrypto call has a fixed cost (promise, job setup, copies); a
 * small window overlaps those costs (about 2x in Node, measured in docs/record-format.md) and still
 * bounds memory to this many chunks.
 */
const PIPELINE_DEPTH = 4;

export interface DecryptedRecord {
  meta: RecordMeta;
  /**
   * The plaintext body. It is released chunk by chunk before the end of the record is verified:
   * a consumer must treat the output as untrusted until iteration finishes without an error
   * (write to a temporary file, rename on success).
   */
  body: AsyncIterable<Uint8Array>;
}

/** A fresh random 256-bit record key. Never reuse one across records or versions. */
export function generateRecordKey(): Uint8Array<ArrayBuffer> {
  return crypto.getRandomValues(new Uint8Array(RECORD_KEY_BYTES));
}

/** Encrypts `source` (any size, constant memory). Throws synchronously on a bad key or metadata. */
export function encryptRecord(source: ByteSource, recordKey: Uint8Array, meta: RecordMeta): AsyncIterable<Uint8Array> {
  return encryptRecordWithNonce(source, recordKey, meta, crypto.getRandomValues(new Uint8Array(HEADER_NONCE_BYTES)));
}

/**
 * TEST VECTORS ONLY: encryption with a caller-chosen header nonce. With a reused key and nonce,
 * two records share their AES-GCM key and nonces, which destroys confidentiality and integrity.
 */
export function encryptRecordWithNonce(
  source: ByteSource,
  recordKey: Uint8Array,
  meta: RecordMeta,
  nonce: Uint8Array,
  chunkSizeLog2: number = DEFAULT_CHUNK_SIZE_LOG2,
): AsyncIterable<Uint8Array> {
  assertRecordKey(recordKey);
  const metaPrefix = encodeRecordMeta(meta);
  const key = Uint8Array.from(recordKey);
  const headerNonce = Uint8Array.from(nonce);
  return (async function* () {
    const { header, payloadKey, chunkSize } = await createRecordHeader(key, headerNonce, chunkSizeLog2);
    yield header;
    const inFlight: Promise<Uint8Array>[] = [];
    let index = 0;
    for await (const piece of fixedSizePieces(prepend(metaPrefix, source), chunkSize)) {
      inFlight.push(sealChunk(payloadKey, index++, piece.last, piece.bytes));
      if (inFlight.length >= PIPELINE_DEPTH) yield await inFlight.shift()!;
    }
    while (inFlight.length > 0) yield await inFlight.shift()!;
  })();
}

/** Verifies the header and reads the metadata; the body then streams (see DecryptedRecord.body). */
export async function decryptRecord(source: ByteSource, recordKey: Uint8Array): Promise<DecryptedRecord> {
  assertRecordKey(recordKey);
  const ciphertext = new ByteReader(source);
  try {
    const { payloadKey, chunkSize } = await readRecordHeader(ciphertext, recordKey);
    const plaintext = new ByteReader(openPayload(ciphertext.rest(), payloadKey, chunkSize));
    const meta = await readRecordMeta(plaintext);
    return { meta, body: plaintext.rest() };
  } catch (error) {
    await ciphertext.close();
    throw error;
  }
}

/** Whole-buffer convenience for small records. */
export async function encryptRecordBytes(
  plaintext: Uint8Array,
  recordKey: Uint8Array,
  meta: RecordMeta,
): Promise<Uint8Array<ArrayBuffer>> {
  return collectBytes(encryptRecord([plaintext], recordKey, meta));
}

export async function decryptRecordBytes(
  ciphertext: Uint8Array,
  recordKey: Uint8Array,
): Promise<{ meta: RecordMeta; body: Uint8Array<ArrayBuffer> }> {
  const { meta, body } = await decryptRecord([ciphertext], recordKey);
  return { meta, body: await collectBytes(body) };
}

/** Exact ciphertext length for a body of `bodyBytes` bytes (for progress bars and storage quotas). */
export function recordCiphertextSize(bodyBytes: number, meta: RecordMeta, chunkSizeLog2 = DEFAULT_CHUNK_SIZE_LOG2): number {
  const payload = encodeRecordMeta(meta).length + bodyBytes;
  const chunks = Math.max(1, Math.ceil(payload / 2 ** chunkSizeLog2));
  return RECORD_HEADER_BYTES + payload + chunks * TAG_BYTES;
}

async function* prepend(first: Uint8Array, rest: ByteSource): AsyncGenerator<Uint8Array> {
  yield first;
  yield* rest;
}

/**
 * Decrypts the chunks after the header. Failures are classified by retrying the failed chunk with
 * the other last-flag (only on the error path, so it costs nothing for valid records):
 *  - the final piece opens as a non-final chunk → the stream was cut at a chunk boundary;
 *  - a non-final piece opens as the final chunk → bytes were appended after the end.
 */
async function* openPayload(
  ciphertext: AsyncIterable<Uint8Array>,
  payloadKey: CryptoKey,
  chunkSize: number,
): AsyncGenerator<Uint8Array> {
  const pieceSize = chunkSize + TAG_BYTES;
  const inFlight: { index: number; piece: Uint8Array<ArrayBuffer>; opened: Promise<Uint8Array | undefined> }[] = [];
  let index = 0;

  const settle = async function* (): AsyncGenerator<Uint8Array> {
    const { index: failedIndex, piece, opened } = inFlight.shift()!;
    const plaintext = await opened;
    if (plaintext !== undefined) {
      yield plaintext;
      return;
    }
    if ((await openChunk(payloadKey, failedIndex, true, piece)) !== undefined) {
      throw new RecordTrailingDataError(failedIndex);
    }
    throw new RecordChunkAuthError(failedIndex, false);
  };

  for await (const { bytes, last } of fixedSizePieces(ciphertext, pieceSize)) {
    if (!last) {
      inFlight.push({ index, piece: bytes, opened: openChunk(payloadKey, index, false, bytes) });
      index++;
      if (inFlight.length >= PIPELINE_DEPTH) yield* settle();
      continue;
    }
    while (inFlight.length > 0) yield* settle();
    if (bytes.length === 0) {
      throw new RecordTruncatedError(
        index === 0 ? "The record ends right after its header." : `The record ends after chunk ${index - 1}.`,
      );
    }
    if (bytes.length < TAG_BYTES) {
      throw new RecordTruncatedError(`The record ends inside the authentication tag of chunk ${index}.`);
    }
    const plaintext = await openChunk(payloadKey, index, true, bytes);
    if (plaintext !== undefined) {
      // As in age: only an empty record may end with an empty chunk; writers never emit one otherwise.
      if (plaintext.length === 0 && index > 0) {
        throw new RecordFormatError(`Empty final chunk ${index} after full chunks: not written by a conforming writer.`);
      }
      yield plaintext;
      return;
    }
    if (bytes.length === pieceSize && (await openChunk(payloadKey, index, false, bytes)) !== undefined) {
      throw new RecordTruncatedError(`The record ends after chunk ${index}: the final chunk is missing.`);
    }
    throw new RecordChunkAuthError(index, true);
  }
}
