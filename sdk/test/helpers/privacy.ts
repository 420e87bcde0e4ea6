/**
 * The privacy rule as a test assertion: everything that went on-chain (every transaction's input,
 * every log's topics and data, from genesis to the latest block) is searched for given plaintext.
 */
import assert from "node:assert/strict";
import { bytesToHex, stringToHex, type PublicClient } from "viem";

/** Every transaction input and log of the chain so far, as one lowercase hex string. */
export async function chainHexHaystack(publicClient: PublicClient): Promise<string> {
  const latest = await publicClient.getBlockNumber();
  const chunks: string[] = [];
  for (let n = 0n; n <= latest; n++) {
    const block = await publicClient.getBlock({ blockNumber: n, includeTransactions: true });
    for (const tx of block.transactions) chunks.push(tx.input.slice(2));
  }
  for (const log of await publicClient.getLogs({ fromBlock: 0n, toBlock: latest })) {
    chunks.push(log.data.slice(2), ...log.topics.map((topic) => (topic ?? "0x").slice(2)));
  }
  return chunks.join("\n").toLowerCase();
}

/**
 * Fails when any secret (a fixture string, as UTF-8, or raw bytes such as a private key) appears
 * anywhere on-chain.
 */
export async function assertNothingOnChain(publicClient: PublicClient, secrets: ReadonlyArray<string | Uint8Array>): Promise<void> {
  assert.ok(secrets.length > 0, "nothing to look for");
  const haystack = await chainHexHaystack(publicClient);
  for (const secret of secrets) {
    const needle = (typeof secret === "string" ? stringToHex(secret) : bytesToHex(secret)).slice(2);
    assert.ok(!haystack.includes(needle), typeof secret === "string" ? `chain data holds the fixture string "${secret}"` : "chain data holds secret key bytes");
  }
}
