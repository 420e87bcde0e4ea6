/**
 * The STREAM construction of age v1 (C2SP age spec, "Payload"), with AES-256-GCM from WebCrypto in
 * place of ChaCha20-Poly1305: chunk i is sealed under nonce = 11-byte big-endian i || last-flag,
 * where last-flag is 0x01 only for the final chunk. The counter stops reordering and dropping
 * chunks; the flag stops truncation at a chunk boundary. AES-GCM's 96-bit nonce is exactly 12 bytes.
 */

export const TAG_BYTES = 16;
const COUNTER_BYTES = 11;

export function chunkNonce(index: number, last: boolean): Uint8Array<ArrayBuffer> {
  if (!Number.isSafeInteger(index) || index < 0) throw new RangeError(`bad chunk index ${index}`);
  const nonce = new Uint8Array(COUNTER_BYTES + 1);
  let rest = index;
  // A safe integer needs at most 7 bytes; the upper counter bytes stay zero.
  for (let i = COUNTER_BYTES - 1; i >= 0 && rest > 0; i--) {
    nonce[i] = rest % 256;
    rest = Math.floor(rest / 256);
  }
  nonce[COUNTER_BYTES] = last ? 1 : 0;
  return nonce;
}

export async function sealChunk(
  key: CryptoKey,
  index: number,
  last: boolean,
  plaintext: Uint8Array<ArrayBuffer>,
): Promise<Uint8Array<ArrayBuffer>> {
  const iv = chunkNonce(index, last);
  return new Uint8Array(await crypto.subtle.encrypt({ name: "AES-GCM", iv, tagLength: 128 }, key, plaintext));
}

/** The plaintext, or undefined when the tag does not verify under this index and flag. */
export async function openChunk(
  key: CryptoKey,
  index: number,
  last: boolean,
  ciphertext: Uint8Array<ArrayBuffer>,
): Promise<Uint8Array<ArrayBuffer> | undefined> {
  if (ciphertext.length < TAG_BYTES) return undefined;
  const iv = chunkNonce(index, last);
  try {
    return new Uint8Array(await crypto.subtle.decrypt({ name: "AES-GCM", iv, tagLength: 128 }, key, ciphertext));
  } catch {
    // WebCrypto reports every tag failure as an OperationError without detail; the caller decides what it means.
    return undefined;
  }
}
