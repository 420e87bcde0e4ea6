/**
 * The deployment and a viem public client for its RPC endpoint. Kept out of the entry chunk:
 * `createPublicClient` brings every public action of viem with it, and only the role pages read.
 */
import { createPublicClient, http, type PublicClient } from "viem";
import type { Deployment } from "@caduceus/sdk/chain/deployments";
import { useDeploymentOnly } from "./context.tsx";

const clients = new WeakMap<Deployment, PublicClient>();

export function publicClientFor(deployment: Deployment): PublicClient {
  let client = clients.get(deployment);
  if (!client) {
    client = createPublicClient({ transport: http(deployment.rpcUrl), pollingInterval: 500 }) as PublicClient;
    clients.set(deployment, client);
  }
  return client;
}

export function useDeployment(): { deployment: Deployment; publicClient: PublicClient } {
  const deployment = useDeploymentOnly();
  return { deployment, publicClient: publicClientFor(deployment) };
}
