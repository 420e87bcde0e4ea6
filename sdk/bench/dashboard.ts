/**
 * The query layer's benchmark: one patient with 1,000 records and 10,000 access-log events on a
 * local Hardhat node; how long the RPC backend takes to load the patient's dashboard (records with
 * versions, policies, grants, the first log page with times, emergency, research), from a fresh
 * backend each run (no cached block times). The state is built with the cheapest writes: records
 * in batches of 100 (`registerBatch`), and the log mostly as key deliveries in batches of 100
 * (`deliverKeys`, one event each). The median of `--runs` is written to bench/results.json as
 * `dashboard.rpc.seconds`. Runs alone with `npm run bench:dashboard`, and after the age benchmark
 * in `npm run bench`.
 *
 *   tsx bench/dashboard.ts [--records 1000] [--events 10000] [--runs 5] [--no-write]
 */
import { cpus, loadavg } from "node:os";
import { parseArgs } from "node:util";
import type { Hex } from "viem";
import { policyIdFromLabel, policyTerms, requestAccess, setPolicy } from "../src/access/index.ts";
import { RecordCategory } from "../src/fhir/categories.ts";
import { RpcQueryBackend } from "../src/query/rpc.ts";
import { startLocalChain } from "../test/helpers/local-chain.ts";
import { deliverFakeKeys, fakeRecord } from "../test/query/fixtures.ts";
import { median } from "./measure.ts";
import { mergeResults } from "./results.ts";

const BATCH = 100;
const { values: opts } = parseArgs({
  options: {
    records: { type: "string", default: "1000" },
    events: { type: "string", default: "10000" },
    runs: { type: "string", default: "5" },
    "no-write": { type: "boolean", default: false },
  },
});
const recordCount = Number(opts.records);
const eventCount = Number(opts.events);
const runs = Number(opts.runs);
for (const [name, value, least] of [
  ["records", recordCount, 1],
  ["events", eventCount, 3],
  ["runs", runs, 1],
] as const) {
  if (!Number.isInteger(value) || value < least) {
    console.error(`bench: --${name} must be a whole number ≥ ${least}`);
    process.exit(1);
  }
}

const started = performance.now();
const log = (message: string) =>
  console.log(`[${((performance.now() - started) / 1000).toFixed(1).padStart(6)} s] ${message}`);

const lc = await startLocalChain();
try {
  const patient = lc.accounts.patient.address;
  const doctor = lc.accounts.doctor.address;
  const hospital = lc.as(lc.accounts.hospital);
  const asPatient = lc.as(lc.accounts.patient);

  log(`registering ${recordCount} records in batches of ${BATCH}…`);
  const categories = Object.values(RecordCategory);
  const recordIds: Hex[] = [];
  for (let i = 0; i < recordCount; i += BATCH) {
    const batch = Array.from({ length: Math.min(BATCH, recordCount - i) }, (_, j) =>
      fakeRecord(patient, categories[(i + j) % categories.length]),
    );
    recordIds.push(...(await hospital.registerBatch(batch)));
  }

  // The log: a policy, a granted request, then key deliveries up to `eventCount` entries.
  log(
    `writing ${eventCount} access-log events (policy, request, ${eventCount - 2} key deliveries in batches of ${BATCH})…`,
  );
  const now = Number((await lc.publicClient.getBlock()).timestamp);
  const policyId = policyIdFromLabel("bench-care");
  await setPolicy(
    asPatient,
    policyId,
    policyTerms({ grantee: doctor, purposes: ["TREAT"], validUntil: now + 30 * 86_400 }, now),
  );
  await requestAccess(lc.as(lc.accounts.doctor), { patient, policyId, purpose: "TREAT" });
  for (let sent = 0, deliveries = eventCount - 2; sent < deliveries; sent += BATCH) {
    const ids = Array.from(
      { length: Math.min(BATCH, deliveries - sent) },
      (_, j) => recordIds[(sent + j) % recordIds.length],
    );
    await deliverFakeKeys(asPatient, patient, doctor, "TREAT", ids);
  }
  const blocks = Number(await lc.publicClient.getBlockNumber()) + 1;
  log(`state ready: ${blocks} blocks`);

  const seconds: number[] = [];
  let counts: Record<string, number> = {};
  for (let i = 0; i < runs; i++) {
    const backend = new RpcQueryBackend(lc.deployment, lc.publicClient);
    const t0 = performance.now();
    const dashboard = await backend.dashboard(patient);
    seconds.push((performance.now() - t0) / 1000);
    counts = dashboard.counts;
    if (dashboard.counts.records !== recordCount || dashboard.counts.accessEvents !== eventCount) {
      throw new Error(
        `the dashboard shows ${JSON.stringify(dashboard.counts)}, expected ${recordCount} records and ${eventCount} events`,
      );
    }
    log(`run ${i + 1}/${runs}: ${seconds[i].toFixed(3)} s`);
  }
  const round3 = (x: number) => Math.round(x * 1000) / 1000;
  const result = {
    date: new Date().toISOString(),
    what: "RpcQueryBackend.dashboard(patient) from a fresh backend: records + versions, policies, grants, first 20 log entries with block times, emergency, research; getLogs over HTTP to a local Hardhat node",
    records: recordCount,
    accessEvents: eventCount,
    blocks,
    runs,
    rpc: { seconds: round3(median(seconds)), runsSeconds: seconds.map(round3), counts },
    machine: {
      cpuModel: cpus()[0]?.model ?? "unknown",
      cores: cpus().length,
      node: process.version,
      loadAverageAtStart: loadavg().map((v) => Math.round(v * 100) / 100),
    },
  };
  console.log(
    `\ndashboard.rpc.seconds = ${result.rpc.seconds} (median of ${runs}; ${recordCount} records, ${eventCount} access events)`,
  );
  if (!opts["no-write"]) log(`wrote dashboard to ${await mergeResults({ dashboard: result })}`);
} finally {
  await lc.stop();
}
process.exit(0);
