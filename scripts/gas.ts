/**
 * Gas benchmark: deploys through Ignition on the in-process network, performs each operation once
 * in a realistic state and writes total transaction gas per operation to `gas/snapshot.json`
 * (committed, so every change shows its gas delta in review). Run with `npm run gas`.
 */
import { writeFile } from "node:fs/promises";
import { network } from "hardhat";
import { keccak256, type Hex } from "viem";
import { Rights } from "@caduceus/sdk/chain/access";
import { EMERGENCY_APPROVAL_TYPES, emergencyDomain, Justification } from "@caduceus/sdk/chain/emergency";
import { Purpose } from "@caduceus/sdk/chain/roles";
import { signPolicy, terms } from "../test/helpers/consent.js";
import { deployCaduceus } from "../test/helpers/deploy.js";
import { binaryCid, CODEC_DAG_PB, ENVELOPE_BYTES, idOf, newRecord, seededBytes } from "../test/helpers/records.js";
import { signRegistration } from "../test/helpers/signatures.js";

const SNAPSHOT = new URL("../gas/snapshot.json", import.meta.url);

const connection = await network.create();
const c = await deployCaduceus(connection);
const { publicClient } = c;
const patient = c.patient.account.address;
const asHospital = { account: c.hospital.account };
const snapshot: Record<string, number> = {};

async function measure(key: string, send: () => Promise<Hex>, items = 1): Promise<void> {
  const receipt = await publicClient.waitForTransactionReceipt({ hash: await send() });
  if (receipt.status !== "success") throw new Error(`${key}: transaction reverted`);
  snapshot[key] = Math.round(Number(receipt.gasUsed) / items);
}

// Consortium
const [, , , , , , , , , , newHospital, newDoctor, ...others] = await c.viem.getWalletClients();
await measure("Consortium.admitHospital", () =>
  c.consortium.write.admitHospital([newHospital.account.address, "Example Regional", "0x01"]),
);
await measure("Consortium.proposeStaff", () =>
  c.consortium.write.proposeStaff([newDoctor.account.address], { account: newHospital.account }),
);
await measure("Consortium.acceptStaff", () =>
  c.consortium.write.acceptStaff([newHospital.account.address], { account: newDoctor.account }),
);
await measure("Consortium.suspendHospital", () => c.consortium.write.suspendHospital([newHospital.account.address]));

// KeyRegistry
await measure("KeyRegistry.publish", () =>
  c.keyRegistry.write.publish([seededBytes("x25519", 32), "0x"], { account: c.patient.account }),
);
await measure("KeyRegistry.publish.rotateWithPqKey", () =>
  c.keyRegistry.write.publish([seededBytes("x25519-2", 32), seededBytes("xwing", 1216)], { account: c.patient.account }),
);

// RecordRegistry: the patient's first record pays for their counter slot; later ones do not.
await measure("RecordRegistry.register.firstForPatient", () =>
  c.recordRegistry.write.register([newRecord(patient, "first")], asHospital),
);
await measure("RecordRegistry.register", () => c.recordRegistry.write.register([newRecord(patient, "second")], asHospital));
await measure("RecordRegistry.register.dagPb", () =>
  c.recordRegistry.write.register([newRecord(patient, "dag-pb", { codec: CODEC_DAG_PB })], asHospital),
);
await measure("RecordRegistry.register.xwingEnvelope", () =>
  c.recordRegistry.write.register([newRecord(patient, "xwing", { envelopeBytes: ENVELOPE_BYTES.xwing })], asHospital),
);

const signed = newRecord(patient, "signed");
const deadline = (await publicClient.getBlock()).timestamp + 3600n;
const signature = await signRegistration(c, c.hospital, signed, deadline);
await measure("RecordRegistry.registerWithSig", () =>
  c.recordRegistry.write.registerWithSig([signed, c.hospital.account.address, deadline, signature], {
    account: c.relayer.account,
  }),
);

for (const n of [10, 50]) {
  const batch = Array.from({ length: n }, (_, i) => newRecord(patient, `batch-${n}-${i}`));
  await measure(`RecordRegistry.registerBatch.perItem.n${n}`, () => c.recordRegistry.write.registerBatch([batch], asHospital), n);
}

await measure("RecordRegistry.amend", () =>
  c.recordRegistry.write.amend([idOf(c.hospital.account.address, newRecord(patient, "second")), newRecord(patient, "second-v2")], asHospital),
);
await measure("RecordRegistry.registerOwn", () =>
  c.recordRegistry.write.registerOwn([newRecord(patient, "own", { category: 5 })], { account: c.patient.account }),
);
await measure("RecordRegistry.postAudit", () =>
  c.recordRegistry.write.postAudit([idOf(c.hospital.account.address, newRecord(patient, "first")), 0, "0x01"], { account: c.auditor.account }),
);
// A failed audit also records itself as the record's worst audit (a second slot).
await measure("RecordRegistry.postAudit.mismatch", () =>
  c.recordRegistry.write.postAudit([idOf(c.hospital.account.address, newRecord(patient, "second")), 1, "0x01"], { account: c.auditor.account }),
);
await measure("RecordRegistry.invalidateNonces", () => c.recordRegistry.write.invalidateNonces([5n], asHospital));

