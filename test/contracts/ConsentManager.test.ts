import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { network } from "hardhat";
import { getAddress, hashStruct, hashTypedData, keccak256, parseEventLogs, toHex, zeroAddress, type Address, type Hex } from "viem";
import { ALL_CATEGORIES, consentDomain, DENY_REASON, GRANT_STATUS, REQUEST_OUTCOME, Rights, SET_POLICY_TYPES, type PolicyTerms } from "@caduceus/sdk/chain/access";
import { Purpose, purposeSet, Role } from "@caduceus/sdk/chain/roles";
import { DAY, signPolicy, terms } from "../helpers/consent.js";
import { deployCaduceus } from "../helpers/deploy.js";
import { binaryCid, Category, ENVELOPE_BYTES, newRecord, seededBytes, withId, ZERO_BYTES32 } from "../helpers/records.js";

const connection = await network.create();
const { viem, networkHelpers } = connection;
const { time } = networkHelpers;

const POLICY = keccak256(toHex("policy:care-team"));
const OTHER_POLICY = keccak256(toHex("policy:research"));
const outcome = (name: (typeof REQUEST_OUTCOME)[number]) => REQUEST_OUTCOME.indexOf(name);
const reason = (name: (typeof DENY_REASON)[number]) => DENY_REASON.indexOf(name);
const status = (name: (typeof GRANT_STATUS)[number]) => GRANT_STATUS.indexOf(name);

/** The cast of deployCaduceus plus a verified researcher, and three registered records of the patient. */
async function consentFixture() {
  const c = await deployCaduceus(connection);
  const wallets = await viem.getWalletClients();
  const researcher = wallets[10];
  await c.consortium.write.grantRole([Role.RESEARCHER, researcher.account.address]);
  const patient = getAddress(c.patient.account.address);
  const lab = newRecord(patient, "lab-1", { category: Category.Lab });
  const visit = newRecord(patient, "visit-1", { category: Category.Visit });
  const imaging = newRecord(patient, "imaging-1", { category: Category.Imaging });
  const othersLab = newRecord(c.otherPatient.account.address, "other-lab", { category: Category.Lab });
  await c.recordRegistry.write.registerBatch([[lab, visit, othersLab]], { account: c.hospital.account });
  await c.recordRegistry.write.register([imaging], { account: c.otherHospital.account });
  const [byHospital, byOther] = [c.hospital.account.address, c.otherHospital.account.address];
  return {
    ...c,
    researcher,
    patientAddress: patient,
    lab: withId(byHospital, lab),
    visit: withId(byHospital, visit),
    imaging: withId(byOther, imaging),
    othersLab: withId(byHospital, othersLab),
  };
}
type Fixture = Awaited<ReturnType<typeof consentFixture>>;

async function now(): Promise<number> {
  return time.latest();
}

/** The patient sets `policy` under `id`. */
async function setPolicy(c: Fixture, policy: PolicyTerms, id: Hex = POLICY) {
  await c.consentManager.write.setPolicy([id, policy], { account: c.patient.account });
}

/** `requester` asks under the patient's policy and returns the logged AccessRequested arguments. */
async function request(
  c: Fixture,
  requester: { account: { address: Address } },
  policy: PolicyTerms,
  purpose: number = Purpose.TREAT,
  options: { rights?: number; duration?: number; id?: Hex } = {},
) {
  const hash = await c.consentManager.write.requestAccess(
    [c.patientAddress, options.id ?? POLICY, policy, purpose, options.rights ?? Rights.READ, options.duration ?? 0],
    { account: requester.account as never },
  );
  const receipt = await c.publicClient.waitForTransactionReceipt({ hash });
  const [event] = parseEventLogs({ abi: c.consentManager.abi, logs: receipt.logs, eventName: "AccessRequested" });
  return event.args;
}

const grantOf = (c: Fixture, grantee: Address, purpose: number = Purpose.TREAT) =>
  c.consentManager.read.grantOf([c.patientAddress, grantee, purpose]);
const canAccess = (c: Fixture, who: Address, recordId: Hex, purpose: number = Purpose.TREAT) =>
  c.consentManager.read.canAccess([who, recordId, purpose]);

