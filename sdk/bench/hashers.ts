/**
 * The hasher variants the bench can give the content store (see sdk/src/storage/node/hasher.ts and
 * docs/benchmarks.md). `default` is what `new FsContentStore(dir)` uses.
 */
import type { NodeSha256Options } from "../src/storage/node/hasher.ts";

export const HASHERS: Readonly<Record<string, NodeSha256Options | undefined>> = {
  /** The store's default: node:crypto, the whole-content digest on a worker thread, leaves inline. */
  default: undefined,
  serial: { contentWorker: false, workers: 0 },
  workers1: { contentWorker: false, workers: 1 },
  workers2: { contentWorker: false, workers: 2 },
  "content+workers1": { contentWorker: true, workers: 1 },
  "content+workers2": { contentWorker: true, workers: 2 },
};

export const HASHER_NAMES = Object.keys(HASHERS);
