/**
 * One measured side of `npm run bench`, run as its own process so that its peak RSS is its own:
 *
 *   node --import tsx bench/caduceus-child.ts encrypt <input> <storeDir> <recipient.json> <hasher>
 *   node --import tsx bench/caduceus-child.ts decrypt <storeDir> <cid> <envelopeHex> <recipient.json> <output> <hasher>
 *   node --import tsx bench/caduceus-child.ts verify  <storeDir> <cid>            (not timed)
 *
 * and, to show where the time goes (same library calls, fewer stages):
 *   encrypt-only <input>                 encryptRecord(file), ciphertext discarded
 *   encrypt-cid  <input> <hasher>        computeCid(encryptRecord(file)), nothing stored
 *   fetch-only   <storeDir> <cid> <hasher>   store.get(cid) drained (blocks read and verified)
 *   baseline     <storeDir>              load the library, open a store, exit: the runtime's own RSS
 *
 * `encrypt` is `prepareRecord` without the chain (records/upload.ts): a fresh record key,
 * `store.put(encryptRecord(body))` (encrypt → CID → local store, one streaming pass), then the key
 * sealed to the recipient's X25519 key. `decrypt` is `openRecord` without the chain
 * (records/open.ts): open the envelope, `decryptRecord(store.get(cid))` (every block verified
 * against the CID), the body streamed to a file. The last stdout line is a JSON report.
 */
import { createReadStream, createWriteStream } from "node:fs";
import { readFile, rename } from "node:fs/promises";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { openEnvelope, sealEnvelope, type EnvelopeBinding } from "../src/crypto/envelope.ts";
import { decryptRecord, encryptRecord, generateRecordKey } from "../src/crypto/record.ts";
import { computeCid, parseCid, registryFieldsFromCid } from "../src/storage/cid.ts";
import type { Sha256Engine } from "../src/storage/hasher.ts";
import { FsContentStore } from "../src/storage/node/fs-blockstore.ts";
import { nodeSha256, sharedNodeSha256 } from "../src/storage/node/hasher.ts";
import { fromHex, toHex } from "../src/storage/hasher.ts";
import { HASHERS } from "./hashers.ts";


const MiB = 1024 * 1024;
const META = { mediaType: "application/octet-stream", fileName: "bench.bin" };
/** The record's place on a (fictitious) chain: envelopes are bound to it as in prepareRecord. */
function bindingFor(recordId: `0x${string}`, recipient: `0x${string}`): EnvelopeBinding {
  return { chainId: 31337n, registry: "0x5fbdb2315678afecb367f032d93f642f64180aa3", recordId, version: 1, recipient };
}

interface RecipientFile {
  address: `0x${string}`;
  x25519: { publicKey: string; privateKey: string };
}

async function readRecipient(path: string) {
  const file = JSON.parse(await readFile(path, "utf8")) as RecipientFile;
  return {
    address: file.address,
    x25519: { publicKey: fromHex(file.x25519.publicKey), privateKey: fromHex(file.x25519.privateKey) },
  };
}

/** The engine a store gets: `default` is no option at all (FsContentStore picks sharedNodeSha256). */
function hasherFor(hasherName: string): Sha256Engine | undefined {
  if (!(hasherName in HASHERS)) throw new Error(`unknown hasher "${hasherName}" (one of ${Object.keys(HASHERS).join(", ")})`);
  const options = HASHERS[hasherName];
  return options === undefined ? undefined : nodeSha256(options);
}

function storeFor(dir: string, hasherName: string): { store: FsContentStore } {
  return { store: new FsContentStore(dir, { hasher: hasherFor(hasherName) }) };
}

function inputStream(path: string) {
  return createReadStream(path, { highWaterMark: MiB });
}

const cpuAtStart = process.cpuUsage();

function report(fields: Record<string, unknown>, started: number): never {
  const workSeconds = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpuAtStart);
  // User + system time of the whole process (all threads, libuv's pool included), start-up included.
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  // maxRSS is in KiB: the whole process (main thread, workers, native buffers).
  const peakRssMiB = process.resourceUsage().maxRSS / 1024;
  console.log(JSON.stringify({ ...fields, workSeconds, cpuSeconds, peakRssMiB }));
  // Worker threads no longer keep a process alive, but a benchmark should not depend on it.
  process.exit(0);
}

