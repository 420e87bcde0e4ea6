/** Emergency contacts, requests and votes, from the EmergencyAccess contract's events. */
import { decodeEventLog, type Address } from "viem";
import { emergencyAccessAbi } from "../../chain/abis.ts";
import { EMERGENCY_STATUS } from "../../chain/emergency.ts";
import { justificationName } from "../../chain/roles.ts";
import type { RawLog } from "../logs.ts";
import { byAddress } from "../types.ts";
import { byPosition, bytesOrNull, emergencyOverview, emergencyStatusAt } from "../map.ts";
import type { EmergencyContactsConfig, EmergencyLogEntry, EmergencyOverview, EmergencyRequestSummary } from "../types.ts";
import { patientLogs } from "./consent.ts";
import { topicOf, type Head, type LogSource, type Stamps } from "./source.ts";

const CONTACTS_PROPOSED = topicOf(emergencyAccessAbi, "ContactsProposed");

export async function emergency(source: LogSource, patient: Address): Promise<EmergencyOverview> {
  const head = await source.head();
  const logs = await patientLogs(source, patient, head, "emergencyAccess");
  return source.stamped((stamps) => foldEmergency(logs, head, stamps));
}

export async function patientsNaming(source: LogSource, contact: Address): Promise<Address[]> {
  // Contacts are not indexed (they are an array), so every proposal is read and filtered here.
  const logs = await source.all("emergencyAccess", [CONTACTS_PROPOSED]);
  const patients = new Set<Address>();
  for (const log of logs) {
    const { args } = decodeEventLog({ abi: emergencyAccessAbi, eventName: "ContactsProposed", data: log.data, topics: log.topics });
    if (args.contacts.some((c) => c.toLowerCase() === contact.toLowerCase())) patients.add(args.patient);
  }
  return byAddress([...patients]);
}

/** One EmergencyAccess log as an access-log entry; undefined for events outside the log. */
export function decodeEmergencyLogEntry(log: RawLog): EmergencyLogEntry | undefined {
  const event = decodeEventLog({ abi: emergencyAccessAbi, data: log.data, topics: log.topics });
  const at = { blockNumber: log.blockNumber, transactionHash: log.transactionHash, logIndex: log.logIndex };
  switch (event.eventName) {
    case "EmergencyRequested": {
      const { doctor, round, justification, approveBy } = event.args;
      return { ...at, kind: event.eventName, doctor, round, justification: justificationName(justification), approveBy };
    }
    case "EmergencyGranted": {
      const { doctor, round, expiresAt } = event.args;
      return { ...at, kind: event.eventName, doctor, round, expiresAt };
    }
    case "EmergencyClosed": {
      const { doctor, round, status, by } = event.args;
      return { ...at, kind: event.eventName, doctor, round, status: EMERGENCY_STATUS[status], by };
    }
    default:
      return undefined;
  }
}

/** EmergencyAccess logs of one patient (oldest first) as its configurations and requests. */
export function foldEmergency(logs: RawLog[], head: Head, stamps: Stamps): EmergencyOverview {
  const configs = new Map<number, EmergencyContactsConfig>();
  const requests = new Map<string, EmergencyRequestSummary>();
  const positions = new Map<string, RawLog>();
  for (const log of logs) {
    const event = decodeEventLog({ abi: emergencyAccessAbi, data: log.data, topics: log.topics });
    const key = "doctor" in event.args && "round" in event.args ? `${event.args.doctor}:${event.args.round}` : "";
    const request = requests.get(key);
    switch (event.eventName) {
      case "ContactsProposed":
        configs.set(event.args.version, {
          version: event.args.version,
          contacts: [...event.args.contacts],
          threshold: event.args.threshold,
          sharesCid: event.args.sharesCid,
          activatesAt: event.args.activatesAt,
          cancelled: false,
          proposedAt: -1,
        });
        stamps.set(log, configs.get(event.args.version)!, "proposedAt");
        break;
      case "ContactsChangeCancelled": {
        const config = configs.get(event.args.version);
        if (config) config.cancelled = true;
        break;
      }
      case "EmergencyRequested":
        requests.set(key, {
          doctor: event.args.doctor,
          round: event.args.round,
          configVersion: event.args.configVersion,
          justification: justificationName(event.args.justification),
          noteCid: bytesOrNull(event.args.noteCid),
          duration: event.args.duration,
          approveBy: event.args.approveBy,
          status: "Open",
          votes: [],
          approvals: 0,
          rejections: 0,
          requestedAt: -1,
        });
        stamps.set(log, requests.get(key)!, "requestedAt");
        positions.set(key, log);
        break;
      case "EmergencyApproved":
      case "EmergencyRejected":
        if (!request) break;
        request.votes.push({
          contact: event.args.contact,
          approved: event.eventName === "EmergencyApproved",
          at: stamps.ref(log),
        });
        if (event.eventName === "EmergencyApproved") request.approvals++;
        else request.rejections++;
        break;
      case "EmergencyGranted":
        if (request) {
          Object.assign(request, { status: "Granted", expiresAt: event.args.expiresAt });
          stamps.set(log, request, "grantedAt");
        }
        break;
      case "EmergencyClosed":
        if (request) {
          Object.assign(request, { status: EMERGENCY_STATUS[event.args.status], closedBy: event.args.by });
          stamps.set(log, request, "closedAt");
        }
        break;
    }
  }
  for (const request of requests.values()) request.status = emergencyStatusAt(request.status, request, head.timestamp);
  return emergencyOverview(
    [...configs.values()].sort((a, b) => b.version - a.version),
    [...positions].sort(([, a], [, b]) => byPosition(b, a)).map(([key]) => requests.get(key)!),
    head.timestamp,
  );
}
