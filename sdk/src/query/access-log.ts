/**
 * The access log of one patient, read straight from the node: every policy change, request,
 * decision, share, revocation and key delivery, oldest first. The backends (`QueryBackend.accessLog`)
 * page it newest first, with the emergency events, for patients with long histories; the RPC one
 * decodes its logs with `decodeAccessLogEntry`. Re-exported by `../access/index.ts`.
 */
import { decodeEventLog, type Address, type Hex } from "viem";
import { consentManagerAbi } from "../chain/abis.ts";
import { DENY_REASON, REQUEST_OUTCOME } from "../chain/access.ts";
import type { CaduceusChain } from "../chain/client.ts";
import { purposeName, purposeNames, type PurposeName } from "../chain/roles.ts";
import { addressTopic, LogReader, type RawLog } from "./logs.ts";

export type AccessLogEntry = {
  blockNumber: bigint;
  transactionHash: Hex;
  logIndex: number;
} & (
  | {
      kind: "PolicySet";
      policyId: Hex;
      version: number;
      grantee: Address;
      role: Hex;
      purposes: PurposeName[];
      validUntil: number;
      anonymizedOnly: boolean;
    }
  | { kind: "PolicyRevoked"; policyId: Hex; version: number }
  | {
      kind: "AccessRequested";
      requester: Address;
      policyId: Hex;
      purpose: PurposeName;
      outcome: string;
      reason: string;
      expiresAt: number;
    }
  | { kind: "AccessDecided"; requester: Address; purpose: PurposeName; approved: boolean }
  | { kind: "AccessRevoked"; grantee: Address; purpose: PurposeName; by: Address }
  | { kind: "AccessShared"; sharer: Address; recipient: Address; purpose: PurposeName; expiresAt: number }
  | {
      kind: "KeyDelivered";
      grantee: Address;
      recordId: Hex;
      purpose: PurposeName;
      deliverer: Address;
      deidentifiedCopy: boolean;
    }
);

/** Every ConsentManager event about `patient` (the first indexed argument of each), oldest first. */
export async function accessLog(chain: CaduceusChain, patient: Address): Promise<AccessLogEntry[]> {
  const latest = await chain.call(() => chain.publicClient.getBlockNumber());
  const logs = await new LogReader(chain.publicClient).all({
    address: chain.consentManager.address,
    topics: [null, addressTopic(patient)],
    fromBlock: BigInt(chain.deployment.contracts.consentManager.deployBlock),
    toBlock: latest,
  });
  return logs.flatMap((log) => decodeAccessLogEntry(log) ?? []);
}

/** One ConsentManager log as an access-log entry; undefined for events outside the log. */
export function decodeAccessLogEntry(log: RawLog): AccessLogEntry | undefined {
  const { eventName, args } = decodeEventLog({ abi: consentManagerAbi, data: log.data, topics: log.topics });
  const at = { blockNumber: log.blockNumber, transactionHash: log.transactionHash, logIndex: log.logIndex };
  switch (eventName) {
    case "PolicySet":
      return {
        ...at,
        kind: eventName,
        policyId: args.policyId,
        version: args.version,
        grantee: args.terms.grantee,
        role: args.terms.role,
        purposes: purposeNames(args.terms.purposes),
        validUntil: args.terms.validUntil,
        anonymizedOnly: args.terms.anonymizedOnly,
      };
    case "PolicyRevoked":
      return { ...at, kind: eventName, policyId: args.policyId, version: args.version };
    case "AccessRequested":
      return {
        ...at,
        kind: eventName,
        requester: args.requester,
        policyId: args.policyId,
        purpose: purposeName(args.purpose),
        outcome: REQUEST_OUTCOME[args.outcome],
        reason: DENY_REASON[args.reason],
        expiresAt: args.expiresAt,
      };
    case "AccessDecided":
      return {
        ...at,
        kind: eventName,
        requester: args.requester,
        purpose: purposeName(args.purpose),
        approved: args.approved,
      };
    case "AccessRevoked":
      return { ...at, kind: eventName, grantee: args.grantee, purpose: purposeName(args.purpose), by: args.by };
    case "AccessShared":
      return {
        ...at,
        kind: eventName,
        sharer: args.sharer,
        recipient: args.recipient,
        purpose: purposeName(args.purpose),
        expiresAt: args.expiresAt,
      };
    case "KeyDelivered":
      return {
        ...at,
        kind: eventName,
        grantee: args.grantee,
        recordId: args.recordId,
        purpose: purposeName(args.purpose),
        deliverer: args.deliverer,
        deidentifiedCopy: args.copyCid !== "0x",
      };
    default:
      return undefined; // EIP712DomainChanged: not part of the access log
  }
}
