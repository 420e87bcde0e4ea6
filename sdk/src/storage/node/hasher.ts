/**
 * SHA-256 for Node: node:crypto, optionally spread over a pool of worker threads. UnixFS leaves are
 * independent, so while the main thread keeps the whole-content digest (inherently serial), the
 * workers hash leaves. Measured figures are in docs/storage.md.
 */
import { createHash } from "node:crypto";
import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";
import type { IncrementalSha256, Sha256Engine } from "../hasher.ts";

export interface NodeSha256Options {
  /** Worker threads for block digests; 0 hashes on the calling thread. Default: one per core. */
  workers?: number;
}

export function nodeSha256(options: NodeSha256Options = {}): Sha256Engine {
  const workers = options.workers ?? availableParallelism();
  const incremental = (): IncrementalSha256 => {
    const hash = createHash("sha256");
    return {
      update: (bytes) => void hash.update(bytes),
      digest: () => new Uint8Array(hash.digest()),
    };
  };
  if (workers === 0) {
    return {
      digest: async (bytes) => new Uint8Array(createHash("sha256").update(bytes).digest()),
      incremental,
    };
  }
  const pool = new WorkerPool(workers);
  return { digest: (bytes) => pool.digest(bytes), incremental, close: () => pool.close() };
}

let shared: Sha256Engine | undefined;

/**
 * One process-wide pool for the stores and gateways that were given no hasher: a pool per store
 * would multiply threads. Never closed; its idle threads do not keep the process alive.
 */
export function sharedNodeSha256(): Sha256Engine {
  shared ??= nodeSha256();
  return { digest: shared.digest, incremental: shared.incremental };
}

// CommonJS source evaluated in each worker: no loader or file path needed.
const WORKER_SOURCE = `
const { parentPort } = require("node:worker_threads");
const { createHash } = require("node:crypto");
parentPort.on("message", ({ id, bytes, length }) => {
  const digest = createHash("sha256").update(new Uint8Array(bytes, 0, length)).digest();
  // The buffer goes back for reuse: neither thread allocates per block in steady state.
  parentPort.postMessage({ id, digest, bytes }, [bytes]);
});
`;

const BLOCK_BUFFER_BYTES = 1024 * 1024 + 1024;
const MAX_SPARE_BUFFERS = 16;

interface Pending {
  resolve(digest: Uint8Array): void;
  reject(error: unknown): void;
}

class WorkerPool {
  readonly #workers: Worker[] = [];
  readonly #pending = new Map<number, Pending>();
  readonly #spare: ArrayBuffer[] = [];
  #nextId = 0;
  #next = 0;

  constructor(size: number) {
    for (let i = 0; i < size; i++) {
      const worker = new Worker(WORKER_SOURCE, { eval: true });
      worker.on("message", ({ id, digest, bytes }: { id: number; digest: Uint8Array; bytes: ArrayBuffer }) => {
        if (this.#spare.length < MAX_SPARE_BUFFERS) this.#spare.push(bytes);
        this.#pending.get(id)?.resolve(new Uint8Array(digest.buffer, digest.byteOffset, digest.byteLength));
        this.#pending.delete(id);
        if (this.#pending.size === 0) this.#setRef(false);
      });
      worker.on("error", (error) => this.#failAll(error));
      // An idle pool must not keep the process alive (referenced only while digests are pending).
      worker.unref();
      this.#workers.push(worker);
    }
  }

  digest(bytes: Uint8Array): Promise<Uint8Array> {
    const id = this.#nextId++;
    const worker = this.#workers[this.#next++ % this.#workers.length];
    return new Promise((resolve, reject) => {
      if (this.#pending.size === 0) this.#setRef(true);
      this.#pending.set(id, { resolve, reject });
      // Posting a view would clone its whole underlying buffer (often a multi-MiB batch): copy just
      // the block into a recycled buffer and transfer that; the caller keeps its bytes.
      const copy = this.#bufferFor(bytes.length);
      new Uint8Array(copy, 0, bytes.length).set(bytes);
      worker.postMessage({ id, bytes: copy, length: bytes.length }, [copy]);
    });
  }

  #bufferFor(length: number): ArrayBuffer {
    const index = this.#spare.findIndex((buffer) => buffer.byteLength >= length);
    if (index >= 0) return this.#spare.splice(index, 1)[0];
    return new ArrayBuffer(Math.max(length, BLOCK_BUFFER_BYTES));
  }

  async close(): Promise<void> {
    await Promise.all(this.#workers.map((w) => w.terminate()));
    this.#failAll(new Error("hasher closed"));
  }

  #setRef(on: boolean): void {
    for (const worker of this.#workers) {
      if (on) worker.ref();
      else worker.unref();
    }
  }

  #failAll(error: unknown): void {
    for (const pending of this.#pending.values()) pending.reject(error);
    this.#pending.clear();
    this.#setRef(false);
  }
}
