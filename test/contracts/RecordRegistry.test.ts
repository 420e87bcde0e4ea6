import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { network } from "hardhat";
import { getAddress, parseEventLogs, type ContractErrorName } from "viem";
import { recordRegistryAbi } from "@caduceus/sdk/chain/abis";
import { deployCaduceus } from "../helpers/deploy.js";
import {
  binaryCid,
  Category,
  CODEC_DAG_PB,
  CODEC_RAW,
  ENVELOPE_BYTES,
  newRecord,
  seededBytes,
  ZERO_BYTES32,
  type NewRecord,
} from "../helpers/records.js";

const connection = await network.create();
const { viem, networkHelpers } = connection;

async function registryFixture() {
  return deployCaduceus(connection);
}

type Fixture = Awaited<ReturnType<typeof registryFixture>>;

/** Registers `record` as `c.hospital` and returns the transaction's `RecordRegistered` event. */
async function registerAsHospital(c: Fixture, record: NewRecord) {
  const hash = await c.recordRegistry.write.register([record], { account: c.hospital.account });
  const receipt = await c.publicClient.waitForTransactionReceipt({ hash });
  const [event] = parseEventLogs({ abi: c.recordRegistry.abi, logs: receipt.logs, eventName: "RecordRegistered" });
  return event.args;
}

