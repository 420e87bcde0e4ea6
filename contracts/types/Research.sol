// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

/// @notice Lifecycle of a study. `Failed` is never stored: a study still `Funding` after its
/// deadline without reaching its goal reads as `Failed` from `statusOf`.
enum StudyStatus {
    Funding, // open to contributions until the deadline (inclusive)
    Funded, // the goal was reached by the deadline; data contributions may be submitted
    Failed, // the deadline passed without reaching the goal; contributors pull refunds
    Cancelled // the researcher cancelled before the goal was reached; contributors pull refunds
}

/// @notice Lifecycle of a patient's data contribution to a study (one per patient and study).
enum DataStatus {
    None,
    Submitted, // waits for the researcher's decision (at most `REVIEW_PERIOD`, then accepted by default)
    Accepted, // the reward accrued; the patient may claim it
    Rejected, // the researcher refused it with a reason; the patient may submit another record
    Paid // the reward was claimed
}

/// @notice Why a researcher refused a data contribution (logged; `Other` points to off-chain notes).
library RejectReason {
    uint8 internal constant NOT_DEIDENTIFIED = 1; // the delivered copy still identifies the patient
    uint8 internal constant UNREADABLE = 2; // no key was delivered, or the copy does not decrypt
    uint8 internal constant OUT_OF_PROTOCOL = 3; // the record does not meet the protocol's criteria
    uint8 internal constant OTHER = 4;
    uint8 internal constant MAX = OTHER;
}

/// @notice What a researcher submits to open a study.
/// @param token Funding token: zero for ETH, otherwise an ERC-20 that governance allows.
/// @param goal Amount to raise by the deadline; must cover `reward * maxContributions`.
/// @param deadline Last second contributions are accepted; at most `MAX_DURATION` ahead.
/// @param reward Paid per accepted data contribution, in `token`.
/// @param maxContributions Most data contributions the study pays for.
/// @param categories Bitmap of record `Category` values the study needs (non-zero).
/// @param protocolCid Binary CIDv1 of the protocol document (ethics approval inside).
struct StudyParams {
    address token;
    uint128 goal;
    uint48 deadline;
    uint128 reward;
    uint32 maxContributions;
    uint8 categories;
    bytes protocolCid;
}

/// @notice A study as views return it. `status` is the derived one (`Failed` included).
struct StudyInfo {
    address researcher;
    address token;
    uint48 deadline;
    StudyStatus status;
    uint8 categories;
    bool withdrawn;
    bool closed;
    uint32 maxContributions;
    uint32 accepted;
    uint32 pending;
    uint32 released;
    uint128 goal;
    uint128 raised;
    uint128 reward;
    bytes protocolCid;
}

/// @notice A patient's data contribution as views return it. `status` is the derived one: a
/// submission unanswered after `reviewDeadline` reads as `Accepted` (its reward is claimable).
/// `reviewDeadline` is zero unless the contribution is waiting for (or past) its review.
struct DataContribution {
    bytes32 recordId;
    DataStatus status;
    uint8 rejectReason;
    uint48 reviewDeadline;
}
