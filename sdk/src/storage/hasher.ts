/**
 * SHA-256 behind one small interface, so that CID computation and verification run the same code
 * in the browser and in Node while each environment hashes its fastest way:
 * - browser (and the default anywhere): WebCrypto for blocks (asynchronous, off the main thread in
 *   browsers), @noble/hashes for the incremental whole-content digest (WebCrypto has no streaming).
 * - Node: `nodeSha256()` in `./node/hasher.ts` (node:crypto, optionally a worker-thread pool).
 */
import { sha256 as nobleSha256 } from "@noble/hashes/sha2.js";

export type Hex = `0x${string}`;

export interface IncrementalSha256 {
  /** Set when `update` hashes on another thread and returns at once. */
  readonly offThread?: boolean;
  /** The caller keeps `bytes` unchanged until a returned promise settles. */
  update(bytes: Uint8Array): void | Promise<void>;
  digest(): Uint8Array | Promise<Uint8Array>;
}

export interface Sha256Engine {
  /** Digest of one block. Calls may overlap; an engine may run them in parallel. */
  digest(bytes: Uint8Array): Promise<Uint8Array>;
  /** A streaming hasher for the digest of a whole file. */
  incremental(): IncrementalSha256;
  /** Memory the engine reads fastest (e.g. shared with a worker); encoders batch input into it. */
  allocate?(size: number): Uint8Array;
  /** Releases threads the engine holds, if any. */
  close?(): Promise<void>;
}

/** WebCrypto (blocks) + noble (streaming): works in every browser and in Node. */
export function webCryptoSha256(): Sha256Engine {
  return {
    async digest(bytes) {
      return new Uint8Array(await crypto.subtle.digest("SHA-256", bytes as Uint8Array<ArrayBuffer>));
    },
    incremental() {
      const hash = nobleSha256.create();
      return { update: (bytes) => void hash.update(bytes), digest: () => hash.digest() };
    },
  };
}

export function toHex(bytes: Uint8Array): Hex {
  let out = "0x";
  for (const byte of bytes) out += byte.toString(16).padStart(2, "0");
  return out as Hex;
}

export function fromHex(hex: string): Uint8Array {
  const body = hex.startsWith("0x") ? hex.slice(2) : hex;
  if (body.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(body)) throw new TypeError(`not a hex string: ${hex}`);
  const out = new Uint8Array(body.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(body.slice(2 * i, 2 * i + 2), 16);
  return out;
}

export function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i] ^ b[i];
  return diff === 0;
}
