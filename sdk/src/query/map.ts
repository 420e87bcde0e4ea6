/**
 * The query layer's one mapping module: what both backends do with what they read, once. A backend
 * turns its source (event logs, subgraph entities) into the plain items below; from there the
 * result types of ./types.ts are built here: records linked into version chains, statuses derived
 * at the block the query reads at (as the contracts' views derive them), contributions folded, the
 * access log paged. The backends differ only where the data source does.
 */
import type { Address, Hex } from "viem";
import type { GrantStatusName } from "../chain/access.ts";
import type { EmergencyStatusName } from "../chain/emergency.ts";
import { rejectReasonName, studyStatusAt, type StudyStatusName } from "../chain/research.ts";
import type {
  DataContribution,
  EmergencyContactsConfig,
  EmergencyOverview,
  EmergencyRequestSummary,
  EventRef,
  GrantSummary,
  PatientRecord,
  RecordVersion,
  Study,
} from "./types.ts";

/** Where an event stands in the chain: enough to order events. */
export type Position = { blockNumber: bigint; logIndex: number };

/** Orders events oldest first. */
export function byPosition(a: Position, b: Position): number {
  return a.blockNumber === b.blockNumber ? a.logIndex - b.logIndex : a.blockNumber < b.blockNumber ? -1 : 1;
}

/** Optional bytes as events and entities carry them (empty, or absent) → null. */
export function bytesOrNull(bytes: Hex | null | undefined): Hex | null {
  return bytes && bytes !== "0x" ? bytes : null;
}

// ── records ──────────────────────────────────────────────────────────────────────────────────

/** Record versions (linked by `previousVersion`/`nextVersion`) as records with their whole history, latest-registered first. */
export function recordChains(versions: Map<Hex, RecordVersion>): PatientRecord[] {
  const records: PatientRecord[] = [];
  for (const first of versions.values()) {
    if (first.previousVersion) continue;
    const chain = [first];
    for (let next = first.nextVersion; next && versions.has(next); next = versions.get(next)!.nextVersion)
      chain.push(versions.get(next)!);
    records.push({ latest: chain[chain.length - 1], versions: chain });
  }
  return records.sort((a, b) => byPosition(b.latest.registered, a.latest.registered));
}

/** Record versions newest first (by registration). */
export function newestVersionsFirst(versions: RecordVersion[]): RecordVersion[] {
  return versions.sort((a, b) => byPosition(b.registered, a.registered));
}

// ── consent ──────────────────────────────────────────────────────────────────────────────────

/** A grant's status at `now`, as `grantOf` reads it: an active or pending grant past its end has `Expired`. */
export function grantStatusAt(stored: GrantStatusName, expiresAt: number, now: number): GrantSummary["status"] {
  return (stored === "Active" || stored === "Pending") && expiresAt <= now ? "Expired" : stored;
}

// ── emergency ────────────────────────────────────────────────────────────────────────────────

/** A request's status at `now`, as `requestOf` reads it: open past `approveBy`, or granted past `expiresAt`, is `Expired`. */
export function emergencyStatusAt(
  stored: EmergencyStatusName,
  request: { approveBy: number; expiresAt?: number },
  now: number,
): EmergencyStatusName {
  if (stored === "Open" && now >= request.approveBy) return "Expired";
  if (stored === "Granted" && request.expiresAt !== undefined && now >= request.expiresAt) return "Expired";
  return stored;
}

/** A patient's emergency overview from every configuration and request (each newest first), at `now`. */
export function emergencyOverview(
  configs: EmergencyContactsConfig[],
  requests: EmergencyRequestSummary[],
  now: number,
): EmergencyOverview {
  const live = configs.filter((c) => !c.cancelled);
  const current = live.find((c) => c.activatesAt <= now);
  const pending = live.find((c) => c.activatesAt > now && c.version > (current?.version ?? 0));
  return { ...(current ? { current } : {}), ...(pending ? { pending } : {}), configs, requests };
}

