/**
 * Writes sdk/test/vectors/{record,envelope,identity}-v1.json. Run it only when the format changes
 * on purpose (a new format version): `npx tsx test/crypto/vectors.generate.ts` from sdk/.
 * vectors.test.ts checks the committed files against the library and against an independent
 * node:crypto reading of docs/record-format.md.
 */
import { createHash, hkdfSync } from "node:crypto";
import { writeFileSync } from "node:fs";
import { privateKeyToAccount } from "viem/accounts";
import { hashTypedData } from "viem";
import { collectBytes } from "../../src/crypto/byte-source.ts";
import { envelopeInfo, type EnvelopeBinding } from "../../src/crypto/envelope-binding.ts";
import { sealEnvelopeWithEphemeral } from "../../src/crypto/envelope.ts";
import { deriveIdentityFromSignature, encryptionKeyTypedData } from "../../src/crypto/identity.ts";
import { x25519Kem, xwingKem } from "../../src/crypto/kems.ts";
import { encryptRecordWithNonce } from "../../src/crypto/record.ts";
import type { RecordMeta } from "../../src/crypto/record-meta.ts";
import { hex, unhex } from "./helpers.ts";

const out = (name: string, value: unknown) =>
  writeFileSync(new URL(`../vectors/${name}`, import.meta.url), JSON.stringify(value, null, 2) + "\n");
const sha256 = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex");
const derive = (key: Uint8Array, salt: Uint8Array, info: string, length: number) =>
  hex(new Uint8Array(hkdfSync("sha256", key, salt, info, length)));

/** byte i = i mod 251: reproducible in any language without a PRNG. */
export function mod251(length: number): Uint8Array {
  return Uint8Array.from({ length }, (_, i) => i % 251);
}

async function recordVectors() {
  const key = unhex("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f");
  const nonce = unhex("a0a1a2a3a4a5a6a7a8a9aaabacadaeafb0b1b2b3b4b5b6b7b8b9babbbcbdbebf");
  const cases: { name: string; meta: RecordMeta; body: Uint8Array; bodySpec: string; full: boolean }[] = [
    { name: "empty body", meta: { mediaType: "application/fhir+json" }, body: new Uint8Array(0), bodySpec: "empty", full: true },
    {
      name: "small FHIR resource with a file name",
      meta: { mediaType: "application/fhir+json", fileName: "patient.json" },
      body: new TextEncoder().encode('{"resourceType":"Patient","id":"example"}'),
      bodySpec: "utf8",
      full: true,
    },
    { name: "three chunks (150000-byte DICOM body)", meta: { mediaType: "application/dicom", fileName: "ct-001.dcm" }, body: mod251(150_000), bodySpec: "mod251", full: false },
  ];
  const vectors = [];
  for (const c of cases) {
    const ciphertext = await collectBytes(encryptRecordWithNonce([c.body], key, c.meta, nonce));
    vectors.push({
      name: c.name,
      meta: c.meta,
      body: c.bodySpec === "mod251" ? { mod251: c.body.length } : { hex: hex(c.body) },
      ciphertextLength: ciphertext.length,
      ciphertextSha256: sha256(ciphertext),
      ...(c.full
        ? { ciphertext: hex(ciphertext) }
        : {
            header: hex(ciphertext.subarray(0, 90)),
            chunkSha256: [0, 1, 2].map((i) => sha256(ciphertext.subarray(90 + i * 65552, 90 + (i + 1) * 65552))),
          }),
    });
  }
  out("record-v1.json", {
    format: "Caduceus record v1 (docs/record-format.md)",
    recordKey: hex(key),
    headerNonce: hex(nonce),
    derived: {
      payloadKey: derive(key, nonce, "caduceus/record/v1 payload", 32),
      headerMacKey: derive(key, nonce, "caduceus/record/v1 header", 32),
      keyCheck: derive(key, nonce, "caduceus/record/v1 key check", 16),
    },
    cases: vectors,
  });
}

async function envelopeVectors() {
  const binding: EnvelopeBinding = {
    chainId: 31337n,
    registry: "0x5fbdb2315678afecb367f032d93f642f64180aa3",
    recordId: "0x1220000000000000000000000000000000000000000000000000000000000001",
    version: 1,
    recipient: "0x70997970c51812dc3a010c7d01b50e0d17dc79c8",
  };
  const recordKey = unhex("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f");
  const x25519Ikm = unhex("7072f1c1e7d2c7b2f0a39f7c0d6e5b4a392817161514131211100f0e0d0c0b0a");
  const xwingIkm = unhex("b4b3b2b1a4a3a2a1949392918483828174737271646362615453525144434241");
  const x25519Pair = await x25519Kem.deriveKeyPairBytes(x25519Ikm);
  const xwingPair = await xwingKem.deriveKeyPairBytes(xwingIkm);
  const ekm = {
    x25519: unhex("e0e1e2e3e4e5e6e7e8e9eaebecedeeeff0f1f2f3f4f5f6f7f8f9fafbfcfdfeff"),
    xwing: unhex(
      "3cb1eea988004b93103cfb0aeefd2a686e01fa4a58e8a3639ca8a1e3f9ae57e235b8cc873c23dc62b8d260169afa2f75ab916a58d974918835d25e6a435085b2",
    ),
  };
  const recipientPublicKey = { x25519: x25519Pair.publicKey, xwing: xwingPair.publicKey };
  const sealed = async (suite: "x25519" | "xwing") =>
    hex(await sealEnvelopeWithEphemeral({ recordKey, recipientPublicKey, suite, binding }, ekm[suite]));
  out("envelope-v1.json", {
    format: "Caduceus key envelope v1 (docs/keys.md)",
    binding: { ...binding, chainId: binding.chainId.toString() },
    info: hex(envelopeInfo(binding)),
    recordKey: hex(recordKey),
    x25519: {
      suiteId: 1,
      recipientIkm: hex(x25519Ikm),
      recipientPublicKey: hex(x25519Pair.publicKey),
      recipientPrivateKey: hex(x25519Pair.privateKey),
      ephemeralIkm: hex(ekm.x25519),
      envelope: await sealed("x25519"),
    },
    xwing: {
      suiteId: 2,
      recipientIkm: hex(xwingIkm),
      recipientPublicKey: hex(xwingPair.publicKey),
      recipientPrivateKey: hex(xwingPair.privateKey),
      ephemeralKeyMaterial: hex(ekm.xwing),
      envelope: await sealed("xwing"),
    },
  });
}

async function identityVectors() {
  // Hardhat development account #0: a public test key.
  const privateKey = "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";
  const account = privateKeyToAccount(privateKey);
  const cases = [];
  for (const [chainId, keyVersion] of [[31337, 1], [11155111, 1], [31337, 2]] as const) {
    const typed = encryptionKeyTypedData(chainId, keyVersion);
    const signature = await account.signTypedData(typed);
    const identity = await deriveIdentityFromSignature(signature, { chainId, keyVersion });
    cases.push({
      chainId,
      keyVersion,
      typedDataHash: hashTypedData(typed),
      signature,
      x25519PublicKey: hex(identity.x25519.publicKey),
      x25519PrivateKey: hex(identity.x25519.privateKey),
      xwingPublicKeySha256: sha256(identity.xwing.publicKey),
      xwingPrivateKey: hex(identity.xwing.privateKey),
    });
  }
  out("identity-v1.json", {
    format: "Caduceus encryption identity v1 (docs/keys.md)",
    account: account.address,
    privateKey,
    cases,
  });
}

if (import.meta.url === `file://${process.argv[1]}`) {
  await recordVectors();
  await envelopeVectors();
  await identityVectors();
}
