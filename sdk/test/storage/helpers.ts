import { randomFillSync } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";

export const MiB = 1024 * 1024;

export function randomBytes(size: number): Uint8Array {
  const out = new Uint8Array(size);
  for (let offset = 0; offset < size; offset += 65536) randomFillSync(out.subarray(offset, Math.min(size, offset + 65536)));
  return out;
}

/** `bytes` as a stream of uneven pieces, as a network or file would deliver them. */
export function* pieces(bytes: Uint8Array, size = 100_000): Generator<Uint8Array> {
  for (let offset = 0; offset < bytes.length; offset += size) yield bytes.subarray(offset, offset + size);
}

export async function collect(stream: AsyncIterable<Uint8Array>): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  let length = 0;
  for await (const part of stream) {
    parts.push(part);
    length += part.length;
  }
  const out = new Uint8Array(length);
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

export async function tempDir(t: { after(fn: () => Promise<void>): void }): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "caduceus-storage-"));
  t.after(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

/** Sizes the CID settings must agree on: empty, tiny, exactly one chunk, one past it, several. */
export const EDGE_SIZES = [0, 1, MiB, MiB + 1, 3 * MiB + 12345];

setFlagsFromString("--expose-gc");
const gc = runInNewContext("gc") as () => void;

/** Bytes held live after a full collection (heap + buffers): garbage does not count. */
export function liveBytes(): number {
  gc();
  const usage = process.memoryUsage();
  return usage.heapUsed + usage.arrayBuffers;
}

/** `total` bytes as a stream repeating one random unit, measuring peak live memory every 8 MiB. */
export function repeatingSource(total: number, unit: Uint8Array, probe?: () => void): () => Generator<Uint8Array> {
  return function* () {
    let sinceProbe = 0;
    for (let sent = 0; sent < total; sent += unit.length) {
      const piece = unit.subarray(0, Math.min(unit.length, total - sent));
      sinceProbe += piece.length;
      if (probe && sinceProbe >= 8 * MiB) {
        probe();
        sinceProbe = 0;
      }
      yield piece;
    }
  };
}
