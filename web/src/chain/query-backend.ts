/** Which query layer backend serves a deployment's reads. */
import type { PublicClient } from "viem";
import type { Deployment } from "@caduceus/sdk/chain/deployments";
import { GraphQLQueryBackend } from "@caduceus/sdk/query/graphql";
import { RpcQueryBackend } from "@caduceus/sdk/query/rpc";
import type { QueryBackend } from "@caduceus/sdk/query/types";

/** The subgraph when the deployments file names one (`services.subgraph`), else the node's logs. */
export function queryBackendFor(deployment: Deployment, publicClient: PublicClient): QueryBackend {
  const subgraphUrl = deployment.services.subgraph;
  return subgraphUrl ? new GraphQLQueryBackend(subgraphUrl) : new RpcQueryBackend(deployment, publicClient);
}
