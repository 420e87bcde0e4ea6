/**
 * The demo's moving parts, set up through the client library's own workflows after the records are
 * in: a grant (patient 1's policy for the first doctor, the doctor's request, the patient's approval,
 * the record keys delivered), an emergency configuration (patient 2: three contacts, threshold 2)
 * with an open request (doctor 2 asks, contact 1 has approved, one more approval opens it) and a
 * study by the verified researcher, partly funded in two steps over the past week (set up first,
 * while the node's clock is still behind). `verifyScenarios` reads all of it back.
 */
import { formatEther, parseEther, type Address, type PublicClient } from "viem";
import { deliverKeys } from "@caduceus/sdk/access/delivery";
import { policyIdFromLabel, policyTerms, setPolicy } from "@caduceus/sdk/access/policies";
import { approve, grantOf, requestAccess } from "@caduceus/sdk/access/requests";
import type { CaduceusChain } from "@caduceus/sdk/chain/client";
import type { Deployment } from "@caduceus/sdk/chain/deployments";
import { deriveIdentity, type EncryptionIdentity } from "@caduceus/sdk/crypto/identity";
import { readEmergencyConfig, setEmergencyContacts } from "@caduceus/sdk/emergency/contacts";
import { approveEmergency, requestEmergencyAccess } from "@caduceus/sdk/emergency/requests";
import { RpcQueryBackend } from "@caduceus/sdk/query/rpc";
import { createStudy, fund, getStudy } from "@caduceus/sdk/research/studies";
import { GatewayContentStore } from "@caduceus/sdk/storage/gateway-client";
import { DEMO, demoChain, devAccount } from "./accounts.js";
import { mineAt } from "./chain.js";
import type { SeededPatient } from "./seed.js";

const DAY = 24 * 3600;
/** The demo grant's policy, as the patient names it. */
export const CARE_TEAM_POLICY = policyIdFromLabel("care-team");
const STUDY = {
  goal: parseEther("2"),
  reward: parseEther("0.05"),
  maxContributions: 10,
  categories: ["Visit", "Immunization"],
  donations: [
    { amount: parseEther("0.6"), afterDays: 2 },
    { amount: parseEther("0.3"), afterDays: 5 },
  ],
};
const PROTOCOL = `# Seasonal influenza vaccination and respiratory visits (demo study)

Question: do vaccinated adults have fewer respiratory-infection visits in the following season?
Data: de-identified encounter and immunization records, contributed by consenting patients.
Ethics approval: DEMO-IRB-0001 (a placeholder for the local demo stack).
Reward: ${formatEther(STUDY.reward)} ETH per accepted contribution, at most ${STUDY.maxContributions}.
`;

export interface Scenarios {
  grant: { patient: Address; doctor: Address; purpose: "TREAT"; delivered: number };
  emergency: { patient: Address; contacts: Address[]; threshold: number; wrapped: number; doctor: Address; approvals: number };
  study: { studyId: bigint; researcher: Address; raised: bigint; goal: bigint; percentFunded: number };
}

