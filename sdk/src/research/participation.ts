/**
 * A patient in a study. Joining is consent through the access-control machinery: an
 * anonymized-only HRESCH policy for the study's researcher, scoped to the study's categories,
 * granted at once when the researcher asks (`admitParticipants`). Contributing delivers a
 * de-identified copy of one matching record to the researcher and submits the record on-chain;
 * an accepted contribution's reward is pulled with `claimReward`. Leaving revokes the policy and
 * the grant: forward-only, as every revocation (copies delivered before stay readable).
 *
 * A grant is per (patient, researcher, purpose): joining two studies of the same researcher
 * leaves one grant, with the scope of the consent the researcher took up last.
 */
import { parseEventLogs, type Address, type Hex } from "viem";
import { currentPolicy, policyIdFromLabel, policyTerms, policyVersion, revokePolicy, setPolicy } from "../access/policies.ts";
import { deliverKeys, grantDeidentifier } from "../access/delivery.ts";
import { canAccess, grantOf, requestAccess, revoke, type RequestResult } from "../access/requests.ts";
import type { CaduceusChain } from "../chain/client.ts";
import { RecordCategory } from "../fhir/categories.ts";
import type { RecipientKeyPairs } from "../crypto/envelope.ts";
import type { ContentStore } from "../storage/content-store.ts";
import { InvalidStudyError, NoEligibleRecordError, NotJoinedError, researchSimulate, researchWrite } from "./errors.ts";
import { getStudy, type Study } from "./studies.ts";

const DAY = 86_400;
/** Consent lasts this long after the funding deadline unless the patient says otherwise. */
export const DEFAULT_CONSENT_DAYS = 365;

/** The patient's policy id for a study: the same for every patient, so the researcher finds the joins. */
export function studyPolicyId(chain: CaduceusChain, studyId: bigint): Hex {
  return policyIdFromLabel(`caduceus/study/${chain.chainId}/${chain.researchPool.address.toLowerCase()}/${studyId}`);
}

const blockTime = async (chain: CaduceusChain) => Number((await chain.call(() => chain.publicClient.getBlock())).timestamp);
const categoryNumbers = (study: Study) => study.categories.map((name) => RecordCategory[name]);

export interface JoinResult {
  policyId: Hex;
  version: number;
  /** Unix seconds: the consent's end. */
  validUntil: number;
}

/**
 * The patient consents to a study: anonymized-only HRESCH for its researcher, in its categories,
 * until `days` from now (default: a year after the funding deadline).
 */
export async function joinStudy(chain: CaduceusChain, studyId: bigint, options: { days?: number } = {}): Promise<JoinResult> {
  const study = await getStudy(chain, studyId);
  if (study.status === "Failed" || study.status === "Cancelled" || study.closed) {
    throw new InvalidStudyError(`Study ${studyId} is ${study.closed ? "closed" : study.status.toLowerCase()}: it takes no more participants.`);
  }
  const now = await blockTime(chain);
  const validUntil =
    options.days === undefined ? Math.max(now, study.deadline) + DEFAULT_CONSENT_DAYS * DAY : now + Math.round(options.days * DAY);
  const terms = policyTerms(
    { grantee: study.researcher, purposes: ["HRESCH"], validUntil, categories: categoryNumbers(study), anonymizedOnly: true, autoApprove: true },
    now,
  );
  const policyId = studyPolicyId(chain, studyId);
  return { policyId, version: await setPolicy(chain, policyId, terms), validUntil };
}

/** Withdraws consent for the future: the study's policy and the researcher's HRESCH grant end now. */
export async function leaveStudy(chain: CaduceusChain, studyId: bigint): Promise<{ policyRevoked: boolean; grantRevoked: boolean }> {
  const study = await getStudy(chain, studyId);
  const patient = chain.account;
  const policyId = studyPolicyId(chain, studyId);
  const { active } = await policyVersion(chain, patient, policyId);
  if (active) await revokePolicy(chain, policyId);
  const grant = await grantOf(chain, patient, study.researcher, "HRESCH");
  const live = grant.status === "Active" || grant.status === "Pending";
  if (live) await revoke(chain, patient, study.researcher, "HRESCH");
  return { policyRevoked: active, grantRevoked: live };
}

export interface Participant {
  patient: Address;
  /** Unix seconds: the end of the patient's consent. */
  consentUntil: number;
  /** The researcher holds an anonymized grant in force covering the study's categories. */
  admitted: boolean;
}

