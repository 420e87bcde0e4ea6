/**
 * Reads a UnixFS file block by block from any source of blocks, checking every block against its
 * CID before any of its bytes are used, and streams the file's bytes in order. The DAG is walked
 * depth-first with a small window of blocks fetched ahead, so memory stays bounded (one window of
 * blocks plus the links of the current path) whatever the file size.
 */
import * as dagPb from "@ipld/dag-pb";
import { UnixFS } from "ipfs-unixfs";
import { CID } from "multiformats/cid";
import { DAG_PB_CODEC, RAW_CODEC, SHA2_256_CODE } from "./cid.ts";
import { ContentMismatchError, ContentNotFoundError } from "./errors.ts";
import { equalBytes, webCryptoSha256, type Sha256Engine } from "./hasher.ts";

/** Returns a block's bytes, `undefined` if the source does not have it; throws if unreachable. */
export type BlockFetcher = (cid: CID) => Promise<Uint8Array | undefined>;

export interface ReadOptions {
  hasher?: Sha256Engine;
  /** Blocks fetched ahead of the one being streamed. Default 8. */
  prefetch?: number;
  /** Named in "not found" errors, e.g. "the gateway at http://…". */
  sourceName?: string;
}

/** Fetches a block and checks it hashes to its CID. */
export async function fetchVerified(cid: CID, fetchBlock: BlockFetcher, options: ReadOptions = {}): Promise<Uint8Array> {
  const bytes = await fetchBlock(cid);
  if (bytes === undefined) throw new ContentNotFoundError(cid.toString(), options.sourceName);
  await verifyBlock(cid, bytes, options.hasher ?? webCryptoSha256());
  return bytes;
}

export async function verifyBlock(cid: CID, bytes: Uint8Array, hasher: Sha256Engine): Promise<void> {
  if (cid.multihash.code !== SHA2_256_CODE) throw new ContentMismatchError(cid.toString(), "its hash function is not sha2-256");
  if (!equalBytes(await hasher.digest(bytes), cid.multihash.digest)) throw new ContentMismatchError(cid.toString());
}

interface Pending {
  cid: CID;
  block?: Promise<Uint8Array>;
}

export interface WalkOptions extends ReadOptions {
  /** Check each block against its CID (default true). A trustless gateway serves unchecked. */
  verify?: boolean;
}

/**
 * Every block of a UnixFS file DAG in depth-first order, as a trustless gateway's CAR lists them
 * (`order=dfs`, duplicates repeated), fetching a few ahead.
 */
export async function* walkFileBlocks(root: CID, fetchBlock: BlockFetcher, options: WalkOptions = {}): AsyncGenerator<{ cid: CID; bytes: Uint8Array }> {
  const hasher = options.hasher ?? webCryptoSha256();
  const verify = options.verify ?? true;
  const window = Math.max(1, options.prefetch ?? 8);
  const fetchOne = async (cid: CID) => {
    if (verify) return fetchVerified(cid, fetchBlock, { ...options, hasher });
    const bytes = await fetchBlock(cid);
    if (bytes === undefined) throw new ContentNotFoundError(cid.toString(), options.sourceName);
    return bytes;
  };
  // Depth-first order as a stack: the next block to hand out is at the end.
  const stack: Pending[] = [{ cid: root }];
  while (stack.length > 0) {
    for (let i = stack.length - 1; i >= Math.max(0, stack.length - window); i--) {
      const entry = stack[i];
      if (entry.block === undefined) {
        entry.block = fetchOne(entry.cid);
        // Settled later or abandoned if the reader stops early: never an unhandled rejection.
        entry.block.catch(() => {});
      }
    }
    const { cid, block } = stack.pop() as Required<Pending>;
    const bytes = await block;
    yield { cid, bytes };
    if (cid.code === RAW_CODEC) continue;
    const { links } = decodeFileNode(cid, bytes);
    for (let i = links.length - 1; i >= 0; i--) stack.push({ cid: links[i] });
  }
}

/** A dag-pb UnixFS file node: its inline data, links and declared size. */
export function decodeFileNode(cid: CID, bytes: Uint8Array): { data?: Uint8Array; links: CID[]; fileSize: number } {
  if (cid.code !== DAG_PB_CODEC) throw new ContentMismatchError(cid.toString(), `codec 0x${cid.code.toString(16)} is not part of a UnixFS file`);
  let node: dagPb.PBNode;
  let unixfs: UnixFS | undefined;
  try {
    node = dagPb.decode(bytes);
    unixfs = node.Data === undefined ? undefined : UnixFS.unmarshal(node.Data);
  } catch (cause) {
    throw new ContentMismatchError(cid.toString(), `it is not a valid dag-pb UnixFS node (${cause instanceof Error ? cause.message : String(cause)})`);
  }
  if (unixfs === undefined || (unixfs.type !== "file" && unixfs.type !== "raw")) {
    throw new ContentMismatchError(cid.toString(), "it is not a UnixFS file node (a directory or other data was stored under this CID)");
  }
  return { data: unixfs.data, links: node.Links.map((link) => CID.decode(link.Hash.bytes)), fileSize: Number(unixfs.fileSize()) };
}

/** The file's bytes, in order, each block verified before any of its bytes are handed out. */
export async function* readFile(root: CID, fetchBlock: BlockFetcher, options: ReadOptions = {}): AsyncGenerator<Uint8Array> {
  let streamed = 0;
  let expectedSize: number | undefined;
  for await (const { cid, bytes } of walkFileBlocks(root, fetchBlock, { ...options, verify: true })) {
    if (cid.code === RAW_CODEC) {
      streamed += bytes.length;
      yield bytes;
      continue;
    }
    const node = decodeFileNode(cid, bytes);
    expectedSize ??= node.fileSize;
    if (node.data !== undefined && node.data.length > 0) {
      streamed += node.data.length;
      yield node.data;
    }
  }
  // The hashes bind every byte; a size that disagrees means a malformed (though authentic) DAG.
  if (expectedSize !== undefined && streamed !== expectedSize) {
    throw new ContentMismatchError(root.toString(), `the file has ${streamed} bytes but its root declares ${expectedSize}`);
  }
}
