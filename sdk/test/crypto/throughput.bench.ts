/**
 * Throughput and size measurements quoted in docs/record-format.md and docs/keys.md.
 * Run from sdk/: `npx tsx test/crypto/throughput.bench.ts [MiB]` (default 256).
 */
import { createCipheriv, randomBytes } from "node:crypto";
import { decryptRecord, encryptRecord, generateRecordKey } from "../../src/crypto/record.ts";
import { openEnvelope, publicKeysOf, sealEnvelope, type EnvelopeSuite } from "../../src/crypto/envelope.ts";
import { x25519Kem, xwingKem } from "../../src/crypto/kems.ts";

const MIB = 1024 * 1024;
const CHUNK = 64 * 1024;
const totalMiB = Number(process.argv[2] ?? 256);
const chunks = (totalMiB * MIB) / CHUNK;
const plaintext = new Uint8Array(randomBytes(CHUNK));
const rate = (ms: number) => `${((totalMiB * 1000) / ms).toFixed(0)} MiB/s`;

async function webCrypto(depth: number): Promise<number> {
  const key = await crypto.subtle.importKey("raw", new Uint8Array(randomBytes(32)), "AES-GCM", false, ["encrypt"]);
  const start = performance.now();
  const inFlight: Promise<ArrayBuffer>[] = [];
  for (let i = 0; i < chunks; i++) {
    const iv = new Uint8Array(12);
    new DataView(iv.buffer).setUint32(7, i);
    inFlight.push(crypto.subtle.encrypt({ name: "AES-GCM", iv }, key, plaintext));
    if (inFlight.length >= depth) await inFlight.shift();
  }
  await Promise.all(inFlight);
  return performance.now() - start;
}

function nodeCrypto(): number {
  const key = randomBytes(32);
  const start = performance.now();
  for (let i = 0; i < chunks; i++) {
    const iv = Buffer.alloc(12);
    iv.writeUInt32BE(i, 7);
    const cipher = createCipheriv("aes-256-gcm", key, iv);
    cipher.update(plaintext);
    cipher.final();
    cipher.getAuthTag();
  }
  return performance.now() - start;
}

async function* source(): AsyncGenerator<Uint8Array> {
  const block = new Uint8Array(randomBytes(MIB));
  for (let i = 0; i < totalMiB; i++) yield block;
}

/** Best of `runs` after one warm-up run (the JIT and WebCrypto's first calls are slow). */
async function best(runs: number, mib: number, run: () => Promise<void>): Promise<number> {
  await run();
  let fastest = Infinity;
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    await run();
    fastest = Math.min(fastest, performance.now() - start);
  }
  return (mib * 1000) / fastest;
}

async function records() {
  const key = generateRecordKey();
  const meta = { mediaType: "application/dicom", fileName: "study.dcm" };
  const rss0 = process.memoryUsage().rss;
  let peak = rss0;
  const sample = () => (peak = Math.max(peak, process.memoryUsage().rss));

  const encrypt = await best(3, totalMiB, async () => {
    let bytes = 0;
    for await (const part of encryptRecord(source(), key, meta)) {
      bytes += part.length;
      if (bytes % (16 * MIB) < part.length) sample();
    }
  });
  const roundTrip = await best(3, totalMiB, async () => {
    let plain = 0;
    for await (const part of (await decryptRecord(encryptRecord(source(), key, meta), key)).body) {
      plain += part.length;
      if (plain % (16 * MIB) < part.length) sample();
    }
    if (plain !== totalMiB * MIB) throw new Error("round trip lost bytes");
  });
  const stored = Math.min(totalMiB, 128);
  const ciphertext: Uint8Array[] = [];
  const block = new Uint8Array(randomBytes(MIB));
  const storedSource = async function* () {
    for (let i = 0; i < stored; i++) yield block;
  };
  for await (const part of encryptRecord(storedSource(), key, meta)) ciphertext.push(part);
  const decrypt = await best(3, stored, async () => {
    for await (const _ of (await decryptRecord(ciphertext, key)).body);
  });
  console.log(`encryptRecord ${totalMiB} MiB (best of 3): ${encrypt.toFixed(0)} MiB/s`);
  console.log(`decryptRecord ${stored} MiB from memory (best of 3): ${decrypt.toFixed(0)} MiB/s`);
  console.log(`encryptRecord→decryptRecord piped, ${totalMiB} MiB (best of 3): ${roundTrip.toFixed(0)} MiB/s (both directions on the same cores)`);
  console.log(`rss: start ${(rss0 / MIB).toFixed(0)} MiB, peak while streaming ${(peak / MIB).toFixed(0)} MiB`);
}

async function envelopes() {
  const recipient = {
    x25519: await x25519Kem.generateKeyPairBytes(),
    xwing: await xwingKem.generateKeyPairBytes(),
  };
  const binding = {
    chainId: 1n,
    registry: "0x5fbdb2315678afecb367f032d93f642f64180aa3",
    recordId: `0x${"12".repeat(32)}`,
    version: 1,
    recipient: "0x70997970c51812dc3a010c7d01b50e0d17dc79c8",
  } as const;
  for (const suite of ["x25519", "xwing"] as EnvelopeSuite[]) {
    const recordKey = generateRecordKey();
    const rounds = 50;
    let envelope: Uint8Array = new Uint8Array();
    let start = performance.now();
    for (let i = 0; i < rounds; i++) envelope = await sealEnvelope({ recordKey, recipientPublicKey: publicKeysOf(recipient), suite, binding });
    const sealMs = (performance.now() - start) / rounds;
    start = performance.now();
    for (let i = 0; i < rounds; i++) await openEnvelope({ envelope, recipientKeyPair: recipient, binding });
    const openMs = (performance.now() - start) / rounds;
    console.log(`envelope ${suite}: ${envelope.length} bytes, seal ${sealMs.toFixed(2)} ms, open ${openMs.toFixed(2)} ms`);
  }
}

console.log(`node ${process.version}, ${totalMiB} MiB in 64 KiB chunks`);
for (const depth of [1, 4]) {
  await webCrypto(depth); // warm-up
  const ms = await webCrypto(depth);
  console.log(`WebCrypto AES-256-GCM, ${depth} in flight: ${ms.toFixed(0)} ms = ${rate(ms)}`);
}
nodeCrypto();
const nodeMs = nodeCrypto();
console.log(`node:crypto AES-256-GCM (sync): ${nodeMs.toFixed(0)} ms = ${rate(nodeMs)}`);
await records();
await envelopes();
