/**
 * The RPC query backend against a scripted scenario on a real Hardhat node: a hospital registers
 * and amends a patient's records; the patient grants a doctor TREAT, delivers keys and revokes;
 * the doctor is denied a purpose outside the policy; three contacts guard an emergency that two approve and the patient closes;
 * a researcher's study is funded, the patient joins, contributes a record, is accepted and paid;
 * a second study is a quarter funded. Every answer is checked against what the scenario did:
 * ids, counts, order, amounts, times.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { getAddress, parseEther, zeroAddress, type Address, type Hex } from "viem";
import { policyIdFromLabel, policyTerms, requestAccess, revoke, setPolicy } from "../../src/access/index.ts";
import { emergencyAccessAbi } from "../../src/chain/abis.ts";
import type { CaduceusChain } from "../../src/chain/client.ts";
import { RecordCategory } from "../../src/fhir/categories.ts";
import { RpcQueryBackend } from "../../src/query/rpc.ts";
import type { LogEntry, QueryBackend } from "../../src/query/types.ts";
import {
  acceptContribution,
  claimReward,
  fund,
  joinStudy,
  researchWrite,
  studyPolicyId,
} from "../../src/research/index.ts";
import { startLocalChain, type LocalChain } from "../helpers/local-chain.ts";
import { recordIdOf } from "../../src/chain/records.ts";
import { deliverFakeKeys, fakeRecord, rawCid } from "./fixtures.ts";

const DAY = 86_400;

let lc: LocalChain;
let q: QueryBackend;
let as: Record<keyof LocalChain["accounts"], CaduceusChain>;
let addr: Record<keyof LocalChain["accounts"], Address>;
/** What the scenario did, for the assertions. */
const did = {
  records: [] as Hex[],
  amendment: "0x" as Hex,
  otherRecord: "0x" as Hex,
  carePolicy: policyIdFromLabel("care-team"),
  studyPolicy: "0x" as Hex,
  sharesCid: rawCid(),
  studies: [] as bigint[],
  txs: {} as Record<string, { blockNumber: bigint; timestamp: number }>,
};

async function scenario(): Promise<void> {
  const now = async () => Number((await lc.publicClient.getBlock()).timestamp);
  const { patient, doctor, stranger, researcher, otherPatient, relayer } = addr;

  // Records: three in one batch, one amended; another patient's record that must never show up.
  const batch = [
    fakeRecord(patient, RecordCategory.Lab),
    fakeRecord(patient, RecordCategory.Visit),
    fakeRecord(patient, RecordCategory.Imaging),
  ];
  did.records = await as.hospital.registerBatch(batch);
  did.otherRecord = await as.hospital.register(fakeRecord(otherPatient, RecordCategory.Lab));
  did.amendment = await as.hospital.amend(did.records[0], fakeRecord(patient, RecordCategory.Lab));

  // A doctor's TREAT grant: granted, three keys delivered, revoked. A purpose outside the policy is denied
  // (a stranger's request reverts and leaves no log entry).
  await setPolicy(
    as.patient,
    did.carePolicy,
    policyTerms({ grantee: doctor, purposes: ["TREAT"], validUntil: (await now()) + DAY }, await now()),
  );
  assert.equal(
    (await requestAccess(as.doctor, { patient, policyId: did.carePolicy, purpose: "TREAT" })).outcome,
    "Granted",
  );
  assert.equal(
    (await requestAccess(as.doctor, { patient, policyId: did.carePolicy, purpose: "CAREMGT" })).outcome,
    "Denied",
  );
  await deliverFakeKeys(as.patient, patient, doctor, "TREAT", [did.amendment, did.records[1], did.records[2]]);
  await revoke(as.patient, patient, doctor, "TREAT");

  // Emergency: three contacts, threshold 2; the doctor asks, two approve, the patient closes it.
  const emergency = (chain: CaduceusChain) => ({ address: chain.emergencyAccess.address, abi: emergencyAccessAbi });
  await as.patient.write(emergency(as.patient), "proposeContacts", [
    [otherPatient, stranger, relayer],
    2,
    did.sharesCid,
  ]);
  await as.doctor.write(emergency(as.doctor), "request", [patient, 1, "0x", 3600]);
  await as.otherPatient.write(emergency(as.otherPatient), "approve", [patient, doctor, "0x02"]);
  await as.stranger.write(emergency(as.stranger), "approve", [patient, doctor, "0x03"]);
  await as.patient.write(emergency(as.patient), "close", [patient, doctor]);

  // Research: study 1 funded by two donors, the patient joins, contributes a Lab record, is paid;
  // study 2 a quarter funded.
  for (const goal of [parseEther("1"), parseEther("2")]) {
    const params = {
      token: zeroAddress,
      goal,
      deadline: (await now()) + 7 * DAY,
      reward: parseEther("0.1"),
      maxContributions: 5,
      categories: 1 << RecordCategory.Lab,
      protocolCid: rawCid(),
    };
    await researchWrite(as.researcher, "createStudy", [params]);
  }
  did.studies = [1n, 2n];
  await fund(as.stranger, 1n, parseEther("0.4"));
  await fund(as.relayer, 1n, parseEther("0.6"));
  await fund(as.stranger, 2n, parseEther("0.5"));
  await joinStudy(as.patient, 1n);
  did.studyPolicy = studyPolicyId(as.patient, 1n);
  assert.equal(
    (await requestAccess(as.researcher, { patient, policyId: did.studyPolicy, purpose: "HRESCH" })).outcome,
    "Granted",
  );
  await deliverFakeKeys(as.patient, patient, researcher, "HRESCH", [did.amendment], true);
  await researchWrite(as.patient, "submitData", [1n, did.amendment]);
  await acceptContribution(as.researcher, 1n, patient);
  await claimReward(as.patient, 1n);

  // Funding tokens: three allowed, the middle one disallowed again (addresses out of order).
  for (const token of [TOKENS.c, TOKENS.a, TOKENS.b]) await researchWrite(as.governance, "setTokenAllowed", [token, true]);
  await researchWrite(as.governance, "setTokenAllowed", [TOKENS.b, false]);
}

