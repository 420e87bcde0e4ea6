/**
 * Consortium reads shared by the role pages: a read-only client-library chain for the deployment,
 * the content store, and whether an account holds a consortium role or governs.
 */
import { useQuery } from "@tanstack/react-query";
import { useMemo } from "react";
import type { Address } from "viem";
import { CaduceusChain } from "@caduceus/sdk/chain/client";
import { Role, type RoleName } from "@caduceus/sdk/chain/roles";
import { GatewayContentStore } from "@caduceus/sdk/storage/gateway-client";
import { useDeployment } from "../../chain/public-client.ts";

/** The client library's chain without a signer: every read the pages make outside the query layer. */
export function useReadChain(): CaduceusChain {
  const { deployment, publicClient } = useDeployment();
  return useMemo(() => new CaduceusChain(deployment, publicClient), [deployment, publicClient]);
}

/** The deployment's content gateway (public objects only: protocols; records go through the worker). */
export function useContentStore(): GatewayContentStore {
  const { deployment } = useDeployment();
  const url = deployment.services.gateway;
  return useMemo(() => {
    if (!url) throw new Error("This deployment names no content gateway.");
    return new GatewayContentStore({ url });
  }, [url]);
}

export function useHoldsRole(role: RoleName, account: Address | undefined) {
  const chain = useReadChain();
  return useQuery({
    queryKey: ["consortium", chain.chainId, "role", role, account],
    enabled: account !== undefined,
    queryFn: () =>
      chain.call(() => chain.publicClient.readContract({ ...chain.consortium, functionName: "holdsRole", args: [Role[role], account!] })),
  });
}
