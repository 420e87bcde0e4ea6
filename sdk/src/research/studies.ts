/**
 * Studies and their money: a verified researcher opens a study (the protocol document goes to the
 * content store, its CID on-chain), anyone funds it in ETH or its ERC-20 (approved first), donors
 * pull refunds of failed or cancelled studies, the researcher withdraws a funded study's funds
 * minus the reward reserve, and closes data collection. Reads give funding progress and the
 * derived status (`Failed` included) as the contract computes it.
 */
import { erc20Abi, hexToBytes, parseEventLogs, toHex, zeroAddress, type Address, type Hex } from "viem";
import type { CaduceusChain } from "../chain/client.ts";
import { STUDY_STATUS, type StudyStatusName } from "../chain/research.ts";
import { recordCategoryName, RecordCategory, type RecordCategoryName } from "../fhir/categories.ts";
import type { ByteSource, ContentStore } from "../storage/content-store.ts";
import { cidFromBytes } from "../storage/cid.ts";
import { explainResearchError, InvalidStudyError, researchWrite } from "./errors.ts";

export interface Study {
  studyId: bigint;
  researcher: Address;
  /** Zero address for ETH. */
  token: Address;
  goal: bigint;
  raised: bigint;
  /** Unix seconds: the last second the study takes funds. */
  deadline: number;
  status: StudyStatusName;
  reward: bigint;
  maxContributions: number;
  accepted: number;
  categories: RecordCategoryName[];
  /** The categories bitmap as the contract holds it. */
  categoryBits: number;
  withdrawn: boolean;
  closed: boolean;
  /** The CID (string form) of the protocol document. */
  protocolCid: string;
  /** reward × maxContributions: kept back from the researcher's withdrawal to pay patients. */
  reserve: bigint;
  /** Funding progress in percent (may pass 100 when the last contribution overshoots). */
  percentFunded: number;
  /** What is still missing to the goal (0 once reached). */
  remaining: bigint;
}

/** The bitmap of category names, checked. */
export function categoryBits(names: readonly string[]): number {
  if (names.length === 0) throw new InvalidStudyError("A study needs at least one record category.");
  return names.reduce((bits, name) => {
    const key = (Object.keys(RecordCategory) as RecordCategoryName[]).find((k) => k.toLowerCase() === name.trim().toLowerCase());
    if (key === undefined) throw new InvalidStudyError(`Unknown record category "${name}": use ${Object.keys(RecordCategory).join(", ")}.`);
    return bits | (1 << RecordCategory[key]);
  }, 0);
}

/** The category names of a bitmap. */
export function categoryNames(bits: number): RecordCategoryName[] {
  return Object.values(RecordCategory)
    .filter((c) => (bits >> c) & 1)
    .map(recordCategoryName);
}

const read = <T>(chain: CaduceusChain, fn: string, args: readonly unknown[]): Promise<T> =>
  chain
    .call(() => chain.publicClient.readContract({ ...chain.researchPool, functionName: fn, args } as never) as Promise<T>)
    .catch((error: unknown) => {
      throw explainResearchError(error, fn);
    });

export interface CreateStudyParams {
  /** The researcher's chain client (signs). */
  chain: CaduceusChain;
  store: ContentStore;
  /** The protocol document (ethics approval inside); stored as is: it is public. */
  protocol: ByteSource;
  /** An allowed ERC-20; default ETH. */
  token?: Address;
  goal: bigint;
  /** Unix seconds, at most 180 days ahead. */
  deadline: number;
  reward: bigint;
  maxContributions: number;
  categories: readonly string[];
}

export async function createStudy(params: CreateStudyParams): Promise<{ studyId: bigint; protocolCid: string; hash: Hex }> {
  const { chain } = params;
  const categories = categoryBits(params.categories);
  const stored = await params.store.put(params.protocol);
  const { hash, receipt } = await researchWrite(chain, "createStudy", [
    {
      token: params.token ?? zeroAddress,
      goal: params.goal,
      deadline: params.deadline,
      reward: params.reward,
      maxContributions: params.maxContributions,
      categories,
      protocolCid: toHex(stored.cid.bytes),
    },
  ]);
  const [event] = parseEventLogs({ abi: chain.researchPool.abi, logs: receipt.logs, eventName: "StudyCreated" });
  return { studyId: event!.args.studyId, protocolCid: stored.cid.toString(), hash };
}

export async function getStudy(chain: CaduceusChain, studyId: bigint): Promise<Study> {
  const info = await read<{
    researcher: Address;
    token: Address;
    deadline: number;
    status: number;
    categories: number;
    withdrawn: boolean;
    closed: boolean;
    maxContributions: number;
    accepted: number;
    goal: bigint;
    raised: bigint;
    reward: bigint;
    protocolCid: Hex;
  }>(chain, "getStudy", [studyId]);
  const { categories: bits, protocolCid, status, ...rest } = info;
  return {
    studyId,
    ...rest,
    status: STUDY_STATUS[status] ?? "Funding",
    categories: categoryNames(bits),
    categoryBits: bits,
    protocolCid: cidFromBytes(hexToBytes(protocolCid)).toString(),
    reserve: info.reward * BigInt(info.maxContributions),
    percentFunded: info.goal === 0n ? 0 : Number((info.raised * 10_000n) / info.goal) / 100,
    remaining: info.raised >= info.goal ? 0n : info.goal - info.raised,
  };
}

