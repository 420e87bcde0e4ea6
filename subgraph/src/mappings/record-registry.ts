// RecordRegistry: record versions (amendments supersede, never overwrite) and integrity audits.
import { BigInt } from "@graphprotocol/graph-ts";
import { NoncesInvalidated as NoncesInvalidatedEvent, RecordAudited, RecordRegistered } from "../../generated/RecordRegistry/RecordRegistry";
import { Audit, NoncesInvalidated, Record } from "../../generated/schema";
import { ensureAccount, ensurePatient, eventId, isZero } from "../helpers";

/** contracts/types/Records.sol `Category`, in order. */
const CATEGORIES = ["VISIT", "LAB", "IMAGING", "MEDICATION", "IMMUNIZATION", "DOCUMENT", "OTHER"];
/** contracts/types/Records.sol `AuditOutcome`, in order. */
const AUDIT_OUTCOMES = ["INTACT", "MISMATCH", "UNAVAILABLE"];

export function handleRecordRegistered(event: RecordRegistered): void {
  const params = event.params;
  const patient = ensurePatient(params.patient);
  patient.recordCount = patient.recordCount + 1;
  patient.save();
  ensureAccount(params.provider);

  const record = new Record(params.recordId);
  record.patient = patient.id;
  record.provider = params.provider;
  record.hospitalId = params.hospitalId;
  record.patientAuthored = params.hospitalId.equals(BigInt.zero());
  // The provider of a hospital record is the hospital's account, which is the Hospital's id.
  if (!record.patientAuthored) record.hospital = params.provider;
  record.cid = params.cid;
  record.contentDigest = params.contentDigest;
  record.category = CATEGORIES[params.category];
  record.envelope = params.envelope;
  record.superseded = false;
  record.version = 1;
  record.firstVersion = record.id;
  if (!isZero(params.previousVersion)) {
    record.previousVersion = params.previousVersion;
    const previous = Record.load(params.previousVersion);
    if (previous != null) {
      previous.superseded = true;
      previous.nextVersion = record.id;
      previous.save();
      record.version = previous.version + 1;
      record.firstVersion = previous.firstVersion;
    }
  }
  record.registeredAt = event.block.timestamp;
  record.blockNumber = event.block.number;
  record.logIndex = event.logIndex.toI32();
  record.transactionHash = event.transaction.hash;
  record.save();
}

export function handleRecordAudited(event: RecordAudited): void {
  ensureAccount(event.params.auditor);
  const audit = new Audit(eventId(event));
  audit.record = event.params.recordId;
  audit.auditor = event.params.auditor;
  audit.outcome = AUDIT_OUTCOMES[event.params.outcome];
  audit.detailsCid = event.params.detailsCid;
  audit.blockNumber = event.block.number;
  audit.blockTimestamp = event.block.timestamp;
  audit.transactionHash = event.transaction.hash;
  audit.save();

  const record = Record.load(event.params.recordId);
  if (record != null) {
    record.lastAudit = audit.id;
    // As RecordRegistry.worstAudit: only an equally or more severe audit replaces the worst one.
    let replace = true;
    const worstId = record.worstAudit;
    if (worstId !== null) {
      const worst = Audit.load(worstId);
      if (worst !== null) replace = severity(audit.outcome) >= severity(worst.outcome);
    }
    if (replace) record.worstAudit = audit.id;
    record.save();
  }
}

export function handleNoncesInvalidated(event: NoncesInvalidatedEvent): void {
  ensureAccount(event.params.signer);
  const entity = new NoncesInvalidated(eventId(event));
  entity.signer = event.params.signer;
  entity.previousNonce = event.params.previousNonce;
  entity.newNonce = event.params.newNonce;
  entity.blockNumber = event.block.number;
  entity.blockTimestamp = event.block.timestamp;
  entity.transactionHash = event.transaction.hash;
  entity.save();
}

/** INTACT 0, UNAVAILABLE 1, MISMATCH 2. */
function severity(outcome: string): i32 {
  if (outcome == "MISMATCH") return 2;
  return outcome == "UNAVAILABLE" ? 1 : 0;
}
