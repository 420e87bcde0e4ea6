/**
 * The GraphQL backend's data source: a subgraph (subgraph/schema.graphql) asked over HTTP with
 * `fetch`, and what its responses look like (BigInt and Bytes as strings, enums in capitals, event
 * entities identified by transaction hash ++ log index).
 */
import type { Address, Hex } from "viem";
import { CaduceusError } from "../../errors.ts";
import type { EventRef } from "../types.ts";
import { DOCUMENTS } from "./documents.ts";

/** Most items one request reads. */
export const BATCH = 1000;

export type Id = { id: string };
/** The fields every event entity has. */
export type Ev = { id: string; blockNumber: string; blockTimestamp: string; transactionHash: string };

export class SubgraphError extends CaduceusError {
  constructor(message: string, options?: { cause?: unknown }) {
    super("SUBGRAPH_UNAVAILABLE", `The subgraph could not answer: ${message}`, options);
  }
}

export interface GraphQLQueryOptions {
  /** The fetch to use (default: the global one). */
  fetch?: typeof fetch;
  /** Extra request headers (an API key for a hosted gateway). */
  headers?: Record<string, string>;
}

export class SubgraphClient {
  private readonly fetch: typeof fetch;

  constructor(
    readonly url: string,
    private readonly options: GraphQLQueryOptions = {},
  ) {
    this.fetch = options.fetch ?? globalThis.fetch.bind(globalThis);
  }

  /** The block the subgraph has indexed up to: what a query reads at. */
  async now(): Promise<{ blockNumber: bigint; timestamp: number }> {
    const { _meta } = await this.query<{ _meta: { block: { number: number; timestamp: number | null } } }>(
      DOCUMENTS.meta,
      {},
    );
    return {
      blockNumber: BigInt(_meta.block.number),
      timestamp: _meta.block.timestamp ?? Math.floor(Date.now() / 1000),
    };
  }

  async query<T>(document: string, variables: Record<string, unknown>): Promise<T> {
    let response: Response;
    try {
      response = await this.fetch(this.url, {
        method: "POST",
        headers: { "content-type": "application/json", accept: "application/json", ...this.options.headers },
        body: JSON.stringify({ query: document, variables }),
      });
    } catch (cause) {
      throw new SubgraphError(`${this.url} is unreachable`, { cause });
    }
    if (!response.ok) throw new SubgraphError(`${this.url} answered HTTP ${response.status}`);
    const body = (await response.json()) as { data?: T; errors?: { message: string }[] };
    if (body.errors?.length) throw new SubgraphError(body.errors.map((e) => e.message).join("; "));
    if (!body.data) throw new SubgraphError("the response holds no data");
    return body.data;
  }
}

/** Addresses are lower case in the subgraph's ids. */
export const lower = (address: Address) => address.toLowerCase();

/** "LAB" → "Lab", "KEY_DELIVERED" → "KeyDelivered": a schema enum value to the name the SDK uses. */
export function enumName(names: Record<string, number>, value: string): string {
  const found = Object.keys(names).find((name) => name.toLowerCase() === value.replaceAll("_", "").toLowerCase());
  if (!found) throw new SubgraphError(`unexpected enum value ${value}`);
  return found;
}

/** A schema enum value to one of `names` (an SDK name table by numeric value). */
export function enumOf<const N extends string>(names: readonly N[], value: string): N {
  return enumName(Object.fromEntries(names.map((n, i) => [n, i])), value) as N;
}

/** An event entity's position: its id is transaction hash ++ log index (int32, little-endian). */
export function eventRef(e: Ev): EventRef {
  const tail = e.id.slice(-8);
  const logIndex = Number.parseInt(tail.match(/../g)!.reverse().join(""), 16);
  return {
    blockNumber: BigInt(e.blockNumber),
    logIndex,
    transactionHash: e.transactionHash as Hex,
    timestamp: Number(e.blockTimestamp),
  };
}