/** Patients whose consent to the study is in force, from the chain's `PolicySet` events. */
export async function participants(chain: CaduceusChain, studyId: bigint): Promise<Participant[]> {
  const study = await getStudy(chain, studyId);
  const policyId = studyPolicyId(chain, studyId);
  const logs = await chain.call(() =>
    chain.publicClient.getContractEvents({
      ...chain.consentManager,
      eventName: "PolicySet",
      args: { policyId },
      fromBlock: BigInt(chain.deployment.contracts.consentManager.deployBlock),
    }),
  );
  const patients = [...new Set(logs.map((log) => log.args.patient!))];
  const found: Participant[] = [];
  for (const patient of patients) {
    const terms = await currentPolicy(chain, patient, policyId);
    if (!terms || terms.grantee !== study.researcher || !terms.anonymizedOnly) continue;
    const grant = await grantOf(chain, patient, study.researcher, "HRESCH");
    const covers = (grant.categories & study.categoryBits) === study.categoryBits;
    found.push({ patient, consentUntil: terms.validUntil, admitted: grant.inForce && grant.anonymized && covers });
  }
  return found;
}

/** The researcher takes up every consent not yet taken up (an HRESCH request under each policy). */
export async function admitParticipants(
  chain: CaduceusChain,
  studyId: bigint,
): Promise<Array<{ patient: Address } & RequestResult>> {
  const policyId = studyPolicyId(chain, studyId);
  const results: Array<{ patient: Address } & RequestResult> = [];
  for (const { patient, admitted } of await participants(chain, studyId)) {
    if (admitted) continue;
    results.push({ patient, ...(await requestAccess(chain, { patient, policyId, purpose: "HRESCH" })) });
  }
  return results;
}

export interface ContributeParams {
  /** The patient's chain client (signs). */
  chain: CaduceusChain;
  store: ContentStore;
  /** The patient's encryption key pairs (to open their record and wrap the copy's key). */
  keys: RecipientKeyPairs;
  studyId: bigint;
  /** The record to contribute; default the first that qualifies. */
  recordId?: Hex;
}

export interface ContributeResult {
  recordId: Hex;
  /** The key delivery of the de-identified copy. */
  deliveryHashes: Hex[];
  hash: Hex;
}

/**
 * The patient contributes one record: the contract's checks run first (simulation), then a
 * de-identified copy is encrypted, stored and its key delivered to the researcher, then the
 * record is submitted to the study.
 */
export async function contributeData(params: ContributeParams): Promise<ContributeResult> {
  const { chain, studyId } = params;
  const study = await getStudy(chain, studyId);
  const grant = await grantOf(chain, chain.account, study.researcher, "HRESCH");
  if (!grant.inForce || !grant.anonymized) throw new NotJoinedError(studyId);
  const recordId = params.recordId ?? (await pickRecord(chain, study));
  await researchSimulate(chain, "submitData", [studyId, recordId]);
  const deliveryHashes = await deliverKeys({
    chain,
    store: params.store,
    keys: params.keys,
    grantee: study.researcher,
    purpose: "HRESCH",
    recordIds: [recordId],
    deidentify: grantDeidentifier(params.keys, study.researcher, "HRESCH"),
  });
  const { hash } = await researchWrite(chain, "submitData", [studyId, recordId]);
  return { recordId, deliveryHashes, hash };
}

/** The first current, hospital-registered record in the study's scope not rejected by it before. */
async function pickRecord(chain: CaduceusChain, study: Study): Promise<Hex> {
  const patient = chain.account;
  const rejected = await chain.call(() =>
    chain.publicClient.getContractEvents({
      ...chain.researchPool,
      eventName: "DataRejected",
      args: { studyId: study.studyId, patient },
      fromBlock: BigInt(chain.deployment.contracts.researchPool.deployBlock),
    }),
  );
  const offered = new Set(rejected.map((log) => log.args.recordId));
  for (const recordId of await chain.listRecordIds(patient)) {
    if (offered.has(recordId)) continue;
    const record = await chain.getRecord(recordId);
    if (record.superseded || record.patientAuthored || !((study.categoryBits >> record.category) & 1)) continue;
    if (await canAccess(chain, study.researcher, recordId, "HRESCH")) return recordId;
  }
  throw new NoEligibleRecordError(study.studyId, study.categories);
}

/**
 * The patient pulls the reward of its accepted contribution (or of a submission the researcher left
 * unanswered for the review period), paid to `to` (default: the patient's own address).
 */
export async function claimReward(chain: CaduceusChain, studyId: bigint, to: Address = chain.account): Promise<{ hash: Hex; amount: bigint; to: Address }> {
  const { hash, receipt } = await researchWrite(chain, "claimReward", [studyId, to]);
  const [event] = parseEventLogs({ abi: chain.researchPool.abi, logs: receipt.logs, eventName: "RewardClaimed" });
  return { hash, amount: event!.args.amount, to: event!.args.to };
}
