/** Policies, grants and key deliveries, from the ConsentManager's events. */
import { decodeEventLog, type Address, type Hex } from "viem";
import { consentManagerAbi } from "../../chain/abis.ts";
import { purposeName, purposeNames } from "../../chain/roles.ts";
import { addressTopic, type RawLog } from "../logs.ts";
import { byPosition, bytesOrNull, grantStatusAt } from "../map.ts";
import type { GrantsAndPolicies, GrantSummary, KeyDelivery, PolicyView } from "../types.ts";
import { topicOf, type Head, type LogSource, type Stamps } from "./source.ts";

const KEY_DELIVERED = topicOf(consentManagerAbi, "KeyDelivered");

/** Every event of `contract` whose first indexed argument is `patient`, oldest first. */
export function patientLogs(
  source: LogSource,
  patient: Address,
  head: Head,
  contract: "consentManager" | "emergencyAccess",
): Promise<RawLog[]> {
  return source.all(contract, [null, addressTopic(patient)], head);
}

export async function grantsAndPolicies(source: LogSource, patient: Address): Promise<GrantsAndPolicies> {
  const head = await source.head();
  const logs = await patientLogs(source, patient, head, "consentManager");
  return source.stamped((stamps) => foldConsent(logs, head, stamps));
}

export async function deliveredTo(source: LogSource, patient: Address, grantee: Address): Promise<KeyDelivery[]> {
  const logs = await source.all("consentManager", [KEY_DELIVERED, addressTopic(patient), addressTopic(grantee)]);
  return source.stamped((stamps) =>
    logs.map((log) => {
      const { args } = decodeEventLog({ abi: consentManagerAbi, eventName: "KeyDelivered", data: log.data, topics: log.topics });
      return { recordId: args.recordId, purpose: purposeName(args.purpose), copyCid: bytesOrNull(args.copyCid), at: stamps.ref(log) };
    }),
  );
}

/** ConsentManager logs of one patient (oldest first) as its policies and grants. */
export function foldConsent(logs: RawLog[], head: Head, stamps: Stamps): GrantsAndPolicies {
  const policies = new Map<Hex, Omit<PolicyView, "set" | "revokedAt"> & { set: RawLog; revoked?: RawLog }>();
  const grants = new Map<string, Omit<GrantSummary, "updatedAt" | "status"> & { status: Exclude<GrantSummary["status"], "Expired">; updated: RawLog }>();
  for (const log of logs) {
    const event = decodeEventLog({ abi: consentManagerAbi, data: log.data, topics: log.topics });
    switch (event.eventName) {
      case "PolicySet": {
        const terms = { ...event.args.terms };
        policies.set(event.args.policyId, {
          policyId: event.args.policyId,
          version: event.args.version,
          active: true,
          terms,
          purposes: purposeNames(terms.purposes),
          set: log,
        });
        break;
      }
      case "PolicyRevoked": {
        const policy = policies.get(event.args.policyId);
        if (policy) Object.assign(policy, { active: false, revoked: log });
        break;
      }
      case "AccessRequested": {
        const { requester, purpose, rights, outcome, expiresAt, policyId } = event.args;
        if (outcome === 2) break; // Denied: logged, the stored grant is untouched
        grants.set(`${requester}:${purpose}`, {
          grantee: requester,
          purpose: purposeName(purpose),
          status: outcome === 0 ? "Active" : "Pending",
          rights,
          expiresAt,
          policyId,
          updated: log,
        });
        break;
      }
      case "AccessDecided": {
        const grant = grants.get(`${event.args.requester}:${event.args.purpose}`);
        if (grant) Object.assign(grant, { status: event.args.approved ? "Active" : "Denied", updated: log });
        break;
      }
      case "AccessRevoked": {
        const grant = grants.get(`${event.args.grantee}:${event.args.purpose}`);
        if (grant) Object.assign(grant, { status: "Revoked", updated: log });
        break;
      }
      case "AccessShared": {
        const { recipient, sharer, purpose, expiresAt } = event.args;
        grants.set(`${recipient}:${purpose}`, {
          grantee: recipient,
          purpose: purposeName(purpose),
          status: "Active",
          rights: 1,
          expiresAt,
          sharedBy: sharer,
          updated: log,
        });
        break;
      }
    }
  }
  // Newest change first: a policy by its revocation or last version, a grant by the last event that changed it.
  const newestFirst = <T extends { updated?: RawLog; set?: RawLog; revoked?: RawLog }>(a: T, b: T) =>
    byPosition((b.revoked ?? b.updated ?? b.set)!, (a.revoked ?? a.updated ?? a.set)!);
  return {
    policies: [...policies.values()].sort(newestFirst).map(({ set, revoked, ...p }) => {
      const policy: PolicyView = { ...p, set: stamps.ref(set) };
      if (revoked) stamps.set(revoked, policy, "revokedAt");
      return policy;
    }),
    grants: [...grants.values()].sort(newestFirst).map(({ updated, ...g }) => {
      const grant: GrantSummary = { ...g, status: grantStatusAt(g.status, g.expiresAt, head.timestamp), updatedAt: -1 };
      stamps.set(updated, grant, "updatedAt");
      return grant;
    }),
  };
}
