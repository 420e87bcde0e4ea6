/**
 * The access matrix's cast, its one fixture, and the row format. Rows live in one file per contract
 * next to this one (`<contract>.rows.ts`); the runner is test/contracts/AccessMatrix.test.ts.
 *
 * Adding or changing a function: run `npx hardhat test test/contracts/AccessMatrix.test.ts`; the first
 * tests name every function without a row ("no access-matrix row for Foo.bar(address,uint8)") and every
 * row whose function left the ABI. Copy that signature (structs spelled through `T`) into a row of
 * foo.rows.ts: `allowed` (actors who succeed, or "everyone" plus `why`), `call` (the transaction as
 * `by(c, a)`) and `refused` (the custom error and its arguments every other actor gets, `revert(...)`).
 * If the call needs an object the fixture lacks (a nominated staff member, a payout recipient), add it
 * to `matrixFixture` and return it. A new deployable needs a rows file, listed in `TABLES` in the runner.
 */
import type { NetworkConnection } from "hardhat/types/network";
import { getAddress, keccak256, toHex, zeroAddress, type Address, type Hex } from "viem";
import { Rights } from "@caduceus/sdk/chain/access";
import { Justification } from "@caduceus/sdk/chain/emergency";
import { Purpose, Role } from "@caduceus/sdk/chain/roles";
import { DAY, terms } from "../../helpers/consent.js";
import { deployCaduceus } from "../../helpers/deploy.js";
import { binaryCid, Category, newRecord, withId } from "../../helpers/records.js";

/**
 * Every kind of caller. To add one: name it here, give it a wallet in `matrixFixture`, and the
 * runner calls every row with it (rows that do not list it expect their refusal for it).
 */
export const ACTORS = [
  "governance", // Consortium's default admin
  "nominee", // the account governance is being transferred to (delay passed, not yet accepted)
  "hospital", // an active member hospital
  "suspendedHospital", // a member hospital governance suspended (it wrote a record before)
  "doctor", // staff of the active hospital; holds a TREAT grant with SHARE, has an open emergency request
  "suspendedStaff", // staff of the suspended hospital
  "patient", // owns records, policies, grants, emergency contacts, a research submission
  "contact", // one of the patient's two emergency contacts
  "researcher", // verified researcher, owns the studies
  "auditor", // holds AUDITOR
  "donor", // funded the studies
  "stranger", // none of the above
] as const;
export type Actor = (typeof ACTORS)[number];

/** Canonical tuple types of the structs in function signatures (as `toFunctionSignature` spells them). */
export const T = {
  NewRecord: "(address,bytes32,uint8,bytes32,uint8,bytes)",
  PolicyTerms: "(address,bytes32,uint256,uint8,uint48,uint48,uint8,bytes32,bool,bool)",
  KeyDelivery: "(bytes32,bytes,bytes)",
  EmergencyKey: "(bytes32,bytes)",
  SignedApproval: "(address,bytes,bytes)",
  EmergencyLimits: "(uint48,uint48,uint48)",
  StudyParams: "(address,uint128,uint48,uint128,uint32,uint8,bytes)",
} as const;

export const HOUR = 3_600;
export const FINNEY = 10n ** 15n;
/** The Ignition module's local emergency limits. */
export const LIMITS = { maxGrantDuration: 24 * HOUR, approvalWindow: 2 * HOUR, cooldown: 600 };
export const ADMIN_ROLE: Hex = `0x${"00".repeat(32)}`;
/** Consortium's admin of HOSPITAL and DOCTOR: a role nobody holds. */
export const UNGRANTABLE = keccak256(toHex("caduceus.role.UNGRANTABLE"));
export const cid = (seed: string): Hex => binaryCid({ cidCodec: 0x55, cidDigest: keccak256(toHex(seed)) });
/** A reproducible address nobody controls. */
export const addressOf = (seed: string): Address => getAddress(keccak256(toHex(seed)).slice(0, 42));
export const id = (label: string): Hex => keccak256(toHex(label));
export const POLICY = {
  treat: id("policy:treat"),
  role: id("policy:role"),
  pending: id("policy:pending"),
  research: id("policy:research"),
};

/**
 * One deployment with every role and one object of every kind a restricted function acts on:
 * a suspended hospital with staff and a record, grants (active with SHARE, shared, pending), policies,
 * contacts in force and a pending contacts change, an open emergency request, studies in every state.
 */
