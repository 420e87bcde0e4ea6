/**
 * Constants of the ResearchPool contract (`contracts/types/Research.sol`), shared by the client
 * library, the CLI, the web app and the tests.
 */

/** `StudyStatus` by numeric value; `Failed` is derived by the contract's views, never stored. */
export const STUDY_STATUS = ["Funding", "Funded", "Failed", "Cancelled"] as const;
export type StudyStatusName = (typeof STUDY_STATUS)[number];

/**
 * A study's status at `now` (Unix seconds) as the contract's `statusOf` derives it from the stored
 * one: a study still funding after its deadline has not reached its goal (reaching it stores
 * `Funded`), so it has `Failed`. Funding stays open through the deadline second.
 */
export function studyStatusAt(stored: StudyStatusName, deadline: number, now: number): StudyStatusName {
  return stored === "Funding" && now > deadline ? "Failed" : stored;
}

/** `DataStatus` by numeric value: a patient's data contribution to one study. */
export const DATA_STATUS = ["None", "Submitted", "Accepted", "Rejected", "Paid"] as const;
export type DataStatusName = (typeof DATA_STATUS)[number];

/** `RejectReason` codes (1..MAX). */
export const RejectReason = { NOT_DEIDENTIFIED: 1, UNREADABLE: 2, OUT_OF_PROTOCOL: 3, OTHER: 4 } as const;
export type RejectReasonName = keyof typeof RejectReason;
export const MAX_REJECT_REASON = RejectReason.OTHER;

/** What each reject reason tells the patient. */
export const REJECT_REASON_TEXT: Readonly<Record<RejectReasonName, string>> = {
  NOT_DEIDENTIFIED: "the delivered copy still identifies the patient",
  UNREADABLE: "no key was delivered, or the copy does not decrypt",
  OUT_OF_PROTOCOL: "the record does not meet the protocol's criteria",
  OTHER: "another reason, in the researcher's off-chain notes",
};

/** The name of a reject reason code; "Unknown(n)" for a code outside the table. */
export function rejectReasonName(code: number): RejectReasonName | `Unknown(${number})` {
  const name = (Object.keys(RejectReason) as RejectReasonName[]).find((k) => RejectReason[k] === code);
  return name ?? `Unknown(${code})`;
}

/** The longest a study may stay open for funding (the contract's `MAX_DURATION`, 180 days). */
export const MAX_STUDY_DURATION = 180 * 86_400;
