import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { EnvelopeBinding } from "../../src/crypto/envelope-binding.ts";
import {
  defaultEnvelopeSuite,
  envelopeSize,
  openEnvelope,
  parseEnvelope,
  publicKeysOf,
  sealEnvelope,
  type RecipientKeyPairs,
} from "../../src/crypto/envelope.ts";
import {
  EnvelopeBindingMismatchError,
  EnvelopeError,
  EnvelopeMalformedError,
  EnvelopeRecipientKeyError,
  EnvelopeSuiteUnavailableError,
  EnvelopeWrongRecipientError,
} from "../../src/crypto/errors.ts";
import { x25519Kem, xwingKem } from "../../src/crypto/kems.ts";
import { generateRecordKey } from "../../src/crypto/record.ts";
import { patternBytes, rejectsWith } from "./helpers.ts";

async function keyPairs(seed: number): Promise<Required<RecipientKeyPairs>> {
  return {
    x25519: await x25519Kem.deriveKeyPairBytes(patternBytes(32, seed)),
    xwing: await xwingKem.deriveKeyPairBytes(patternBytes(32, seed + 1000)),
  };
}

const BINDING: EnvelopeBinding = {
  chainId: 31337n,
  registry: "0x5FbDB2315678afecb367f032d93F642f64180aa3",
  recordId: `0x${"ab".repeat(32)}`,
  version: 1,
  recipient: "0x70997970C51812dc3A010C7d01b50e0d17dc79C8",
};

