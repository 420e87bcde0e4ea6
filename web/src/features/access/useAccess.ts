import { useInfiniteQuery, useQuery } from "@tanstack/react-query";
import type { Address } from "viem";
import type { LogEntry, Page } from "@caduceus/sdk/query/types";
import { useDeployment } from "../../chain/public-client.ts";
import { useQueryBackend } from "../patient/useRecords.ts";

export function useGrantsAndPolicies(patient: Address) {
  const query = useQueryBackend();
  const { deployment } = useDeployment();
  return useQuery({
    queryKey: ["access", deployment.chainId, patient, "grants"],
    queryFn: () => query.grantsAndPolicies(patient),
  });
}

export function useAccessLog(patient: Address) {
  const query = useQueryBackend();
  const { deployment } = useDeployment();
  return useInfiniteQuery({
    queryKey: ["access", deployment.chainId, patient, "log"],
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam }): Promise<Page<LogEntry>> => query.accessLog(patient, { first: 50, cursor: pageParam }),
    getNextPageParam: (last) => last.cursor,
  });
}
