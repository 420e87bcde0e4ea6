/**
 * `npm start`: the whole local stack in one command. Starts a Hardhat node on 127.0.0.1:8545,
 * deploys every contract with Ignition, sets up a demo consortium, starts the local content store
 * (an IPFS trustless gateway on 127.0.0.1:8180), writes `deployments/31337.json` for the client
 * library, CLI and web app, and seeds the fixture patients' encrypted records. Every start is fresh: a new chain, an empty store. Ctrl-C stops everything.
 *
 *   npm start              run until Ctrl-C
 *   npm start -- --check   bring everything up, verify it, shut down (used by the tests)
 */
import { mkdir, rm } from "node:fs/promises";
import { startGateway } from "@caduceus/sdk/storage/node/gateway-server";
import { run, startHardhatNode, stopProcessGroup, RPC_URL } from "./stack/chain.js";
import { deployContracts, setUpDemoConsortium, verifyStack, writeDeployment } from "./stack/deploy.js";
import { seedDemoRecords, verifySeed } from "./stack/seed.js";

const checkOnly = process.argv.includes("--check");
const STATE_DIR = ".caduceus";
const GATEWAY_PORT = 8180;
const t0 = Date.now();
const step = (message: string) => console.log(`[${((Date.now() - t0) / 1000).toFixed(1)}s] ${message}`);

await mkdir(STATE_DIR, { recursive: true });
step("compiling contracts");
await run("npx", ["hardhat", "build", "--quiet"]);
step(`starting Hardhat node on ${RPC_URL} (log: ${STATE_DIR}/node.log)`);
const node = await startHardhatNode(`${STATE_DIR}/node.log`);
// The chain starts empty, so blocks stored by a previous run belong to records that no longer exist.
await rm(`${STATE_DIR}/blocks`, { recursive: true, force: true });
step(`starting the content store gateway on http://127.0.0.1:${GATEWAY_PORT} (blocks: ${STATE_DIR}/blocks)`);
const gateway = await startGateway({ dir: `${STATE_DIR}/blocks`, port: GATEWAY_PORT }).catch((error: unknown) => {
  stopProcessGroup(node.process);
  throw new Error(`the content store could not start on port ${GATEWAY_PORT}: ${String(error)}`);
});
const stop = () => {
  stopProcessGroup(node.process);
  void gateway.close();
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
  const deployment = { chainId, rpcUrl: RPC_URL, contracts, services: { gateway: gateway.url } };
  const file = await writeDeployment(deployment);
  step(`wrote ${file}`);
  step("seeding demo patients: encrypting their FHIR bundles, storing and registering the records");
  const patients = await seedDemoRecords(deployment, node.client, 1, (line) => step(`  ${line}`));

  console.log(`
Caduceus local stack is up.
  chain           ${RPC_URL} (chain id ${chainId})
  Consortium      ${contracts.consortium.address}
  KeyRegistry     ${contracts.keyRegistry.address}
  RecordRegistry  ${contracts.recordRegistry.address}
  ConsentManager  ${contracts.consentManager.address}
  EmergencyAccess ${contracts.emergencyAccess.address}
  ResearchPool    ${contracts.researchPool.address}
  content store   ${gateway.url} (IPFS trustless gateway: GET /ipfs/{cid}?format=raw|car)
  governance      ${cast.governance}
  demo hospital   ${cast.hospital}
  doctors         ${cast.doctors.join(", ")}
  patients        ${patients.length}, with ${patients.reduce((n, p) => n + p.records, 0)} encrypted records (development accounts 5–${4 + patients.length})
Demo accounts are Hardhat's public development keys: never use them on a real network.`);
  if (checkOnly) {
    await verifyStack(node.client, contracts, cast);
    await verifySeed(node.client, contracts, patients);
    // A well-formed CID the fresh store cannot have: the gateway must answer 404, not fail.
    const probe = await fetch(`${gateway.url}/ipfs/bafkreifzuh7mfhhqsxiybth5uj2ipaaawv624wucvb2sdklvj3lkhfx5bm?format=raw`);
    if (probe.status !== 404) throw new Error(`check: the gateway answered ${probe.status} for a missing block, expected 404`);
    step("check passed: contracts have code, the demo hospital is active with two doctors, every seeded record is on-chain, the gateway answers");
    stop();
    process.exit(0);
  }
  console.log("Press Ctrl-C to stop.");
} catch (error) {
  console.error(`npm start failed: ${error instanceof Error ? error.message : String(error)}`);
  stop();
  process.exit(1);
}