describe("key envelopes", () => {
  it("round trip in both suites, with the documented sizes", async () => {
    const alice = await keyPairs(1);
    const recordKey = generateRecordKey();
    for (const [suite, size] of [["x25519", 85], ["xwing", 1173]] as const) {
      const envelope = await sealEnvelope({ recordKey, recipientPublicKey: publicKeysOf(alice), suite, binding: BINDING });
      assert.equal(envelope.length, size);
      assert.equal(envelopeSize(suite), size);
      assert.equal(parseEnvelope(envelope).suite, suite);
      assert.deepEqual(await openEnvelope({ envelope, recipientKeyPair: alice, binding: BINDING }), recordKey);
    }
  });

  it("defaults to X-Wing when the recipient published a PQ key, X25519 otherwise", async () => {
    const alice = await keyPairs(2);
    const recordKey = generateRecordKey();
    const hybrid = await sealEnvelope({ recordKey, recipientPublicKey: publicKeysOf(alice), binding: BINDING });
    assert.equal(hybrid[0], 0x02);
    const classicalOnly = { x25519: alice.x25519.publicKey };
    assert.equal(defaultEnvelopeSuite(classicalOnly), "x25519");
    const classical = await sealEnvelope({ recordKey, recipientPublicKey: classicalOnly, binding: BINDING });
    assert.equal(classical[0], 0x01);
    assert.deepEqual(await openEnvelope({ envelope: classical, recipientKeyPair: { x25519: alice.x25519 }, binding: BINDING }), recordKey);
    await rejectsWith(
      sealEnvelope({ recordKey, recipientPublicKey: classicalOnly, suite: "xwing", binding: BINDING }),
      EnvelopeSuiteUnavailableError,
      "ENVELOPE_SUITE_UNAVAILABLE",
    );
  });

  it("sealing is randomised: two envelopes of the same key differ", async () => {
    const alice = await keyPairs(3);
    const recordKey = generateRecordKey();
    const params = { recordKey, recipientPublicKey: publicKeysOf(alice), suite: "x25519" as const, binding: BINDING };
    assert.notDeepEqual(await sealEnvelope(params), await sealEnvelope(params));
  });

  it("another recipient's keys → EnvelopeWrongRecipientError", async () => {
    const alice = await keyPairs(4);
    const bob = await keyPairs(5);
    for (const suite of ["x25519", "xwing"] as const) {
      const envelope = await sealEnvelope({ recordKey: generateRecordKey(), recipientPublicKey: publicKeysOf(alice), suite, binding: BINDING });
      await rejectsWith(openEnvelope({ envelope, recipientKeyPair: bob, binding: BINDING }), EnvelopeWrongRecipientError, "ENVELOPE_WRONG_RECIPIENT");
    }
    const hybrid = await sealEnvelope({ recordKey: generateRecordKey(), recipientPublicKey: publicKeysOf(alice), binding: BINDING });
    await rejectsWith(
      openEnvelope({ envelope: hybrid, recipientKeyPair: { x25519: alice.x25519 }, binding: BINDING }),
      EnvelopeWrongRecipientError,
      "ENVELOPE_WRONG_RECIPIENT",
    );
  });

  it("any other binding field → EnvelopeBindingMismatchError", async () => {
    const alice = await keyPairs(6);
    const changes: Partial<EnvelopeBinding>[] = [
      { chainId: 1n },
      { registry: "0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512" },
      { recordId: `0x${"ab".repeat(31)}ac` },
      { version: 2 },
      { recipient: "0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC" },
    ];
    for (const suite of ["x25519", "xwing"] as const) {
      const envelope = await sealEnvelope({ recordKey: generateRecordKey(), recipientPublicKey: publicKeysOf(alice), suite, binding: BINDING });
      for (const change of changes) {
        await rejectsWith(
          openEnvelope({ envelope, recipientKeyPair: alice, binding: { ...BINDING, ...change } }),
          EnvelopeBindingMismatchError,
          "ENVELOPE_BINDING_MISMATCH",
        );
      }
    }
  });

  it("altered bytes: the hint → wrong recipient; the sealed key or enc → binding mismatch", async () => {
    const alice = await keyPairs(7);
    const envelope = await sealEnvelope({ recordKey: generateRecordKey(), recipientPublicKey: publicKeysOf(alice), suite: "x25519", binding: BINDING });
    const hint = envelope.slice();
    hint[1] ^= 1;
    await rejectsWith(openEnvelope({ envelope: hint, recipientKeyPair: alice, binding: BINDING }), EnvelopeWrongRecipientError, "ENVELOPE_WRONG_RECIPIENT");
    for (const offset of [6, envelope.length - 1]) {
      const bad = envelope.slice();
      bad[offset] ^= 1;
      await rejectsWith(openEnvelope({ envelope: bad, recipientKeyPair: alice, binding: BINDING }), EnvelopeBindingMismatchError, "ENVELOPE_BINDING_MISMATCH");
    }
  });

  it("malformed envelopes → EnvelopeMalformedError", async () => {
    const alice = await keyPairs(8);
    const envelope = await sealEnvelope({ recordKey: generateRecordKey(), recipientPublicKey: publicKeysOf(alice), suite: "x25519", binding: BINDING });
    const unknownSuite = envelope.slice();
    unknownSuite[0] = 0x07;
    const suiteSwapped = envelope.slice();
    suiteSwapped[0] = 0x02;
    const zeroEnc = envelope.slice();
    zeroEnc.fill(0, 5, 37); // the all-zero X25519 point has low order: decapsulation must refuse it
    for (const bad of [new Uint8Array(0), envelope.subarray(0, 4), envelope.subarray(0, 84), new Uint8Array([...envelope, 0]), unknownSuite, suiteSwapped, zeroEnc]) {
      const error = await rejectsWith(openEnvelope({ envelope: bad, recipientKeyPair: alice, binding: BINDING }), EnvelopeMalformedError, "ENVELOPE_MALFORMED");
      assert.ok(error instanceof EnvelopeError);
    }
  });

  it("rejects bad inputs when sealing", async () => {
    const alice = await keyPairs(9);
    const recipientPublicKey = publicKeysOf(alice);
    await assert.rejects(sealEnvelope({ recordKey: new Uint8Array(16), recipientPublicKey, binding: BINDING }), TypeError);
    await assert.rejects(sealEnvelope({ recordKey: generateRecordKey(), recipientPublicKey, binding: { ...BINDING, recordId: "0x1234" } }), TypeError);
    await assert.rejects(sealEnvelope({ recordKey: generateRecordKey(), recipientPublicKey, binding: { ...BINDING, version: -1 } }), TypeError);
  });

  it("an unusable published key (wrong length, low-order point) → EnvelopeRecipientKeyError", async () => {
    const recordKey = generateRecordKey();
    const bad = [{ x25519: new Uint8Array(31) }, { x25519: new Uint8Array(32) }, { x25519: new Uint8Array(32), xwing: new Uint8Array(1216) }];
    for (const recipientPublicKey of bad) {
      await rejectsWith(sealEnvelope({ recordKey, recipientPublicKey, binding: BINDING }), EnvelopeRecipientKeyError, "ENVELOPE_INVALID_RECIPIENT_KEY");
    }
  });
});
