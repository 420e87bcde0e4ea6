/**
 * `npm start`: the whole local stack in one command. Starts a Hardhat node on 127.0.0.1:8545,
 * deploys every contract with Ignition, sets up a demo consortium and writes
 * `deployments/31337.json` for the client library, CLI and web app. Ctrl-C stops everything.
 *
 *   npm start              run until Ctrl-C
 *   npm start -- --check   bring everything up, verify it, shut down (used by the tests)
 */
import { mkdir } from "node:fs/promises";
import { run, startHardhatNode, stopProcessGroup, RPC_URL } from "./stack/chain.js";
import { deployContracts, setUpDemoConsortium, verifyStack, writeDeployment } from "./stack/deploy.js";

const checkOnly = process.argv.includes("--check");
const STATE_DIR = ".caduceus";
const t0 = Date.now();
const step = (message: string) => console.log(`[${((Date.now() - t0) / 1000).toFixed(1)}s] ${message}`);

await mkdir(STATE_DIR, { recursive: true });
step("compiling contracts");
await run("npx", ["hardhat", "build", "--quiet"]);
step(`starting Hardhat node on ${RPC_URL} (log: ${STATE_DIR}/node.log)`);
const node = await startHardhatNode(`${STATE_DIR}/node.log`);
const stop = () => {
  stopProcessGroup(node.process);
};
process.once("SIGINT", () => {
  console.log("\nstopping…");
  stop();
  process.exit(0);
});
process.once("SIGTERM", () => {
  stop();
  process.exit(0);
});

try {
  const chainId = await node.client.getChainId();
  step("deploying contracts with Ignition");
  const contracts = await deployContracts(node.client);
  step("admitting the demo hospital and its two doctors");
  const cast = await setUpDemoConsortium(node.client, contracts);
  const file = await writeDeployment({ chainId, rpcUrl: RPC_URL, contracts, services: {} });
  step(`wrote ${file}`);

  console.log(`
Caduceus local stack is up.
  chain          ${RPC_URL} (chain id ${chainId})
  Consortium     ${contracts.consortium.address}
  KeyRegistry    ${contracts.keyRegistry.address}
  RecordRegistry ${contracts.recordRegistry.address}
  governance     ${cast.governance}
  demo hospital  ${cast.hospital}
  doctors        ${cast.doctors.join(", ")}
Demo accounts are Hardhat's public development keys: never use them on a real network.`);
  if (checkOnly) {
    await verifyStack(node.client, contracts, cast);
    step("check passed: contracts have code, the demo hospital is active with two doctors");
    stop();
    process.exit(0);
  }
  console.log("Press Ctrl-C to stop.");
} catch (error) {
  console.error(`npm start failed: ${error instanceof Error ? error.message : String(error)}`);
  stop();
  process.exit(1);
}
