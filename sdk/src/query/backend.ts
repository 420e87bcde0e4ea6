/**
 * The one shape both backends share: a data source (event logs, a subgraph) and, per question of
 * `QueryBackend`, a domain function that answers it from that source. `RpcQueryBackend` and
 * `GraphQLQueryBackend` are this class with their own source and domain modules.
 */
import type { Address } from "viem";
import type { RoleName } from "../chain/roles.ts";
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

type Question = Exclude<keyof QueryBackend, "kind">;

/** Each question of `QueryBackend` as a function of the data source `S` and the question's arguments. */
export type Domains<S> = {
  [Q in Question]: (source: S, ...args: Parameters<QueryBackend[Q]>) => ReturnType<QueryBackend[Q]>;
};

export abstract class DomainBackend<S> implements QueryBackend {
  abstract readonly kind: QueryBackend["kind"];

  protected constructor(
    private readonly source: S,
    private readonly domains: Domains<S>,
  ) {}

  records(patient: Address): Promise<PatientRecord[]> {
    return this.domains.records(this.source, patient);
  }
  recordsSent(provider: Address, page?: PageRequest): Promise<RecordVersion[]> {
    return this.domains.recordsSent(this.source, provider, page);
  }
  grantsAndPolicies(patient: Address): Promise<GrantsAndPolicies> {
    return this.domains.grantsAndPolicies(this.source, patient);
  }
  deliveredTo(patient: Address, grantee: Address): Promise<KeyDelivery[]> {
    return this.domains.deliveredTo(this.source, patient, grantee);
  }
  accessLog(patient: Address, page?: PageRequest): Promise<Page<LogEntry>> {
    return this.domains.accessLog(this.source, patient, page);
  }
  emergency(patient: Address): Promise<EmergencyOverview> {
    return this.domains.emergency(this.source, patient);
  }
  patientsNaming(contact: Address): Promise<Address[]> {
    return this.domains.patientsNaming(this.source, contact);
  }
  studies(page?: PageRequest): Promise<Page<Study>> {
    return this.domains.studies(this.source, page);
  }
  study(studyId: bigint): Promise<Study | undefined> {
    return this.domains.study(this.source, studyId);
  }
  researcher(researcher: Address): Promise<ResearcherOverview> {
    return this.domains.researcher(this.source, researcher);
  }
  contributions(patient: Address): Promise<DataContribution[]> {
    return this.domains.contributions(this.source, patient);
  }
  fundingHistory(studyId: bigint): Promise<FundingStep[]> {
    return this.domains.fundingHistory(this.source, studyId);
  }
  fundingTokens(): Promise<Address[]> {
    return this.domains.fundingTokens(this.source);
  }
  roleHolders(role: RoleName): Promise<Address[]> {
    return this.domains.roleHolders(this.source, role);
  }
  hospitalStaff(hospital: Address): Promise<HospitalStaff | undefined> {
    return this.domains.hospitalStaff(this.source, hospital);
  }
  dashboard(patient: Address, options?: DashboardOptions): Promise<Dashboard> {
    return this.domains.dashboard(this.source, patient, options);
  }
}