export async function matrixFixture(connection: NetworkConnection<"generic">) {
  const { viem, networkHelpers } = connection;
  const { time } = networkHelpers;
  const c = await deployCaduceus(connection);
  const [suspendedStaff, contact, contact2, donor, nominee] = (await viem.getWalletClients()).slice(10, 15);
  const wallets: Record<Actor, typeof c.governance> = {
    governance: c.governance,
    nominee,
    hospital: c.hospital,
    suspendedHospital: c.otherHospital,
    doctor: c.doctor,
    suspendedStaff,
    patient: c.patient,
    contact,
    researcher: c.researcher,
    auditor: c.auditor,
    donor,
    stranger: c.stranger,
  };
  const as = (w: typeof c.governance) => ({ account: w.account });
  const patient = getAddress(c.patient.account.address);
  const otherPatient = getAddress(c.otherPatient.account.address);

  // Governance transfer under way and acceptable; first, as it moves the clock two days.
  await c.consortium.write.beginDefaultAdminTransfer([nominee.account.address]);
  await time.increase(2 * DAY + 1);

  // Staff of both hospitals (appointed in two steps; the stranger's appointment still waits for
  // acceptance), records (one by the soon suspended hospital), then the suspension.
  await c.consortium.write.proposeStaff([suspendedStaff.account.address], as(c.otherHospital));
  await c.consortium.write.acceptStaff([c.otherHospital.account.address], as(suspendedStaff));
  await c.consortium.write.proposeStaff([c.stranger.account.address], as(c.hospital));
  const hospitalRecord = withId(
    c.hospital.account.address,
    newRecord(patient, "matrix:lab", { category: Category.Lab }),
  );
  const otherLab = withId(
    c.hospital.account.address,
    newRecord(otherPatient, "matrix:other-lab", { category: Category.Lab }),
  );
  await c.recordRegistry.write.registerBatch([[hospitalRecord, otherLab]], as(c.hospital));
  const suspendedRecord = newRecord(patient, "matrix:by-suspended");
  await c.recordRegistry.write.register([suspendedRecord], as(c.otherHospital));
  await c.consortium.write.suspendHospital([c.otherHospital.account.address]);

  // Consent: the doctor holds TREAT with SHARE and shared it with the hospital; the other doctor
  // waits for the patient's decision; a policy for every doctor; research consent of both patients.
  const now = await time.latest();
  const treatTerms = terms(now, { grantee: c.doctor.account.address, rights: Rights.READ | Rights.SHARE });
  const roleTerms = terms(now, { role: Role.DOCTOR });
  const pendingTerms = terms(now, { grantee: c.otherDoctor.account.address, autoApprove: false });
  const researchTerms = terms(now, {
    grantee: c.researcher.account.address,
    purposeNames: ["HRESCH"],
    anonymizedOnly: true,
  });
  await c.consentManager.write.setPolicy([POLICY.treat, treatTerms], as(c.patient));
  await c.consentManager.write.setPolicy([POLICY.role, roleTerms], as(c.patient));
  await c.consentManager.write.setPolicy([POLICY.pending, pendingTerms], as(c.patient));
  await c.consentManager.write.setPolicy([POLICY.research, researchTerms], as(c.patient));
  await c.consentManager.write.setPolicy([POLICY.research, researchTerms], as(c.otherPatient));
  await c.consentManager.write.requestAccess(
    [patient, POLICY.treat, treatTerms, Purpose.TREAT, Rights.READ | Rights.SHARE, 0],
    as(c.doctor),
  );
  await c.consentManager.write.share([patient, c.hospital.account.address, Purpose.TREAT, 0], as(c.doctor));
  await c.consentManager.write.requestAccess(
    [patient, POLICY.pending, pendingTerms, Purpose.TREAT, Rights.READ, 0],
    as(c.otherDoctor),
  );
  for (const p of [patient, otherPatient]) {
    await c.consentManager.write.requestAccess(
      [p, POLICY.research, researchTerms, Purpose.HRESCH, Rights.READ, 0],
      as(c.researcher),
    );
  }

  // Research: A funded, the patient's contribution accepted and the other patient's waiting;
  // B funded without contributions; C still funding; D cancelled after the donor's contribution;
  // E funded, its deadline passed by the end of the fixture (withdrawing and closing wait for it).
  const study = async (goal: bigint, deadline = now + 30 * DAY) => {
    const params = {
      token: zeroAddress,
      goal,
      deadline,
      reward: FINNEY,
      maxContributions: 3,
      categories: 1 << Category.Lab,
      protocolCid: cid("protocol"),
    };
    await c.researchPool.write.createStudy([params], as(c.researcher));
    return c.researchPool.read.studyCount();
  };
  const fund = (studyId: bigint, amount: bigint) =>
    c.researchPool.write.contribute([studyId, amount], { account: donor.account, value: amount });
  const studies = {
    funded: await study(3n * FINNEY),
    open: await study(3n * FINNEY),
    funding: await study(1000n * FINNEY),
    cancelled: await study(1000n * FINNEY),
    ended: await study(3n * FINNEY, (await time.latest()) + 300),
  };
  await fund(studies.ended, 3n * FINNEY);
  await fund(studies.funded, 3n * FINNEY);
  await fund(studies.open, 3n * FINNEY);
  await fund(studies.cancelled, FINNEY);
  await c.researchPool.write.cancelStudy([studies.cancelled], as(c.researcher));
  await c.researchPool.write.submitData([studies.funded, hospitalRecord.id], as(c.patient));
  await c.researchPool.write.acceptContribution([studies.funded, patient], as(c.researcher));
  await c.researchPool.write.submitData([studies.funded, otherLab.id], as(c.otherPatient));

  // Emergency: both patients name the contact and a second one (threshold 2); the doctor's request
  // for the patient is open; its cooldown has passed. A second deployment with a one-day security
  // delay holds the patient's pending contacts change (the local deployment has no delay).
  const contacts = [getAddress(contact.account.address), getAddress(contact2.account.address)];
  await c.emergencyAccess.write.proposeContacts([contacts, 2, cid("shares")], as(c.patient));
  await c.emergencyAccess.write.proposeContacts([contacts, 2, cid("other-shares")], as(c.otherPatient));
  const delayedEmergency = await viem.deployContract("EmergencyAccess", [
    c.consortium.address,
    c.recordRegistry.address,
    DAY,
    LIMITS,
  ]);
  await delayedEmergency.write.proposeContacts([contacts, 2, cid("shares")], as(c.patient));
  await c.emergencyAccess.write.request([patient, Justification.UNCONSCIOUS, cid("note"), 4 * HOUR], as(c.doctor));
  // Past the emergency cooldown, and past study E's deadline (300 s).
  await time.increase(LIMITS.cooldown + 1);

  return {
    ...c,
    wallets,
    contact2,
    patientAddress: patient,
    otherPatientAddress: otherPatient,
    hospitalRecord,
    suspendedRecord,
    otherLab,
    terms: { treat: treatTerms, role: roleTerms, pending: pendingTerms, research: researchTerms },
    studies,
    delayedEmergency,
  };
}

