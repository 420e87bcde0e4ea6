// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {DataContribution, StudyInfo, StudyParams, StudyStatus} from "../types/Research.sol";

/// @title Research pool: crowdfunded studies with all-or-nothing escrow and paid data contributions
/// @notice A verified researcher opens a study with a goal and a deadline. Anyone contributes while
/// it is funding; if the goal is reached by the deadline the researcher withdraws, after the
/// deadline, the funds minus a reserve that pays patients for accepted data contributions, otherwise
/// every contributor pulls a refund. The researcher cannot fund its own study. Patients contribute
/// anonymized records under an HRESCH grant (ConsentManager) and pull their reward; a submission the
/// researcher leaves unanswered for `REVIEW_PERIOD` is accepted by default. Every payment is a pull
/// to a recipient the caller names; amounts are tracked per study, never read from balances, so ETH
/// forced into the contract changes no outcome.
interface IResearchPool {
    /// @notice The caller is not a verified researcher.
    error ResearchNotResearcher(address account);
    /// @notice The caller is not the study's researcher.
    error ResearchNotStudyResearcher(address account, uint256 studyId);
    /// @notice The caller does not hold the consortium's governance role.
    error ResearchNotGovernance(address account);
    /// @notice The funding token is neither ETH (zero) nor an allowed ERC-20.
    error ResearchTokenNotAllowed(address token);
    /// @notice The goal is zero or does not cover `reward * maxContributions`.
    error ResearchInvalidGoal(uint128 goal, uint256 reserve);
    /// @notice The deadline is not in the future or more than `MAX_DURATION` ahead.
    error ResearchInvalidDeadline(uint48 deadline, uint48 latest);
    /// @notice The study pays no one: zero reward or zero maximum contributions.
    error ResearchInvalidRewards(uint128 reward, uint32 maxContributions);
    /// @notice The categories bitmap is empty or names an undefined category.
    error ResearchInvalidCategories(uint8 categories);
    /// @notice The protocol's CID is not a binary CIDv1 with a SHA2-256 multihash.
    error ResearchInvalidProtocolCid();
    /// @notice No study under that id.
    error ResearchUnknownStudy(uint256 studyId);
    /// @notice The study is not in the state the call needs.
    error ResearchWrongStatus(uint256 studyId, StudyStatus status);
    /// @notice A contribution of zero, or ETH sent with an ERC-20 study (or missing for an ETH one).
    error ResearchInvalidAmount(uint256 amount, uint256 value);
    /// @notice The token delivered less than it was asked to transfer (fee-on-transfer tokens are refused).
    error ResearchFeeOnTransfer(uint256 expected, uint256 received);
    /// @notice Nothing to refund to this account for this study.
    error ResearchNothingToRefund(uint256 studyId, address account);
    /// @notice The researcher already withdrew this study's funds.
    error ResearchAlreadyWithdrawn(uint256 studyId);
    /// @notice The researcher closed the study to data contributions.
    error ResearchStudyClosed(uint256 studyId);
    /// @notice The record is not the caller's, was not registered by an active hospital, or is
    /// outside the study's categories.
    error ResearchIneligibleRecord(bytes32 recordId);
    /// @notice The patient has no anonymized HRESCH grant to the researcher that covers the record.
    error ResearchNoConsent(address patient, bytes32 recordId);
    /// @notice The patient's contribution is not in the state the call needs.
    error ResearchWrongDataStatus(uint256 studyId, address patient);
    /// @notice The study already accepted its maximum number of contributions.
    error ResearchStudyFull(uint256 studyId, uint32 maxContributions);
    /// @notice Reject reasons are 1..`RejectReason.MAX`.
    error ResearchUnknownRejectReason(uint8 reason);
    /// @notice Sending ETH to `to` failed.
    error ResearchTransferFailed(address to, uint256 amount);
    /// @notice The study's researcher tried to fund its own study.
    error ResearchSelfFunding(uint256 studyId, address researcher);
    /// @notice Withdrawal and closing wait until the funding deadline has passed.
    error ResearchBeforeDeadline(uint256 studyId, uint48 deadline);
    /// @notice The review period of the submission is over: it counts as accepted and cannot be rejected.
    error ResearchReviewOver(uint256 studyId, address patient, uint48 reviewDeadline);
    /// @notice A payment to the zero address was asked for.
    error ResearchZeroRecipient();

