/**
 * Hashing throughput of CID computation (not part of `npm test`; numbers go into docs/storage.md).
 *   node --import tsx test/storage/throughput.bench.ts [MiB]
 */
import { createHash, randomFillSync } from "node:crypto";
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

async function measure(label: string, run: () => Promise<unknown>): Promise<void> {
  await run(); // warm-up
  const t0 = performance.now();
  await run();
  const seconds = (performance.now() - t0) / 1000;
  console.log(`${label.padEnd(48)} ${(total / seconds).toFixed(0).padStart(6)} MiB/s`);
}

await measure("plain SHA-256 of the content (node:crypto)", async () => {
  const hash = createHash("sha256");
  for (const piece of content()) hash.update(piece);
  hash.digest();
});
const engines: [string, () => Sha256Engine][] = [
  ["CID + content digest, node:crypto serial", () => nodeSha256({ workers: 0 })],
  ["CID + content digest, node:crypto, 1 worker", () => nodeSha256({ workers: 1 })],
  ["CID + content digest, node:crypto, 2 workers", () => nodeSha256({ workers: 2 })],
  ["CID + content digest, WebCrypto + noble", () => webCryptoSha256()],
];
for (const [label, make] of engines) {
  const engine = make();
  await measure(label, () => computeCid(content(), { hasher: engine }));
  await engine.close?.();
}