export type Fixture = Awaited<ReturnType<typeof matrixFixture>>;
export type ContractKey =
  "consortium" | "keyRegistry" | "recordRegistry" | "consentManager" | "emergencyAccess" | "researchPool";

/** The checksummed address of an actor. */
export const who = (c: Fixture, actor: Actor): Address => getAddress(c.wallets[actor].account.address);
/** Transaction options that send as `actor`. */
export const by = (c: Fixture, actor: Actor) => ({ account: c.wallets[actor].account });

/** What a refused call does for one actor: it reverts with this custom error and exactly these arguments. */
export type Outcome = { error: string; args: readonly unknown[] };
export const revert = (error: string, ...args: unknown[]): Outcome => ({ error, args });

export interface Row {
  /** The function, as `toFunctionSignature` spells it (tuples through `T`): "share(address,address,uint8,uint48)". */
  fn: string;
  /** Tells rows of one function apart (a second target, say); shown in the test name. */
  case?: string;
  /**
   * The actors whose call succeeds, or "everyone" for a function without an access rule: then
   * `why` says what authorizes it instead, and `fails` lists actors whose call fails for another reason.
   */
  allowed: readonly Actor[] | "everyone";
  why?: string;
  /** Sends the transaction as `actor` (use `by(c, actor)`), from the fixture's state. */
  call: (c: Fixture, actor: Actor) => Promise<Hex>;
  /** The refusal every actor not in `allowed` gets: the access error and its arguments. */
  refused?: (c: Fixture, actor: Actor) => Outcome;
  /** "everyone" rows: actors whose call fails for a reason that is not access, with that reason. */
  fails?: Partial<Record<Actor, { because: string; outcome: (c: Fixture) => Outcome }>>;
}

/** A contract's rows: its fixture key and one row per (function, case). */
export interface ContractRows {
  contract: ContractKey;
  /** Contract name as in contracts/<name>.sol. */
  name: string;
  rows: Row[];
}
