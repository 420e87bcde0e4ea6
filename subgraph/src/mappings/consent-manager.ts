// ConsentManager: policies and their versions, grants, and the patient's access log.
import { Address, Bytes, ethereum } from "@graphprotocol/graph-ts";
import {
  AccessDecided,
  AccessRequested,
  AccessRevoked,
  AccessShared,
  KeyDelivered,
  PolicyRevoked,
  PolicySet,
} from "../../generated/ConsentManager/ConsentManager";
import { AccessEvent, Grant, Policy, PolicyRevocation, PolicyVersion } from "../../generated/schema";
import { countLogEntry, ensureAccount, ensurePatient, eventId, position } from "../helpers";

/** contracts/types/Access.sol `RequestOutcome`, in order. */
const OUTCOMES = ["GRANTED", "PENDING", "DENIED"];
/** contracts/types/Access.sol `DenyReason`, in order. */
const DENY_REASONS = [
  "NONE",
  "UNKNOWN_POLICY",
  "NOT_GRANTEE",
  "PURPOSE_NOT_BOUND",
  "PURPOSE_NOT_IN_POLICY",
  "RIGHT_NOT_IN_POLICY",
  "NOT_YET_VALID",
  "EXPIRED",
];
/** contracts/types/Access.sol `Rights.READ`: what a shared grant carries. */
const READ = 1;

function grantId(patient: Address, grantee: Address, purpose: i32): Bytes {
  return patient.concat(grantee).concatI32(purpose);
}

/** A new access-log entry with the fields every kind has; the caller sets the rest and saves. */
function accessEvent(event: ethereum.Event, kind: string, patient: Address, grantee: Address, purpose: i32): AccessEvent {
  ensurePatient(patient);
  ensureAccount(grantee);
  const entry = new AccessEvent(eventId(event));
  entry.kind = kind;
  entry.patient = patient;
  entry.grantee = grantee;
  const id = grantId(patient, grantee, purpose);
  if (Grant.load(id) != null) entry.grant = id;
  entry.purpose = purpose;
  entry.position = position(event);
  entry.blockNumber = event.block.number;
  entry.blockTimestamp = event.block.timestamp;
  entry.transactionHash = event.transaction.hash;
  countLogEntry(patient, kind == "KEY_DELIVERED");
  return entry;
}

export function handlePolicySet(event: PolicySet): void {
  const patient = ensurePatient(event.params.patient);
  const terms = event.params.terms;
  const policyId = patient.id.concat(event.params.policyId);

  const version = new PolicyVersion(eventId(event));
  version.policy = policyId;
  version.patient = patient.id;
  version.version = event.params.version.toI32();
  version.grantee = terms.grantee;
  version.role = terms.role;
  version.purposes = terms.purposes;
  version.rights = terms.rights;
  version.validFrom = terms.validFrom;
  version.validUntil = terms.validUntil;
  version.categories = terms.categories;
  version.recordId = terms.recordId;
  version.anonymizedOnly = terms.anonymizedOnly;
  version.autoApprove = terms.autoApprove;
  version.position = position(event);
  version.blockNumber = event.block.number;
  version.blockTimestamp = event.block.timestamp;
  version.transactionHash = event.transaction.hash;
  version.save();

  let policy = Policy.load(policyId);
  if (policy == null) {
    policy = new Policy(policyId);
    policy.patient = patient.id;
    policy.policyId = event.params.policyId;
  }
  policy.version = version.version;
  policy.active = true;
  policy.current = version.id;
  policy.revokedAt = null;
  policy.revocation = null;
  policy.save();
  countLogEntry(event.params.patient, false);
}

export function handlePolicyRevoked(event: PolicyRevoked): void {
  const policy = Policy.load(event.params.patient.concat(event.params.policyId));
  if (policy == null) return; // cannot happen: the contract only revokes policies it holds
  const revocation = new PolicyRevocation(eventId(event));
  revocation.policy = policy.id;
  revocation.patient = event.params.patient;
  revocation.policyId = event.params.policyId;
  revocation.version = event.params.version.toI32();
  revocation.position = position(event);
  revocation.blockNumber = event.block.number;
  revocation.blockTimestamp = event.block.timestamp;
  revocation.transactionHash = event.transaction.hash;
  revocation.save();

  policy.active = false;
  policy.revokedAt = event.block.timestamp;
  policy.revocation = revocation.id;
  policy.save();
  countLogEntry(event.params.patient, false);
}

