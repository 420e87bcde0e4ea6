/**
 * The researcher's side of data contributions: list what patients submitted, open the delivered
 * de-identified copy (never the record itself), accept (the reward accrues to the patient) or
 * reject with a reason (the patient may offer another record).
 */
import { parseEventLogs, type Address, type Hex } from "viem";
import { openDelivered, type OpenedDelivery } from "../access/delivery.ts";
import type { CaduceusChain } from "../chain/client.ts";
import { DATA_STATUS, RejectReason, rejectReasonName, type DataStatusName, type RejectReasonName } from "../chain/research.ts";
import type { RecipientKeyPairs } from "../crypto/envelope.ts";
import type { ContentStore } from "../storage/content-store.ts";
import { explainResearchError, NoContributionError, NotDeidentifiedError, researchWrite } from "./errors.ts";

export interface Contribution {
  patient: Address;
  recordId: Hex;
  status: DataStatusName;
  /** Set when rejected. */
  rejectReason?: ReturnType<typeof rejectReasonName>;
}

export async function dataContributionOf(chain: CaduceusChain, studyId: bigint, patient: Address): Promise<Contribution> {
  const data = await chain
    .call(() => chain.publicClient.readContract({ ...chain.researchPool, functionName: "dataContributionOf", args: [studyId, patient] }))
    .catch((error: unknown) => {
      throw explainResearchError(error, "dataContributionOf");
    });
  const status = DATA_STATUS[data.status] ?? "None";
  return { patient, recordId: data.recordId, status, rejectReason: status === "Rejected" ? rejectReasonName(data.rejectReason) : undefined };
}

/** Every patient who submitted data to the study, with the state of their contribution now. */
export async function listContributions(chain: CaduceusChain, studyId: bigint): Promise<Contribution[]> {
  const logs = await chain.call(() =>
    chain.publicClient.getContractEvents({
      ...chain.researchPool,
      eventName: "DataSubmitted",
      args: { studyId },
      fromBlock: BigInt(chain.deployment.contracts.researchPool.deployBlock),
    }),
  );
  const patients = [...new Set(logs.map((log) => log.args.patient!))];
  return Promise.all(patients.map((patient) => dataContributionOf(chain, studyId, patient)));
}

export interface OpenContributionParams {
  /** The researcher's chain client (reads only). */
  chain: CaduceusChain;
  store: ContentStore;
  /** The researcher's account and encryption key pairs. */
  reader: Address;
  keys: RecipientKeyPairs;
  studyId: bigint;
  patient: Address;
}

/** Decrypts the de-identified copy a patient delivered for its contribution; refuses anything else. */
export async function openContribution(params: OpenContributionParams): Promise<OpenedDelivery> {
  const { chain, studyId, patient } = params;
  const contribution = await dataContributionOf(chain, studyId, patient);
  if (contribution.status === "None") throw new NoContributionError(studyId, patient);
  const opened = await openDelivered({ ...params, recordId: contribution.recordId, purpose: "HRESCH" });
  if (!opened.deidentified) throw new NotDeidentifiedError(contribution.recordId);
  return opened;
}

/** The researcher accepts a submitted contribution; returns the reward that accrued to the patient. */
export async function acceptContribution(chain: CaduceusChain, studyId: bigint, patient: Address): Promise<{ hash: Hex; reward: bigint }> {
  const { hash, receipt } = await researchWrite(chain, "acceptContribution", [studyId, patient]);
  const [event] = parseEventLogs({ abi: chain.researchPool.abi, logs: receipt.logs, eventName: "DataAccepted" });
  return { hash, reward: event!.args.reward };
}

/** The researcher refuses a submitted contribution with a reason the patient sees. */
export async function rejectContribution(
  chain: CaduceusChain,
  studyId: bigint,
  patient: Address,
  reason: RejectReasonName,
): Promise<{ hash: Hex }> {
  const { hash } = await researchWrite(chain, "rejectContribution", [studyId, patient, RejectReason[reason]]);
  return { hash };
}
