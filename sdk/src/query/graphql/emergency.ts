/** Emergency contacts, requests and votes, from the subgraph's `EmergencyConfig`, `EmergencyRequest` and `EmergencyEvent` entities. */
import { getAddress, type Address, type Hex } from "viem";
import { EMERGENCY_STATUS } from "../../chain/emergency.ts";
import { justificationName } from "../../chain/roles.ts";
import { byPosition, bytesOrNull, emergencyOverview, emergencyStatusAt } from "../map.ts";
import {
  byAddress,
  type EmergencyContactsConfig,
  type EmergencyLogEntry,
  type EmergencyOverview,
  type EmergencyRequestSummary,
} from "../types.ts";
import { enumOf, eventRef, lower, SubgraphError, type Ev, type Id, type SubgraphClient } from "./client.ts";
import { DOCUMENTS } from "./documents.ts";

type ConfigRow = {
  version: number;
  threshold: number;
  sharesCid: Hex;
  activatesAt: string;
  proposedAt: string;
  cancelled: boolean;
  contacts: { contact: Id }[];
};
type RequestRow = {
  doctor: Id;
  round: number;
  config: { version: number };
  justification: number;
  noteCid: Hex;
  duration: string;
  approveBy: string;
  status: string;
  approvals: number;
  rejections: number;
  expiresAt: string | null;
  grantedAt: string | null;
  closedAt: string | null;
  closedBy: Id | null;
  requestedAt: string;
  blockNumber: string;
  logIndex: number;
  votes: (Ev & { contact: Id; approved: boolean })[];
};

export async function emergency(subgraph: SubgraphClient, patient: Address): Promise<EmergencyOverview> {
  const [{ emergencyConfigs, emergencyRequests }, now] = await Promise.all([
    subgraph.query<{ emergencyConfigs: ConfigRow[]; emergencyRequests: RequestRow[] }>(DOCUMENTS.emergency, {
      patient: lower(patient),
    }),
    subgraph.now(),
  ]);
  const configs = emergencyConfigs.map(
    (c): EmergencyContactsConfig => ({
      version: c.version,
      contacts: c.contacts.map((x) => getAddress(x.contact.id)),
      threshold: c.threshold,
      sharesCid: c.sharesCid,
      activatesAt: Number(c.activatesAt),
      cancelled: c.cancelled,
      proposedAt: Number(c.proposedAt),
    }),
  );
  const requestedAt = (r: RequestRow) => ({ blockNumber: BigInt(r.blockNumber), logIndex: r.logIndex });
  emergencyRequests.sort((a, b) => byPosition(requestedAt(b), requestedAt(a)));
  const requests = emergencyRequests.map((r): EmergencyRequestSummary => {
    const expiresAt = r.expiresAt ? Number(r.expiresAt) : undefined;
    return {
      doctor: getAddress(r.doctor.id),
      round: r.round,
      configVersion: r.config.version,
      justification: justificationName(r.justification),
      noteCid: bytesOrNull(r.noteCid),
      duration: Number(r.duration),
      approveBy: Number(r.approveBy),
      status: emergencyStatusAt(enumOf(EMERGENCY_STATUS, r.status), { approveBy: Number(r.approveBy), expiresAt }, now.timestamp),
      votes: r.votes
        .map((v) => ({ contact: getAddress(v.contact.id), approved: v.approved, at: eventRef(v) }))
        .sort((a, b) => byPosition(a.at, b.at)),
      approvals: r.approvals,
      rejections: r.rejections,
      ...(expiresAt !== undefined ? { expiresAt } : {}),
      ...(r.grantedAt ? { grantedAt: Number(r.grantedAt) } : {}),
      ...(r.closedBy ? { closedBy: getAddress(r.closedBy.id) } : {}),
      ...(r.closedAt ? { closedAt: Number(r.closedAt) } : {}),
      requestedAt: Number(r.requestedAt),
    };
  });
  return emergencyOverview(configs, requests, now.timestamp);
}

export async function patientsNaming(subgraph: SubgraphClient, contact: Address): Promise<Address[]> {
  const { emergencyContacts } = await subgraph.query<{ emergencyContacts: { patient: Id }[] }>(DOCUMENTS.patientsNaming, {
    contact: lower(contact),
  });
  return byAddress([...new Set(emergencyContacts.map((c) => getAddress(c.patient.id)))]);
}

/** A log entry without its position (Omit over each member of the union). */
export type Unplaced<T> = T extends unknown ? Omit<T, "blockNumber" | "transactionHash" | "logIndex"> : never;

export type EmergencyEventRow = {
  kind: string;
  doctor: Id;
  round: number;
  justification: number | null;
  approveBy: string | null;
  expiresAt: string | null;
  status: string | null;
  closedBy: Id | null;
};

/** An EmergencyEvent as the access-log entry the RPC backend decodes from the same event. */
export function emergencyEntry(e: EmergencyEventRow): Unplaced<EmergencyLogEntry> {
  const request = { doctor: getAddress(e.doctor.id), round: e.round };
  switch (e.kind) {
    case "REQUESTED":
      return { kind: "EmergencyRequested", ...request, justification: justificationName(e.justification!), approveBy: Number(e.approveBy) };
    case "GRANTED":
      return { kind: "EmergencyGranted", ...request, expiresAt: Number(e.expiresAt) };
    case "CLOSED":
      return { kind: "EmergencyClosed", ...request, status: enumOf(EMERGENCY_STATUS, e.status!), by: getAddress(e.closedBy!.id) };
    default:
      throw new SubgraphError(`unexpected emergency event kind ${e.kind}`);
  }
}
