/**
 * RFC 9180 Appendix A.1.1 through the same hpke-js classes the envelopes use, plus an independent
 * re-derivation of the key schedule (RFC 9180 §5.1, written here with node:crypto) so that the
 * vector's key, base_nonce and exporter_secret are checked too, not only the final ciphertext.
 */
import assert from "node:assert/strict";
import { createCipheriv, createHmac } from "node:crypto";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import { Aes128Gcm, CipherSuite, HkdfSha256 } from "@hpke/core";
import { DhkemX25519HkdfSha256 } from "@hpke/dhkem-x25519";
import { hex, unhex } from "./helpers.ts";

interface Rfc9180Vector {
  info: string;
  ikmE: string;
  pkEm: string;
  skEm: string;
  ikmR: string;
  pkRm: string;
  skRm: string;
  enc: string;
  shared_secret: string;
  key: string;
  base_nonce: string;
  exporter_secret: string;
  encryptions: { aad: string; pt: string; nonce: string; ct: string }[];
  exports: { exporter_context: string; L: number; exported_value: string }[];
}

const vector: Rfc9180Vector = JSON.parse(
  readFileSync(new URL("../vectors/rfc9180-a1-1-x25519-sha256-aes128gcm.json", import.meta.url), "utf8"),
);

const suite = new CipherSuite({ kem: new DhkemX25519HkdfSha256(), kdf: new HkdfSha256(), aead: new Aes128Gcm() });
const bytes = (value: ArrayBuffer) => hex(new Uint8Array(value));

// RFC 9180 §4: LabeledExtract / LabeledExpand with suite_id = "HPKE" || kem_id || kdf_id || aead_id.
const SUITE_ID = Buffer.concat([Buffer.from("HPKE"), Buffer.from([0x00, 0x20, 0x00, 0x01, 0x00, 0x01])]);
const hmac = (key: Uint8Array, data: Uint8Array) => createHmac("sha256", key).update(data).digest();
const labeledExtract = (salt: Uint8Array, label: string, ikm: Uint8Array) =>
  hmac(salt.length > 0 ? salt : new Uint8Array(32), Buffer.concat([Buffer.from("HPKE-v1"), SUITE_ID, Buffer.from(label), ikm]));
function labeledExpand(prk: Uint8Array, label: string, info: Uint8Array, length: number): Buffer {
  const labeledInfo = Buffer.concat([Buffer.from([length >> 8, length & 0xff]), Buffer.from("HPKE-v1"), SUITE_ID, Buffer.from(label), info]);
  let block = Buffer.alloc(0);
  const out: Buffer[] = [];
  for (let counter = 1; Buffer.concat(out).length < length; counter++) {
    block = hmac(prk, Buffer.concat([block, labeledInfo, Buffer.from([counter])]));
    out.push(block);
  }
  return Buffer.concat(out).subarray(0, length);
}

describe("RFC 9180 A.1.1 (DHKEM(X25519, HKDF-SHA256), HKDF-SHA256, AES-128-GCM, base mode)", () => {
  it("DeriveKeyPair(ikm) gives the vector's key pairs", async () => {
    const sender = await suite.kem.deriveKeyPair(unhex(vector.ikmE));
    const recipient = await suite.kem.deriveKeyPair(unhex(vector.ikmR));
    assert.equal(bytes(await suite.kem.serializePublicKey(sender.publicKey)), vector.pkEm);
    assert.equal(bytes(await suite.kem.serializePrivateKey(sender.privateKey)), vector.skEm);
    assert.equal(bytes(await suite.kem.serializePublicKey(recipient.publicKey)), vector.pkRm);
    assert.equal(bytes(await suite.kem.serializePrivateKey(recipient.privateKey)), vector.skRm);
  });

  it("encap with the fixed ephemeral key gives enc and shared_secret", async () => {
    const recipient = await suite.kem.deserializePublicKey(unhex(vector.pkRm));
    const { enc, sharedSecret } = await suite.kem.encap({ recipientPublicKey: recipient, ekm: unhex(vector.ikmE) });
    assert.equal(bytes(enc), vector.enc);
    assert.equal(bytes(sharedSecret), vector.shared_secret);
  });

  it("the key schedule gives key, base_nonce and exporter_secret (independent implementation)", () => {
    const info = unhex(vector.info);
    const pskIdHash = labeledExtract(new Uint8Array(0), "psk_id_hash", new Uint8Array(0));
    const infoHash = labeledExtract(new Uint8Array(0), "info_hash", info);
    const context = Buffer.concat([Buffer.from([0x00]), pskIdHash, infoHash]);
    const secret = labeledExtract(unhex(vector.shared_secret), "secret", new Uint8Array(0));
    assert.equal(hex(labeledExpand(secret, "key", context, 16)), vector.key);
    assert.equal(hex(labeledExpand(secret, "base_nonce", context, 12)), vector.base_nonce);
    assert.equal(hex(labeledExpand(secret, "exp", context, 32)), vector.exporter_secret);
    for (const encryption of vector.encryptions) {
      const cipher = createCipheriv("aes-128-gcm", unhex(vector.key), unhex(encryption.nonce));
      cipher.setAAD(unhex(encryption.aad));
      const ct = Buffer.concat([cipher.update(unhex(encryption.pt)), cipher.final(), cipher.getAuthTag()]);
      assert.equal(hex(ct), encryption.ct);
    }
  });

  it("the sender context seals the three messages in sequence and exports the vector's values", async () => {
    const recipientPublicKey = await suite.kem.deserializePublicKey(unhex(vector.pkRm));
    const sender = await suite.createSenderContext({ recipientPublicKey, info: unhex(vector.info), ekm: unhex(vector.ikmE) });
    assert.equal(bytes(sender.enc), vector.enc);
    for (const encryption of vector.encryptions) {
      assert.equal(bytes(await sender.seal(unhex(encryption.pt), unhex(encryption.aad))), encryption.ct);
    }
    for (const exported of vector.exports) {
      assert.equal(bytes(await sender.export(unhex(exported.exporter_context), exported.L)), exported.exported_value);
    }
  });

  it("the recipient context opens the three ciphertexts and rejects a modified one", async () => {
    const recipientKey = await suite.kem.deserializePrivateKey(unhex(vector.skRm));
    const recipient = await suite.createRecipientContext({ recipientKey, enc: unhex(vector.enc), info: unhex(vector.info) });
    for (const encryption of vector.encryptions) {
      assert.equal(bytes(await recipient.open(unhex(encryption.ct), unhex(encryption.aad))), encryption.pt);
    }
    const fresh = await suite.createRecipientContext({ recipientKey, enc: unhex(vector.enc), info: unhex(vector.info) });
    const modified = unhex(vector.encryptions[0]!.ct);
    modified[0]! ^= 1;
    await assert.rejects(fresh.open(modified, unhex(vector.encryptions[0]!.aad)));
  });
});
