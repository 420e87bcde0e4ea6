/** Studies, their funding and the data contributed to them, from the ResearchPool's events. */
import { decodeEventLog, type Address } from "viem";
import { researchPoolAbi } from "../../chain/abis.ts";
import { addressTopic, uintTopic, type RawLog } from "../logs.ts";
import { byPosition, foldContributions, parseStudyCursor, studyAt, type ContributionEvent, type StudyFields } from "../map.ts";
import { byAddress, pageSize, type Page, type PageRequest } from "../types.ts";
import type { DataContribution, FundingStep, ResearcherOverview, Study } from "../types.ts";
import { topicOf, type Head, type LogSource, type Stamps } from "./source.ts";

const STUDY_CREATED = topicOf(researchPoolAbi, "StudyCreated");
const CONTRIBUTED = topicOf(researchPoolAbi, "Contributed");
const TOKEN_ALLOWED = topicOf(researchPoolAbi, "TokenAllowed");
const CONTRIBUTION_TOPICS = ["DataSubmitted", "DataAccepted", "DataRejected", "RewardClaimed"].map((name) =>
  topicOf(researchPoolAbi, name),
);
const STUDY_TOPICS = [
  STUDY_CREATED,
  ...["Contributed", "StudyFunded", "StudyCancelled", "Refunded", "FundsWithdrawn", "StudyClosed"].map((name) =>
    topicOf(researchPoolAbi, name),
  ),
  ...CONTRIBUTION_TOPICS,
];

/** Every ResearchPool event of the given studies (all studies when `ids` is absent), oldest first. */
export function studyLogs(source: LogSource, head: Head, ids?: bigint[]): Promise<RawLog[]> {
  return source.all("researchPool", [STUDY_TOPICS, ids ? ids.map(uintTopic) : null], head);
}

/** A patient's data submissions, decisions and reward claims (patient: second indexed argument). */
export function contributionLogs(source: LogSource, patient: Address, head: Head): Promise<RawLog[]> {
  return source.all("researchPool", [CONTRIBUTION_TOPICS, null, addressTopic(patient)], head);
}

export async function studies(source: LogSource, page?: PageRequest): Promise<Page<Study>> {
  const first = pageSize(page);
  const offset = parseStudyCursor(page?.cursor);
  const head = await source.head();
  const logs = await studyLogs(source, head);
  const all = await source.stamped((stamps) => foldStudies(logs, head, stamps));
  const items = all.slice(offset, offset + first);
  return offset + first < all.length ? { items, cursor: String(offset + first) } : { items };
}

export async function study(source: LogSource, studyId: bigint): Promise<Study | undefined> {
  const head = await source.head();
  const logs = await studyLogs(source, head, [studyId]);
  const [found] = await source.stamped((stamps) => foldStudies(logs, head, stamps));
  return found;
}

export async function researcher(source: LogSource, researcher: Address): Promise<ResearcherOverview> {
  const head = await source.head();
  const created = await source.all("researchPool", [STUDY_CREATED, null, addressTopic(researcher)], head);
  const ids = created.map((log) => BigInt(log.topics[1]!));
  const logs = ids.length ? await studyLogs(source, head, ids) : [];
  const [studies, events] = await source.stamped((stamps) => [foldStudies(logs, head, stamps), contributionEvents(logs, stamps)] as const);
  return { researcher, studies, contributions: foldContributions(events) };
}

export async function contributions(source: LogSource, patient: Address): Promise<DataContribution[]> {
  const head = await source.head();
  const logs = await contributionLogs(source, patient, head);
  return foldContributions(await source.stamped((stamps) => contributionEvents(logs, stamps)));
}

export async function fundingHistory(source: LogSource, studyId: bigint): Promise<FundingStep[]> {
  const logs = await source.all("researchPool", [CONTRIBUTED, uintTopic(studyId)]);
  return source.stamped((stamps) =>
    logs.map((log) => {
      const { args } = decodeEventLog({ abi: researchPoolAbi, eventName: "Contributed", data: log.data, topics: log.topics });
      return { contributor: args.contributor, amount: args.amount, raised: args.raised, at: stamps.ref(log) };
    }),
  );
}

export async function fundingTokens(source: LogSource): Promise<Address[]> {
  const logs = await source.all("researchPool", [TOKEN_ALLOWED]);
  const allowed = new Map<Address, boolean>();
  for (const log of logs) {
    const { args } = decodeEventLog({ abi: researchPoolAbi, eventName: "TokenAllowed", data: log.data, topics: log.topics });
    allowed.set(args.token, args.allowed);
  }
  return byAddress([...allowed].filter(([, ok]) => ok).map(([token]) => token));
}

/** ResearchPool logs (oldest first) as studies, newest first. */
export function foldStudies(logs: RawLog[], head: Head, stamps: Stamps): Study[] {
  type Folding = Omit<StudyFields, "createdAt" | "funders" | "stored"> & {
    created: RawLog;
    funders: Set<Address>;
    funded: boolean;
    cancelled: boolean;
  };
  const studies = new Map<bigint, Folding>();
  for (const log of logs) {
    const event = decodeEventLog({ abi: researchPoolAbi, data: log.data, topics: log.topics });
    if (event.eventName === "StudyCreated") {
      const a = event.args;
      studies.set(a.studyId, {
        studyId: a.studyId,
        researcher: a.researcher,
        token: a.token,
        goal: a.goal,
        deadline: a.deadline,
        reward: a.reward,
        maxContributions: a.maxContributions,
        categories: a.categories,
        protocolCid: a.protocolCid,
        raised: 0n,
        refunded: 0n,
        withdrawn: 0n,
        closed: false,
        dataAccepted: 0,
        created: log,
        funders: new Set(),
        funded: false,
        cancelled: false,
      });
      continue;
    }
    const study = "studyId" in event.args ? studies.get(event.args.studyId) : undefined;
    if (!study) continue;
    switch (event.eventName) {
      case "Contributed":
        study.raised = event.args.raised;
        study.funders.add(event.args.contributor);
        break;
      case "StudyFunded":
        study.funded = true;
        break;
      case "StudyCancelled":
        study.cancelled = true;
        break;
      case "Refunded":
        study.refunded += event.args.amount;
        break;
      case "FundsWithdrawn":
        study.withdrawn += event.args.amount;
        break;
      case "StudyClosed":
        study.closed = true;
        break;
      case "DataAccepted":
        study.dataAccepted++;
        break;
    }
  }
  return [...studies.values()]
    .sort((a, b) => byPosition(b.created, a.created))
    .map(({ created, funders, funded, cancelled, ...study }) => {
      const stored = cancelled ? "Cancelled" : funded ? "Funded" : "Funding";
      const out = studyAt({ ...study, funders: funders.size, stored, createdAt: -1 }, head.timestamp);
      stamps.set(created, out, "createdAt");
      return out;
    });
}

/** The contribution history in ResearchPool logs (oldest first); other events are passed over. */
export function contributionEvents(logs: RawLog[], stamps: Stamps): ContributionEvent[] {
  return logs.flatMap((log): ContributionEvent[] => {
    const event = decodeEventLog({ abi: researchPoolAbi, data: log.data, topics: log.topics });
    switch (event.eventName) {
      case "DataSubmitted":
        return [{ kind: "Submitted", ...event.args, at: stamps.ref(log) }];
      case "DataAccepted":
        return [{ kind: "Accepted", ...event.args }];
      case "DataRejected":
        return [{ kind: "Rejected", ...event.args }];
      case "RewardClaimed":
        return [{ kind: "Paid", studyId: event.args.studyId, patient: event.args.patient }];
      default:
        return [];
    }
  });
}
