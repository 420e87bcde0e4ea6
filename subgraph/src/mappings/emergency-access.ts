// EmergencyAccess: contact configurations, doctors' requests, contacts' votes, emergency grants,
// record keys wrapped to the emergency key, and governance's limits.
import { Address, BigInt, Bytes, ethereum } from "@graphprotocol/graph-ts";
import {
  ContactsChangeCancelled,
  ContactsProposed,
  EmergencyApproved,
  EmergencyClosed,
  EmergencyGranted,
  EmergencyKeyPosted,
  EmergencyLimitsSet,
  EmergencyRejected,
  EmergencyRequested,
} from "../../generated/EmergencyAccess/EmergencyAccess";
import {
  EmergencyConfig,
  EmergencyContact,
  EmergencyEvent,
  EmergencyKey,
  EmergencyLimitsChange,
  EmergencyRequest,
  EmergencyVote,
} from "../../generated/schema";
import { countLogEntry, ensureAccount, ensurePatient, eventId, position } from "../helpers";

/** contracts/types/Emergency.sol `EmergencyStatus`, in order (only REJECTED and CANCELLED are ever emitted). */
const STATUSES = ["NONE", "OPEN", "GRANTED", "REJECTED", "CANCELLED", "EXPIRED"];

function configId(patient: Address, version: BigInt): Bytes {
  return patient.concatI32(version.toI32());
}

function requestId(patient: Address, doctor: Address, round: BigInt): Bytes {
  return patient.concat(doctor).concatI32(round.toI32());
}

/** A new access-log entry for an emergency milestone; the caller sets the kind's fields and saves. */
function emergencyEvent(event: ethereum.Event, kind: string, patient: Address, doctor: Address, round: BigInt): EmergencyEvent {
  const entry = new EmergencyEvent(eventId(event));
  entry.kind = kind;
  entry.request = requestId(patient, doctor, round);
  entry.patient = patient;
  entry.doctor = doctor;
  entry.round = round.toI32();
  entry.position = position(event);
  entry.blockNumber = event.block.number;
  entry.blockTimestamp = event.block.timestamp;
  entry.transactionHash = event.transaction.hash;
  countLogEntry(patient, false);
  return entry;
}

export function handleContactsProposed(event: ContactsProposed): void {
  const params = event.params;
  const patient = ensurePatient(params.patient);
  const config = new EmergencyConfig(configId(params.patient, params.version));
  config.patient = patient.id;
  config.version = params.version.toI32();
  config.threshold = params.threshold;
  config.sharesCid = params.sharesCid;
  config.activatesAt = params.activatesAt;
  config.proposedAt = event.block.timestamp;
  config.cancelled = false;
  config.transactionHash = event.transaction.hash;
  config.save();

  // A proposal still waiting for its delay is replaced by this one and never takes effect.
  if (params.version.gt(BigInt.fromI32(1))) {
    const latest = EmergencyConfig.load(configId(params.patient, params.version.minus(BigInt.fromI32(1))));
    if (latest != null) {
      if (!latest.cancelled) {
        if (latest.activatesAt.gt(event.block.timestamp)) {
          latest.replacedBy = config.id;
          latest.save();
        }
      }
    }
  }
  patient.latestEmergencyConfig = config.id;
  patient.save();

  const contacts = params.contacts;
  for (let i = 0; i < contacts.length; i++) {
    ensureAccount(contacts[i]);
    const seat = new EmergencyContact(config.id.concat(contacts[i]));
    seat.config = config.id;
    seat.patient = patient.id;
    seat.contact = contacts[i];
    seat.index = i;
    seat.save();
  }
}

export function handleContactsChangeCancelled(event: ContactsChangeCancelled): void {
  const config = EmergencyConfig.load(configId(event.params.patient, event.params.version));
  if (config == null) return; // cannot happen: only a proposed configuration can be cancelled
  config.cancelled = true;
  config.cancelledAt = event.block.timestamp;
  config.save();
}

