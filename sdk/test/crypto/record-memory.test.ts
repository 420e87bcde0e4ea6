import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { decryptRecord, encryptRecord, generateRecordKey } from "../../src/crypto/record.ts";
import { patternBytes } from "./helpers.ts";

const MIB = 1024 * 1024;
const TOTAL_MIB = 256;

describe("record encryption: constant memory", () => {
  it(`${TOTAL_MIB} MiB stream through encrypt → decrypt with bounded RSS and intact bytes`, async () => {
    const key = generateRecordKey();
    const block = patternBytes(MIB, 42); // the source re-yields the same buffer: the encryptor must copy
    async function* source() {
      for (let i = 0; i < TOTAL_MIB; i++) yield block;
    }
    const rssBefore = process.memoryUsage().rss;
    let peak = rssBefore;
    const { meta, body } = await decryptRecord(encryptRecord(source(), key, { mediaType: "application/dicom" }), key);
    assert.equal(meta.mediaType, "application/dicom");
    let received = 0;
    for await (const part of body) {
      // Every output byte is compared against the block it came from (parts may straddle two blocks).
      for (let done = 0; done < part.length; ) {
        const offset = (received + done) % MIB;
        const length = Math.min(part.length - done, MIB - offset);
        const same = Buffer.compare(part.subarray(done, done + length), block.subarray(offset, offset + length)) === 0;
        assert.ok(same, `mismatch near byte ${received + done}`);
        done += length;
      }
      received += part.length;
      if ((received & (8 * MIB - 1)) < part.length) peak = Math.max(peak, process.memoryUsage().rss);
    }
    assert.equal(received, TOTAL_MIB * MIB);
    const growthMiB = (peak - rssBefore) / MIB;
    assert.ok(growthMiB < 64, `RSS grew by ${growthMiB.toFixed(1)} MiB while streaming ${TOTAL_MIB} MiB`);
  });
});
