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
 */
import { getAddress, type Address, type Hex } from "viem";
import { CaduceusError } from "../errors.ts";
import { byPosition } from "./map.ts";
import type { PolicyTerms } from "../chain/access.ts";
import {
  EMERGENCY_STATUS,
  Justification,
  type EmergencyStatusName,
  type JustificationName,
} from "../chain/emergency.ts";
import { rejectReasonName, type StudyStatusName } from "../chain/research.ts";
import { purposeNames, Role, type PurposeName, type RoleName } from "../chain/roles.ts";
import { RecordCategory, type RecordCategoryName } from "../fhir/categories.ts";
import { DENY_REASON, GRANT_STATUS, REQUEST_OUTCOME } from "../chain/access.ts";
import {
  byAddress,
  pageSize,
  type Dashboard,
  type DashboardOptions,
  type DataContribution,
  type EmergencyContactsConfig,
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
  type EmergencyLogEntry,
  type Study,
} from "./types.ts";

const BATCH = 1000;

// ── documents (validated against subgraph/generated-api.graphql in test/query/graphql.test.ts) ──

const EVENT = "id blockNumber blockTimestamp transactionHash";
const STUDY_FIELDS = `studyId researcher { id } token goal deadline reward maxContributions categories protocolCid raised refunded
  status withdrawnAmount closed acceptedContributions createdAt funders(first: 1000) { id }`;
/** A contribution's history (one row per submitted record, as the RPC backend folds it) and which were paid. */
const CONTRIBUTION_FIELDS = `study { studyId } patient { id } record { id } kind reward reason ${EVENT}`;
const PAID_FIELDS = "study { studyId } patient { id }";

const RECORD_FIELDS = `id patient { id } provider { id } hospitalId patientAuthored cid contentDigest category version
    previousVersion { id } nextVersion { id } registeredAt blockNumber logIndex transactionHash`;

