// ResearchPool: studies, their funding, refunds and withdrawal, and patients' paid data contributions.
import { Address, BigInt, Bytes, ethereum } from "@graphprotocol/graph-ts";
import {
  Contributed,
  DataAccepted,
  DataRejected,
  DataSubmitted,
  FundsWithdrawn,
  Refunded,
  RewardClaimed,
  StudyCancelled,
  StudyClosed,
  StudyCreated,
  StudyFunded,
  TokenAllowed,
} from "../../generated/ResearchPool/ResearchPool";
import {
  DataContribution,
  DataContributionEvent,
  Funding,
  FundingToken,
  Refund,
  RewardClaim,
  Study,
  StudyFunder,
} from "../../generated/schema";
import { ensureAccount, ensurePatient, eventId, uint256Id } from "../helpers";

/** The history entry of a data contribution (saved by the caller after setting kind-specific fields). */
function dataEvent(event: ethereum.Event, study: Bytes, patient: Address, record: Bytes, kind: string): DataContributionEvent {
  const entry = new DataContributionEvent(eventId(event));
  entry.contribution = study.concat(patient);
  entry.study = study;
  entry.patient = patient;
  entry.record = record;
  entry.kind = kind;
  entry.blockNumber = event.block.number;
  entry.blockTimestamp = event.block.timestamp;
  entry.transactionHash = event.transaction.hash;
  return entry;
}

function funderOf(study: Bytes, contributor: Address): StudyFunder {
  const id = study.concat(contributor);
  let funder = StudyFunder.load(id);
  if (funder == null) {
    ensureAccount(contributor);
    funder = new StudyFunder(id);
    funder.study = study;
    funder.contributor = contributor;
    funder.contributed = BigInt.zero();
    funder.refunded = BigInt.zero();
  }
  return funder;
}

export function handleTokenAllowed(event: TokenAllowed): void {
  let token = FundingToken.load(event.params.token);
  if (token == null) token = new FundingToken(event.params.token);
  token.allowed = event.params.allowed;
  token.updatedAt = event.block.timestamp;
  token.save();
}

export function handleStudyCreated(event: StudyCreated): void {
  const params = event.params;
  ensureAccount(params.researcher);
  const study = new Study(uint256Id(params.studyId));
  study.studyId = params.studyId;
  study.researcher = params.researcher;
  study.token = params.token;
  study.goal = params.goal;
  study.deadline = params.deadline;
  study.reward = params.reward;
  study.maxContributions = params.maxContributions.toI32();
  study.categories = params.categories;
  study.protocolCid = params.protocolCid;
  study.raised = BigInt.zero();
  study.refunded = BigInt.zero();
  study.status = "FUNDING";
  study.withdrawn = false;
  study.closed = false;
  study.acceptedContributions = 0;
  study.rewardsClaimed = BigInt.zero();
  study.createdAt = event.block.timestamp;
  study.blockNumber = event.block.number;
  study.logIndex = event.logIndex.toI32();
  study.transactionHash = event.transaction.hash;
  study.save();
}

export function handleContributed(event: Contributed): void {
  const params = event.params;
  const id = uint256Id(params.studyId);
  const study = Study.load(id);
  if (study != null) {
    study.raised = params.raised;
    study.save();
  }
  const funder = funderOf(id, params.contributor);
  funder.contributed = funder.contributed.plus(params.amount);
  funder.save();

  const funding = new Funding(eventId(event));
  funding.study = id;
  funding.contributor = params.contributor;
  funding.amount = params.amount;
  funding.raised = params.raised;
  funding.blockNumber = event.block.number;
  funding.blockTimestamp = event.block.timestamp;
  funding.transactionHash = event.transaction.hash;
  funding.save();
}

export function handleStudyFunded(event: StudyFunded): void {
  const study = Study.load(uint256Id(event.params.studyId));
  if (study == null) return; // cannot happen: StudyCreated comes first
  study.status = "FUNDED";
  study.raised = event.params.raised;
  study.fundedAt = event.block.timestamp;
  study.save();
}

export function handleStudyCancelled(event: StudyCancelled): void {
  const study = Study.load(uint256Id(event.params.studyId));
  if (study == null) return;
  study.status = "CANCELLED";
  study.cancelledAt = event.block.timestamp;
  study.save();
}

