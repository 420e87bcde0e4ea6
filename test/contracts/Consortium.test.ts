import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { network } from "hardhat";
import { getAddress, zeroAddress } from "viem";
import { DEFAULT_ROLE_PURPOSES, Purpose, purposeSet, Role } from "@caduceus/sdk/chain/roles";
import { deployCaduceus } from "../helpers/deploy.js";

const connection = await network.create();
const { viem, networkHelpers } = connection;

async function consortiumFixture() {
  const c = await deployCaduceus(connection);
  const [, , , , , , , , , , newHospital, newDoctor, researcher] = await viem.getWalletClients();
  return { ...c, newHospital, newDoctor, researcher };
}

const addr = (w: { account: { address: string } }) => getAddress(w.account.address);
const ZERO_ROLE = `0x${"00".repeat(32)}` as const;

describe("Consortium", () => {
  describe("deployment", () => {
    it("binds the default roles to their purposes and makes the deployer governance", async () => {
      const c = await networkHelpers.loadFixture(consortiumFixture);
      for (const [role, purposes] of DEFAULT_ROLE_PURPOSES) {
        assert.equal(await c.consortium.read.rolePurposes([Role[role]]), purposes, role);
      }
      assert.equal(await c.consortium.read.defaultAdmin(), addr(c.governance));
      assert.equal(await c.consortium.read.defaultAdminDelay(), 2 * 24 * 3600);
    });

    it("reverts when the role and purpose arrays differ in length, or a purpose is unknown", async () => {
      const c = await networkHelpers.loadFixture(consortiumFixture);
      await viem.assertions.revertWithCustomErrorWithArgs(
        viem.deployContract("Consortium", [addr(c.governance), 0, [Role.DOCTOR], []]),
        c.consortium,
        "ConsortiumLengthMismatch",
        [1n, 0n],
      );
      await viem.assertions.revertWithCustomErrorWithArgs(
        viem.deployContract("Consortium", [addr(c.governance), 0, [Role.DOCTOR], [1n << 8n]]),
        c.consortium,
        "ConsortiumUnknownPurposes",
        [1n << 8n],
      );
    });
  });

  describe("admitHospital", () => {
    it("emits HospitalAdmitted, assigns the next id and lists the hospital", async () => {
      const c = await networkHelpers.loadFixture(consortiumFixture);
      await viem.assertions.emitWithArgs(
        c.consortium.write.admitHospital([addr(c.newHospital), "Example Regional", "0x0155"]),
        c.consortium,
        "HospitalAdmitted",
        [addr(c.newHospital), 3, "Example Regional", "0x0155"],
      );
      const h = await c.consortium.read.hospital([addr(c.newHospital)]);
      assert.equal(h.id, 3);
      assert.equal(h.suspended, false);
      assert.equal(h.admittedAt, Number((await c.publicClient.getBlock()).timestamp));
      assert.equal(await c.consortium.read.hospitalAccount([3]), addr(c.newHospital));
      assert.equal(await c.consortium.read.isActiveHospital([addr(c.newHospital)]), true);
      assert.equal(await c.consortium.read.holdsRole([Role.HOSPITAL, addr(c.newHospital)]), true);
      assert.equal(await c.consortium.read.hospitalCount(), 3n);
      assert.deepEqual(await c.consortium.read.hospitals([0n, 10n]), [addr(c.hospital), addr(c.otherHospital), addr(c.newHospital)]);
    });

    it("reverts for the zero address, a second admission and a staff member", async () => {
      const c = await networkHelpers.loadFixture(consortiumFixture);
      await viem.assertions.revertWithCustomErrorWithArgs(c.consortium.write.admitHospital([zeroAddress, "x", "0x"]), c.consortium, "ConsortiumZeroAddress", []);
      await viem.assertions.revertWithCustomErrorWithArgs(
        c.consortium.write.admitHospital([addr(c.hospital), "again", "0x"]),
        c.consortium,
        "ConsortiumHospitalAlreadyAdmitted",
        [addr(c.hospital)],
      );
      await viem.assertions.revertWithCustomErrorWithArgs(
        c.consortium.write.admitHospital([addr(c.doctor), "doctor", "0x"]),
        c.consortium,
        "ConsortiumRoleConflict",
        [addr(c.doctor)],
      );
    });
  });

  describe("suspendHospital and reinstateHospital", () => {
    it("suspension cuts the hospital's and all its staff's powers in one write; reinstatement restores them", async () => {
      const c = await networkHelpers.loadFixture(consortiumFixture);
      const staff = [addr(c.doctor), addr(c.otherDoctor)];
      for (const d of staff) {
        assert.equal(await c.consortium.read.isActiveStaff([d]), true);
        assert.equal(await c.consortium.read.mayDeclare([d, Purpose.TREAT]), true);
      }
      await viem.assertions.emitWithArgs(
        c.consortium.write.suspendHospital([addr(c.hospital)]),
        c.consortium,
        "HospitalSuspended",
        [addr(c.hospital), 1],
      );
      assert.equal(await c.consortium.read.isActiveHospital([addr(c.hospital)]), false);
      assert.equal(await c.consortium.read.holdsRole([Role.HOSPITAL, addr(c.hospital)]), false);
      for (const d of staff) {
        assert.equal(await c.consortium.read.isActiveStaff([d]), false);
        assert.equal(await c.consortium.read.holdsRole([Role.DOCTOR, d]), false);
        assert.equal(await c.consortium.read.mayDeclare([d, Purpose.TREAT]), false);
        assert.equal(await c.consortium.read.employerOf([d]), addr(c.hospital), "employment itself is kept");
      }
      await viem.assertions.emitWithArgs(
        c.consortium.write.reinstateHospital([addr(c.hospital)]),
        c.consortium,
        "HospitalReinstated",
        [addr(c.hospital), 1],
      );
      for (const d of staff) assert.equal(await c.consortium.read.mayDeclare([d, Purpose.TREAT]), true);
    });

    it("reverts for unknown hospitals, double suspension and reinstating an active hospital", async () => {
      const c = await networkHelpers.loadFixture(consortiumFixture);
      await viem.assertions.revertWithCustomErrorWithArgs(
        c.consortium.write.suspendHospital([addr(c.stranger)]),
        c.consortium,
        "ConsortiumUnknownHospital",
        [addr(c.stranger)],
      );
      await viem.assertions.revertWithCustomErrorWithArgs(
        c.consortium.write.reinstateHospital([addr(c.hospital)]),
        c.consortium,
        "ConsortiumHospitalNotSuspended",
        [addr(c.hospital)],
      );
      await c.consortium.write.suspendHospital([addr(c.hospital)]);
      await viem.assertions.revertWithCustomErrorWithArgs(
        c.consortium.write.suspendHospital([addr(c.hospital)]),
        c.consortium,
        "ConsortiumHospitalSuspended",
        [addr(c.hospital)],
      );
    });
  });

  describe("staff appointment: proposeStaff, acceptStaff, withdrawStaffProposal, removeStaff, dismissStaff", () => {
    it("proposes, and adds the account only when it accepts; lists it; removal takes the role away", async () => {
      const c = await networkHelpers.loadFixture(consortiumFixture);
      await viem.assertions.emitWithArgs(
        c.consortium.write.proposeStaff([addr(c.newDoctor)], { account: c.otherHospital.account }),
        c.consortium,
        "StaffProposed",
        [addr(c.otherHospital), addr(c.newDoctor)],
      );
      assert.equal(await c.consortium.read.isStaffProposed([addr(c.otherHospital), addr(c.newDoctor)]), true);
      assert.equal(await c.consortium.read.employerOf([addr(c.newDoctor)]), zeroAddress, "a proposal is not an appointment");
      assert.equal(await c.consortium.read.holdsRole([Role.DOCTOR, addr(c.newDoctor)]), false);

      await viem.assertions.emitWithArgs(
        c.consortium.write.acceptStaff([addr(c.otherHospital)], { account: c.newDoctor.account }),
        c.consortium,
        "StaffAdded",
        [addr(c.otherHospital), addr(c.newDoctor)],
      );
      assert.equal(await c.consortium.read.isStaffProposed([addr(c.otherHospital), addr(c.newDoctor)]), false, "the proposal is used up");
      assert.equal(await c.consortium.read.employerOf([addr(c.newDoctor)]), addr(c.otherHospital));
      assert.equal(await c.consortium.read.holdsRole([Role.DOCTOR, addr(c.newDoctor)]), true);
      assert.equal(await c.consortium.read.staffCount([addr(c.otherHospital)]), 1n);
      assert.deepEqual(await c.consortium.read.staff([addr(c.otherHospital), 0n, 10n]), [addr(c.newDoctor)]);

      await viem.assertions.emitWithArgs(
        c.consortium.write.removeStaff([addr(c.newDoctor)], { account: c.otherHospital.account }),
        c.consortium,
        "StaffRemoved",
        [addr(c.otherHospital), addr(c.newDoctor)],
      );
      assert.equal(await c.consortium.read.employerOf([addr(c.newDoctor)]), zeroAddress);
      assert.equal(await c.consortium.read.holdsRole([Role.DOCTOR, addr(c.newDoctor)]), false);
      assert.equal(await c.consortium.read.staffCount([addr(c.otherHospital)]), 0n);
    });

    it("a hospital cannot make an address its doctor without that address's consent", async () => {
      const c = await networkHelpers.loadFixture(consortiumFixture);
      // The hospital names a stranger; the stranger never accepts.
      await c.consortium.write.proposeStaff([addr(c.stranger)], { account: c.hospital.account });
      assert.equal(await c.consortium.read.employerOf([addr(c.stranger)]), zeroAddress);
      assert.equal(await c.consortium.read.isActiveStaff([addr(c.stranger)]), false);
      assert.equal(await c.consortium.read.mayDeclare([addr(c.stranger), Purpose.TREAT]), false);
      assert.equal(await c.consortium.read.staffCount([addr(c.hospital)]), 2n, "only the two doctors who accepted");
      // Nor can anyone accept on the account's behalf, or accept a proposal that was never made.
      await viem.assertions.revertWithCustomErrorWithArgs(
        c.consortium.write.acceptStaff([addr(c.hospital)], { account: c.hospital.account }),
        c.consortium,
        "ConsortiumNoStaffProposal",
        [addr(c.hospital), addr(c.hospital)],
      );
      await viem.assertions.revertWithCustomErrorWithArgs(
        c.consortium.write.acceptStaff([addr(c.otherHospital)], { account: c.stranger.account }),
        c.consortium,
        "ConsortiumNoStaffProposal",
        [addr(c.otherHospital), addr(c.stranger)],
      );
      // The hospital may withdraw its pending proposal; after that the account cannot accept it.
      await viem.assertions.emitWithArgs(
        c.consortium.write.withdrawStaffProposal([addr(c.stranger)], { account: c.hospital.account }),
        c.consortium,
        "StaffProposalWithdrawn",
        [addr(c.hospital), addr(c.stranger)],
      );
      assert.equal(await c.consortium.read.isStaffProposed([addr(c.hospital), addr(c.stranger)]), false);
      await viem.assertions.revertWithCustomErrorWithArgs(
        c.consortium.write.acceptStaff([addr(c.hospital)], { account: c.stranger.account }),
        c.consortium,
        "ConsortiumNoStaffProposal",
        [addr(c.hospital), addr(c.stranger)],
      );
      await viem.assertions.revertWithCustomErrorWithArgs(
        c.consortium.write.withdrawStaffProposal([addr(c.stranger)], { account: c.hospital.account }),
        c.consortium,
        "ConsortiumNoStaffProposal",
        [addr(c.hospital), addr(c.stranger)],
      );
    });

    it("governance removes the staff of a suspended hospital", async () => {
      const c = await networkHelpers.loadFixture(consortiumFixture);
      await c.consortium.write.suspendHospital([addr(c.hospital)]);
      await viem.assertions.emitWithArgs(c.consortium.write.dismissStaff([addr(c.doctor)]), c.consortium, "StaffRemoved", [
        addr(c.hospital),
        addr(c.doctor),
      ]);
      assert.equal(await c.consortium.read.employerOf([addr(c.doctor)]), zeroAddress);
      assert.deepEqual(await c.consortium.read.staff([addr(c.hospital), 0n, 10n]), [addr(c.otherDoctor)]);
      await c.consortium.write.reinstateHospital([addr(c.hospital)]);
      assert.equal(await c.consortium.read.holdsRole([Role.DOCTOR, addr(c.doctor)]), false, "reinstatement does not bring the dismissed back");
      await viem.assertions.revertWithCustomErrorWithArgs(c.consortium.write.dismissStaff([addr(c.doctor)]), c.consortium, "ConsortiumNotStaff", [
        addr(c.doctor),
        zeroAddress,
      ]);
      for (const who of [c.hospital, c.stranger]) {
        await viem.assertions.revertWithCustomErrorWithArgs(
          c.consortium.write.dismissStaff([addr(c.otherDoctor)], { account: who.account }),
          c.consortium,
          "AccessControlUnauthorizedAccount",
          [addr(who), ZERO_ROLE],
        );
      }
    });

    it("lets a suspended hospital remove staff and withdraw proposals but not propose; its proposals cannot be accepted", async () => {
      const c = await networkHelpers.loadFixture(consortiumFixture);
      await c.consortium.write.proposeStaff([addr(c.newDoctor)], { account: c.hospital.account });
      await c.consortium.write.suspendHospital([addr(c.hospital)]);
      await viem.assertions.revertWithCustomErrorWithArgs(
        c.consortium.write.proposeStaff([addr(c.stranger)], { account: c.hospital.account }),
        c.consortium,
        "ConsortiumHospitalSuspended",
        [addr(c.hospital)],
      );
      await viem.assertions.revertWithCustomErrorWithArgs(
        c.consortium.write.acceptStaff([addr(c.hospital)], { account: c.newDoctor.account }),
        c.consortium,
        "ConsortiumHospitalSuspended",
        [addr(c.hospital)],
      );
      await c.consortium.write.removeStaff([addr(c.doctor)], { account: c.hospital.account });
      assert.equal(await c.consortium.read.staffCount([addr(c.hospital)]), 1n);
      await c.consortium.write.withdrawStaffProposal([addr(c.newDoctor)], { account: c.hospital.account });
      assert.equal(await c.consortium.read.isStaffProposed([addr(c.hospital), addr(c.newDoctor)]), false);
    });

    it("reverts for non-hospitals, the zero address, hospitals as staff, staff of another hospital, repeated proposals and strangers", async () => {
      const c = await networkHelpers.loadFixture(consortiumFixture);
      for (const call of ["proposeStaff", "withdrawStaffProposal"] as const) {
        await viem.assertions.revertWithCustomErrorWithArgs(
          c.consortium.write[call]([addr(c.newDoctor)], { account: c.doctor.account }),
          c.consortium,
          "ConsortiumUnknownHospital",
          [addr(c.doctor)],
        );
      }
      await viem.assertions.revertWithCustomErrorWithArgs(
        c.consortium.write.proposeStaff([zeroAddress], { account: c.hospital.account }),
        c.consortium,
        "ConsortiumZeroAddress",
        [],
      );
      await viem.assertions.revertWithCustomErrorWithArgs(
        c.consortium.write.proposeStaff([addr(c.otherHospital)], { account: c.hospital.account }),
        c.consortium,
        "ConsortiumRoleConflict",
        [addr(c.otherHospital)],
      );
      await viem.assertions.revertWithCustomErrorWithArgs(
        c.consortium.write.proposeStaff([addr(c.doctor)], { account: c.otherHospital.account }),
        c.consortium,
        "ConsortiumAlreadyStaff",
        [addr(c.doctor), addr(c.hospital)],
      );
      await c.consortium.write.proposeStaff([addr(c.newDoctor)], { account: c.hospital.account });
      await viem.assertions.revertWithCustomErrorWithArgs(
        c.consortium.write.proposeStaff([addr(c.newDoctor)], { account: c.hospital.account }),
        c.consortium,
        "ConsortiumStaffAlreadyProposed",
        [addr(c.hospital), addr(c.newDoctor)],
      );
      // Two hospitals may both propose; the account joins one, and the other's proposal cannot seat it twice.
      await c.consortium.write.proposeStaff([addr(c.newDoctor)], { account: c.otherHospital.account });
      await c.consortium.write.acceptStaff([addr(c.otherHospital)], { account: c.newDoctor.account });
      await viem.assertions.revertWithCustomErrorWithArgs(
        c.consortium.write.acceptStaff([addr(c.hospital)], { account: c.newDoctor.account }),
        c.consortium,
        "ConsortiumAlreadyStaff",
        [addr(c.newDoctor), addr(c.otherHospital)],
      );
      // An account admitted as a hospital after the proposal cannot accept it.
      await c.consortium.write.proposeStaff([addr(c.newHospital)], { account: c.hospital.account });
      await c.consortium.write.admitHospital([addr(c.newHospital), "Example Regional", "0x"]);
      await viem.assertions.revertWithCustomErrorWithArgs(
        c.consortium.write.acceptStaff([addr(c.hospital)], { account: c.newHospital.account }),
        c.consortium,
        "ConsortiumRoleConflict",
        [addr(c.newHospital)],
      );
      await viem.assertions.revertWithCustomErrorWithArgs(
        c.consortium.write.removeStaff([addr(c.doctor)], { account: c.otherHospital.account }),
        c.consortium,
        "ConsortiumNotStaff",
        [addr(c.doctor), addr(c.otherHospital)],
      );
      await viem.assertions.revertWithCustomErrorWithArgs(
        c.consortium.write.removeStaff([addr(c.doctor)], { account: c.stranger.account }),
        c.consortium,
        "ConsortiumUnknownHospital",
        [addr(c.stranger)],
      );
    });
  });

  describe("roles and purposes", () => {
    it("verifies researchers through grantRole and lets governance rebind purposes", async () => {
      const c = await networkHelpers.loadFixture(consortiumFixture);
      assert.equal(await c.consortium.read.mayDeclare([addr(c.researcher), Purpose.HRESCH]), false);
      await c.consortium.write.grantRole([Role.RESEARCHER, addr(c.researcher)]);
      assert.equal(await c.consortium.read.holdsRole([Role.RESEARCHER, addr(c.researcher)]), true);
      assert.equal(await c.consortium.read.mayDeclare([addr(c.researcher), Purpose.HRESCH]), true);
      assert.equal(await c.consortium.read.mayDeclare([addr(c.researcher), Purpose.TREAT]), false);

      const set = purposeSet("HRESCH", "PUBHLTH");
      await viem.assertions.emitWithArgs(
        c.consortium.write.setRolePurposes([Role.RESEARCHER, set]),
        c.consortium,
        "RolePurposesSet",
        [Role.RESEARCHER, set],
      );
      assert.equal(await c.consortium.read.mayDeclare([addr(c.researcher), Purpose.PUBHLTH]), true);
      await viem.assertions.revertWithCustomErrorWithArgs(
        c.consortium.write.setRolePurposes([Role.RESEARCHER, 1n << 200n]),
        c.consortium,
        "ConsortiumUnknownPurposes",
        [1n << 200n],
      );
      assert.equal(await c.consortium.read.mayDeclare([addr(c.researcher), 200]), false, "codes above the last are never declarable");
    });

    it("answers mayDeclare for every role holder: hospital, auditor, payer, public health", async () => {
      const c = await networkHelpers.loadFixture(consortiumFixture);
      assert.equal(await c.consortium.read.mayDeclare([addr(c.hospital), Purpose.HPAYMT]), true);
      assert.equal(await c.consortium.read.mayDeclare([addr(c.auditor), Purpose.HOPERAT]), true);
      assert.equal(await c.consortium.read.mayDeclare([addr(c.auditor), Purpose.TREAT]), false);
      await c.consortium.write.grantRole([Role.PAYER, addr(c.stranger)]);
      assert.equal(await c.consortium.read.mayDeclare([addr(c.stranger), Purpose.HPAYMT]), true);
      await c.consortium.write.grantRole([Role.PUBLIC_HEALTH, addr(c.relayer)]);
      assert.equal(await c.consortium.read.mayDeclare([addr(c.relayer), Purpose.PUBHLTH]), true);
      assert.equal(await c.consortium.read.mayDeclare([addr(c.patient), Purpose.TREAT]), false);
    });

    it("cannot grant HOSPITAL or DOCTOR through AccessControl, even as governance", async () => {
      const c = await networkHelpers.loadFixture(consortiumFixture);
      const ungrantable = await c.consortium.read.getRoleAdmin([Role.DOCTOR]);
      for (const role of [Role.HOSPITAL, Role.DOCTOR]) {
        await viem.assertions.revertWithCustomErrorWithArgs(
          c.consortium.write.grantRole([role, addr(c.stranger)]),
          c.consortium,
          "AccessControlUnauthorizedAccount",
          [addr(c.governance), ungrantable],
        );
      }
    });
  });

  describe("governance transfer", () => {
    it("is two-step with a delay", async () => {
      const c = await networkHelpers.loadFixture(consortiumFixture);
      const next = addr(c.stranger);
      await c.consortium.write.beginDefaultAdminTransfer([next]);
      const [pending, schedule] = await c.consortium.read.pendingDefaultAdmin();
      assert.equal(pending, next);
      await viem.assertions.revertWithCustomErrorWithArgs(
        c.consortium.write.acceptDefaultAdminTransfer({ account: c.stranger.account }),
        c.consortium,
        "AccessControlEnforcedDefaultAdminDelay",
        [schedule],
      );
      await networkHelpers.time.increaseTo(schedule + 1);
      await c.consortium.write.acceptDefaultAdminTransfer({ account: c.stranger.account });
      assert.equal(await c.consortium.read.defaultAdmin(), next);
      await c.consortium.write.admitHospital([addr(c.newHospital), "By the new governance", "0x"], { account: c.stranger.account });
      await viem.assertions.revertWithCustomErrorWithArgs(
        c.consortium.write.suspendHospital([addr(c.newHospital)]),
        c.consortium,
        "AccessControlUnauthorizedAccount",
        [addr(c.governance), "0x0000000000000000000000000000000000000000000000000000000000000000"],
      );
    });
  });

  describe("views", () => {
    it("pages hospitals and staff and rejects page sizes of 0 and above 100", async () => {
      const c = await networkHelpers.loadFixture(consortiumFixture);
      assert.deepEqual(await c.consortium.read.hospitals([1n, 1n]), [addr(c.otherHospital)]);
      assert.deepEqual(await c.consortium.read.hospitals([5n, 10n]), []);
      assert.deepEqual(await c.consortium.read.staff([addr(c.hospital), 1n, 100n]), [addr(c.otherDoctor)]);
      for (const limit of [0n, 101n]) {
        await viem.assertions.revertWithCustomErrorWithArgs(c.consortium.read.hospitals([0n, limit]), c.consortium, "ConsortiumInvalidPageSize", [limit]);
        await viem.assertions.revertWithCustomErrorWithArgs(
          c.consortium.read.staff([addr(c.hospital), 0n, limit]),
          c.consortium,
          "ConsortiumInvalidPageSize",
          [limit],
        );
      }
      assert.equal((await c.consortium.read.hospital([addr(c.stranger)])).id, 0);
      assert.equal(await c.consortium.read.hospitalAccount([99]), zeroAddress);
    });
  });
});