// ── research ─────────────────────────────────────────────────────────────────────────────────

/** A study as its source holds it: the stored status (never `Failed`) and the number of distinct funders. */
export type StudyFields = Omit<Study, "fundedPercent" | "status"> & { stored: StudyStatusName };

/** A study with what is derived from it at `now`: the funded percentage and the status `statusOf` reads. */
export function studyAt({ stored, ...study }: StudyFields, now: number): Study {
  return {
    ...study,
    fundedPercent: study.goal === 0n ? 0 : Number((study.raised * 100n) / study.goal),
    status: studyStatusAt(stored, study.deadline, now),
  };
}

/** One step of a data contribution's history, as either source records it. */
export type ContributionEvent = { studyId: bigint; patient: Address } & (
  | { kind: "Submitted"; recordId: Hex; at: EventRef }
  | { kind: "Accepted"; recordId: Hex; reward: bigint }
  | { kind: "Rejected"; recordId: Hex; reason: number }
  | { kind: "Paid" }
);

/**
 * Data submissions and their fate from their history (oldest first): one entry per submitted record
 * (a record resubmitted after a rejection is a new entry), the accepted one `Paid` once its reward
 * was claimed; newest submission first. The events' times must be known (`at.timestamp`).
 */
export function foldContributions(events: ContributionEvent[]): DataContribution[] {
  const rows = new Map<string, DataContribution & { submitted: EventRef }>();
  const accepted = new Map<string, DataContribution>();
  for (const e of events) {
    const patientKey = `${e.studyId}:${e.patient.toLowerCase()}`;
    if (e.kind === "Paid") {
      const row = accepted.get(patientKey);
      if (row) row.status = "Paid";
      continue;
    }
    const key = `${patientKey}:${e.recordId}`;
    if (e.kind === "Submitted") {
      rows.set(key, {
        studyId: e.studyId,
        patient: e.patient,
        recordId: e.recordId,
        status: "Submitted",
        submittedAt: e.at.timestamp,
        submitted: e.at,
      });
      continue;
    }
    const row = rows.get(key);
    if (!row) continue;
    if (e.kind === "Accepted") {
      Object.assign(row, { status: "Accepted", reward: e.reward });
      accepted.set(patientKey, row);
    } else Object.assign(row, { status: "Rejected", rejectReason: rejectReasonName(e.reason) });
  }
  return [...rows.values()]
    .sort((a, b) => byPosition(b.submitted, a.submitted))
    .map(({ submitted: _, ...row }) => row);
}

// ── pages and cursors ────────────────────────────────────────────────────────────────────────

/** An access-log cursor: the position of the last entry returned; the next page starts below it. */
export function formatLogCursor(position: Position): string {
  return `${position.blockNumber}.${position.logIndex}`;
}

export function parseLogCursor(cursor: string): Position {
  const match = /^(\d+)\.(\d+)$/.exec(cursor);
  if (!match || Number(match[2]) >= 2 ** 32) throw new RangeError(`not an access-log cursor of this backend: ${cursor}`);
  return { blockNumber: BigInt(match[1]), logIndex: Number(match[2]) };
}

/** A study-list cursor: how many studies came before. */
export function parseStudyCursor(cursor: string | undefined): number {
  if (cursor === undefined || cursor === "") return 0;
  if (!/^\d+$/.test(cursor) || !Number.isSafeInteger(Number(cursor)))
    throw new RangeError(`not a study-list cursor of this backend: ${cursor}`);
  return Number(cursor);
}

/** The first `first` of `newestFirst`, with the cursor below the last one taken when more follow. */
export function takePage<T>(newestFirst: T[], first: number, positionOf: (item: T) => Position): { items: T[]; cursor?: string } {
  const items = newestFirst.slice(0, first);
  return newestFirst.length > first ? { items, cursor: formatLogCursor(positionOf(items[items.length - 1])) } : { items };
}
