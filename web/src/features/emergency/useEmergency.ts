import { useQuery } from "@tanstack/react-query";
import { isAddressEqual, type Address } from "viem";
import { emergencyAccessAbi } from "@caduceus/sdk/chain/abis";
import type { EmergencyOverview } from "@caduceus/sdk/query/types";
import { useDeployment } from "../../chain/public-client.ts";
import { useQueryBackend } from "../patient/useRecords.ts";

/**
 * A patient's emergency contacts and requests. `watch` polls while something is in motion (a doctor
 * waiting for approvals); otherwise reads are refreshed only after our own writes.
 */
export function useEmergencyOverview(patient: Address | undefined, watch = false) {
  const query = useQueryBackend();
  const { deployment } = useDeployment();
  return useQuery({
    queryKey: ["emergency", deployment.chainId, patient],
    enabled: patient !== undefined,
    queryFn: (): Promise<EmergencyOverview> => query.emergency(patient!),
    refetchInterval: watch ? 3_000 : false,
  });
}

/** Patients who ever named `contact` among their emergency contacts. */
export function usePatientsNaming(contact: Address) {
  const { deployment, publicClient } = useDeployment();
  return useQuery({
    queryKey: ["emergency", deployment.chainId, "namedBy", contact],
    queryFn: async (): Promise<Address[]> => {
      const logs = await publicClient.getContractEvents({
        address: deployment.contracts.emergencyAccess.address,
        abi: emergencyAccessAbi,
        eventName: "ContactsProposed",
        fromBlock: BigInt(deployment.contracts.emergencyAccess.deployBlock),
      });
      const patients = new Set<Address>();
      for (const log of logs) {
        if (log.args.contacts?.some((c) => isAddressEqual(c, contact))) patients.add(log.args.patient!);
      }
      return [...patients];
    },
  });
}
