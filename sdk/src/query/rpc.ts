/**
 * The embedded query backend: every answer is folded from the contracts' events, read from the
 * node with ranged `eth_getLogs` calls from each contract's deploy block. Filters use the indexed
 * topics (a patient's events are asked for by patient), so the node's log index does the
 * selecting. Statuses that time changes (expired grants, requests, failed studies) are read at the
 * block the query started from, like the contracts' views.
 */
import { decodeEventLog, toEventSelector, type AbiEvent, type Address, type Hex, type PublicClient } from "viem";
import { decodeAccessLogEntry } from "../access/log.ts";
import {
  consentManagerAbi,
  consortiumAbi,
  emergencyAccessAbi,
  recordRegistryAbi,
  researchPoolAbi,
} from "../chain/abis.ts";
import type { CaduceusChain } from "../chain/client.ts";
import type { Deployment } from "../chain/deployments.ts";
import { EMERGENCY_STATUS, Justification, type JustificationName } from "../chain/emergency.ts";
import { toChainError } from "../chain/errors.ts";
import { rejectReasonName } from "../chain/research.ts";
import { purposeNames, Role, type PurposeName, type RoleName } from "../chain/roles.ts";
import { recordCategoryName } from "../fhir/categories.ts";
import {
  addressTopic,
  byPosition,
  LogReader,
  uintTopic,
  type LogFilter,
  type LogReaderOptions,
  type RawLog,
} from "./logs.ts";
import {
  byAddress,
  pageSize,
  type Dashboard,
  type DashboardOptions,
  type DataContribution,
  type EmergencyContactsConfig,
  type EmergencyLogEntry,
  type EmergencyOverview,
  type EmergencyRequestSummary,
  type EventRef,
  type GrantsAndPolicies,
  type GrantSummary,
  type HospitalStaff,
  type LogEntry,
  type Page,
  type PageRequest,
  type PatientRecord,
  type PolicyView,
  type QueryBackend,
  type RecordVersion,
  type FundingStep,
  type KeyDelivery,
  type ResearcherOverview,
  type Study,
} from "./types.ts";

const ZERO32: Hex = `0x${"00".repeat(32)}`;
const purposeName = (code: number): PurposeName => purposeNames(1n << BigInt(code))[0];
const JUSTIFICATION_NAMES = Object.fromEntries(
  Object.entries(Justification).map(([name, code]) => [code, name]),
) as Record<number, JustificationName>;

/** The block a query reads at. */
interface Head {
  number: bigint;
  timestamp: number;
}

/** Event refs waiting for their block's time, filled in one round of `eth_getBlockByNumber`. */
class Stamps {
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

export interface RpcQueryOptions extends LogReaderOptions {
  /** Concurrent block-header reads when stamping event times (default 8). */
  headerConcurrency?: number;
}

export class RpcQueryBackend implements QueryBackend {
  readonly kind = "rpc";
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

  static fromChain(chain: CaduceusChain, options?: RpcQueryOptions): RpcQueryBackend {
    return new RpcQueryBackend(chain.deployment, chain.publicClient, options);
  }

  // ── queries ────────────────────────────────────────────────────────────────────────────────

  async records(patient: Address): Promise<PatientRecord[]> {
    const head = await this.head();
    const stamps = new Stamps();
    const records = foldRecords(await this.recordLogs(patient, head), stamps);
    await this.stamp(stamps);
    return records;
  }

  async grantsAndPolicies(patient: Address): Promise<GrantsAndPolicies> {
    const head = await this.head();
    const stamps = new Stamps();
    const result = foldConsent(await this.patientLogs(patient, head, "consentManager"), head, stamps);
    await this.stamp(stamps);
    return result;
  }

