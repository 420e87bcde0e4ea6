/**
 * Errors of the research workflows: the ResearchPool's custom errors turned into sentences that
 * say what happened and what to do (the action decides the sentence: a study that is not funding
 * means something else to a donor than to a patient), and the client's own refusals.
 */
import { formatEther, parseAbi, type Address, type Hex } from "viem";
import type { CaduceusChain } from "../chain/client.ts";
import { ContractRevertError } from "../chain/errors.ts";
import { MAX_REJECT_REASON, STUDY_STATUS } from "../chain/research.ts";
import { CaduceusError } from "../errors.ts";

/** A ResearchPool revert, explained; `code` stays `REVERT_<errorName>` like every other revert. */
export class ResearchRevertError extends ContractRevertError {}

/** The patient's HRESCH grant to the study's researcher is not in force (not joined, or not taken up yet). */
export class NotJoinedError extends CaduceusError {
  constructor(studyId: bigint) {
    super(
      "GRANT_NOT_IN_FORCE",
      `You have not joined study ${studyId}, or its researcher has not taken up your consent yet: run \`caduceus study join ${studyId}\` and wait for the researcher to admit you.`,
    );
  }
}

export class NoEligibleRecordError extends CaduceusError {
  constructor(studyId: bigint, categories: readonly string[]) {
    super(
      "NO_ELIGIBLE_RECORD",
      `None of your records can go to study ${studyId}: it needs a current, hospital-registered record in ${categories.join(", ")} that you have not offered it before.`,
    );
  }
}

export class NoContributionError extends CaduceusError {
  constructor(studyId: bigint, patient: Address) {
    super("NO_CONTRIBUTION", `${patient} has submitted no data to study ${studyId}.`);
  }
}

/** The delivered key opens the record itself, not a de-identified copy: the researcher must not read it. */
export class NotDeidentifiedError extends CaduceusError {
  constructor(recordId: Hex) {
    super(
      "CONTRIBUTION_NOT_DEIDENTIFIED",
      `The key delivered for record ${recordId} opens the identified record, not a de-identified copy; it was not opened. Reject the contribution as NOT_DEIDENTIFIED.`,
    );
  }
}

export class InvalidStudyError extends CaduceusError {
  constructor(message: string) {
    super("INVALID_STUDY", message);
  }
}

/** Errors the pool can surface from the contracts and tokens it calls, for decoding reverts. */
export const EXTERNAL_ERRORS = parseAbi([
  "error SafeERC20FailedOperation(address token)",
  "error ERC20InsufficientBalance(address sender, uint256 balance, uint256 needed)",
  "error ERC20InsufficientAllowance(address spender, uint256 allowance, uint256 needed)",
  "error ReentrancyGuardReentrantCall()",
]);

/** What each call needs, said when the study is in another state. */
const NEEDS: Record<string, string> = {
  contribute: "only a study that is still funding takes money",
  cancelStudy: "only a study that is still funding can be cancelled",
  refund: "refunds are paid only by failed or cancelled studies",
  withdraw: "its researcher withdraws only from a funded study",
  closeStudy: "only a funded study can be closed",
  submitData: "data is contributed only to a funded study",
  acceptContribution: "contributions are decided only in a funded study",
  rejectContribution: "contributions are decided only in a funded study",
};

const STATUS_HINT: Record<string, string> = {
  Funding: "it is still raising money",
  Funded: "it reached its goal",
  Failed: "its deadline passed without reaching the goal; donors pull refunds with `caduceus study refund`",
  Cancelled: "its researcher cancelled it; donors pull refunds with `caduceus study refund`",
};

type Explain = (args: readonly unknown[], fn: string) => string;
const date = (seconds: unknown) => new Date(Number(seconds) * 1000).toISOString();

