/**
 * The GraphQL backend. No graph-node runs here, so this is the edge of what the machine can test:
 * (1) every document is valid against the API that graph-node derives from subgraph/schema.graphql
 * (subgraph/generated-api.graphql, written by scripts/subgraph/api-schema.ts); (2) the mapping of
 * responses to the shared result types, on recorded responses shaped by that schema (hand-written
 * from the scenario of rpc.test.ts, not captured from a live graph-node).
 */
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { describe, it } from "node:test";
import { buildSchema, parse, validate } from "graphql";
import { getAddress } from "viem";
import { DOCUMENTS, GraphQLQueryBackend } from "../../src/query/graphql.ts";

const API_SCHEMA = new URL("../../../subgraph/generated-api.graphql", import.meta.url);

const PATIENT = "0x90f79bf6eb2c4f870365e785982e1f101e93b906";
const DOCTOR = "0x70997970c51812dc3a010c7d01b50e0d17dc79c8";
const HOSPITAL = "0x3c44cdddb6a900fa2b585dd299e03d12fa4293bc";
const TX = (n: number) => `0x${n.toString(16).padStart(64, "0")}`;
/** An event entity id: transaction hash ++ log index as int32 little-endian. */
const EV = (tx: number, logIndex: number, block: number) => ({
  id: `${TX(tx)}${logIndex.toString(16).padStart(2, "0")}000000`,
  blockNumber: String(block),
  blockTimestamp: String(1_700_000_000 + block),
  transactionHash: TX(tx),
});
const R = (n: number) => `0x${n.toString(16).padStart(64, "a")}`;
/** An access-log entity's fields for the event at (block, logIndex) of transaction `tx`. */
const LOG = (tx: number, logIndex: number, block: number) => ({
  ...EV(tx, logIndex, block),
  position: String((BigInt(block) << 32n) + BigInt(logIndex)),
});
const NO_ACCESS_FIELDS = {
  policyId: null,
  rights: null,
  outcome: null,
  denyReason: null,
  expiresAt: null,
  approved: null,
  revokedBy: null,
  sharer: null,
  record: null,
  deliverer: null,
  copyCid: null,
};
/** The patient's access log as the subgraph holds it, one collection per entity, newest first. */
const LOG_COLLECTIONS: Record<string, (Record<string, unknown> & { position: string })[]> = {
  accessEvents: [
    {
      kind: "REVOKED",
      grantee: { id: DOCTOR },
      purpose: 0,
      ...NO_ACCESS_FIELDS,
      revokedBy: { id: PATIENT },
      ...LOG(18, 0, 18),
    },
    // Two deliveries in one block, in transactions whose hashes sort against their log order.
    {
      kind: "KEY_DELIVERED",
      grantee: { id: DOCTOR },
      purpose: 0,
      ...NO_ACCESS_FIELDS,
      record: { id: R(4) },
      deliverer: { id: PATIENT },
      copyCid: "0x",
      ...LOG(1, 3, 16),
    },
    {
      kind: "KEY_DELIVERED",
      grantee: { id: DOCTOR },
      purpose: 0,
      ...NO_ACCESS_FIELDS,
      record: { id: R(2) },
      deliverer: { id: PATIENT },
      copyCid: "0x",
      ...LOG(99, 0, 16),
    },
    {
      kind: "REQUESTED",
      grantee: { id: DOCTOR },
      purpose: 0,
      ...NO_ACCESS_FIELDS,
      policyId: R(9),
      rights: 1,
      outcome: "GRANTED",
      denyReason: "NONE",
      expiresAt: "1700086400",
      ...LOG(14, 0, 14),
    },
  ],
  policyVersions: [
    {
      policy: { policyId: R(9) },
      version: 1,
      grantee: DOCTOR,
      role: TX(0),
      purposes: "1",
      validUntil: "1700086400",
      anonymizedOnly: false,
      ...LOG(13, 0, 13),
    },
  ],
  policyRevocations: [{ policyId: R(9), version: 1, ...LOG(18, 1, 18) }],
  emergencyEvents: [
    {
      kind: "CLOSED",
      doctor: { id: DOCTOR },
      round: 1,
      justification: null,
      approveBy: null,
      expiresAt: null,
      status: "CANCELLED",
      closedBy: { id: PATIENT },
      ...LOG(24, 0, 24),
    },
    {
      kind: "GRANTED",
      doctor: { id: DOCTOR },
      round: 1,
      justification: null,
      approveBy: null,
      expiresAt: "1700003623",
      status: null,
      closedBy: null,
      ...LOG(23, 2, 23),
    },
    {
      kind: "REQUESTED",
      doctor: { id: DOCTOR },
      round: 1,
      justification: 1,
      approveBy: "1700007221",
      expiresAt: null,
      status: null,
      closedBy: null,
      ...LOG(21, 0, 21),
    },
  ],
};

