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
        transactionHash: TX(12),
      },
    ],
  }),
  AccessLog: (v) =>
    v.skipEvents === 0
      ? {
          accessEvents: [
            {
              kind: "KEY_DELIVERED",
              grantee: { id: DOCTOR },
              purpose: 0,
              policyId: null,
              rights: null,
              outcome: null,
              denyReason: null,
              expiresAt: null,
              approved: null,
              revokedBy: null,
              sharer: null,
              record: { id: R(4) },
              deliverer: { id: PATIENT },
              copyCid: "0x",
              ...EV(16, 1, 16),
            },
            {
              kind: "KEY_DELIVERED",
              grantee: { id: DOCTOR },
              purpose: 0,
              policyId: null,
              rights: null,
              outcome: null,
              denyReason: null,
              expiresAt: null,
              approved: null,
              revokedBy: null,
              sharer: null,
              record: { id: R(2) },
              deliverer: { id: PATIENT },
              copyCid: "0x",
              ...EV(16, 0, 16),
            },
            {
              kind: "REQUESTED",
              grantee: { id: DOCTOR },
              purpose: 0,
              policyId: R(9),
              rights: 1,
              outcome: "GRANTED",
              denyReason: "NONE",
              expiresAt: "1700086400",
              approved: null,
              revokedBy: null,
              sharer: null,
              record: null,
              deliverer: null,
              copyCid: null,
              ...EV(14, 0, 14),
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
              ...EV(13, 0, 13),
            },
          ],
        }
      : { accessEvents: [], policyVersions: [] },
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
        votes: [],
      },
    ],
  }),
  Studies: () => ({
    studies: [
      {
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
      },
    ],
  }),
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

  it("folds record versions into chains, newest first", async () => {
    const records = await q.records(getAddress(PATIENT));
    assert.deepEqual(
      records.map((r) => [r.latest.recordId, r.latest.version, r.versions.map((v) => v.recordId), r.latest.category]),
      [
        [R(4), 2, [R(1), R(4)], "Lab"],
        [R(2), 1, [R(2)], "Visit"],
      ],
    );
    assert.equal(records[0].versions[0].nextVersion, R(4));
    assert.equal(records[0].latest.registered.timestamp, 1_700_000_012);
  });

  it("merges access events and policy versions newest first, with positions from the entity ids", async () => {
    const page = await q.accessLog(getAddress(PATIENT), { first: 3 });
    assert.deepEqual(
      page.items.map((e) => [e.kind, e.blockNumber, e.logIndex]),
      [
        ["KeyDelivered", 16n, 1],
        ["KeyDelivered", 16n, 0],
        ["AccessRequested", 14n, 0],
      ],
    );
    assert.equal(page.cursor, "3.0");
    const rest = await q.accessLog(getAddress(PATIENT), { first: 3, cursor: page.cursor });
    assert.deepEqual(rest, { items: [] });
    const all = await q.accessLog(getAddress(PATIENT), { first: 10 });
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
    assert.equal(all.cursor, undefined);
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

  it("turns GraphQL errors into SUBGRAPH_UNAVAILABLE", async () => {
    await assert.rejects(
      q.hospitalStaff(getAddress(HOSPITAL)),
      (e: Error & { code?: string }) => e.code === "SUBGRAPH_UNAVAILABLE",
    );
  });
});