export async function seedScenarios(
  deployment: Deployment,
  client: PublicClient,
  patients: SeededPatient[],
  log: (message: string) => void,
): Promise<Scenarios> {
  const as = (index: number) => demoChain(deployment, client, devAccount(index));
  const store = new GatewayContentStore({ url: deployment.services.gateway });
  const opened = Number((await client.getBlock()).timestamp);
  const [first, second] = patients;
  if (!first || !second) throw new Error("the demo scenarios need at least two seeded patients");

  // A study, funded in two steps over the past week (the chain's clock starts a week back, see
  // `mineAt`); then the clock catches up with the present for everything else.
  const researcher = as(DEMO.researcher);
  const { studyId } = await createStudy({
    chain: researcher,
    store,
    protocol: [new TextEncoder().encode(PROTOCOL)],
    goal: STUDY.goal,
    deadline: opened + 60 * DAY,
    reward: STUDY.reward,
    maxContributions: STUDY.maxContributions,
    categories: STUDY.categories,
  });
  let raised = 0n;
  for (const [i, { amount, afterDays }] of STUDY.donations.entries()) {
    await mineAt(client, opened + afterDays * DAY);
    ({ raised } = await fund(as(DEMO.donors[i]!), studyId, amount));
  }
  const study = await getStudy(researcher, studyId);
  log(`study ${studyId}: goal ${formatEther(study.goal)} ETH, raised ${formatEther(raised)} ETH (${study.percentFunded}%) from 2 donors over ${STUDY.donations.at(-1)!.afterDays} days`);
  await mineAt(client, Math.floor(Date.now() / 1000));
  const now = Number((await client.getBlock()).timestamp);

  // Doctors, contacts and the researcher publish their keys, as their first web visit would.
  const withKeys = [...DEMO.doctors, DEMO.secondHospitalDoctor, ...DEMO.contacts, DEMO.researcher];
  const identities = new Map<number, EncryptionIdentity>();
  for (const index of withKeys) {
    const identity = await deriveIdentity(devAccount(index), deployment.chainId);
    await as(index).publishKeys(identity.x25519.publicKey, identity.xwing.publicKey);
    identities.set(index, identity);
  }
  log(`published the encryption keys of ${withKeys.length} doctors, contacts and the researcher`);

  // A grant: policy → request → approval → keys delivered.
  const doctor = as(DEMO.doctors[0]);
  const patient1 = demoChain(deployment, client, first.account);
  const terms = policyTerms(
    { grantee: doctor.account, purposes: ["TREAT", "CAREMGT"], validUntil: now + 90 * DAY, autoApprove: false },
    now,
  );
  await setPolicy(patient1, CARE_TEAM_POLICY, terms);
  const asked = await requestAccess(doctor, { patient: first.address, policyId: CARE_TEAM_POLICY, purpose: "TREAT" });
  if (asked.outcome !== "Pending") throw new Error(`the demo request was ${asked.outcome}, expected Pending`);
  await approve(patient1, doctor.account, "TREAT");
  const recordIds = await patient1.listRecordIds(first.address);
  await deliverKeys({ chain: patient1, store, keys: first.identity, grantee: doctor.account, purpose: "TREAT", recordIds });
  log(`grant: patient 1 → doctor ${doctor.account} (TREAT, 90 days), ${recordIds.length} record keys delivered`);

  // Emergency contacts: three, any two of whom can open a time-boxed emergency grant.
  const contacts = DEMO.contacts.map((index) => devAccount(index).address);
  const emergency = await setEmergencyContacts({
    chain: demoChain(deployment, client, second.account),
    store,
    keys: second.identity,
    contacts,
    threshold: 2,
  });
  log(`emergency: patient 2 names 3 contacts, threshold 2; ${emergency.wrapped} record keys wrapped to the emergency key`);
  // An open request the demo can finish: doctor 2 asks, contact 1 approves; a second approval opens it.
  const emergencyDoctor = as(DEMO.doctors[1]);
  await requestEmergencyAccess({ chain: emergencyDoctor, patient: second.address, justification: "UNCONSCIOUS", durationSeconds: 6 * 3600 });
  await approveEmergency({
    chain: as(DEMO.contacts[0]),
    store,
    keys: identities.get(DEMO.contacts[0])!,
    patient: second.address,
    doctor: emergencyDoctor.account,
  });
  log(`emergency: doctor 2 asks for patient 2's records (unconscious, 6 h); contact 1 approved, 1 more approval opens them`);

  return {
    grant: { patient: first.address, doctor: doctor.account, purpose: "TREAT", delivered: recordIds.length },
    emergency: { patient: second.address, contacts, threshold: 2, wrapped: emergency.wrapped, doctor: emergencyDoctor.account, approvals: 1 },
    study: { studyId, researcher: researcher.account, raised, goal: study.goal, percentFunded: study.percentFunded },
  };
}

/** Reads the scenarios back through the library and the query layer; throws on the first mismatch. */
export async function verifyScenarios(deployment: Deployment, client: PublicClient, seeded: Scenarios): Promise<void> {
  const reader: CaduceusChain = demoChain(deployment, client, devAccount(DEMO.governance));
  const query = new RpcQueryBackend(deployment, client);
  const store = new GatewayContentStore({ url: deployment.services.gateway });

  const { grant } = seeded;
  const view = await grantOf(reader, grant.patient, grant.doctor, grant.purpose);
  if (!view.inForce) throw new Error(`check: the demo grant to ${grant.doctor} is ${view.status}, not in force`);
  const dashboard = await query.dashboard(grant.patient);
  if (dashboard.counts.keyDeliveries !== grant.delivered || grant.delivered !== dashboard.counts.records) {
    throw new Error(`check: ${dashboard.counts.keyDeliveries} keys delivered to the demo doctor, expected one per record (${dashboard.counts.records})`);
  }

  const { emergency } = seeded;
  const config = await readEmergencyConfig(reader, store, emergency.patient);
  const sameContacts = config.contacts.length === 3 && emergency.contacts.every((c) => config.contacts.includes(c));
  if (!sameContacts || config.threshold !== emergency.threshold) {
    throw new Error(`check: patient 2's emergency configuration is ${config.contacts.length} contacts, threshold ${config.threshold}`);
  }
  const overview = await query.emergency(emergency.patient);
  if (overview.current?.version !== config.version) throw new Error("check: the emergency configuration is not in force yet");
  const open = overview.requests.find((r) => r.doctor === emergency.doctor);
  if (open?.status !== "Open" || open.approvals !== emergency.approvals) {
    throw new Error(`check: doctor 2's emergency request is ${open?.status ?? "missing"} with ${open?.approvals ?? 0} approvals, expected Open with ${emergency.approvals}`);
  }

  const { study } = seeded;
  const onChain = await getStudy(reader, study.studyId);
  if (onChain.status !== "Funding" || onChain.raised !== study.raised || !(onChain.raised > 0n && onChain.raised < onChain.goal)) {
    throw new Error(`check: study ${study.studyId} is ${onChain.status} with ${formatEther(onChain.raised)} ETH raised, expected partly funded`);
  }
  if (onChain.researcher !== study.researcher) throw new Error(`check: study ${study.studyId} belongs to ${onChain.researcher}`);
}
