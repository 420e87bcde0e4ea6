/** A patient's records from the query layer, each opened (fetched, verified, decrypted) in the crypto worker. */
import { useQueries, useQuery } from "@tanstack/react-query";
import type { Address } from "viem";
import { RpcQueryBackend } from "@caduceus/sdk/query/rpc";
import type { PatientRecord } from "@caduceus/sdk/query/types";
import { useDeployment } from "../../chain/public-client.ts";
import { cryptoCall } from "../../crypto/client.ts";
import type { OpenedPlaintext } from "../../crypto/protocol.ts";

let backend: { key: string; query: RpcQueryBackend } | undefined;

/** One query backend per deployment: the embedded RPC reader (a subgraph backend can replace it here). */
export function useQueryBackend(): RpcQueryBackend {
  const { deployment, publicClient } = useDeployment();
  const key = `${deployment.chainId}:${deployment.contracts.recordRegistry.address}`;
  if (backend?.key !== key) backend = { key, query: new RpcQueryBackend(deployment, publicClient) };
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