// ConsentManager: a doctor's policy, a request granted at once, one waiting for approval, key delivery.
const consent = c.consentManager;
const asPatient = { account: c.patient.account };
const now = Number((await publicClient.getBlock()).timestamp);
const doctorPolicy = terms(now, { grantee: c.doctor.account.address, rights: Rights.READ | Rights.SHARE });
const policyId = (label: string) => seededBytes(`policy:${label}`, 32);
await measure("ConsentManager.setPolicy", () => consent.write.setPolicy([policyId("doctor"), doctorPolicy], asPatient));
const relayedPolicy = terms(now, { grantee: c.otherDoctor.account.address, autoApprove: false });
const policySignature = await signPolicy(c.patient, consent.address, policyId("relayed"), 1, relayedPolicy, BigInt(now + 3600));
await measure("ConsentManager.setPolicyWithSig", () =>
  consent.write.setPolicyWithSig([patient, policyId("relayed"), relayedPolicy, BigInt(now + 3600), policySignature], {
    account: c.relayer.account,
  }),
);
await measure("ConsentManager.request.granted", () =>
  consent.write.requestAccess([patient, policyId("doctor"), doctorPolicy, Purpose.TREAT, Rights.READ | Rights.SHARE, 0], {
    account: c.doctor.account,
  }),
);
await measure("ConsentManager.request.pending", () =>
  consent.write.requestAccess([patient, policyId("relayed"), relayedPolicy, Purpose.TREAT, Rights.READ, 0], {
    account: c.otherDoctor.account,
  }),
);
await measure("ConsentManager.approve", () => consent.write.approve([c.otherDoctor.account.address, Purpose.TREAT], asPatient));
await measure("ConsentManager.revoke", () =>
  consent.write.revoke([patient, c.otherDoctor.account.address, Purpose.TREAT], asPatient),
);
await measure("ConsentManager.share", () =>
  consent.write.share([patient, c.otherDoctor.account.address, Purpose.TREAT, 0], { account: c.doctor.account }),
);
for (const [suffix, envelopeBytes] of [["", ENVELOPE_BYTES.x25519], [".xwing", ENVELOPE_BYTES.xwing]] as const) {
  const deliveries = Array.from({ length: 10 }, (_, i) => ({
    recordId: idOf(c.hospital.account.address, newRecord(patient, `batch-10-${i}`)),
    copyCid: "0x" as Hex,
    envelope: seededBytes(`delivery${suffix}-${i}`, envelopeBytes),
  }));
  await measure(
    `ConsentManager.deliverKeys.perEnvelope${suffix}`,
    () => consent.write.deliverKeys([patient, c.doctor.account.address, Purpose.TREAT, deliveries], asPatient),
    deliveries.length,
  );
}

// EmergencyAccess: three contacts, t = 2; a doctor's first request; approvals carry a key share
// re-wrapped to the doctor (86 bytes with X25519, 1,174 with X-Wing).
const emergency = c.emergencyAccess;
const contacts = others.slice(0, 3);
const SHARE_BYTES = { x25519: ENVELOPE_BYTES.x25519 + 1, xwing: ENVELOPE_BYTES.xwing + 1 };
const sharesCid = binaryCid({ cidCodec: 0x55, cidDigest: seededBytes("shares", 32) });
await measure("Emergency.setContacts", () =>
  emergency.write.proposeContacts([contacts.map((w) => w.account.address), 2, sharesCid], asPatient),
);
const HOUR = 3600;
const noteCid = binaryCid({ cidCodec: 0x55, cidDigest: seededBytes("note", 32) });
await measure("Emergency.request", () =>
  emergency.write.request([patient, Justification.UNCONSCIOUS, noteCid, 4 * HOUR], { account: c.doctor.account }),
);
const doctor = c.doctor.account.address;
await measure("Emergency.approve", () =>
  emergency.write.approve([patient, doctor, seededBytes("share-0", SHARE_BYTES.x25519)], { account: contacts[0].account }),
);
await measure("Emergency.approve.opensGrant", () =>
  emergency.write.approve([patient, doctor, seededBytes("share-1", SHARE_BYTES.x25519)], { account: contacts[1].account }),
);
// The cooldown is per (patient, hospital) and otherDoctor works for the same hospital.
await connection.networkHelpers.time.increase(600);
await emergency.write.request([patient, Justification.UNCONSCIOUS, noteCid, 4 * HOUR], { account: c.otherDoctor.account });
const chainId = await publicClient.getChainId();
const signedApprovals = await Promise.all(
  contacts.slice(0, 2).map(async (contact, i) => {
    const share = seededBytes(`signed-share-${i}`, SHARE_BYTES.x25519);
    const signature = await contact.signTypedData({
      account: contact.account,
      domain: emergencyDomain(chainId, emergency.address),
      types: EMERGENCY_APPROVAL_TYPES,
      primaryType: "EmergencyApproval",
      message: { patient, doctor: c.otherDoctor.account.address, contact: contact.account.address, round: 1, shareHash: keccak256(share) },
    });
    return { contact: contact.account.address, share, signature };
  }),
);
await measure("Emergency.submitSignedApprovals.t2", () =>
  emergency.write.submitSignedApprovals([patient, c.otherDoctor.account.address, signedApprovals], {
    account: c.otherDoctor.account,
  }),
);
await emergency.write.close([patient, doctor], asPatient);
await connection.networkHelpers.time.increase(600);
await emergency.write.request([patient, Justification.UNCONSCIOUS, noteCid, 4 * HOUR], { account: c.doctor.account });
await measure("Emergency.approve.xwingShare", () =>
  emergency.write.approve([patient, doctor, seededBytes("share-pq", SHARE_BYTES.xwing)], { account: contacts[2].account }),
);
const emergencyKeys = Array.from({ length: 10 }, (_, i) => ({
  recordId: idOf(c.hospital.account.address, newRecord(patient, `batch-10-${i}`)),
  envelope: seededBytes(`emergency-key-${i}`, ENVELOPE_BYTES.xwing),
}));
await measure("Emergency.postKeys.perEnvelope.xwing", () => emergency.write.postKeys([patient, 1, emergencyKeys], asPatient), 10);