  async accessLog(patient: Address, page?: PageRequest): Promise<Page<LogEntry>> {
    const first = pageSize(page);
    const head = await this.head();
    const before = page?.cursor ? parseCursor(page.cursor) : undefined;
    const isBefore = (log: RawLog) => !before || byPosition(log, before) < 0;
    const found = await this.logs.backward(
      {
        address: [this.address("consentManager"), this.address("emergencyAccess")],
        topics: [[...CONSENT_LOG_TOPICS, ...EMERGENCY_LOG_TOPICS], addressTopic(patient)],
        fromBlock: this.fromBlock("consentManager", "emergencyAccess"),
        toBlock: before ? before.blockNumber : head.number,
      },
      (logs) => logs.filter(isBefore).length > first,
    );
    const entries = found.filter(isBefore).flatMap((log) => this.logEntry(log) ?? []);
    return this.logPage(entries, first);
  }

  async emergency(patient: Address): Promise<EmergencyOverview> {
    const head = await this.head();
    const stamps = new Stamps();
    const result = foldEmergency(await this.patientLogs(patient, head, "emergencyAccess"), head, stamps);
    await this.stamp(stamps);
    return result;
  }

  async recordsSent(provider: Address, page?: PageRequest): Promise<RecordVersion[]> {
    const first = pageSize(page);
    const logs = await this.contractLogs("recordRegistry", [RECORD_REGISTERED, null, null, addressTopic(provider)]);
    // A provider amends only what it registered, so its own log holds every version chain whole.
    // Block times are read for the returned page only (the unfilled Stamps leaves the rest at -1).
    const versions = foldRecords(logs, new Stamps())
      .flatMap((record) => record.versions)
      .sort((a, b) => byPosition(b.registered, a.registered))
      .slice(0, first);
    const unknown = versions.filter((v) => v.registered.timestamp < 0);
    const times = await this.blockTimestamps(unknown.map((v) => v.registered.blockNumber));
    for (const v of unknown) v.registered.timestamp = times.get(v.registered.blockNumber)!;
    return versions;
  }

  async fundingHistory(studyId: bigint): Promise<FundingStep[]> {
    const logs = await this.contractLogs("researchPool", [CONTRIBUTED, uintTopic(studyId)]);
    const stamps = new Stamps();
    const steps = logs.map((log) => {
      const { args } = decodeEventLog({ abi: researchPoolAbi, eventName: "Contributed", data: log.data, topics: log.topics });
      return { contributor: args.contributor, amount: args.amount, raised: args.raised, at: stamps.ref(log) };
    });
    await this.stamp(stamps);
    return steps;
  }

  async deliveredTo(patient: Address, grantee: Address): Promise<KeyDelivery[]> {
    const logs = await this.contractLogs("consentManager", [KEY_DELIVERED, addressTopic(patient), addressTopic(grantee)]);
    const stamps = new Stamps();
    const deliveries = logs.map((log) => {
      const { args } = decodeEventLog({ abi: consentManagerAbi, eventName: "KeyDelivered", data: log.data, topics: log.topics });
      return { recordId: args.recordId, purpose: purposeName(args.purpose), copyCid: args.copyCid === "0x" ? null : args.copyCid, at: stamps.ref(log) };
    });
    await this.stamp(stamps);
    return deliveries;
  }

  async roleHolders(role: RoleName): Promise<Address[]> {
    const logs = await this.contractLogs("consortium", [[ROLE_GRANTED, ROLE_REVOKED], Role[role]]);
    const holders = new Set<Address>();
    for (const log of logs) {
      const event = decodeEventLog({ abi: consortiumAbi, data: log.data, topics: log.topics });
      if (event.eventName === "RoleGranted") holders.add(event.args.account);
      else if (event.eventName === "RoleRevoked") holders.delete(event.args.account);
    }
    return byAddress([...holders]);
  }

  async patientsNaming(contact: Address): Promise<Address[]> {
    // Contacts are not indexed (they are an array), so every proposal is read and filtered here.
    const logs = await this.contractLogs("emergencyAccess", [CONTACTS_PROPOSED]);
    const patients = new Set<Address>();
    for (const log of logs) {
      const { args } = decodeEventLog({ abi: emergencyAccessAbi, eventName: "ContactsProposed", data: log.data, topics: log.topics });
      if (args.contacts.some((c) => c.toLowerCase() === contact.toLowerCase())) patients.add(args.patient);
    }
    return byAddress([...patients]);
  }

