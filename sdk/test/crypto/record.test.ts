import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { collectBytes } from "../../src/crypto/byte-source.ts";
import {
  RecordChunkAuthError,
  RecordError,
  RecordFormatError,
  RecordHeaderTamperedError,
  RecordTrailingDataError,
  RecordTruncatedError,
  RecordWrongKeyError,
} from "../../src/crypto/errors.ts";
import { RECORD_HEADER_BYTES } from "../../src/crypto/record-header.ts";
import { encodeRecordMeta, type RecordMeta } from "../../src/crypto/record-meta.ts";
import {
  decryptRecord,
  decryptRecordBytes,
  encryptRecord,
  encryptRecordBytes,
  encryptRecordWithNonce,
  generateRecordKey,
  recordCiphertextSize,
} from "../../src/crypto/record.ts";
import { inPieces, patternBytes, rejectsWith } from "./helpers.ts";

const CHUNK = 64 * 1024;
const TAG = 16;
const FULL_PIECE = CHUNK + TAG;
const PDF: RecordMeta = { mediaType: "application/pdf", fileName: "discharge-letter.pdf" };
const PREFIX = encodeRecordMeta(PDF).length;

/** Offset of ciphertext chunk `i` (all chunks before it are full). */
const chunkOffset = (i: number) => RECORD_HEADER_BYTES + i * FULL_PIECE;

async function roundTrip(body: Uint8Array, pieceSize = 7919): Promise<Uint8Array> {
  const key = generateRecordKey();
  const ciphertext = await collectBytes(encryptRecord(inPieces(body, pieceSize), key, PDF));
  assert.equal(ciphertext.length, recordCiphertextSize(body.length, PDF));
  const { meta, body: plain } = await decryptRecord(inPieces(ciphertext, 65_000), key);
  assert.deepEqual(meta, PDF);
  assert.deepEqual(await collectBytes(plain), body);
  return ciphertext;
}

/** A record whose payload spans exactly `chunks` chunks, the last one `lastBytes` long. */
async function recordWithChunks(chunks: number, lastBytes: number) {
  const key = generateRecordKey();
  const body = patternBytes((chunks - 1) * CHUNK + lastBytes - PREFIX, chunks * 31 + lastBytes);
  const ciphertext = await encryptRecordBytes(body, key, PDF);
  assert.equal(ciphertext.length, RECORD_HEADER_BYTES + (chunks - 1) * FULL_PIECE + lastBytes + TAG);
  return { key, body, ciphertext };
}

describe("record encryption: round trips", () => {
  it("empty body (the payload still carries the metadata prefix: one short final chunk)", async () => {
    const ciphertext = await roundTrip(new Uint8Array(0));
    assert.equal(ciphertext.length, RECORD_HEADER_BYTES + PREFIX + TAG);
  });

  it("1 byte", async () => {
    const ciphertext = await roundTrip(Uint8Array.of(0x42));
    assert.equal(ciphertext.length, RECORD_HEADER_BYTES + PREFIX + 1 + TAG);
  });

  it("payload of exactly one chunk: a single full chunk flagged final", async () => {
    const ciphertext = await roundTrip(patternBytes(CHUNK - PREFIX));
    assert.equal(ciphertext.length, RECORD_HEADER_BYTES + FULL_PIECE);
  });

  it("payload of one chunk + 1 byte: a full chunk and a 1-byte final chunk", async () => {
    const ciphertext = await roundTrip(patternBytes(CHUNK - PREFIX + 1));
    assert.equal(ciphertext.length, RECORD_HEADER_BYTES + FULL_PIECE + 1 + TAG);
  });

  it("payload of exactly two chunks", async () => {
    const ciphertext = await roundTrip(patternBytes(2 * CHUNK - PREFIX));
    assert.equal(ciphertext.length, RECORD_HEADER_BYTES + 2 * FULL_PIECE);
  });

  it("multi-MiB random bytes with odd input boundaries", async () => {
    const body = new Uint8Array(5 * 1024 * 1024 + 12345);
    for (let offset = 0; offset < body.length; offset += 65536) {
      crypto.getRandomValues(body.subarray(offset, Math.min(body.length, offset + 65536)));
    }
    await roundTrip(body, 100_003);
    await roundTrip(body.subarray(0, 140_000), 1);
  });

  it("metadata without a file name, FHIR media type with a parameter", async () => {
    const key = generateRecordKey();
    const meta = { mediaType: "application/fhir+json; fhirVersion=4.0" };
    const json = new TextEncoder().encode('{"resourceType":"Bundle"}');
    const { meta: back, body } = await decryptRecordBytes(await encryptRecordBytes(json, key, meta), key);
    assert.deepEqual(back, meta);
    assert.equal("fileName" in back, false);
    assert.deepEqual(body, json);
  });

  it("a fresh nonce per encryption: same key and plaintext give different ciphertexts", async () => {
    const key = generateRecordKey();
    const a = await encryptRecordBytes(Uint8Array.of(1, 2, 3), key, PDF);
    const b = await encryptRecordBytes(Uint8Array.of(1, 2, 3), key, PDF);
    assert.notDeepEqual(a, b);
    assert.deepEqual(a.subarray(0, 10), b.subarray(0, 10));
  });

  it("input boundaries never change the ciphertext (fixed nonce)", async () => {
    const key = patternBytes(32, 7);
    const nonce = patternBytes(32, 8);
    const body = patternBytes(150_000, 9);
    const whole = await collectBytes(encryptRecordWithNonce([body], key, PDF, nonce));
    const bytewise = await collectBytes(encryptRecordWithNonce(inPieces(body, 13), key, PDF, nonce));
    assert.deepEqual(bytewise, whole);
  });

  it("rejects bad keys and unsafe metadata before producing output", () => {
    const key = generateRecordKey();
    assert.throws(() => encryptRecord([], new Uint8Array(16), PDF), TypeError);
    assert.throws(() => encryptRecord([], key, { mediaType: "pdf" }), TypeError);
    assert.throws(() => encryptRecord([], key, { mediaType: "application/pdf", fileName: "../etc/passwd" }), TypeError);
    assert.throws(() => encryptRecord([], key, { mediaType: "application/pdf", fileName: "a\u0000b" }), TypeError);
    assert.throws(() => encryptRecord([], key, { mediaType: "application/pdf", fileName: ".." }), TypeError);
  });

  it("the body streams: metadata arrives after one chunk, and stopping early closes the source", async () => {
    const key = generateRecordKey();
    const ciphertext = await encryptRecordBytes(patternBytes(10 * CHUNK), key, PDF);
    let pulled = 0;
    let closed = false;
    async function* source() {
      try {
        for (const piece of inPieces(ciphertext, 4096)) {
          pulled += piece.length;
          yield piece;
        }
      } finally {
        closed = true;
      }
    }
    const { meta, body } = await decryptRecord(source(), key);
    assert.deepEqual(meta, PDF);
    // Header + the chunks in flight (pipeline of 4) + one chunk of lookahead, not the 10-chunk record.
    assert.ok(pulled <= RECORD_HEADER_BYTES + 5 * FULL_PIECE + 4096, `pulled ${pulled} bytes before the body`);
    for await (const part of body) {
      assert.ok(part.length > 0);
      break;
    }
    assert.equal(closed, true);
  });
});

