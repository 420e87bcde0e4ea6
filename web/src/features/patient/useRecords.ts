/** A patient's records from the query layer, each opened (fetched, verified, decrypted) in the crypto worker. */
import { useQueries, useQuery } from "@tanstack/react-query";
import type { Address } from "viem";
import type { PatientRecord, QueryBackend } from "@caduceus/sdk/query/types";
import { useDeployment } from "../../chain/public-client.ts";
import { queryBackendFor } from "../../chain/query-backend.ts";
import { cryptoCall } from "../../crypto/client.ts";
import type { OpenedPlaintext } from "../../crypto/protocol.ts";

let backend: { key: string; query: QueryBackend } | undefined;

/**
 * One query backend per deployment: the subgraph when the deployments file names one
 * (`services.subgraph`), otherwise the embedded reader over the node's logs.
 */
export function useQueryBackend(): QueryBackend {
  const { deployment, publicClient } = useDeployment();
  const key = `${deployment.chainId}:${deployment.contracts.recordRegistry.address}:${deployment.services.subgraph ?? "rpc"}`;
  if (backend?.key !== key) backend = { key, query: queryBackendFor(deployment, publicClient) };
  return backend.query;
}

export function usePatientRecords(patient: Address | undefined) {
  const query = useQueryBackend();
  const { deployment } = useDeployment();
  return useQuery({
    queryKey: ["records", deployment.chainId, patient],
    enabled: patient !== undefined,
    queryFn: () => query.records(patient!),
  });
}

/** Opens every record for `reader` once unlocked; records never change, so nothing refetches. */
export function useOpenedRecords(reader: Address | undefined, records: PatientRecord[] | undefined, unlocked: boolean) {
  return useQueries({
    queries: (records ?? []).map((record) => ({
      queryKey: ["opened", record.latest.recordId, reader],
      enabled: unlocked && reader !== undefined,
      staleTime: Infinity,
      gcTime: 10 * 60_000,
      retry: false,
      queryFn: (): Promise<OpenedPlaintext> => cryptoCall({ op: "open", reader: reader!, recordId: record.latest.recordId }),
    })),
  });
}
