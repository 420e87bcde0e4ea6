// Consortium: hospitals, staff, roles and their purposes, and the governance handover.
import { Address, BigInt, Bytes, ethereum } from "@graphprotocol/graph-ts";
import {
  DefaultAdminDelayChangeCanceled,
  DefaultAdminDelayChangeScheduled,
  DefaultAdminTransferCanceled,
  DefaultAdminTransferScheduled,
  HospitalAdmitted,
  HospitalReinstated,
  HospitalSuspended,
  RoleAdminChanged,
  RoleGranted,
  RolePurposesSet,
  RoleRevoked,
  StaffAdded,
  StaffProposalWithdrawn,
  StaffProposed,
  StaffRemoved,
} from "../../generated/Consortium/Consortium";
import {
  GovernanceChange,
  Hospital,
  HospitalStatusChange,
  Role,
  RoleChange,
  RoleMembership,
  RolePurposesChange,
  StaffChange,
  StaffMembership,
  StaffProposal,
} from "../../generated/schema";
import { ensureAccount, eventId } from "../helpers";

function recordStatusChange(event: ethereum.Event, hospital: Address, kind: string): void {
  const change = new HospitalStatusChange(eventId(event));
  change.hospital = hospital;
  change.kind = kind;
  change.blockNumber = event.block.number;
  change.blockTimestamp = event.block.timestamp;
  change.transactionHash = event.transaction.hash;
  change.save();
}

export function handleHospitalAdmitted(event: HospitalAdmitted): void {
  const hospital = new Hospital(event.params.hospital);
  hospital.account = ensureAccount(event.params.hospital).id;
  hospital.hospitalId = event.params.hospitalId;
  hospital.name = event.params.name;
  hospital.metadataCid = event.params.metadataCid;
  hospital.suspended = false;
  hospital.admittedAt = event.block.timestamp;
  hospital.admittedAtBlock = event.block.number;
  hospital.save();
  recordStatusChange(event, event.params.hospital, "ADMITTED");
}

function setSuspended(event: ethereum.Event, address: Address, suspended: boolean): void {
  const hospital = Hospital.load(address);
  if (hospital == null) return; // cannot happen: the contract only suspends admitted hospitals
  hospital.suspended = suspended;
  hospital.save();
  recordStatusChange(event, address, suspended ? "SUSPENDED" : "REINSTATED");
}

export function handleHospitalSuspended(event: HospitalSuspended): void {
  setSuspended(event, event.params.hospital, true);
}

export function handleHospitalReinstated(event: HospitalReinstated): void {
  setSuspended(event, event.params.hospital, false);
}

function changeStaff(event: ethereum.Event, hospital: Address, staff: Address, added: boolean): void {
  ensureAccount(staff);
  const id = hospital.concat(staff);
  let membership = StaffMembership.load(id);
  if (membership == null) {
    membership = new StaffMembership(id);
    membership.hospital = hospital;
    membership.staff = staff;
    membership.addedAt = event.block.timestamp;
    membership.addedAtBlock = event.block.number;
    membership.addedAtLogIndex = event.logIndex.toI32();
  }
  membership.active = added;
  if (added) {
    membership.addedAt = event.block.timestamp;
    membership.addedAtBlock = event.block.number;
    membership.addedAtLogIndex = event.logIndex.toI32();
  } else membership.removedAt = event.block.timestamp;
  membership.save();

  const change = new StaffChange(eventId(event));
  change.membership = id;
  change.hospital = hospital;
  change.staff = staff;
  change.added = added;
  change.blockNumber = event.block.number;
  change.blockTimestamp = event.block.timestamp;
  change.transactionHash = event.transaction.hash;
  change.save();
}

export function handleStaffProposed(event: StaffProposed): void {
  ensureAccount(event.params.staff);
  const id = event.params.hospital.concat(event.params.staff);
  let proposal = StaffProposal.load(id);
  if (proposal == null) {
    proposal = new StaffProposal(id);
    proposal.hospital = event.params.hospital;
    proposal.staff = event.params.staff;
  }
  proposal.pending = true;
  proposal.accepted = false;
  proposal.proposedAt = event.block.timestamp;
  proposal.proposedAtBlock = event.block.number;
  proposal.proposedAtLogIndex = event.logIndex.toI32();
  proposal.closedAt = null;
  proposal.save();
}

