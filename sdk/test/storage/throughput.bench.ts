/**
 * Hashing throughput of CID computation (not part of `npm test`; numbers go into docs/storage.md).
 *   node --import tsx test/storage/throughput.bench.ts [MiB]
 */
import { createHash, randomFillSync } from "node:crypto";
import { BlockContentStore, MemoryBlockstore } from "../../src/storage/block-content-store.ts";
import { computeCid } from "../../src/storage/cid.ts";
import { webCryptoSha256, type Sha256Engine } from "../../src/storage/hasher.ts";
import { nodeSha256 } from "../../src/storage/node/hasher.ts";

const MiB = 1024 * 1024;
const total = Number(process.argv[2] ?? 256);
// Reuse one random 16 MiB buffer as a stream of `total` MiB: measures hashing, not RNG.
const pattern = randomFillSync(new Uint8Array(16 * MiB));
function* content(): Generator<Uint8Array> {
  for (let sent = 0; sent < total * MiB; sent += pattern.length) yield pattern.subarray(0, Math.min(pattern.length, total * MiB - sent));
}

/** Median of three timed runs after a warm-up. */
async function measure(label: string, run: () => Promise<unknown>): Promise<void> {
  await run();
  const rates: number[] = [];
  for (let i = 0; i < 3; i++) {
    const t0 = performance.now();
    await run();
    rates.push(total / ((performance.now() - t0) / 1000));
  }
  rates.sort((a, b) => a - b);
  console.log(`${label.padEnd(52)} ${rates[1].toFixed(0).padStart(6)} MiB/s  (runs: ${rates.map((r) => r.toFixed(0)).join(", ")})`);
}

await measure("plain SHA-256 of the content (node:crypto)", async () => {
  const hash = createHash("sha256");
  for (const piece of content()) hash.update(piece);
  hash.digest();
});
const engines: [string, () => Sha256Engine][] = [
  ["CID + content digest, node:crypto, serial", () => nodeSha256({ contentWorker: false, workers: 0 })],
  ["CID + content digest, node:crypto, content on a worker", () => nodeSha256({ contentWorker: true, workers: 0 })],
  ["CID + content digest, node:crypto, leaves on 2 workers", () => nodeSha256({ contentWorker: false, workers: 2 })],
  ["CID + content digest, node:crypto, both", () => nodeSha256({ contentWorker: true, workers: 2 })],
  ["CID + content digest, WebCrypto + noble (browser path)", () => webCryptoSha256()],
];
for (const [label, make] of engines) {
  const engine = make();
  await measure(label, () => computeCid(content(), { hasher: engine }));
  await engine.close?.();
}
// Reading verifies each block: the same leaf hashing, without the content digest.
const store = new BlockContentStore(new MemoryBlockstore(), { hasher: nodeSha256({ contentWorker: false }) });
const { cid } = await store.put(content());
for (const [label, make] of engines) {
  const engine = make();
  const reader = new BlockContentStore(store.blocks, { hasher: engine });
  if (label.includes("content on a worker") || label.includes("both")) continue; // reads hash no content
  await measure(label.replace("CID + content digest", "verified read"), async () => {
    for await (const _ of reader.get(cid));
  });
  await engine.close?.();
}
// Engines left open above (and tsx) may hold handles; a benchmark script just ends here.
process.exit(0);
