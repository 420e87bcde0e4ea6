/** Studies, their funding and the data contributed to them, from the subgraph's `Study`, `Funding` and contribution entities. */
import { getAddress, type Address, type Hex } from "viem";
import { STUDY_STATUS } from "../../chain/research.ts";
import { byPosition, foldContributions, parseStudyCursor, studyAt, type ContributionEvent } from "../map.ts";
import { pageSize, type Page, type PageRequest } from "../types.ts";
import type { DataContribution, FundingStep, ResearcherOverview, Study } from "../types.ts";
import { enumOf, eventRef, lower, type Ev, type Id, type SubgraphClient } from "./client.ts";
import { DOCUMENTS } from "./documents.ts";

export type StudyRow = {
  studyId: string;
  researcher: Id;
  token: string;
  goal: string;
  deadline: string;
  reward: string;
  maxContributions: number;
  categories: number;
  protocolCid: string;
  raised: string;
  refunded: string;
  status: "FUNDING" | "FUNDED" | "CANCELLED";
  withdrawnAmount: string | null;
  closed: boolean;
  acceptedContributions: number;
  createdAt: string;
  funders: Id[];
};
type ContributionEventRow = Ev & {
  study: { studyId: string };
  patient: Id;
  record: Id;
  kind: "SUBMITTED" | "ACCEPTED" | "REJECTED";
  reward: string | null;
  reason: number | null;
};
/** A contribution's history (one row per submitted record, as the RPC backend folds it) and which were paid. */
type ContributionHistory = {
  dataContributionEvents: ContributionEventRow[];
  dataContributions: { study: { studyId: string }; patient: Id }[];
};

export async function studies(subgraph: SubgraphClient, page?: PageRequest): Promise<Page<Study>> {
  const first = pageSize(page);
  const skip = parseStudyCursor(page?.cursor);
  const [{ studies }, now] = await Promise.all([
    subgraph.query<{ studies: StudyRow[] }>(DOCUMENTS.studies, { first: first + 1, skip }),
    subgraph.now(),
  ]);
  const items = studies.slice(0, first).map((s) => studyOf(s, now.timestamp));
  return studies.length > first ? { items, cursor: String(skip + first) } : { items };
}

export async function study(subgraph: SubgraphClient, studyId: bigint): Promise<Study | undefined> {
  const [{ studies }, now] = await Promise.all([
    subgraph.query<{ studies: StudyRow[] }>(DOCUMENTS.study, { studyId: studyId.toString() }),
    subgraph.now(),
  ]);
  return studies[0] && studyOf(studies[0], now.timestamp);
}

/** The studies with the given ids, newest first, at `now`. */
export async function studiesByIds(subgraph: SubgraphClient, ids: bigint[], now: number): Promise<Study[]> {
  if (!ids.length) return [];
  const { studies } = await subgraph.query<{ studies: StudyRow[] }>(DOCUMENTS.studiesByIds, { ids: ids.map(String) });
  return studies.map((s) => studyOf(s, now));
}

export async function researcher(subgraph: SubgraphClient, researcher: Address): Promise<ResearcherOverview> {
  const [{ studies, ...history }, now] = await Promise.all([
    subgraph.query<{ studies: StudyRow[] } & ContributionHistory>(DOCUMENTS.researcher, { researcher: lower(researcher) }),
    subgraph.now(),
  ]);
  return {
    researcher,
    studies: studies.map((s) => studyOf(s, now.timestamp)),
    contributions: foldContributions(contributionEvents(history)),
  };
}

export async function contributions(subgraph: SubgraphClient, patient: Address): Promise<DataContribution[]> {
  const history = await subgraph.query<ContributionHistory>(DOCUMENTS.contributions, { patient: lower(patient) });
  return foldContributions(contributionEvents(history));
}

export async function fundingHistory(subgraph: SubgraphClient, studyId: bigint): Promise<FundingStep[]> {
  type Row = Ev & { contributor: Id; amount: string; raised: string };
  const { fundings } = await subgraph.query<{ fundings: Row[] }>(DOCUMENTS.fundingHistory, { studyId: studyId.toString() });
  return fundings
    .map((f) => ({ contributor: getAddress(f.contributor.id), amount: BigInt(f.amount), raised: BigInt(f.raised), at: eventRef(f) }))
    .sort((a, b) => byPosition(a.at, b.at));
}

export async function fundingTokens(subgraph: SubgraphClient): Promise<Address[]> {
  const { fundingTokens } = await subgraph.query<{ fundingTokens: Id[] }>(DOCUMENTS.fundingTokens, {});
  return fundingTokens.map((t) => getAddress(t.id));
}

function studyOf(s: StudyRow, now: number): Study {
  return studyAt(
    {
      studyId: BigInt(s.studyId),
      researcher: getAddress(s.researcher.id),
      token: getAddress(s.token),
      goal: BigInt(s.goal),
      deadline: Number(s.deadline),
      reward: BigInt(s.reward),
      maxContributions: s.maxContributions,
      categories: s.categories,
      protocolCid: s.protocolCid as Hex,
      raised: BigInt(s.raised),
      refunded: BigInt(s.refunded),
      withdrawn: BigInt(s.withdrawnAmount ?? 0),
      funders: s.funders.length,
      stored: enumOf(STUDY_STATUS, s.status),
      closed: s.closed,
      dataAccepted: s.acceptedContributions,
      createdAt: Number(s.createdAt),
    },
    now,
  );
}

/** The contributions' history in position order, then the claimed rewards (a claim follows its acceptance). */
function contributionEvents({ dataContributionEvents, dataContributions }: ContributionHistory): ContributionEvent[] {
  const steps = dataContributionEvents
    .map((e) => ({ e, at: eventRef(e) }))
    .sort((a, b) => byPosition(a.at, b.at))
    .map(({ e, at }): ContributionEvent => {
      const step = { studyId: BigInt(e.study.studyId), patient: getAddress(e.patient.id), recordId: e.record.id as Hex };
      if (e.kind === "SUBMITTED") return { kind: "Submitted", ...step, at };
      if (e.kind === "ACCEPTED") return { kind: "Accepted", ...step, reward: BigInt(e.reward!) };
      return { kind: "Rejected", ...step, reason: e.reason! };
    });
  const paid = dataContributions.map(
    (p): ContributionEvent => ({ kind: "Paid", studyId: BigInt(p.study.studyId), patient: getAddress(p.patient.id) }),
  );
  return [...steps, ...paid];
}