const EXPLANATIONS: Record<string, Explain> = {
  ResearchNotResearcher: ([a]) => `${a} is not a verified researcher: the consortium's governance must verify the account before it opens studies.`,
  ResearchNotStudyResearcher: ([a, id]) => `${a} is not the researcher of study ${id}; only they may do this.`,
  ResearchNotGovernance: ([a]) => `${a} is not the consortium's governance.`,
  ResearchTokenNotAllowed: ([t]) => `${t} is not a funding token governance allows: fund studies in ETH or an allowed ERC-20.`,
  ResearchInvalidGoal: ([goal, reserve]) =>
    `The goal (${goal}) must be above zero and cover the reward reserve, reward × maximum contributions (${reserve}).`,
  ResearchInvalidDeadline: ([deadline, latest]) =>
    `The deadline ${date(deadline)} must be in the future and no later than ${date(latest)} (180 days ahead).`,
  ResearchInvalidRewards: ([reward, max]) => `A study must pay something: reward ${reward} and maximum contributions ${max} must both be above zero.`,
  ResearchInvalidCategories: ([c]) => `Categories bitmap ${c} names no record category or an undefined one.`,
  ResearchInvalidProtocolCid: () => "The protocol's CID is not a binary CIDv1 with a SHA2-256 hash.",
  ResearchUnknownStudy: ([id]) => `No study ${id} exists on this chain.`,
  ResearchWrongStatus: ([id, status], fn) => {
    const name = STUDY_STATUS[Number(status)] ?? String(status);
    return `Study ${id} is ${name.toLowerCase()} (${STATUS_HINT[name] ?? "see `caduceus study show`"}): ${NEEDS[fn] ?? "the call needs another state"}.`;
  },
  ResearchInvalidAmount: ([amount, value]) =>
    `Invalid payment (amount ${amount}, ETH attached ${formatEther(BigInt(value as bigint))}): pay a non-zero amount, in ETH for an ETH study or in its token otherwise.`,
  ResearchFeeOnTransfer: ([expected, received]) =>
    `The token delivered ${received} instead of ${expected}: fee-on-transfer tokens are refused.`,
  ResearchNothingToRefund: ([id, a]) => `${a} has nothing to refund from study ${id}: it paid nothing in, or already took it back.`,
  ResearchAlreadyWithdrawn: ([id]) => `The funds of study ${id} were already withdrawn; they are paid once.`,
  ResearchStudyClosed: ([id]) => `Study ${id} is closed to data contributions.`,
  ResearchIneligibleRecord: ([r]) =>
    `Record ${r} cannot be contributed: it must be yours, current, registered by an active hospital, and in one of the study's categories.`,
  ResearchNoConsent: ([p, r]) =>
    `The researcher holds no anonymized HRESCH grant from ${p} covering record ${r}: join the study first (\`caduceus study join\`) and wait for the researcher to admit you.`,
  ResearchWrongDataStatus: ([id, p], fn) =>
    fn === "claimReward"
      ? `${p} has no unclaimed reward in study ${id}: a reward is claimed once, after the researcher accepted the contribution.`
      : fn === "submitData"
        ? `${p} already has a contribution in study ${id} that is waiting, accepted or paid; another is possible only after a rejection.`
        : `${p} has no submitted contribution waiting for a decision in study ${id}.`,
  ResearchStudyFull: ([id, max]) => `Study ${id} already accepted its maximum of ${max} contributions.`,
  ResearchUnknownRejectReason: ([r]) => `Reject reason ${r} is not defined (use 1..${MAX_REJECT_REASON}).`,
  ResearchTransferFailed: ([to, amount]) =>
    `Sending ${formatEther(BigInt(amount as bigint))} ETH to ${to} failed: the receiving account refused it. Name another recipient (\`--to\`).`,
  ResearchSelfFunding: ([id, a]) => `${a} is the researcher of study ${id}: a researcher's own money does not fund its study.`,
  ResearchBeforeDeadline: ([id, deadline]) =>
    `Study ${id} is funded, but its money stays in until its funding deadline (${date(deadline)}) has passed: withdraw or close after that.`,
  ResearchReviewOver: ([id, p, deadline]) =>
    `The contribution of ${p} to study ${id} was not answered by its review deadline (${date(deadline)}): it counts as accepted and cannot be rejected.`,
  ResearchZeroRecipient: () => "Payments cannot go to the zero address: name a recipient.",
  SafeERC20FailedOperation: ([t]) => `The token ${t} refused the transfer (allowance or balance too low?).`,
  ERC20InsufficientBalance: ([who, balance, needed]) => `${who} holds ${balance} of the token but ${needed} is needed.`,
  ERC20InsufficientAllowance: ([, allowance, needed]) => `The pool may spend ${allowance} of your tokens but needs ${needed}: approve first.`,
};

/** The explained form of a revert of `fn`; any other error passes through. */
export function explainResearchError(error: unknown, fn: string): unknown {
  if (!(error instanceof ContractRevertError) || error instanceof ResearchRevertError) return error;
  const explain = EXPLANATIONS[error.errorName];
  if (!explain) return error;
  return new ResearchRevertError(error.errorName, error.args, explain(error.args, fn), error.cause ?? error);
}

/** The pool with the errors of what it calls, so every revert decodes by name. */
export function researchWriteAbi(chain: CaduceusChain) {
  return {
    address: chain.researchPool.address,
    abi: [
      ...chain.researchPool.abi,
      ...chain.consentManager.abi.filter((i) => i.type === "error"),
      ...chain.registry.abi.filter((i) => i.type === "error"),
      ...EXTERNAL_ERRORS,
    ],
  };
}

/** `chain.write` on the pool (simulate → send → receipt), with the pool's errors explained. */
export async function researchWrite(chain: CaduceusChain, fn: string, args: readonly unknown[], value?: bigint) {
  try {
    return await chain.write(researchWriteAbi(chain), fn, args, { value });
  } catch (error) {
    throw explainResearchError(error, fn);
  }
}

/** Simulates a pool call as the signer: the contract's verdict, explained, before any side effect. */
export async function researchSimulate(chain: CaduceusChain, fn: string, args: readonly unknown[]): Promise<void> {
  const account = chain.signer().account;
  try {
    await chain.call(() => chain.publicClient.simulateContract({ ...researchWriteAbi(chain), functionName: fn, args, account } as never));
  } catch (error) {
    throw explainResearchError(error, fn);
  }
}
