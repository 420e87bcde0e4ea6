/**
 * Writes subgraph/networks.json (graph-cli's per-network addresses and start blocks) from
 * deployments/<chainId>.json: `tsx scripts/subgraph/write-networks.ts [--chain 31337] [--network localhost]`.
 *
 * Without the deployments file (it is written by `npm start` and not committed), the network keeps
 * placeholder entries: the zero address at block 0, which builds but indexes nothing. Every other
 * network in the file (sepolia, …) is kept as it is, and gets placeholders if it has no entry.
 */
import { existsSync } from "node:fs";
import { readFile, writeFile } from "node:fs/promises";
import { parseArgs } from "node:util";
import { INDEXED_CONTRACTS, ROOT, SUBGRAPH } from "./contracts.ts";

export const PLACEHOLDER_ADDRESS = "0x0000000000000000000000000000000000000000";
/** Networks that always have an entry, so `graph build --network <name>` works for each. */
const DEFAULT_NETWORKS: Record<string, number> = { localhost: 31337, sepolia: 11155111 };

type Networks = Record<string, Record<string, { address: string; startBlock: number }>>;

function placeholders(): Networks[string] {
  return Object.fromEntries(INDEXED_CONTRACTS.map((c) => [c.name, { address: PLACEHOLDER_ADDRESS, startBlock: 0 }]));
}

const { values } = parseArgs({ options: { chain: { type: "string" }, network: { type: "string" } } });
const network = values.network ?? "localhost";
const chainId = Number(values.chain ?? DEFAULT_NETWORKS[network] ?? NaN);
if (!Number.isSafeInteger(chainId)) throw new Error(`write-networks: give --chain for network ${network}`);

const file = new URL("networks.json", SUBGRAPH);
const networks: Networks = existsSync(file) ? (JSON.parse(await readFile(file, "utf8")) as Networks) : {};
for (const name of Object.keys(DEFAULT_NETWORKS)) networks[name] ??= placeholders();

const deploymentFile = new URL(`deployments/${chainId}.json`, ROOT);
if (existsSync(deploymentFile)) {
  const deployment = JSON.parse(await readFile(deploymentFile, "utf8")) as {
    contracts: Record<string, { address: string; deployBlock: number } | undefined>;
  };
  const entry = placeholders();
  for (const c of INDEXED_CONTRACTS) {
    const deployed = deployment.contracts[c.deploymentKey];
    if (deployed) entry[c.name] = { address: deployed.address, startBlock: deployed.deployBlock };
    else console.warn(`write-networks: deployments/${chainId}.json has no ${c.deploymentKey}; ${c.name} keeps a placeholder`);
  }
  networks[network] = entry;
  console.log(`write-networks: ${network} from deployments/${chainId}.json`);
} else {
  networks[network] ??= placeholders();
  console.warn(
    `write-networks: deployments/${chainId}.json not found (run \`npm start\` for the local chain); ` +
      `${network} keeps its ${networks[network][INDEXED_CONTRACTS[0].name].address === PLACEHOLDER_ADDRESS ? "placeholder " : ""}entries`,
  );
}
const ordered = Object.fromEntries(Object.keys(networks).sort().map((k) => [k, networks[k]]));
await writeFile(file, `${JSON.stringify(ordered, null, 2)}\n`);
