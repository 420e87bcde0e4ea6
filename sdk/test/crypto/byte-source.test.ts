import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ByteReader, collectBytes, fixedSizePieces, fromReadableStream, toReadableStream } from "../../src/crypto/byte-source.ts";
import { RecordChunkAuthError } from "../../src/crypto/errors.ts";
import { decryptRecord, encryptRecord, encryptRecordBytes, generateRecordKey } from "../../src/crypto/record.ts";
import { inPieces, patternBytes, rejectsWith } from "./helpers.ts";

describe("byte sources", () => {
  it("fixedSizePieces: exact pieces, last flag, empty stream gives one empty last piece", async () => {
    const pieces = [];
    for await (const piece of fixedSizePieces(inPieces(patternBytes(25), 3), 10)) pieces.push([piece.bytes.length, piece.last]);
    assert.deepEqual(pieces, [[10, false], [10, false], [5, true]]);
    const aligned = [];
    for await (const piece of fixedSizePieces([new Uint8Array(20)], 10)) aligned.push([piece.bytes.length, piece.last]);
    assert.deepEqual(aligned, [[10, false], [10, true]]);
    const empty = [];
    for await (const piece of fixedSizePieces([], 10)) empty.push([piece.bytes.length, piece.last]);
    assert.deepEqual(empty, [[0, true]]);
  });

  it("ByteReader: reads a prefix across input boundaries, then streams the rest", async () => {
    const bytes = patternBytes(100);
    const reader = new ByteReader(inPieces(bytes, 7));
    assert.deepEqual(await reader.read(30), bytes.subarray(0, 30));
    assert.deepEqual(await collectBytes(reader.rest()), bytes.subarray(30));
    assert.equal((await new ByteReader([bytes]).read(500)).length, 100);
  });

  it("records stream through WHATWG ReadableStreams both ways", async () => {
    const key = generateRecordKey();
    const body = patternBytes(200_000, 3);
    const encrypted = toReadableStream(encryptRecord(inPieces(body, 5000), key, { mediaType: "application/pdf" }));
    const { meta, body: plain } = await decryptRecord(fromReadableStream(encrypted), key);
    assert.equal(meta.mediaType, "application/pdf");
    assert.deepEqual(await collectBytes(fromReadableStream(toReadableStream(plain))), body);
  });

  it("toReadableStream errors the stream with the library's own error", async () => {
    const key = generateRecordKey();
    const ciphertext = await encryptRecordBytes(patternBytes(150_000), key, { mediaType: "application/pdf" });
    ciphertext[100_000] ^= 1;
    const { body } = await decryptRecord([ciphertext], key);
    await rejectsWith(collectBytes(fromReadableStream(toReadableStream(body))), RecordChunkAuthError, "RECORD_CHUNK_AUTH_FAILED");
  });

  it("cancelling and stopping early close the other side", async () => {
    let closed = false;
    async function* source() {
      try {
        for (;;) yield new Uint8Array(10);
      } finally {
        closed = true;
      }
    }
    const stream = toReadableStream(source());
    const reader = stream.getReader();
    await reader.read();
    await reader.cancel();
    assert.equal(closed, true);

    let cancelled = false;
    const infinite = new ReadableStream<Uint8Array>({
      pull: (controller) => controller.enqueue(new Uint8Array(10)),
      cancel: () => {
        cancelled = true;
      },
    });
    for await (const _ of fromReadableStream(infinite)) break;
    assert.equal(cancelled, true);
  });
});
