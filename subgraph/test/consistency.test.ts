// The subgraph manifest against the compiled contracts, and proof that the check catches drift.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { parse } from "yaml";
import { INDEXED_CONTRACTS, SUBGRAPH, artifactPath } from "../../scripts/subgraph/contracts.ts";
import { checkConsistency, eventSignature, type AbiItem, type IgnoredEvents, type Inputs, type Manifest } from "./consistency.ts";

const read = (path: string) => readFileSync(new URL(path, SUBGRAPH), "utf8");
const manifest = parse(read("subgraph.yaml")) as Manifest;
const ignored = JSON.parse(read("ignored-events.json")) as IgnoredEvents;

/** The compiled ABIs, straight from Hardhat's artifacts (not from subgraph/abis/). */
function compiledAbis(): Record<string, AbiItem[]> {
  const abis: Record<string, AbiItem[]> = {};
  for (const c of INDEXED_CONTRACTS) {
    const { path } = artifactPath(c);
    assert.ok(existsSync(path), `${path.pathname} is missing: run \`npm run build\` at the repository root`);
    abis[c.name] = (JSON.parse(readFileSync(path, "utf8")) as { abi: AbiItem[] }).abi;
  }
  return abis;
}

function realInputs(): Inputs {
  const mappingSources: Record<string, string> = {};
  for (const ds of manifest.dataSources) mappingSources[ds.mapping.file] = read(ds.mapping.file);
  return {
    manifest,
    abis: compiledAbis(),
    ignored,
    mappingSources,
    requiredContracts: INDEXED_CONTRACTS.map((c) => c.name),
  };
}

/** A deep copy to doctor. */
const clone = <T>(value: T): T => structuredClone(value);

describe("subgraph.yaml against the compiled contracts", () => {
  it("handles every emitted event or ignores it with a reason, and handles nothing else", () => {
    assert.deepEqual(checkConsistency(realInputs()), []);
  });

  it("ships subgraph/abis/ equal to the compiled ABIs (run `npm run abis --workspace subgraph`)", () => {
    const abis = compiledAbis();
    for (const c of INDEXED_CONTRACTS) {
      assert.deepEqual(JSON.parse(read(`abis/${c.name}.json`)), abis[c.name], `subgraph/abis/${c.name}.json is stale`);
    }
  });

  it("has networks.json entries for every data source on every network", () => {
    const networks = JSON.parse(read("networks.json")) as Record<string, Record<string, { address: string; startBlock: number }>>;
    assert.ok(networks.localhost && networks.sepolia, "localhost and sepolia entries");
    for (const [network, entries] of Object.entries(networks)) {
      for (const ds of manifest.dataSources) {
        const entry = entries[ds.name];
        assert.ok(entry, `networks.json: ${network} has no ${ds.name}`);
        assert.match(entry.address, /^0x[0-9a-fA-F]{40}$/, `networks.json: ${network}.${ds.name}.address`);
        assert.ok(Number.isSafeInteger(entry.startBlock) && entry.startBlock >= 0, `${network}.${ds.name}.startBlock`);
      }
    }
  });
});

