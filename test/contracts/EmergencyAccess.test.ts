import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { network } from "hardhat";
import { getAddress, hashTypedData, keccak256, parseEventLogs, type Address, type Hex } from "viem";
import { EMERGENCY_APPROVAL_TYPES, EMERGENCY_STATUS, emergencyDomain, Justification } from "@caduceus/sdk/chain/emergency";
import { Purpose, purposeSet, Role } from "@caduceus/sdk/chain/roles";
import { DAY } from "../helpers/consent.js";
import { deployCaduceus } from "../helpers/deploy.js";
import { binaryCid, Category, newRecord, seededBytes, withId } from "../helpers/records.js";

const connection = await network.create();
const { viem, networkHelpers } = connection;
const { time } = networkHelpers;

const HOUR = 3_600;
/** The Ignition module's local defaults. */
const LIMITS = { maxGrantDuration: 24 * HOUR, approvalWindow: 2 * HOUR, cooldown: 600 };
const status = (name: (typeof EMERGENCY_STATUS)[number]) => EMERGENCY_STATUS.indexOf(name);
const SHARES_CID = binaryCid({ cidCodec: 0x55, cidDigest: keccak256("0x5a") });
const NOTE_CID = binaryCid({ cidCodec: 0x55, cidDigest: keccak256("0x6e") });
/** An HPKE share envelope's size (X25519 suite, 33-byte Shamir share). */
const share = (seed: string): Hex => seededBytes(`share:${seed}`, 86);

/** The cast of deployCaduceus, three emergency contacts and two records of the patient. */
async function emergencyFixture() {
  const c = await deployCaduceus(connection);
  const wallets = await viem.getWalletClients();
  const [alice, bob, carol, dave] = wallets.slice(11, 15);
  const patient = getAddress(c.patient.account.address);
  const lab = newRecord(patient, "lab-1", { category: Category.Lab });
  const othersLab = newRecord(c.otherPatient.account.address, "other-lab", { category: Category.Lab });
  await c.recordRegistry.write.registerBatch([[lab, othersLab]], { account: c.hospital.account });
  const contacts = [alice, bob, carol].map((w) => getAddress(w.account.address));
  await c.emergencyAccess.write.proposeContacts([contacts, 2, SHARES_CID], { account: c.patient.account });
  return {
    ...c,
    alice,
    bob,
    carol,
    dave,
    patientAddress: patient,
    contacts,
    lab: withId(c.hospital.account.address, lab),
    othersLab: withId(c.hospital.account.address, othersLab),
    doctorAddress: getAddress(c.doctor.account.address),
  };
}
type Fixture = Awaited<ReturnType<typeof emergencyFixture>>;
type Wallet = Fixture["alice"];

async function openRequest(c: Fixture, doctor: Wallet = c.doctor, duration = 4 * HOUR) {
  await c.emergencyAccess.write.request([c.patientAddress, Justification.UNCONSCIOUS, NOTE_CID, duration], { account: doctor.account });
}

async function requestState(c: Fixture, doctor: Address = c.doctorAddress) {
  const [req, current] = await c.emergencyAccess.read.requestOf([c.patientAddress, doctor]);
  return { ...req, current };
}