const TOKENS = {
  a: getAddress("0x1000000000000000000000000000000000000001"),
  b: getAddress("0x2000000000000000000000000000000000000002"),
  c: getAddress("0xc00000000000000000000000000000000000000c"),
};

before(async () => {
  lc = await startLocalChain();
  as = Object.fromEntries(Object.entries(lc.accounts).map(([role, account]) => [role, lc.as(account)])) as typeof as;
  addr = Object.fromEntries(
    Object.entries(lc.accounts).map(([role, account]) => [role, account.address]),
  ) as typeof addr;
  await scenario();
  q = new RpcQueryBackend(lc.deployment, lc.publicClient);
});

after(async () => {
  await lc?.stop();
});

/** The kinds and main subject of the patient's log, oldest first, as the scenario made it. */
const EXPECTED_LOG: [LogEntry["kind"], string][] = [
  ["PolicySet", "care"],
  ["AccessRequested", "doctor Granted"],
  ["AccessRequested", "doctor Denied"],
  ["KeyDelivered", "amendment"],
  ["KeyDelivered", "record 1"],
  ["KeyDelivered", "record 2"],
  ["AccessRevoked", "doctor"],
  ["EmergencyRequested", "doctor"],
  ["EmergencyGranted", "doctor"],
  ["EmergencyClosed", "Cancelled"],
  ["PolicySet", "study"],
  ["AccessRequested", "researcher Granted"],
  ["KeyDelivered", "amendment copy"],
];

function describeEntry(e: LogEntry): [LogEntry["kind"], string] {
  const who = (a: Address) => Object.entries(addr).find(([, x]) => x === a)?.[0] ?? a;
  const rec = (id: Hex) => (id === did.amendment ? "amendment" : `record ${did.records.indexOf(id)}`);
  switch (e.kind) {
    case "PolicySet":
      return [e.kind, e.policyId === did.carePolicy ? "care" : e.policyId === did.studyPolicy ? "study" : e.policyId];
    case "AccessRequested":
      return [e.kind, `${who(e.requester)} ${e.outcome}`];
    case "KeyDelivered":
      return [e.kind, `${rec(e.recordId)}${e.deidentifiedCopy ? " copy" : ""}`];
    case "AccessRevoked":
      return [e.kind, who(e.grantee)];
    case "EmergencyRequested":
    case "EmergencyGranted":
      return [e.kind, who(e.doctor)];
    case "EmergencyClosed":
      return [e.kind, e.status];
    default:
      return [e.kind, ""];
  }
}

