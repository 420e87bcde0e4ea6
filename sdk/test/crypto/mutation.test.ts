/**
 * Random damage to records and envelopes must always end in one of the library's own errors:
 * never a different plaintext, never a raw TypeError/OperationError from below.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { collectBytes } from "../../src/crypto/byte-source.ts";
import { openEnvelope, publicKeysOf, sealEnvelope } from "../../src/crypto/envelope.ts";
import { EnvelopeError, RecordError } from "../../src/crypto/errors.ts";
import { x25519Kem, xwingKem } from "../../src/crypto/kems.ts";
import { decryptRecord, encryptRecordBytes, generateRecordKey } from "../../src/crypto/record.ts";
import { patternBytes } from "./helpers.ts";

/** Small deterministic PRNG so that a failing case can be replayed. */
function random(seed: number): (n: number) => number {
  let x = seed >>> 0 || 1;
  return (n) => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) % n;
  };
}

function mutate(bytes: Uint8Array, next: (n: number) => number): Uint8Array {
  const copy = new Uint8Array(bytes);
  switch (next(4)) {
    case 0: // flip one bit
      copy[next(copy.length)]! ^= 1 << next(8);
      return copy;
    case 1: // truncate
      return copy.subarray(0, next(copy.length));
    case 2: {
      // insert a byte
      const at = next(copy.length);
      const out = new Uint8Array(copy.length + 1);
      out.set(copy.subarray(0, at));
      out[at] = next(256);
      out.set(copy.subarray(at), at + 1);
      return out;
    }
    default: {
      // overwrite a run of bytes
      const at = next(copy.length);
      copy.fill(next(256), at, at + 1 + next(40));
      return copy;
    }
  }
}

describe("damaged ciphertexts fail with the library's errors", () => {
  it("records: 300 random mutations", async () => {
    const key = generateRecordKey();
    const body = patternBytes(3 * 65536 + 500, 11);
    const ciphertext = await encryptRecordBytes(body, key, { mediaType: "application/pdf", fileName: "x.pdf" });
    const next = random(20261122);
    for (let i = 0; i < 300; i++) {
      const damaged = mutate(ciphertext, next);
      if (damaged.length === ciphertext.length && damaged.every((b, j) => b === ciphertext[j])) continue;
      try {
        const { body: plain } = await decryptRecord([damaged], key);
        await collectBytes(plain);
        assert.fail(`mutation ${i} decrypted`);
      } catch (error) {
        assert.ok(error instanceof RecordError, `mutation ${i}: ${String(error)}`);
      }
    }
  });

  it("envelopes: 300 random mutations per suite", async () => {
    const pairs = {
      x25519: await x25519Kem.deriveKeyPairBytes(patternBytes(32, 1)),
      xwing: await xwingKem.deriveKeyPairBytes(patternBytes(32, 2)),
    };
    const binding = {
      chainId: 1n,
      registry: "0x5fbdb2315678afecb367f032d93f642f64180aa3",
      recordId: `0x${"34".repeat(32)}`,
      version: 3,
      recipient: "0x70997970c51812dc3a010c7d01b50e0d17dc79c8",
    } as const;
    const next = random(7);
    for (const suite of ["x25519", "xwing"] as const) {
      const envelope = await sealEnvelope({ recordKey: generateRecordKey(), recipientPublicKey: publicKeysOf(pairs), suite, binding });
      for (let i = 0; i < 300; i++) {
        const damaged = mutate(envelope, next);
        if (damaged.length === envelope.length && damaged.every((b, j) => b === envelope[j])) continue;
        await assert.rejects(openEnvelope({ envelope: damaged, recipientKeyPair: pairs, binding }), (error) => {
          assert.ok(error instanceof EnvelopeError, `${suite} mutation ${i}: ${String(error)}`);
          return true;
        });
      }
    }
  });
});
