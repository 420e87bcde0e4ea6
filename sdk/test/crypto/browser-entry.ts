/**
 * Runs inside headless Chromium (bundled by browser-harness.ts). Exposes `caduceusBrowserChecks`
 * and `caduceusBrowserBench` on globalThis; both return plain JSON.
 */
import { chacha20poly1305 } from "@noble/ciphers/chacha.js";
import { collectBytes } from "../../src/crypto/byte-source.ts";
import { openEnvelope, publicKeysOf, sealEnvelope, sealEnvelopeWithEphemeral } from "../../src/crypto/envelope.ts";
import { deriveIdentityFromSignature } from "../../src/crypto/identity.ts";
import { x25519Kem, xwingKem } from "../../src/crypto/kems.ts";
import { decryptRecord, encryptRecord, encryptRecordWithNonce, generateRecordKey } from "../../src/crypto/record.ts";
import { fromHex, toHex } from "../../src/crypto/bytes.ts";
import type { EnvelopeBinding } from "../../src/crypto/envelope-binding.ts";

export interface BrowserVectors {
  record: { recordKey: string; headerNonce: string; meta: { mediaType: string; fileName?: string }; bodyHex: string; ciphertext: string };
  envelope: { binding: Omit<EnvelopeBinding, "chainId"> & { chainId: string }; recordKey: string; x25519: { recipientIkm: string; ephemeralIkm: string; envelope: string } };
  identity: { chainId: number; keyVersion: number; signature: `0x${string}`; x25519PublicKey: string };
}

const MIB = 1024 * 1024;
const CHUNK = 64 * 1024;

async function checks(v: BrowserVectors): Promise<Record<string, boolean | string>> {
  const record = await collectBytes(
    encryptRecordWithNonce([fromHex(v.record.bodyHex)], fromHex(v.record.recordKey), v.record.meta, fromHex(v.record.headerNonce)),
  );
  const opened = await decryptRecord([record], fromHex(v.record.recordKey));
  const binding = { ...v.envelope.binding, chainId: BigInt(v.envelope.binding.chainId) };
  const pair = await x25519Kem.deriveKeyPairBytes(fromHex(v.envelope.x25519.recipientIkm));
  const envelope = await sealEnvelopeWithEphemeral(
    { recordKey: fromHex(v.envelope.recordKey), recipientPublicKey: { x25519: pair.publicKey }, suite: "x25519", binding },
    fromHex(v.envelope.x25519.ephemeralIkm),
  );
  const identity = await deriveIdentityFromSignature(v.identity.signature, v.identity);
  const xwing = { x25519: pair, xwing: await xwingKem.generateKeyPairBytes() };
  const recordKey = generateRecordKey();
  const hybrid = await sealEnvelope({ recordKey, recipientPublicKey: publicKeysOf(xwing), binding });
  return {
    userAgent: navigator.userAgent,
    recordVector: toHex(record) === v.record.ciphertext,
    recordDecrypts: toHex(await collectBytes(opened.body)) === v.record.bodyHex && opened.meta.mediaType === v.record.meta.mediaType,
    envelopeVector: toHex(envelope) === v.envelope.x25519.envelope,
    identityVector: toHex(identity.x25519.publicKey) === v.identity.x25519PublicKey,
    xwingRoundTrip: hybrid[0] === 2 && toHex(await openEnvelope({ envelope: hybrid, recipientKeyPair: xwing, binding })) === toHex(recordKey),
  };
}

async function rawAesGcm(totalMiB: number, depth: number): Promise<number> {
  const key = await crypto.subtle.importKey("raw", crypto.getRandomValues(new Uint8Array(32)), "AES-GCM", false, ["encrypt"]);
  const data = crypto.getRandomValues(new Uint8Array(CHUNK));
  const start = performance.now();
  const inFlight: Promise<ArrayBuffer>[] = [];
  for (let i = 0; i < (totalMiB * MIB) / CHUNK; i++) {
    const iv = new Uint8Array(12);
    new DataView(iv.buffer).setUint32(8, i);
    inFlight.push(crypto.subtle.encrypt({ name: "AES-GCM", iv }, key, data));
    if (inFlight.length >= depth) await inFlight.shift();
  }
  await Promise.all(inFlight);
  return (totalMiB * 1000) / (performance.now() - start);
}

function rawChaCha(totalMiB: number): number {
  const key = crypto.getRandomValues(new Uint8Array(32));
  const data = crypto.getRandomValues(new Uint8Array(CHUNK));
  const start = performance.now();
  for (let i = 0; i < (totalMiB * MIB) / CHUNK; i++) {
    const nonce = new Uint8Array(12);
    new DataView(nonce.buffer).setUint32(8, i);
    chacha20poly1305(key, nonce).encrypt(data);
  }
  return (totalMiB * 1000) / (performance.now() - start);
}

async function best(runs: number, mib: number, run: () => Promise<void>): Promise<number> {
  await run(); // warm-up
  let fastest = Infinity;
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    await run();
    fastest = Math.min(fastest, performance.now() - start);
  }
  return (mib * 1000) / fastest;
}

async function bench(totalMiB: number): Promise<Record<string, number | string>> {
  const block = crypto.getRandomValues(new Uint8Array(MIB / 16)).slice();
  const source = async function* () {
    for (let i = 0; i < totalMiB * 16; i++) yield block;
  };
  const key = generateRecordKey();
  const meta = { mediaType: "application/dicom" };
  const encrypt = await best(3, totalMiB, async () => {
    for await (const _ of encryptRecord(source(), key, meta));
  });
  const stored: Uint8Array[] = [];
  for await (const part of encryptRecord(source(), key, meta)) stored.push(part);
  const decrypt = await best(3, totalMiB, async () => {
    let bytes = 0;
    for await (const part of (await decryptRecord(stored, key)).body) bytes += part.length;
    if (bytes !== totalMiB * MIB) throw new Error("lost bytes");
  });
  const aes1 = await best(2, totalMiB, async () => void (await rawAesGcm(totalMiB, 1)));
  const aes4 = await best(2, totalMiB, async () => void (await rawAesGcm(totalMiB, 4)));
  const chachaMiB = Math.min(totalMiB, 32);
  const chacha = await best(2, chachaMiB, async () => void rawChaCha(chachaMiB));
  return {
    userAgent: navigator.userAgent,
    webCryptoAesGcm1: aes1,
    webCryptoAesGcm4: aes4,
    nobleChaCha20Poly1305: chacha,
    encryptRecord: encrypt,
    decryptRecord: decrypt,
  };
}

Object.assign(globalThis, { caduceusBrowserChecks: checks, caduceusBrowserBench: bench });
