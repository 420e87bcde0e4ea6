/** Records, from the subgraph's `Record` entities (one per version, linked both ways). */
import { getAddress, type Address, type Hex } from "viem";
import { RecordCategory, type RecordCategoryName } from "../../fhir/categories.ts";
import { newestVersionsFirst, recordChains } from "../map.ts";
import { pageSize, type PageRequest, type PatientRecord, type RecordVersion } from "../types.ts";
import { BATCH, enumName, lower, type Id, type SubgraphClient } from "./client.ts";
import { DOCUMENTS } from "./documents.ts";

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

export async function records(subgraph: SubgraphClient, patient: Address): Promise<PatientRecord[]> {
  const rows: RecordRow[] = [];
  // Read 1,000 at a time in id order (`id_gt`, not `skip`, which graph-node caps), then order by position.
  for (let after = "0x"; ; after = rows[rows.length - 1].id) {
    const { records } = await subgraph.query<{ records: RecordRow[] }>(DOCUMENTS.records, {
      patient: lower(patient),
      first: BATCH,
      after,
    });
    rows.push(...records);
    if (records.length < BATCH) break;
  }
  return recordChains(new Map(rows.map((r) => [r.id, recordVersion(r)])));
}

export async function recordsSent(subgraph: SubgraphClient, provider: Address, page?: PageRequest): Promise<RecordVersion[]> {
  const { records } = await subgraph.query<{ records: RecordRow[] }>(DOCUMENTS.recordsSent, {
    provider: lower(provider),
    first: pageSize(page),
  });
  return newestVersionsFirst(records.map(recordVersion));
}

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