  async fundingTokens(): Promise<Address[]> {
    const logs = await this.contractLogs("researchPool", [TOKEN_ALLOWED]);
    const allowed = new Map<Address, boolean>();
    for (const log of logs) {
      const { args } = decodeEventLog({ abi: researchPoolAbi, eventName: "TokenAllowed", data: log.data, topics: log.topics });
      allowed.set(args.token, args.allowed);
    }
    return byAddress([...allowed].filter(([, ok]) => ok).map(([token]) => token));
  }

  async hospitalStaff(hospital: Address): Promise<HospitalStaff | undefined> {
    const logs = await this.contractLogs("consortium", [null, addressTopic(hospital)]);
    const stamps = new Stamps();
    let result: HospitalStaff | undefined;
    const staff = new Map<Address, { account: Address; addedAt: number }>();
    const proposals = new Map<Address, { account: Address; proposedAt: number }>();
    for (const log of logs) {
      const event = decodeEventLog({ abi: consortiumAbi, data: log.data, topics: log.topics });
      switch (event.eventName) {
        case "HospitalAdmitted":
          result = {
            hospital: event.args.hospital,
            hospitalId: event.args.hospitalId,
            name: event.args.name,
            suspended: false,
            admittedAt: -1,
            staff: [],
            proposals: [],
          };
          stamps.set(log, result, "admittedAt");
          break;
        case "HospitalSuspended":
        case "HospitalReinstated":
          if (result) result.suspended = event.eventName === "HospitalSuspended";
          break;
        case "StaffProposed": {
          const proposal = { account: event.args.staff, proposedAt: -1 };
          proposals.delete(proposal.account); // proposed again after a withdrawal: last in the order
          proposals.set(proposal.account, proposal);
          stamps.set(log, proposal, "proposedAt");
          break;
        }
        case "StaffProposalWithdrawn":
          proposals.delete(event.args.staff);
          break;
        case "StaffAdded": {
          proposals.delete(event.args.staff); // accepted
          const member = { account: event.args.staff, addedAt: -1 };
          staff.delete(member.account); // re-added: last in the order
          staff.set(member.account, member);
          stamps.set(log, member, "addedAt");
          break;
        }
        case "StaffRemoved":
          staff.delete(event.args.staff);
          break;
      }
    }
    if (!result) return undefined;
    result.staff = [...staff.values()];
    result.proposals = [...proposals.values()];
    await this.stamp(stamps);
    return result;
  }

  async dashboard(patient: Address, options: DashboardOptions = {}): Promise<Dashboard> {
    const head = await this.head();
    const stamps = new Stamps();
    const [recordLogs, consentLogs, emergencyLogs, contributionLogs] = await Promise.all([
      this.recordLogs(patient, head),
      this.patientLogs(patient, head, "consentManager"),
      this.patientLogs(patient, head, "emergencyAccess"),
      this.contributionLogs(patient, head),
    ]);
    const studyIds = [...new Set(contributionLogs.map((l) => BigInt(l.topics[1]!)))];
    const studyLogs = studyIds.length ? this.studyLogs(head, studyIds) : Promise.resolve([]);
    const records = foldRecords(recordLogs, stamps);
    const { policies, grants } = foldConsent(consentLogs, head, stamps);
    const emergency = foldEmergency(emergencyLogs, head, stamps);
    const entries = [...consentLogs, ...emergencyLogs]
      .sort(byPosition)
      .reverse()
      .flatMap((log) => this.logEntry(log) ?? []);
    const log = this.logPage(entries, pageSize({ first: options.logPageSize }, 20));
    const research = {
      contributions: foldContributions(contributionLogs, stamps),
      studies: foldStudies(await studyLogs, head, stamps),
    };
    await this.stamp(stamps);
    return {
      patient,
      asOf: { blockNumber: head.number, timestamp: head.timestamp },
      records,
      policies,
      grants,
      log: await log,
      emergency,
      research,
      counts: {
        records: records.length,
        versions: recordLogs.length,
        accessEvents: entries.length,
        keyDeliveries: entries.filter((e) => e.kind === "KeyDelivered").length,
        contributions: research.contributions.length,
      },
    };
  }

