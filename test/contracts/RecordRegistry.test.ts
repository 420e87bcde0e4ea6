import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { network } from "hardhat";
import { encodeAbiParameters, getAddress, keccak256, parseEventLogs, zeroAddress, type ContractErrorName } from "viem";
import { recordRegistryAbi } from "@caduceus/sdk/chain/abis";
import { Role } from "@caduceus/sdk/chain/roles";
import { deployCaduceus } from "../helpers/deploy.js";
import {
  binaryCid,
  Category,
  CODEC_DAG_PB,
  CODEC_RAW,
  ENVELOPE_BYTES,
  idOf,
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

/** The id `record` gets when `c.hospital` registers it. */
function hid(c: Fixture, record: NewRecord) {
  return idOf(c.hospital.account.address, record);
}

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
        [hid(c, record), patient, c.hospital.account.address, 1, binaryCid(record), record.cidDigest, Category.Visit, ZERO_BYTES32, record.envelope],
      );

      const stored = await c.recordRegistry.read.getRecord([hid(c, record)]);
      const block = await c.publicClient.getBlock();
      assert.equal(stored.patient, patient);
      assert.equal(stored.provider, getAddress(c.hospital.account.address));
      assert.equal(stored.hospitalId, 1);
      assert.equal(stored.registeredAt, Number(block.timestamp));
      assert.equal(stored.category, Category.Visit);
      assert.equal(stored.cidCodec, CODEC_RAW);
      assert.equal(stored.patientAuthored, false);
      assert.equal(stored.superseded, false);
      assert.equal(stored.contentDigest, ZERO_BYTES32, "a raw record's content digest is its CID digest, in the event only");
      assert.equal(stored.previousVersion, ZERO_BYTES32);
      assert.equal(stored.nextVersion, ZERO_BYTES32);
      assert.equal(await c.recordRegistry.read.exists([hid(c, record)]), true);
      assert.equal(await c.recordRegistry.read.recordCount([patient]), 1n);
      assert.deepEqual(await c.recordRegistry.read.records([patient, 0n, 10n]), [hid(c, record)]);
    });

    it("stores the separate content digest of a dag-pb (multi-block) record", async () => {
      const c = await networkHelpers.loadFixture(registryFixture);
      const record = newRecord(c.patient.account.address, "imaging", { codec: CODEC_DAG_PB, category: Category.Imaging });
      const event = await registerAsHospital(c, record);
      assert.equal(event.cid, binaryCid(record));
      assert.equal(event.contentDigest, record.contentDigest);
      const stored = await c.recordRegistry.read.getRecord([hid(c, record)]);
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

    it("reverts when the same hospital registers the same ciphertext for the same patient twice (a retry)", async () => {
      const c = await networkHelpers.loadFixture(registryFixture);
      const record = newRecord(c.patient.account.address, "dup");
      await registerAsHospital(c, record);
      await viem.assertions.revertWithCustomErrorWithArgs(
        c.recordRegistry.write.register([{ ...record, category: Category.Other }], { account: c.hospital.account }),
        c.recordRegistry,
        "RecordRegistryDuplicateRecord",
        [hid(c, record)],
      );
      assert.equal((await c.recordRegistry.read.getRecord([hid(c, record)])).category, Category.Lab, "unchanged");
    });

    it("derives the id from writer, patient and CID digest, as recordIdOf and the SDK compute it", async () => {
      const c = await networkHelpers.loadFixture(registryFixture);
      const record = newRecord(c.patient.account.address, "derive");
      const event = await registerAsHospital(c, record);
      const expected = keccak256(
        encodeAbiParameters([{ type: "address" }, { type: "address" }, { type: "bytes32" }], [c.hospital.account.address, record.patient, record.cidDigest]),
      );
      assert.equal(event.recordId, expected);
      assert.equal(await c.recordRegistry.read.recordIdOf([c.hospital.account.address, record.patient, record.cidDigest]), expected);
      assert.equal(hid(c, record), expected, "sdk/src/chain/records.ts recordIdOf");
      assert.notEqual(idOf(c.otherHospital.account.address, record), expected, "another writer");
      assert.notEqual(idOf(c.hospital.account.address, { ...record, patient: c.otherPatient.account.address }), expected, "another patient");
    });

    it("a stranger front-running register with registerOwn for the hospital's digest cannot take the hospital's record", async () => {
      const c = await networkHelpers.loadFixture(registryFixture);
      const patient = getAddress(c.patient.account.address);
      const record = newRecord(patient, "front-run");
      // The stranger saw the pending register() and sends the same CID digest first, for themselves.
      const stranger = getAddress(c.stranger.account.address);
      await c.recordRegistry.write.registerOwn([{ ...record, patient: stranger, envelope: seededBytes("junk", 85) }], { account: c.stranger.account });

      await viem.assertions.emitWithArgs(
        c.recordRegistry.write.register([record], { account: c.hospital.account }),
        c.recordRegistry,
        "RecordRegistered",
        [hid(c, record), patient, c.hospital.account.address, 1, binaryCid(record), record.cidDigest, record.category, ZERO_BYTES32, record.envelope],
      );
      const stored = await c.recordRegistry.read.getRecord([hid(c, record)]);
      assert.equal(stored.patient, patient, "the record is the patient's");
      assert.equal(stored.provider, getAddress(c.hospital.account.address), "and the hospital's");
      assert.deepEqual(await c.recordRegistry.read.records([patient, 0n, 10n]), [hid(c, record)]);
      assert.deepEqual(await c.recordRegistry.read.records([stranger, 0n, 10n]), [idOf(stranger, { ...record, patient: stranger })]);
    });

    it("a rival hospital front-running with a garbage envelope for the same patient and digest cannot become the record's author", async () => {
      const c = await networkHelpers.loadFixture(registryFixture);
      const patient = getAddress(c.patient.account.address);
      const record = newRecord(patient, "rival");
      const rival = getAddress(c.otherHospital.account.address);
      const garbage = { ...record, envelope: seededBytes("garbage", 85) };
      await c.recordRegistry.write.register([garbage], { account: c.otherHospital.account });

      await registerAsHospital(c, record);
      const stored = await c.recordRegistry.read.getRecord([hid(c, record)]);
      assert.equal(stored.provider, getAddress(c.hospital.account.address));
      assert.equal(stored.hospitalId, 1);
      // The rival can amend only its own copy, never the hospital's record.
      await viem.assertions.revertWithCustomErrorWithArgs(
        c.recordRegistry.write.amend([hid(c, record), newRecord(patient, "rival-v2")], { account: c.otherHospital.account }),
        c.recordRegistry,
        "RecordRegistryNotAuthor",
        [rival, hid(c, record)],
      );
      assert.equal((await c.recordRegistry.read.getRecord([idOf(rival, garbage)])).provider, rival);
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
      assert.deepEqual(events.map((e) => e.args.recordId), batch.map((r) => hid(c, r)));
      assert.deepEqual(events.map((e) => e.args.patient), batch.map((r) => r.patient));
      assert.equal(await c.recordRegistry.read.recordCount([patient]), 2n);
      assert.equal(await c.recordRegistry.read.recordCount([c.otherPatient.account.address]), 3n);
      assert.deepEqual(await c.recordRegistry.read.records([patient, 0n, 100n]), [hid(c, batch[1]), hid(c, batch[3])]);
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
      assert.equal(await c.recordRegistry.read.exists([hid(c, batch[0])]), false);
    });

    it("reverts on a duplicate inside one batch", async () => {
      const c = await networkHelpers.loadFixture(registryFixture);
      const record = newRecord(c.patient.account.address, "twice");
      await viem.assertions.revertWithCustomErrorWithArgs(
        c.recordRegistry.write.registerBatch([[record, record]], { account: c.hospital.account }),
        c.recordRegistry,
        "RecordRegistryDuplicateRecord",
        [hid(c, record)],
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
        [idOf(patient, record), patient, patient, 0, binaryCid(record), record.cidDigest, Category.Document, ZERO_BYTES32, record.envelope],
      );
      const stored = await c.recordRegistry.read.getRecord([idOf(patient, record)]);
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
      const before = await c.recordRegistry.read.getRecord([hid(c, v1)]);

      await viem.assertions.emitWithArgs(
        c.recordRegistry.write.amend([hid(c, v1), v2], { account: c.hospital.account }),
        c.recordRegistry,
        "RecordRegistered",
        [hid(c, v2), patient, c.hospital.account.address, 1, binaryCid(v2), v2.cidDigest, v2.category, hid(c, v1), v2.envelope],
      );
      const old = await c.recordRegistry.read.getRecord([hid(c, v1)]);
      assert.deepEqual({ ...old, superseded: false, nextVersion: ZERO_BYTES32 }, before, "only the version links changed");
      assert.equal(old.superseded, true);
      assert.equal(old.nextVersion, hid(c, v2));
      const current = await c.recordRegistry.read.getRecord([hid(c, v2)]);
      assert.equal(current.previousVersion, hid(c, v1));
      assert.equal(current.superseded, false);
      assert.deepEqual(await c.recordRegistry.read.versionHistory([hid(c, v2), 10n]), [hid(c, v2), hid(c, v1)]);
      assert.equal(await c.recordRegistry.read.recordCount([patient]), 2n);
    });

    it("lets the patient amend their own record, and nobody else", async () => {
      const c = await networkHelpers.loadFixture(registryFixture);
      const patient = getAddress(c.patient.account.address);
      const v1 = newRecord(patient, "own-v1");
      await c.recordRegistry.write.registerOwn([v1], { account: c.patient.account });
      await viem.assertions.revertWithCustomErrorWithArgs(
        c.recordRegistry.write.amend([idOf(patient, v1), newRecord(patient, "own-x")], { account: c.hospital.account }),
        c.recordRegistry,
        "RecordRegistryNotAuthor",
        [c.hospital.account.address, idOf(patient, v1)],
      );
      const v2 = newRecord(patient, "own-v2");
      await c.recordRegistry.write.amend([idOf(patient, v1), v2], { account: c.patient.account });
      const stored = await c.recordRegistry.read.getRecord([idOf(patient, v2)]);
      assert.equal(stored.patientAuthored, true);
      assert.equal(stored.previousVersion, idOf(patient, v1));
    });

    it("reverts for anyone but the original hospital: another hospital, its doctor, the patient", async () => {
      const c = await networkHelpers.loadFixture(registryFixture);
      const patient = getAddress(c.patient.account.address);
      const v1 = newRecord(patient, "h-v1");
      await registerAsHospital(c, v1);
      for (const who of [c.otherHospital, c.doctor, c.patient]) {
        await viem.assertions.revertWithCustomErrorWithArgs(
          c.recordRegistry.write.amend([hid(c, v1), newRecord(patient, "h-x")], { account: who.account }),
          c.recordRegistry,
          "RecordRegistryNotAuthor",
          [who.account.address, hid(c, v1)],
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
        c.recordRegistry.write.amend([hid(c, v1), newRecord(c.otherPatient.account.address, "s-o")], { account: c.hospital.account }),
        c.recordRegistry,
        "RecordRegistryPatientMismatch",
        [patient, c.otherPatient.account.address],
      );
      await c.recordRegistry.write.amend([hid(c, v1), v2], { account: c.hospital.account });
      await viem.assertions.revertWithCustomErrorWithArgs(
        c.recordRegistry.write.amend([hid(c, v1), newRecord(patient, "s-v3")], { account: c.hospital.account }),
        c.recordRegistry,
        "RecordRegistryRecordSuperseded",
        [hid(c, v1), hid(c, v2)],
      );
    });

    it("reverts while the original hospital is suspended", async () => {
      const c = await networkHelpers.loadFixture(registryFixture);
      const v1 = newRecord(c.patient.account.address, "susp-v1");
      await registerAsHospital(c, v1);
      await c.consortium.write.suspendHospital([c.hospital.account.address]);
      await viem.assertions.revertWithCustomErrorWithArgs(
        c.recordRegistry.write.amend([hid(c, v1), newRecord(c.patient.account.address, "susp-v2")], { account: c.hospital.account }),
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
      assert.equal((await c.recordRegistry.read.lastAudit([hid(c, record)])).auditedAt, 0);
      for (const outcome of [0, 2]) {
        await viem.assertions.emitWithArgs(
          c.recordRegistry.write.postAudit([hid(c, record), outcome, "0x0155"], { account: c.auditor.account }),
          c.recordRegistry,
          "RecordAudited",
          [hid(c, record), c.auditor.account.address, outcome, "0x0155"],
        );
        const audit = await c.recordRegistry.read.lastAudit([hid(c, record)]);
        assert.equal(audit.auditor, getAddress(c.auditor.account.address));
        assert.equal(audit.outcome, outcome);
        assert.equal(audit.auditedAt, Number((await c.publicClient.getBlock()).timestamp));
      }
    });

    it("auditor A posts Mismatch, auditor B posts Intact: the Mismatch is still visible in worstAudit", async () => {
      const c = await networkHelpers.loadFixture(registryFixture);
      const record = newRecord(c.patient.account.address, "hidden-mismatch");
      await registerAsHospital(c, record);
      const id = hid(c, record);
      await c.consortium.write.grantRole([Role.AUDITOR, c.stranger.account.address]);
      const [a, b] = [getAddress(c.auditor.account.address), getAddress(c.stranger.account.address)];
      assert.deepEqual(await c.recordRegistry.read.worstAudit([id]), { auditor: zeroAddress, auditedAt: 0, outcome: 0 }, "never audited");

      await c.recordRegistry.write.postAudit([id, 0, "0x"], { account: c.auditor.account });
      assert.equal((await c.recordRegistry.read.worstAudit([id])).auditor, a, "all Intact: the last audit");
      await c.recordRegistry.write.postAudit([id, 1, "0x01"], { account: c.auditor.account });
      const mismatchAt = Number((await c.publicClient.getBlock()).timestamp);
      await viem.assertions.emitWithArgs(
        c.recordRegistry.write.postAudit([id, 0, "0x02"], { account: c.stranger.account }),
        c.recordRegistry,
        "RecordAudited",
        [id, b, 0, "0x02"],
      );
      assert.equal((await c.recordRegistry.read.lastAudit([id])).auditor, b, "B's Intact is the last audit");
      assert.deepEqual(await c.recordRegistry.read.worstAudit([id]), { auditor: a, auditedAt: mismatchAt, outcome: 1 }, "A's Mismatch stays visible");
      // A less severe failure (Unavailable) does not replace it either; a later Mismatch does.
      await c.recordRegistry.write.postAudit([id, 2, "0x"], { account: c.stranger.account });
      assert.equal((await c.recordRegistry.read.worstAudit([id])).outcome, 1);
      await c.recordRegistry.write.postAudit([id, 1, "0x"], { account: c.stranger.account });
      assert.deepEqual(await c.recordRegistry.read.worstAudit([id]), {
        auditor: b,
        auditedAt: Number((await c.publicClient.getBlock()).timestamp),
        outcome: 1,
      });
    });

    it("an Unavailable is kept over a later Intact and replaced by a later Unavailable", async () => {
      const c = await networkHelpers.loadFixture(registryFixture);
      const record = newRecord(c.patient.account.address, "unavailable");
      await registerAsHospital(c, record);
      const id = hid(c, record);
      await c.recordRegistry.write.postAudit([id, 2, "0x"], { account: c.auditor.account });
      await c.recordRegistry.write.postAudit([id, 0, "0x"], { account: c.auditor.account });
      assert.equal((await c.recordRegistry.read.worstAudit([id])).outcome, 2);
      await c.recordRegistry.write.postAudit([id, 2, "0x"], { account: c.auditor.account });
      assert.equal((await c.recordRegistry.read.worstAudit([id])).auditedAt, Number((await c.publicClient.getBlock()).timestamp));
    });

    it("reverts for a non-auditor and for an unknown record", async () => {
      const c = await networkHelpers.loadFixture(registryFixture);
      const record = newRecord(c.patient.account.address, "a");
      await registerAsHospital(c, record);
      for (const who of [c.hospital, c.governance, c.stranger]) {
        await viem.assertions.revertWithCustomErrorWithArgs(
          c.recordRegistry.write.postAudit([hid(c, record), 0, "0x"], { account: who.account }),
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
      const ids = batch.map((r) => hid(c, r));
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
        await c.recordRegistry.write.amend([hid(c, versions[i - 1]), versions[i]], { account: c.hospital.account });
      }
      const ids = versions.map((v) => hid(c, v)).reverse();
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

