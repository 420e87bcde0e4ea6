/** Records, from the RecordRegistry's `RecordRegistered` events. */
import { decodeEventLog, zeroHash, type Address, type Hex } from "viem";
import { recordRegistryAbi } from "../../chain/abis.ts";
import { recordCategoryName } from "../../fhir/categories.ts";
import { addressTopic, type RawLog } from "../logs.ts";
import { newestVersionsFirst, recordChains } from "../map.ts";
import { pageSize, type PageRequest, type PatientRecord, type RecordVersion } from "../types.ts";
import { Stamps, topicOf, type Head, type LogSource } from "./source.ts";

const RECORD_REGISTERED = topicOf(recordRegistryAbi, "RecordRegistered");

/** A patient's `RecordRegistered` logs, oldest first. */
export function recordLogs(source: LogSource, patient: Address, head: Head): Promise<RawLog[]> {
  return source.all("recordRegistry", [RECORD_REGISTERED, null, addressTopic(patient)], head);
}

export async function records(source: LogSource, patient: Address): Promise<PatientRecord[]> {
  const head = await source.head();
  const logs = await recordLogs(source, patient, head);
  return source.stamped((stamps) => foldRecords(logs, stamps));
}

export async function recordsSent(source: LogSource, provider: Address, page?: PageRequest): Promise<RecordVersion[]> {
  const first = pageSize(page);
  const logs = await source.all("recordRegistry", [RECORD_REGISTERED, null, null, addressTopic(provider)]);
  // A provider amends only what it registered, so its own log holds every version chain whole.
  // Block times are read for the returned page only (the unfilled Stamps leaves the rest at -1).
  const versions = newestVersionsFirst(foldRecords(logs, new Stamps()).flatMap((record) => record.versions)).slice(0, first);
  const unknown = versions.filter((v) => v.registered.timestamp < 0);
  const times = await source.blockTimestamps(unknown.map((v) => v.registered.blockNumber));
  for (const v of unknown) v.registered.timestamp = times.get(v.registered.blockNumber)!;
  return versions;
}

/** `RecordRegistered` logs of one patient or provider (oldest first) as records with their versions. */
export function foldRecords(logs: RawLog[], stamps: Stamps): PatientRecord[] {
  const versions = new Map<Hex, RecordVersion>();
  for (const log of logs) {
    const { args } = decodeEventLog({ abi: recordRegistryAbi, eventName: "RecordRegistered", data: log.data, topics: log.topics });
    const previous = args.previousVersion === zeroHash ? null : args.previousVersion;
    const before = previous ? versions.get(previous) : undefined;
    const version: RecordVersion = {
      recordId: args.recordId,
      patient: args.patient,
      provider: args.provider,
      hospitalId: args.hospitalId,
      patientAuthored: args.hospitalId === 0,
      cid: args.cid,
      contentDigest: args.contentDigest,
      category: recordCategoryName(args.category),
      version: before ? before.version + 1 : 1,
      previousVersion: previous,
      nextVersion: null,
      registered: stamps.ref(log),
    };
    if (before) before.nextVersion = version.recordId;
    versions.set(version.recordId, version);
  }
  return recordChains(versions);
}