// ResearchPool: an ETH study (goal 1 ETH, reward 0.1 ETH, 3 contributions). The first contribution
// is a donor's first to the study (its amount slot is created); repeat adds to it. The refund is a
// donor's pull from a study that failed; the claim pays an accepted patient in ETH. Every payment
// goes to the caller's own address (the recipient parameter's common case).
const pool = c.researchPool;
const asResearcher = { account: c.researcher.account };
const [donor, otherDonor] = others.slice(5, 7);
const FINNEY = 10n ** 15n;
const studyParams = async (deadlineIn: number) => ({
  token: "0x0000000000000000000000000000000000000000" as const,
  goal: 1000n * FINNEY,
  deadline: Number((await publicClient.getBlock()).timestamp) + deadlineIn,
  reward: 100n * FINNEY,
  maxContributions: 3,
  categories: 0b110,
  protocolCid: binaryCid({ cidCodec: 0x55, cidDigest: seededBytes("protocol", 32) }),
});
await measure("ResearchPool.createStudy", async () => pool.write.createStudy([await studyParams(30 * 86_400)], asResearcher));
const studyId = await pool.read.studyCount();
const contributeAs = (who: typeof donor, id: bigint, amount: bigint) =>
  pool.write.contribute([id, amount], { account: who.account, value: amount });
await measure("ResearchPool.contribute.first", () => contributeAs(donor, studyId, 300n * FINNEY));
await measure("ResearchPool.contribute.repeat", () => contributeAs(donor, studyId, 300n * FINNEY));
await measure("ResearchPool.contribute.reachesGoal", () => contributeAs(otherDonor, studyId, 400n * FINNEY));
const researchPolicy = terms(Number((await publicClient.getBlock()).timestamp), {
  grantee: c.researcher.account.address,
  purposeNames: ["HRESCH"],
  anonymizedOnly: true,
});
await consent.write.setPolicy([policyId("research"), researchPolicy], asPatient);
await consent.write.requestAccess([patient, policyId("research"), researchPolicy, Purpose.HRESCH, Rights.READ, 0], asResearcher);
await measure("ResearchPool.submitData", () =>
  pool.write.submitData([studyId, idOf(c.hospital.account.address, newRecord(patient, "first"))], asPatient),
);
await measure("ResearchPool.acceptContribution", () => pool.write.acceptContribution([studyId, patient], asResearcher));
await measure("ResearchPool.claimReward", () => pool.write.claimReward([studyId, patient], asPatient));
// Withdrawal and closing wait for the funding deadline.
await connection.networkHelpers.time.increase(30 * 86_400 + 1);
await measure("ResearchPool.withdraw", () => pool.write.withdraw([studyId, c.researcher.account.address], asResearcher));
await measure("ResearchPool.closeStudy", () => pool.write.closeStudy([studyId, c.researcher.account.address], asResearcher));
await pool.write.createStudy([await studyParams(86_400)], asResearcher);
const failingId = await pool.read.studyCount();
await contributeAs(donor, failingId, 100n * FINNEY);
await connection.networkHelpers.time.increase(86_400 + 1);
await measure("ResearchPool.refund", () => pool.write.refund([failingId, donor.account.address], { account: donor.account }));

const sorted = Object.fromEntries(Object.entries(snapshot).sort(([a], [b]) => a.localeCompare(b)));
await writeFile(SNAPSHOT, `${JSON.stringify(sorted, null, 2)}\n`);
console.table(sorted);
console.log(`wrote ${SNAPSHOT.pathname}`);