  async studies(page?: PageRequest): Promise<Page<Study>> {
    const first = pageSize(page);
    const offset = page?.cursor ? parseOffset(page.cursor) : 0;
    const head = await this.head();
    const stamps = new Stamps();
    const all = foldStudies(await this.studyLogs(head), head, stamps);
    const items = all.slice(offset, offset + first);
    await this.stamp(stamps);
    return offset + first < all.length ? { items, cursor: String(offset + first) } : { items };
  }

  async study(studyId: bigint): Promise<Study | undefined> {
    const head = await this.head();
    const stamps = new Stamps();
    const [study] = foldStudies(await this.studyLogs(head, [studyId]), head, stamps);
    await this.stamp(stamps);
    return study;
  }

  async researcher(researcher: Address): Promise<ResearcherOverview> {
    const head = await this.head();
    const created = await this.logs.all({
      address: this.address("researchPool"),
      topics: [STUDY_CREATED, null, addressTopic(researcher)],
      fromBlock: this.fromBlock("researchPool"),
      toBlock: head.number,
    });
    const ids = created.map((log) => BigInt(log.topics[1]!));
    const logs = ids.length ? await this.studyLogs(head, ids) : [];
    const stamps = new Stamps();
    const result = {
      researcher,
      studies: foldStudies(logs, head, stamps),
      contributions: foldContributions(logs, stamps),
    };
    await this.stamp(stamps);
    return result;
  }

  async contributions(patient: Address): Promise<DataContribution[]> {
    const head = await this.head();
    const stamps = new Stamps();
    const result = foldContributions(await this.contributionLogs(patient, head), stamps);
    await this.stamp(stamps);
    return result;
  }

  // ── plumbing ───────────────────────────────────────────────────────────────────────────────

  /** Every log of one contract matching `topics`, from its deployment block to the current head. */
  private async contractLogs(name: keyof Deployment["contracts"], topics: LogFilter["topics"]): Promise<RawLog[]> {
    const head = await this.head();
    return this.logs.all({ address: this.address(name), topics, fromBlock: this.fromBlock(name), toBlock: head.number });
  }

  private address(name: keyof Deployment["contracts"]): Address {
    return this.deployment.contracts[name].address;
  }

  private fromBlock(...names: (keyof Deployment["contracts"])[]): bigint {
    return BigInt(Math.min(...names.map((name) => this.deployment.contracts[name].deployBlock)));
  }

  private async head(): Promise<Head> {
    try {
      const block = await this.client.getBlock({ blockTag: "latest" });
      this.blockTimes.set(block.number, Number(block.timestamp));
      return { number: block.number, timestamp: Number(block.timestamp) };
    } catch (error) {
      throw toChainError(error);
    }
  }

  private recordLogs(patient: Address, head: Head): Promise<RawLog[]> {
    return this.logs.all({
      address: this.address("recordRegistry"),
      topics: [RECORD_REGISTERED, null, addressTopic(patient)],
      fromBlock: this.fromBlock("recordRegistry"),
      toBlock: head.number,
    });
  }

  /** Every event of `contract` whose first indexed argument is `patient`, oldest first. */
  private patientLogs(patient: Address, head: Head, contract: "consentManager" | "emergencyAccess"): Promise<RawLog[]> {
    const filter: LogFilter = {
      address: this.address(contract),
      topics: [null, addressTopic(patient)],
      fromBlock: this.fromBlock(contract),
      toBlock: head.number,
    };
    return this.logs.all(filter);
  }

  /** Every ResearchPool event of the given studies (all studies when `ids` is absent), oldest first. */
  private studyLogs(head: Head, ids?: bigint[]): Promise<RawLog[]> {
    return this.logs.all({
      address: this.address("researchPool"),
      topics: [STUDY_TOPICS, ids ? ids.map(uintTopic) : null],
      fromBlock: this.fromBlock("researchPool"),
      toBlock: head.number,
    });
  }

