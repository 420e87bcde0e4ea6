/** A patient's home screen from the subgraph: the per-domain queries at once, and the patient's log counters. */
import type { Address } from "viem";
import type { Dashboard, DashboardOptions } from "../types.ts";
import { lower, type SubgraphClient } from "./client.ts";
import { grantsAndPolicies } from "./consent.ts";
import { DOCUMENTS } from "./documents.ts";
import { emergency } from "./emergency.ts";
import { accessLog } from "./log.ts";
import { records as patientRecords } from "./records.ts";
import { contributions as patientContributions, studiesByIds } from "./research.ts";

export async function dashboard(subgraph: SubgraphClient, patient: Address, options: DashboardOptions = {}): Promise<Dashboard> {
  const [asOf, records, { policies, grants }, log, emergencyOverview, contributions, { patient: counted }] = await Promise.all([
    subgraph.now(),
    patientRecords(subgraph, patient),
    grantsAndPolicies(subgraph, patient),
    accessLog(subgraph, patient, { first: options.logPageSize ?? 20 }),
    emergency(subgraph, patient),
    patientContributions(subgraph, patient),
    subgraph.query<{ patient: { accessLogCount: number; keyDeliveryCount: number } | null }>(DOCUMENTS.patientCounts, {
      patient: lower(patient),
    }),
  ]);
  const studies = await studiesByIds(subgraph, [...new Set(contributions.map((c) => c.studyId))], asOf.timestamp);
  return {
    patient,
    asOf,
    records,
    policies,
    grants,
    log,
    emergency: emergencyOverview,
    research: { contributions, studies },
    counts: {
      records: records.length,
      versions: records.reduce((n, r) => n + r.versions.length, 0),
      // Kept by the subgraph's Patient entity as the entries are indexed: the whole log, not one page.
      accessEvents: counted?.accessLogCount ?? 0,
      keyDeliveries: counted?.keyDeliveryCount ?? 0,
      contributions: contributions.length,
    },
  };
}