const CONTRIBUTION = (record: string) => ({
  study: { studyId: "2" },
  patient: { id: PATIENT },
  record: { id: record },
});

/** Recorded responses, by operation name. */
const RESPONSES: Record<string, (variables: Record<string, unknown>) => unknown> = {
  Meta: () => ({ _meta: { block: { number: 40, timestamp: 1_700_000_040 } } }),
  PatientRecords: () => ({
    records: [
      {
        id: R(1),
        patient: { id: PATIENT },
        provider: { id: HOSPITAL },
        hospitalId: "1",
        patientAuthored: false,
        cid: `0x01551220${R(1).slice(2)}`,
        contentDigest: TX(0),
        category: "LAB",
        version: 1,
        previousVersion: null,
        nextVersion: { id: R(4) },
        registeredAt: "1700000010",
        blockNumber: "10",
        logIndex: 2,
        transactionHash: TX(10),
      },
      {
        id: R(5),
        patient: { id: PATIENT },
        provider: { id: HOSPITAL },
        hospitalId: "1",
        patientAuthored: false,
        cid: `0x01551220${R(5).slice(2)}`,
        contentDigest: TX(0),
        category: "IMAGING",
        version: 1,
        previousVersion: null,
        nextVersion: null,
        registeredAt: "1700000010",
        blockNumber: "10",
        logIndex: 0,
        transactionHash: TX(10),
      },
      {
        id: R(2),
        patient: { id: PATIENT },
        provider: { id: HOSPITAL },
        hospitalId: "1",
        patientAuthored: false,
        cid: `0x01551220${R(2).slice(2)}`,
        contentDigest: TX(0),
        category: "VISIT",
        version: 1,
        previousVersion: null,
        nextVersion: null,
        registeredAt: "1700000010",
        blockNumber: "10",
        logIndex: 1,
        transactionHash: TX(10),
      },
      {
        id: R(4),
        patient: { id: PATIENT },
        provider: { id: HOSPITAL },
        hospitalId: "1",
        patientAuthored: false,
        cid: `0x01551220${R(4).slice(2)}`,
        contentDigest: TX(0),
        category: "LAB",
        version: 2,
        previousVersion: { id: R(1) },
        nextVersion: null,
        registeredAt: "1700000012",
        blockNumber: "12",
        logIndex: 0,
        transactionHash: TX(12),
      },
    ],
  }),
  AccessLog: (v) =>
    Object.fromEntries(
      Object.entries(LOG_COLLECTIONS).map(([collection, rows]) => [
        collection,
        rows.filter((row) => BigInt(row.position) < BigInt(v.before as string)).slice(0, v.first as number),
      ]),
    ),
  PatientCounts: () => ({ patient: { accessLogCount: 9, keyDeliveryCount: 2 } }),
  GrantsAndPolicies: () => ({
    policies: [
      {
        policyId: R(9),
        version: 1,
        active: false,
        revocation: EV(18, 1, 18),
        current: {
          grantee: DOCTOR,
          role: TX(0),
          purposes: "1",
          rights: 1,
          validFrom: "0",
          validUntil: "1700086400",
          categories: 2,
          recordId: TX(0),
          anonymizedOnly: false,
          autoApprove: true,
          ...EV(13, 0, 13),
        },
      },
      {
        policyId: R(8),
        version: 2,
        active: true,
        revocation: null,
        current: {
          grantee: HOSPITAL,
          role: TX(0),
          purposes: "1",
          rights: 1,
          validFrom: "0",
          validUntil: "1700086400",
          categories: 2,
          recordId: TX(0),
          anonymizedOnly: false,
          autoApprove: true,
          ...EV(17, 0, 17),
        },
      },
    ],
    grants: [
      {
        grantee: { id: HOSPITAL },
        purpose: 0,
        status: "ACTIVE",
        rights: 1,
        expiresAt: "1700086400",
        policyVersion: { policyId: { policyId: R(8) } },
        sharedBy: null,
        lastEvent: EV(17, 1, 17),
      },
      {
        grantee: { id: DOCTOR },
        purpose: 0,
        status: "REVOKED",
        rights: 1,
        expiresAt: "1700086400",
        policyVersion: { policyId: { policyId: R(9) } },
        sharedBy: null,
        lastEvent: EV(18, 0, 18),
      },
    ],
  }),
  Contributions: () => ({
    // Rejected, resubmitted with another record, accepted and paid (a history the RPC backend shows as two entries).
    dataContributionEvents: [
      { ...CONTRIBUTION(R(1)), kind: "SUBMITTED", reward: null, reason: null, ...EV(30, 0, 30) },
      { ...CONTRIBUTION(R(1)), kind: "REJECTED", reward: null, reason: 2, ...EV(31, 0, 31) },
      { ...CONTRIBUTION(R(2)), kind: "SUBMITTED", reward: null, reason: null, ...EV(32, 0, 32) },
      { ...CONTRIBUTION(R(2)), kind: "ACCEPTED", reward: "100", reason: null, ...EV(33, 0, 33) },
    ],
    dataContributions: [{ study: { studyId: "2" }, patient: { id: PATIENT } }],
  }),
  StudiesByIds: (v) => ({ studies: (v.ids as string[]).includes("2") ? [STUDY] : [] }),
  Emergency: () => ({
    emergencyConfigs: [
      {
        version: 1,
        threshold: 2,
        sharesCid: "0x0155",
        activatesAt: "1700000020",
        proposedAt: "1700000020",
        cancelled: false,
        contacts: [{ contact: { id: HOSPITAL } }, { contact: { id: DOCTOR } }],
      },
    ],
    emergencyRequests: [
      {
        doctor: { id: DOCTOR },
        round: 1,
        config: { version: 1 },
        justification: 1,
        noteCid: "0x",
        duration: "3600",
        approveBy: "1700007221",
        status: "GRANTED",
        approvals: 2,
        rejections: 0,
        expiresAt: "1700003623",
        grantedAt: "1700000023",
        closedAt: null,
        closedBy: null,
        requestedAt: "1700000021",
        blockNumber: "21",
        logIndex: 0,
        votes: [],
      },
    ],
  }),
  Studies: () => ({ studies: [STUDY] }),
  RecordsSent: (variables) => {
    assert.deepEqual(variables, { provider: HOSPITAL, first: 2 });
    // Two versions in one block, sent out of log order: the backend orders them.
    const row = (id: string, logIndex: number, version: number, previous: string | null, next: string | null) => ({
      id, patient: { id: PATIENT }, provider: { id: HOSPITAL }, hospitalId: "1", patientAuthored: false, cid: "0x0155", contentDigest: R(9),
      category: "Lab", version, previousVersion: previous && { id: previous }, nextVersion: next && { id: next },
      registeredAt: "1700000012", blockNumber: "12", logIndex, transactionHash: TX(12),
    });
    return { records: [row(R(1), 0, 1, null, R(4)), row(R(4), 1, 2, R(1), null)] };
  },
  FundingHistory: (variables) => {
    assert.deepEqual(variables, { studyId: "2" });
    return {
      fundings: [
        { contributor: { id: DOCTOR }, amount: "300", raised: "500", ...EV(31, 1, 31) },
        { contributor: { id: PATIENT }, amount: "200", raised: "200", ...EV(30, 0, 30) },
      ],
    };
  },
  DeliveredTo: (variables) => {
    assert.deepEqual(variables, { patient: PATIENT, grantee: DOCTOR });
    return {
      accessEvents: [
        { purpose: 0, record: { id: R(4) }, copyCid: "0x", ...EV(16, 3, 16) },
        { purpose: 2, record: { id: R(2) }, copyCid: "0x0155", ...EV(17, 0, 17) },
      ],
    };
  },
  RoleHolders: () => ({ roleMemberships: [{ account: { id: HOSPITAL } }, { account: { id: DOCTOR } }] }),
  PatientsNaming: () => ({ emergencyContacts: [{ patient: { id: PATIENT } }, { patient: { id: PATIENT } }, { patient: { id: DOCTOR } }] }),
  FundingTokens: () => ({ fundingTokens: [{ id: "0x1000000000000000000000000000000000000001" }, { id: "0xc00000000000000000000000000000000000000c" }] }),
};