  /** A patient's data submissions, decisions and reward claims (patient: second indexed argument). */
  private contributionLogs(patient: Address, head: Head): Promise<RawLog[]> {
    return this.logs.all({
      address: this.address("researchPool"),
      topics: [CONTRIBUTION_TOPICS, null, addressTopic(patient)],
      fromBlock: this.fromBlock("researchPool"),
      toBlock: head.number,
    });
  }

  private logEntry(log: RawLog): Omit<LogEntry, "timestamp"> | undefined {
    return log.address.toLowerCase() === this.address("consentManager").toLowerCase()
      ? decodeAccessLogEntry(log)
      : decodeEmergencyLogEntry(log);
  }

  /** The first `first` of `entries` (newest first) with their block times, and a cursor if more follow. */
  private async logPage(entries: Omit<LogEntry, "timestamp">[], first: number): Promise<Page<LogEntry>> {
    const items = entries.slice(0, first);
    const times = await this.blockTimestamps(items.map((e) => e.blockNumber));
    const page: Page<LogEntry> = {
      items: items.map((e) => ({ ...e, timestamp: times.get(e.blockNumber)! }) as LogEntry),
    };
    if (entries.length > first) page.cursor = formatCursor(items[items.length - 1]);
    return page;
  }

  private stamp(stamps: Stamps): Promise<void> {
    return stamps.fill((blocks) => this.blockTimestamps(blocks));
  }

