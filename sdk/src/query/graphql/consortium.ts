/** Hospitals, their staff and role holders, from the subgraph's `Hospital` and `RoleMembership` entities. */
import { getAddress, type Address } from "viem";
import { Role, type RoleName } from "../../chain/roles.ts";
import { byPosition } from "../map.ts";
import { byAddress, type HospitalStaff } from "../types.ts";
import { lower, type Id, type SubgraphClient } from "./client.ts";
import { DOCUMENTS } from "./documents.ts";

export async function roleHolders(subgraph: SubgraphClient, role: RoleName): Promise<Address[]> {
  const { roleMemberships } = await subgraph.query<{ roleMemberships: { account: Id }[] }>(DOCUMENTS.roleHolders, {
    role: Role[role],
  });
  return byAddress(roleMemberships.map((m) => getAddress(m.account.id)));
}

export async function hospitalStaff(subgraph: SubgraphClient, hospital: Address): Promise<HospitalStaff | undefined> {
  type Row = {
    hospitalId: string;
    name: string;
    suspended: boolean;
    admittedAt: string;
    staff: { staff: Id; addedAt: string; addedAtBlock: string; addedAtLogIndex: number }[];
    staffProposals: { staff: Id; proposedAt: string; proposedAtBlock: string; proposedAtLogIndex: number }[];
  };
  const { hospital: row } = await subgraph.query<{ hospital: Row | null }>(DOCUMENTS.hospitalStaff, {
    hospital: lower(hospital),
  });
  if (!row) return undefined;
  const added = (s: Row["staff"][number]) => ({ blockNumber: BigInt(s.addedAtBlock), logIndex: s.addedAtLogIndex });
  const proposed = (p: Row["staffProposals"][number]) => ({ blockNumber: BigInt(p.proposedAtBlock), logIndex: p.proposedAtLogIndex });
  return {
    hospital,
    hospitalId: Number(row.hospitalId),
    name: row.name,
    suspended: row.suspended,
    admittedAt: Number(row.admittedAt),
    staff: row.staff
      .sort((a, b) => byPosition(added(a), added(b)))
      .map((s) => ({ account: getAddress(s.staff.id), addedAt: Number(s.addedAt) })),
    proposals: row.staffProposals
      .sort((a, b) => byPosition(proposed(a), proposed(b)))
      .map((p) => ({ account: getAddress(p.staff.id), proposedAt: Number(p.proposedAt) })),
  };
}