/** A quarter-funded ETH study past its deadline. */
const STUDY = {
  studyId: "2",
  researcher: { id: DOCTOR },
  token: "0x0000000000000000000000000000000000000000",
  goal: "2000",
  deadline: "1700000030",
  reward: "100",
  maxContributions: 5,
  categories: 2,
  protocolCid: "0x0155",
  raised: "500",
  refunded: "0",
  status: "FUNDING",
  withdrawnAmount: null,
  closed: false,
  acceptedContributions: 0,
  createdAt: "1700000025",
  funders: [{ id: "0x01" }],
};

function recordedFetch(): typeof fetch {
  return (async (_url: string, init: RequestInit) => {
    const { query, variables } = JSON.parse(String(init.body)) as { query: string; variables: Record<string, unknown> };
    const name = /query (\w+)/.exec(query)![1];
    const respond = RESPONSES[name];
    if (!respond) return new Response(JSON.stringify({ errors: [{ message: `no recorded response for ${name}` }] }));
    return new Response(JSON.stringify({ data: respond(variables) }), {
      headers: { "content-type": "application/json" },
    });
  }) as typeof fetch;
}

describe("GraphQL documents", () => {
  it("are valid against the API graph-node derives from subgraph/schema.graphql", async () => {
    const schema = buildSchema(await readFile(API_SCHEMA, "utf8"));
    for (const [name, document] of Object.entries(DOCUMENTS)) {
      const errors = validate(schema, parse(document));
      assert.deepEqual(
        errors.map((e) => e.message),
        [],
        `document ${name}`,
      );
    }
  });
});