/** The protocol document's bytes, verified against its CID by the store. */
export function readProtocol(store: ContentStore, study: Pick<Study, "protocolCid">): AsyncIterable<Uint8Array> {
  return store.get(study.protocolCid);
}

export async function studyCount(chain: CaduceusChain): Promise<number> {
  return Number(await read<bigint>(chain, "studyCount", []));
}

/** Studies, newest first; `researcher` keeps only theirs. */
export async function listStudies(
  chain: CaduceusChain,
  options: { researcher?: Address; limit?: number } = {},
): Promise<Study[]> {
  const count = await studyCount(chain);
  const limit = options.limit ?? 100;
  const studies: Study[] = [];
  for (let id = count; id >= 1 && studies.length < limit; id--) {
    const study = await getStudy(chain, BigInt(id));
    if (!options.researcher || study.researcher.toLowerCase() === options.researcher.toLowerCase()) studies.push(study);
  }
  return studies;
}

/** What `contributor` paid into the study and has not taken back. */
export async function contributionOf(chain: CaduceusChain, studyId: bigint, contributor: Address): Promise<bigint> {
  return read<bigint>(chain, "contributionOf", [studyId, contributor]);
}

export interface FundResult {
  hash: Hex;
  /** The approval sent first, for an ERC-20 study whose allowance was short. */
  approveHash?: Hex;
  raised: bigint;
  /** This contribution reached the goal. */
  funded: boolean;
}

/** Funds a study with `amount` of its token: ETH attached, or an ERC-20 approved (if needed) and pulled. */
export async function fund(chain: CaduceusChain, studyId: bigint, amount: bigint): Promise<FundResult> {
  const study = await getStudy(chain, studyId);
  let approveHash: Hex | undefined;
  if (study.token !== zeroAddress) {
    const token = { address: study.token, abi: erc20Abi } as const;
    const allowance = await chain.call(() =>
      chain.publicClient.readContract({ ...token, functionName: "allowance", args: [chain.account, chain.researchPool.address] }),
    );
    if (allowance < amount) approveHash = (await chain.write(token, "approve", [chain.researchPool.address, amount])).hash;
  }
  const { hash, receipt } = await researchWrite(chain, "contribute", [studyId, amount], study.token === zeroAddress ? amount : undefined);
  const abi = chain.researchPool.abi;
  const [contributed] = parseEventLogs({ abi, logs: receipt.logs, eventName: "Contributed" });
  const funded = parseEventLogs({ abi, logs: receipt.logs, eventName: "StudyFunded" }).length > 0;
  return { hash, approveHash, raised: contributed!.args.raised, funded };
}

/**
 * A donor takes back everything it paid into a failed or cancelled study, paid to `to` (default: the
 * donor's own address; name another when the donor is a contract that cannot receive ETH).
 */
export async function refund(chain: CaduceusChain, studyId: bigint, to: Address = chain.account): Promise<{ hash: Hex; amount: bigint; to: Address }> {
  const { hash, receipt } = await researchWrite(chain, "refund", [studyId, to]);
  const [event] = parseEventLogs({ abi: chain.researchPool.abi, logs: receipt.logs, eventName: "Refunded" });
  return { hash, amount: event!.args.amount, to: event!.args.to };
}

/** The researcher takes a funded study's funds minus the reward reserve (once, after the funding deadline), paid to `to` (default: itself). */
export async function withdraw(chain: CaduceusChain, studyId: bigint, to: Address = chain.account): Promise<{ hash: Hex; amount: bigint; to: Address }> {
  const { hash, receipt } = await researchWrite(chain, "withdraw", [studyId, to]);
  const [event] = parseEventLogs({ abi: chain.researchPool.abi, logs: receipt.logs, eventName: "FundsWithdrawn" });
  return { hash, amount: event!.args.amount, to: event!.args.to };
}

/** The researcher cancels a study that is still funding; donors then pull refunds. */
export async function cancelStudy(chain: CaduceusChain, studyId: bigint): Promise<{ hash: Hex }> {
  const { hash } = await researchWrite(chain, "cancelStudy", [studyId]);
  return { hash };
}

/**
 * The researcher ends data collection after the funding deadline; the reserve of slots neither
 * accepted nor pending goes to `to` (default: itself). Pending submissions keep their slot; calling
 * again on a closed study releases the slots that rejections freed since.
 */
export async function closeStudy(chain: CaduceusChain, studyId: bigint, to: Address = chain.account): Promise<{ hash: Hex; reserveReleased: bigint; to: Address }> {
  const { hash, receipt } = await researchWrite(chain, "closeStudy", [studyId, to]);
  const [event] = parseEventLogs({ abi: chain.researchPool.abi, logs: receipt.logs, eventName: "StudyClosed" });
  return { hash, reserveReleased: event!.args.reserveReleased, to: event!.args.to };
}

/** Symbol and decimals of a study's token ("ETH", 18 for the zero address). */
export async function tokenInfo(chain: CaduceusChain, token: Address): Promise<{ symbol: string; decimals: number }> {
  if (token === zeroAddress) return { symbol: "ETH", decimals: 18 };
  const contract = { address: token, abi: erc20Abi } as const;
  const [symbol, decimals] = await Promise.all([
    chain.call(() => chain.publicClient.readContract({ ...contract, functionName: "symbol" })),
    chain.call(() => chain.publicClient.readContract({ ...contract, functionName: "decimals" })),
  ]);
  return { symbol, decimals };
}
