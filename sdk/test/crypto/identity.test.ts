import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { x25519 } from "@noble/curves/ed25519.js";
import { privateKeyToAccount } from "viem/accounts";
import { hashTypedData, recoverTypedDataAddress, type Hex } from "viem";
import { InvalidIdentitySignatureError } from "../../src/crypto/errors.ts";
import {
  deriveIdentity,
  deriveIdentityFromSignature,
  encryptionKeyTypedData,
  type EncryptionIdentity,
} from "../../src/crypto/identity.ts";
import { hex, rejectsWith } from "./helpers.ts";

// Hardhat's well-known development accounts #0 and #1: public test keys, never for real funds.
const ALICE = privateKeyToAccount("0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80");
const BOB = privateKeyToAccount("0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d");
const SECP256K1_N = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;

const fingerprint = (id: EncryptionIdentity) => [hex(id.x25519.publicKey), hex(id.xwing.publicKey)];

describe("encryption identity", () => {
  it("the typed message is fixed, readable and warns the user", async () => {
    const typed = encryptionKeyTypedData(31337, 1);
    assert.deepEqual(typed.domain, { name: "Caduceus", version: "1", chainId: 31337n });
    assert.equal(typed.primaryType, "EncryptionKeyRequest");
    assert.deepEqual(
      typed.types.EncryptionKeyRequest.map((field) => `${field.type} ${field.name}`),
      ["string app", "string purpose", "uint256 chainId", "uint16 keyVersion", "string warning"],
    );
    assert.equal(typed.message.app, "Caduceus");
    assert.match(typed.message.warning, /Sign it only on the Caduceus app/);
    assert.match(typed.message.warning, /decrypts your medical records/);
    assert.equal(hashTypedData(typed), hashTypedData(encryptionKeyTypedData(31337n, 1)));
    const signature = await ALICE.signTypedData(typed);
    assert.equal(await recoverTypedDataAddress({ ...typed, signature }), ALICE.address);
  });

  it("same wallet and chain → same keys (the signature is deterministic)", async () => {
    const first = await deriveIdentity(ALICE, 31337);
    const second = await deriveIdentity(ALICE, 31337n, 1);
    assert.deepEqual(fingerprint(first), fingerprint(second));
    assert.deepEqual(first.x25519.privateKey, second.x25519.privateKey);
    assert.equal(first.x25519.publicKey.length, 32);
    assert.equal(first.xwing.publicKey.length, 1216);
    assert.equal(first.xwing.privateKey.length, 32);
    // The X25519 pair is a real pair: public = X25519(private, basepoint).
    assert.deepEqual(x25519.getPublicKey(first.x25519.privateKey), first.x25519.publicKey);
  });

  it("another chain, key version or wallet → other keys", async () => {
    const base = fingerprint(await deriveIdentity(ALICE, 31337));
    const variants = [
      await deriveIdentity(ALICE, 11155111),
      await deriveIdentity(ALICE, 31337, 2),
      await deriveIdentity(BOB, 31337),
    ];
    for (const variant of variants) {
      const [x, pq] = fingerprint(variant);
      assert.notEqual(x, base[0]);
      assert.notEqual(pq, base[1]);
    }
  });

  it("every encoding of the same signature (v = 0/1 or 27/28, high s) gives the same keys", async () => {
    const ctx = { chainId: 31337, keyVersion: 1 };
    const signature = await ALICE.signTypedData(encryptionKeyTypedData(ctx.chainId, ctx.keyVersion));
    const v = parseInt(signature.slice(130), 16);
    const s = BigInt("0x" + signature.slice(66, 130));
    const highS = (SECP256K1_N - s).toString(16).padStart(64, "0");
    const flippedV = (v === 27 ? 28 : 27).toString(16);
    const encodings: Hex[] = [
      `0x${signature.slice(2, 130)}${(v - 27).toString(16).padStart(2, "0")}`,
      `0x${signature.slice(2, 66)}${highS}${flippedV}`,
    ];
    const expected = fingerprint(await deriveIdentityFromSignature(signature, ctx));
    for (const encoding of encodings) {
      assert.deepEqual(fingerprint(await deriveIdentityFromSignature(encoding, ctx)), expected);
    }
  });

  it("rejects signatures that are not 65-byte ECDSA signatures", async () => {
    const ctx = { chainId: 1, keyVersion: 1 };
    const good = await ALICE.signTypedData(encryptionKeyTypedData(1, 1));
    const bad: string[] = [good.slice(0, 130), good + "00", "0x", "0xzz" + good.slice(4), good.slice(2)];
    for (const signature of bad) {
      await rejectsWith(
        deriveIdentityFromSignature(signature as Hex, ctx),
        InvalidIdentitySignatureError,
        "IDENTITY_INVALID_SIGNATURE",
      );
    }
    const error = await rejectsWith(
      deriveIdentityFromSignature(good.slice(0, 130) as Hex, ctx),
      InvalidIdentitySignatureError,
      "IDENTITY_INVALID_SIGNATURE",
    );
    assert.match(error.message, /65-byte/);
    const zeroR = `0x${"00".repeat(32)}${good.slice(66)}` as Hex;
    await rejectsWith(deriveIdentityFromSignature(zeroR, ctx), InvalidIdentitySignatureError, "IDENTITY_INVALID_SIGNATURE");
  });

  it("deriveIdentity checks the signature against the signer's address when it has one", async () => {
    const otherMessage = { signTypedData: () => ALICE.signTypedData(encryptionKeyTypedData(1, 1)), address: ALICE.address };
    await rejectsWith(deriveIdentity(otherMessage, 31337), InvalidIdentitySignatureError, "IDENTITY_INVALID_SIGNATURE");
    const otherAccount = { signTypedData: BOB.signTypedData, address: ALICE.address };
    await rejectsWith(deriveIdentity(otherAccount, 31337), InvalidIdentitySignatureError, "IDENTITY_INVALID_SIGNATURE");
    // Without an address there is nothing to check against: a wallet wrapper is trusted.
    const anonymous = { signTypedData: ALICE.signTypedData };
    assert.deepEqual(fingerprint(await deriveIdentity(anonymous, 31337)), fingerprint(await deriveIdentity(ALICE, 31337)));
  });

  it("rejects a key version outside 1..65535 and a non-positive chain id", () => {
    assert.throws(() => encryptionKeyTypedData(1, 0), RangeError);
    assert.throws(() => encryptionKeyTypedData(1, 65536), RangeError);
    assert.throws(() => encryptionKeyTypedData(0, 1), RangeError);
  });
});