describe("record encryption: failures", () => {
  it("wrong key → RecordWrongKeyError before any plaintext", async () => {
    const { ciphertext } = await recordWithChunks(2, 100);
    await rejectsWith(decryptRecord([ciphertext], generateRecordKey()), RecordWrongKeyError, "RECORD_WRONG_KEY");
  });

  it("a failure before the body closes the source (files and sockets are released)", async () => {
    const { ciphertext } = await recordWithChunks(3, 100);
    let closed = false;
    async function* source() {
      try {
        yield* inPieces(ciphertext, 1000);
      } finally {
        closed = true;
      }
    }
    await rejectsWith(decryptRecord(source(), generateRecordKey()), RecordWrongKeyError, "RECORD_WRONG_KEY");
    assert.equal(closed, true);
  });

  it("not a record (bad magic) → RecordFormatError", async () => {
    const { key, ciphertext } = await recordWithChunks(1, 100);
    const bad = ciphertext.slice();
    bad[0] ^= 0x20;
    await rejectsWith(decryptRecord([bad], key), RecordFormatError, "RECORD_UNKNOWN_FORMAT");
    await rejectsWith(decryptRecord([new TextEncoder().encode("age-encryption.org/v1\n")], key), RecordFormatError, "RECORD_UNKNOWN_FORMAT");
  });

  it("unknown format version → RecordFormatError naming the version", async () => {
    const { key, ciphertext } = await recordWithChunks(1, 100);
    const bad = ciphertext.slice();
    bad[8] = 2;
    const error = await rejectsWith(decryptRecord([bad], key), RecordFormatError, "RECORD_UNKNOWN_FORMAT");
    assert.match(error.message, /version 2/);
  });

  it("altered chunk size or MAC → RecordHeaderTamperedError", async () => {
    const { key, ciphertext } = await recordWithChunks(2, 100);
    const chunkSize = ciphertext.slice();
    chunkSize[9] = 12;
    await rejectsWith(decryptRecord([chunkSize], key), RecordHeaderTamperedError, "RECORD_HEADER_TAMPERED");
    const mac = ciphertext.slice();
    mac[RECORD_HEADER_BYTES - 1] ^= 1;
    await rejectsWith(decryptRecord([mac], key), RecordHeaderTamperedError, "RECORD_HEADER_TAMPERED");
  });

  it("swapped header: another record's header fails the key check; with that record's key chunk 0 fails", async () => {
    const a = await recordWithChunks(2, 100);
    const b = await recordWithChunks(2, 100);
    const spliced = new Uint8Array(b.ciphertext);
    spliced.set(a.ciphertext.subarray(0, RECORD_HEADER_BYTES));
    await rejectsWith(decryptRecord([spliced], b.key), RecordWrongKeyError, "RECORD_WRONG_KEY");
    const error = await rejectsWith(decryptRecord([spliced], a.key), RecordChunkAuthError, "RECORD_CHUNK_AUTH_FAILED");
    assert.equal(error.chunkIndex, 0);
  });

  it("flipped bit in a middle chunk → RecordChunkAuthError with its index", async () => {
    const { key, ciphertext } = await recordWithChunks(3, 500);
    const bad = ciphertext.slice();
    bad[chunkOffset(1) + 1000] ^= 0x01;
    const { body } = await decryptRecord([bad], key);
    const error = await rejectsWith(collectBytes(body), RecordChunkAuthError, "RECORD_CHUNK_AUTH_FAILED");
    assert.equal(error.chunkIndex, 1);
    assert.equal(error.lastReceived, false);
  });

  it("flipped bit in the final chunk's tag → RecordChunkAuthError (last received)", async () => {
    const { key, ciphertext } = await recordWithChunks(3, 500);
    const bad = ciphertext.slice();
    bad[bad.length - 1] ^= 0x80;
    const { body } = await decryptRecord([bad], key);
    const error = await rejectsWith(collectBytes(body), RecordChunkAuthError, "RECORD_CHUNK_AUTH_FAILED");
    assert.equal(error.chunkIndex, 2);
    assert.equal(error.lastReceived, true);
  });

  it("reordered chunks → RecordChunkAuthError at the first moved position", async () => {
    const { key, ciphertext } = await recordWithChunks(3, 500);
    const swapped = ciphertext.slice();
    swapped.set(ciphertext.subarray(chunkOffset(1), chunkOffset(2)), chunkOffset(0));
    swapped.set(ciphertext.subarray(chunkOffset(0), chunkOffset(1)), chunkOffset(1));
    const error = await rejectsWith(decryptRecord([swapped], key), RecordChunkAuthError, "RECORD_CHUNK_AUTH_FAILED");
    assert.equal(error.chunkIndex, 0);
  });

  it("truncated inside the header, or right after it → RecordTruncatedError", async () => {
    const { key, ciphertext } = await recordWithChunks(1, 100);
    await rejectsWith(decryptRecord([ciphertext.subarray(0, 50)], key), RecordTruncatedError, "RECORD_TRUNCATED");
    await rejectsWith(decryptRecord([], key), RecordTruncatedError, "RECORD_TRUNCATED");
    await rejectsWith(
      decryptRecord([ciphertext.subarray(0, RECORD_HEADER_BYTES)], key),
      RecordTruncatedError,
      "RECORD_TRUNCATED",
    );
  });

  it("final chunk missing (cut at a chunk boundary) → RecordTruncatedError", async () => {
    const { key, ciphertext } = await recordWithChunks(3, 500);
    const cut = ciphertext.subarray(0, chunkOffset(2));
    const { body } = await decryptRecord([cut], key);
    const error = await rejectsWith(collectBytes(body), RecordTruncatedError, "RECORD_TRUNCATED");
    assert.match(error.message, /final chunk is missing/);
    // Also when only chunk 0 survives: the metadata read already hits it.
    await rejectsWith(decryptRecord([ciphertext.subarray(0, chunkOffset(1))], key), RecordTruncatedError, "RECORD_TRUNCATED");
  });

  it("cut inside a chunk's tag → RecordTruncatedError", async () => {
    const { key, ciphertext } = await recordWithChunks(3, 500);
    const { body } = await decryptRecord([ciphertext.subarray(0, chunkOffset(2) + 10)], key);
    await rejectsWith(collectBytes(body), RecordTruncatedError, "RECORD_TRUNCATED");
  });

  it("cut inside a chunk's data → RecordChunkAuthError flagged lastReceived (indistinguishable from corruption)", async () => {
    const { key, ciphertext } = await recordWithChunks(3, 500);
    const { body } = await decryptRecord([ciphertext.subarray(0, chunkOffset(1) + 30_000)], key);
    const error = await rejectsWith(collectBytes(body), RecordChunkAuthError, "RECORD_CHUNK_AUTH_FAILED");
    assert.equal(error.chunkIndex, 1);
    assert.equal(error.lastReceived, true);
    assert.match(error.message, /cut inside this chunk/);
  });

  it("bytes after a full final chunk → RecordTrailingDataError", async () => {
    const { key, ciphertext } = await recordWithChunks(2, CHUNK);
    const { body } = await decryptRecord([ciphertext, Uint8Array.of(1, 2, 3)], key);
    const error = await rejectsWith(collectBytes(body), RecordTrailingDataError, "RECORD_TRAILING_DATA");
    assert.match(error.message, /chunk 1/);
  });

  it("every record failure is a RecordError", async () => {
    const error = await rejectsWith(decryptRecord([new Uint8Array(3)], generateRecordKey()), RecordFormatError, "RECORD_UNKNOWN_FORMAT");
    assert.ok(error instanceof RecordError);
  });
});
