/**
 * Content-addressed blocks in a directory: `<dir>/blocks/<last two CID chars>/<CID>`. A block is
 * written to `<dir>/tmp/` first, flushed, then renamed into place, so a crash leaves either the
 * whole block or none. Batches (used by the gateway's upload) stage every block and move them
 * into place only once all have been verified, so a rejected upload stores nothing.
 */
import { randomUUID } from "node:crypto";
import { mkdir, open, readFile, rename, rm, stat } from "node:fs/promises";
import { join } from "node:path";
import { BlockContentStore, type Blockstore } from "../block-content-store.ts";
import type { CID } from "../cid.ts";
import type { Sha256Engine } from "../hasher.ts";
import { sharedNodeSha256 } from "./hasher.ts";

export class FsBlockstore implements Blockstore {
  readonly #blocksDir: string;
  readonly #tmpDir: string;
  #ready: Promise<void> | undefined;

  constructor(readonly dir: string) {
    this.#blocksDir = join(dir, "blocks");
    this.#tmpDir = join(dir, "tmp");
  }

  /** Where a block lives; exposed for tests and tools (e.g. to check a file by hand). */
  pathOf(cid: CID): string {
    const name = cid.toString();
    return join(this.#blocksDir, name.slice(-2), name);
  }

  async get(cid: CID): Promise<Uint8Array | undefined> {
    try {
      return new Uint8Array(await readFile(this.pathOf(cid)));
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
  }

  async has(cid: CID): Promise<boolean> {
    try {
      await stat(this.pathOf(cid));
      return true;
    } catch (error) {
      if (isNotFound(error)) return false;
      throw error;
    }
  }

  async put(cid: CID, bytes: Uint8Array): Promise<void> {
    await this.#init();
    const temp = await this.#writeTemp(this.#tmpDir, bytes);
    await this.#moveIntoPlace(temp, cid);
  }

  /** Starts a batch whose blocks become visible only on `commit()`. */
  async batch(): Promise<BlockBatch> {
    await this.#init();
    const stagingDir = join(this.#tmpDir, `batch-${randomUUID()}`);
    await mkdir(stagingDir);
    const staged = new Map<string, { cid: CID; path: string }>();
    return {
      put: async (cid, bytes) => {
        if (staged.has(cid.toString())) return;
        staged.set(cid.toString(), { cid, path: await this.#writeTemp(stagingDir, bytes) });
      },
      get: async (cid) => {
        const entry = staged.get(cid.toString());
        return entry ? new Uint8Array(await readFile(entry.path)) : this.get(cid);
      },
      has: async (cid) => staged.has(cid.toString()) || this.has(cid),
      size: () => staged.size,
      commit: async () => {
        for (const { cid, path } of staged.values()) await this.#moveIntoPlace(path, cid);
        await rm(stagingDir, { recursive: true, force: true });
      },
      discard: () => rm(stagingDir, { recursive: true, force: true }),
    };
  }

  #init(): Promise<void> {
    this.#ready ??= Promise.all([mkdir(this.#blocksDir, { recursive: true }), mkdir(this.#tmpDir, { recursive: true })]).then(() => {});
    return this.#ready;
  }

  async #writeTemp(dir: string, bytes: Uint8Array): Promise<string> {
    const path = join(dir, randomUUID());
    const file = await open(path, "wx");
    try {
      await file.writeFile(bytes);
      await file.datasync();
    } finally {
      await file.close();
    }
    return path;
  }

  async #moveIntoPlace(temp: string, cid: CID): Promise<void> {
    const target = this.pathOf(cid);
    await mkdir(join(target, ".."), { recursive: true });
    await rename(temp, target);
  }
}

/** Blocks staged for an all-or-nothing write. */
export interface BlockBatch extends Blockstore {
  size(): number;
  commit(): Promise<void>;
  discard(): Promise<void>;
}

function isNotFound(error: unknown): boolean {
  return (error as { code?: unknown })?.code === "ENOENT";
}

/** The embedded default store on disk: `new FsContentStore(".caduceus/blocks")`. */
export class FsContentStore extends BlockContentStore {
  constructor(dir: string, options: { hasher?: Sha256Engine } = {}) {
    super(new FsBlockstore(dir), { hasher: options.hasher ?? sharedNodeSha256(), name: `the block store in ${dir}` });
  }

  get blockstore(): FsBlockstore {
    return this.blocks as FsBlockstore;
  }
}