describe("ConsentManager", () => {
  describe("policies", () => {
    it("stores the terms' hash as version 1, logs the terms, and bumps the version on every change", async () => {
      const c = await networkHelpers.loadFixture(consentFixture);
      const policy = terms(await now(), { grantee: c.doctor.account.address });
      await viem.assertions.emitWithArgs(
        c.consentManager.write.setPolicy([POLICY, policy], { account: c.patient.account }),
        c.consentManager,
        "PolicySet",
        [c.patientAddress, POLICY, 1, policy],
      );
      assert.deepEqual(await c.consentManager.read.policyVersion([c.patientAddress, POLICY]), [1, true]);
      await setPolicy(c, { ...policy, rights: Rights.READ | Rights.SHARE });
      assert.deepEqual(await c.consentManager.read.policyVersion([c.patientAddress, POLICY]), [2, true]);
      assert.deepEqual(await c.consentManager.read.policyVersion([c.otherPatient.account.address, POLICY]), [0, false], "ids are per patient");
    });

    it("rejects malformed terms with the field that is wrong", async () => {
      const c = await networkHelpers.loadFixture(consentFixture);
      const t = await now();
      const doctor = c.doctor.account.address;
      const base = terms(t, { grantee: doctor });
      const cases: Array<[Partial<PolicyTerms>, string, unknown[]]> = [
        [{ grantee: zeroAddress }, "ConsentInvalidGrantee", [zeroAddress, ZERO_BYTES32]],
        [{ role: Role.DOCTOR }, "ConsentInvalidGrantee", [getAddress(doctor), Role.DOCTOR]],
        [{ grantee: c.patientAddress }, "ConsentInvalidGrantee", [c.patientAddress, ZERO_BYTES32]],
        [{ purposes: 0n }, "ConsentUnknownPurposes", [0n]],
        [{ purposes: 1n << 8n }, "ConsentUnknownPurposes", [1n << 8n]],
        [{ rights: Rights.SHARE }, "ConsentInvalidRights", [Rights.SHARE]],
        [{ rights: 5 }, "ConsentInvalidRights", [5]],
        [{ validFrom: t + 10, validUntil: t + 10 }, "ConsentInvalidWindow", [t + 10, t + 10]],
        [{ validFrom: t - 100, validUntil: t - 1 }, "ConsentInvalidWindow", [t - 100, t - 1]],
        [{ categories: 0 }, "ConsentInvalidScope", [0, ZERO_BYTES32]],
        [{ categories: 0x80 }, "ConsentInvalidScope", [0x80, ZERO_BYTES32]],
        [{ recordId: c.lab.id }, "ConsentInvalidScope", [ALL_CATEGORIES, c.lab.id]],
        [{ categories: 0, recordId: c.othersLab.id }, "ConsentNotPatientsRecord", [c.othersLab.id, c.patientAddress]],
      ];
      for (const [change, error, args] of cases) {
        await viem.assertions.revertWithCustomErrorWithArgs(
          c.consentManager.write.setPolicy([POLICY, { ...base, ...change }], { account: c.patient.account }),
          c.consentManager,
          error as never,
          args as never,
        );
      }
      await viem.assertions.revertWithCustomErrorWithArgs(
        c.consentManager.write.setPolicy([POLICY, { ...base, categories: 0, recordId: keccak256(toHex("nope")) }], { account: c.patient.account }),
        c.recordRegistry,
        "RecordRegistryUnknownRecord",
        [keccak256(toHex("nope"))],
      );
    });

    it("revokes a policy: later requests citing it are refused, and revoking twice fails", async () => {
      const c = await networkHelpers.loadFixture(consentFixture);
      const policy = terms(await now(), { grantee: c.doctor.account.address });
      await setPolicy(c, policy);
      await viem.assertions.emitWithArgs(
        c.consentManager.write.revokePolicy([POLICY], { account: c.patient.account }),
        c.consentManager,
        "PolicyRevoked",
        [c.patientAddress, POLICY, 2],
      );
      assert.deepEqual(await c.consentManager.read.policyVersion([c.patientAddress, POLICY]), [2, false]);
      await viem.assertions.revertWithCustomErrorWithArgs(
        c.consentManager.write.requestAccess([c.patientAddress, POLICY, policy, Purpose.TREAT, Rights.READ, 0], { account: c.doctor.account }),
        c.consentManager,
        "ConsentUnknownPolicy",
        [c.patientAddress, POLICY],
      );
      await viem.assertions.revertWithCustomErrorWithArgs(
        c.consentManager.write.revokePolicy([POLICY], { account: c.patient.account }),
        c.consentManager,
        "ConsentUnknownPolicy",
        [c.patientAddress, POLICY],
      );
    });
  });

  describe("policies by signature", () => {
    it("sets a patient-signed policy relayed by a stranger; the same signature cannot be replayed", async () => {
      const c = await networkHelpers.loadFixture(consentFixture);
      const policy = terms(await now(), { grantee: c.doctor.account.address });
      const deadline = BigInt((await now()) + 3600);
      const signature = await signPolicy(c.patient, c.consentManager.address, POLICY, 1, policy, deadline);
      const digest = await c.consentManager.read.setPolicyDigest([c.patientAddress, POLICY, 1, policy, deadline]);
      assert.equal(
        await c.publicClient.verifyMessage({ address: c.patientAddress, message: { raw: digest }, signature }).catch(() => false),
        false,
        "an EIP-712 signature is not a personal_sign signature",
      );
      await viem.assertions.emitWithArgs(
        c.consentManager.write.setPolicyWithSig([c.patientAddress, POLICY, policy, deadline, signature], { account: c.relayer.account }),
        c.consentManager,
        "PolicySet",
        [c.patientAddress, POLICY, 1, policy],
      );
      await viem.assertions.revertWithCustomErrorWithArgs(
        c.consentManager.write.setPolicyWithSig([c.patientAddress, POLICY, policy, deadline, signature], { account: c.relayer.account }),
        c.consentManager,
        "ConsentInvalidSignature",
        [c.patientAddress],
      );
    });

    it("hashes terms and builds the signed digest exactly as EIP-712 wallets do", async () => {
      const c = await networkHelpers.loadFixture(consentFixture);
      const policy = terms(await now(), { role: Role.RESEARCHER, purposeNames: ["HRESCH"], anonymizedOnly: true });
      assert.equal(await c.consentManager.read.hashTerms([policy]), hashStruct({ data: policy, primaryType: "PolicyTerms", types: SET_POLICY_TYPES }));
      const deadline = 123n;
      const message = { patient: c.patientAddress, policyId: POLICY, version: 4, terms: policy, deadline };
      assert.equal(
        await c.consentManager.read.setPolicyDigest([c.patientAddress, POLICY, 4, policy, deadline]),
        hashTypedData({ domain: consentDomain(await c.publicClient.getChainId(), c.consentManager.address), types: SET_POLICY_TYPES, primaryType: "SetPolicy", message }),
      );
    });

    it("makes a signed but unsent policy useless once the patient changes the policy", async () => {
      const c = await networkHelpers.loadFixture(consentFixture);
      const t = await now();
      const wide = terms(t, { grantee: c.doctor.account.address, purposeNames: ["TREAT", "CAREMGT"] });
      const deadline = BigInt(t + 3600);
      const stale = await signPolicy(c.patient, c.consentManager.address, POLICY, 1, wide, deadline);
      await setPolicy(c, terms(t, { grantee: c.doctor.account.address }));
      await viem.assertions.revertWithCustomErrorWithArgs(
        c.consentManager.write.setPolicyWithSig([c.patientAddress, POLICY, wide, deadline, stale], { account: c.relayer.account }),
        c.consentManager,
        "ConsentInvalidSignature",
        [c.patientAddress],
      );
    });

    it("rejects an expired signature, another signer, another chain and altered terms", async () => {
      const c = await networkHelpers.loadFixture(consentFixture);
      const t = await now();
      const policy = terms(t, { grantee: c.doctor.account.address });
      const deadline = BigInt(t + 60);
      const good = await signPolicy(c.patient, c.consentManager.address, POLICY, 1, policy, deadline);
      const byStranger = await signPolicy(c.stranger, c.consentManager.address, POLICY, 1, policy, deadline);
      const otherChain = await signPolicy(c.patient, c.consentManager.address, POLICY, 1, policy, deadline, 1);
      const send = (p: PolicyTerms, sig: Hex) =>
        c.consentManager.write.setPolicyWithSig([c.patientAddress, POLICY, p, deadline, sig], { account: c.relayer.account });
      for (const [p, sig] of [[policy, byStranger], [policy, otherChain], [{ ...policy, purposes: purposeSet("TREAT", "HRESCH") }, good]] as const) {
        await viem.assertions.revertWithCustomErrorWithArgs(send(p, sig), c.consentManager, "ConsentInvalidSignature", [c.patientAddress]);
      }
      await time.increaseTo(t + 61);
      await viem.assertions.revertWithCustomErrorWithArgs(send(policy, good), c.consentManager, "ConsentExpiredSignature", [deadline]);
    });
  });

  describe("requests", () => {
    it("grants at once under an auto-approving policy: logged, stored, and readable by canAccess", async () => {
      const c = await networkHelpers.loadFixture(consentFixture);
      const policy = terms(await now(), { grantee: c.doctor.account.address });
      await setPolicy(c, policy);
      const event = await request(c, c.doctor, policy);
      assert.equal(event.patient, c.patientAddress);
      assert.equal(event.requester, getAddress(c.doctor.account.address));
      assert.equal(event.policyId, POLICY);
      assert.equal(event.purpose, Purpose.TREAT);
      assert.equal(event.outcome, outcome("Granted"));
      assert.equal(event.reason, reason("None"));
      assert.equal(event.expiresAt, policy.validUntil);
      const grant = await grantOf(c, c.doctor.account.address);
      assert.deepEqual(grant, {
        sharedBy: zeroAddress,
        expiresAt: policy.validUntil,
        status: status("Active"),
        rights: Rights.READ,
        categories: ALL_CATEGORIES,
        anonymized: false,
        recordScoped: false,
        hasShared: false,
      });
      assert.equal(await canAccess(c, c.doctor.account.address, c.lab.id), true);
      assert.equal(await canAccess(c, c.doctor.account.address, c.lab.id, Purpose.CAREMGT), false, "another purpose");
      assert.equal(await canAccess(c, c.otherDoctor.account.address, c.lab.id), false, "another doctor");
      assert.equal(await canAccess(c, c.doctor.account.address, c.othersLab.id), false, "another patient's record");
    });

    it("shortens the grant to the requested duration, never beyond the policy", async () => {
      const c = await networkHelpers.loadFixture(consentFixture);
      const policy = terms(await now(), { grantee: c.doctor.account.address });
      await setPolicy(c, policy);
      const short = await request(c, c.doctor, policy, Purpose.TREAT, { duration: DAY });
      assert.equal(short.expiresAt, (await now()) + DAY);
      const long = await request(c, c.doctor, policy, Purpose.TREAT, { duration: 365 * DAY });
      assert.equal(long.expiresAt, policy.validUntil);
    });

    it("waits for the patient, who approves or denies; only pending requests can be decided", async () => {
      const c = await networkHelpers.loadFixture(consentFixture);
      const policy = terms(await now(), { grantee: c.doctor.account.address, autoApprove: false });
      await setPolicy(c, policy);
      const pending = await request(c, c.doctor, policy);
      assert.equal(pending.outcome, outcome("Pending"));
      assert.equal((await grantOf(c, c.doctor.account.address)).status, status("Pending"));
      assert.equal(await canAccess(c, c.doctor.account.address, c.lab.id), false, "pending is not access");

      await viem.assertions.emitWithArgs(
        c.consentManager.write.approve([c.doctor.account.address, Purpose.TREAT], { account: c.patient.account }),
        c.consentManager,
        "AccessDecided",
        [c.patientAddress, getAddress(c.doctor.account.address), Purpose.TREAT, true],
      );
      assert.equal(await canAccess(c, c.doctor.account.address, c.lab.id), true);
      for (const call of ["approve", "deny"] as const) {
        await viem.assertions.revertWithCustomErrorWithArgs(
          c.consentManager.write[call]([c.doctor.account.address, Purpose.TREAT], { account: c.patient.account }),
          c.consentManager,
          "ConsentGrantNotFound",
          [c.patientAddress, getAddress(c.doctor.account.address), Purpose.TREAT],
        );
      }
      await viem.assertions.revertWithCustomErrorWithArgs(
        c.consentManager.write.requestAccess([c.patientAddress, POLICY, policy, Purpose.TREAT, Rights.READ, 0], { account: c.doctor.account }),
        c.consentManager,
        "ConsentGrantInForce",
        [c.patientAddress, getAddress(c.doctor.account.address), Purpose.TREAT, policy.validUntil],
      );

      const other = terms(await now(), { grantee: c.otherDoctor.account.address, autoApprove: false });
      await setPolicy(c, other, OTHER_POLICY);
      await request(c, c.otherDoctor, other, Purpose.TREAT, { id: OTHER_POLICY });
      await viem.assertions.emitWithArgs(
        c.consentManager.write.deny([c.otherDoctor.account.address, Purpose.TREAT], { account: c.patient.account }),
        c.consentManager,
        "AccessDecided",
        [c.patientAddress, getAddress(c.otherDoctor.account.address), Purpose.TREAT, false],
      );
      assert.equal((await grantOf(c, c.otherDoctor.account.address)).status, status("Denied"));
      assert.equal(await canAccess(c, c.otherDoctor.account.address, c.lab.id), false);
    });

    it("cannot approve a pending request after its window ended", async () => {
      const c = await networkHelpers.loadFixture(consentFixture);
      const policy = terms(await now(), { grantee: c.doctor.account.address, autoApprove: false });
      await setPolicy(c, policy);
      await request(c, c.doctor, policy, Purpose.TREAT, { duration: 60 });
      await time.increase(61);
      await viem.assertions.revertWithCustomErrorWithArgs(
        c.consentManager.write.approve([c.doctor.account.address, Purpose.TREAT], { account: c.patient.account }),
        c.consentManager,
        "ConsentGrantNotFound",
        [c.patientAddress, getAddress(c.doctor.account.address), Purpose.TREAT],
      );
    });

    it("respects the window to the second: one before, at the start, one before the end, at the end", async () => {
      const c = await networkHelpers.loadFixture(consentFixture);
      const t = await now();
      const policy = terms(t, { grantee: c.doctor.account.address, validFrom: t + 100, validUntil: t + 200 });
      await setPolicy(c, policy);
      const at = async (second: number) => {
        await time.setNextBlockTimestamp(second);
        return request(c, c.doctor, policy);
      };
      assert.equal((await at(t + 99)).reason, reason("NotYetValid"));
      assert.equal((await at(t + 100)).outcome, outcome("Granted"));
      assert.equal((await at(t + 199)).outcome, outcome("Granted"));
      const late = await at(t + 200);
      assert.equal(late.outcome, outcome("Denied"));
      assert.equal(late.reason, reason("Expired"));
      assert.equal(late.expiresAt, 0);
      assert.equal(await canAccess(c, c.doctor.account.address, c.lab.id), false, "the grant ended at validUntil");
    });

    it("denies and logs, with a reason: purpose not bound to the role, not in the policy, a right not given; refuses stale terms", async () => {
      const c = await networkHelpers.loadFixture(consentFixture);
      const t = await now();
      const policy = terms(t, { grantee: c.doctor.account.address, purposeNames: ["TREAT", "HRESCH"] });
      await setPolicy(c, policy);
      assert.equal((await request(c, c.doctor, policy, Purpose.HRESCH)).reason, reason("PurposeNotBound"), "doctors may not declare research");
      assert.equal((await request(c, c.doctor, policy, Purpose.CAREMGT)).reason, reason("PurposeNotInPolicy"));
      assert.equal((await request(c, c.doctor, policy, Purpose.TREAT, { rights: Rights.READ | Rights.SHARE })).reason, reason("RightNotInPolicy"));
      await setPolicy(c, { ...policy, purposes: purposeSet("TREAT", "CAREMGT") });
      for (const id of [POLICY, OTHER_POLICY]) {
        // The terms of version 1 after version 2, and terms under an id with no policy.
        await viem.assertions.revertWithCustomErrorWithArgs(
          c.consentManager.write.requestAccess([c.patientAddress, id, policy, Purpose.TREAT, Rights.READ, 0], { account: c.doctor.account }),
          c.consentManager,
          "ConsentUnknownPolicy",
          [c.patientAddress, id],
        );
      }
      assert.equal((await grantOf(c, c.doctor.account.address)).status, status("None"), "denials store nothing");
    });

    it("strangers cannot spam a patient's access log with denials: requests no current policy addresses revert and log nothing", async () => {
      const c = await networkHelpers.loadFixture(consentFixture);
      const policy = terms(await now(), { grantee: c.doctor.account.address });
      await setPolicy(c, policy);
      const stranger = getAddress(c.stranger.account.address);
      const from = await c.publicClient.getBlockNumber();
      // The policy's terms are public (PolicySet); a stranger replays them, and makes up others.
      for (const purpose of [Purpose.TREAT, Purpose.PATRQT, Purpose.HRESCH]) {
        await viem.assertions.revertWithCustomErrorWithArgs(
          c.consentManager.write.requestAccess([c.patientAddress, POLICY, policy, purpose, Rights.READ, 0], { account: c.stranger.account }),
          c.consentManager,
          "ConsentNotGrantee",
          [stranger, c.patientAddress, POLICY],
        );
      }
      const madeUp = terms(await now(), { grantee: stranger, purposeNames: ["PATRQT"] });
      await viem.assertions.revertWithCustomErrorWithArgs(
        c.consentManager.write.requestAccess([c.patientAddress, OTHER_POLICY, madeUp, Purpose.PATRQT, Rights.READ, 0], { account: c.stranger.account }),
        c.consentManager,
        "ConsentUnknownPolicy",
        [c.patientAddress, OTHER_POLICY],
      );
      // Another doctor holds a role, but the policy names someone else: no entry either.
      await viem.assertions.revertWithCustomErrorWithArgs(
        c.consentManager.write.requestAccess([c.patientAddress, POLICY, policy, Purpose.TREAT, Rights.READ, 0], { account: c.otherDoctor.account }),
        c.consentManager,
        "ConsentNotGrantee",
        [getAddress(c.otherDoctor.account.address), c.patientAddress, POLICY],
      );
      const logged = await c.publicClient.getContractEvents({
        address: c.consentManager.address,
        abi: c.consentManager.abi,
        eventName: "AccessRequested",
        args: { patient: c.patientAddress },
        fromBlock: from,
      });
      assert.deepEqual(logged, [], "the patient's log holds nothing from them");
      assert.equal((await grantOf(c, stranger)).status, status("None"));
      // The addressed grantee's own denials are still logged.
      assert.equal((await request(c, c.doctor, policy, Purpose.CAREMGT)).reason, reason("PurposeNotInPolicy"));
    });

    it("reverts malformed requests: an undefined purpose, no READ, an undefined right", async () => {
      const c = await networkHelpers.loadFixture(consentFixture);
      const policy = terms(await now(), { grantee: c.doctor.account.address });
      await setPolicy(c, policy);
      const send = (purpose: number, rights: number) =>
        c.consentManager.write.requestAccess([c.patientAddress, POLICY, policy, purpose, rights, 0], { account: c.doctor.account });
      await viem.assertions.revertWithCustomErrorWithArgs(send(8, Rights.READ), c.consentManager, "ConsentUnknownPurpose", [8]);
      await viem.assertions.revertWithCustomErrorWithArgs(send(Purpose.TREAT, Rights.SHARE), c.consentManager, "ConsentInvalidRequest", [Rights.SHARE]);
      await viem.assertions.revertWithCustomErrorWithArgs(send(Purpose.TREAT, 4 | Rights.READ), c.consentManager, "ConsentInvalidRequest", [5]);
    });

    it("grants a role policy to any holder through that role's purposes", async () => {
      const c = await networkHelpers.loadFixture(consentFixture);
      const policy = terms(await now(), { role: Role.RESEARCHER, purposeNames: ["HRESCH"], anonymizedOnly: true });
      await setPolicy(c, policy);
      const granted = await request(c, c.researcher, policy, Purpose.HRESCH);
      assert.equal(granted.outcome, outcome("Granted"));
      assert.equal((await grantOf(c, c.researcher.account.address, Purpose.HRESCH)).anonymized, true);
      await viem.assertions.revertWithCustomErrorWithArgs(
        c.consentManager.write.requestAccess([c.patientAddress, POLICY, policy, Purpose.HRESCH, Rights.READ, 0], { account: c.doctor.account }),
        c.consentManager,
        "ConsentNotGrantee",
        [getAddress(c.doctor.account.address), c.patientAddress, POLICY],
      );
      const doctors = terms(await now(), { role: Role.DOCTOR, purposeNames: ["TREAT", "HRESCH"] });
      await setPolicy(c, doctors, OTHER_POLICY);
      assert.equal((await request(c, c.doctor, doctors, Purpose.HRESCH, { id: OTHER_POLICY })).reason, reason("PurposeNotBound"));
      assert.equal((await request(c, c.doctor, doctors, Purpose.TREAT, { id: OTHER_POLICY })).outcome, outcome("Granted"));
    });

    it("grants PATRQT (patient requested) to anyone the patient names, without a consortium role", async () => {
      const c = await networkHelpers.loadFixture(consentFixture);
      const relative = c.stranger.account.address;
      const policy = terms(await now(), { grantee: relative, purposeNames: ["PATRQT", "TREAT"] });
      await setPolicy(c, policy);
      assert.equal((await request(c, c.stranger, policy, Purpose.PATRQT)).outcome, outcome("Granted"));
      assert.equal(await canAccess(c, relative, c.lab.id, Purpose.PATRQT), true);
      assert.equal((await request(c, c.stranger, policy, Purpose.TREAT)).reason, reason("PurposeNotBound"), "treatment needs a role");
    });

    it("stops a suspended hospital's doctor: requests are denied and existing grants stop working", async () => {
      const c = await networkHelpers.loadFixture(consentFixture);
      const policy = terms(await now(), { grantee: c.doctor.account.address });
      await setPolicy(c, policy);
      await request(c, c.doctor, policy);
      await c.consortium.write.suspendHospital([c.hospital.account.address]);
      assert.equal(await canAccess(c, c.doctor.account.address, c.lab.id), false);
      assert.equal((await request(c, c.doctor, policy)).reason, reason("PurposeNotBound"));
      await c.consortium.write.reinstateHospital([c.hospital.account.address]);
      assert.equal(await canAccess(c, c.doctor.account.address, c.lab.id), true, "the grant itself was not revoked");
    });

    it("lets grants expire by themselves", async () => {
      const c = await networkHelpers.loadFixture(consentFixture);
      const policy = terms(await now(), { grantee: c.doctor.account.address });
      await setPolicy(c, policy);
      const { expiresAt } = await request(c, c.doctor, policy, Purpose.TREAT, { duration: DAY });
      await time.setNextBlockTimestamp(expiresAt - 1);
      await networkHelpers.mine();
      assert.equal(await canAccess(c, c.doctor.account.address, c.lab.id), true);
      await time.setNextBlockTimestamp(expiresAt);
      await networkHelpers.mine();
      assert.equal(await canAccess(c, c.doctor.account.address, c.lab.id), false);
    });
  });

  describe("revocation", () => {
    it("lets the patient revoke at once; a new request needs a policy that still allows it", async () => {
      const c = await networkHelpers.loadFixture(consentFixture);
      const policy = terms(await now(), { grantee: c.doctor.account.address });
      await setPolicy(c, policy);
      await request(c, c.doctor, policy);
      await viem.assertions.emitWithArgs(
        c.consentManager.write.revoke([c.patientAddress, c.doctor.account.address, Purpose.TREAT], { account: c.patient.account }),
        c.consentManager,
        "AccessRevoked",
        [c.patientAddress, getAddress(c.doctor.account.address), Purpose.TREAT, c.patientAddress],
      );
      assert.equal((await grantOf(c, c.doctor.account.address)).status, status("Revoked"));
      assert.equal(await canAccess(c, c.doctor.account.address, c.lab.id), false);
      await viem.assertions.revertWithCustomErrorWithArgs(
        c.consentManager.write.revoke([c.patientAddress, c.doctor.account.address, Purpose.TREAT], { account: c.patient.account }),
        c.consentManager,
        "ConsentGrantNotFound",
        [c.patientAddress, getAddress(c.doctor.account.address), Purpose.TREAT],
      );
      await c.consentManager.write.revokePolicy([POLICY], { account: c.patient.account });
      await viem.assertions.revertWithCustomErrorWithArgs(
        c.consentManager.write.requestAccess([c.patientAddress, POLICY, policy, Purpose.TREAT, Rights.READ, 0], { account: c.doctor.account }),
        c.consentManager,
        "ConsentUnknownPolicy",
        [c.patientAddress, POLICY],
      );
      assert.equal(await canAccess(c, c.doctor.account.address, c.lab.id), false);
    });

    it("revoke holds against an auto-approve policy: the grantee's new request waits for the patient's approval", async () => {
      const c = await networkHelpers.loadFixture(consentFixture);
      const doctor = getAddress(c.doctor.account.address);
      const policy = terms(await now(), { grantee: doctor });
      await setPolicy(c, policy);
      await request(c, c.doctor, policy);
      await c.consentManager.write.revoke([c.patientAddress, doctor, Purpose.TREAT], { account: c.patient.account });
      // The attack: the revoked grantee simply asks again under the same auto-approving policy.
      const again = await request(c, c.doctor, policy);
      assert.equal(again.outcome, outcome("Pending"), "no longer granted at once");
      assert.equal(again.reason, reason("None"));
      assert.equal((await grantOf(c, doctor)).status, status("Pending"));
      assert.equal(await canAccess(c, doctor, c.lab.id), false);
      // A denial holds too.
      await c.consentManager.write.deny([doctor, Purpose.TREAT], { account: c.patient.account });
      assert.equal((await request(c, c.doctor, policy)).outcome, outcome("Pending"));
      // Once the patient approves, the policy auto-approves again.
      await viem.assertions.emitWithArgs(
        c.consentManager.write.approve([doctor, Purpose.TREAT], { account: c.patient.account }),
        c.consentManager,
        "AccessDecided",
        [c.patientAddress, doctor, Purpose.TREAT, true],
      );
      assert.equal(await canAccess(c, doctor, c.lab.id), true);
      assert.equal((await request(c, c.doctor, policy, Purpose.TREAT, { duration: DAY })).outcome, outcome("Granted"));
    });

    it("a grantee front-running the narrowing of a policy keeps the earlier terms only until the patient revokes (documented)", async () => {
      const c = await networkHelpers.loadFixture(consentFixture);
      const doctor = getAddress(c.doctor.account.address);
      const wide = terms(await now(), { grantee: doctor });
      await setPolicy(c, wide);
      // The grantee sees the narrowing in the mempool and requests under the wide terms first.
      await request(c, c.doctor, wide);
      const narrow = { ...wide, categories: 1 << Category.Lab };
      await setPolicy(c, narrow);
      // Documented: a grant made under an earlier version keeps its terms...
      assert.equal(await canAccess(c, doctor, c.visit.id), true, "the front-run grant outlives the narrowing");
      // ...until the patient revokes it after the change, as the web app does when a policy narrows.
      await c.consentManager.write.revoke([c.patientAddress, doctor, Purpose.TREAT], { account: c.patient.account });
      assert.equal(await canAccess(c, doctor, c.visit.id), false);
      await viem.assertions.revertWithCustomErrorWithArgs(
        c.consentManager.write.requestAccess([c.patientAddress, POLICY, wide, Purpose.TREAT, Rights.READ, 0], { account: c.doctor.account }),
        c.consentManager,
        "ConsentUnknownPolicy",
        [c.patientAddress, POLICY],
      );
      // Asking again under the narrowed terms waits for the patient, who sees the narrowed scope.
      assert.equal((await request(c, c.doctor, narrow)).outcome, outcome("Pending"));
      await c.consentManager.write.approve([doctor, Purpose.TREAT], { account: c.patient.account });
      assert.equal(await canAccess(c, doctor, c.lab.id), true);
      assert.equal(await canAccess(c, doctor, c.visit.id), false);
    });

    it("refuses revocation by anyone but the patient or the sharer", async () => {
      const c = await networkHelpers.loadFixture(consentFixture);
      const policy = terms(await now(), { grantee: c.doctor.account.address });
      await setPolicy(c, policy);
      await request(c, c.doctor, policy);
      for (const who of [c.doctor, c.hospital, c.stranger]) {
        await viem.assertions.revertWithCustomErrorWithArgs(
          c.consentManager.write.revoke([c.patientAddress, c.doctor.account.address, Purpose.TREAT], { account: who.account }),
          c.consentManager,
          "ConsentNotGrantor",
          [getAddress(who.account.address)],
        );
      }
    });
  });

  describe("share", () => {
    async function sharingFixture() {
      const c = await consentFixture();
      const policy = terms(await now(), { grantee: c.doctor.account.address, rights: Rights.READ | Rights.SHARE, categories: 1 << Category.Lab });
      await c.consentManager.write.setPolicy([POLICY, policy], { account: c.patient.account });
      await c.consentManager.write.requestAccess([c.patientAddress, POLICY, policy, Purpose.TREAT, Rights.READ | Rights.SHARE, 0], {
        account: c.doctor.account,
      });
      return { ...c, policy };
    }

    it("passes READ on within the sharer's scope and window, one level deep", async () => {
      const c = await networkHelpers.loadFixture(sharingFixture);
      await viem.assertions.emitWithArgs(
        c.consentManager.write.share([c.patientAddress, c.otherDoctor.account.address, Purpose.TREAT, 0], { account: c.doctor.account }),
        c.consentManager,
        "AccessShared",
        [c.patientAddress, getAddress(c.doctor.account.address), getAddress(c.otherDoctor.account.address), Purpose.TREAT, c.policy.validUntil],
      );
      const shared = await grantOf(c, c.otherDoctor.account.address);
      assert.equal(shared.sharedBy, getAddress(c.doctor.account.address));
      assert.equal(shared.rights, Rights.READ, "no SHARE for the recipient");
      assert.equal(shared.categories, 1 << Category.Lab);
      assert.equal(await canAccess(c, c.otherDoctor.account.address, c.lab.id), true);
      assert.equal(await canAccess(c, c.otherDoctor.account.address, c.visit.id), false, "outside the sharer's scope");
      await viem.assertions.revertWithCustomErrorWithArgs(
        c.consentManager.write.share([c.patientAddress, c.hospital.account.address, Purpose.TREAT, 0], { account: c.otherDoctor.account }),
        c.consentManager,
        "ConsentCannotShare",
        [getAddress(c.otherDoctor.account.address), getAddress(c.hospital.account.address), Purpose.TREAT],
      );
    });

    it("clamps the window to the sharer's, and ends with the sharer's grant", async () => {
      const c = await networkHelpers.loadFixture(sharingFixture);
      await c.consentManager.write.share([c.patientAddress, c.otherDoctor.account.address, Purpose.TREAT, c.policy.validUntil + DAY], {
        account: c.doctor.account,
      });
      assert.equal((await grantOf(c, c.otherDoctor.account.address)).expiresAt, c.policy.validUntil);
      await c.consentManager.write.revoke([c.patientAddress, c.doctor.account.address, Purpose.TREAT], { account: c.patient.account });
      assert.equal(await canAccess(c, c.otherDoctor.account.address, c.lab.id), false, "the parent grant ended");
    });

    it("a shared grant does not revive with its old scope when the sharer's grant is re-created", async () => {
      const c = await networkHelpers.loadFixture(consentFixture);
      const doctor = getAddress(c.doctor.account.address);
      const locum = getAddress(c.otherDoctor.account.address);
      const wide = terms(await now(), { grantee: doctor, rights: Rights.READ | Rights.SHARE });
      await setPolicy(c, wide);
      await request(c, c.doctor, wide, Purpose.TREAT, { rights: Rights.READ | Rights.SHARE });
      await c.consentManager.write.share([c.patientAddress, locum, Purpose.TREAT, 0], { account: c.doctor.account });
      assert.equal((await grantOf(c, doctor)).hasShared, true, "the parent records that it was shared");
      assert.equal(await canAccess(c, locum, c.visit.id), true);
      // The patient narrows the doctor's policy (Lab only, no SHARE) and revokes the doctor...
      const narrow = { ...wide, rights: Rights.READ, categories: 1 << Category.Lab, autoApprove: false };
      await setPolicy(c, narrow);
      await c.consentManager.write.revoke([c.patientAddress, doctor, Purpose.TREAT], { account: c.patient.account });
      // ...and later even approves the doctor's request under the narrowed policy.
      await request(c, c.doctor, narrow);
      await c.consentManager.write.approve([doctor, Purpose.TREAT], { account: c.patient.account });
      assert.equal(await canAccess(c, doctor, c.lab.id), true);
      assert.equal(await canAccess(c, doctor, c.visit.id), false);
      assert.equal((await grantOf(c, doctor)).hasShared, false, "a new grant starts unshared");
      // The locum's share came from the doctor's earlier grant: it died with it.
      assert.equal(await canAccess(c, locum, c.visit.id), false, "no old, wider scope");
      assert.equal(await canAccess(c, locum, c.lab.id), false);
      await viem.assertions.revertWithCustomErrorWithArgs(
        c.consentManager.write.deliverKeys(
          [c.patientAddress, locum, Purpose.TREAT, [{ recordId: c.visit.id, copyCid: "0x", envelope: seededBytes("env", ENVELOPE_BYTES.x25519) }]],
          { account: c.hospital.account },
        ),
        c.consentManager,
        "ConsentGrantNotFound",
        [c.patientAddress, locum, Purpose.TREAT],
      );
    });

    it("ends a grant's shares when the sharer replaces the grant, even under the same policy; a new share works", async () => {
      const c = await networkHelpers.loadFixture(sharingFixture);
      const locum = getAddress(c.otherDoctor.account.address);
      await c.consentManager.write.share([c.patientAddress, locum, Purpose.TREAT, 0], { account: c.doctor.account });
      await request(c, c.doctor, c.policy, Purpose.TREAT, { rights: Rights.READ | Rights.SHARE });
      assert.equal(await canAccess(c, locum, c.lab.id), false, "the replaced grant's share ended");
      await c.consentManager.write.share([c.patientAddress, locum, Purpose.TREAT, 0], { account: c.doctor.account });
      assert.equal(await canAccess(c, locum, c.lab.id), true, "a share of the new grant");
      await c.consentManager.write.share([c.patientAddress, locum, Purpose.TREAT, 0], { account: c.doctor.account });
      assert.equal(await canAccess(c, locum, c.lab.id), true, "sharing again keeps it");
    });

    it("lets the sharer revoke what it shared", async () => {
      const c = await networkHelpers.loadFixture(sharingFixture);
      await c.consentManager.write.share([c.patientAddress, c.otherDoctor.account.address, Purpose.TREAT, 0], { account: c.doctor.account });
      await viem.assertions.emitWithArgs(
        c.consentManager.write.revoke([c.patientAddress, c.otherDoctor.account.address, Purpose.TREAT], { account: c.doctor.account }),
        c.consentManager,
        "AccessRevoked",
        [c.patientAddress, getAddress(c.otherDoctor.account.address), Purpose.TREAT, getAddress(c.doctor.account.address)],
      );
      assert.equal(await canAccess(c, c.otherDoctor.account.address, c.lab.id), false);
    });

    it("refuses without SHARE, to the patient, to itself, to zero, to a purpose-less recipient, or in the past", async () => {
      const c = await networkHelpers.loadFixture(sharingFixture);
      const doctor = getAddress(c.doctor.account.address);
      const tryShare = (from: typeof c.doctor, to: Address, expiresAt = 0) =>
        c.consentManager.write.share([c.patientAddress, to, Purpose.TREAT, expiresAt], { account: from.account });
      for (const to of [c.patientAddress, doctor, zeroAddress, getAddress(c.stranger.account.address), getAddress(c.researcher.account.address)]) {
        await viem.assertions.revertWithCustomErrorWithArgs(tryShare(c.doctor, to), c.consentManager, "ConsentCannotShare", [doctor, to, Purpose.TREAT]);
      }
      const otherDoctor = getAddress(c.otherDoctor.account.address);
      await viem.assertions.revertWithCustomErrorWithArgs(
        tryShare(c.doctor, otherDoctor, (await now()) - 1),
        c.consentManager,
        "ConsentCannotShare",
        [doctor, otherDoctor, Purpose.TREAT],
      );
      // A READ-only grantee cannot share.
      const readOnly = terms(await now(), { grantee: otherDoctor });
      await setPolicy(c, readOnly, OTHER_POLICY);
      await request(c, c.otherDoctor, readOnly, Purpose.TREAT, { id: OTHER_POLICY });
      const hospital = getAddress(c.hospital.account.address);
      await viem.assertions.revertWithCustomErrorWithArgs(tryShare(c.otherDoctor, hospital), c.consentManager, "ConsentCannotShare", [otherDoctor, hospital, Purpose.TREAT]);
      // Nor can a share overwrite the recipient's own grant from the patient.
      await viem.assertions.revertWithCustomErrorWithArgs(tryShare(c.doctor, otherDoctor), c.consentManager, "ConsentCannotShare", [doctor, otherDoctor, Purpose.TREAT]);
    });
  });

  describe("scope", () => {
    it("scopes by category", async () => {
      const c = await networkHelpers.loadFixture(consentFixture);
      const policy = terms(await now(), { grantee: c.doctor.account.address, categories: (1 << Category.Lab) | (1 << Category.Imaging) });
      await setPolicy(c, policy);
      await request(c, c.doctor, policy);
      assert.equal(await canAccess(c, c.doctor.account.address, c.lab.id), true);
      assert.equal(await canAccess(c, c.doctor.account.address, c.imaging.id), true);
      assert.equal(await canAccess(c, c.doctor.account.address, c.visit.id), false);
    });

    it("scopes to one record by id", async () => {
      const c = await networkHelpers.loadFixture(consentFixture);
      const policy = terms(await now(), { grantee: c.doctor.account.address, categories: 0, recordId: c.visit.id });
      await setPolicy(c, policy);
      await request(c, c.doctor, policy);
      assert.equal(await c.consentManager.read.grantRecord([c.patientAddress, c.doctor.account.address, Purpose.TREAT]), c.visit.id);
      assert.equal(await canAccess(c, c.doctor.account.address, c.visit.id), true);
      assert.equal(await canAccess(c, c.doctor.account.address, c.lab.id), false);
      assert.equal(await c.consentManager.read.grantRecord([c.patientAddress, c.otherDoctor.account.address, Purpose.TREAT]), ZERO_BYTES32);
    });

    it("answers canAccess for the patient, unknown records and undefined purposes", async () => {
      const c = await networkHelpers.loadFixture(consentFixture);
      assert.equal(await canAccess(c, c.patientAddress, c.lab.id), true, "the patient always may");
      assert.equal(await canAccess(c, c.patientAddress, keccak256(toHex("unknown"))), false);
      assert.equal(await canAccess(c, c.patientAddress, c.lab.id, 8), false);
    });
  });

  describe("key delivery", () => {
    const envelope = (seed: string) => seededBytes(`envelope:${seed}`, ENVELOPE_BYTES.x25519);

    async function grantedFixture() {
      const c = await consentFixture();
      const policy = terms(await now(), { grantee: c.doctor.account.address, autoApprove: false });
      await c.consentManager.write.setPolicy([POLICY, policy], { account: c.patient.account });
      await c.consentManager.write.requestAccess([c.patientAddress, POLICY, policy, Purpose.TREAT, Rights.READ, 0], { account: c.doctor.account });
      return { ...c, policy };
    }
    const deliver = (c: Fixture, from: { account: unknown }, deliveries: Array<{ recordId: Hex; copyCid?: Hex; envelope: Hex }>, grantee?: Address) =>
      c.consentManager.write.deliverKeys(
        [c.patientAddress, grantee ?? c.doctor.account.address, Purpose.TREAT, deliveries.map((d) => ({ copyCid: "0x" as Hex, ...d }))],
        { account: from.account as never },
      );

    it("lets the record's hospital deliver as custodian only after the patient approved", async () => {
      const c = await networkHelpers.loadFixture(grantedFixture);
      const doctor = getAddress(c.doctor.account.address);
      await viem.assertions.revertWithCustomErrorWithArgs(
        deliver(c, c.hospital, [{ recordId: c.lab.id, envelope: envelope("lab") }]),
        c.consentManager,
        "ConsentGrantNotFound",
        [c.patientAddress, doctor, Purpose.TREAT],
      );
      await c.consentManager.write.approve([doctor, Purpose.TREAT], { account: c.patient.account });
      const hash = await deliver(c, c.hospital, [
        { recordId: c.lab.id, envelope: envelope("lab") },
        { recordId: c.visit.id, envelope: envelope("visit") },
      ]);
      const receipt = await c.publicClient.waitForTransactionReceipt({ hash });
      const events = parseEventLogs({ abi: c.consentManager.abi, logs: receipt.logs, eventName: "KeyDelivered" });
      assert.deepEqual(
        events.map((e) => e.args),
        [
          { patient: c.patientAddress, grantee: doctor, recordId: c.lab.id, purpose: Purpose.TREAT, deliverer: getAddress(c.hospital.account.address), copyCid: "0x", envelope: envelope("lab") },
          { patient: c.patientAddress, grantee: doctor, recordId: c.visit.id, purpose: Purpose.TREAT, deliverer: getAddress(c.hospital.account.address), copyCid: "0x", envelope: envelope("visit") },
        ],
      );
      // The imaging record is another hospital's: this one is not its custodian.
      await viem.assertions.revertWithCustomErrorWithArgs(
        deliver(c, c.hospital, [{ recordId: c.imaging.id, envelope: envelope("img") }]),
        c.consentManager,
        "ConsentNotKeyCustodian",
        [getAddress(c.hospital.account.address), c.imaging.id],
      );
      // Doctors, strangers and suspended hospitals are no custodians.
      for (const who of [c.doctor, c.stranger]) {
        await viem.assertions.revertWithCustomErrorWithArgs(
          deliver(c, who, [{ recordId: c.lab.id, envelope: envelope("lab") }]),
          c.consentManager,
          "ConsentNotKeyCustodian",
          [getAddress(who.account.address), c.lab.id],
        );
      }
      await c.consortium.write.suspendHospital([c.otherHospital.account.address]);
      await viem.assertions.revertWithCustomErrorWithArgs(
        deliver(c, c.otherHospital, [{ recordId: c.imaging.id, envelope: envelope("img") }]),
        c.consentManager,
        "ConsentNotKeyCustodian",
        [getAddress(c.otherHospital.account.address), c.imaging.id],
      );
    });

    it("lets the patient deliver any record in scope, and checks each delivery", async () => {
      const c = await networkHelpers.loadFixture(grantedFixture);
      await c.consentManager.write.approve([c.doctor.account.address, Purpose.TREAT], { account: c.patient.account });
      await viem.assertions.emitWithArgs(
        deliver(c, c.patient, [{ recordId: c.imaging.id, envelope: envelope("img") }]),
        c.consentManager,
        "KeyDelivered",
        [c.patientAddress, getAddress(c.doctor.account.address), c.imaging.id, Purpose.TREAT, c.patientAddress, "0x", envelope("img")],
      );
      const copy = binaryCid(newRecord(c.patientAddress, "copy"));
      const cases: Array<[Array<{ recordId: Hex; copyCid?: Hex; envelope: Hex }>, string, unknown[]]> = [
        [[], "ConsentInvalidBatchSize", [0n, 100n]],
        [Array.from({ length: 101 }, () => ({ recordId: c.lab.id, envelope: envelope("x") })), "ConsentInvalidBatchSize", [101n, 100n]],
        [[{ recordId: c.othersLab.id, envelope: envelope("x") }], "ConsentNotPatientsRecord", [c.othersLab.id, c.patientAddress]],
        [[{ recordId: c.lab.id, copyCid: copy, envelope: envelope("x") }], "ConsentCopyRule", [c.lab.id, false]],
        [[{ recordId: c.lab.id, envelope: "0x" }], "ConsentInvalidEnvelope", [0n, 2048n]],
        [[{ recordId: c.lab.id, envelope: seededBytes("big", 2049) }], "ConsentInvalidEnvelope", [2049n, 2048n]],
      ];
      for (const [deliveries, error, args] of cases) {
        await viem.assertions.revertWithCustomErrorWithArgs(deliver(c, c.patient, deliveries), c.consentManager, error as never, args as never);
      }
      await viem.assertions.revertWithCustomErrorWithArgs(
        deliver(c, c.patient, [{ recordId: c.lab.id, envelope: envelope("x") }], c.otherDoctor.account.address),
        c.consentManager,
        "ConsentGrantNotFound",
        [c.patientAddress, getAddress(c.otherDoctor.account.address), Purpose.TREAT],
      );
    });

    it("delivers only de-identified copies for anonymized grants, never by the custodian, and only in scope", async () => {
      const c = await networkHelpers.loadFixture(consentFixture);
      const policy = terms(await now(), { role: Role.RESEARCHER, purposeNames: ["HRESCH"], anonymizedOnly: true, categories: 1 << Category.Lab });
      await setPolicy(c, policy);
      await request(c, c.researcher, policy, Purpose.HRESCH);
      const researcher = getAddress(c.researcher.account.address);
      const send = (from: { account: unknown }, recordId: Hex, copyCid: Hex) =>
        c.consentManager.write.deliverKeys([c.patientAddress, researcher, Purpose.HRESCH, [{ recordId, copyCid, envelope: envelope("a") }]], {
          account: from.account as never,
        });
      const copy = binaryCid(newRecord(c.patientAddress, "deidentified-lab"));
      await viem.assertions.emitWithArgs(send(c.patient, c.lab.id, copy), c.consentManager, "KeyDelivered", [
        c.patientAddress,
        researcher,
        c.lab.id,
        Purpose.HRESCH,
        c.patientAddress,
        copy,
        envelope("a"),
      ]);
      await viem.assertions.revertWithCustomErrorWithArgs(send(c.patient, c.lab.id, "0x"), c.consentManager, "ConsentCopyRule", [c.lab.id, true]);
      for (const malformed of [`0x02${copy.slice(4)}`, `0x0171${copy.slice(6)}`, `0x015513${copy.slice(8)}`, `0x01551221${copy.slice(10)}`, copy.slice(0, -2)] as Hex[]) {
        await viem.assertions.revertWithCustomErrorWithArgs(send(c.patient, c.lab.id, malformed), c.consentManager, "ConsentCopyRule", [c.lab.id, true]);
      }
      await viem.assertions.revertWithCustomErrorWithArgs(send(c.patient, c.visit.id, copy), c.consentManager, "ConsentOutOfScope", [c.visit.id]);
      await viem.assertions.revertWithCustomErrorWithArgs(send(c.hospital, c.lab.id, copy), c.consentManager, "ConsentNotKeyCustodian", [
        getAddress(c.hospital.account.address),
        c.lab.id,
      ]);
    });
  });

  describe("privacy", () => {
    it("logs only addresses, ids, codes, times and opaque envelopes", async () => {
      const c = await networkHelpers.loadFixture(consentFixture);
      const policy = terms(await now(), { grantee: c.doctor.account.address });
      await setPolicy(c, policy);
      const event = await request(c, c.doctor, policy);
      assert.deepEqual(Object.keys(event).sort(), ["expiresAt", "outcome", "patient", "policyId", "purpose", "reason", "requester", "rights"]);
      const abiEvents = c.consentManager.abi.filter((item) => item.type === "event");
      const types = new Set<string>(abiEvents.flatMap((e) => ("inputs" in e ? e.inputs.flatMap((i) => ("components" in i ? i.components.map((x) => x.type) : [i.type])) : [])));
      assert.deepEqual([...types].filter((t) => t === "string"), [], "no free text in any event");
    });
  });
});
