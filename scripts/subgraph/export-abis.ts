/**
 * Writes subgraph/abis/<Contract>.json from the Hardhat artifacts (`npm run build` first). Only
 * the ABI is kept, so the files change exactly when a contract's interface does.
 */
import { readFile, writeFile, mkdir } from "node:fs/promises";
import { INDEXED_CONTRACTS, SUBGRAPH, artifactPath } from "./contracts.ts";

const outDir = new URL("abis/", SUBGRAPH);
await mkdir(outDir, { recursive: true });
for (const c of INDEXED_CONTRACTS) {
  const { path, fallback } = artifactPath(c);
  const artifact = JSON.parse(await readFile(path, "utf8").catch(() => {
    throw new Error(`export-abis: ${path.pathname} is missing; run \`npm run build\` at the repository root first`);
  })) as { abi: unknown[] };
  if (fallback) console.warn(`export-abis: ${c.name} is not compiled yet; using its interface's ABI (${c.fallbackArtifact})`);
  const out = new URL(`${c.name}.json`, outDir);
  const text = `${JSON.stringify(artifact.abi, null, 2)}\n`;
  const previous = await readFile(out, "utf8").catch(() => "");
  if (previous !== text) {
    await writeFile(out, text);
    console.log(`export-abis: wrote subgraph/abis/${c.name}.json`);
  }
}
