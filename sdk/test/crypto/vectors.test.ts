/**
 * Checks the committed Caduceus test vectors (sdk/test/vectors/*-v1.json) two ways: the library
 * must reproduce them byte for byte, and an independent reading of the documented format (written
 * here with node:crypto, not with the library) must open them.
 */
import assert from "node:assert/strict";
import { createDecipheriv, createHash, createHmac, hkdfSync, timingSafeEqual } from "node:crypto";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import { Aes256Gcm, CipherSuite, HkdfSha256 } from "@hpke/core";
import { DhkemX25519HkdfSha256 } from "@hpke/dhkem-x25519";
import { XWing } from "@hpke/hybridkem-x-wing";
import { ml_kem768_x25519 } from "@noble/post-quantum/hybrid.js";
import { privateKeyToAccount } from "viem/accounts";
import { hashTypedData, type Hex } from "viem";
import { collectBytes } from "../../src/crypto/byte-source.ts";
import { envelopeInfo, type EnvelopeBinding } from "../../src/crypto/envelope-binding.ts";
import { openEnvelope, sealEnvelopeWithEphemeral } from "../../src/crypto/envelope.ts";
import { deriveIdentityFromSignature, encryptionKeyTypedData } from "../../src/crypto/identity.ts";
import { x25519Kem, xwingKem } from "../../src/crypto/kems.ts";
import type { RecordMeta } from "../../src/crypto/record-meta.ts";
import { decryptRecordBytes, encryptRecordWithNonce } from "../../src/crypto/record.ts";
import { hex, unhex } from "./helpers.ts";
import { mod251 } from "./vectors.generate.ts";

const load = <T>(name: string): T => JSON.parse(readFileSync(new URL(`../vectors/${name}`, import.meta.url), "utf8"));
const sha256 = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex");

interface RecordVectors {
  recordKey: string;
  headerNonce: string;
  derived: { payloadKey: string; headerMacKey: string; keyCheck: string };
  cases: {
    name: string;
    meta: RecordMeta;
    body: { hex: string } | { mod251: number };
    ciphertextLength: number;
    ciphertextSha256: string;
    ciphertext?: string;
    header?: string;
    chunkSha256?: string[];
  }[];
}

/** docs/record-format.md, read literally. Returns the payload (metadata prefix + body). */
function openRecordBySpec(ciphertext: Uint8Array, recordKey: Uint8Array): { payload: Buffer; chunks: number } {
  const header = Buffer.from(ciphertext.subarray(0, 90));
  assert.equal(header.subarray(0, 8).toString("latin1"), "CADUCEUS");
  assert.equal(header[8], 1);
  const chunkSize = 2 ** header[9]!;
  const nonce = header.subarray(10, 42);
  const hkdf = (info: string, length: number) => Buffer.from(hkdfSync("sha256", recordKey, nonce, info, length));
  assert.ok(timingSafeEqual(header.subarray(42, 58), hkdf("caduceus/record/v1 key check", 16)));
  const mac = createHmac("sha256", hkdf("caduceus/record/v1 header", 32)).update(header.subarray(0, 58)).digest();
  assert.ok(timingSafeEqual(header.subarray(58, 90), mac));
  const payloadKey = hkdf("caduceus/record/v1 payload", 32);
  const parts: Buffer[] = [];
  let offset = 90;
  for (let index = 0; ; index++) {
    const end = Math.min(offset + chunkSize + 16, ciphertext.length);
    const last = end === ciphertext.length;
    const iv = Buffer.alloc(12);
    iv.writeUIntBE(index, 5, 6); // 11-byte big-endian counter (small indices)
    iv[11] = last ? 1 : 0;
    const decipher = createDecipheriv("aes-256-gcm", payloadKey, iv);
    decipher.setAuthTag(ciphertext.subarray(end - 16, end));
    parts.push(decipher.update(ciphertext.subarray(offset, end - 16)), decipher.final());
    offset = end;
    if (last) return { payload: Buffer.concat(parts), chunks: index + 1 };
  }
}

