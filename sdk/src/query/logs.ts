/**
 * Event logs read from the node in block ranges: forward (everything from a contract's deploy block)
 * or backward (newest first, stopping once enough were found). Filters by address and topics, so a
 * patient's events come from the node's log index, not from a scan in the client. A range the node
 * refuses (too many results, range too wide) is split in two and retried.
 */
import { pad, type Address, type Hex, type Log, type PublicClient } from "viem";
import { toChainError } from "../chain/errors.ts";

/** A log as `eth_getLogs` returns it (numbers as numbers after `normalize`). */
export interface RawLog {
  address: Address;
  topics: [Hex, ...Hex[]];
  data: Hex;
  blockNumber: bigint;
  logIndex: number;
  transactionHash: Hex;
  /** Present when the node includes it (the `blockTimestamp` log field). */
  blockTimestamp?: number;
}

export interface LogFilter {
  address: Address | Address[];
  /** Topic filters by position; null matches anything, an array matches any of its values. */
  topics: (Hex | Hex[] | null)[];
  fromBlock: bigint;
  toBlock: bigint;
}

export interface LogReaderOptions {
  /** Blocks per `eth_getLogs` call (default 10,000, the limit many providers apply). */
  blockRange?: bigint;
}

/** An address as a 32-byte topic. */
export function addressTopic(address: Address): Hex {
  return pad(address.toLowerCase() as Hex);
}

/** A number (a study id) as a 32-byte topic. */
export function uintTopic(value: bigint | number): Hex {
  return pad(`0x${BigInt(value).toString(16)}`);
}

const toQuantity = (n: bigint): Hex => `0x${n.toString(16)}`;

export class LogReader {
  readonly blockRange: bigint;
  constructor(
    readonly client: PublicClient,
    options: LogReaderOptions = {},
  ) {
    this.blockRange = options.blockRange ?? 10_000n;
    if (this.blockRange < 1n) throw new RangeError("blockRange must be at least 1");
  }

  /** Every matching log in `[fromBlock, toBlock]`, oldest first. */
  async all(filter: LogFilter): Promise<RawLog[]> {
    const out: RawLog[] = [];
    for (let from = filter.fromBlock; from <= filter.toBlock; from += this.blockRange) {
      const to = min(from + this.blockRange - 1n, filter.toBlock);
      out.push(...(await this.range(filter, from, to)));
    }
    return out;
  }

  /**
   * Matching logs newest first, range by range from `toBlock` down, until `enough` says the logs
   * found so far (newest first) suffice. Returns what was read, newest first.
   */
  async backward(filter: LogFilter, enough: (found: RawLog[]) => boolean): Promise<RawLog[]> {
    const out: RawLog[] = [];
    for (let to = filter.toBlock; to >= filter.fromBlock; to -= this.blockRange) {
      const from = max(to - this.blockRange + 1n, filter.fromBlock);
      out.push(...(await this.range(filter, from, to)).reverse());
      if (enough(out)) break;
    }
    return out;
  }

  /** One range; split in halves when the node refuses it. */
  private async range(filter: LogFilter, from: bigint, to: bigint): Promise<RawLog[]> {
    try {
      const logs = (await this.client.request({
        method: "eth_getLogs",
        params: [
          { address: filter.address, topics: filter.topics, fromBlock: toQuantity(from), toBlock: toQuantity(to) },
        ],
      })) as Log<Hex, Hex>[];
      return logs.map(normalize);
    } catch (error) {
      if (to > from && isRangeRefusal(error)) {
        const middle = from + (to - from) / 2n;
        return [...(await this.range(filter, from, middle)), ...(await this.range(filter, middle + 1n, to))];
      }
      throw toChainError(error);
    }
  }
}

function normalize(log: Log<Hex, Hex>): RawLog {
  const withTime = log as Log<Hex, Hex> & { blockTimestamp?: Hex };
  return {
    address: log.address,
    topics: log.topics as [Hex, ...Hex[]],
    data: log.data,
    blockNumber: BigInt(log.blockNumber!),
    logIndex: Number(log.logIndex),
    transactionHash: log.transactionHash!,
    ...(withTime.blockTimestamp ? { blockTimestamp: Number(withTime.blockTimestamp) } : {}),
  };
}

/**
 * "This range returns too much": the messages providers use (Alchemy, Infura, QuickNode, geth), and
 * viem's own cap on a response body (10 MiB by default).
 */
function isRangeRefusal(error: unknown): boolean {
  if (
    (error as Error)?.name === "ResponseBodyTooLargeError" ||
    (error as { cause?: Error })?.cause?.name === "ResponseBodyTooLargeError"
  )
    return true;
  const text = String((error as { details?: string })?.details ?? "") + String((error as Error)?.message ?? "");
  return /(too many|more than \d+|limit exceeded|exceeded the size limit|range (is )?too (large|wide)|block range|query returned more|response size)/i.test(
    text,
  );
}

const min = (a: bigint, b: bigint) => (a < b ? a : b);
const max = (a: bigint, b: bigint) => (a > b ? a : b);
