/**
 * Byte streams as the SDK passes them around: any (async) iterable of Uint8Array. Node streams,
 * `ReadableStream` (where async-iterable), `Blob.stream()` and generators all qualify, and every
 * helper here holds a bounded number of bytes whatever the stream's length.
 */
import { concatBytes } from "./bytes.ts";

export type ByteSource = AsyncIterable<Uint8Array> | Iterable<Uint8Array>;

async function* asAsync(source: ByteSource): AsyncGenerator<Uint8Array> {
  yield* source;
}

/** A piece of exactly `size` bytes (fewer only for the last) and whether the stream ends with it. */
export interface Piece {
  bytes: Uint8Array<ArrayBuffer>;
  last: boolean;
}

/**
 * Re-slices `source` into pieces of `size` bytes and flags the last one. A full piece is only known
 * to be last when the stream ends right after it, so one full piece is held back as lookahead
 * (this is what lets STREAM put the last-chunk flag into the nonce without knowing the length).
 * The last piece has 0..size bytes; it is empty only when the whole stream is empty.
 * Each piece is a fresh copy, so callers may keep it and inputs may be reused buffers.
 */
export async function* fixedSizePieces(source: ByteSource, size: number): AsyncGenerator<Piece> {
  let pending: Uint8Array<ArrayBuffer> | undefined;
  let buffer = new Uint8Array(size);
  let filled = 0;
  for await (const input of source) {
    let offset = 0;
    while (offset < input.length) {
      if (pending !== undefined) {
        yield { bytes: pending, last: false };
        pending = undefined;
      }
      const take = Math.min(size - filled, input.length - offset);
      buffer.set(input.subarray(offset, offset + take), filled);
      filled += take;
      offset += take;
      if (filled === size) {
        pending = buffer;
        buffer = new Uint8Array(size);
        filled = 0;
      }
    }
  }
  yield pending !== undefined ? { bytes: pending, last: true } : { bytes: buffer.subarray(0, filled), last: true };
}

/** Reads a fixed-size prefix of a stream (a header), then hands over the remainder as a stream. */
export class ByteReader {
  readonly #iterator: AsyncIterator<Uint8Array>;
  #buffered: Uint8Array[] = [];
  #bufferedBytes = 0;
  #ended = false;

  constructor(source: ByteSource) {
    this.#iterator = asAsync(source)[Symbol.asyncIterator]();
  }

  /** Up to `n` bytes; fewer only when the stream ends first. */
  async read(n: number): Promise<Uint8Array<ArrayBuffer>> {
    while (this.#bufferedBytes < n && !this.#ended) {
      const next = await this.#iterator.next();
      if (next.done === true) this.#ended = true;
      else if (next.value.length > 0) {
        this.#buffered.push(next.value);
        this.#bufferedBytes += next.value.length;
      }
    }
    const out = new Uint8Array(Math.min(n, this.#bufferedBytes));
    let filled = 0;
    while (filled < out.length) {
      const head = this.#buffered[0]!;
      const take = Math.min(head.length, out.length - filled);
      out.set(head.subarray(0, take), filled);
      filled += take;
      if (take === head.length) this.#buffered.shift();
      else this.#buffered[0] = head.subarray(take);
    }
    this.#bufferedBytes -= out.length;
    return out;
  }

  /** Closes the underlying source (after a failure, so that files and sockets are released). */
  async close(): Promise<void> {
    if (this.#ended) return;
    this.#ended = true;
    this.#buffered = [];
    this.#bufferedBytes = 0;
    await this.#iterator.return?.();
  }

  /** Everything not read yet. Stopping early closes the underlying source. */
  async *rest(): AsyncGenerator<Uint8Array> {
    try {
      while (this.#buffered.length > 0) {
        const head = this.#buffered.shift()!;
        this.#bufferedBytes -= head.length;
        yield head;
      }
      while (!this.#ended) {
        const next = await this.#iterator.next();
        if (next.done === true) this.#ended = true;
        else yield next.value;
      }
    } finally {
      await this.close();
    }
  }
}

/**
 * A WHATWG ReadableStream as a ByteSource, for browsers whose streams are not async-iterable yet
 * (Safari). Stopping early cancels the stream.
 */
export async function* fromReadableStream(stream: ReadableStream<Uint8Array>): AsyncGenerator<Uint8Array> {
  const reader = stream.getReader();
  let finished = false;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) {
        finished = true;
        return;
      }
      yield value;
    }
  } finally {
    if (!finished) await reader.cancel();
    reader.releaseLock();
  }
}

/**
 * A ByteSource as a WHATWG ReadableStream (fetch upload bodies, `new Response(…)`, downloads).
 * Pull-based, so memory stays constant; an error of the source errors the stream with the same
 * error object; cancelling the stream closes the source.
 */
export function toReadableStream(source: ByteSource): ReadableStream<Uint8Array> {
  const iterator: AsyncIterator<Uint8Array> = asAsync(source)[Symbol.asyncIterator]();
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        const next = await iterator.next();
        if (next.done === true) controller.close();
        else controller.enqueue(next.value);
      },
      async cancel() {
        await iterator.return?.();
      },
    },
    { highWaterMark: 0 },
  );
}

/** Drains a stream into one array (for small records and tests; defeats constant memory on purpose). */
export async function collectBytes(source: ByteSource): Promise<Uint8Array<ArrayBuffer>> {
  const parts: Uint8Array[] = [];
  for await (const part of source) parts.push(part);
  return concatBytes(...parts);
}