describe("RecordRegistry", () => {
  describe("register", () => {
    it("emits RecordRegistered with the full CID and envelope and stores the record in one slot", async () => {
      const c = await networkHelpers.loadFixture(registryFixture);
      const patient = getAddress(c.patient.account.address);
      const record = newRecord(patient, "visit-1", { category: Category.Visit });

      await viem.assertions.emitWithArgs(
        c.recordRegistry.write.register([record], { account: c.hospital.account }),
        c.recordRegistry,
        "RecordRegistered",
        [record.cidDigest, patient, c.hospital.account.address, 1, binaryCid(record), record.cidDigest, Category.Visit, ZERO_BYTES32, record.envelope],
      );

      const stored = await c.recordRegistry.read.getRecord([record.cidDigest]);
      const block = await c.publicClient.getBlock();
      assert.equal(stored.patient, patient);
      assert.equal(stored.provider, getAddress(c.hospital.account.address));
      assert.equal(stored.hospitalId, 1);
      assert.equal(stored.registeredAt, Number(block.timestamp));
      assert.equal(stored.category, Category.Visit);
      assert.equal(stored.cidCodec, CODEC_RAW);
      assert.equal(stored.patientAuthored, false);
      assert.equal(stored.superseded, false);
      assert.equal(stored.contentDigest, record.cidDigest, "a raw CID's digest is the content digest");
      assert.equal(stored.previousVersion, ZERO_BYTES32);
      assert.equal(stored.nextVersion, ZERO_BYTES32);
      assert.equal(await c.recordRegistry.read.exists([record.cidDigest]), true);
      assert.equal(await c.recordRegistry.read.recordCount([patient]), 1n);
      assert.deepEqual(await c.recordRegistry.read.records([patient, 0n, 10n]), [record.cidDigest]);
    });

    it("stores the separate content digest of a dag-pb (multi-block) record", async () => {
      const c = await networkHelpers.loadFixture(registryFixture);
      const record = newRecord(c.patient.account.address, "imaging", { codec: CODEC_DAG_PB, category: Category.Imaging });
      const event = await registerAsHospital(c, record);
      assert.equal(event.cid, binaryCid(record));
      assert.equal(event.contentDigest, record.contentDigest);
      const stored = await c.recordRegistry.read.getRecord([record.cidDigest]);
      assert.equal(stored.cidCodec, CODEC_DAG_PB);
      assert.equal(stored.contentDigest, record.contentDigest);
    });

    it("accepts a raw record whose content digest repeats the CID digest", async () => {
      const c = await networkHelpers.loadFixture(registryFixture);
      const record = newRecord(c.patient.account.address, "explicit");
      const event = await registerAsHospital(c, { ...record, contentDigest: record.cidDigest });
      assert.equal(event.contentDigest, record.cidDigest);
    });

    it("accepts an envelope of the maximum size and a hybrid (X-Wing) envelope", async () => {
      const c = await networkHelpers.loadFixture(registryFixture);
      const patient = getAddress(c.patient.account.address);
      const max = Number(await c.recordRegistry.read.MAX_ENVELOPE());
      const xwing = await registerAsHospital(c, newRecord(patient, "xwing", { envelopeBytes: ENVELOPE_BYTES.xwing }));
      assert.equal((xwing.envelope.length - 2) / 2, ENVELOPE_BYTES.xwing);
      const largest = await registerAsHospital(c, newRecord(patient, "max", { envelopeBytes: max }));
      assert.equal((largest.envelope.length - 2) / 2, max);
    });

    const invalid: Array<[string, (r: NewRecord) => NewRecord, ContractErrorName<typeof recordRegistryAbi>, (r: NewRecord) => unknown[]]> = [
      ["the patient is the zero address", (r) => ({ ...r, patient: "0x0000000000000000000000000000000000000000" }), "RecordRegistryZeroPatient", () => []],
      ["the CID digest is empty", (r) => ({ ...r, cidDigest: ZERO_BYTES32 }), "RecordRegistryEmptyCid", () => []],
      ["the category is unknown", (r) => ({ ...r, category: 7 }), "RecordRegistryUnknownCategory", () => [7]],
      ["the codec is neither raw nor dag-pb", (r) => ({ ...r, cidCodec: 0x71 }), "RecordRegistryUnsupportedCodec", () => [0x71]],
      ["a dag-pb record has no content digest", (r) => ({ ...r, cidCodec: CODEC_DAG_PB, contentDigest: ZERO_BYTES32 }), "RecordRegistryMissingContentDigest", (r) => [r.cidDigest]],
      ["a raw record has another content digest", (r) => ({ ...r, contentDigest: seededBytes("other", 32) }), "RecordRegistryUnexpectedContentDigest", (r) => [r.cidDigest, seededBytes("other", 32)]],
      ["the envelope is empty", (r) => ({ ...r, envelope: "0x" }), "RecordRegistryInvalidEnvelope", () => [0n, 2048n]],
      ["the envelope is too long", (r) => ({ ...r, envelope: seededBytes("long", 2049) }), "RecordRegistryInvalidEnvelope", () => [2049n, 2048n]],
    ];
    for (const [when, mutate, error, args] of invalid) {
      it(`reverts when ${when}`, async () => {
        const c = await networkHelpers.loadFixture(registryFixture);
        const record = mutate(newRecord(c.patient.account.address, "bad"));
        await viem.assertions.revertWithCustomErrorWithArgs(
          c.recordRegistry.write.register([record], { account: c.hospital.account }),
          c.recordRegistry,
          error,
          args(record) as never, // table-driven: the row pairs each error with its own arguments
        );
        assert.equal(await c.recordRegistry.read.recordCount([c.patient.account.address]), 0n);
      });
    }

    it("reverts for the same ciphertext twice, also from another hospital", async () => {
      const c = await networkHelpers.loadFixture(registryFixture);
      const record = newRecord(c.patient.account.address, "dup");
      await registerAsHospital(c, record);
      for (const account of [c.hospital.account, c.otherHospital.account]) {
        await viem.assertions.revertWithCustomErrorWithArgs(
          c.recordRegistry.write.register([{ ...record, category: Category.Other }], { account }),
          c.recordRegistry,
          "RecordRegistryDuplicateRecord",
          [record.cidDigest],
        );
      }
      assert.equal((await c.recordRegistry.read.getRecord([record.cidDigest])).category, Category.Lab, "unchanged");
    });

    it("reverts for an unknown hospital, a doctor and a suspended hospital", async () => {
      const c = await networkHelpers.loadFixture(registryFixture);
      const record = newRecord(c.patient.account.address, "who");
      for (const who of [c.stranger, c.doctor, c.patient]) {
        await viem.assertions.revertWithCustomErrorWithArgs(
          c.recordRegistry.write.register([record], { account: who.account }),
          c.recordRegistry,
          "RecordRegistryUnknownHospital",
          [who.account.address],
        );
      }
      await c.consortium.write.suspendHospital([c.hospital.account.address]);
      await viem.assertions.revertWithCustomErrorWithArgs(
        c.recordRegistry.write.register([record], { account: c.hospital.account }),
        c.recordRegistry,
        "RecordRegistryHospitalSuspended",
        [c.hospital.account.address, 1],
      );
      await c.consortium.write.reinstateHospital([c.hospital.account.address]);
      await registerAsHospital(c, record);
    });
  });

  describe("registerBatch", () => {
    it("registers every record and emits one event each, in order", async () => {
      const c = await networkHelpers.loadFixture(registryFixture);
      const patient = getAddress(c.patient.account.address);
      const batch = Array.from({ length: 5 }, (_, i) => newRecord(i % 2 ? patient : getAddress(c.otherPatient.account.address), `b${i}`));
      const hash = await c.recordRegistry.write.registerBatch([batch], { account: c.hospital.account });
      const receipt = await c.publicClient.waitForTransactionReceipt({ hash });
      const events = parseEventLogs({ abi: c.recordRegistry.abi, logs: receipt.logs, eventName: "RecordRegistered" });
      assert.deepEqual(events.map((e) => e.args.recordId), batch.map((r) => r.cidDigest));
      assert.deepEqual(events.map((e) => e.args.patient), batch.map((r) => r.patient));
      assert.equal(await c.recordRegistry.read.recordCount([patient]), 2n);
      assert.equal(await c.recordRegistry.read.recordCount([c.otherPatient.account.address]), 3n);
      assert.deepEqual(await c.recordRegistry.read.records([patient, 0n, 100n]), [batch[1].cidDigest, batch[3].cidDigest]);
    });

    it("is all or nothing: a bad record at any position stores none", async () => {
      const c = await networkHelpers.loadFixture(registryFixture);
      const patient = getAddress(c.patient.account.address);
      const batch = Array.from({ length: 4 }, (_, i) => newRecord(patient, `atomic${i}`));
      batch[2] = { ...batch[2], category: 9 };
      await viem.assertions.revertWithCustomErrorWithArgs(
        c.recordRegistry.write.registerBatch([batch], { account: c.hospital.account }),
        c.recordRegistry,
        "RecordRegistryUnknownCategory",
        [9],
      );
      assert.equal(await c.recordRegistry.read.recordCount([patient]), 0n);
      assert.equal(await c.recordRegistry.read.exists([batch[0].cidDigest]), false);
    });

    it("reverts on a duplicate inside one batch", async () => {
      const c = await networkHelpers.loadFixture(registryFixture);
      const record = newRecord(c.patient.account.address, "twice");
      await viem.assertions.revertWithCustomErrorWithArgs(
        c.recordRegistry.write.registerBatch([[record, record]], { account: c.hospital.account }),
        c.recordRegistry,
        "RecordRegistryDuplicateRecord",
        [record.cidDigest],
      );
    });

    it("reverts for an empty batch and for more than MAX_BATCH records", async () => {
      const c = await networkHelpers.loadFixture(registryFixture);
      const max = await c.recordRegistry.read.MAX_BATCH();
      await viem.assertions.revertWithCustomErrorWithArgs(
        c.recordRegistry.write.registerBatch([[]], { account: c.hospital.account }),
        c.recordRegistry,
        "RecordRegistryInvalidBatchSize",
        [0n, max],
      );
      const tooMany = Array.from({ length: Number(max) + 1 }, (_, i) => newRecord(c.patient.account.address, `many${i}`));
      await viem.assertions.revertWithCustomErrorWithArgs(
        c.recordRegistry.write.registerBatch([tooMany], { account: c.hospital.account }),
        c.recordRegistry,
        "RecordRegistryInvalidBatchSize",
        [max + 1n, max],
      );
    });

    it("reverts for a suspended hospital", async () => {
      const c = await networkHelpers.loadFixture(registryFixture);
      await c.consortium.write.suspendHospital([c.hospital.account.address]);
      await viem.assertions.revertWithCustomErrorWithArgs(
        c.recordRegistry.write.registerBatch([[newRecord(c.patient.account.address, "s")]], { account: c.hospital.account }),
        c.recordRegistry,
        "RecordRegistryHospitalSuspended",
        [c.hospital.account.address, 1],
      );
    });
  });

  describe("registerOwn", () => {
    it("registers a patient-authored record with the patient as provider and hospital id 0", async () => {
      const c = await networkHelpers.loadFixture(registryFixture);
      const patient = getAddress(c.patient.account.address);
      const record = newRecord(patient, "diary", { category: Category.Document });
      await viem.assertions.emitWithArgs(
        c.recordRegistry.write.registerOwn([record], { account: c.patient.account }),
        c.recordRegistry,
        "RecordRegistered",
        [record.cidDigest, patient, patient, 0, binaryCid(record), record.cidDigest, Category.Document, ZERO_BYTES32, record.envelope],
      );
      const stored = await c.recordRegistry.read.getRecord([record.cidDigest]);
      assert.equal(stored.patientAuthored, true);
      assert.equal(stored.provider, patient);
      assert.equal(stored.hospitalId, 0);
    });

    it("reverts when the caller registers for someone else", async () => {
      const c = await networkHelpers.loadFixture(registryFixture);
      const record = newRecord(c.otherPatient.account.address, "not-mine");
      await viem.assertions.revertWithCustomErrorWithArgs(
        c.recordRegistry.write.registerOwn([record], { account: c.patient.account }),
        c.recordRegistry,
        "RecordRegistryNotPatient",
        [c.patient.account.address, c.otherPatient.account.address],
      );
    });
  });

  describe("amend", () => {
    it("registers a new version that supersedes the old one, which stays readable", async () => {
      const c = await networkHelpers.loadFixture(registryFixture);
      const patient = getAddress(c.patient.account.address);
      const v1 = newRecord(patient, "lab-v1");
      const v2 = newRecord(patient, "lab-v2");
      await registerAsHospital(c, v1);
      const before = await c.recordRegistry.read.getRecord([v1.cidDigest]);

      await viem.assertions.emitWithArgs(
        c.recordRegistry.write.amend([v1.cidDigest, v2], { account: c.hospital.account }),
        c.recordRegistry,
        "RecordRegistered",
        [v2.cidDigest, patient, c.hospital.account.address, 1, binaryCid(v2), v2.cidDigest, v2.category, v1.cidDigest, v2.envelope],
      );
      const old = await c.recordRegistry.read.getRecord([v1.cidDigest]);
      assert.deepEqual({ ...old, superseded: false, nextVersion: ZERO_BYTES32 }, before, "only the version links changed");
      assert.equal(old.superseded, true);
      assert.equal(old.nextVersion, v2.cidDigest);
      const current = await c.recordRegistry.read.getRecord([v2.cidDigest]);
      assert.equal(current.previousVersion, v1.cidDigest);
      assert.equal(current.superseded, false);
      assert.deepEqual(await c.recordRegistry.read.versionHistory([v2.cidDigest, 10n]), [v2.cidDigest, v1.cidDigest]);
      assert.equal(await c.recordRegistry.read.recordCount([patient]), 2n);
    });

    it("lets the patient amend their own record, and nobody else", async () => {
      const c = await networkHelpers.loadFixture(registryFixture);
      const patient = getAddress(c.patient.account.address);
      const v1 = newRecord(patient, "own-v1");
      await c.recordRegistry.write.registerOwn([v1], { account: c.patient.account });
      await viem.assertions.revertWithCustomErrorWithArgs(
        c.recordRegistry.write.amend([v1.cidDigest, newRecord(patient, "own-x")], { account: c.hospital.account }),
        c.recordRegistry,
        "RecordRegistryNotAuthor",
        [c.hospital.account.address, v1.cidDigest],
      );
      const v2 = newRecord(patient, "own-v2");
      await c.recordRegistry.write.amend([v1.cidDigest, v2], { account: c.patient.account });
      const stored = await c.recordRegistry.read.getRecord([v2.cidDigest]);
      assert.equal(stored.patientAuthored, true);
      assert.equal(stored.previousVersion, v1.cidDigest);
    });

    it("reverts for anyone but the original hospital: another hospital, its doctor, the patient", async () => {
      const c = await networkHelpers.loadFixture(registryFixture);
      const patient = getAddress(c.patient.account.address);
      const v1 = newRecord(patient, "h-v1");
      await registerAsHospital(c, v1);
      for (const who of [c.otherHospital, c.doctor, c.patient]) {
        await viem.assertions.revertWithCustomErrorWithArgs(
          c.recordRegistry.write.amend([v1.cidDigest, newRecord(patient, "h-x")], { account: who.account }),
          c.recordRegistry,
          "RecordRegistryNotAuthor",
          [who.account.address, v1.cidDigest],
        );
      }
    });

    it("reverts for an unknown record, a superseded record and another patient", async () => {
      const c = await networkHelpers.loadFixture(registryFixture);
      const patient = getAddress(c.patient.account.address);
      const v1 = newRecord(patient, "s-v1");
      const v2 = newRecord(patient, "s-v2");
      const missing = seededBytes("missing", 32);
      await viem.assertions.revertWithCustomErrorWithArgs(
        c.recordRegistry.write.amend([missing, v2], { account: c.hospital.account }),
        c.recordRegistry,
        "RecordRegistryUnknownRecord",
        [missing],
      );
      await registerAsHospital(c, v1);
      await viem.assertions.revertWithCustomErrorWithArgs(
        c.recordRegistry.write.amend([v1.cidDigest, newRecord(c.otherPatient.account.address, "s-o")], { account: c.hospital.account }),
        c.recordRegistry,
        "RecordRegistryPatientMismatch",
        [patient, c.otherPatient.account.address],
      );
      await c.recordRegistry.write.amend([v1.cidDigest, v2], { account: c.hospital.account });
      await viem.assertions.revertWithCustomErrorWithArgs(
        c.recordRegistry.write.amend([v1.cidDigest, newRecord(patient, "s-v3")], { account: c.hospital.account }),
        c.recordRegistry,
        "RecordRegistryRecordSuperseded",
        [v1.cidDigest, v2.cidDigest],
      );
    });

    it("reverts while the original hospital is suspended", async () => {
      const c = await networkHelpers.loadFixture(registryFixture);
      const v1 = newRecord(c.patient.account.address, "susp-v1");
      await registerAsHospital(c, v1);
      await c.consortium.write.suspendHospital([c.hospital.account.address]);
      await viem.assertions.revertWithCustomErrorWithArgs(
        c.recordRegistry.write.amend([v1.cidDigest, newRecord(c.patient.account.address, "susp-v2")], { account: c.hospital.account }),
        c.recordRegistry,
        "RecordRegistryHospitalSuspended",
        [c.hospital.account.address, 1],
      );
    });
  });

  describe("postAudit", () => {
    it("stores the last audit and emits RecordAudited", async () => {
      const c = await networkHelpers.loadFixture(registryFixture);
      const record = newRecord(c.patient.account.address, "audited");
      await registerAsHospital(c, record);
      assert.equal((await c.recordRegistry.read.lastAudit([record.cidDigest])).auditedAt, 0);
      for (const outcome of [0, 2]) {
        await viem.assertions.emitWithArgs(
          c.recordRegistry.write.postAudit([record.cidDigest, outcome, "0x0155"], { account: c.auditor.account }),
          c.recordRegistry,
          "RecordAudited",
          [record.cidDigest, c.auditor.account.address, outcome, "0x0155"],
        );
        const audit = await c.recordRegistry.read.lastAudit([record.cidDigest]);
        assert.equal(audit.auditor, getAddress(c.auditor.account.address));
        assert.equal(audit.outcome, outcome);
        assert.equal(audit.auditedAt, Number((await c.publicClient.getBlock()).timestamp));
      }
    });

    it("reverts for a non-auditor and for an unknown record", async () => {
      const c = await networkHelpers.loadFixture(registryFixture);
      const record = newRecord(c.patient.account.address, "a");
      await registerAsHospital(c, record);
      for (const who of [c.hospital, c.governance, c.stranger]) {
        await viem.assertions.revertWithCustomErrorWithArgs(
          c.recordRegistry.write.postAudit([record.cidDigest, 0, "0x"], { account: who.account }),
          c.recordRegistry,
          "RecordRegistryNotAuditor",
          [who.account.address],
        );
      }
      const missing = seededBytes("no-record", 32);
      await viem.assertions.revertWithCustomErrorWithArgs(
        c.recordRegistry.write.postAudit([missing, 1, "0x"], { account: c.auditor.account }),
        c.recordRegistry,
        "RecordRegistryUnknownRecord",
        [missing],
      );
    });
  });

  describe("views", () => {
    it("pages a patient's records and rejects page sizes of 0 and above 100", async () => {
      const c = await networkHelpers.loadFixture(registryFixture);
      const patient = getAddress(c.patient.account.address);
      const batch = Array.from({ length: 7 }, (_, i) => newRecord(patient, `p${i}`));
      await c.recordRegistry.write.registerBatch([batch], { account: c.hospital.account });
      const ids = batch.map((r) => r.cidDigest);
      assert.deepEqual(await c.recordRegistry.read.records([patient, 0n, 3n]), ids.slice(0, 3));
      assert.deepEqual(await c.recordRegistry.read.records([patient, 3n, 3n]), ids.slice(3, 6));
      assert.deepEqual(await c.recordRegistry.read.records([patient, 6n, 3n]), ids.slice(6));
      assert.deepEqual(await c.recordRegistry.read.records([patient, 7n, 3n]), []);
      assert.deepEqual(await c.recordRegistry.read.records([patient, 2n ** 255n, 100n]), []);
      for (const limit of [0n, 101n]) {
        await viem.assertions.revertWithCustomErrorWithArgs(
          c.recordRegistry.read.records([patient, 0n, limit]),
          c.recordRegistry,
          "RecordRegistryInvalidPageSize",
          [limit],
        );
        await viem.assertions.revertWithCustomErrorWithArgs(
          c.recordRegistry.read.versionHistory([ids[0], limit]),
          c.recordRegistry,
          "RecordRegistryInvalidPageSize",
          [limit],
        );
      }
    });

    it("walks version history newest first, up to the limit", async () => {
      const c = await networkHelpers.loadFixture(registryFixture);
      const patient = getAddress(c.patient.account.address);
      const versions = Array.from({ length: 4 }, (_, i) => newRecord(patient, `v${i}`));
      await registerAsHospital(c, versions[0]);
      for (let i = 1; i < versions.length; i++) {
        await c.recordRegistry.write.amend([versions[i - 1].cidDigest, versions[i]], { account: c.hospital.account });
      }
      const ids = versions.map((v) => v.cidDigest).reverse();
      assert.deepEqual(await c.recordRegistry.read.versionHistory([ids[0], 100n]), ids);
      assert.deepEqual(await c.recordRegistry.read.versionHistory([ids[0], 2n]), ids.slice(0, 2));
      assert.deepEqual(await c.recordRegistry.read.versionHistory([ids[2], 100n]), ids.slice(2));
    });

    it("reverts getRecord and versionHistory for an unknown id", async () => {
      const c = await networkHelpers.loadFixture(registryFixture);
      const missing = seededBytes("nothing", 32);
      assert.equal(await c.recordRegistry.read.exists([missing]), false);
      await viem.assertions.revertWithCustomErrorWithArgs(c.recordRegistry.read.getRecord([missing]), c.recordRegistry, "RecordRegistryUnknownRecord", [missing]);
      await viem.assertions.revertWithCustomErrorWithArgs(
        c.recordRegistry.read.versionHistory([missing, 1n]),
        c.recordRegistry,
        "RecordRegistryUnknownRecord",
        [missing],
      );
    });
  });

  describe("privacy", () => {
    it("puts only pointers on-chain: the calldata and event hold the patient address, digests, a category and opaque bytes", async () => {
      const c = await networkHelpers.loadFixture(registryFixture);
      const record = newRecord(c.patient.account.address, "private");
      const hash = await c.recordRegistry.write.register([record], { account: c.hospital.account });
      const tx = await c.publicClient.getTransaction({ hash });
      const receipt = await c.publicClient.waitForTransactionReceipt({ hash });
      const [event] = parseEventLogs({ abi: c.recordRegistry.abi, logs: receipt.logs });
      assert.deepEqual(Object.keys(event.args).sort(), ["category", "cid", "contentDigest", "envelope", "hospitalId", "patient", "previousVersion", "provider", "recordId"]);
      // No string-typed field exists, so nothing readable can be smuggled into the event.
      const eventAbi = c.recordRegistry.abi.find((e) => e.type === "event" && e.name === "RecordRegistered");
      assert.ok(eventAbi && "inputs" in eventAbi && (eventAbi.inputs as readonly { type: string }[]).every((i) => i.type !== "string"));
      // The calldata is exactly the ABI encoding of the record: nothing else rides along.
      // selector, tuple offset, six head words, envelope length, 85 envelope bytes padded to 96.
      assert.equal(tx.input.length, 2 + 2 * (4 + 32 + 6 * 32 + 32 + 96));
      assert.ok(tx.input.includes(record.envelope.slice(2)));
    });
  });
});