export const DOCUMENTS = {
  meta: `query Meta { _meta { block { number timestamp } } }`,
  records: `query PatientRecords($patient: String!, $first: Int!, $after: Bytes!) {
  records(where: { patient: $patient, id_gt: $after }, orderBy: id, orderDirection: asc, first: $first) { ${RECORD_FIELDS} }
}`,
  recordsSent: `query RecordsSent($provider: String!, $first: Int!) {
  records(where: { provider: $provider }, orderBy: blockNumber, orderDirection: desc, first: $first) { ${RECORD_FIELDS} }
}`,
  deliveredTo: `query DeliveredTo($patient: String!, $grantee: String!) {
  accessEvents(where: { patient: $patient, grantee: $grantee, kind: KEY_DELIVERED }, orderBy: position, orderDirection: asc, first: 1000) {
    purpose record { id } copyCid ${EVENT}
  }
}`,
  roleHolders: `query RoleHolders($role: String!) {
  roleMemberships(where: { role: $role, active: true }, first: 1000) { account { id } }
}`,
  patientsNaming: `query PatientsNaming($contact: String!) {
  emergencyContacts(where: { contact: $contact }, first: 1000) { patient { id } }
}`,
  fundingHistory: `query FundingHistory($studyId: BigInt!) {
  fundings(where: { study_: { studyId: $studyId } }, orderBy: blockNumber, orderDirection: asc, first: 1000) {
    contributor { id } amount raised ${EVENT}
  }
}`,
  grantsAndPolicies: `query GrantsAndPolicies($patient: String!) {
  policies(where: { patient: $patient }, first: 1000) {
    policyId version active revocation { ${EVENT} }
    current { grantee role purposes rights validFrom validUntil categories recordId anonymizedOnly autoApprove ${EVENT} }
  }
  grants(where: { patient: $patient }, first: 1000) {
    grantee { id } purpose status rights expiresAt policyVersion { policyId: policy { policyId } } sharedBy { id }
    lastEvent { ${EVENT} }
  }
}`,
  accessLog: `query AccessLog($patient: String!, $first: Int!, $before: BigInt!) {
  accessEvents(where: { patient: $patient, position_lt: $before }, orderBy: position, orderDirection: desc, first: $first) {
    kind grantee { id } purpose policyId rights outcome denyReason expiresAt approved revokedBy { id } sharer { id }
    record { id } deliverer { id } copyCid ${EVENT}
  }
  policyVersions(where: { patient: $patient, position_lt: $before }, orderBy: position, orderDirection: desc, first: $first) {
    policy { policyId } version grantee role purposes validUntil anonymizedOnly ${EVENT}
  }
  policyRevocations(where: { patient: $patient, position_lt: $before }, orderBy: position, orderDirection: desc, first: $first) {
    policyId version ${EVENT}
  }
  emergencyEvents(where: { patient: $patient, position_lt: $before }, orderBy: position, orderDirection: desc, first: $first) {
    kind doctor { id } round justification approveBy expiresAt status closedBy { id } ${EVENT}
  }
}`,
  patientCounts: `query PatientCounts($patient: ID!) { patient(id: $patient) { accessLogCount keyDeliveryCount } }`,
  emergency: `query Emergency($patient: String!) {
  emergencyConfigs(where: { patient: $patient }, orderBy: version, orderDirection: desc, first: 1000) {
    version threshold sharesCid activatesAt proposedAt cancelled contacts(orderBy: index, first: 10) { contact { id } }
  }
  emergencyRequests(where: { patient: $patient }, orderBy: blockNumber, orderDirection: desc, first: 1000) {
    doctor { id } round config { version } justification noteCid duration approveBy status approvals rejections
    expiresAt grantedAt closedAt closedBy { id } requestedAt blockNumber logIndex
    votes(orderBy: blockNumber, first: 10) { contact { id } approved ${EVENT} }
  }
}`,
  studies: `query Studies($first: Int!, $skip: Int!) {
  studies(orderBy: studyId, orderDirection: desc, first: $first, skip: $skip) { ${STUDY_FIELDS} }
}`,
  study: `query Study($studyId: BigInt!) { studies(where: { studyId: $studyId }, first: 1) { ${STUDY_FIELDS} } }`,
  researcher: `query Researcher($researcher: String!) {
  studies(where: { researcher: $researcher }, orderBy: studyId, orderDirection: desc, first: 1000) { ${STUDY_FIELDS} }
  dataContributionEvents(where: { study_: { researcher: $researcher } }, orderBy: blockNumber, first: 1000) {
    ${CONTRIBUTION_FIELDS}
  }
  dataContributions(where: { study_: { researcher: $researcher }, status: PAID }, first: 1000) { ${PAID_FIELDS} }
}`,
  contributions: `query Contributions($patient: String!) {
  dataContributionEvents(where: { patient: $patient }, orderBy: blockNumber, first: 1000) { ${CONTRIBUTION_FIELDS} }
  dataContributions(where: { patient: $patient, status: PAID }, first: 1000) { ${PAID_FIELDS} }
}`,
  studiesByIds: `query StudiesByIds($ids: [BigInt!]!) {
  studies(where: { studyId_in: $ids }, orderBy: studyId, orderDirection: desc, first: 1000) { ${STUDY_FIELDS} }
}`,
  fundingTokens: `query FundingTokens {
  fundingTokens(where: { allowed: true }, orderBy: id, orderDirection: asc, first: 1000) { id }
}`,
  hospitalStaff: `query HospitalStaff($hospital: ID!) {
  hospital(id: $hospital) {
    hospitalId name suspended admittedAt
    staff(where: { active: true }, orderBy: addedAtBlock, first: 1000) { staff { id } addedAt addedAtBlock addedAtLogIndex }
    staffProposals(where: { pending: true }, orderBy: proposedAtBlock, first: 1000) { staff { id } proposedAt proposedAtBlock proposedAtLogIndex }
  }
}`,
} as const;

// ── response shapes (as the schema types them: BigInt and Bytes are strings) ──────────────────

type Id = { id: string };
type Ev = { id: string; blockNumber: string; blockTimestamp: string; transactionHash: string };
type RecordRow = {
  id: Hex;
  patient: Id;
  provider: Id;
  hospitalId: string;
  patientAuthored: boolean;
  cid: Hex;
  contentDigest: Hex;
  category: string;
  version: number;
  previousVersion: Id | null;
  nextVersion: Id | null;
  registeredAt: string;
  blockNumber: string;
  logIndex: number;
  transactionHash: Hex;
};

function recordVersion(r: RecordRow): RecordVersion {
  return {
    recordId: r.id,
    patient: getAddress(r.patient.id),
    provider: getAddress(r.provider.id),
    hospitalId: Number(r.hospitalId),
    patientAuthored: r.patientAuthored,
    cid: r.cid,
    contentDigest: r.contentDigest,
    category: enumName(RecordCategory, r.category) as RecordCategoryName,
    version: r.version,
    previousVersion: (r.previousVersion?.id as Hex) ?? null,
    nextVersion: (r.nextVersion?.id as Hex) ?? null,
    registered: {
      blockNumber: BigInt(r.blockNumber),
      logIndex: r.logIndex,
      transactionHash: r.transactionHash,
      timestamp: Number(r.registeredAt),
    },
  };
}

