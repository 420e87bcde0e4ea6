/** Policies, grants and key deliveries, from the subgraph's `Policy`, `Grant` and `AccessEvent` entities. */
import { getAddress, type Address, type Hex } from "viem";
import { GRANT_STATUS, type PolicyTerms } from "../../chain/access.ts";
import { purposeName, purposeNames } from "../../chain/roles.ts";
import { byPosition, bytesOrNull, grantStatusAt } from "../map.ts";
import type { EventRef, GrantsAndPolicies, GrantSummary, KeyDelivery, PolicyView } from "../types.ts";
import { enumOf, eventRef, lower, type Ev, type Id, type SubgraphClient } from "./client.ts";
import { DOCUMENTS } from "./documents.ts";

type PolicyRow = {
  policyId: Hex;
  version: number;
  active: boolean;
  revocation: Ev | null;
  current: Ev &
    Omit<Record<keyof PolicyTerms, string>, "rights" | "categories" | "anonymizedOnly" | "autoApprove"> & {
      rights: number;
      categories: number;
      anonymizedOnly: boolean;
      autoApprove: boolean;
    };
};
type GrantRow = {
  grantee: Id;
  purpose: number;
  status: string;
  rights: number;
  expiresAt: string;
  policyVersion: { policyId: { policyId: Hex } } | null;
  sharedBy: Id | null;
  lastEvent: Ev;
};

export async function grantsAndPolicies(subgraph: SubgraphClient, patient: Address): Promise<GrantsAndPolicies> {
  const [{ policies, grants }, now] = await Promise.all([
    subgraph.query<{ policies: PolicyRow[]; grants: GrantRow[] }>(DOCUMENTS.grantsAndPolicies, { patient: lower(patient) }),
    subgraph.now(),
  ]);
  const changed = new Map<PolicyView, EventRef>();
  const policyViews = policies.map((p): PolicyView => {
    const c = p.current;
    const terms: PolicyTerms = {
      grantee: getAddress(c.grantee),
      role: c.role as Hex,
      purposes: BigInt(c.purposes),
      rights: c.rights,
      validFrom: Number(c.validFrom),
      validUntil: Number(c.validUntil),
      categories: c.categories,
      recordId: c.recordId as Hex,
      anonymizedOnly: c.anonymizedOnly,
      autoApprove: c.autoApprove,
    };
    const view: PolicyView = {
      policyId: p.policyId,
      version: p.version,
      active: p.active,
      terms,
      purposes: purposeNames(terms.purposes),
      set: eventRef(c),
      ...(p.revocation ? { revokedAt: Number(p.revocation.blockTimestamp) } : {}),
    };
    changed.set(view, p.revocation ? eventRef(p.revocation) : view.set);
    return view;
  });
  // Newest change first, as the RPC backend orders them: a policy by its revocation or last version,
  // a grant by the last event that changed it.
  const byChange =
    <T>(of: (x: T) => EventRef) =>
    (a: T, b: T) =>
      byPosition(of(b), of(a));
  return {
    policies: policyViews.sort(byChange((p) => changed.get(p)!)),
    grants: grants.sort(byChange((g) => eventRef(g.lastEvent))).map(
      (g): GrantSummary => ({
        grantee: getAddress(g.grantee.id),
        purpose: purposeName(g.purpose),
        status: grantStatusAt(enumOf(GRANT_STATUS, g.status), Number(g.expiresAt), now.timestamp),
        rights: g.rights,
        expiresAt: Number(g.expiresAt),
        ...(g.policyVersion ? { policyId: g.policyVersion.policyId.policyId } : {}),
        ...(g.sharedBy ? { sharedBy: getAddress(g.sharedBy.id) } : {}),
        updatedAt: Number(g.lastEvent.blockTimestamp),
      }),
    ),
  };
}

export async function deliveredTo(subgraph: SubgraphClient, patient: Address, grantee: Address): Promise<KeyDelivery[]> {
  type Row = Ev & { purpose: number; record: Id; copyCid: Hex | null };
  const { accessEvents } = await subgraph.query<{ accessEvents: Row[] }>(DOCUMENTS.deliveredTo, {
    patient: lower(patient),
    grantee: lower(grantee),
  });
  return accessEvents.map((e) => ({
    recordId: e.record.id as Hex,
    purpose: purposeName(e.purpose),
    copyCid: bytesOrNull(e.copyCid),
    at: eventRef(e),
  }));
}