/** Closes a pending proposal: accepted (StaffAdded) or withdrawn. */
function closeProposal(event: ethereum.Event, hospital: Address, staff: Address, accepted: boolean): void {
  const proposal = StaffProposal.load(hospital.concat(staff));
  if (proposal == null) return;
  proposal.pending = false;
  proposal.accepted = accepted;
  proposal.closedAt = event.block.timestamp;
  proposal.save();
}

export function handleStaffProposalWithdrawn(event: StaffProposalWithdrawn): void {
  closeProposal(event, event.params.hospital, event.params.staff, false);
}

export function handleStaffAdded(event: StaffAdded): void {
  closeProposal(event, event.params.hospital, event.params.staff, true);
  changeStaff(event, event.params.hospital, event.params.staff, true);
}

export function handleStaffRemoved(event: StaffRemoved): void {
  changeStaff(event, event.params.hospital, event.params.staff, false);
}

function ensureRole(id: Bytes): Role {
  let role = Role.load(id);
  if (role == null) {
    role = new Role(id);
    role.purposes = BigInt.zero();
    role.save();
  }
  return role;
}

export function handleRolePurposesSet(event: RolePurposesSet): void {
  const role = ensureRole(event.params.role);
  role.purposes = event.params.purposes;
  role.save();

  const change = new RolePurposesChange(eventId(event));
  change.role = role.id;
  change.purposes = event.params.purposes;
  change.blockNumber = event.block.number;
  change.blockTimestamp = event.block.timestamp;
  change.transactionHash = event.transaction.hash;
  change.save();
}

function changeRole(event: ethereum.Event, roleId: Bytes, account: Address, sender: Address, granted: boolean): void {
  ensureRole(roleId);
  ensureAccount(account);
  const id = roleId.concat(account);
  let membership = RoleMembership.load(id);
  if (membership == null) {
    membership = new RoleMembership(id);
    membership.role = roleId;
    membership.account = account;
  }
  membership.active = granted;
  membership.save();

  const change = new RoleChange(eventId(event));
  change.membership = id;
  change.role = roleId;
  change.account = account;
  change.granted = granted;
  change.sender = sender;
  change.blockNumber = event.block.number;
  change.blockTimestamp = event.block.timestamp;
  change.transactionHash = event.transaction.hash;
  change.save();
}

export function handleRoleGranted(event: RoleGranted): void {
  changeRole(event, event.params.role, event.params.account, event.params.sender, true);
}

export function handleRoleRevoked(event: RoleRevoked): void {
  changeRole(event, event.params.role, event.params.account, event.params.sender, false);
}

export function handleRoleAdminChanged(event: RoleAdminChanged): void {
  const role = ensureRole(event.params.role);
  role.adminRole = event.params.newAdminRole;
  role.save();
}

function governanceChange(event: ethereum.Event, kind: string): GovernanceChange {
  const change = new GovernanceChange(eventId(event));
  change.kind = kind;
  change.blockNumber = event.block.number;
  change.blockTimestamp = event.block.timestamp;
  change.transactionHash = event.transaction.hash;
  return change;
}

export function handleDefaultAdminTransferScheduled(event: DefaultAdminTransferScheduled): void {
  const change = governanceChange(event, "ADMIN_TRANSFER_SCHEDULED");
  change.newAdmin = event.params.newAdmin;
  change.schedule = event.params.acceptSchedule;
  change.save();
}

export function handleDefaultAdminTransferCanceled(event: DefaultAdminTransferCanceled): void {
  governanceChange(event, "ADMIN_TRANSFER_CANCELED").save();
}

export function handleDefaultAdminDelayChangeScheduled(event: DefaultAdminDelayChangeScheduled): void {
  const change = governanceChange(event, "ADMIN_DELAY_CHANGE_SCHEDULED");
  change.newDelay = event.params.newDelay;
  change.schedule = event.params.effectSchedule;
  change.save();
}

export function handleDefaultAdminDelayChangeCanceled(event: DefaultAdminDelayChangeCanceled): void {
  governanceChange(event, "ADMIN_DELAY_CHANGE_CANCELED").save();
}
