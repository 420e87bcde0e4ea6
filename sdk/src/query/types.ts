/**
 * The query layer's one interface and its result types. Two backends answer the same questions
 * with the same types: `RpcQueryBackend` (events read from the node, the embedded default) and
 * `GraphQLQueryBackend` (a subgraph). Amounts are `bigint` in the token's smallest unit, times are
 * Unix seconds, block numbers are `bigint` (as viem has them). See docs/query.md.
 */
import type { Address, Hex } from "viem";
import type { AccessLogEntry } from "./access-log.ts";
import type { GrantStatusName, PolicyTerms } from "../chain/access.ts";
import type { EmergencyStatusName, JustificationName } from "../chain/emergency.ts";
import type { DataStatusName, RejectReasonName, StudyStatusName } from "../chain/research.ts";
import type { PurposeName, RoleName } from "../chain/roles.ts";
import type { RecordCategoryName } from "../fhir/categories.ts";

/** Where an event happened. `logIndex` orders events inside a block. */
export interface EventRef {
  blockNumber: bigint;
  logIndex: number;
  transactionHash: Hex;
  /** Unix seconds of the block. */
  timestamp: number;
}

/** A page request: at most `first` items after `cursor` (an opaque string from the previous page). */
export interface PageRequest {
  first?: number;
  cursor?: string;
}

/** One page; `cursor` is absent on the last page. */
export interface Page<T> {
  items: T[];
  cursor?: string;
}

export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 1000;

// ── records ──────────────────────────────────────────────────────────────────────────────────

/** One version of a record, from its `RecordRegistered` event. */
export interface RecordVersion {
  recordId: Hex;
  patient: Address;
  /** The registering hospital's account, or the patient for a patient-authored record. */
  provider: Address;
  /** 0 for a patient-authored record. */
  hospitalId: number;
  patientAuthored: boolean;
  /** Binary CIDv1 of the ciphertext. */
  cid: Hex;
  contentDigest: Hex;
  category: RecordCategoryName;
  /** 1 for a first version, n for its (n−1)th amendment. */
  version: number;
  previousVersion: Hex | null;
  /** The version that superseded this one; null for the latest. */
  nextVersion: Hex | null;
  registered: EventRef;
}

/** A record: its latest version and its whole history, oldest first. */
export interface PatientRecord {
  latest: RecordVersion;
  versions: RecordVersion[];
}

// ── policies and grants ──────────────────────────────────────────────────────────────────────

export interface PolicyView {
  policyId: Hex;
  version: number;
  /** False once revoked. */
  active: boolean;
  terms: PolicyTerms;
  purposes: PurposeName[];
  set: EventRef;
  /** Unix seconds of the revocation. */
  revokedAt?: number;
}

/** A grant for (grantee, purpose), as the events leave it; `Expired` once `expiresAt` has passed. */
export interface GrantSummary {
  grantee: Address;
  purpose: PurposeName;
  status: GrantStatusName | "Expired";
  rights: number;
  expiresAt: number;
  /** The policy the request cited; absent for a shared grant. */
  policyId?: Hex;
  /** The grantee that shared this grant on, for a shared grant. */
  sharedBy?: Address;
  /** Unix seconds of the last event that changed it. */
  updatedAt: number;
}

export interface GrantsAndPolicies {
  /** Newest change first. */
  policies: PolicyView[];
  /** Newest change first. */
  grants: GrantSummary[];
}

// ── access log ───────────────────────────────────────────────────────────────────────────────

type At = { blockNumber: bigint; transactionHash: Hex; logIndex: number };

/** The emergency events of the access log: who asked, and when a quorum opened or it closed. */
export type EmergencyLogEntry = At &
  (
    | {
        kind: "EmergencyRequested";
        doctor: Address;
        round: number;
        justification: JustificationName;
        approveBy: number;
      }
    | { kind: "EmergencyGranted"; doctor: Address; round: number; expiresAt: number }
    | { kind: "EmergencyClosed"; doctor: Address; round: number; status: EmergencyStatusName; by: Address }
  );

