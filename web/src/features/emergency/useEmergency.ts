import { useQuery } from "@tanstack/react-query";
import type { Address } from "viem";
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
  const query = useQueryBackend();
  const { deployment } = useDeployment();
  return useQuery({
    queryKey: ["emergency", deployment.chainId, "namedBy", contact],
    queryFn: () => query.patientsNaming(contact),
  });
}
