/**
 * The embedded query backend: every answer is folded from the contracts' events, read from the
 * node with ranged `eth_getLogs` calls from each contract's deploy block. Filters use the indexed
 * topics (a patient's events are asked for by patient), so the node's log index does the
 * selecting. Statuses that time changes (expired grants, requests, failed studies) are read at the
 * block the query started from, like the contracts' views.
 *
 * One module per domain in ./rpc/ (records, consent, log, emergency, research, consortium,
 * dashboard) over one data source (./rpc/source.ts); what both backends share is in ./map.ts.
 */
import type { Address, PublicClient } from "viem";
import type { CaduceusChain } from "../chain/client.ts";
import type { Deployment } from "../chain/deployments.ts";
import type { RoleName } from "../chain/roles.ts";
import * as consent from "./rpc/consent.ts";
import * as consortium from "./rpc/consortium.ts";
import { dashboard } from "./rpc/dashboard.ts";
import * as emergency from "./rpc/emergency.ts";
import { accessLog } from "./rpc/log.ts";
import * as records from "./rpc/records.ts";
import * as research from "./rpc/research.ts";
import { LogSource, type RpcQueryOptions } from "./rpc/source.ts";
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

export type { RpcQueryOptions } from "./rpc/source.ts";

export class RpcQueryBackend implements QueryBackend {
  readonly kind = "rpc";
  private readonly source: LogSource;

  constructor(
    readonly deployment: Deployment,
    readonly client: PublicClient,
    options: RpcQueryOptions = {},
  ) {
    this.source = new LogSource(deployment, client, options);
  }

  static fromChain(chain: CaduceusChain, options?: RpcQueryOptions): RpcQueryBackend {
    return new RpcQueryBackend(chain.deployment, chain.publicClient, options);
  }

  records(patient: Address): Promise<PatientRecord[]> {
    return records.records(this.source, patient);
  }

  recordsSent(provider: Address, page?: PageRequest): Promise<RecordVersion[]> {
    return records.recordsSent(this.source, provider, page);
  }

  grantsAndPolicies(patient: Address): Promise<GrantsAndPolicies> {
    return consent.grantsAndPolicies(this.source, patient);
  }

  deliveredTo(patient: Address, grantee: Address): Promise<KeyDelivery[]> {
    return consent.deliveredTo(this.source, patient, grantee);
  }

  accessLog(patient: Address, page?: PageRequest): Promise<Page<LogEntry>> {
    return accessLog(this.source, patient, page);
  }

  emergency(patient: Address): Promise<EmergencyOverview> {
    return emergency.emergency(this.source, patient);
  }

  patientsNaming(contact: Address): Promise<Address[]> {
    return emergency.patientsNaming(this.source, contact);
  }

  studies(page?: PageRequest): Promise<Page<Study>> {
    return research.studies(this.source, page);
  }

  study(studyId: bigint): Promise<Study | undefined> {
    return research.study(this.source, studyId);
  }

  researcher(researcher: Address): Promise<ResearcherOverview> {
    return research.researcher(this.source, researcher);
  }

  contributions(patient: Address): Promise<DataContribution[]> {
    return research.contributions(this.source, patient);
  }

  fundingHistory(studyId: bigint): Promise<FundingStep[]> {
    return research.fundingHistory(this.source, studyId);
  }

  fundingTokens(): Promise<Address[]> {
    return research.fundingTokens(this.source);
  }

  roleHolders(role: RoleName): Promise<Address[]> {
    return consortium.roleHolders(this.source, role);
  }

  hospitalStaff(hospital: Address): Promise<HospitalStaff | undefined> {
    return consortium.hospitalStaff(this.source, hospital);
  }

  dashboard(patient: Address, options: DashboardOptions = {}): Promise<Dashboard> {
    return dashboard(this.source, patient, options);
  }
}