/** One entry of a patient's access log, with its block's time. */
export type LogEntry = (AccessLogEntry | EmergencyLogEntry) & { timestamp: number };
export type LogEntryKind = LogEntry["kind"];

// ── emergency ────────────────────────────────────────────────────────────────────────────────

export interface EmergencyContactsConfig {
  version: number;
  contacts: Address[];
  threshold: number;
  /** Binary CID of the sealed key shares object. */
  sharesCid: Hex;
  activatesAt: number;
  /** The patient withdrew it before it took effect. */
  cancelled: boolean;
  proposedAt: number;
}

export interface EmergencyVote {
  contact: Address;
  approved: boolean;
  at: EventRef;
}

export interface EmergencyRequestSummary {
  doctor: Address;
  round: number;
  configVersion: number;
  justification: JustificationName;
  /** Binary CID of the doctor's encrypted note, or null. */
  noteCid: Hex | null;
  /** Requested grant length in seconds. */
  duration: number;
  approveBy: number;
  /** As `requestOf` reads it at `asOf`: an open request past `approveBy`, or a grant past `expiresAt`, is `Expired`. */
  status: EmergencyStatusName;
  /** Votes in the order they were cast. */
  votes: EmergencyVote[];
  approvals: number;
  rejections: number;
  /** When the grant ends (set once granted). */
  expiresAt?: number;
  grantedAt?: number;
  closedBy?: Address;
  closedAt?: number;
  requestedAt: number;
}

export interface EmergencyOverview {
  /** The configuration in force (`activatesAt` passed, not cancelled), if any. */
  current?: EmergencyContactsConfig;
  /** A proposed configuration still waiting for its security delay. */
  pending?: EmergencyContactsConfig;
  /** Every configuration, newest first. */
  configs: EmergencyContactsConfig[];
  /** Every request, newest first. */
  requests: EmergencyRequestSummary[];
}

// ── research ─────────────────────────────────────────────────────────────────────────────────

/** One record key a patient delivered to a grantee. */
export interface KeyDelivery {
  recordId: Hex;
  purpose: PurposeName;
  /** The de-identified copy the key opens; null when it opens the record itself. */
  copyCid: Hex | null;
  at: EventRef;
}

/** One contribution to a study, and what the study had raised after it. */
export interface FundingStep {
  contributor: Address;
  amount: bigint;
  raised: bigint;
  at: EventRef;
}

export interface Study {
  studyId: bigint;
  researcher: Address;
  /** Zero address: ETH. */
  token: Address;
  goal: bigint;
  deadline: number;
  reward: bigint;
  maxContributions: number;
  /** Bitmap of record categories the study needs. */
  categories: number;
  protocolCid: Hex;
  /** Funds contributed so far (refunds not subtracted). */
  raised: bigint;
  refunded: bigint;
  withdrawn: bigint;
  /** `raised / goal` in percent, rounded down (may exceed 100). */
  fundedPercent: number;
  /** Distinct funders. */
  funders: number;
  /** As `statusOf` reads it at `asOf`: a study still funding past its deadline has `Failed`. */
  status: StudyStatusName;
  /** Data collection closed by the researcher. */
  closed: boolean;
  dataAccepted: number;
  createdAt: number;
}

/** One record a patient submitted to a study, and what became of it. */
export interface DataContribution {
  studyId: bigint;
  patient: Address;
  recordId: Hex;
  status: Exclude<DataStatusName, "None">;
  /** Set once accepted. */
  reward?: bigint;
  /** Set once rejected. */
  rejectReason?: RejectReasonName | `Unknown(${number})`;
  submittedAt: number;
}

export interface ResearcherOverview {
  researcher: Address;
  /** Newest first. */
  studies: Study[];
  /** Contributions to those studies, newest first. */
  contributions: DataContribution[];
}

// ── consortium ───────────────────────────────────────────────────────────────────────────────