  /** Block times, each header read once per backend (blocks below the head do not change). */
  private async blockTimestamps(blocks: bigint[]): Promise<Map<bigint, number>> {
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
}

// ── topics ───────────────────────────────────────────────────────────────────────────────────

/** The topic of event `name` in `abi`. */
function topicOf(abi: readonly { type: string; name?: string }[], name: string): Hex {
  const event = abi.find((item): item is AbiEvent => item.type === "event" && item.name === name);
  if (!event) throw new Error(`event ${name} is not in the ABI`);
  return toEventSelector(event);
}

const RECORD_REGISTERED = topicOf(recordRegistryAbi, "RecordRegistered");
const TOKEN_ALLOWED = topicOf(researchPoolAbi, "TokenAllowed");
const CONTRIBUTED = topicOf(researchPoolAbi, "Contributed");
const KEY_DELIVERED = topicOf(consentManagerAbi, "KeyDelivered");
const ROLE_GRANTED = topicOf(consortiumAbi, "RoleGranted");
const ROLE_REVOKED = topicOf(consortiumAbi, "RoleRevoked");
const CONTACTS_PROPOSED = topicOf(emergencyAccessAbi, "ContactsProposed");
const CONSENT_LOG_TOPICS = [
  "PolicySet",
  "PolicyRevoked",
  "AccessRequested",
  "AccessDecided",
  "AccessRevoked",
  "AccessShared",
  "KeyDelivered",
].map((name) => topicOf(consentManagerAbi, name));
const EMERGENCY_LOG_TOPICS = ["EmergencyRequested", "EmergencyGranted", "EmergencyClosed"].map((name) =>
  topicOf(emergencyAccessAbi, name),
);

const STUDY_CREATED = topicOf(researchPoolAbi, "StudyCreated");
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

// ── cursors ──────────────────────────────────────────────────────────────────────────────────

/** A log-page cursor: the position of the last entry returned; the next page starts below it. */
function formatCursor(position: { blockNumber: bigint; logIndex: number }): string {
  return `${position.blockNumber}.${position.logIndex}`;
}

function parseCursor(cursor: string): { blockNumber: bigint; logIndex: number } {
  const match = /^(\d+)\.(\d+)$/.exec(cursor);
  if (!match) throw new RangeError(`not an access-log cursor of this backend: ${cursor}`);
  return { blockNumber: BigInt(match[1]), logIndex: Number(match[2]) };
}

/** A study-list cursor: how many studies came before. */
function parseOffset(cursor: string): number {
  if (!/^\d+$/.test(cursor)) throw new RangeError(`not a study-list cursor of this backend: ${cursor}`);
  return Number(cursor);
}

// ── folds ────────────────────────────────────────────────────────────────────────────────────

function decodeEmergencyLogEntry(log: RawLog): EmergencyLogEntry | undefined {
  const event = decodeEventLog({ abi: emergencyAccessAbi, data: log.data, topics: log.topics });
  const at = { blockNumber: log.blockNumber, transactionHash: log.transactionHash, logIndex: log.logIndex };
  switch (event.eventName) {
    case "EmergencyRequested":
      return {
        ...at,
        kind: event.eventName,
        doctor: event.args.doctor,
        round: event.args.round,
        justification: JUSTIFICATION_NAMES[event.args.justification],
        approveBy: event.args.approveBy,
      };
    case "EmergencyGranted":
      return {
        ...at,
        kind: event.eventName,
        doctor: event.args.doctor,
        round: event.args.round,
        expiresAt: event.args.expiresAt,
      };
    case "EmergencyClosed":
      return {
        ...at,
        kind: event.eventName,
        doctor: event.args.doctor,
        round: event.args.round,
        status: EMERGENCY_STATUS[event.args.status],
        by: event.args.by,
      };
    default:
      return undefined;
  }
}

/** `RecordRegistered` logs of one patient (oldest first) as records with their versions. */
function foldRecords(logs: RawLog[], stamps: Stamps): PatientRecord[] {
  const versions = new Map<Hex, RecordVersion>();
  for (const log of logs) {
    const { args } = decodeEventLog({
      abi: recordRegistryAbi,
      eventName: "RecordRegistered",
      data: log.data,
      topics: log.topics,
    });
    const previous = args.previousVersion === ZERO32 ? null : args.previousVersion;
    const before = previous ? versions.get(previous) : undefined;
    const version: RecordVersion = {
      recordId: args.recordId,
      patient: args.patient,
      provider: args.provider,
      hospitalId: args.hospitalId,
      patientAuthored: args.hospitalId === 0,
      cid: args.cid,
      contentDigest: args.contentDigest,
      category: recordCategoryName(args.category),
      version: before ? before.version + 1 : 1,
      previousVersion: previous,
      nextVersion: null,
      registered: stamps.ref(log),
    };
    if (before) before.nextVersion = version.recordId;
    versions.set(version.recordId, version);
  }
  const records: PatientRecord[] = [];
  for (const first of versions.values()) {
    if (first.previousVersion) continue;
    const chain = [first];
    for (let next = first.nextVersion; next; next = versions.get(next)!.nextVersion) chain.push(versions.get(next)!);
    records.push({ latest: chain[chain.length - 1], versions: chain });
  }
  return records.sort((a, b) => byPosition(b.latest.registered, a.latest.registered));
}

/** ConsentManager logs of one patient (oldest first) as its policies and grants. */
function foldConsent(logs: RawLog[], head: Head, stamps: Stamps): GrantsAndPolicies {
  const policies = new Map<Hex, Omit<PolicyView, "set" | "revokedAt"> & { set: RawLog; revoked?: RawLog }>();
  const grants = new Map<string, Omit<GrantSummary, "updatedAt"> & { updated: RawLog }>();
  for (const log of logs) {
    const event = decodeEventLog({ abi: consentManagerAbi, data: log.data, topics: log.topics });
    switch (event.eventName) {
      case "PolicySet": {
        const terms = { ...event.args.terms };
        policies.set(event.args.policyId, {
          policyId: event.args.policyId,
          version: event.args.version,
          active: true,
          terms,
          purposes: purposeNames(terms.purposes),
          set: log,
        });
        break;
      }
      case "PolicyRevoked": {
        const policy = policies.get(event.args.policyId);
        if (policy) Object.assign(policy, { active: false, revoked: log });
        break;
      }
      case "AccessRequested": {
        const { requester, purpose, rights, outcome, expiresAt, policyId } = event.args;
        if (outcome === 2) break; // Denied: logged, the stored grant is untouched
        grants.set(`${requester}:${purpose}`, {
          grantee: requester,
          purpose: purposeName(purpose),
          status: outcome === 0 ? "Active" : "Pending",
          rights,
          expiresAt,
          policyId,
          updated: log,
        });
        break;
      }
      case "AccessDecided": {
        const grant = grants.get(`${event.args.requester}:${event.args.purpose}`);
        if (grant) Object.assign(grant, { status: event.args.approved ? "Active" : "Denied", updated: log });
        break;
      }
      case "AccessRevoked": {
        const grant = grants.get(`${event.args.grantee}:${event.args.purpose}`);
        if (grant) Object.assign(grant, { status: "Revoked", updated: log });
        break;
      }
      case "AccessShared": {
        const { recipient, sharer, purpose, expiresAt } = event.args;
        grants.set(`${recipient}:${purpose}`, {
          grantee: recipient,
          purpose: purposeName(purpose),
          status: "Active",
          rights: 1,
          expiresAt,
          sharedBy: sharer,
          updated: log,
        });
        break;
      }
    }
  }
  const newestFirst = <T extends { updated?: RawLog; set?: RawLog; revoked?: RawLog }>(a: T, b: T) =>
    byPosition((b.revoked ?? b.updated ?? b.set)!, (a.revoked ?? a.updated ?? a.set)!);
  return {
    policies: [...policies.values()].sort(newestFirst).map(({ set, revoked, ...p }) => {
      const policy: PolicyView = { ...p, set: stamps.ref(set) };
      if (revoked) stamps.set(revoked, policy, "revokedAt");
      return policy;
    }),
    grants: [...grants.values()].sort(newestFirst).map(({ updated, ...g }) => {
      const expired = (g.status === "Active" || g.status === "Pending") && g.expiresAt <= head.timestamp;
      const grant: GrantSummary = { ...g, status: expired ? "Expired" : g.status, updatedAt: -1 };
      stamps.set(updated, grant, "updatedAt");
      return grant;
    }),
  };
}

/** EmergencyAccess logs of one patient (oldest first) as its configurations and requests. */
function foldEmergency(logs: RawLog[], head: Head, stamps: Stamps): EmergencyOverview {
  const configs = new Map<number, EmergencyContactsConfig>();
  const requests = new Map<string, EmergencyRequestSummary>();
  const positions = new Map<string, RawLog>();
  for (const log of logs) {
    const event = decodeEventLog({ abi: emergencyAccessAbi, data: log.data, topics: log.topics });
    const key = "doctor" in event.args && "round" in event.args ? `${event.args.doctor}:${event.args.round}` : "";
    const request = requests.get(key);
    switch (event.eventName) {
      case "ContactsProposed":
        configs.set(event.args.version, {
          version: event.args.version,
          contacts: [...event.args.contacts],
          threshold: event.args.threshold,
          sharesCid: event.args.sharesCid,
          activatesAt: event.args.activatesAt,
          cancelled: false,
          proposedAt: -1,
        });
        stamps.set(log, configs.get(event.args.version)!, "proposedAt");
        break;
      case "ContactsChangeCancelled": {
        const config = configs.get(event.args.version);
        if (config) config.cancelled = true;
        break;
      }
      case "EmergencyRequested":
        requests.set(key, {
          doctor: event.args.doctor,
          round: event.args.round,
          configVersion: event.args.configVersion,
          justification: JUSTIFICATION_NAMES[event.args.justification],
          noteCid: event.args.noteCid === "0x" ? null : event.args.noteCid,
          duration: event.args.duration,
          approveBy: event.args.approveBy,
          status: "Open",
          votes: [],
          approvals: 0,
          rejections: 0,
          requestedAt: -1,
        });
        stamps.set(log, requests.get(key)!, "requestedAt");
        positions.set(key, log);
        break;
      case "EmergencyApproved":
      case "EmergencyRejected":
        if (!request) break;
        request.votes.push({
          contact: event.args.contact,
          approved: event.eventName === "EmergencyApproved",
          at: stamps.ref(log),
        });
        if (event.eventName === "EmergencyApproved") request.approvals++;
        else request.rejections++;
        break;
      case "EmergencyGranted":
        if (request)
          if (request) {
            Object.assign(request, { status: "Granted", expiresAt: event.args.expiresAt });
            stamps.set(log, request, "grantedAt");
          }
        break;
      case "EmergencyClosed":
        if (request) {
          Object.assign(request, { status: EMERGENCY_STATUS[event.args.status], closedBy: event.args.by });
          stamps.set(log, request, "closedAt");
        }
        break;
    }
  }
  for (const request of requests.values()) {
    if (request.status === "Open" && head.timestamp >= request.approveBy) request.status = "Expired";
    if (request.status === "Granted" && head.timestamp >= request.expiresAt!) request.status = "Expired";
  }
  const all = [...configs.values()].sort((a, b) => b.version - a.version);
  const live = all.filter((c) => !c.cancelled);
  const current = live.find((c) => c.activatesAt <= head.timestamp);
  const pending = live.find((c) => c.activatesAt > head.timestamp && c.version > (current?.version ?? 0));
  return {
    ...(current ? { current } : {}),
    ...(pending ? { pending } : {}),
    configs: all,
    requests: [...positions].sort(([, a], [, b]) => byPosition(b, a)).map(([key]) => requests.get(key)!),
  };
}

/** ResearchPool logs (oldest first) as studies, newest first. */
function foldStudies(logs: RawLog[], head: Head, stamps: Stamps): Study[] {
  type Folding = Omit<Study, "createdAt" | "funders" | "status"> & {
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
        fundedPercent: 0,
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
      const out: Study = {
        ...study,
        fundedPercent: study.goal === 0n ? 0 : Number((study.raised * 100n) / study.goal),
        funders: funders.size,
        // As `statusOf`: funding stays open through the deadline second.
        status: cancelled ? "Cancelled" : funded ? "Funded" : head.timestamp > study.deadline ? "Failed" : "Funding",
        createdAt: -1,
      };
      stamps.set(created, out, "createdAt");
      return out;
    });
}

/** Data submissions and their fate (oldest first in, newest first out); one entry per submitted record. */
function foldContributions(logs: RawLog[], stamps: Stamps): DataContribution[] {
  type Folding = Omit<DataContribution, "submittedAt"> & { submitted: RawLog };
  const rows = new Map<string, Folding>();
  const accepted = new Map<string, Folding>();
  for (const log of logs) {
    const event = decodeEventLog({ abi: researchPoolAbi, data: log.data, topics: log.topics });
    switch (event.eventName) {
      case "DataSubmitted": {
        const { studyId, patient, recordId } = event.args;
        rows.set(`${studyId}:${patient}:${recordId}`, {
          studyId,
          patient,
          recordId,
          status: "Submitted",
          submitted: log,
        });
        break;
      }
      case "DataAccepted":
      case "DataRejected": {
        const { studyId, patient, recordId } = event.args;
        const row = rows.get(`${studyId}:${patient}:${recordId}`);
        if (!row) break;
        if (event.eventName === "DataAccepted") {
          Object.assign(row, { status: "Accepted", reward: event.args.reward });
          accepted.set(`${studyId}:${patient}`, row);
        } else {
          Object.assign(row, { status: "Rejected", rejectReason: rejectReasonName(event.args.reason) });
        }
        break;
      }
      case "RewardClaimed": {
        const row = accepted.get(`${event.args.studyId}:${event.args.patient}`);
        if (row) row.status = "Paid";
        break;
      }
    }
  }
  return [...rows.values()]
    .sort((a, b) => byPosition(b.submitted, a.submitted))
    .map(({ submitted, ...row }) => {
      const out: DataContribution = { ...row, submittedAt: -1 };
      stamps.set(submitted, out, "submittedAt");
      return out;
    });
}