export function handleAccessRequested(event: AccessRequested): void {
  const params = event.params;
  const outcome = OUTCOMES[params.outcome];
  if (outcome != "DENIED") {
    // A granted or pending request replaces the triple's grant with the policy's current terms.
    ensurePatient(params.patient);
    ensureAccount(params.requester);
    const id = grantId(params.patient, params.requester, params.purpose);
    let grant = Grant.load(id);
    if (grant == null) {
      grant = new Grant(id);
      grant.patient = params.patient;
      grant.grantee = params.requester;
      grant.purpose = params.purpose;
    }
    grant.status = outcome == "GRANTED" ? "ACTIVE" : "PENDING";
    grant.rights = params.rights;
    grant.expiresAt = params.expiresAt;
    const policy = Policy.load(params.patient.concat(params.policyId));
    grant.policyVersion = policy != null ? policy.current : null;
    grant.sharedBy = null;
    grant.updatedAt = event.block.timestamp;
    grant.lastEvent = eventId(event);
    grant.save();
  }

  const entry = accessEvent(event, "REQUESTED", params.patient, params.requester, params.purpose);
  entry.policyId = params.policyId;
  entry.rights = params.rights;
  entry.outcome = outcome;
  entry.denyReason = DENY_REASONS[params.reason];
  entry.expiresAt = params.expiresAt;
  entry.save();
}

export function handleAccessDecided(event: AccessDecided): void {
  const params = event.params;
  const grant = Grant.load(grantId(params.patient, params.requester, params.purpose));
  if (grant != null) {
    grant.status = params.approved ? "ACTIVE" : "DENIED";
    grant.lastEvent = eventId(event);
    grant.save();
  }
  const entry = accessEvent(event, "DECIDED", params.patient, params.requester, params.purpose);
  entry.approved = params.approved;
  entry.save();
}

export function handleAccessRevoked(event: AccessRevoked): void {
  const params = event.params;
  const grant = Grant.load(grantId(params.patient, params.grantee, params.purpose));
  if (grant != null) {
    grant.status = "REVOKED";
    grant.lastEvent = eventId(event);
    grant.save();
  }
  ensureAccount(params.by);
  const entry = accessEvent(event, "REVOKED", params.patient, params.grantee, params.purpose);
  entry.revokedBy = params.by;
  entry.save();
}

export function handleAccessShared(event: AccessShared): void {
  const params = event.params;
  ensurePatient(params.patient);
  ensureAccount(params.sharer);
  ensureAccount(params.recipient);
  const own = Grant.load(grantId(params.patient, params.sharer, params.purpose));
  const id = grantId(params.patient, params.recipient, params.purpose);
  let grant = Grant.load(id);
  if (grant == null) {
    grant = new Grant(id);
    grant.patient = params.patient;
    grant.grantee = params.recipient;
    grant.purpose = params.purpose;
  }
  // The contract gives a shared grant READ only, with the sharer's scope.
  grant.status = "ACTIVE";
  grant.rights = READ;
  grant.expiresAt = params.expiresAt;
  grant.policyVersion = own != null ? own.policyVersion : null;
  grant.sharedBy = params.sharer;
  grant.updatedAt = event.block.timestamp;
  grant.lastEvent = eventId(event);
  grant.save();

  const entry = accessEvent(event, "SHARED", params.patient, params.recipient, params.purpose);
  entry.sharer = params.sharer;
  entry.expiresAt = params.expiresAt;
  entry.save();
}

export function handleKeyDelivered(event: KeyDelivered): void {
  const params = event.params;
  ensureAccount(params.deliverer);
  const entry = accessEvent(event, "KEY_DELIVERED", params.patient, params.grantee, params.purpose);
  entry.record = params.recordId;
  entry.deliverer = params.deliverer;
  entry.copyCid = params.copyCid;
  entry.envelope = params.envelope;
  entry.save();
}
