/**
 * Writes `deployments/<chainId>.json` for the client library, CLI, web app and subgraph from a
 * finished Ignition deployment to a public or consortium chain (`npm start` does the same locally).
 * See docs/deploy.md.
 *
 *   npx tsx scripts/stack/write-deployment.ts --chain-id 11155111 \
 *     --rpc-url https://ethereum-sepolia-rpc.publicnode.com \
 *     --service gateway=https://storacha.link \
 *     --service subgraph=https://api.studio.thegraph.com/query/<id>/caduceus-sepolia/version/latest
 *
 * --rpc-url is the public endpoint clients read from: never the keyed URL from the keystore.
 * --deployment-id <id> reads ignition/deployments/<id> (default chain-<chainId>).
 */
import { parseArgs } from "node:util";
import { contractsFromIgnition, ignitionState, writeDeployment } from "./deploy.js";

const { values } = parseArgs({
  options: {
    "chain-id": { type: "string" },
    "rpc-url": { type: "string" },
    "deployment-id": { type: "string" },
    service: { type: "string", multiple: true, default: [] },
  },
});
const chainId = Number(values["chain-id"]);
if (!Number.isSafeInteger(chainId) || chainId <= 0 || !values["rpc-url"]) {
  console.error("usage: write-deployment.ts --chain-id <id> --rpc-url <public RPC URL> [--service name=url]… [--deployment-id <id>]");
  process.exit(2);
}
const services: Record<string, string> = {};
for (const entry of values.service) {
  const at = entry.indexOf("=");
  if (at <= 0) {
    console.error(`--service ${entry}: expected name=url`);
    process.exit(2);
  }
  services[entry.slice(0, at)] = entry.slice(at + 1);
}
const dir = values["deployment-id"] ? `ignition/deployments/${values["deployment-id"]}` : ignitionState(chainId);
const contracts = await contractsFromIgnition(dir);
const file = await writeDeployment({ chainId, rpcUrl: values["rpc-url"], contracts, services });
console.log(`wrote ${file} from ${dir}`);
