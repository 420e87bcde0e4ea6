/**
 * The query layer: one interface (`QueryBackend`), two backends. With a subgraph URL the answers come
 * from The Graph; without one (the local stack) from the node's event logs. See docs/query.md.
 */
import type { CaduceusChain } from "../chain/client.ts";
import { GraphQLQueryBackend, type GraphQLQueryOptions } from "./graphql.ts";
import { RpcQueryBackend, type RpcQueryOptions } from "./rpc.ts";
import type { QueryBackend } from "./types.ts";

export * from "./types.ts";
export { GraphQLQueryBackend, SubgraphError } from "./graphql.ts";
export { RpcQueryBackend } from "./rpc.ts";

/** The subgraph backend when `subgraphUrl` is set, otherwise the embedded RPC backend. */
export function createQueryBackend(
  chain: CaduceusChain,
  options: { subgraphUrl?: string } & RpcQueryOptions & GraphQLQueryOptions = {},
): QueryBackend {
  return options.subgraphUrl
    ? new GraphQLQueryBackend(options.subgraphUrl, options)
    : RpcQueryBackend.fromChain(chain, options);
}