async function encrypt([input, storeDir, recipientPath, hasherName]: string[]): Promise<never> {
  const recipient = await readRecipient(recipientPath);
  const { store } = storeFor(storeDir, hasherName);
  const started = performance.now();
  const recordKey = generateRecordKey();
  const stored = await store.put(encryptRecord(inputStream(input), recordKey, META));
  const { digest } = registryFieldsFromCid(stored.cid);
  const envelope = await sealEnvelope({
    recordKey,
    recipientPublicKey: { x25519: recipient.x25519.publicKey },
    suite: "x25519",
    binding: bindingFor(digest, recipient.address),
  });
  recordKey.fill(0);
  report({ cid: stored.cid.toString(), size: stored.size, contentDigest: stored.contentDigest, envelope: toHex(envelope) }, started);
}

async function decrypt([storeDir, cidText, envelopeHex, recipientPath, output, hasherName]: string[]): Promise<never> {
  const recipient = await readRecipient(recipientPath);
  const { store } = storeFor(storeDir, hasherName);
  const started = performance.now();
  const cid = parseCid(cidText);
  const recordKey = await openEnvelope({
    envelope: fromHex(envelopeHex),
    recipientKeyPair: { x25519: recipient.x25519 },
    binding: bindingFor(registryFieldsFromCid(cid).digest, recipient.address),
  });
  const { body } = await decryptRecord(store.get(cid), recordKey);
  recordKey.fill(0);
  // The body is untrusted until it ends without an error: a temporary file, renamed on success.
  const partial = `${output}.partial`;
  await pipeline(Readable.from(body, { objectMode: false }), createWriteStream(partial));
  await rename(partial, output);
  report({}, started);
}

/** Recomputes the CID of what the store returns (every block also verified by the read itself). */
async function verify([storeDir, cidText]: string[]): Promise<never> {
  const store = new FsContentStore(storeDir);
  const started = performance.now();
  const recomputed = await computeCid(store.get(cidText), { hasher: nodeSha256({ contentWorker: false }) });
  report({ cid: recomputed.cid.toString(), size: recomputed.size, contentDigest: recomputed.contentDigest }, started);
}

async function encryptOnly([input]: string[]): Promise<never> {
  const started = performance.now();
  let size = 0;
  for await (const piece of encryptRecord(inputStream(input), generateRecordKey(), META)) size += piece.length;
  report({ size }, started);
}

async function encryptCid([input, hasherName]: string[]): Promise<never> {
  // The engine the store would use: the given variant, or the store's default (sharedNodeSha256).
  const hasher = hasherFor(hasherName) ?? sharedNodeSha256();
  const started = performance.now();
  const encoded = await computeCid(encryptRecord(inputStream(input), generateRecordKey(), META), { hasher });
  report({ cid: encoded.cid.toString(), size: encoded.size }, started);
}

async function fetchOnly([storeDir, cidText, hasherName]: string[]): Promise<never> {
  const { store } = storeFor(storeDir, hasherName);
  const started = performance.now();
  let size = 0;
  for await (const piece of store.get(cidText)) size += piece.length;
  report({ size }, started);
}

async function baseline([storeDir]: string[]): Promise<never> {
  // Constructing the store starts its hashing thread (sharedNodeSha256).
  storeFor(storeDir, "default");
  // Let the store's hashing thread come up, so that its memory is counted.
  await new Promise((resolve) => setTimeout(resolve, 300));
  report({}, performance.now());
}

const [mode, ...args] = process.argv.slice(2);
const modes: Record<string, (args: string[]) => Promise<never>> = {
  encrypt,
  decrypt,
  verify,
  "encrypt-only": encryptOnly,
  "encrypt-cid": encryptCid,
  "fetch-only": fetchOnly,
  baseline,
};
if (!(mode in modes)) {
  console.error(`usage: caduceus-child.ts ${Object.keys(modes).join("|")} …`);
  process.exit(2);
}
modes[mode](args).catch((error: unknown) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
  process.exit(1);
});
