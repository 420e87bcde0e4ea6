/** Shared helpers for the crypto tests. */
import assert from "node:assert/strict";
import { CaduceusError } from "../../src/errors.ts";

/** Deterministic pseudo-random bytes (xorshift32), so failures reproduce. */
export function patternBytes(length: number, seed = 1): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(length);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}

/** Splits bytes into pieces of `size` (to feed streams with odd boundaries). */
export function* inPieces(bytes: Uint8Array, size: number): Generator<Uint8Array> {
  for (let offset = 0; offset < bytes.length; offset += size) yield bytes.subarray(offset, offset + size);
}

/** Asserts that `promise` rejects with an instance of `errorClass` carrying `code`; returns the error. */
export async function rejectsWith<T extends CaduceusError>(
  promise: Promise<unknown>,
  errorClass: abstract new (...args: never[]) => T,
  code: string,
): Promise<T> {
  let caught: unknown;
  try {
    await promise;
  } catch (error) {
    caught = error;
  }
  assert.ok(caught !== undefined, `expected ${errorClass.name} (${code}), but nothing was thrown`);
  assert.ok(caught instanceof errorClass, `expected ${errorClass.name}, got ${String(caught)}`);
  assert.ok(caught instanceof CaduceusError);
  assert.equal(caught.code, code);
  return caught;
}

export function hex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("hex");
}

export function unhex(text: string): Uint8Array<ArrayBuffer> {
  return new Uint8Array(Buffer.from(text.replace(/^0x/, ""), "hex"));
}
