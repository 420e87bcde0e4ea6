/**
 * A patient's access log from the subgraph: four collections (access events, policy versions,
 * policy revocations, emergency events) merged by their `position` (block × 2^32 + log index).
 * Pages are read below a position, with no `skip`, so graph-node's skip cap never applies.
 */
import { getAddress, type Address, type Hex } from "viem";
import { DENY_REASON, REQUEST_OUTCOME } from "../../chain/access.ts";
import { purposeName, purposeNames } from "../../chain/roles.ts";
import type { AccessLogEntry } from "../access-log.ts";
import { byPosition, parseLogCursor, takePage } from "../map.ts";
import { pageSize, type LogEntry, type Page, type PageRequest } from "../types.ts";
import { enumOf, eventRef, lower, SubgraphError, type Ev, type Id, type SubgraphClient } from "./client.ts";
import { DOCUMENTS } from "./documents.ts";
import { emergencyEntry, type EmergencyEventRow, type Unplaced } from "./emergency.ts";

/** Above every log entity's `position`: the first page's bound. */
const END_OF_CHAIN = 1n << 96n;

type AccessRow = {
  kind: "REQUESTED" | "DECIDED" | "REVOKED" | "SHARED" | "KEY_DELIVERED";
  grantee: Id;
  purpose: number;
  policyId: Hex | null;
  outcome: string | null;
  denyReason: string | null;
  expiresAt: string | null;
  approved: boolean | null;
  revokedBy: Id | null;
  sharer: Id | null;
  record: Id | null;
  deliverer: Id | null;
  copyCid: Hex | null;
};
type VersionRow = Ev & {
  policy: { policyId: Hex };
  version: number;
  grantee: string;
  role: Hex;
  purposes: string;
  validUntil: string;
  anonymizedOnly: boolean;
};
type RevocationRow = Ev & { policyId: Hex; version: number };

export async function accessLog(subgraph: SubgraphClient, patient: Address, page?: PageRequest): Promise<Page<LogEntry>> {
  const first = pageSize(page);
  let before = END_OF_CHAIN;
  if (page?.cursor) {
    const { blockNumber, logIndex } = parseLogCursor(page.cursor);
    before = (blockNumber << 32n) + BigInt(logIndex);
  }
  const { accessEvents, policyVersions, policyRevocations, emergencyEvents } = await subgraph.query<{
    accessEvents: (Ev & AccessRow)[];
    policyVersions: VersionRow[];
    policyRevocations: RevocationRow[];
    emergencyEvents: (Ev & EmergencyEventRow)[];
  }>(DOCUMENTS.accessLog, { patient: lower(patient), first: first + 1, before: before.toString() });
  // Each collection comes newest first from below the cursor; the page takes the newest `first` of
  // all four, and the next cursor is the position of the last entry taken (as in the RPC backend).
  const merged = [
    ...accessEvents.map((e) => ({ ref: eventRef(e), entry: accessEntry(e) })),
    ...policyVersions.map((v) => ({ ref: eventRef(v), entry: policySetEntry(v) })),
    ...policyRevocations.map((r) => ({
      ref: eventRef(r),
      entry: { kind: "PolicyRevoked" as const, policyId: r.policyId, version: r.version },
    })),
    ...emergencyEvents.map((e) => ({ ref: eventRef(e), entry: emergencyEntry(e) })),
  ].sort((a, b) => byPosition(b.ref, a.ref));
  const { items, cursor } = takePage(merged, first, (m) => m.ref);
  return {
    items: items.map(
      ({ ref, entry }) =>
        ({
          ...entry,
          blockNumber: ref.blockNumber,
          transactionHash: ref.transactionHash,
          logIndex: ref.logIndex,
          timestamp: ref.timestamp,
        }) as LogEntry,
    ),
    ...(cursor ? { cursor } : {}),
  };
}

function policySetEntry(v: VersionRow): Unplaced<AccessLogEntry> {
  return {
    kind: "PolicySet",
    policyId: v.policy.policyId,
    version: v.version,
    grantee: getAddress(v.grantee),
    role: v.role,
    purposes: purposeNames(BigInt(v.purposes)),
    validUntil: Number(v.validUntil),
    anonymizedOnly: v.anonymizedOnly,
  };
}

/** An AccessEvent as the access-log entry `decodeAccessLogEntry` makes of the same event. */
function accessEntry(e: AccessRow): Unplaced<AccessLogEntry> {
  const purpose = purposeName(e.purpose);
  const grantee = getAddress(e.grantee.id);
  switch (e.kind) {
    case "REQUESTED":
      return {
        kind: "AccessRequested",
        requester: grantee,
        policyId: e.policyId!,
        purpose,
        outcome: enumOf(REQUEST_OUTCOME, e.outcome!),
        reason: enumOf(DENY_REASON, e.denyReason!),
        expiresAt: Number(e.expiresAt ?? 0),
      };
    case "DECIDED":
      return { kind: "AccessDecided", requester: grantee, purpose, approved: e.approved! };
    case "REVOKED":
      return { kind: "AccessRevoked", grantee, purpose, by: getAddress(e.revokedBy!.id) };
    case "SHARED":
      return { kind: "AccessShared", sharer: getAddress(e.sharer!.id), recipient: grantee, purpose, expiresAt: Number(e.expiresAt ?? 0) };
    case "KEY_DELIVERED":
      return {
        kind: "KeyDelivered",
        grantee,
        recordId: e.record!.id as Hex,
        purpose,
        deliverer: getAddress(e.deliverer!.id),
        deidentifiedCopy: !!e.copyCid && e.copyCid !== "0x",
      };
    default:
      throw new SubgraphError(`unexpected access event kind ${(e as { kind: string }).kind}`);
  }
}