type StudyRow = {
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
type ContributionHistory = {
  dataContributionEvents: ContributionEventRow[];
  dataContributions: { study: { studyId: string }; patient: Id }[];
};

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

export class GraphQLQueryBackend implements QueryBackend {
  readonly kind = "graphql";
  private readonly fetch: typeof fetch;

  constructor(
    readonly url: string,
    private readonly options: GraphQLQueryOptions = {},
  ) {
    this.fetch = options.fetch ?? globalThis.fetch.bind(globalThis);
  }

  async records(patient: Address): Promise<PatientRecord[]> {
    const rows: RecordRow[] = [];
    // Read 1,000 at a time in id order (`id_gt`, not `skip`, which graph-node caps), then order by position.
    for (let after = "0x"; ; after = rows[rows.length - 1].id) {
      const { records } = await this.query<{ records: RecordRow[] }>(DOCUMENTS.records, {
        patient: lower(patient),
        first: BATCH,
        after,
      });
      rows.push(...records);
      if (records.length < BATCH) break;
    }
    const versions = new Map<Hex, RecordVersion>(rows.map((r) => [r.id, recordVersion(r)]));
    const records: PatientRecord[] = [];
    for (const first of versions.values()) {
      if (first.previousVersion) continue;
      const chain = [first];
      for (let next = first.nextVersion; next && versions.has(next); next = versions.get(next)!.nextVersion)
        chain.push(versions.get(next)!);
      records.push({ latest: chain[chain.length - 1], versions: chain });
    }
    return records.sort((a, b) => byPosition(b.latest.registered, a.latest.registered));
  }

  async grantsAndPolicies(patient: Address): Promise<GrantsAndPolicies> {
    type PolicyRow = {
      policyId: Hex;
      version: number;
      active: boolean;
      revocation: Ev | null;
      current: Ev &
        Omit<Record<keyof PolicyTerms, string>, "rights" | "categories" | "anonymizedOnly" | "autoApprove"> & {
          rights: number;
          categories: number;
          anonymizedOnly: boolean;
          autoApprove: boolean;
        };
    };
    type GrantRow = {
      grantee: Id;
      purpose: number;
      status: string;
      rights: number;
      expiresAt: string;
      policyVersion: { policyId: { policyId: Hex } } | null;
      sharedBy: Id | null;
      lastEvent: Ev;
    };
    const [{ policies, grants }, now] = await Promise.all([
      this.query<{ policies: PolicyRow[]; grants: GrantRow[] }>(DOCUMENTS.grantsAndPolicies, {
        patient: lower(patient),
      }),
      this.now(),
    ]);
    const changed = new Map<PolicyView, EventRef>();
    const policyViews = policies.map((p): PolicyView => {
      const c = p.current;
      const terms: PolicyTerms = {
        grantee: getAddress(c.grantee),
        role: c.role as Hex,
        purposes: BigInt(c.purposes),
        rights: c.rights,
        validFrom: Number(c.validFrom),
        validUntil: Number(c.validUntil),
        categories: c.categories,
        recordId: c.recordId as Hex,
        anonymizedOnly: c.anonymizedOnly,
        autoApprove: c.autoApprove,
      };
      const view: PolicyView = {
        policyId: p.policyId,
        version: p.version,
        active: p.active,
        terms,
        purposes: purposeNames(terms.purposes),
        set: eventRef(c),
        ...(p.revocation ? { revokedAt: Number(p.revocation.blockTimestamp) } : {}),
      };
      changed.set(view, p.revocation ? eventRef(p.revocation) : view.set);
      return view;
    });
    // Newest change first, as the RPC backend orders them: a policy by its revocation or last version,
    // a grant by the last event that changed it.
    const byChange =
      <T>(of: (x: T) => EventRef) =>
      (a: T, b: T) =>
        byPosition(of(b), of(a));
    return {
      policies: policyViews.sort(byChange((p) => changed.get(p)!)),
      grants: grants.sort(byChange((g) => eventRef(g.lastEvent))).map((g): GrantSummary => {
        const stored = enumName(
          Object.fromEntries(GRANT_STATUS.map((s, i) => [s, i])),
          g.status,
        ) as GrantSummary["status"];
        const expired = (stored === "Active" || stored === "Pending") && Number(g.expiresAt) <= now.timestamp;
        return {
          grantee: getAddress(g.grantee.id),
          purpose: purposeName(g.purpose),
          status: expired ? "Expired" : stored,
          rights: g.rights,
          expiresAt: Number(g.expiresAt),
          ...(g.policyVersion ? { policyId: g.policyVersion.policyId.policyId } : {}),
          ...(g.sharedBy ? { sharedBy: getAddress(g.sharedBy.id) } : {}),
          updatedAt: Number(g.lastEvent.blockTimestamp),
        };
      }),
    };
  }

  async accessLog(patient: Address, page?: PageRequest): Promise<Page<LogEntry>> {
    type EventRow = Ev & AccessRow & { kind: "REQUESTED" | "DECIDED" | "REVOKED" | "SHARED" | "KEY_DELIVERED" };
    type VersionRow = Ev & {
      policy: { policyId: Hex };
      version: number;
      grantee: string;
      role: Hex;
      purposes: string;
      validUntil: string;
      anonymizedOnly: boolean;
    };
    type RevocationRow = Ev & { policyId: Hex; version: number };
    type EmergencyRow = Ev & EmergencyEventRow & { kind: "REQUESTED" | "GRANTED" | "CLOSED" };
    const first = pageSize(page);
    const before = page?.cursor ? parseCursor(page.cursor) : END_OF_CHAIN;
    const { accessEvents, policyVersions, policyRevocations, emergencyEvents } = await this.query<{
      accessEvents: EventRow[];
      policyVersions: VersionRow[];
      policyRevocations: RevocationRow[];
      emergencyEvents: EmergencyRow[];
    }>(DOCUMENTS.accessLog, {
      patient: lower(patient),
      first: first + 1,
      before: before.toString(),
    });
    // Each collection comes newest first from below the cursor; the merge takes the newest `first`
    // of all four, and the next cursor is the position of the last entry taken (as in the RPC
    // backend, and with no `skip`, so no depth limit).
    const merged = [
      ...accessEvents.map((e) => ({ ref: eventRef(e), entry: accessEntry(e) })),
      ...policyVersions.map((v) => ({
        ref: eventRef(v),
        entry: {
          kind: "PolicySet" as const,
          policyId: v.policy.policyId,
          version: v.version,
          grantee: getAddress(v.grantee),
          role: v.role,
          purposes: purposeNames(BigInt(v.purposes)),
          validUntil: Number(v.validUntil),
          anonymizedOnly: v.anonymizedOnly,
        },
      })),
      ...policyRevocations.map((r) => ({
        ref: eventRef(r),
        entry: { kind: "PolicyRevoked" as const, policyId: r.policyId, version: r.version },
      })),
      ...emergencyEvents.map((e) => ({ ref: eventRef(e), entry: emergencyEntry(e) })),
    ].sort((a, b) => byPosition(b.ref, a.ref));
    const taken = merged.slice(0, first);
    const items = taken.map(
      ({ ref, entry }) =>
        ({
          ...entry,
          blockNumber: ref.blockNumber,
          transactionHash: ref.transactionHash,
          logIndex: ref.logIndex,
          timestamp: ref.timestamp,
        }) as LogEntry,
    );
    if (merged.length <= first) return { items };
    const last = taken[taken.length - 1].ref;
    return { items, cursor: `${last.blockNumber}.${last.logIndex}` };
  }

  async emergency(patient: Address): Promise<EmergencyOverview> {
    type ConfigRow = {
      version: number;
      threshold: number;
      sharesCid: Hex;
      activatesAt: string;
      proposedAt: string;
      cancelled: boolean;
      contacts: { contact: Id }[];
    };
    type RequestRow = {
      doctor: Id;
      round: number;
      config: { version: number };
      justification: number;
      noteCid: Hex;
      duration: string;
      approveBy: string;
      status: string;
      approvals: number;
      rejections: number;
      expiresAt: string | null;
      grantedAt: string | null;
      closedAt: string | null;
      closedBy: Id | null;
      requestedAt: string;
      blockNumber: string;
      logIndex: number;
      votes: (Ev & { contact: Id; approved: boolean })[];
    };
    const [{ emergencyConfigs, emergencyRequests }, now] = await Promise.all([
      this.query<{ emergencyConfigs: ConfigRow[]; emergencyRequests: RequestRow[] }>(DOCUMENTS.emergency, {
        patient: lower(patient),
      }),
      this.now(),
    ]);
    const configs = emergencyConfigs.map((c): EmergencyContactsConfig => ({
      version: c.version,
      contacts: c.contacts.map((x) => getAddress(x.contact.id)),
      threshold: c.threshold,
      sharesCid: c.sharesCid,
      activatesAt: Number(c.activatesAt),
      cancelled: c.cancelled,
      proposedAt: Number(c.proposedAt),
    }));
    const requestedAt = (r: RequestRow) => ({ blockNumber: BigInt(r.blockNumber), logIndex: r.logIndex });
    emergencyRequests.sort((a, b) => byPosition(requestedAt(b), requestedAt(a)));
    const requests = emergencyRequests.map((r): EmergencyRequestSummary => {
      let status = enumName(
        Object.fromEntries(EMERGENCY_STATUS.map((s, i) => [s, i])),
        r.status,
      ) as EmergencyStatusName;
      if (status === "Open" && now.timestamp >= Number(r.approveBy)) status = "Expired";
      if (status === "Granted" && r.expiresAt && now.timestamp >= Number(r.expiresAt)) status = "Expired";
      return {
        doctor: getAddress(r.doctor.id),
        round: r.round,
        configVersion: r.config.version,
        justification: JUSTIFICATION_NAMES[r.justification],
        noteCid: r.noteCid === "0x" ? null : r.noteCid,
        duration: Number(r.duration),
        approveBy: Number(r.approveBy),
        status,
        votes: r.votes
          .map((v) => ({ contact: getAddress(v.contact.id), approved: v.approved, at: eventRef(v) }))
          .sort((a, b) => byPosition(a.at, b.at)),
        approvals: r.approvals,
        rejections: r.rejections,
        ...(r.expiresAt ? { expiresAt: Number(r.expiresAt) } : {}),
        ...(r.grantedAt ? { grantedAt: Number(r.grantedAt) } : {}),
        ...(r.closedBy ? { closedBy: getAddress(r.closedBy.id) } : {}),
        ...(r.closedAt ? { closedAt: Number(r.closedAt) } : {}),
        requestedAt: Number(r.requestedAt),
      };
    });
    const live = configs.filter((c) => !c.cancelled);
    const current = live.find((c) => c.activatesAt <= now.timestamp);
    const pending = live.find((c) => c.activatesAt > now.timestamp && c.version > (current?.version ?? 0));
    return { ...(current ? { current } : {}), ...(pending ? { pending } : {}), configs, requests };
  }

  async studies(page?: PageRequest): Promise<Page<Study>> {
    const first = pageSize(page);
    const skip = page?.cursor ? Number(page.cursor) : 0;
    if (!Number.isSafeInteger(skip) || skip < 0)
      throw new RangeError(`not a study-list cursor of this backend: ${page?.cursor}`);
    const [{ studies }, now] = await Promise.all([
      this.query<{ studies: StudyRow[] }>(DOCUMENTS.studies, { first: first + 1, skip }),
      this.now(),
    ]);
    const items = studies.slice(0, first).map((s) => study(s, now.timestamp));
    return studies.length > first ? { items, cursor: String(skip + first) } : { items };
  }

  async study(studyId: bigint): Promise<Study | undefined> {
    const [{ studies }, now] = await Promise.all([
      this.query<{ studies: StudyRow[] }>(DOCUMENTS.study, { studyId: studyId.toString() }),
      this.now(),
    ]);
    return studies[0] && study(studies[0], now.timestamp);
  }

  async researcher(researcher: Address): Promise<ResearcherOverview> {
    const [{ studies, ...history }, now] = await Promise.all([
      this.query<{ studies: StudyRow[] } & ContributionHistory>(DOCUMENTS.researcher, {
        researcher: lower(researcher),
      }),
      this.now(),
    ]);
    return {
      researcher,
      studies: studies.map((s) => study(s, now.timestamp)),
      contributions: foldContributions(history),
    };
  }

  async contributions(patient: Address): Promise<DataContribution[]> {
    return foldContributions(
      await this.query<ContributionHistory>(DOCUMENTS.contributions, { patient: lower(patient) }),
    );
  }

  async recordsSent(provider: Address, page?: PageRequest): Promise<RecordVersion[]> {
    const { records } = await this.query<{ records: RecordRow[] }>(DOCUMENTS.recordsSent, {
      provider: lower(provider),
      first: pageSize(page),
    });
    return records.map(recordVersion).sort((a, b) => byPosition(b.registered, a.registered));
  }

  async fundingHistory(studyId: bigint): Promise<FundingStep[]> {
    type Row = Ev & { contributor: Id; amount: string; raised: string };
    const { fundings } = await this.query<{ fundings: Row[] }>(DOCUMENTS.fundingHistory, { studyId: studyId.toString() });
    return fundings
      .map((f) => ({ contributor: getAddress(f.contributor.id), amount: BigInt(f.amount), raised: BigInt(f.raised), at: eventRef(f) }))
      .sort((a, b) => byPosition(a.at, b.at));
  }

  async deliveredTo(patient: Address, grantee: Address): Promise<KeyDelivery[]> {
    type Row = Ev & { purpose: number; record: Id; copyCid: Hex | null };
    const { accessEvents } = await this.query<{ accessEvents: Row[] }>(DOCUMENTS.deliveredTo, {
      patient: lower(patient),
      grantee: lower(grantee),
    });
    return accessEvents.map((e) => ({
      recordId: e.record.id as Hex,
      purpose: purposeName(e.purpose),
      copyCid: e.copyCid && e.copyCid !== "0x" ? e.copyCid : null,
      at: eventRef(e),
    }));
  }

  async roleHolders(role: RoleName): Promise<Address[]> {
    const { roleMemberships } = await this.query<{ roleMemberships: { account: Id }[] }>(DOCUMENTS.roleHolders, { role: Role[role] });
    return byAddress(roleMemberships.map((m) => getAddress(m.account.id)));
  }

  async patientsNaming(contact: Address): Promise<Address[]> {
    const { emergencyContacts } = await this.query<{ emergencyContacts: { patient: Id }[] }>(DOCUMENTS.patientsNaming, {
      contact: lower(contact),
    });
    return byAddress([...new Set(emergencyContacts.map((c) => getAddress(c.patient.id)))]);
  }

  async fundingTokens(): Promise<Address[]> {
    const { fundingTokens } = await this.query<{ fundingTokens: Id[] }>(DOCUMENTS.fundingTokens, {});
    return fundingTokens.map((t) => getAddress(t.id));
  }

  async hospitalStaff(hospital: Address): Promise<HospitalStaff | undefined> {
    type Row = {
      hospitalId: string;
      name: string;
      suspended: boolean;
      admittedAt: string;
      staff: { staff: Id; addedAt: string; addedAtBlock: string; addedAtLogIndex: number }[];
      staffProposals: { staff: Id; proposedAt: string; proposedAtBlock: string; proposedAtLogIndex: number }[];
    };
    const { hospital: row } = await this.query<{ hospital: Row | null }>(DOCUMENTS.hospitalStaff, {
      hospital: lower(hospital),
    });
    if (!row) return undefined;
    const added = (s: Row["staff"][number]) => ({ blockNumber: BigInt(s.addedAtBlock), logIndex: s.addedAtLogIndex });
    const proposed = (p: Row["staffProposals"][number]) => ({ blockNumber: BigInt(p.proposedAtBlock), logIndex: p.proposedAtLogIndex });
    return {
      hospital,
      hospitalId: Number(row.hospitalId),
      name: row.name,
      suspended: row.suspended,
      admittedAt: Number(row.admittedAt),
      staff: row.staff
        .sort((a, b) => byPosition(added(a), added(b)))
        .map((s) => ({ account: getAddress(s.staff.id), addedAt: Number(s.addedAt) })),
      proposals: row.staffProposals
        .sort((a, b) => byPosition(proposed(a), proposed(b)))
        .map((p) => ({ account: getAddress(p.staff.id), proposedAt: Number(p.proposedAt) })),
    };
  }

  async dashboard(patient: Address, options: DashboardOptions = {}): Promise<Dashboard> {
    const [asOf, records, { policies, grants }, log, emergency, contributions, { patient: counted }] =
      await Promise.all([
        this.now(),
        this.records(patient),
        this.grantsAndPolicies(patient),
        this.accessLog(patient, { first: options.logPageSize ?? 20 }),
        this.emergency(patient),
        this.contributions(patient),
        this.query<{ patient: { accessLogCount: number; keyDeliveryCount: number } | null }>(DOCUMENTS.patientCounts, {
          patient: lower(patient),
        }),
      ]);
    const ids = [...new Set(contributions.map((c) => c.studyId.toString()))];
    const studies = ids.length
      ? (await this.query<{ studies: StudyRow[] }>(DOCUMENTS.studiesByIds, { ids })).studies.map((s) =>
          study(s, asOf.timestamp),
        )
      : [];
    return {
      patient,
      asOf,
      records,
      policies,
      grants,
      log,
      emergency,
      research: { contributions, studies },
      counts: {
        records: records.length,
        versions: records.reduce((n, r) => n + r.versions.length, 0),
        // Kept by the subgraph's Patient entity as the entries are indexed: the whole log, not one page.
        accessEvents: counted?.accessLogCount ?? 0,
        keyDeliveries: counted?.keyDeliveryCount ?? 0,
        contributions: contributions.length,
      },
    };
  }

  // ── plumbing ───────────────────────────────────────────────────────────────────────────────

  /** The block the subgraph has indexed up to. */
  private async now(): Promise<{ blockNumber: bigint; timestamp: number }> {
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

// ── mapping helpers ──────────────────────────────────────────────────────────────────────────

const JUSTIFICATION_NAMES = Object.fromEntries(
  Object.entries(Justification).map(([name, code]) => [code, name]),
) as Record<number, JustificationName>;
const purposeName = (code: number): PurposeName => purposeNames(1n << BigInt(code))[0];
const lower = (address: Address) => address.toLowerCase();

/** "LAB" → "Lab", "KEY_DELIVERED" → "KeyDelivered": a schema enum value to the name the SDK uses. */
function enumName(names: Record<string, number>, value: string): string {
  const found = Object.keys(names).find((name) => name.toLowerCase() === value.replaceAll("_", "").toLowerCase());
  if (!found) throw new SubgraphError(`unexpected enum value ${value}`);
  return found;
}

/** An event entity's position: its id is transaction hash ++ log index (int32, little-endian). */
function eventRef(e: Ev): EventRef {
  const tail = e.id.slice(-8);
  const logIndex = Number.parseInt(tail.match(/../g)!.reverse().join(""), 16);
  return {
    blockNumber: BigInt(e.blockNumber),
    logIndex,
    transactionHash: e.transactionHash as Hex,
    timestamp: Number(e.blockTimestamp),
  };
}

/** Above every log entity's `position` (block × 2^32 + log index): the first page's bound. */
const END_OF_CHAIN = 1n << 96n;

/** An access-log cursor `block.logIndex` (the last entry returned) as the `position` to read below. */
function parseCursor(cursor: string): bigint {
  const match = /^(\d+)\.(\d+)$/.exec(cursor);
  if (!match || Number(match[2]) >= 2 ** 32)
    throw new RangeError(`not an access-log cursor of this backend: ${cursor}`);
  return (BigInt(match[1]) << 32n) + BigInt(match[2]);
}

/** A log entry without its position (Omit over each member of the union). */
type Unplaced<T> = T extends unknown ? Omit<T, "blockNumber" | "transactionHash" | "logIndex"> : never;

type EmergencyEventRow = {
  kind: string;
  doctor: Id;
  round: number;
  justification: number | null;
  approveBy: string | null;
  expiresAt: string | null;
  status: string | null;
  closedBy: Id | null;
};

/** An EmergencyEvent as the access-log entry the RPC backend decodes from the same event. */
function emergencyEntry(e: EmergencyEventRow): Unplaced<EmergencyLogEntry> {
  const request = { doctor: getAddress(e.doctor.id), round: e.round };
  switch (e.kind) {
    case "REQUESTED":
      return {
        kind: "EmergencyRequested",
        ...request,
        justification: JUSTIFICATION_NAMES[e.justification!],
        approveBy: Number(e.approveBy),
      };
    case "GRANTED":
      return { kind: "EmergencyGranted", ...request, expiresAt: Number(e.expiresAt) };
    case "CLOSED":
      return {
        kind: "EmergencyClosed",
        ...request,
        status: enumName(Object.fromEntries(EMERGENCY_STATUS.map((s, i) => [s, i])), e.status!) as EmergencyStatusName,
        by: getAddress(e.closedBy!.id),
      };
    default:
      throw new SubgraphError(`unexpected emergency event kind ${e.kind}`);
  }
}

/**
 * Data submissions and their fate, folded from the contributions' history exactly as the RPC backend
 * folds the pool's events: one entry per submitted record (a record resubmitted after a rejection
 * is a new entry), the accepted one `Paid` once its reward was claimed; newest submission first.
 */
function foldContributions({ dataContributionEvents, dataContributions }: ContributionHistory): DataContribution[] {
  const rows = new Map<string, DataContribution & { submitted: EventRef }>();
  const accepted = new Map<string, DataContribution>();
  const events = dataContributionEvents.map((e) => ({ ...e, at: eventRef(e) })).sort((a, b) => byPosition(a.at, b.at));
  for (const e of events) {
    const key = `${e.study.studyId}:${e.patient.id}:${e.record.id}`;
    if (e.kind === "SUBMITTED") {
      rows.set(key, {
        studyId: BigInt(e.study.studyId),
        patient: getAddress(e.patient.id),
        recordId: e.record.id as Hex,
        status: "Submitted",
        submittedAt: e.at.timestamp,
        submitted: e.at,
      });
      continue;
    }
    const row = rows.get(key);
    if (!row) continue;
    if (e.kind === "ACCEPTED") {
      Object.assign(row, { status: "Accepted", reward: BigInt(e.reward!) });
      accepted.set(`${e.study.studyId}:${e.patient.id}`, row);
    } else Object.assign(row, { status: "Rejected", rejectReason: rejectReasonName(e.reason!) });
  }
  for (const paid of dataContributions) {
    const row = accepted.get(`${paid.study.studyId}:${paid.patient.id}`);
    if (row) row.status = "Paid";
  }
  return [...rows.values()].sort((a, b) => byPosition(b.submitted, a.submitted)).map(({ submitted: _, ...row }) => row);
}

type AccessRow = {
  kind: string;
  grantee: Id;
  purpose: number;
  policyId: Hex | null;
  outcome: string | null;
  denyReason: string | null;
  expiresAt: string | null;
  approved: boolean | null;
  revokedBy: Id | null;
  sharer: Id | null;
  record: Id | null;
  deliverer: Id | null;
  copyCid: Hex | null;
};

/** An AccessEvent as the access-log entry `decodeAccessLogEntry` makes of the same event. */
function accessEntry(e: AccessRow) {
  const purpose = purposeName(e.purpose);
  const grantee = getAddress(e.grantee.id);
  switch (e.kind) {
    case "REQUESTED":
      return {
        kind: "AccessRequested" as const,
        requester: grantee,
        policyId: e.policyId!,
        purpose,
        outcome: enumName(Object.fromEntries(REQUEST_OUTCOME.map((s, i) => [s, i])), e.outcome!),
        reason: enumName(Object.fromEntries(DENY_REASON.map((s, i) => [s, i])), e.denyReason!),
        expiresAt: Number(e.expiresAt ?? 0),
      };
    case "DECIDED":
      return { kind: "AccessDecided" as const, requester: grantee, purpose, approved: e.approved! };
    case "REVOKED":
      return { kind: "AccessRevoked" as const, grantee, purpose, by: getAddress(e.revokedBy!.id) };
    case "SHARED":
      return {
        kind: "AccessShared" as const,
        sharer: getAddress(e.sharer!.id),
        recipient: grantee,
        purpose,
        expiresAt: Number(e.expiresAt ?? 0),
      };
    case "KEY_DELIVERED":
      return {
        kind: "KeyDelivered" as const,
        grantee,
        recordId: e.record!.id as Hex,
        purpose,
        deliverer: getAddress(e.deliverer!.id),
        deidentifiedCopy: !!e.copyCid && e.copyCid !== "0x",
      };
    default:
      throw new SubgraphError(`unexpected access event kind ${e.kind}`);
  }
}

function study(s: StudyRow, now: number): Study {
  const raised = BigInt(s.raised);
  const goal = BigInt(s.goal);
  const stored = enumName({ Funding: 0, Funded: 1, Cancelled: 3 }, s.status) as StudyStatusName;
  return {
    studyId: BigInt(s.studyId),
    researcher: getAddress(s.researcher.id),
    token: getAddress(s.token),
    goal,
    deadline: Number(s.deadline),
    reward: BigInt(s.reward),
    maxContributions: s.maxContributions,
    categories: s.categories,
    protocolCid: s.protocolCid as Hex,
    raised,
    refunded: BigInt(s.refunded),
    withdrawn: BigInt(s.withdrawnAmount ?? 0),
    fundedPercent: goal === 0n ? 0 : Number((raised * 100n) / goal),
    funders: s.funders.length,
    status: stored === "Funding" && now > Number(s.deadline) ? "Failed" : stored,
    closed: s.closed,
    dataAccepted: s.acceptedContributions,
    createdAt: Number(s.createdAt),
  };
}
