/** Small byte helpers shared by the crypto modules (no `node:` imports: the SDK runs in browsers). */

const textEncoder = new TextEncoder();

export function utf8(text: string): Uint8Array<ArrayBuffer> {
  return textEncoder.encode(text);
}

export function concatBytes(...parts: Uint8Array[]): Uint8Array<ArrayBuffer> {
  let length = 0;
  for (const part of parts) length += part.length;
  const out = new Uint8Array(length);
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

export function toHex(bytes: Uint8Array): string {
  let hex = "";
  for (const byte of bytes) hex += byte.toString(16).padStart(2, "0");
  return hex;
}

/** Accepts hex with or without `0x`; throws a TypeError on odd length or non-hex characters. */
export function fromHex(hex: string): Uint8Array<ArrayBuffer> {
  const digits = hex.startsWith("0x") || hex.startsWith("0X") ? hex.slice(2) : hex;
  if (digits.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(digits)) {
    throw new TypeError(`not a hex byte string: ${hex.slice(0, 20)}…`);
  }
  const out = new Uint8Array(digits.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(digits.slice(2 * i, 2 * i + 2), 16);
  return out;
}

/** Constant-time comparison for MACs and key checks (length is public). */
export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i]! ^ b[i]!;
  return diff === 0;
}

/** Big-endian unsigned integer of `length` bytes; throws RangeError when the value does not fit. */
export function uintBytes(value: bigint | number, length: number): Uint8Array<ArrayBuffer> {
  let rest = BigInt(value);
  if (rest < 0n || rest >= 1n << BigInt(8 * length)) {
    throw new RangeError(`${value} does not fit in ${length} unsigned bytes`);
  }
  const out = new Uint8Array(length);
  for (let i = length - 1; i >= 0; i--) {
    out[i] = Number(rest & 0xffn);
    rest >>= 8n;
  }
  return out;
}

/** Copies into a fresh ArrayBuffer-backed array: WebCrypto's types reject SharedArrayBuffer views. */
export function ownedCopy(bytes: Uint8Array): Uint8Array<ArrayBuffer> {
  return new Uint8Array(bytes);
}
