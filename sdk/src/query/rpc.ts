/**
 * The embedded query backend: every answer is folded from the contracts' events, read from the
 * node with ranged `eth_getLogs` calls from each contract's deploy block. Filters use the indexed
 * topics (a patient's events are asked for by patient), so the node's log index does the
 * selecting. Statuses that time changes (expired grants, requests, failed studies) are read at the
 * block the query started from, like the contracts' views.
 *
 * One module per domain in ./rpc/ (records, consent, log, emergency, research, consortium,
 * dashboard) over one data source (./rpc/source.ts); what both backends share is in ./map.ts.
 */
import type { PublicClient } from "viem";
import type { CaduceusChain } from "../chain/client.ts";
import type { Deployment } from "../chain/deployments.ts";
import { DomainBackend, type Domains } from "./backend.ts";
import * as consent from "./rpc/consent.ts";
import * as consortium from "./rpc/consortium.ts";
import * as home from "./rpc/dashboard.ts";
import * as emergency from "./rpc/emergency.ts";
import * as log from "./rpc/log.ts";
import * as records from "./rpc/records.ts";
import * as research from "./rpc/research.ts";
import { LogSource, type RpcQueryOptions } from "./rpc/source.ts";

export type { RpcQueryOptions } from "./rpc/source.ts";

/** Each question answered by its domain module. */
const DOMAINS: Domains<LogSource> = { ...records, ...consent, ...log, ...emergency, ...research, ...consortium, ...home };

export class RpcQueryBackend extends DomainBackend<LogSource> {
  readonly kind = "rpc";

  constructor(
    readonly deployment: Deployment,
    readonly client: PublicClient,
    options: RpcQueryOptions = {},
  ) {
    super(new LogSource(deployment, client, options), DOMAINS);
  }

  static fromChain(chain: CaduceusChain, options?: RpcQueryOptions): RpcQueryBackend {
    return new RpcQueryBackend(chain.deployment, chain.publicClient, options);
  }
}