    /// @notice Governance allowed or disallowed an ERC-20 as a funding token.
    event TokenAllowed(address indexed token, bool allowed);
    /// @notice A study opened for funding.
    event StudyCreated(
        uint256 indexed studyId,
        address indexed researcher,
        address indexed token,
        uint128 goal,
        uint48 deadline,
        uint128 reward,
        uint32 maxContributions,
        uint8 categories,
        bytes protocolCid
    );
    /// @notice `contributor` funded the study with `amount`; `raised` is the new total.
    event Contributed(uint256 indexed studyId, address indexed contributor, uint256 amount, uint256 raised);
    /// @notice The contribution that reached the goal.
    event StudyFunded(uint256 indexed studyId, uint256 raised);
    /// @notice The researcher cancelled the study before it was funded.
    event StudyCancelled(uint256 indexed studyId);
    /// @notice A contributor pulled back what it paid into a failed or cancelled study, paid to `to`.
    event Refunded(uint256 indexed studyId, address indexed contributor, address indexed to, uint256 amount);
    /// @notice The researcher withdrew a funded study's funds minus the reward reserve, paid to `to`.
    event FundsWithdrawn(uint256 indexed studyId, address indexed researcher, address indexed to, uint256 amount);
    /// @notice The researcher closed data collection (or, closed already, released slots that
    /// rejections freed since): `reserveReleased` of the unused reserve went to `to`.
    event StudyClosed(uint256 indexed studyId, address indexed to, uint256 reserveReleased);
    /// @notice A patient submitted a record (its de-identified copy was delivered through ConsentManager).
    event DataSubmitted(uint256 indexed studyId, address indexed patient, bytes32 indexed recordId);
    /// @notice The researcher accepted a data contribution (or its review period ended unanswered and
    /// the patient claimed it); `reward` accrued to the patient.
    event DataAccepted(uint256 indexed studyId, address indexed patient, bytes32 indexed recordId, uint256 reward);
    /// @notice The researcher refused a data contribution (`RejectReason`).
    event DataRejected(uint256 indexed studyId, address indexed patient, bytes32 indexed recordId, uint8 reason);
    /// @notice A patient pulled the reward of an accepted contribution, paid to `to`.
    event RewardClaimed(uint256 indexed studyId, address indexed patient, address indexed to, uint256 amount);

    /// @notice Governance allows (or stops allowing, for new studies) an ERC-20 as a funding token.
    function setTokenAllowed(address token, bool allowed) external;

    /// @notice A verified researcher opens a study; ids start at 1.
    function createStudy(StudyParams calldata params) external returns (uint256 studyId);

    /// @notice Funds a study that is still funding: `msg.value` for ETH, `amount` pulled with
    /// SafeERC20 for a token (approve first). Reaching the goal makes the study Funded at once. The
    /// study's researcher cannot contribute (its money would top up the shortfall it withdraws).
    function contribute(uint256 studyId, uint256 amount) external payable;

    /// @notice The researcher cancels a study that is still funding.
    function cancelStudy(uint256 studyId) external;

    /// @notice A contributor pulls back everything it paid into a failed or cancelled study.
    /// @param to Who receives it (the caller's own address, or another if the caller cannot receive).
    function refund(uint256 studyId, address to) external;

    /// @notice The researcher withdraws a funded study's funds minus the reward reserve, once, after
    /// the funding deadline.
    /// @param to Who receives it (non-zero).
    function withdraw(uint256 studyId, address to) external;

    /// @notice The researcher ends data collection of a funded study after its funding deadline: no
    /// more submissions; the reserve of the slots neither accepted nor pending goes to `to`. Pending
    /// submissions keep their slot and are still answered (or accepted by default after the review
    /// period). Called again on a closed study, it releases the slots that rejections freed since.
    /// @param to Who receives the released reserve (non-zero).
    function closeStudy(uint256 studyId, address to) external;

    /// @notice A patient submits one of its records to a funded, open study with a free slot (accepted
    /// plus pending below the maximum). The record must be
    /// registered by an active hospital for the caller in one of the study's categories, and the
    /// researcher must hold an anonymized HRESCH grant from the caller that covers it.
    function submitData(uint256 studyId, bytes32 recordId) external;

    /// @notice The researcher accepts a submitted contribution (also after closing); its reward
    /// accrues to the patient.
    function acceptContribution(uint256 studyId, address patient) external;

    /// @notice The researcher refuses a submitted contribution within its review period; the patient
    /// may submit another.
    function rejectContribution(uint256 studyId, address patient, uint8 reason) external;

    /// @notice A patient pulls the reward of its accepted contribution, or of a submission left
    /// unanswered for `REVIEW_PERIOD` (accepted by default: `DataAccepted` is emitted first).
    /// @param to Who receives it (non-zero).
    function claimReward(uint256 studyId, address to) external;

    /// @notice A study with its derived status.
    function getStudy(uint256 studyId) external view returns (StudyInfo memory);

    /// @notice The status of a study now (`Failed` included).
    function statusOf(uint256 studyId) external view returns (StudyStatus);

    /// @notice What `contributor` paid into the study and has not been refunded.
    function contributionOf(uint256 studyId, address contributor) external view returns (uint256);

    /// @notice A patient's data contribution to a study, with the derived status.
    function dataContributionOf(uint256 studyId, address patient) external view returns (DataContribution memory);

    /// @notice Whether governance allows `token` for new studies (always true for ETH, zero).
    function isTokenAllowed(address token) external view returns (bool);

    /// @notice Number of studies created.
    function studyCount() external view returns (uint256);
}