describe("EmergencyAccess", () => {
  describe("contacts", () => {
    it("stores the contacts, threshold and shares object, in force at once without a security delay", async () => {
      const c = await networkHelpers.loadFixture(emergencyFixture);
      const [config, contacts, sharesCid] = await c.emergencyAccess.read.contactsOf([c.patientAddress]);
      assert.deepEqual(config, { version: 1, threshold: 2, count: 3, activatesAt: Number(await time.latest()) });
      assert.deepEqual(contacts, c.contacts);
      assert.equal(sharesCid, SHARES_CID);
      const [pending] = await c.emergencyAccess.read.pendingContactsOf([c.patientAddress]);
      assert.equal(pending.version, 0);
      const contacts2 = [c.contacts[0], getAddress(c.dave.account.address)];
      await viem.assertions.emitWithArgs(
        c.emergencyAccess.write.proposeContacts([contacts2, 2, SHARES_CID], { account: c.patient.account }),
        c.emergencyAccess,
        "ContactsProposed",
        [c.patientAddress, 2, contacts2, 2, SHARES_CID, (await time.latest()) + 1],
      );
      const [config2, listed] = await c.emergencyAccess.read.contactsOf([c.patientAddress]);
      assert.equal(config2.version, 2);
      assert.deepEqual(listed, contacts2);
      // Older versions stay readable: requests opened under them still count them.
      const [old, oldContacts] = await c.emergencyAccess.read.configAt([c.patientAddress, 1]);
      assert.equal(old.threshold, 2);
      assert.deepEqual(oldContacts, c.contacts);
      await viem.assertions.revertWithCustomErrorWithArgs(
        c.emergencyAccess.read.configAt([c.patientAddress, 3]),
        c.emergencyAccess,
        "EmergencyUnknownConfig",
        [c.patientAddress, 3],
      );
    });

    it("bounds the number of contacts and the threshold: 2 ≤ t ≤ n ≤ 10", async () => {
      const c = await networkHelpers.loadFixture(emergencyFixture);
      const eleven = (await viem.getWalletClients()).slice(0, 11).map((w) => w.account.address).filter((a) => a !== c.patient.account.address);
      const cases: Array<[Address[], number]> = [
        [c.contacts.slice(0, 1), 1],
        [c.contacts.slice(0, 1), 2],
        [c.contacts, 1],
        [c.contacts, 4],
        [c.contacts, 0],
        [[...eleven, c.contacts[0]].slice(0, 11), 2],
      ];
      for (const [contacts, threshold] of cases) {
        await viem.assertions.revertWithCustomErrorWithArgs(
          c.emergencyAccess.write.proposeContacts([contacts, threshold, SHARES_CID], { account: c.patient.account }),
          c.emergencyAccess,
          "EmergencyInvalidContacts",
          [BigInt(contacts.length), threshold],
        );
      }
      // The bounds themselves are accepted: t = n = 2 and n = 10.
      await c.emergencyAccess.write.proposeContacts([c.contacts.slice(0, 2), 2, SHARES_CID], { account: c.patient.account });
      await c.emergencyAccess.write.proposeContacts([eleven.slice(0, 10), 10, SHARES_CID], { account: c.patient.account });
      assert.equal((await c.emergencyAccess.read.contactsOf([c.patientAddress]))[0].count, 10);
    });

    it("refuses the zero address, the patient, duplicates and a malformed shares CID", async () => {
      const c = await networkHelpers.loadFixture(emergencyFixture);
      const zero: Address = "0x0000000000000000000000000000000000000000";
      for (const bad of [zero, c.patientAddress]) {
        await viem.assertions.revertWithCustomErrorWithArgs(
          c.emergencyAccess.write.proposeContacts([[c.contacts[0], bad], 2, SHARES_CID], { account: c.patient.account }),
          c.emergencyAccess,
          "EmergencyInvalidContact",
          [getAddress(bad)],
        );
      }
      await viem.assertions.revertWithCustomErrorWithArgs(
        c.emergencyAccess.write.proposeContacts([[c.contacts[0], c.contacts[1], c.contacts[0]], 2, SHARES_CID], { account: c.patient.account }),
        c.emergencyAccess,
        "EmergencyInvalidContact",
        [c.contacts[0]],
      );
      for (const cid of ["0x", `0x0155${"00".repeat(34)}`, `0x01711220${"00".repeat(32)}`] as Hex[]) {
        await viem.assertions.revertWithCustomError(
          c.emergencyAccess.write.proposeContacts([c.contacts, 2, cid], { account: c.patient.account }),
          c.emergencyAccess,
          "EmergencyInvalidSharesCid",
        );
      }
    });

    it("with a security delay: a change counts only after the delay, and the patient can cancel it until then", async () => {
      const c = await networkHelpers.loadFixture(emergencyFixture);
      const delayed = await viem.deployContract("EmergencyAccess", [c.consortium.address, c.recordRegistry.address, DAY, LIMITS]);
      const as = { account: c.patient.account };
      await viem.assertions.revertWithCustomErrorWithArgs(delayed.write.cancelContactsChange(as), delayed, "EmergencyNoPendingChange", [c.patientAddress]);
      await delayed.write.proposeContacts([c.contacts, 2, SHARES_CID], as);
      const proposedAt = await time.latest();
      // Not in force yet: no contacts, so no request.
      assert.equal((await delayed.read.contactsOf([c.patientAddress]))[0].version, 0);
      assert.equal((await delayed.read.pendingContactsOf([c.patientAddress]))[0].activatesAt, proposedAt + DAY);
      await viem.assertions.revertWithCustomErrorWithArgs(
        delayed.write.request([c.patientAddress, Justification.UNCONSCIOUS, "0x", HOUR], { account: c.doctor.account }),
        delayed,
        "EmergencyNoContacts",
        [c.patientAddress],
      );
      await time.increaseTo(proposedAt + DAY);
      assert.equal((await delayed.read.contactsOf([c.patientAddress]))[0].version, 1);
      await viem.assertions.revertWithCustomErrorWithArgs(delayed.write.cancelContactsChange(as), delayed, "EmergencyNoPendingChange", [c.patientAddress]);

      // A second change waits while the first stays in force; cancelling it keeps the first.
      const daveFirst = [getAddress(c.dave.account.address), c.contacts[1]];
      await delayed.write.proposeContacts([daveFirst, 2, SHARES_CID], as);
      assert.deepEqual((await delayed.read.contactsOf([c.patientAddress]))[1], c.contacts);
      assert.deepEqual((await delayed.read.pendingContactsOf([c.patientAddress]))[1], daveFirst);
      await viem.assertions.emitWithArgs(delayed.write.cancelContactsChange(as), delayed, "ContactsChangeCancelled", [c.patientAddress, 2]);
      await time.increase(2 * DAY);
      assert.equal((await delayed.read.contactsOf([c.patientAddress]))[0].version, 1);
      // Versions never repeat, even after a cancellation.
      await delayed.write.proposeContacts([daveFirst, 2, SHARES_CID], as);
      assert.equal((await delayed.read.pendingContactsOf([c.patientAddress]))[0].version, 3);
    });
  });

  describe("requests", () => {
    it("opens a request for a doctor of an active hospital and logs it", async () => {
      const c = await networkHelpers.loadFixture(emergencyFixture);
      const t = (await time.latest()) + 1;
      await viem.assertions.emitWithArgs(
        c.emergencyAccess.write.request([c.patientAddress, Justification.INCAPACITATED, NOTE_CID, 4 * HOUR], { account: c.doctor.account }),
        c.emergencyAccess,
        "EmergencyRequested",
        [c.patientAddress, c.doctorAddress, 1, 1, Justification.INCAPACITATED, NOTE_CID, 4 * HOUR, t + LIMITS.approvalWindow],
      );
      const req = await requestState(c);
      assert.deepEqual(req, {
        round: 1,
        configVersion: 1,
        approveBy: t + LIMITS.approvalWindow,
        threshold: 2,
        eligible: 3,
        approvals: 0,
        rejections: 0,
        votes: 0,
        status: status("Open"),
        durationOrExpiry: 4 * HOUR,
        current: status("Open"),
      });
      assert.equal(await c.emergencyAccess.read.hasEmergencyAccess([c.patientAddress, c.doctorAddress]), false);
    });

    it("refuses anyone but a doctor of an active hospital with ETREAT bound to doctors", async () => {
      const c = await networkHelpers.loadFixture(emergencyFixture);
      const ask = (who: Wallet) =>
        c.emergencyAccess.write.request([c.patientAddress, Justification.UNCONSCIOUS, "0x", HOUR], { account: who.account });
      for (const who of [c.stranger, c.hospital, c.auditor, c.alice]) {
        await viem.assertions.revertWithCustomErrorWithArgs(ask(who), c.emergencyAccess, "EmergencyNotDoctor", [getAddress(who.account.address)]);
      }
      await c.consortium.write.setRolePurposes([Role.DOCTOR, purposeSet("TREAT")]);
      await viem.assertions.revertWithCustomErrorWithArgs(ask(c.doctor), c.emergencyAccess, "EmergencyNotDoctor", [c.doctorAddress]);
      await c.consortium.write.setRolePurposes([Role.DOCTOR, purposeSet("TREAT", "ETREAT")]);
      await c.consortium.write.suspendHospital([c.hospital.account.address]);
      await viem.assertions.revertWithCustomErrorWithArgs(ask(c.doctor), c.emergencyAccess, "EmergencyNotDoctor", [c.doctorAddress]);
      await c.consortium.write.reinstateHospital([c.hospital.account.address]);
      await ask(c.doctor);
    });

    it("checks the patient, justification, note, duration and contacts", async () => {
      const c = await networkHelpers.loadFixture(emergencyFixture);
      const ask = (patient: Address, justification: number, note: Hex, duration: number) =>
        c.emergencyAccess.write.request([patient, justification, note, duration], { account: c.doctor.account });
      await viem.assertions.revertWithCustomErrorWithArgs(ask(c.doctorAddress, 1, "0x", HOUR), c.emergencyAccess, "EmergencySelfRequest", [c.doctorAddress]);
      for (const code of [0, 5]) {
        await viem.assertions.revertWithCustomErrorWithArgs(ask(c.patientAddress, code, "0x", HOUR), c.emergencyAccess, "EmergencyUnknownJustification", [code]);
      }
      await viem.assertions.revertWithCustomError(ask(c.patientAddress, 1, "0x1234", HOUR), c.emergencyAccess, "EmergencyInvalidNote");
      for (const duration of [0, LIMITS.maxGrantDuration + 1]) {
        await viem.assertions.revertWithCustomErrorWithArgs(
          ask(c.patientAddress, 1, "0x", duration),
          c.emergencyAccess,
          "EmergencyInvalidDuration",
          [duration, LIMITS.maxGrantDuration],
        );
      }
      await viem.assertions.revertWithCustomErrorWithArgs(
        ask(getAddress(c.otherPatient.account.address), 1, "0x", HOUR),
        c.emergencyAccess,
        "EmergencyNoContacts",
        [getAddress(c.otherPatient.account.address)],
      );
      // The maximum duration and an empty note are accepted.
      await ask(c.patientAddress, Justification.OTHER, "0x", LIMITS.maxGrantDuration);
    });

    it("enforces one request at a time per doctor and patient", async () => {
      const c = await networkHelpers.loadFixture(emergencyFixture);
      await openRequest(c);
      await time.increase(LIMITS.cooldown);
      await viem.assertions.revertWithCustomErrorWithArgs(openRequest(c), c.emergencyAccess, "EmergencyRequestInProgress", [c.patientAddress, c.doctorAddress]);
      await c.emergencyAccess.write.approve([c.patientAddress, c.doctorAddress, share("a")], { account: c.alice.account });
      await c.emergencyAccess.write.approve([c.patientAddress, c.doctorAddress, share("b")], { account: c.bob.account });
      // A grant in force blocks a new request too.
      await viem.assertions.revertWithCustomErrorWithArgs(openRequest(c), c.emergencyAccess, "EmergencyRequestInProgress", [c.patientAddress, c.doctorAddress]);
      await time.increase(4 * HOUR);
      await openRequest(c);
      assert.equal((await requestState(c)).round, 2);
    });

    it("mass casualty: an ER doctor requests two different patients back to back", async () => {
      const c = await networkHelpers.loadFixture(emergencyFixture);
      const other = getAddress(c.otherPatient.account.address);
      await c.emergencyAccess.write.proposeContacts([c.contacts, 2, SHARES_CID], { account: c.otherPatient.account });
      await openRequest(c);
      // The cooldown is per (patient, hospital): the same doctor is not held back for another patient.
      const t = (await time.latest()) + 1;
      await time.setNextBlockTimestamp(t);
      await viem.assertions.emitWithArgs(
        c.emergencyAccess.write.request([other, Justification.UNCONSCIOUS, "0x", HOUR], { account: c.doctor.account }),
        c.emergencyAccess,
        "EmergencyRequested",
        [other, c.doctorAddress, 1, 1, Justification.UNCONSCIOUS, "0x", HOUR, t + LIMITS.approvalWindow],
      );
      const [mine, current] = await c.emergencyAccess.read.requestOf([other, c.doctorAddress]);
      assert.equal(current, status("Open"));
      assert.equal(mine.round, 1);
      assert.equal((await requestState(c)).current, status("Open"));
    });

    it("a second doctor of the same hospital cannot bypass the cooldown for the same patient", async () => {
      const c = await networkHelpers.loadFixture(emergencyFixture);
      await openRequest(c);
      const openedAt = await time.latest();
      const hospital = getAddress(c.hospital.account.address);
      const otherDoctor = getAddress(c.otherDoctor.account.address);
      // A doctor of another hospital is not held back by it.
      await c.consortium.write.proposeStaff([c.dave.account.address], { account: c.otherHospital.account });
      await c.consortium.write.acceptStaff([c.otherHospital.account.address], { account: c.dave.account });
      await openRequest(c, c.dave);
      assert.equal((await requestState(c, getAddress(c.dave.account.address))).current, status("Open"));
      // otherDoctor works for the same hospital: another staff account does not reset the patient's cooldown.
      await time.setNextBlockTimestamp(openedAt + LIMITS.cooldown - 1);
      await viem.assertions.revertWithCustomErrorWithArgs(openRequest(c, c.otherDoctor), c.emergencyAccess, "EmergencyCooldown", [
        c.patientAddress,
        hospital,
        openedAt + LIMITS.cooldown,
      ]);
      assert.equal((await requestState(c, otherDoctor)).round, 0);
      // Once the cooldown is over, the colleague may ask.
      await time.setNextBlockTimestamp(openedAt + LIMITS.cooldown);
      await openRequest(c, c.otherDoctor);
      assert.equal((await requestState(c, otherDoctor)).current, status("Open"));
    });

    it("refuses a doctor-contact's request when the other contacts cannot reach the threshold", async () => {
      const c = await networkHelpers.loadFixture(emergencyFixture);
      await c.emergencyAccess.write.proposeContacts([[c.doctorAddress, c.contacts[0]], 2, SHARES_CID], { account: c.patient.account });
      await viem.assertions.revertWithCustomErrorWithArgs(openRequest(c), c.emergencyAccess, "EmergencyThresholdUnreachable", [1, 2]);
    });
  });

  describe("votes", () => {
    it("opens an ETREAT grant at the threshold, which ends by itself at its expiry", async () => {
      const c = await networkHelpers.loadFixture(emergencyFixture);
      await openRequest(c, c.doctor, 4 * HOUR);
      await viem.assertions.emitWithArgs(
        c.emergencyAccess.write.approve([c.patientAddress, c.doctorAddress, share("a")], { account: c.alice.account }),
        c.emergencyAccess,
        "EmergencyApproved",
        [c.patientAddress, c.doctorAddress, c.contacts[0], 1, share("a")],
      );
      assert.equal(await c.consentManager.read.canAccess([c.doctorAddress, c.lab.id, Purpose.ETREAT]), false);
      const grantedAt = (await time.latest()) + 1;
      await viem.assertions.emitWithArgs(
        c.emergencyAccess.write.approve([c.patientAddress, c.doctorAddress, share("c")], { account: c.carol.account }),
        c.emergencyAccess,
        "EmergencyGranted",
        [c.patientAddress, c.doctorAddress, 1, grantedAt + 4 * HOUR],
      );
      const req = await requestState(c);
      assert.equal(req.current, status("Granted"));
      assert.equal(req.approvals, 2);
      assert.equal(req.votes, 0b101);
      assert.equal(req.durationOrExpiry, grantedAt + 4 * HOUR);
      assert.equal(await c.emergencyAccess.read.hasEmergencyAccess([c.patientAddress, c.doctorAddress]), true);
      assert.equal(await c.consentManager.read.canAccess([c.doctorAddress, c.lab.id, Purpose.ETREAT]), true);
      // Only ETREAT, only this patient's records, only this doctor.
      assert.equal(await c.consentManager.read.canAccess([c.doctorAddress, c.lab.id, Purpose.TREAT]), false);
      assert.equal(await c.consentManager.read.canAccess([c.doctorAddress, c.othersLab.id, Purpose.ETREAT]), false);
      assert.equal(await c.consentManager.read.canAccess([c.otherDoctor.account.address, c.lab.id, Purpose.ETREAT]), false);
      // A granted request takes no rejection (approvals still land: see the veto test below).
      await viem.assertions.revertWithCustomErrorWithArgs(
        c.emergencyAccess.write.reject([c.patientAddress, c.doctorAddress], { account: c.bob.account }),
        c.emergencyAccess,
        "EmergencyNotOpen",
        [c.patientAddress, c.doctorAddress],
      );
      await time.setNextBlockTimestamp(grantedAt + 4 * HOUR - 1);
      await networkHelpers.mine();
      assert.equal(await c.consentManager.read.canAccess([c.doctorAddress, c.lab.id, Purpose.ETREAT]), true);
      await networkHelpers.mine();
      assert.equal(await c.consentManager.read.canAccess([c.doctorAddress, c.lab.id, Purpose.ETREAT]), false);
      assert.equal((await requestState(c)).current, status("Expired"));
    });

    it("one contact cannot veto decryption with a corrupted share: the third contact's approval after the grant is accepted and its share published", async () => {
      const c = await networkHelpers.loadFixture(emergencyFixture);
      await openRequest(c, c.doctor, 4 * HOUR);
      const { approveBy } = await requestState(c);
      // Alice (malicious) posts a corrupted share, Bob an honest one: the grant opens, but the doctor
      // cannot rebuild the key from these two.
      await c.emergencyAccess.write.approve([c.patientAddress, c.doctorAddress, share("corrupted")], { account: c.alice.account });
      await c.emergencyAccess.write.approve([c.patientAddress, c.doctorAddress, share("b")], { account: c.bob.account });
      const granted = await requestState(c);
      assert.equal(granted.current, status("Granted"));
      // Carol answers after the approval window but while the grant is in force: her share lands.
      await time.setNextBlockTimestamp(approveBy + 1);
      const hash = await c.emergencyAccess.write.approve([c.patientAddress, c.doctorAddress, share("c")], { account: c.carol.account });
      const receipt = await c.publicClient.waitForTransactionReceipt({ hash });
      const logs = parseEventLogs({ abi: c.emergencyAccess.abi, logs: receipt.logs });
      assert.equal(logs.length, 1, "one event: the approval, no second grant");
      assert.equal(logs[0]!.eventName, "EmergencyApproved");
      assert.deepEqual(logs[0]!.args, { patient: c.patientAddress, doctor: c.doctorAddress, contact: c.contacts[2], round: 1, share: share("c") });
      const after = await requestState(c);
      assert.equal(after.approvals, 3);
      assert.equal(after.votes, 0b111);
      assert.equal(after.current, status("Granted"));
      assert.equal(after.durationOrExpiry, granted.durationOrExpiry, "the grant's expiry does not move");
      // Still one vote per contact.
      await viem.assertions.revertWithCustomErrorWithArgs(
        c.emergencyAccess.write.approve([c.patientAddress, c.doctorAddress, share("c")], { account: c.carol.account }),
        c.emergencyAccess,
        "EmergencyAlreadyVoted",
        [c.contacts[2]],
      );
    });

    it("takes late approvals only while the grant is in force, and none after it is closed", async () => {
      const c = await networkHelpers.loadFixture(emergencyFixture);
      await openRequest(c, c.doctor, HOUR);
      await c.emergencyAccess.write.approve([c.patientAddress, c.doctorAddress, share("a")], { account: c.alice.account });
      await c.emergencyAccess.write.approve([c.patientAddress, c.doctorAddress, share("b")], { account: c.bob.account });
      const { durationOrExpiry: expiresAt } = await requestState(c);
      await time.setNextBlockTimestamp(expiresAt);
      await viem.assertions.revertWithCustomErrorWithArgs(
        c.emergencyAccess.write.approve([c.patientAddress, c.doctorAddress, share("c")], { account: c.carol.account }),
        c.emergencyAccess,
        "EmergencyRequestExpired",
        [c.patientAddress, c.doctorAddress, expiresAt],
      );
      // A grant ended early by the patient takes no more approvals either.
      await time.increaseTo(expiresAt + LIMITS.cooldown);
      await openRequest(c);
      await c.emergencyAccess.write.approve([c.patientAddress, c.doctorAddress, share("a")], { account: c.alice.account });
      await c.emergencyAccess.write.approve([c.patientAddress, c.doctorAddress, share("b")], { account: c.bob.account });
      await c.emergencyAccess.write.close([c.patientAddress, c.doctorAddress], { account: c.patient.account });
      await viem.assertions.revertWithCustomErrorWithArgs(
        c.emergencyAccess.write.approve([c.patientAddress, c.doctorAddress, share("c")], { account: c.carol.account }),
        c.emergencyAccess,
        "EmergencyNotOpen",
        [c.patientAddress, c.doctorAddress],
      );
      assert.equal((await requestState(c)).approvals, 2);
    });

    it("accepts votes until the approval deadline, not at it", async () => {
      const c = await networkHelpers.loadFixture(emergencyFixture);
      await openRequest(c);
      const { approveBy } = await requestState(c);
      await time.setNextBlockTimestamp(approveBy - 1);
      await c.emergencyAccess.write.approve([c.patientAddress, c.doctorAddress, share("a")], { account: c.alice.account });
      await time.setNextBlockTimestamp(approveBy);
      await viem.assertions.revertWithCustomErrorWithArgs(
        c.emergencyAccess.write.approve([c.patientAddress, c.doctorAddress, share("b")], { account: c.bob.account }),
        c.emergencyAccess,
        "EmergencyRequestExpired",
        [c.patientAddress, c.doctorAddress, approveBy],
      );
      await viem.assertions.revertWithCustomErrorWithArgs(
        c.emergencyAccess.write.reject([c.patientAddress, c.doctorAddress], { account: c.bob.account }),
        c.emergencyAccess,
        "EmergencyRequestExpired",
        [c.patientAddress, c.doctorAddress, approveBy],
      );
      await networkHelpers.mine();
      assert.equal((await requestState(c)).current, status("Expired"));
      // An expired request no longer blocks a new one.
      await openRequest(c);
      assert.equal((await requestState(c)).round, 2);
    });

    it("lets each contact vote once, refuses strangers and malformed shares", async () => {
      const c = await networkHelpers.loadFixture(emergencyFixture);
      const approve = (who: Wallet, s: Hex = share("x")) =>
        c.emergencyAccess.write.approve([c.patientAddress, c.doctorAddress, s], { account: who.account });
      await viem.assertions.revertWithCustomErrorWithArgs(approve(c.alice), c.emergencyAccess, "EmergencyNotOpen", [c.patientAddress, c.doctorAddress]);
      await openRequest(c);
      for (const who of [c.stranger, c.patient, c.dave]) {
        await viem.assertions.revertWithCustomErrorWithArgs(approve(who), c.emergencyAccess, "EmergencyNotContact", [getAddress(who.account.address)]);
      }
      for (const s of ["0x", seededBytes("long", 2049)] as Hex[]) {
        await viem.assertions.revertWithCustomErrorWithArgs(approve(c.alice, s), c.emergencyAccess, "EmergencyInvalidShare", [BigInt((s.length - 2) / 2)]);
      }
      await approve(c.alice);
      await viem.assertions.revertWithCustomErrorWithArgs(approve(c.alice), c.emergencyAccess, "EmergencyAlreadyVoted", [c.contacts[0]]);
      await viem.assertions.revertWithCustomErrorWithArgs(
        c.emergencyAccess.write.reject([c.patientAddress, c.doctorAddress], { account: c.alice.account }),
        c.emergencyAccess,
        "EmergencyAlreadyVoted",
        [c.contacts[0]],
      );
    });

    it("does not let a doctor who is a contact vote on their own request", async () => {
      const c = await networkHelpers.loadFixture(emergencyFixture);
      await c.emergencyAccess.write.proposeContacts([[c.doctorAddress, ...c.contacts], 2, SHARES_CID], { account: c.patient.account });
      await openRequest(c);
      assert.equal((await requestState(c)).eligible, 3);
      await viem.assertions.revertWithCustomErrorWithArgs(
        c.emergencyAccess.write.approve([c.patientAddress, c.doctorAddress, share("d")], { account: c.doctor.account }),
        c.emergencyAccess,
        "EmergencySelfApproval",
        [c.doctorAddress],
      );
    });

    it("closes the request once rejections leave the threshold out of reach", async () => {
      const c = await networkHelpers.loadFixture(emergencyFixture);
      await openRequest(c);
      await c.emergencyAccess.write.approve([c.patientAddress, c.doctorAddress, share("a")], { account: c.alice.account });
      // 3 contacts, t = 2: after one rejection two approvals are still possible.
      await viem.assertions.emitWithArgs(
        c.emergencyAccess.write.reject([c.patientAddress, c.doctorAddress], { account: c.bob.account }),
        c.emergencyAccess,
        "EmergencyRejected",
        [c.patientAddress, c.doctorAddress, c.contacts[1], 1],
      );
      assert.equal((await requestState(c)).current, status("Open"));
      await viem.assertions.emitWithArgs(
        c.emergencyAccess.write.reject([c.patientAddress, c.doctorAddress], { account: c.carol.account }),
        c.emergencyAccess,
        "EmergencyClosed",
        [c.patientAddress, c.doctorAddress, 1, status("Rejected"), c.contacts[2]],
      );
      const req = await requestState(c);
      assert.equal(req.current, status("Rejected"));
      assert.equal(req.rejections, 2);
      assert.equal(await c.emergencyAccess.read.hasEmergencyAccess([c.patientAddress, c.doctorAddress]), false);
    });

    it("counts the contacts in force when the request was opened, whatever changes mid-request", async () => {
      const c = await networkHelpers.loadFixture(emergencyFixture);
      await openRequest(c);
      const dave = getAddress(c.dave.account.address);
      await c.emergencyAccess.write.proposeContacts([[dave, c.contacts[0]], 2, SHARES_CID], { account: c.patient.account });
      await viem.assertions.revertWithCustomErrorWithArgs(
        c.emergencyAccess.write.approve([c.patientAddress, c.doctorAddress, share("d")], { account: c.dave.account }),
        c.emergencyAccess,
        "EmergencyNotContact",
        [dave],
      );
      await c.emergencyAccess.write.approve([c.patientAddress, c.doctorAddress, share("b")], { account: c.bob.account });
      await c.emergencyAccess.write.approve([c.patientAddress, c.doctorAddress, share("c")], { account: c.carol.account });
      assert.equal((await requestState(c)).current, status("Granted"));
    });
  });

  describe("closing", () => {
    it("lets the patient cancel an open request, after which approvals fail", async () => {
      const c = await networkHelpers.loadFixture(emergencyFixture);
      await openRequest(c);
      await c.emergencyAccess.write.approve([c.patientAddress, c.doctorAddress, share("a")], { account: c.alice.account });
      await viem.assertions.emitWithArgs(
        c.emergencyAccess.write.close([c.patientAddress, c.doctorAddress], { account: c.patient.account }),
        c.emergencyAccess,
        "EmergencyClosed",
        [c.patientAddress, c.doctorAddress, 1, status("Cancelled"), c.patientAddress],
      );
      // The approval that raced the cancellation lands after it and fails.
      await viem.assertions.revertWithCustomErrorWithArgs(
        c.emergencyAccess.write.approve([c.patientAddress, c.doctorAddress, share("b")], { account: c.bob.account }),
        c.emergencyAccess,
        "EmergencyNotOpen",
        [c.patientAddress, c.doctorAddress],
      );
      assert.equal((await requestState(c)).current, status("Cancelled"));
    });

    it("lets the patient or the doctor end a grant early, and nobody else", async () => {
      const c = await networkHelpers.loadFixture(emergencyFixture);
      const close = (who: Wallet) => c.emergencyAccess.write.close([c.patientAddress, c.doctorAddress], { account: who.account });
      await viem.assertions.revertWithCustomErrorWithArgs(close(c.patient), c.emergencyAccess, "EmergencyCannotClose", [c.patientAddress, status("None")]);
      await openRequest(c);
      await c.emergencyAccess.write.approve([c.patientAddress, c.doctorAddress, share("a")], { account: c.alice.account });
      await c.emergencyAccess.write.approve([c.patientAddress, c.doctorAddress, share("b")], { account: c.bob.account });
      for (const who of [c.alice, c.stranger, c.otherDoctor]) {
        await viem.assertions.revertWithCustomErrorWithArgs(
          close(who),
          c.emergencyAccess,
          "EmergencyCannotClose",
          [getAddress(who.account.address), status("Granted")],
        );
      }
      await close(c.doctor);
      assert.equal(await c.consentManager.read.canAccess([c.doctorAddress, c.lab.id, Purpose.ETREAT]), false);
      await viem.assertions.revertWithCustomErrorWithArgs(close(c.patient), c.emergencyAccess, "EmergencyCannotClose", [c.patientAddress, status("Cancelled")]);
    });

    it("stops a grant at once when the doctor's hospital is suspended or the doctor leaves it", async () => {
      const c = await networkHelpers.loadFixture(emergencyFixture);
      await openRequest(c);
      await c.emergencyAccess.write.approve([c.patientAddress, c.doctorAddress, share("a")], { account: c.alice.account });
      await c.emergencyAccess.write.approve([c.patientAddress, c.doctorAddress, share("b")], { account: c.bob.account });
      await c.consortium.write.suspendHospital([c.hospital.account.address]);
      assert.equal(await c.emergencyAccess.read.hasEmergencyAccess([c.patientAddress, c.doctorAddress]), false);
      await c.consortium.write.reinstateHospital([c.hospital.account.address]);
      assert.equal(await c.emergencyAccess.read.hasEmergencyAccess([c.patientAddress, c.doctorAddress]), true);
      await c.consortium.write.removeStaff([c.doctorAddress], { account: c.hospital.account });
      assert.equal(await c.emergencyAccess.read.hasEmergencyAccess([c.patientAddress, c.doctorAddress]), false);
    });
  });

  describe("signed approvals", () => {
    /** `signer` signs an approval naming `contact` (its own address unless it signs for a wallet). */
    async function sign(c: Fixture, signer: Wallet, s: Hex, round = 1, contact: Address = getAddress(signer.account.address)) {
      return signer.signTypedData({
        account: signer.account,
        domain: emergencyDomain(await c.publicClient.getChainId(), c.emergencyAccess.address),
        types: EMERGENCY_APPROVAL_TYPES,
        primaryType: "EmergencyApproval",
        message: { patient: c.patientAddress, doctor: c.doctorAddress, contact, round, shareHash: keccak256(s) },
      });
    }

    it("opens the grant from two contacts' signatures relayed by the doctor in one transaction", async () => {
      const c = await networkHelpers.loadFixture(emergencyFixture);
      await openRequest(c);
      const approvals = [
        { contact: c.contacts[0], share: share("a"), signature: await sign(c, c.alice, share("a")) },
        { contact: c.contacts[2], share: share("c"), signature: await sign(c, c.carol, share("c")) },
      ];
      assert.equal(
        await c.emergencyAccess.read.approvalDigest([c.patientAddress, c.doctorAddress, c.contacts[0], 1, share("a")]),
        hashTypedData({
          domain: emergencyDomain(await c.publicClient.getChainId(), c.emergencyAccess.address),
          types: EMERGENCY_APPROVAL_TYPES,
          primaryType: "EmergencyApproval",
          message: { patient: c.patientAddress, doctor: c.doctorAddress, contact: c.contacts[0], round: 1, shareHash: keccak256(share("a")) },
        }),
      );
      await viem.assertions.emitWithArgs(
        c.emergencyAccess.write.submitSignedApprovals([c.patientAddress, c.doctorAddress, approvals], { account: c.doctor.account }),
        c.emergencyAccess,
        "EmergencyGranted",
        [c.patientAddress, c.doctorAddress, 1, (await time.latest()) + 1 + 4 * HOUR],
      );
      assert.equal((await requestState(c)).votes, 0b101);
    });

    it("accepts a smart-account contact's ERC-1271 signature", async () => {
      const c = await networkHelpers.loadFixture(emergencyFixture);
      const wallet = await viem.deployContract("MockERC1271Wallet", [c.dave.account.address]);
      await c.emergencyAccess.write.proposeContacts([[getAddress(wallet.address), c.contacts[0]], 2, SHARES_CID], { account: c.patient.account });
      await openRequest(c);
      // The wallet's owner signs the EIP-712 digest, which names the wallet.
      const signature = await sign(c, c.dave, share("w"), 1, getAddress(wallet.address));
      await c.emergencyAccess.write.submitSignedApprovals(
        [c.patientAddress, c.doctorAddress, [{ contact: wallet.address, share: share("w"), signature }]],
        { account: c.stranger.account },
      );
      assert.equal((await requestState(c)).approvals, 1);
    });

    it("refuses a signature by someone else, over another share or another round, and empty or oversized batches", async () => {
      const c = await networkHelpers.loadFixture(emergencyFixture);
      await openRequest(c);
      const submit = (approvals: Array<{ contact: Address; share: Hex; signature: Hex }>) =>
        c.emergencyAccess.write.submitSignedApprovals([c.patientAddress, c.doctorAddress, approvals], { account: c.doctor.account });
      const bad = [
        { contact: c.contacts[0], share: share("a"), signature: await sign(c, c.bob, share("a")) },
        { contact: c.contacts[0], share: share("a"), signature: await sign(c, c.alice, share("other")) },
        { contact: c.contacts[0], share: share("a"), signature: await sign(c, c.alice, share("a"), 2) },
      ];
      for (const approval of bad) {
        await viem.assertions.revertWithCustomErrorWithArgs(submit([approval]), c.emergencyAccess, "EmergencyInvalidSignature", [c.contacts[0]]);
      }
      const good = { contact: c.contacts[0], share: share("a"), signature: await sign(c, c.alice, share("a")) };
      for (const approvals of [[], Array(11).fill(good)]) {
        await viem.assertions.revertWithCustomErrorWithArgs(submit(approvals), c.emergencyAccess, "EmergencyInvalidBatchSize", [BigInt(approvals.length), 10n]);
      }
      // A signature naming another contact (alice signs as if for bob) is refused for either.
      await viem.assertions.revertWithCustomErrorWithArgs(
        submit([{ contact: c.contacts[1], share: share("a"), signature: await sign(c, c.alice, share("a"), 1, c.contacts[1]) }]),
        c.emergencyAccess,
        "EmergencyInvalidSignature",
        [c.contacts[1]],
      );
      // A replayed signature counts once: the duplicate is skipped, not a second vote.
      await submit([good, good]);
      const req = await requestState(c);
      assert.equal(req.approvals, 1);
      assert.equal(req.votes, 0b001);
    });

    it("a signature for one ERC-1271 wallet is refused for another wallet of the same owner", async () => {
      const c = await networkHelpers.loadFixture(emergencyFixture);
      const walletA = await viem.deployContract("MockERC1271Wallet", [c.dave.account.address]);
      const walletB = await viem.deployContract("MockERC1271Wallet", [c.dave.account.address]);
      const [a, b] = [getAddress(walletA.address), getAddress(walletB.address)];
      await c.emergencyAccess.write.proposeContacts([[a, b, c.contacts[0]], 2, SHARES_CID], { account: c.patient.account });
      await openRequest(c);
      // Dave approves as wallet A; a relayer replays the same signature as wallet B's approval.
      const signature = await sign(c, c.dave, share("w"), 1, a);
      await viem.assertions.revertWithCustomErrorWithArgs(
        c.emergencyAccess.write.submitSignedApprovals([c.patientAddress, c.doctorAddress, [{ contact: b, share: share("w"), signature }]], {
          account: c.stranger.account,
        }),
        c.emergencyAccess,
        "EmergencyInvalidSignature",
        [b],
      );
      assert.equal((await requestState(c)).approvals, 0);
      await c.emergencyAccess.write.submitSignedApprovals([c.patientAddress, c.doctorAddress, [{ contact: a, share: share("w"), signature }]], {
        account: c.stranger.account,
      });
      const req = await requestState(c);
      assert.equal(req.approvals, 1);
      assert.equal(req.votes, 0b001);
    });

    it("one contact cannot sink a relayed batch: approvals already counted are skipped, and late ones land after the grant", async () => {
      const c = await networkHelpers.loadFixture(emergencyFixture);
      await openRequest(c);
      // Alice approves directly while her signed approval is also in the doctor's batch.
      await c.emergencyAccess.write.approve([c.patientAddress, c.doctorAddress, share("a")], { account: c.alice.account });
      const batch = [
        { contact: c.contacts[0], share: share("a"), signature: await sign(c, c.alice, share("a")) },
        { contact: c.contacts[1], share: share("b"), signature: await sign(c, c.bob, share("b")) },
      ];
      await viem.assertions.emitWithArgs(
        c.emergencyAccess.write.submitSignedApprovals([c.patientAddress, c.doctorAddress, batch], { account: c.doctor.account }),
        c.emergencyAccess,
        "EmergencyApproved",
        [c.patientAddress, c.doctorAddress, c.contacts[1], 1, share("b")],
      );
      const granted = await requestState(c);
      assert.equal(granted.current, status("Granted"));
      assert.equal(granted.approvals, 2);
      // After the grant, a batch with everyone lands only carol's share.
      const late = [...batch, { contact: c.contacts[2], share: share("c"), signature: await sign(c, c.carol, share("c")) }];
      const hash = await c.emergencyAccess.write.submitSignedApprovals([c.patientAddress, c.doctorAddress, late], { account: c.doctor.account });
      const logs = parseEventLogs({ abi: c.emergencyAccess.abi, logs: (await c.publicClient.waitForTransactionReceipt({ hash })).logs });
      assert.deepEqual(
        logs.map((l) => [l.eventName, l.eventName === "EmergencyApproved" ? l.args.contact : undefined]),
        [["EmergencyApproved", c.contacts[2]]],
      );
      const after = await requestState(c);
      assert.equal(after.approvals, 3);
      assert.equal(after.votes, 0b111);
      assert.equal(after.durationOrExpiry, granted.durationOrExpiry);
    });
  });

  describe("emergency keys", () => {
    const envelope = (seed: string): Hex => seededBytes(`env:${seed}`, 85);

    it("takes record keys wrapped to the emergency key from the patient or the record's own hospital", async () => {
      const c = await networkHelpers.loadFixture(emergencyFixture);
      const keys = [{ recordId: c.lab.id, envelope: envelope("lab") }];
      await viem.assertions.emitWithArgs(
        c.emergencyAccess.write.postKeys([c.patientAddress, 1, keys], { account: c.patient.account }),
        c.emergencyAccess,
        "EmergencyKeyPosted",
        [c.patientAddress, c.lab.id, 1, envelope("lab")],
      );
      await c.emergencyAccess.write.postKeys([c.patientAddress, 1, keys], { account: c.hospital.account });
      for (const who of [c.otherHospital, c.stranger, c.doctor]) {
        await viem.assertions.revertWithCustomErrorWithArgs(
          c.emergencyAccess.write.postKeys([c.patientAddress, 1, keys], { account: who.account }),
          c.emergencyAccess,
          "EmergencyNotKeyCustodian",
          [getAddress(who.account.address), c.lab.id],
        );
      }
      await c.consortium.write.suspendHospital([c.hospital.account.address]);
      await viem.assertions.revertWithCustomErrorWithArgs(
        c.emergencyAccess.write.postKeys([c.patientAddress, 1, keys], { account: c.hospital.account }),
        c.emergencyAccess,
        "EmergencyNotKeyCustodian",
        [getAddress(c.hospital.account.address), c.lab.id],
      );
    });

    it("checks the record, the configuration, the envelope and the batch size", async () => {
      const c = await networkHelpers.loadFixture(emergencyFixture);
      const post = (version: number, keys: Array<{ recordId: Hex; envelope: Hex }>) =>
        c.emergencyAccess.write.postKeys([c.patientAddress, version, keys], { account: c.patient.account });
      const good = { recordId: c.lab.id, envelope: envelope("lab") };
      for (const version of [0, 2]) {
        await viem.assertions.revertWithCustomErrorWithArgs(post(version, [good]), c.emergencyAccess, "EmergencyUnknownConfig", [c.patientAddress, version]);
      }
      await viem.assertions.revertWithCustomErrorWithArgs(
        post(1, [{ recordId: c.othersLab.id, envelope: envelope("x") }]),
        c.emergencyAccess,
        "EmergencyNotPatientsRecord",
        [c.othersLab.id, c.patientAddress],
      );
      const unknown = keccak256("0x01");
      await viem.assertions.revertWithCustomErrorWithArgs(post(1, [{ recordId: unknown, envelope: envelope("x") }]), c.recordRegistry, "RecordRegistryUnknownRecord", [unknown]);
      for (const bad of ["0x", seededBytes("long", 2049)] as Hex[]) {
        await viem.assertions.revertWithCustomErrorWithArgs(
          post(1, [{ recordId: c.lab.id, envelope: bad }]),
          c.emergencyAccess,
          "EmergencyInvalidEnvelope",
          [BigInt((bad.length - 2) / 2)],
        );
      }
      for (const keys of [[], Array(101).fill(good)]) {
        await viem.assertions.revertWithCustomErrorWithArgs(post(1, keys), c.emergencyAccess, "EmergencyInvalidBatchSize", [BigInt(keys.length), 100n]);
      }
    });
  });

  describe("governance", () => {
    it("lets only governance set the limits, within bounds", async () => {
      const c = await networkHelpers.loadFixture(emergencyFixture);
      const next = { maxGrantDuration: 8 * HOUR, approvalWindow: HOUR, cooldown: 0 };
      await viem.assertions.emitWithArgs(c.emergencyAccess.write.setLimits([next]), c.emergencyAccess, "EmergencyLimitsSet", [next]);
      assert.deepEqual(await c.emergencyAccess.read.limits(), next);
      for (const who of [c.hospital, c.patient, c.doctor]) {
        await viem.assertions.revertWithCustomErrorWithArgs(
          c.emergencyAccess.write.setLimits([LIMITS], { account: who.account }),
          c.emergencyAccess,
          "EmergencyNotGovernance",
          [getAddress(who.account.address)],
        );
      }
      const bad = [
        { ...LIMITS, maxGrantDuration: 0 },
        { ...LIMITS, maxGrantDuration: 30 * DAY + 1 },
        { ...LIMITS, approvalWindow: 299 },
        { ...LIMITS, approvalWindow: 7 * DAY + 1 },
        { ...LIMITS, cooldown: DAY + 1 },
      ];
      for (const limits of bad) {
        await viem.assertions.revertWithCustomErrorWithArgs(c.emergencyAccess.write.setLimits([limits]), c.emergencyAccess, "EmergencyInvalidLimits", [limits]);
      }
      // The new maximum applies to the next request.
      await viem.assertions.revertWithCustomErrorWithArgs(openRequest(c, c.doctor, 9 * HOUR), c.emergencyAccess, "EmergencyInvalidDuration", [9 * HOUR, 8 * HOUR]);
    });
  });
});
