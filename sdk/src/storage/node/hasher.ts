/**
 * SHA-256 for Node (node:crypto), with two independent ways to use a second core:
 * - `contentWorker`: the whole-content digest (inherently serial) runs on a worker thread, reading
 *   the encoder's batches from shared memory without a copy, while this thread hashes the leaves.
 * - `workers`: leaf digests are spread over a pool of worker threads (each leaf is copied over).
 * Which wins depends on the machine (SHA extensions, cores); docs/storage.md has the figures.
 */
import { createHash } from "node:crypto";
import { Worker } from "node:worker_threads";
import type { IncrementalSha256, Sha256Engine } from "../hasher.ts";

export interface NodeSha256Options {
  /** Hash the whole content on a worker thread. Default true. */
  contentWorker?: boolean;
  /** Worker threads for leaf digests; 0 (default) hashes leaves on the calling thread. */
  workers?: number;
}

export function nodeSha256(options: NodeSha256Options = {}): Sha256Engine {
  const contentWorker = options.contentWorker ?? true;
  const workers = options.workers ?? 0;
  const pool = workers > 0 ? Array.from({ length: workers }, () => new RequestWorker(BLOCK_WORKER_SOURCE)) : [];
  const content = contentWorker ? new RequestWorker(CONTENT_WORKER_SOURCE) : undefined;
  let next = 0;
  let nextHashId = 0;
  const spare: ArrayBuffer[] = [];

  const digestInline = async (bytes: Uint8Array) => new Uint8Array(createHash("sha256").update(bytes).digest());
  const digestOnPool = async (bytes: Uint8Array) => {
    // Posting a view would clone its whole underlying buffer (often a multi-MiB batch): copy just
    // the block into a recycled buffer and transfer that; it comes back with the answer.
    const buffer = takeSpare(spare, bytes.length);
    new Uint8Array(buffer, 0, bytes.length).set(bytes);
    const answer = await pool[next++ % pool.length].request<{ digest: Uint8Array; buffer: ArrayBuffer }>({ buffer, length: bytes.length }, [buffer]);
    if (spare.length < MAX_SPARE_BUFFERS) spare.push(answer.buffer);
    return new Uint8Array(answer.digest);
  };

  const incrementalInline = (): IncrementalSha256 => {
    const hash = createHash("sha256");
    return {
      update: (bytes) => void hash.update(bytes),
      digest: () => new Uint8Array(hash.digest()),
    };
  };
  const incrementalOnWorker = (worker: RequestWorker): IncrementalSha256 => {
    const id = nextHashId++;
    return {
      offThread: true,
      update: async (bytes) => {
        // Shared memory crosses without a copy; anything else is copied into some first.
        const view = bytes.buffer instanceof SharedArrayBuffer ? bytes : copyToShared(bytes);
        await worker.request({ type: "update", id, buffer: view.buffer, offset: view.byteOffset, length: view.byteLength });
      },
      digest: async () => new Uint8Array((await worker.request<{ digest: Uint8Array }>({ type: "digest", id })).digest),
    };
  };

  return {
    digest: pool.length > 0 ? digestOnPool : digestInline,
    incremental: content ? () => incrementalOnWorker(content) : incrementalInline,
    allocate: content ? (size) => new Uint8Array(new SharedArrayBuffer(size)) : undefined,
    close: async () => {
      await Promise.all([...pool, ...(content ? [content] : [])].map((w) => w.close()));
    },
  };
}

let shared: Sha256Engine | undefined;

/**
 * One process-wide engine for the stores and gateways that were given no hasher: an engine per
 * store would multiply threads. Never closed; idle threads do not keep the process alive.
 */
export function sharedNodeSha256(): Sha256Engine {
  shared ??= nodeSha256();
  return { digest: shared.digest, incremental: shared.incremental, allocate: shared.allocate };
}

const MAX_SPARE_BUFFERS = 16;
const BLOCK_BUFFER_BYTES = 1024 * 1024 + 1024;

function takeSpare(spare: ArrayBuffer[], length: number): ArrayBuffer {
  const index = spare.findIndex((buffer) => buffer.byteLength >= length);
  return index >= 0 ? spare.splice(index, 1)[0] : new ArrayBuffer(Math.max(length, BLOCK_BUFFER_BYTES));
}

function copyToShared(bytes: Uint8Array): Uint8Array {
  const copy = new Uint8Array(new SharedArrayBuffer(bytes.byteLength));
  copy.set(bytes);
  return copy;
}

// CommonJS sources evaluated in the workers: no loader or file path needed.
const BLOCK_WORKER_SOURCE = `
const { parentPort } = require("node:worker_threads");
const { createHash } = require("node:crypto");
parentPort.on("message", ({ req, body: { buffer, length } }) => {
  const digest = createHash("sha256").update(new Uint8Array(buffer, 0, length)).digest();
  parentPort.postMessage({ req, body: { digest, buffer } }, [buffer]);
});
`;

const CONTENT_WORKER_SOURCE = `
const { parentPort } = require("node:worker_threads");
const { createHash } = require("node:crypto");
const hashes = new Map();
parentPort.on("message", ({ req, body }) => {
  let hash = hashes.get(body.id);
  if (!hash) hashes.set(body.id, (hash = createHash("sha256")));
  if (body.type === "update") {
    hash.update(new Uint8Array(body.buffer, body.offset, body.length));
    parentPort.postMessage({ req, body: {} });
  } else {
    hashes.delete(body.id);
    parentPort.postMessage({ req, body: { digest: hash.digest() } });
  }
});
`;

/** A worker answering numbered requests; referenced (keeps the process alive) only while busy. */
class RequestWorker {
  readonly #worker: Worker;
  readonly #pending = new Map<number, { resolve(body: unknown): void; reject(error: unknown): void }>();
  #nextReq = 0;

  constructor(source: string) {
    // No inherited flags: the sources are plain CommonJS, whatever loader or input type the app runs with.
    this.#worker = new Worker(source, { eval: true, execArgv: [] });
    this.#worker.unref();
    // Node 22 refs the worker's messaging port again when the thread comes online; an idle
    // worker that was never asked anything would otherwise keep the process alive.
    this.#worker.once("online", () => {
      if (this.#pending.size === 0) this.#worker.unref();
    });
    this.#worker.on("message", ({ req, body }: { req: number; body: unknown }) => {
      this.#pending.get(req)?.resolve(body);
      this.#pending.delete(req);
      if (this.#pending.size === 0) this.#worker.unref();
    });
    this.#worker.on("error", (error) => this.#failAll(error));
  }

  request<T = unknown>(body: object, transfer: ArrayBuffer[] = []): Promise<T> {
    const req = this.#nextReq++;
    return new Promise<T>((resolve, reject) => {
      if (this.#pending.size === 0) this.#worker.ref();
      this.#pending.set(req, { resolve: resolve as (body: unknown) => void, reject });
      this.#worker.postMessage({ req, body }, transfer);
    });
  }

  async close(): Promise<void> {
    await this.#worker.terminate();
    this.#failAll(new Error("hasher closed"));
  }

  #failAll(error: unknown): void {
    for (const pending of this.#pending.values()) pending.reject(error);
    this.#pending.clear();
    this.#worker.unref();
  }
}
