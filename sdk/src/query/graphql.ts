/**
 * The production query backend: the same questions as `RpcQueryBackend`, asked of a subgraph
 * (subgraph/schema.graphql) over HTTP with `fetch`. Documents use The Graph's derived API
 * (collection fields with where, orderBy, orderDirection, first, skip); a test validates each one
 * against subgraph/generated-api.graphql. Statuses that time changes are derived at the subgraph's
 * indexed block (`_meta.block.timestamp`), as the RPC backend derives them at its head.
 *
 * The access log merges four collections (access events, policy versions, policy revocations,
 * emergency events) by their `position` (block × 2^32 + log index), and every list is ordered by
 * event position as the RPC backend orders it, so both backends give the same answers. The log pages
 * below a position and records are read 1,000 at a time after an id, so neither meets graph-node's
 * `skip` cap (5,000 by default); the other lists read up to 1,000 items in one request.
 *
 * One module per domain in ./graphql/ (records, consent, log, emergency, research, consortium,
 * dashboard) over one client (./graphql/client.ts); what both backends share is in ./map.ts.
 */
import { DomainBackend, type Domains } from "./backend.ts";
import * as consent from "./graphql/consent.ts";
import * as consortium from "./graphql/consortium.ts";
import * as home from "./graphql/dashboard.ts";
import * as emergency from "./graphql/emergency.ts";
import * as log from "./graphql/log.ts";
import * as records from "./graphql/records.ts";
import * as research from "./graphql/research.ts";
import { SubgraphClient, type GraphQLQueryOptions } from "./graphql/client.ts";

export { SubgraphError, type GraphQLQueryOptions } from "./graphql/client.ts";
export { DOCUMENTS } from "./graphql/documents.ts";

/** Each question answered by its domain module. */
const DOMAINS: Domains<SubgraphClient> = { ...records, ...consent, ...log, ...emergency, ...research, ...consortium, ...home };

export class GraphQLQueryBackend extends DomainBackend<SubgraphClient> {
  readonly kind = "graphql";
  private readonly subgraph: SubgraphClient;

  constructor(
    readonly url: string,
    options: GraphQLQueryOptions = {},
  ) {
    const subgraph = new SubgraphClient(url, options);
    super(subgraph, DOMAINS);
    this.subgraph = subgraph;
  }

  /** One GraphQL request to the subgraph; `SubgraphError` when it cannot answer. */
  query<T>(document: string, variables: Record<string, unknown>): Promise<T> {
    return this.subgraph.query<T>(document, variables);
  }
}