async function blockTime(blockNumber: bigint): Promise<number> {
  return Number((await lc.publicClient.getBlock({ blockNumber })).timestamp);
}

describe("RpcQueryBackend", () => {
  describe("records", () => {
    it("lists the patient's records newest first, each with its versions linked and numbered", async () => {
      const records = await q.records(addr.patient);
      assert.deepEqual(
        records.map((r) => r.latest.recordId),
        [did.amendment, did.records[2], did.records[1]],
      );
      const [amended] = records;
      assert.deepEqual(
        amended.versions.map((v) => [v.recordId, v.version, v.previousVersion, v.nextVersion]),
        [
          [did.records[0], 1, null, did.amendment],
          [did.amendment, 2, did.records[0], null],
        ],
      );
      assert.deepEqual(
        records.map((r) => r.latest.category),
        ["Lab", "Imaging", "Visit"],
      );
      for (const v of records.flatMap((r) => r.versions)) {
        assert.equal(v.patient, addr.patient);
        assert.equal(v.provider, addr.hospital);
        assert.equal(v.hospitalId, 1);
        assert.equal(v.patientAuthored, false);
        // The id commits to the CID's digest, its writer and its patient.
        assert.equal(v.cid.slice(0, 10), "0x01551220");
        assert.equal(recordIdOf(v.provider, v.patient, `0x${v.cid.slice(10)}`), v.recordId);
        assert.equal(v.registered.timestamp, await blockTime(v.registered.blockNumber));
      }
      // Same batch: same transaction.
      assert.equal(records[1].latest.registered.transactionHash, records[2].latest.registered.transactionHash);
    });

    it("shows another patient only their own record", async () => {
      assert.deepEqual(
        (await q.records(addr.otherPatient)).map((r) => r.latest.recordId),
        [did.otherRecord],
      );
    });
  });

  describe("grantsAndPolicies", () => {
    it("gives both policies and both grants, newest change first, with their states", async () => {
      const { policies, grants } = await q.grantsAndPolicies(addr.patient);
      assert.deepEqual(
        policies.map((p) => [p.policyId, p.version, p.active, p.purposes, p.terms.anonymizedOnly]),
        [
          [did.studyPolicy, 1, true, ["HRESCH"], true],
          [did.carePolicy, 1, true, ["TREAT"], false],
        ],
      );
      assert.equal(policies[1].terms.grantee, addr.doctor);
      assert.deepEqual(
        grants.map((g) => [g.grantee, g.purpose, g.status, g.policyId]),
        [
          [addr.researcher, "HRESCH", "Active", did.studyPolicy],
          [addr.doctor, "TREAT", "Revoked", did.carePolicy],
        ],
      );
      assert.ok(grants[0].expiresAt > Number((await lc.publicClient.getBlock()).timestamp));
    });
  });

  describe("accessLog", () => {
    it("pages the whole log newest first, in the scenario's order, without gaps or repeats", async () => {
      const seen: LogEntry[] = [];
      let cursor: string | undefined;
      let pages = 0;
      do {
        const page = await q.accessLog(addr.patient, { first: 4, cursor });
        assert.ok(page.items.length <= 4);
        seen.push(...page.items);
        cursor = page.cursor;
        pages++;
      } while (cursor);
      assert.equal(pages, Math.ceil(EXPECTED_LOG.length / 4));
      assert.deepEqual(seen.map(describeEntry), [...EXPECTED_LOG].reverse());
      for (const e of seen) assert.equal(e.timestamp, await blockTime(e.blockNumber));
    });

    it("gives an empty page to a patient with no history", async () => {
      assert.deepEqual(await q.accessLog(addr.auditor), { items: [] });
    });

    it("rejects a malformed cursor and page size", async () => {
      await assert.rejects(q.accessLog(addr.patient, { cursor: "next" }), RangeError);
      await assert.rejects(q.accessLog(addr.patient, { first: 0 }), RangeError);
    });
  });

  describe("emergency", () => {
    it("gives the contacts in force and the request with its votes, grant and closing", async () => {
      const overview = await q.emergency(addr.patient);
      assert.deepEqual(
        overview.current && [
          overview.current.version,
          overview.current.contacts,
          overview.current.threshold,
          overview.current.sharesCid,
        ],
        [1, [addr.otherPatient, addr.stranger, addr.relayer], 2, did.sharesCid],
      );
      assert.equal(overview.pending, undefined);
      assert.equal(overview.configs.length, 1);
      assert.equal(overview.requests.length, 1);
      const [request] = overview.requests;
      assert.deepEqual(
        [
          request.doctor,
          request.round,
          request.configVersion,
          request.justification,
          request.noteCid,
          request.duration,
          request.status,
          request.closedBy,
        ],
        [addr.doctor, 1, 1, "UNCONSCIOUS", null, 3600, "Cancelled", addr.patient],
      );
      assert.deepEqual(
        request.votes.map((v) => [v.contact, v.approved]),
        [
          [addr.otherPatient, true],
          [addr.stranger, true],
        ],
      );
      assert.equal(request.approvals, 2);
      assert.equal(request.expiresAt, request.grantedAt! + 3600);
    });
  });

  describe("studies and contributions", () => {
    it("lists studies newest first with funding progress and status", async () => {
      const page = await q.studies();
      assert.deepEqual(
        page.items.map((s) => [
          s.studyId,
          s.status,
          s.raised,
          s.goal,
          s.fundedPercent,
          s.funders,
          s.dataAccepted,
          s.researcher,
        ]),
        [
          [2n, "Funding", parseEther("0.5"), parseEther("2"), 25, 1, 0, addr.researcher],
          [1n, "Funded", parseEther("1"), parseEther("1"), 100, 2, 1, addr.researcher],
        ],
      );
      const first = await q.studies({ first: 1 });
      assert.deepEqual([first.items.map((s) => s.studyId), first.cursor], [[2n], "1"]);
      const second = await q.studies({ first: 1, cursor: first.cursor });
      assert.deepEqual([second.items.map((s) => s.studyId), second.cursor], [[1n], undefined]);
      assert.deepEqual(await q.study(1n), page.items[1]);
      assert.equal(await q.study(9n), undefined);
    });

    it("gives a researcher's studies and the paid contribution, and the patient's contributions", async () => {
      const overview = await q.researcher(addr.researcher);
      assert.deepEqual(
        overview.studies.map((s) => s.studyId),
        [2n, 1n],
      );
      assert.deepEqual(
        overview.contributions.map((c) => [c.studyId, c.patient, c.recordId, c.status, c.reward]),
        [[1n, addr.patient, did.amendment, "Paid", parseEther("0.1")]],
      );
      assert.deepEqual(await q.contributions(addr.patient), overview.contributions);
      assert.deepEqual(await q.researcher(addr.stranger), {
        researcher: addr.stranger,
        studies: [],
        contributions: [],
      });
    });
  });

  describe("hospitalStaff", () => {
    it("gives the hospital with its doctor; undefined for an account never admitted", async () => {
      const hospital = await q.hospitalStaff(addr.hospital);
      assert.deepEqual(
        hospital && [hospital.hospitalId, hospital.name, hospital.suspended, hospital.staff.map((s) => s.account)],
        [1, "Test Hospital", false, [addr.doctor]],
      );
      assert.equal(await q.hospitalStaff(addr.stranger), undefined);
    });
  });

  describe("recordsSent", () => {
    it("lists every version the hospital registered, newest first, with its place in its chain", async () => {
      const sent = await q.recordsSent(addr.hospital);
      assert.deepEqual(
        sent.map((v) => [v.recordId, v.patient, v.version, v.nextVersion]),
        [
          [did.amendment, addr.patient, 2, null],
          [did.otherRecord, addr.otherPatient, 1, null],
          [did.records[2], addr.patient, 1, null],
          [did.records[1], addr.patient, 1, null],
          [did.records[0], addr.patient, 1, did.amendment],
        ],
      );
      assert.ok(sent.every((v) => v.registered.timestamp > 0 && v.provider === addr.hospital));
      assert.deepEqual((await q.recordsSent(addr.hospital, { first: 2 })).map((v) => v.recordId), [did.amendment, did.otherRecord]);
      assert.deepEqual(await q.recordsSent(addr.patient), []);
    });
  });

  describe("fundingHistory", () => {
    it("gives each contribution with the running total, oldest first, per study", async () => {
      const history = await q.fundingHistory(1n);
      assert.deepEqual(
        history.map((s) => [s.contributor, s.amount, s.raised]),
        [
          [addr.stranger, parseEther("0.4"), parseEther("0.4")],
          [addr.relayer, parseEther("0.6"), parseEther("1")],
        ],
      );
      assert.ok(history[0]!.at.timestamp > 0 && history[0]!.at.blockNumber < history[1]!.at.blockNumber);
      assert.deepEqual((await q.fundingHistory(2n)).map((s) => s.raised), [parseEther("0.5")]);
      assert.deepEqual(await q.fundingHistory(99n), []);
    });
  });

  describe("deliveredTo, roleHolders, patientsNaming", () => {
    it("gives the keys a patient delivered to one grantee, oldest first, copies with their CID", async () => {
      const toDoctor = await q.deliveredTo(addr.patient, addr.doctor);
      assert.deepEqual(
        toDoctor.map((d) => [d.recordId, d.purpose, d.copyCid]),
        [did.amendment, did.records[1], did.records[2]].map((id) => [id, "TREAT", null]),
      );
      assert.ok(toDoctor.every((d) => d.at.timestamp > 0));
      const toResearcher = await q.deliveredTo(addr.patient, addr.researcher);
      assert.deepEqual(toResearcher.map((d) => [d.recordId, d.purpose]), [[did.amendment, "HRESCH"]]);
      assert.match(toResearcher[0]!.copyCid ?? "", /^0x01/, "the anonymized copy's CID");
      assert.deepEqual(await q.deliveredTo(addr.otherPatient, addr.doctor), []);
    });

    it("lists the holders of a verified role, and the patients who named a contact", async () => {
      assert.deepEqual(await q.roleHolders("RESEARCHER"), [addr.researcher]);
      assert.deepEqual(await q.roleHolders("AUDITOR"), [addr.auditor]);
      assert.deepEqual(await q.roleHolders("PAYER"), []);
      assert.deepEqual(await q.patientsNaming(addr.otherPatient), [addr.patient]);
      assert.deepEqual(await q.patientsNaming(addr.doctor), []);
    });
  });

  describe("fundingTokens", () => {
    it("lists the ERC-20s allowed now, by address, without the one disallowed again", async () => {
      assert.deepEqual(await q.fundingTokens(), [TOKENS.a, TOKENS.c]);
    });
  });

  describe("dashboard", () => {
    it("agrees with the single queries, at one block", async () => {
      const dashboard = await q.dashboard(addr.patient, { logPageSize: 5 });
      const log = await q.accessLog(addr.patient, { first: 5 });
      assert.deepEqual(dashboard.records, await q.records(addr.patient));
      const { policies, grants } = await q.grantsAndPolicies(addr.patient);
      assert.deepEqual([dashboard.policies, dashboard.grants], [policies, grants]);
      assert.deepEqual(dashboard.log, log);
      assert.deepEqual(dashboard.emergency, await q.emergency(addr.patient));
      assert.deepEqual(dashboard.research.contributions, await q.contributions(addr.patient));
      assert.deepEqual(dashboard.research.studies, [await q.study(1n)]);
      assert.deepEqual(dashboard.counts, {
        records: 3,
        versions: 4,
        accessEvents: EXPECTED_LOG.length,
        keyDeliveries: 4,
        contributions: 1,
      });
      assert.equal(dashboard.asOf.blockNumber, await lc.publicClient.getBlockNumber());
    });

    it("gives the same answers when the node is read in ranges of three blocks", async () => {
      const narrow = new RpcQueryBackend(lc.deployment, lc.publicClient, { blockRange: 3n });
      assert.deepEqual(await narrow.dashboard(addr.patient), await q.dashboard(addr.patient));
      const pages: LogEntry[] = [];
      for (let cursor: string | undefined, first = true; first || cursor; first = false) {
        const page = await narrow.accessLog(addr.patient, { first: 2, cursor });
        pages.push(...page.items);
        cursor = page.cursor;
      }
      assert.deepEqual(pages.map(describeEntry), [...EXPECTED_LOG].reverse());
    });
  });
});
