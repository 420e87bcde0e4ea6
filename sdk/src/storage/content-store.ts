/**
 * Where ciphertext lives. Every implementation computes CIDs with `encodeFile` (so a CID is the
 * same whichever store holds the bytes) and verifies every block it reads, so a caller never sees
 * bytes that do not match the CID it asked for.
 */
import type { ByteSource, CID, EncodedFile } from "./cid.ts";

export type { ByteSource, EncodedFile } from "./cid.ts";

export interface ContentStore {
  /**
   * Stores a byte stream and resolves once the store has confirmed it. Idempotent: the same bytes
   * give the same CID and storing them again is harmless.
   */
  put(source: ByteSource): Promise<EncodedFile>;
  /**
   * The content's bytes, streamed and verified block by block. Throws (while iterating)
   * `ContentNotFoundError`, `ContentMismatchError` or `StorageUnavailableError`.
   */
  get(cid: CID | string): AsyncIterable<Uint8Array>;
  /** Whether the store holds the content's root block (a cheap check; `get` checks everything). */
  has(cid: CID | string): Promise<boolean>;
}
