/**
 * Governance reads: whether this account governs, the admitted hospitals (paged from the consortium,
 * each described by the query layer), and the accounts holding each verifiable role.
 */
import { useQuery } from "@tanstack/react-query";
import { zeroHash, type Address } from "viem";
import type { RoleName } from "@caduceus/sdk/chain/roles";
import type { HospitalStaff } from "@caduceus/sdk/query/types";
import { useDeployment } from "../../chain/public-client.ts";
import { useQueryBackend } from "../patient/useRecords.ts";
import { useReadChain } from "./useConsortium.ts";

export const GOVERNANCE_KEY = "consortium";
/** Roles governance verifies by hand (hospitals are admitted, doctors are added by their hospital). */
export const VERIFIED_ROLES: readonly RoleName[] = ["RESEARCHER", "AUDITOR", "PAYER", "PUBLIC_HEALTH"];
const PAGE = 100n;

export function useIsGovernance(account: Address) {
  const chain = useReadChain();
  return useQuery({
    queryKey: [GOVERNANCE_KEY, chain.chainId, "governs", account],
    queryFn: () => chain.call(() => chain.publicClient.readContract({ ...chain.consortium, functionName: "hasRole", args: [zeroHash, account] })),
  });
}

export function useHospitals() {
  const chain = useReadChain();
  const query = useQueryBackend();
  return useQuery({
    queryKey: [GOVERNANCE_KEY, chain.chainId, "hospitals"],
    queryFn: async (): Promise<HospitalStaff[]> => {
      const read = <T,>(functionName: string, args: readonly unknown[]) =>
        chain.call(() => chain.publicClient.readContract({ ...chain.consortium, functionName, args } as never) as Promise<T>);
      const count = await read<bigint>("hospitalCount", []);
      const accounts: Address[] = [];
      for (let offset = 0n; offset < count; offset += PAGE) accounts.push(...(await read<Address[]>("hospitals", [offset, PAGE])));
      const described = await Promise.all(accounts.map((account) => query.hospitalStaff(account)));
      return described.filter((h): h is HospitalStaff => h !== undefined);
    },
  });
}

/** Current holders of `role`, by address. */
export function useRoleHolders(role: RoleName) {
  const query = useQueryBackend();
  const { deployment } = useDeployment();
  return useQuery({
    queryKey: [GOVERNANCE_KEY, deployment.chainId, "holders", role],
    queryFn: () => query.roleHolders(role),
  });
}
