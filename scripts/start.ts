/**
 * `npm start`: the whole local stack in one command. Starts a Hardhat node on 127.0.0.1:8545,
 * deploys every contract with Ignition, admits two demo hospitals with their doctors and verifies a
 * researcher, starts the local content store (an IPFS trustless gateway on 127.0.0.1:8180), writes
 * `deployments/31337.json`, seeds through the client library (the fixture patients' encrypted
 * records, a grant with keys delivered, an emergency configuration, a partly funded study) and
 * starts the web app's dev server. Every start is fresh — a new chain, an empty store — so it can be
 * stopped and started again without cleanup. Ctrl-C stops everything.
 *
 *   npm start              run until Ctrl-C; writes the start time to bench/results.json (stack.startSeconds)
 *   npm start -- --check   bring everything up, verify it, shut down (used by the tests)
 *   npm start -- --no-bench  run until stopped without recording the start time (npm run screenshots)
 */
import { mkdir, rm } from "node:fs/promises";
import { cpus, loadavg } from "node:os";
import { startGateway } from "@caduceus/sdk/storage/node/gateway-server";
import { mergeResults } from "../sdk/bench/results.ts";
import { demoAccounts, DEMO, formatTable } from "./stack/accounts.js";
import { run, startHardhatNode, stopProcessGroup, RPC_URL } from "./stack/chain.js";
import { deployContracts, setUpDemoConsortium, verifyStack, writeDeployment } from "./stack/deploy.js";
import { seedScenarios, verifyScenarios } from "./stack/scenarios.js";
import { seedDemoRecords, verifySeed } from "./stack/seed.js";
import { assertPortFree, isPortFree, portOwner } from "./stack/ports.js";
import { startWebApp, verifyWebApp, WEB_PORT, type WebApp } from "./stack/web.js";

const checkOnly = process.argv.includes("--check");
const recordTime = !process.argv.includes("--no-bench");
const STATE_DIR = ".caduceus";
const GATEWAY_PORT = 8180;
/** Seconds since this process started (the tsx start-up included). */
const elapsed = () => process.uptime();
const step = (message: string) => console.log(`[${elapsed().toFixed(1)}s] ${message}`);
const loadAtStart = loadavg();