describe("GraphQLQueryBackend mapping (recorded responses)", () => {
  const q = new GraphQLQueryBackend("http://subgraph.invalid/", { fetch: recordedFetch() });

  it("folds record versions into chains, newest first, same-block records by log index", async () => {
    const records = await q.records(getAddress(PATIENT));
    assert.deepEqual(
      records.map((r) => [r.latest.recordId, r.latest.version, r.versions.map((v) => v.recordId), r.latest.category]),
      [
        [R(4), 2, [R(1), R(4)], "Lab"],
        [R(2), 1, [R(2)], "Visit"],
        [R(5), 1, [R(5)], "Imaging"],
      ],
    );
    assert.equal(records[0].versions[0].nextVersion, R(4));
    assert.deepEqual(records[1].latest.registered, {
      blockNumber: 10n,
      logIndex: 1,
      transactionHash: TX(10),
      timestamp: 1_700_000_010,
    });
  });

  it("merges the four log collections by position, newest first, like the RPC log", async () => {
    const all = await q.accessLog(getAddress(PATIENT), { first: 50 });
    assert.deepEqual(
      all.items.map((e) => [e.kind, e.blockNumber, e.logIndex]),
      [
        ["EmergencyClosed", 24n, 0],
        ["EmergencyGranted", 23n, 2],
        ["EmergencyRequested", 21n, 0],
        ["PolicyRevoked", 18n, 1],
        ["AccessRevoked", 18n, 0],
        ["KeyDelivered", 16n, 3],
        ["KeyDelivered", 16n, 0],
        ["AccessRequested", 14n, 0],
        ["PolicySet", 13n, 0],
      ],
    );
    assert.equal(all.cursor, undefined);
    assert.deepEqual(all.items.at(-1), {
      kind: "PolicySet",
      policyId: R(9),
      version: 1,
      grantee: getAddress(DOCTOR),
      role: TX(0),
      purposes: ["TREAT"],
      validUntil: 1_700_086_400,
      anonymizedOnly: false,
      blockNumber: 13n,
      transactionHash: TX(13),
      logIndex: 0,
      timestamp: 1_700_000_013,
    });
    assert.deepEqual(all.items[3], {
      kind: "PolicyRevoked",
      policyId: R(9),
      version: 1,
      blockNumber: 18n,
      transactionHash: TX(18),
      logIndex: 1,
      timestamp: 1_700_000_018,
    });
    assert.deepEqual(all.items.slice(0, 3), [
      {
        kind: "EmergencyClosed",
        doctor: getAddress(DOCTOR),
        round: 1,
        status: "Cancelled",
        by: getAddress(PATIENT),
        blockNumber: 24n,
        transactionHash: TX(24),
        logIndex: 0,
        timestamp: 1_700_000_024,
      },
      {
        kind: "EmergencyGranted",
        doctor: getAddress(DOCTOR),
        round: 1,
        expiresAt: 1_700_003_623,
        blockNumber: 23n,
        transactionHash: TX(23),
        logIndex: 2,
        timestamp: 1_700_000_023,
      },
      {
        kind: "EmergencyRequested",
        doctor: getAddress(DOCTOR),
        round: 1,
        justification: "UNCONSCIOUS",
        approveBy: 1_700_007_221,
        blockNumber: 21n,
        transactionHash: TX(21),
        logIndex: 0,
        timestamp: 1_700_000_021,
      },
    ]);
  });

  it("pages the log with no gaps or repeats, the cursor the position of the last entry (as in RPC)", async () => {
    const all = await q.accessLog(getAddress(PATIENT), { first: 50 });
    for (const first of [1, 2, 4]) {
      const seen = [];
      const cursors = [];
      let page = await q.accessLog(getAddress(PATIENT), { first });
      for (;;) {
        seen.push(...page.items);
        if (!page.cursor) break;
        cursors.push(page.cursor);
        page = await q.accessLog(getAddress(PATIENT), { first, cursor: page.cursor });
      }
      assert.deepEqual(seen, all.items, `pages of ${first}`);
      assert.equal(cursors.length, Math.ceil(all.items.length / first) - 1);
    }
    const page = await q.accessLog(getAddress(PATIENT), { first: 4 });
    assert.equal(page.cursor, "18.1");
    await assert.rejects(q.accessLog(getAddress(PATIENT), { cursor: "3.0.1.2" }), RangeError);
  });

  it("orders policies and grants by the position of their last change, with revocation times", async () => {
    const { policies, grants } = await q.grantsAndPolicies(getAddress(PATIENT));
    assert.deepEqual(
      policies.map((p) => [p.policyId, p.active, p.revokedAt, p.set.logIndex]),
      [
        [R(9), false, 1_700_000_018, 0],
        [R(8), true, undefined, 0],
      ],
    );
    assert.deepEqual(
      grants.map((g) => [g.grantee, g.status, g.policyId, g.updatedAt]),
      [
        [getAddress(DOCTOR), "Revoked", R(9), 1_700_000_018],
        [getAddress(HOSPITAL), "Active", R(8), 1_700_000_017],
      ],
    );
  });

  it("counts the whole access log in the dashboard from the patient's counters", async () => {
    const dashboard = await q.dashboard(getAddress(PATIENT), { logPageSize: 2 });
    assert.equal(dashboard.log.items.length, 2);
    assert.deepEqual(dashboard.counts, {
      records: 3,
      versions: 4,
      accessEvents: 9,
      keyDeliveries: 2,
      contributions: 2,
    });
    assert.deepEqual(
      dashboard.research.studies.map((s) => s.studyId),
      [2n],
    );
  });

  it("folds contributions as the RPC backend does: one entry per submitted record, the accepted one paid", async () => {
    assert.deepEqual(await q.contributions(getAddress(PATIENT)), [
      {
        studyId: 2n,
        patient: getAddress(PATIENT),
        recordId: R(2),
        status: "Paid",
        reward: 100n,
        submittedAt: 1_700_000_032,
      },
      {
        studyId: 2n,
        patient: getAddress(PATIENT),
        recordId: R(1),
        status: "Rejected",
        rejectReason: "UNREADABLE",
        submittedAt: 1_700_000_030,
      },
    ]);
  });

  it("derives statuses at the indexed block: a granted emergency in force, a study past its deadline failed", async () => {
    const emergency = await q.emergency(getAddress(PATIENT));
    assert.equal(emergency.current?.version, 1);
    assert.deepEqual(emergency.current?.contacts, [getAddress(HOSPITAL), getAddress(DOCTOR)]);
    assert.deepEqual(
      [emergency.requests[0].status, emergency.requests[0].justification, emergency.requests[0].noteCid],
      ["Granted", "UNCONSCIOUS", null],
    );
    const { items } = await q.studies();
    assert.deepEqual(
      items.map((s) => [s.studyId, s.status, s.fundedPercent, s.funders, s.withdrawn]),
      [[2n, "Failed", 25, 1, 0n]],
    );
  });

  it("lists the records a hospital sent, newest first by position, versions linked", async () => {
    const sent = await q.recordsSent(getAddress(HOSPITAL), { first: 2 });
    assert.deepEqual(
      sent.map((v) => [v.recordId, v.version, v.previousVersion, v.nextVersion, v.provider, v.registered.logIndex]),
      [
        [R(4), 2, R(1), null, getAddress(HOSPITAL), 1],
        [R(1), 1, null, R(4), getAddress(HOSPITAL), 0],
      ],
    );
  });

  it("gives a study's funding history oldest first, with amounts and totals as bigints", async () => {
    const history = await q.fundingHistory(2n);
    assert.deepEqual(
      history.map((s) => [s.contributor, s.amount, s.raised, s.at.blockNumber, s.at.logIndex, s.at.timestamp]),
      [
        [getAddress(PATIENT), 200n, 200n, 30n, 0, 1_700_000_030],
        [getAddress(DOCTOR), 300n, 500n, 31n, 1, 1_700_000_031],
      ],
    );
  });

  it("maps key deliveries, role holders and the patients naming a contact", async () => {
    const delivered = await q.deliveredTo(getAddress(PATIENT), getAddress(DOCTOR));
    assert.deepEqual(
      delivered.map((d) => [d.recordId, d.purpose, d.copyCid, d.at.blockNumber, d.at.logIndex]),
      [
        [R(4), "TREAT", null, 16n, 3],
        [R(2), "HRESCH", "0x0155", 17n, 0],
      ],
    );
    // Sorted by address, duplicates (a patient's several configurations) once.
    assert.deepEqual(await q.roleHolders("RESEARCHER"), [getAddress(HOSPITAL), getAddress(DOCTOR)].sort((a, b) => (a.toLowerCase() < b.toLowerCase() ? -1 : 1)));
    assert.deepEqual(await q.patientsNaming(getAddress(HOSPITAL)), [getAddress(DOCTOR), getAddress(PATIENT)].sort((a, b) => (a.toLowerCase() < b.toLowerCase() ? -1 : 1)));
  });

  it("lists the allowed funding tokens as checksummed addresses", async () => {
    assert.deepEqual(await q.fundingTokens(), [
      getAddress("0x1000000000000000000000000000000000000001"),
      getAddress("0xc00000000000000000000000000000000000000c"),
    ]);
  });

  it("turns GraphQL errors into SUBGRAPH_UNAVAILABLE", async () => {
    await assert.rejects(
      q.hospitalStaff(getAddress(HOSPITAL)),
      (e: Error & { code?: string }) => e.code === "SUBGRAPH_UNAVAILABLE",
    );
  });
});