export interface HospitalStaff {
  hospital: Address;
  hospitalId: number;
  name: string;
  suspended: boolean;
  admittedAt: number;
  /** Current staff, in the order they were added. */
  staff: { account: Address; addedAt: number }[];
  /** Accounts the hospital proposed that have neither accepted nor been withdrawn, oldest first. */
  proposals: { account: Address; proposedAt: number }[];
}

// ── dashboard ────────────────────────────────────────────────────────────────────────────────

/** Everything a patient's home screen shows, read at one block. */
export interface Dashboard {
  patient: Address;
  asOf: { blockNumber: bigint; timestamp: number };
  /** Latest-registered first. */
  records: PatientRecord[];
  policies: PolicyView[];
  grants: GrantSummary[];
  /** The newest access log entries (one page; page further with `accessLog`). */
  log: Page<LogEntry>;
  emergency: EmergencyOverview;
  research: { contributions: DataContribution[]; studies: Study[] };
  counts: { records: number; versions: number; accessEvents: number; keyDeliveries: number; contributions: number };
}

export interface DashboardOptions {
  /** Size of the access-log page (default 20). */
  logPageSize?: number;
}

/** Every question the web app, CLI and scripts ask about the chain, answered by either backend. */
export interface QueryBackend {
  readonly kind: "rpc" | "graphql";
  /** A patient's records, each with all its versions; latest-registered first. */
  records(patient: Address): Promise<PatientRecord[]>;
  /** A patient's policies and the grants made under them (or shared on). */
  grantsAndPolicies(patient: Address): Promise<GrantsAndPolicies>;
  /** A patient's access log, newest first, one page at a time. */
  accessLog(patient: Address, page?: PageRequest): Promise<Page<LogEntry>>;
  /** A patient's emergency contacts, requests and votes. */
  emergency(patient: Address): Promise<EmergencyOverview>;
  /** Every study, newest first. */
  studies(page?: PageRequest): Promise<Page<Study>>;
  study(studyId: bigint): Promise<Study | undefined>;
  /** A researcher's studies and the data contributed to them. */
  researcher(researcher: Address): Promise<ResearcherOverview>;
  /** What a patient contributed to studies, newest first. */
  contributions(patient: Address): Promise<DataContribution[]>;
  /** A hospital and its current staff; undefined if never admitted. */
  hospitalStaff(hospital: Address): Promise<HospitalStaff | undefined>;
  /** The record versions `provider` registered (a hospital, or a patient for their own), newest first: the first page only. */
  recordsSent(provider: Address, page?: PageRequest): Promise<RecordVersion[]>;
  /** A study's contributions, oldest first, each with the total raised after it (at most 1,000 from a subgraph). */
  fundingHistory(studyId: bigint): Promise<FundingStep[]>;
  /** Record keys `patient` delivered to `grantee`, oldest first (a de-identified copy's key has its `copyCid`). */
  deliveredTo(patient: Address, grantee: Address): Promise<KeyDelivery[]>;
  /** Accounts that hold a governance-verified role now (researchers, auditors…), by address. */
  roleHolders(role: RoleName): Promise<Address[]>;
  /** Patients who named `contact` in any emergency configuration, by address. */
  patientsNaming(contact: Address): Promise<Address[]>;
  /** The ERC-20s governance allows new studies to raise (ETH always may, so it is not listed), by address. */
  fundingTokens(): Promise<Address[]>;
  /** Everything a patient's home screen shows. */
  dashboard(patient: Address, options?: DashboardOptions): Promise<Dashboard>;
}

/** Addresses in one order both backends share: by their lower-case hex. */
export function byAddress(addresses: Address[]): Address[] {
  return addresses.sort((a, b) => (a.toLowerCase() < b.toLowerCase() ? -1 : a.toLowerCase() > b.toLowerCase() ? 1 : 0));
}

export function pageSize(page?: PageRequest, fallback = DEFAULT_PAGE_SIZE): number {
  const first = page?.first ?? fallback;
  if (!Number.isInteger(first) || first < 1 || first > MAX_PAGE_SIZE) {
    throw new RangeError(`page size must be a whole number from 1 to ${MAX_PAGE_SIZE} (got ${first})`);
  }
  return first;
}
