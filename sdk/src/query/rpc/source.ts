/**
 * The RPC backend's data source: the contracts' event logs, read with ranged `eth_getLogs` calls
 * from each contract's deploy block up to the block a query reads at (its head), and the block
 * times the events are stamped with, each header read once per backend.
 */
import { toEventSelector, type AbiEvent, type Address, type Hex, type PublicClient } from "viem";
import type { Deployment } from "../../chain/deployments.ts";
import { toChainError } from "../../chain/errors.ts";
import { LogReader, type LogFilter, type LogReaderOptions, type RawLog } from "../logs.ts";
import type { EventRef } from "../types.ts";

export interface RpcQueryOptions extends LogReaderOptions {
  /** Concurrent block-header reads when stamping event times (default 8). */
  headerConcurrency?: number;
}

export type ContractName = keyof Deployment["contracts"];

/** The block a query reads at. */
export interface Head {
  number: bigint;
  timestamp: number;
}

/** The topic of event `name` in `abi`. */
export function topicOf(abi: readonly { type: string; name?: string }[], name: string): Hex {
  const event = abi.find((item): item is AbiEvent => item.type === "event" && item.name === name);
  if (!event) throw new Error(`event ${name} is not in the ABI`);
  return toEventSelector(event);
}

/** Event refs waiting for their block's time, filled in one round of `eth_getBlockByNumber`. */
export class Stamps {
  private readonly waiting: { blockNumber: bigint; set: (timestamp: number) => void }[] = [];
  /** Sets `target[key]` to the time of `log`'s block (at once if the node sent it, else in `fill`). */
  set<T, K extends keyof T>(log: RawLog, target: T, key: K): void {
    const set = (timestamp: number) => (target[key] = timestamp as T[K]);
    if (log.blockTimestamp !== undefined) set(log.blockTimestamp);
    else this.waiting.push({ blockNumber: log.blockNumber, set });
  }
  ref(log: RawLog): EventRef {
    const ref = {
      blockNumber: log.blockNumber,
      logIndex: log.logIndex,
      transactionHash: log.transactionHash,
      timestamp: -1,
    };
    this.set(log, ref, "timestamp");
    return ref;
  }
  async fill(times: (blocks: bigint[]) => Promise<Map<bigint, number>>): Promise<void> {
    const known = await times([...new Set(this.waiting.map((w) => w.blockNumber))]);
    for (const w of this.waiting) w.set(known.get(w.blockNumber)!);
    this.waiting.length = 0;
  }
}

export class LogSource {
  private readonly logs: LogReader;
  private readonly blockTimes = new Map<bigint, number>();
  private readonly headerConcurrency: number;

  constructor(
    readonly deployment: Deployment,
    readonly client: PublicClient,
    options: RpcQueryOptions = {},
  ) {
    this.logs = new LogReader(client, options);
    this.headerConcurrency = options.headerConcurrency ?? 8;
  }

  address(name: ContractName): Address {
    return this.deployment.contracts[name].address;
  }

  fromBlock(...names: ContractName[]): bigint {
    return BigInt(Math.min(...names.map((name) => this.deployment.contracts[name].deployBlock)));
  }

  /** The latest block: what a query reads at. */
  async head(): Promise<Head> {
    try {
      const block = await this.client.getBlock({ blockTag: "latest" });
      this.blockTimes.set(block.number, Number(block.timestamp));
      return { number: block.number, timestamp: Number(block.timestamp) };
    } catch (error) {
      throw toChainError(error);
    }
  }

  /** Every log of `contract` matching `topics`, oldest first, from its deployment up to `head` (default: the head now). */
  async all(contract: ContractName, topics: LogFilter["topics"], head?: Head): Promise<RawLog[]> {
    const toBlock = (head ?? (await this.head())).number;
    return this.logs.all({ address: this.address(contract), topics, fromBlock: this.fromBlock(contract), toBlock });
  }

  /** Matching logs of several contracts newest first, from `toBlock` down, until `enough` (see `LogReader.backward`). */
  backward(
    contracts: ContractName[],
    topics: LogFilter["topics"],
    toBlock: bigint,
    enough: (found: RawLog[]) => boolean,
  ): Promise<RawLog[]> {
    const address = contracts.map((name) => this.address(name));
    return this.logs.backward({ address, topics, fromBlock: this.fromBlock(...contracts), toBlock }, enough);
  }

  /** Fills the times `stamps` waits for. */
  stamp(stamps: Stamps): Promise<void> {
    return stamps.fill((blocks) => this.blockTimestamps(blocks));
  }

  /** Block times, each header read once per backend (blocks below the head do not change). */
  async blockTimestamps(blocks: bigint[]): Promise<Map<bigint, number>> {
    const missing = [...new Set(blocks)].filter((b) => !this.blockTimes.has(b));
    for (let i = 0; i < missing.length; i += this.headerConcurrency) {
      await Promise.all(
        missing.slice(i, i + this.headerConcurrency).map(async (blockNumber) => {
          try {
            const block = await this.client.getBlock({ blockNumber });
            this.blockTimes.set(blockNumber, Number(block.timestamp));
          } catch (error) {
            throw toChainError(error);
          }
        }),
      );
    }
    return this.blockTimes;
  }

  /** Runs `read` with a fresh `Stamps`, then fills the times it asked for. */
  async stamped<T>(read: (stamps: Stamps) => Promise<T> | T): Promise<T> {
    const stamps = new Stamps();
    const result = await read(stamps);
    await this.stamp(stamps);
    return result;
  }
}