export function handleEmergencyRequested(event: EmergencyRequested): void {
  const params = event.params;
  ensurePatient(params.patient);
  ensureAccount(params.doctor);
  const request = new EmergencyRequest(requestId(params.patient, params.doctor, params.round));
  request.patient = params.patient;
  request.doctor = params.doctor;
  request.round = params.round.toI32();
  request.config = configId(params.patient, params.configVersion);
  request.justification = params.justification;
  request.noteCid = params.noteCid;
  request.duration = params.duration;
  request.approveBy = params.approveBy;
  request.status = "OPEN";
  request.approvals = 0;
  request.rejections = 0;
  request.requestedAt = event.block.timestamp;
  request.blockNumber = event.block.number;
  request.logIndex = event.logIndex.toI32();
  request.transactionHash = event.transaction.hash;
  request.save();

  const entry = emergencyEvent(event, "REQUESTED", params.patient, params.doctor, params.round);
  entry.justification = params.justification;
  entry.approveBy = params.approveBy;
  entry.save();
}

/** Counts a contact's vote on its request and records it (saved by the caller). */
function vote(event: ethereum.Event, patient: Address, doctor: Address, round: BigInt, contact: Address, approved: boolean): EmergencyVote {
  const id = requestId(patient, doctor, round);
  const request = EmergencyRequest.load(id);
  if (request != null) {
    if (approved) request.approvals = request.approvals + 1;
    else request.rejections = request.rejections + 1;
    request.save();
  }
  ensureAccount(contact);
  const entry = new EmergencyVote(eventId(event));
  entry.request = id;
  entry.patient = patient;
  entry.doctor = doctor;
  entry.contact = contact;
  entry.approved = approved;
  entry.blockNumber = event.block.number;
  entry.blockTimestamp = event.block.timestamp;
  entry.transactionHash = event.transaction.hash;
  return entry;
}

export function handleEmergencyApproved(event: EmergencyApproved): void {
  const params = event.params;
  const entry = vote(event, params.patient, params.doctor, params.round, params.contact, true);
  entry.share = params.share;
  entry.save();
}

export function handleEmergencyRejected(event: EmergencyRejected): void {
  const params = event.params;
  vote(event, params.patient, params.doctor, params.round, params.contact, false).save();
}

export function handleEmergencyGranted(event: EmergencyGranted): void {
  const request = EmergencyRequest.load(requestId(event.params.patient, event.params.doctor, event.params.round));
  if (request == null) return; // cannot happen: only an open request is granted
  request.status = "GRANTED";
  request.expiresAt = event.params.expiresAt;
  request.grantedAt = event.block.timestamp;
  request.save();

  const entry = emergencyEvent(event, "GRANTED", event.params.patient, event.params.doctor, event.params.round);
  entry.expiresAt = event.params.expiresAt;
  entry.save();
}

export function handleEmergencyClosed(event: EmergencyClosed): void {
  const request = EmergencyRequest.load(requestId(event.params.patient, event.params.doctor, event.params.round));
  if (request == null) return; // cannot happen: only an open or granted request is closed
  ensureAccount(event.params.by);
  request.status = STATUSES[event.params.status];
  request.closedAt = event.block.timestamp;
  request.closedBy = event.params.by;
  request.save();

  const entry = emergencyEvent(event, "CLOSED", event.params.patient, event.params.doctor, event.params.round);
  entry.status = request.status;
  entry.closedBy = event.params.by;
  entry.save();
}

export function handleEmergencyKeyPosted(event: EmergencyKeyPosted): void {
  const params = event.params;
  ensurePatient(params.patient);
  const key = new EmergencyKey(eventId(event));
  key.patient = params.patient;
  key.record = params.recordId;
  key.config = configId(params.patient, params.configVersion);
  key.envelope = params.envelope;
  key.blockNumber = event.block.number;
  key.blockTimestamp = event.block.timestamp;
  key.transactionHash = event.transaction.hash;
  key.save();
}

export function handleEmergencyLimitsSet(event: EmergencyLimitsSet): void {
  const limits = event.params.limits;
  const change = new EmergencyLimitsChange(eventId(event));
  change.maxGrantDuration = limits.maxGrantDuration;
  change.approvalWindow = limits.approvalWindow;
  change.cooldown = limits.cooldown;
  change.blockNumber = event.block.number;
  change.blockTimestamp = event.block.timestamp;
  change.transactionHash = event.transaction.hash;
  change.save();
}
