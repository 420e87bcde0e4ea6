/** A patient's access log: the ConsentManager's and EmergencyAccess's events about them, newest first. */
import type { Address } from "viem";
import { consentManagerAbi, emergencyAccessAbi } from "../../chain/abis.ts";
import { decodeAccessLogEntry } from "../access-log.ts";
import { addressTopic, type RawLog } from "../logs.ts";
import { byPosition, parseLogCursor, takePage } from "../map.ts";
import { pageSize, type LogEntry, type Page, type PageRequest } from "../types.ts";
import { decodeEmergencyLogEntry } from "./emergency.ts";
import { topicOf, type LogSource } from "./source.ts";

const CONSENT_LOG_TOPICS = [
  "PolicySet",
  "PolicyRevoked",
  "AccessRequested",
  "AccessDecided",
  "AccessRevoked",
  "AccessShared",
  "KeyDelivered",
].map((name) => topicOf(consentManagerAbi, name));
const EMERGENCY_LOG_TOPICS = ["EmergencyRequested", "EmergencyGranted", "EmergencyClosed"].map((name) =>
  topicOf(emergencyAccessAbi, name),
);

export type Unstamped = Omit<LogEntry, "timestamp">;

export async function accessLog(source: LogSource, patient: Address, page?: PageRequest): Promise<Page<LogEntry>> {
  const first = pageSize(page);
  const head = await source.head();
  const before = page?.cursor ? parseLogCursor(page.cursor) : undefined;
  const isBefore = (log: RawLog) => !before || byPosition(log, before) < 0;
  const found = await source.backward(
    ["consentManager", "emergencyAccess"],
    [[...CONSENT_LOG_TOPICS, ...EMERGENCY_LOG_TOPICS], addressTopic(patient)],
    before ? before.blockNumber : head.number,
    (logs) => logs.filter(isBefore).length > first,
  );
  const entries = found.filter(isBefore).flatMap((log) => logEntry(source, log) ?? []);
  return logPage(source, entries, first);
}

/** A ConsentManager or EmergencyAccess log as an access-log entry (without its time); undefined outside the log. */
export function logEntry(source: LogSource, log: RawLog): Unstamped | undefined {
  return log.address.toLowerCase() === source.address("consentManager").toLowerCase()
    ? decodeAccessLogEntry(log)
    : decodeEmergencyLogEntry(log);
}

/** The first `first` of `entries` (newest first) with their block times, and a cursor if more follow. */
export async function logPage(source: LogSource, entries: Unstamped[], first: number): Promise<Page<LogEntry>> {
  const { items, cursor } = takePage(entries, first, (e) => e);
  const times = await source.blockTimestamps(items.map((e) => e.blockNumber));
  return {
    items: items.map((e) => ({ ...e, timestamp: times.get(e.blockNumber)! }) as LogEntry),
    ...(cursor ? { cursor } : {}),
  };
}