describe("checkConsistency catches drift", () => {
  it("reports a handled signature the ABI does not have (a parameter type changed)", () => {
    const inputs = realInputs();
    const doctored = clone(inputs.manifest);
    const handler = doctored.dataSources.find((d) => d.name === "KeyRegistry")!.mapping.eventHandlers![0];
    handler.event = "KeyPublished(indexed address,indexed uint64,bytes32,bytes)";
    assert.deepEqual(checkConsistency({ ...inputs, manifest: doctored }), [
      "KeyRegistry: subgraph.yaml handles KeyPublished(indexed address,indexed uint64,bytes32,bytes), which is not an event of the compiled KeyRegistry ABI",
      "KeyRegistry: the contract emits KeyPublished(indexed address,indexed uint32,bytes32,bytes), which no handler takes and ignored-events.json does not list",
    ]);
  });

  it("reports a wrong `indexed` marker", () => {
    const inputs = realInputs();
    const doctored = clone(inputs.manifest);
    const handlers = doctored.dataSources.find((d) => d.name === "ResearchPool")!.mapping.eventHandlers!;
    const h = handlers.find((x) => x.event.startsWith("StudyFunded("))!;
    h.event = "StudyFunded(uint256,uint256)";
    const problems = checkConsistency({ ...inputs, manifest: doctored });
    assert.ok(problems.some((p) => p.includes("handles StudyFunded(uint256,uint256), which is not an event")), problems.join("\n"));
  });

  it("reports an emitted event with no handler and no ignore entry (a handler removed)", () => {
    const inputs = realInputs();
    const doctored = clone(inputs.manifest);
    const ds = doctored.dataSources.find((d) => d.name === "ConsentManager")!;
    ds.mapping.eventHandlers = ds.mapping.eventHandlers!.filter((h) => !h.event.startsWith("AccessRevoked("));
    assert.deepEqual(checkConsistency({ ...inputs, manifest: doctored }), [
      "ConsentManager: the contract emits AccessRevoked(indexed address,indexed address,uint8,address), which no handler takes and ignored-events.json does not list",
    ]);
  });

  it("reports an event a contract gained (the ABI grew)", () => {
    const inputs = realInputs();
    const abis = clone(inputs.abis);
    abis.RecordRegistry.push({
      type: "event",
      name: "RecordRedacted",
      inputs: [{ type: "bytes32", indexed: true }, { type: "tuple", components: [{ type: "uint48" }, { type: "address[]" }] }],
    });
    assert.deepEqual(checkConsistency({ ...inputs, abis }), [
      "RecordRegistry: the contract emits RecordRedacted(indexed bytes32,(uint48,address[])), which no handler takes and ignored-events.json does not list",
    ]);
  });

  it("reports ignore entries without a reason, for events not emitted, or for handled events", () => {
    const inputs = realInputs();
    const doctored = clone(inputs.ignored);
    doctored.RecordRegistry["EIP712DomainChanged()"] = " ";
    doctored.KeyRegistry = { "KeyRevoked(indexed address)": "gone", "KeyPublished(indexed address,indexed uint32,bytes32,bytes)": "x" };
    assert.deepEqual(checkConsistency({ ...inputs, ignored: doctored }), [
      "KeyRegistry: KeyPublished(indexed address,indexed uint32,bytes32,bytes) is both handled and listed as ignored",
      "KeyRegistry: ignored-events.json lists KeyRevoked(indexed address), which the contract does not emit",
      "RecordRegistry: ignored event EIP712DomainChanged() has no reason",
    ]);
  });

  it("reports a handler the mapping does not export, and a contract without a data source", () => {
    const inputs = realInputs();
    const doctored = clone(inputs.manifest);
    doctored.dataSources.find((d) => d.name === "Consortium")!.mapping.eventHandlers![0].handler = "handleHospitalAdmited";
    doctored.dataSources = doctored.dataSources.filter((d) => d.name !== "EmergencyAccess");
    assert.deepEqual(checkConsistency({ ...inputs, manifest: doctored }), [
      "Consortium: handler handleHospitalAdmited is not exported by ./src/mappings/consortium.ts",
      "ignored-events.json names EmergencyAccess, which has no data source",
      "EmergencyAccess: no data source indexes this contract",
    ]);
  });

  it("writes tuple and array parameters as graph-cli does", () => {
    assert.equal(
      eventSignature({
        type: "event",
        name: "E",
        inputs: [
          { type: "address[]", indexed: true },
          { type: "tuple[]", components: [{ type: "uint8" }, { type: "tuple", components: [{ type: "bytes" }] }] },
        ],
      }),
      "E(indexed address[],(uint8,(bytes))[])",
    );
  });
});
