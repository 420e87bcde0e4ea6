import { Role } from "@caduceus/sdk/chain/roles";
import {
  ADMIN_ROLE,
  addressOf,
  by,
  revert,
  UNGRANTABLE,
  who,
  type Actor,
  type ContractRows,
  type Fixture,
} from "./fixture.js";

/** OpenZeppelin's refusal for a function of the default admin. */
const governanceOnly = (c: Fixture, a: Actor) => revert("AccessControlUnauthorizedAccount", who(c, a), ADMIN_ROLE);
/** Hospital functions: a suspended hospital is told so, anyone else is not a hospital. */
const activeHospitalOnly = (c: Fixture, a: Actor) =>
  a === "suspendedHospital"
    ? revert("ConsortiumHospitalSuspended", who(c, a))
    : revert("ConsortiumUnknownHospital", who(c, a));

export const consortiumRows: ContractRows = {
  contract: "consortium",
  name: "Consortium",
  rows: [
    {
      fn: "acceptDefaultAdminTransfer()",
      allowed: ["nominee"],
      call: (c, a) => c.consortium.write.acceptDefaultAdminTransfer(by(c, a)),
      refused: (c, a) => revert("AccessControlInvalidDefaultAdmin", who(c, a)),
    },
    {
      fn: "acceptStaff(address)",
      case: "the hospital's pending proposal of the stranger",
      allowed: ["stranger"],
      call: (c, a) => c.consortium.write.acceptStaff([c.hospital.account.address], by(c, a)),
      refused: (c, a) => revert("ConsortiumNoStaffProposal", who(c, "hospital"), who(c, a)),
    },
    {
      fn: "dismissStaff(address)",
      case: "the suspended hospital's staff",
      allowed: ["governance"],
      call: (c, a) => c.consortium.write.dismissStaff([c.wallets.suspendedStaff.account.address], by(c, a)),
      refused: governanceOnly,
    },
    {
      fn: "proposeStaff(address)",
      allowed: ["hospital"],
      call: (c, a) => c.consortium.write.proposeStaff([addressOf(`staff:${a}`)], by(c, a)),
      refused: activeHospitalOnly,
    },
    {
      fn: "withdrawStaffProposal(address)",
      case: "the hospital's pending proposal of the stranger",
      allowed: ["hospital"],
      call: (c, a) => c.consortium.write.withdrawStaffProposal([c.stranger.account.address], by(c, a)),
      refused: (c, a) =>
        a === "suspendedHospital"
          ? revert("ConsortiumNoStaffProposal", who(c, a), who(c, "stranger"))
          : revert("ConsortiumUnknownHospital", who(c, a)),
    },
    {
      fn: "admitHospital(address,string,bytes)",
      allowed: ["governance"],
      call: (c, a) => c.consortium.write.admitHospital([addressOf(`hospital:${a}`), "New", "0x"], by(c, a)),
      refused: governanceOnly,
    },
    {
      fn: "beginDefaultAdminTransfer(address)",
      allowed: ["governance"],
      call: (c, a) => c.consortium.write.beginDefaultAdminTransfer([addressOf("next-governance")], by(c, a)),
      refused: governanceOnly,
    },
    {
      fn: "cancelDefaultAdminTransfer()",
      allowed: ["governance"],
      call: (c, a) => c.consortium.write.cancelDefaultAdminTransfer(by(c, a)),
      refused: governanceOnly,
    },
    {
      fn: "changeDefaultAdminDelay(uint48)",
      allowed: ["governance"],
      call: (c, a) => c.consortium.write.changeDefaultAdminDelay([3_600], by(c, a)),
      refused: governanceOnly,
    },
    {
      fn: "grantRole(bytes32,address)",
      case: "AUDITOR",
      allowed: ["governance"],
      call: (c, a) => c.consortium.write.grantRole([Role.AUDITOR, c.stranger.account.address], by(c, a)),
      refused: governanceOnly,
    },
    {
      fn: "grantRole(bytes32,address)",
      case: "DOCTOR (staff come from proposeStaff and acceptStaff only)",
      allowed: [],
      call: (c, a) => c.consortium.write.grantRole([Role.DOCTOR, c.stranger.account.address], by(c, a)),
      refused: (c, a) => revert("AccessControlUnauthorizedAccount", who(c, a), UNGRANTABLE),
    },
    {
      fn: "reinstateHospital(address)",
      allowed: ["governance"],
      call: (c, a) => c.consortium.write.reinstateHospital([c.otherHospital.account.address], by(c, a)),
      refused: governanceOnly,
    },
    {
      fn: "removeStaff(address)",
      case: "the active hospital's doctor",
      allowed: ["hospital"],
      call: (c, a) => c.consortium.write.removeStaff([c.doctor.account.address], by(c, a)),
      refused: (c, a) =>
        a === "suspendedHospital"
          ? revert("ConsortiumNotStaff", who(c, "doctor"), who(c, a))
          : revert("ConsortiumUnknownHospital", who(c, a)),
    },
    {
      fn: "removeStaff(address)",
      case: "the suspended hospital's staff (a suspended hospital may still let staff go)",
      allowed: ["suspendedHospital"],
      call: (c, a) => c.consortium.write.removeStaff([c.wallets.suspendedStaff.account.address], by(c, a)),
      refused: (c, a) =>
        a === "hospital"
          ? revert("ConsortiumNotStaff", who(c, "suspendedStaff"), who(c, a))
          : revert("ConsortiumUnknownHospital", who(c, a)),
    },
    {
      fn: "renounceRole(bytes32,address)",
      case: "the caller's own AUDITOR role",
      allowed: "everyone",
      why: "renouncing touches only the caller's own role (a role not held is a no-op)",
      call: (c, a) => c.consortium.write.renounceRole([Role.AUDITOR, c.wallets[a].account.address], by(c, a)),
    },
    {
      fn: "renounceRole(bytes32,address)",
      case: "the auditor's AUDITOR role",
      allowed: ["auditor"],
      call: (c, a) => c.consortium.write.renounceRole([Role.AUDITOR, c.auditor.account.address], by(c, a)),
      refused: () => revert("AccessControlBadConfirmation"),
    },
    {
      fn: "revokeRole(bytes32,address)",
      allowed: ["governance"],
      call: (c, a) => c.consortium.write.revokeRole([Role.AUDITOR, c.auditor.account.address], by(c, a)),
      refused: governanceOnly,
    },
    {
      fn: "rollbackDefaultAdminDelay()",
      allowed: ["governance"],
      call: (c, a) => c.consortium.write.rollbackDefaultAdminDelay(by(c, a)),
      refused: governanceOnly,
    },
    {
      fn: "setRolePurposes(bytes32,uint256)",
      allowed: ["governance"],
      call: (c, a) => c.consortium.write.setRolePurposes([Role.PAYER, 1n], by(c, a)),
      refused: governanceOnly,
    },
    {
      fn: "suspendHospital(address)",
      allowed: ["governance"],
      call: (c, a) => c.consortium.write.suspendHospital([c.hospital.account.address], by(c, a)),
      refused: governanceOnly,
    },
  ],
};