export function handleRefunded(event: Refunded): void {
  const params = event.params;
  const id = uint256Id(params.studyId);
  const study = Study.load(id);
  if (study != null) {
    study.refunded = study.refunded.plus(params.amount);
    study.save();
  }
  const funder = funderOf(id, params.contributor);
  funder.refunded = funder.refunded.plus(params.amount);
  funder.save();

  const refund = new Refund(eventId(event));
  refund.study = id;
  refund.contributor = params.contributor;
  refund.recipient = params.to;
  refund.amount = params.amount;
  refund.blockNumber = event.block.number;
  refund.blockTimestamp = event.block.timestamp;
  refund.transactionHash = event.transaction.hash;
  refund.save();
}

export function handleFundsWithdrawn(event: FundsWithdrawn): void {
  const study = Study.load(uint256Id(event.params.studyId));
  if (study == null) return;
  study.withdrawn = true;
  study.withdrawnAmount = event.params.amount;
  study.save();
}

export function handleStudyClosed(event: StudyClosed): void {
  const study = Study.load(uint256Id(event.params.studyId));
  if (study == null) return;
  study.closed = true;
  // Closing again releases the slots rejections freed since: the amounts add up.
  const before = study.reserveReleased;
  if (before === null) study.reserveReleased = event.params.reserveReleased;
  else study.reserveReleased = before!.plus(event.params.reserveReleased);
  study.save();
}

export function handleDataSubmitted(event: DataSubmitted): void {
  const params = event.params;
  ensurePatient(params.patient);
  const study = uint256Id(params.studyId);
  const id = study.concat(params.patient);
  let contribution = DataContribution.load(id);
  if (contribution == null) {
    contribution = new DataContribution(id);
    contribution.study = study;
    contribution.patient = params.patient;
  }
  contribution.record = params.recordId;
  contribution.status = "SUBMITTED";
  contribution.reward = null;
  contribution.unset("rejectReason");
  contribution.submittedAt = event.block.timestamp;
  contribution.submittedAtBlock = event.block.number;
  contribution.submittedAtLogIndex = event.logIndex.toI32();
  contribution.save();

  dataEvent(event, study, params.patient, params.recordId, "SUBMITTED").save();
}

export function handleDataAccepted(event: DataAccepted): void {
  const params = event.params;
  const study = uint256Id(params.studyId);
  const s = Study.load(study);
  if (s != null) {
    s.acceptedContributions = s.acceptedContributions + 1;
    s.save();
  }
  const contribution = DataContribution.load(study.concat(params.patient));
  if (contribution != null) {
    contribution.status = "ACCEPTED";
    contribution.reward = params.reward;
    contribution.save();
  }
  const entry = dataEvent(event, study, params.patient, params.recordId, "ACCEPTED");
  entry.reward = params.reward;
  entry.save();
}

export function handleDataRejected(event: DataRejected): void {
  const params = event.params;
  const study = uint256Id(params.studyId);
  const contribution = DataContribution.load(study.concat(params.patient));
  if (contribution != null) {
    contribution.status = "REJECTED";
    contribution.rejectReason = params.reason;
    contribution.save();
  }
  const entry = dataEvent(event, study, params.patient, params.recordId, "REJECTED");
  entry.reason = params.reason;
  entry.save();
}

export function handleRewardClaimed(event: RewardClaimed): void {
  const params = event.params;
  const study = uint256Id(params.studyId);
  const s = Study.load(study);
  if (s != null) {
    s.rewardsClaimed = s.rewardsClaimed.plus(params.amount);
    s.save();
  }
  const id = study.concat(params.patient);
  const contribution = DataContribution.load(id);
  if (contribution != null) {
    contribution.status = "PAID";
    contribution.save();
  }
  const claim = new RewardClaim(eventId(event));
  claim.study = study;
  claim.patient = params.patient;
  claim.contribution = id;
  claim.recipient = params.to;
  claim.amount = params.amount;
  claim.blockNumber = event.block.number;
  claim.blockTimestamp = event.block.timestamp;
  claim.transactionHash = event.transaction.hash;
  claim.save();
}
