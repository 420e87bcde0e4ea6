/** A patient's home screen, from one read of each contract's events about them at one block. */
import type { Address } from "viem";
import { byPosition, foldContributions } from "../map.ts";
import { pageSize, type Dashboard, type DashboardOptions } from "../types.ts";
import { foldConsent, patientLogs } from "./consent.ts";
import { foldEmergency } from "./emergency.ts";
import { logEntry, logPage } from "./log.ts";
import { foldRecords, recordLogs } from "./records.ts";
import { contributionEvents, contributionLogs, foldStudies, studyLogs } from "./research.ts";
import { Stamps, type LogSource } from "./source.ts";

export async function dashboard(source: LogSource, patient: Address, options: DashboardOptions = {}): Promise<Dashboard> {
  const head = await source.head();
  const stamps = new Stamps();
  const [recordLogsFound, consentLogs, emergencyLogs, contributionLogsFound] = await Promise.all([
    recordLogs(source, patient, head),
    patientLogs(source, patient, head, "consentManager"),
    patientLogs(source, patient, head, "emergencyAccess"),
    contributionLogs(source, patient, head),
  ]);
  const studyIds = [...new Set(contributionLogsFound.map((l) => BigInt(l.topics[1]!)))];
  const studyLogsFound = studyIds.length ? studyLogs(source, head, studyIds) : Promise.resolve([]);
  const records = foldRecords(recordLogsFound, stamps);
  const { policies, grants } = foldConsent(consentLogs, head, stamps);
  const emergency = foldEmergency(emergencyLogs, head, stamps);
  const entries = [...consentLogs, ...emergencyLogs]
    .sort(byPosition)
    .reverse()
    .flatMap((log) => logEntry(source, log) ?? []);
  const log = logPage(source, entries, pageSize({ first: options.logPageSize }, 20));
  const events = contributionEvents(contributionLogsFound, stamps);
  const studies = foldStudies(await studyLogsFound, head, stamps);
  await source.stamp(stamps);
  const contributions = foldContributions(events);
  return {
    patient,
    asOf: { blockNumber: head.number, timestamp: head.timestamp },
    records,
    policies,
    grants,
    log: await log,
    emergency,
    research: { contributions, studies },
    counts: {
      records: records.length,
      versions: recordLogsFound.length,
      accessEvents: entries.length,
      keyDeliveries: entries.filter((e) => e.kind === "KeyDelivered").length,
      contributions: contributions.length,
    },
  };
}
