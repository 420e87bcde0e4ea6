/**
 * The 90-byte record header and the keys derived from the record key.
 *
 *   offset size field
 *   0      8    magic "CADUCEUS"
 *   8      1    format version = 0x01
 *   9      1    log2(plaintext chunk size) = 16 (64 KiB)
 *   10     32   nonce: random, the HKDF salt of every key below
 *   42     16   key check = HKDF(recordKey, nonce, "caduceus/record/v1 key check")
 *   58     32   header MAC = HMAC-SHA256(HKDF(recordKey, nonce, "caduceus/record/v1 header"), bytes 0..57)
 *
 * The key check is separate from the MAC so that "wrong key" and "header altered" are different errors.
 */
import { ByteReader } from "./byte-source.ts";
import { bytesEqual, concatBytes, ownedCopy, utf8 } from "./bytes.ts";
import {
  RecordFormatError,
  RecordHeaderTamperedError,
  RecordTruncatedError,
  RecordWrongKeyError,
} from "./errors.ts";

export const RECORD_MAGIC = utf8("CADUCEUS");
export const RECORD_FORMAT_VERSION = 1;
export const DEFAULT_CHUNK_SIZE_LOG2 = 16;
/** Readers accept 1 KiB .. 16 MiB chunks so that memory stays bounded even for hostile headers. */
export const MIN_CHUNK_SIZE_LOG2 = 10;
export const MAX_CHUNK_SIZE_LOG2 = 24;
export const HEADER_NONCE_BYTES = 32;
const KEY_CHECK_BYTES = 16;
const MAC_BYTES = 32;
const AUTHENTICATED_BYTES = RECORD_MAGIC.length + 2 + HEADER_NONCE_BYTES + KEY_CHECK_BYTES;
export const RECORD_HEADER_BYTES = AUTHENTICATED_BYTES + MAC_BYTES;
export const RECORD_KEY_BYTES = 32;

const INFO_PAYLOAD = utf8("caduceus/record/v1 payload");
const INFO_HEADER = utf8("caduceus/record/v1 header");
const INFO_KEY_CHECK = utf8("caduceus/record/v1 key check");

interface RecordKeys {
  payloadKey: CryptoKey;
  headerMacKey: CryptoKey;
  keyCheck: Uint8Array<ArrayBuffer>;
}

async function deriveRecordKeys(recordKey: Uint8Array, nonce: Uint8Array<ArrayBuffer>): Promise<RecordKeys> {
  const subtle = crypto.subtle;
  const ikm = await subtle.importKey("raw", ownedCopy(recordKey), "HKDF", false, ["deriveKey", "deriveBits"]);
  const hkdf = (info: Uint8Array<ArrayBuffer>) => ({ name: "HKDF", hash: "SHA-256", salt: nonce, info });
  const [payloadKey, headerMacKey, keyCheckBits] = await Promise.all([
    subtle.deriveKey(hkdf(INFO_PAYLOAD), ikm, { name: "AES-GCM", length: 256 }, false, ["encrypt", "decrypt"]),
    subtle.deriveKey(hkdf(INFO_HEADER), ikm, { name: "HMAC", hash: "SHA-256", length: 256 }, false, ["sign"]),
    subtle.deriveBits(hkdf(INFO_KEY_CHECK), ikm, KEY_CHECK_BYTES * 8),
  ]);
  return { payloadKey, headerMacKey, keyCheck: new Uint8Array(keyCheckBits) };
}

async function headerMac(key: CryptoKey, authenticated: Uint8Array<ArrayBuffer>): Promise<Uint8Array<ArrayBuffer>> {
  return new Uint8Array(await crypto.subtle.sign("HMAC", key, authenticated));
}

export function assertRecordKey(recordKey: Uint8Array): void {
  if (!(recordKey instanceof Uint8Array) || recordKey.length !== RECORD_KEY_BYTES) {
    throw new TypeError(`a record key is ${RECORD_KEY_BYTES} bytes`);
  }
}

export interface SealedHeader {
  header: Uint8Array<ArrayBuffer>;
  payloadKey: CryptoKey;
  chunkSize: number;
}

export async function createRecordHeader(
  recordKey: Uint8Array,
  nonce: Uint8Array<ArrayBuffer>,
  chunkSizeLog2: number,
): Promise<SealedHeader> {
  if (nonce.length !== HEADER_NONCE_BYTES) throw new TypeError(`the header nonce is ${HEADER_NONCE_BYTES} bytes`);
  if (!Number.isInteger(chunkSizeLog2) || chunkSizeLog2 < MIN_CHUNK_SIZE_LOG2 || chunkSizeLog2 > MAX_CHUNK_SIZE_LOG2) {
    throw new RangeError(`chunk size must be 2^${MIN_CHUNK_SIZE_LOG2}..2^${MAX_CHUNK_SIZE_LOG2}`);
  }
  const keys = await deriveRecordKeys(recordKey, nonce);
  const authenticated = concatBytes(
    RECORD_MAGIC,
    Uint8Array.of(RECORD_FORMAT_VERSION, chunkSizeLog2),
    nonce,
    keys.keyCheck,
  );
  const header = concatBytes(authenticated, await headerMac(keys.headerMacKey, authenticated));
  return { header, payloadKey: keys.payloadKey, chunkSize: 2 ** chunkSizeLog2 };
}

/** Reads and verifies the header; on success the reader is positioned at the first chunk. */
export async function readRecordHeader(reader: ByteReader, recordKey: Uint8Array): Promise<SealedHeader> {
  const header = await reader.read(RECORD_HEADER_BYTES);
  const magic = header.subarray(0, RECORD_MAGIC.length);
  if (!bytesEqual(magic, RECORD_MAGIC.subarray(0, magic.length))) {
    throw new RecordFormatError("Not a Caduceus record: the magic bytes do not match.");
  }
  if (header.length > RECORD_MAGIC.length && header[RECORD_MAGIC.length] !== RECORD_FORMAT_VERSION) {
    throw new RecordFormatError(
      `Unsupported record format version ${header[RECORD_MAGIC.length]}; this library reads version ${RECORD_FORMAT_VERSION}.`,
    );
  }
  if (header.length < RECORD_HEADER_BYTES) {
    throw new RecordTruncatedError(`The record ends inside its header (${header.length} of ${RECORD_HEADER_BYTES} bytes).`);
  }
  const chunkSizeLog2 = header[RECORD_MAGIC.length + 1]!;
  const nonceStart = RECORD_MAGIC.length + 2;
  const nonce = header.slice(nonceStart, nonceStart + HEADER_NONCE_BYTES);
  const keyCheck = header.subarray(nonceStart + HEADER_NONCE_BYTES, AUTHENTICATED_BYTES);
  const keys = await deriveRecordKeys(recordKey, nonce);
  if (!bytesEqual(keyCheck, keys.keyCheck)) throw new RecordWrongKeyError();
  const expectedMac = await headerMac(keys.headerMacKey, header.slice(0, AUTHENTICATED_BYTES));
  if (!bytesEqual(header.subarray(AUTHENTICATED_BYTES), expectedMac)) throw new RecordHeaderTamperedError();
  if (chunkSizeLog2 < MIN_CHUNK_SIZE_LOG2 || chunkSizeLog2 > MAX_CHUNK_SIZE_LOG2) {
    throw new RecordFormatError(`Unsupported chunk size 2^${chunkSizeLog2}.`);
  }
  return { header, payloadKey: keys.payloadKey, chunkSize: 2 ** chunkSizeLog2 };
}