await mkdir(STATE_DIR, { recursive: true });
// A taken port is refused before anything starts, naming the process that holds it (8545 is checked
// by startHardhatNode, which also stops a node an earlier start left behind).
try {
  await assertPortFree(GATEWAY_PORT, "the content store");
} catch (error) {
  console.error(`npm start failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
if (!(await isPortFree(WEB_PORT))) {
  step(`port ${WEB_PORT} is taken by ${(await portOwner(WEB_PORT)) ?? "another process"}: the web app takes the next free port`);
}
step(`compiling contracts and starting a Hardhat node on ${RPC_URL} (log: ${STATE_DIR}/node.log)`);
const [started, built] = await Promise.allSettled([
  startHardhatNode(`${STATE_DIR}/node.log`),
  run("npx", ["hardhat", "build", "--quiet"]),
]);
if (started.status === "rejected" || built.status === "rejected") {
  if (started.status === "fulfilled") stopProcessGroup(started.value.process);
  const failed = [started, built].find((r) => r.status === "rejected") as PromiseRejectedResult;
  console.error(`npm start failed: ${failed.reason instanceof Error ? failed.reason.message : String(failed.reason)}`);
  process.exit(1);
}
const node = started.value;
// The chain starts empty, so blocks stored by a previous run belong to records that no longer exist.
await rm(`${STATE_DIR}/blocks`, { recursive: true, force: true });
step(`starting the content store gateway on http://127.0.0.1:${GATEWAY_PORT} (blocks: ${STATE_DIR}/blocks)`);
const gateway = await startGateway({ dir: `${STATE_DIR}/blocks`, port: GATEWAY_PORT }).catch((error: unknown) => {
  stopProcessGroup(node.process);
  throw new Error(`the content store could not start on port ${GATEWAY_PORT}: ${String(error)}`);
});
let web: WebApp | undefined;
const stop = async () => {
  stopProcessGroup(node.process);
  await Promise.allSettled([gateway.close(), web?.close()]);
};
let stopping = false;
const exitOn = (signal: NodeJS.Signals) =>
  process.on(signal, () => {
    if (stopping) return; // a second signal (a wrapper passing it on) while stopping
    stopping = true;
    if (signal === "SIGINT") console.log("\nstopping…");
    void stop().then(() => process.exit(0));
  });
exitOn("SIGINT");
exitOn("SIGTERM");

try {
  const chainId = await node.client.getChainId();
  step("deploying contracts with Ignition");
  const contracts = await deployContracts();
  step("admitting two demo hospitals with their doctors, verifying the demo researcher");
  const cast = await setUpDemoConsortium(node.client, contracts);
  const deployment = { chainId, rpcUrl: RPC_URL, contracts, services: { gateway: gateway.url } };
  step(`wrote ${await writeDeployment(deployment)}`);
  step("seeding demo patients: encrypting their FHIR bundles, storing and registering the records");
  const patients = await seedDemoRecords(deployment, node.client, (line) => step(`  ${line}`));
  step("seeding a grant, an emergency configuration and a study through the client library");
  const scenarios = await seedScenarios(deployment, node.client, patients, (line) => step(`  ${line}`));
  step("starting the web app (Vite dev server)");
  web = await startWebApp();
  await writeDeployment({ ...deployment, services: { ...deployment.services, web: web.url } });
  const startSeconds = Math.round(elapsed() * 10) / 10;

  const notes: Record<number, string> = {
    [DEMO.governance]: "admits hospitals, verifies researchers",
    [DEMO.doctors[0]]: "reads patient 1 (TREAT grant, keys delivered)",
    [DEMO.doctors[1]]: "emergency request for patient 2, 1 of 2 approvals",
    [DEMO.firstPatient]: "care-team policy for doctor 1",
    [DEMO.firstPatient + 1]: "3 emergency contacts, threshold 2",
    ...Object.fromEntries(DEMO.contacts.map((index, i) => [index, i === 0 ? "of patient 2; approved doctor 2" : "of patient 2; doctor 2 waits"])),
    [DEMO.researcher]: `verified; study #${scenarios.study.studyId}`,
    ...Object.fromEntries(DEMO.donors.map((index) => [index, `funded study #${scenarios.study.studyId}`])),
  };
  patients.forEach(({ records }, i) => {
    const extra = notes[DEMO.firstPatient + i];
    notes[DEMO.firstPatient + i] = `${records} records${extra ? `; ${extra}` : ""}`;
  });
  const accounts = demoAccounts(patients.length, notes);
  console.log(`
Caduceus local stack is up (ready in ${startSeconds} s).
  web app         ${web.url}
  chain           ${RPC_URL} (chain id ${chainId})
  content store   ${gateway.url} (IPFS trustless gateway: GET /ipfs/{cid}?format=raw|car)
  Consortium      ${contracts.consortium.address}
  KeyRegistry     ${contracts.keyRegistry.address}
  RecordRegistry  ${contracts.recordRegistry.address}
  ConsentManager  ${contracts.consentManager.address}
  EmergencyAccess ${contracts.emergencyAccess.address}
  ResearchPool    ${contracts.researchPool.address}
  hospitals       ${cast.hospitals.map((h) => `${h.name} (${h.staff.length} staff)`).join(", ")}
  patients        ${patients.length}, with ${patients.reduce((n, p) => n + p.records, 0)} encrypted records
  grant           patient 1 → doctor 1 for TREAT, ${scenarios.grant.delivered} record keys delivered
  emergency       patient 2: ${scenarios.emergency.contacts.length} contacts, threshold ${scenarios.emergency.threshold}; doctor 2's request open with ${scenarios.emergency.approvals} approval
  study           #${scenarios.study.studyId}, ${scenarios.study.percentFunded}% funded

Demo accounts — Hardhat's public development keys: import one into MetaMask (network: ${RPC_URL},
chain id ${chainId}) to act in that role. Never use these keys on a real network.
${formatTable(
  ["role", "address", "private key", "seeded"],
  accounts.map((a) => [a.role, a.address, a.privateKey, a.note]),
)}`);

  if (checkOnly) {
    await verifyStack(node.client, contracts, cast);
    await verifySeed(node.client, contracts, patients);
    await verifyScenarios(deployment, node.client, scenarios);
    await verifyWebApp(web.url, deployment);
    // A well-formed CID the fresh store cannot have: the gateway must answer 404, not fail.
    const probe = await fetch(`${gateway.url}/ipfs/bafkreifzuh7mfhhqsxiybth5uj2ipaaawv624wucvb2sdklvj3lkhfx5bm?format=raw`);
    if (probe.status !== 404) throw new Error(`check: the gateway answered ${probe.status} for a missing block, expected 404`);
    step(
      "check passed: contracts have code, both hospitals are active with their staff, every seeded record is on-chain, " +
        "the grant is in force with every key delivered, the emergency configuration is in force with an open request, the study is partly funded, " +
        "the web app serves the deployment, the gateway answers",
    );
    await stop();
    process.exit(0);
  }
  if (recordTime) {
    const file = await mergeResults({
      stack: {
        startSeconds,
        what: "npm start until the stack is ready: compile (cached), Hardhat node, Ignition deploy, consortium, six patients' records, grant, emergency contacts, study, web dev server",
        date: new Date().toISOString(),
        machine: { cores: cpus().length, node: process.version, loadAverageAtStart: loadAtStart.map((v) => Math.round(v * 100) / 100) },
      },
    });
    console.log(`\nReady in ${startSeconds} s (written to ${file} as stack.startSeconds).`);
  }
  console.log("Press Ctrl-C to stop.");
} catch (error) {
  console.error(`npm start failed: ${error instanceof Error ? error.message : String(error)}`);
  await stop();
  process.exit(1);
}