describe("Caduceus record v1 vectors", () => {
  const vectors = load<RecordVectors>("record-v1.json");
  const key = unhex(vectors.recordKey);
  const nonce = unhex(vectors.headerNonce);

  it("HKDF sub-keys match the documented derivations", () => {
    const derive = (info: string, length: number) => hex(new Uint8Array(hkdfSync("sha256", key, nonce, info, length)));
    assert.equal(derive("caduceus/record/v1 payload", 32), vectors.derived.payloadKey);
    assert.equal(derive("caduceus/record/v1 header", 32), vectors.derived.headerMacKey);
    assert.equal(derive("caduceus/record/v1 key check", 16), vectors.derived.keyCheck);
  });

  for (const vector of vectors.cases) {
    it(`${vector.name}: the library reproduces the ciphertext, and the spec reading opens it`, async () => {
      const body = "hex" in vector.body ? unhex(vector.body.hex) : mod251(vector.body.mod251);
      const ciphertext = await collectBytes(encryptRecordWithNonce([body], key, vector.meta, nonce));
      assert.equal(ciphertext.length, vector.ciphertextLength);
      assert.equal(sha256(ciphertext), vector.ciphertextSha256);
      if (vector.ciphertext !== undefined) assert.equal(hex(ciphertext), vector.ciphertext);
      if (vector.header !== undefined) assert.equal(hex(ciphertext.subarray(0, 90)), vector.header);
      if (vector.chunkSha256 !== undefined) {
        vector.chunkSha256.forEach((digest, i) => assert.equal(sha256(ciphertext.subarray(90 + i * 65552, 90 + (i + 1) * 65552)), digest));
      }

      const { payload, chunks } = openRecordBySpec(ciphertext, key);
      assert.equal(chunks, Math.max(1, Math.ceil(payload.length / 65536)));
      const metaLength = payload.readUInt32BE(0);
      assert.deepEqual(JSON.parse(payload.subarray(4, 4 + metaLength).toString("utf8")), vector.meta);
      assert.deepEqual(new Uint8Array(payload.subarray(4 + metaLength)), body);

      const decrypted = await decryptRecordBytes(ciphertext, key);
      assert.deepEqual(decrypted.meta, vector.meta);
      assert.deepEqual(decrypted.body, body);
    });
  }
});

interface EnvelopeSuiteVector {
  suiteId: number;
  recipientIkm: string;
  recipientPublicKey: string;
  recipientPrivateKey: string;
  envelope: string;
}
interface EnvelopeVectors {
  binding: Omit<EnvelopeBinding, "chainId"> & { chainId: string };
  info: string;
  recordKey: string;
  x25519: EnvelopeSuiteVector & { ephemeralIkm: string };
  xwing: EnvelopeSuiteVector & { ephemeralKeyMaterial: string };
}

