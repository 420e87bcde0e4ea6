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
 *
 * One module per domain in ./graphql/ (records, consent, log, emergency, research, consortium,
 * dashboard) over one client (./graphql/client.ts); what both backends share is in ./map.ts.
 */
import type { Address } from "viem";
import type { RoleName } from "../chain/roles.ts";
import { SubgraphClient, type GraphQLQueryOptions } from "./graphql/client.ts";
import * as consent from "./graphql/consent.ts";
import * as consortium from "./graphql/consortium.ts";
import { dashboard } from "./graphql/dashboard.ts";
import * as emergency from "./graphql/emergency.ts";
import { accessLog } from "./graphql/log.ts";
import * as records from "./graphql/records.ts";
import * as research from "./graphql/research.ts";
import type {
  Dashboard,
  DashboardOptions,
  DataContribution,
  EmergencyOverview,
  FundingStep,
  GrantsAndPolicies,
  HospitalStaff,
  KeyDelivery,
  LogEntry,
  Page,
  PageRequest,
  PatientRecord,
  QueryBackend,
  RecordVersion,
  ResearcherOverview,
  Study,
} from "./types.ts";

export { SubgraphError, type GraphQLQueryOptions } from "./graphql/client.ts";
export { DOCUMENTS } from "./graphql/documents.ts";

export class GraphQLQueryBackend implements QueryBackend {
  readonly kind = "graphql";
  private readonly subgraph: SubgraphClient;

  constructor(
    readonly url: string,
    options: GraphQLQueryOptions = {},
  ) {
    this.subgraph = new SubgraphClient(url, options);
  }

  /** One GraphQL request to the subgraph; `SubgraphError` when it cannot answer. */
  query<T>(document: string, variables: Record<string, unknown>): Promise<T> {
    return this.subgraph.query<T>(document, variables);
  }

  records(patient: Address): Promise<PatientRecord[]> {
    return records.records(this.subgraph, patient);
  }

  recordsSent(provider: Address, page?: PageRequest): Promise<RecordVersion[]> {
    return records.recordsSent(this.subgraph, provider, page);
  }

  grantsAndPolicies(patient: Address): Promise<GrantsAndPolicies> {
    return consent.grantsAndPolicies(this.subgraph, patient);
  }

  deliveredTo(patient: Address, grantee: Address): Promise<KeyDelivery[]> {
    return consent.deliveredTo(this.subgraph, patient, grantee);
  }

  accessLog(patient: Address, page?: PageRequest): Promise<Page<LogEntry>> {
    return accessLog(this.subgraph, patient, page);
  }

  emergency(patient: Address): Promise<EmergencyOverview> {
    return emergency.emergency(this.subgraph, patient);
  }

  patientsNaming(contact: Address): Promise<Address[]> {
    return emergency.patientsNaming(this.subgraph, contact);
  }

  studies(page?: PageRequest): Promise<Page<Study>> {
    return research.studies(this.subgraph, page);
  }

  study(studyId: bigint): Promise<Study | undefined> {
    return research.studyById(this.subgraph, studyId);
  }

  researcher(researcher: Address): Promise<ResearcherOverview> {
    return research.researcher(this.subgraph, researcher);
  }

  contributions(patient: Address): Promise<DataContribution[]> {
    return research.contributions(this.subgraph, patient);
  }

  fundingHistory(studyId: bigint): Promise<FundingStep[]> {
    return research.fundingHistory(this.subgraph, studyId);
  }

  fundingTokens(): Promise<Address[]> {
    return research.fundingTokens(this.subgraph);
  }

  roleHolders(role: RoleName): Promise<Address[]> {
    return consortium.roleHolders(this.subgraph, role);
  }

  hospitalStaff(hospital: Address): Promise<HospitalStaff | undefined> {
    return consortium.hospitalStaff(this.subgraph, hospital);
  }

  dashboard(patient: Address, options: DashboardOptions = {}): Promise<Dashboard> {
    return dashboard(this.subgraph, patient, options);
  }
}
