/**
 * The emergency key's crypto on its own: Shamir thresholds, tamper detection, share envelopes
 * bound to patient, key, recipient and round.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { Address } from "viem";
import { EnvelopeBindingMismatchError, EnvelopeWrongRecipientError } from "../../src/crypto/errors.ts";
import { x25519Kem } from "../../src/crypto/kems.ts";
import {
  EmergencyKeyMismatchError,
  emergencyKeyId,
  emergencyKeyPairs,
  generateEmergencySeed,
  NotEnoughSharesError,
  openShare,
  rebuildEmergencyKey,
  sealShare,
  SHARE_BYTES,
  splitEmergencySeed,
} from "../../src/emergency/key.ts";

const PATIENT: Address = "0x9965507D1a55bcC2695C58ba16FB37d819B0A4dc";
const CONTACT: Address = "0x976EA74026E726554dB657fA54763abd0C3a0aa9";
const DOCTOR: Address = "0x90F79bf6EB2c4f870365E785982E1f101E93b906";
const EMERGENCY: Address = "0xCf7Ed3AccA5a467e9e704C703E8D87F634fB0Fc9";

async function setup(n = 3, t = 2) {
  const seed = generateEmergencySeed();
  const pairs = await emergencyKeyPairs(seed);
  const shares = await splitEmergencySeed(seed, n, t);
  return { seed, pairs, shares, publicKeys: { x25519: pairs.x25519.publicKey } };
}

describe("emergency key", () => {
  it("derives the same key pairs from the same seed, and different ones from another", async () => {
    const seed = generateEmergencySeed();
    const [a, b, other] = await Promise.all([emergencyKeyPairs(seed), emergencyKeyPairs(seed.slice()), emergencyKeyPairs(generateEmergencySeed())]);
    assert.deepEqual(a.x25519.publicKey, b.x25519.publicKey);
    assert.deepEqual(a.xwing.publicKey, b.xwing.publicKey);
    assert.notDeepEqual(a.x25519.publicKey, other.x25519.publicKey);
    assert.equal(a.xwing.publicKey.length, 1216);
  });

  it("t shares rebuild the key, any t of n; t − 1 do not", async () => {
    const { pairs, shares, publicKeys } = await setup(3, 2);
    assert.ok(shares.every((s) => s.length === SHARE_BYTES));
    for (const pair of [[0, 1], [0, 2], [1, 2]]) {
      const rebuilt = await rebuildEmergencyKey(pair.map((i) => shares[i]!), 2, publicKeys);
      assert.deepEqual(rebuilt.x25519.privateKey, pairs.x25519.privateKey);
      assert.deepEqual(rebuilt.xwing.privateKey, pairs.xwing.privateKey);
    }
    await assert.rejects(rebuildEmergencyKey([shares[0]!], 2, publicKeys), NotEnoughSharesError);
  });

  it("detects a tampered share, and still rebuilds when enough good shares remain", async () => {
    const { pairs, shares, publicKeys } = await setup(3, 2);
    const tampered = shares[1]!.slice();
    tampered[5]! ^= 0x01;
    await assert.rejects(rebuildEmergencyKey([shares[0]!, tampered], 2, publicKeys), EmergencyKeyMismatchError);
    const rebuilt = await rebuildEmergencyKey([shares[0]!, tampered, shares[2]!], 2, publicKeys);
    assert.deepEqual(rebuilt.x25519.publicKey, pairs.x25519.publicKey);
  });

  it("a contact posting a corrupted share cannot veto: any 2 good shares among 3 posted rebuild the key, in any order", async () => {
    const { pairs, shares, publicKeys } = await setup(3, 2);
    // A corrupted y-value, and a forged share that copies an honest share's x-coordinate (Shamir's
    // combine throws on it): each only rules out the subsets it is in.
    const corrupted = shares[0]!.slice();
    corrupted[7]! ^= 0x5a;
    const sameX = crypto.getRandomValues(new Uint8Array(SHARE_BYTES));
    sameX[SHARE_BYTES - 1] = shares[2]![SHARE_BYTES - 1]!;
    for (const bad of [corrupted, sameX]) {
      const posted = [bad, shares[1]!, shares[2]!];
      for (const order of [[0, 1, 2], [1, 0, 2], [1, 2, 0]]) {
        const rebuilt = await rebuildEmergencyKey(order.map((i) => posted[i]!), 2, publicKeys);
        assert.deepEqual(rebuilt.x25519.privateKey, pairs.x25519.privateKey);
        assert.deepEqual(rebuilt.xwing.publicKey, pairs.xwing.publicKey);
      }
      // With the bad share and one good one only, the rebuild refuses instead of returning a wrong key.
      await assert.rejects(rebuildEmergencyKey([bad, shares[1]!], 2, publicKeys), EmergencyKeyMismatchError);
    }
    // 3-of-5 with two bad shares among the five posted: the three good ones still rebuild.
    const five = await setup(5, 3);
    const posted = five.shares.map((share, i) => (i === 1 || i === 3 ? share.map((b, j) => (j === 0 ? b ^ 1 : b)) : share));
    const rebuilt = await rebuildEmergencyKey(posted, 3, five.publicKeys);
    assert.deepEqual(rebuilt.x25519.publicKey, five.pairs.x25519.publicKey);
  });

  it("seals a share to one recipient, bound to patient, key, recipient and round", async () => {
    const { shares, publicKeys } = await setup();
    const contact = await x25519Kem.generateKeyPairBytes();
    const binding = { chainId: 31337, emergencyAccess: EMERGENCY, patient: PATIENT, keyId: emergencyKeyId(publicKeys), recipient: CONTACT, round: 0 };
    const sealed = await sealShare(shares[0]!, { x25519: contact.publicKey }, binding);
    assert.equal(sealed.length, 1 + 4 + 32 + SHARE_BYTES + 16);
    assert.deepEqual(await openShare(sealed, { x25519: contact }, binding), shares[0]);
    for (const change of [{ round: 1 }, { recipient: DOCTOR }, { patient: DOCTOR }, { keyId: new Uint8Array(32) }, { chainId: 1 }]) {
      await assert.rejects(openShare(sealed, { x25519: contact }, { ...binding, ...change }), EnvelopeBindingMismatchError);
    }
    const flipped = sealed.slice();
    flipped[sealed.length - 1]! ^= 0x80;
    await assert.rejects(openShare(flipped, { x25519: contact }, binding), EnvelopeBindingMismatchError);
    await assert.rejects(openShare(sealed, { x25519: await x25519Kem.generateKeyPairBytes() }, binding), EnvelopeWrongRecipientError);
  });

  it("refuses thresholds outside 2..n", async () => {
    const seed = generateEmergencySeed();
    await assert.rejects(splitEmergencySeed(seed, 3, 1), RangeError);
    await assert.rejects(splitEmergencySeed(seed, 3, 4), RangeError);
  });
});