describe("Caduceus key envelope v1 vectors", () => {
  const vectors = load<EnvelopeVectors>("envelope-v1.json");
  const binding: EnvelopeBinding = { ...vectors.binding, chainId: BigInt(vectors.binding.chainId) };
  const recordKey = unhex(vectors.recordKey);

  it("the binding encodes to the documented 128-byte info", () => {
    assert.equal(hex(envelopeInfo(binding)), vectors.info);
    assert.equal(vectors.info.length, 256);
  });

  for (const [suite, kem, ekm] of [
    ["x25519", x25519Kem, vectors.x25519.ephemeralIkm],
    ["xwing", xwingKem, vectors.xwing.ephemeralKeyMaterial],
  ] as const) {
    it(`${suite}: derived recipient keys, deterministic seal and open`, async () => {
      const v = vectors[suite];
      const pair = await kem.deriveKeyPairBytes(unhex(v.recipientIkm));
      assert.equal(hex(pair.publicKey), v.recipientPublicKey);
      assert.equal(hex(pair.privateKey), v.recipientPrivateKey);
      // Only the chosen suite's key is used; the other slot is a placeholder.
      const recipientPublicKey = suite === "x25519" ? { x25519: pair.publicKey } : { x25519: new Uint8Array(32), xwing: pair.publicKey };
      const envelope = await sealEnvelopeWithEphemeral({ recordKey, recipientPublicKey, suite, binding }, unhex(ekm));
      assert.equal(hex(envelope), v.envelope);
      assert.equal(envelope[0], v.suiteId);
      const recipientKeyPair = suite === "x25519" ? { x25519: pair } : { x25519: pair, xwing: pair };
      assert.deepEqual(await openEnvelope({ envelope, recipientKeyPair, binding }), recordKey);
    });
  }

  it("x25519: a plain RFC 9180 implementation opens the envelope from the documented layout", async () => {
    const suite = new CipherSuite({ kem: new DhkemX25519HkdfSha256(), kdf: new HkdfSha256(), aead: new Aes256Gcm() });
    const envelope = unhex(vectors.x25519.envelope);
    const opened = await suite.open(
      {
        recipientKey: await suite.kem.deserializePrivateKey(unhex(vectors.x25519.recipientPrivateKey)),
        enc: envelope.subarray(5, 37),
        info: unhex(vectors.info),
      },
      envelope.subarray(37),
      envelope.subarray(0, 5),
    );
    assert.equal(hex(new Uint8Array(opened)), vectors.recordKey);
    const hint = createHash("sha256").update("caduceus/envelope/v1 key hint").update(unhex(vectors.x25519.recipientPublicKey)).digest();
    assert.equal(hex(envelope.subarray(1, 5)), hex(hint.subarray(0, 4)));
  });

  it("xwing: an independent X-Wing (noble ml_kem768_x25519) agrees on the public key and the shared secret", async () => {
    const v = vectors.xwing;
    const seed = unhex(v.recipientPrivateKey);
    assert.equal(hex(ml_kem768_x25519.getPublicKey(seed)), v.recipientPublicKey);
    const enc = unhex(v.envelope).subarray(5, 5 + 1120);
    const kem = new XWing();
    const hpkeSecret = await kem.decap({ enc, recipientKey: await kem.deserializePrivateKey(seed) });
    assert.equal(hex(ml_kem768_x25519.decapsulate(enc, seed)), hex(new Uint8Array(hpkeSecret)));
  });
});

interface IdentityVectors {
  privateKey: Hex;
  account: string;
  cases: {
    chainId: number;
    keyVersion: number;
    typedDataHash: Hex;
    signature: Hex;
    x25519PublicKey: string;
    x25519PrivateKey: string;
    xwingPublicKeySha256: string;
    xwingPrivateKey: string;
  }[];
}

describe("Caduceus encryption identity v1 vectors", () => {
  const vectors = load<IdentityVectors>("identity-v1.json");
  const account = privateKeyToAccount(vectors.privateKey);

  it("the account is the documented one", () => assert.equal(account.address, vectors.account));

  for (const v of vectors.cases) {
    it(`chain ${v.chainId}, key version ${v.keyVersion}: typed-data hash, signature and keys are frozen`, async () => {
      // A change here would silently give every user new keys and lock them out of their records.
      const typed = encryptionKeyTypedData(v.chainId, v.keyVersion);
      assert.equal(hashTypedData(typed), v.typedDataHash);
      assert.equal(await account.signTypedData(typed), v.signature);
      const identity = await deriveIdentityFromSignature(v.signature, v);
      assert.equal(hex(identity.x25519.publicKey), v.x25519PublicKey);
      assert.equal(hex(identity.x25519.privateKey), v.x25519PrivateKey);
      assert.equal(sha256(identity.xwing.publicKey), v.xwingPublicKeySha256);
      assert.equal(hex(identity.xwing.privateKey), v.xwingPrivateKey);
    });
  }
});
