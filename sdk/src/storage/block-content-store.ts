/**
 * A ContentStore over any block store (a directory on disk, memory, IndexedDB…): encodes on put,
 * verifies on get. Browser-safe; the Node disk store is `./node/fs-blockstore.ts`.
 */
import { encodeFile, parseCid, type ByteSource, type CID, type EncodedFile } from "./cid.ts";
import type { ContentStore } from "./content-store.ts";
import type { Sha256Engine } from "./hasher.ts";
import { readFile } from "./verified-read.ts";

export interface Blockstore {
  /** The block's bytes, or undefined if absent. */
  get(cid: CID): Promise<Uint8Array | undefined>;
  put(cid: CID, bytes: Uint8Array): Promise<void>;
  has(cid: CID): Promise<boolean>;
}

export interface BlockContentStoreOptions {
  hasher?: Sha256Engine;
  /** Named in "not found" errors. */
  name?: string;
}

export class BlockContentStore implements ContentStore {
  constructor(
    readonly blocks: Blockstore,
    readonly options: BlockContentStoreOptions = {},
  ) {}

  async put(source: ByteSource): Promise<EncodedFile> {
    const encoding = encodeFile(source, { hasher: this.options.hasher });
    for await (const block of encoding.blocks) {
      // Content addressing makes a present block identical to this one: skip the write.
      if (!(await this.blocks.has(block.cid))) await this.blocks.put(block.cid, block.bytes);
    }
    return encoding.done;
  }

  get(cid: CID | string): AsyncIterable<Uint8Array> {
    const root = parseCid(cid);
    return readFile(root, (c) => this.blocks.get(c), { hasher: this.options.hasher, sourceName: this.options.name });
  }

  has(cid: CID | string): Promise<boolean> {
    return this.blocks.has(parseCid(cid));
  }
}

/** Blocks in memory: for tests and short-lived browser sessions. */
export class MemoryBlockstore implements Blockstore {
  readonly #blocks = new Map<string, Uint8Array>();
  async get(cid: CID) {
    return this.#blocks.get(cid.toString());
  }
  async put(cid: CID, bytes: Uint8Array) {
    this.#blocks.set(cid.toString(), bytes);
  }
  async has(cid: CID) {
    return this.#blocks.has(cid.toString());
  }
}
