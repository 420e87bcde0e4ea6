// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {IAccessControl} from "@openzeppelin/contracts/access/IAccessControl.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";

import {IConsentManager} from "./interfaces/IConsentManager.sol";
import {IConsortium} from "./interfaces/IConsortium.sol";
import {IRecordRegistry} from "./interfaces/IRecordRegistry.sol";
import {IResearchPool} from "./interfaces/IResearchPool.sol";
import {Purposes} from "./types/Purposes.sol";
import {Category, CidCodec, RecordInfo} from "./types/Records.sol";
import {DataContribution, DataStatus, RejectReason, StudyInfo, StudyParams, StudyStatus} from "./types/Research.sol";
import {Roles} from "./types/Roles.sol";

/// @title ResearchPool
/// @notice See {IResearchPool}. Every amount owed is tracked per study and per account, never read
/// from `address(this).balance` or a token balance, so ETH forced into the contract changes nothing.
/// Paying functions are `nonReentrant` (transient storage) and follow checks-effects-interactions.
contract ResearchPool is IResearchPool, ReentrancyGuardTransient {
    using SafeERC20 for IERC20;

    /// @notice The longest a study may stay open for funding.
    uint48 public constant MAX_DURATION = 180 days;
    /// @notice How long the researcher has to answer a data submission; unanswered after that, it
    /// counts as accepted and the patient may claim its reward.
    uint48 public constant REVIEW_PERIOD = 30 days;
    /// @notice Every `Category` bit at once; a study's categories must be a non-empty subset.
    uint8 public constant ALL_CATEGORIES = uint8((1 << (uint256(type(Category).max) + 1)) - 1);

    IConsortium public immutable CONSORTIUM;
    IRecordRegistry public immutable RECORDS;
    IConsentManager public immutable CONSENT;

    /// @dev A study in five slots, grouped by the calls that read them:
    /// slot 0 (contribute, refund, claim): token, deadline, status, categories, flags — 30 bytes;
    /// slot 1 (contribute, withdraw): goal and raised — 32 bytes, never zero after creation, so a
    /// contribution updates it for 5,000 gas instead of creating it;
    /// slot 2 (researcher checks, submit, accept, reject): researcher and the three slot counts —
    /// 32 bytes; slot 3: reward, the protocol CID's codec and the released slots — 21 bytes; slot 4:
    /// the protocol CID's digest (the CID is a fixed-format CIDv1, so its 36 bytes are rebuilt).
    /// The reserve has `maxContributions` slots: `accepted` (paid or payable), `pending` (submitted,
    /// not answered: still reserved) and `released` (given back at closing);
    /// `accepted + pending + released <= maxContributions` always.
    /// `deadline` is non-zero for every study: it marks existence for the calls reading slot 0 only.
    /// `raised` is the total ever contributed; refunds do not lower it.
    struct Study {
        address token;
        uint48 deadline;
        StudyStatus status;
        uint8 categories;
        bool withdrawn;
        bool closed;
        uint128 goal;
        uint128 raised;
        address researcher;
        uint32 maxContributions;
        uint32 accepted;
        uint32 pending;
        uint128 reward;
        uint8 protocolCodec;
        uint32 released;
        bytes32 protocolDigest;
    }

    /// @dev A patient's data contribution. The first slot (reward, status, reason, submission time:
    /// 24 bytes) is all `claimReward` touches for an accepted one; the reward is copied there on
    /// acceptance.
    struct Submission {
        uint128 reward;
        DataStatus status;
        uint8 rejectReason;
        uint48 submittedAt;
        bytes32 recordId;
    }

    uint256 private _studyCount;
    mapping(uint256 studyId => Study) private _studies;
    mapping(uint256 studyId => mapping(address contributor => uint256 amount)) private _contributions;
    mapping(uint256 studyId => mapping(address patient => Submission)) private _submissions;
    mapping(address token => bool allowed) private _allowedTokens;

    modifier onlyGovernance() {
        _checkGovernance();
        _;
    }

    constructor(IConsortium consortium, IRecordRegistry records, IConsentManager consent) {
        CONSORTIUM = consortium;
        RECORDS = records;
        CONSENT = consent;
    }

    // ------------------------------------------------------------ governance

    /// @inheritdoc IResearchPool
    function setTokenAllowed(address token, bool allowed) external onlyGovernance {
        // ETH is always allowed: toggling it would say something the contract does not do.
        if (token == address(0)) revert ResearchTokenNotAllowed(token);
        if (_allowedTokens[token] == allowed) return;
        _allowedTokens[token] = allowed;
        emit TokenAllowed(token, allowed);
    }

    // ------------------------------------------------------------ studies and funding

    /// @inheritdoc IResearchPool
    function createStudy(StudyParams calldata params) external returns (uint256 studyId) {
        if (!CONSORTIUM.holdsRole(Roles.RESEARCHER, msg.sender)) revert ResearchNotResearcher(msg.sender);
        if (params.token != address(0) && !_allowedTokens[params.token]) revert ResearchTokenNotAllowed(params.token);
        uint48 latest = uint48(block.timestamp) + MAX_DURATION;
        if (params.deadline <= block.timestamp || params.deadline > latest) {
            revert ResearchInvalidDeadline(params.deadline, latest);
        }
        if (params.reward == 0 || params.maxContributions == 0) {
            revert ResearchInvalidRewards(params.reward, params.maxContributions);
        }
        // Cannot overflow: a uint128 times a uint32 fits in 160 bits.
        uint256 reserve = uint256(params.reward) * params.maxContributions;
        // reserve >= 1 here, so this also refuses a zero goal.
        if (params.goal < reserve) revert ResearchInvalidGoal(params.goal, reserve);
        if (params.categories == 0 || params.categories > ALL_CATEGORIES) {
            revert ResearchInvalidCategories(params.categories);
        }
        if (!CidCodec.isCid(params.protocolCid)) revert ResearchInvalidProtocolCid();

        studyId = ++_studyCount;
        _studies[studyId] = Study({
            token: params.token,
            deadline: params.deadline,
            status: StudyStatus.Funding,
            categories: params.categories,
            withdrawn: false,
            closed: false,
            goal: params.goal,
            raised: 0,
            researcher: msg.sender,
            maxContributions: params.maxContributions,
            accepted: 0,
            pending: 0,
            reward: params.reward,
            protocolCodec: uint8(params.protocolCid[1]),
            released: 0,
            protocolDigest: bytes32(params.protocolCid[4:36])
        });
        emit StudyCreated(
            studyId,
            msg.sender,
            params.token,
            params.goal,
            params.deadline,
            params.reward,
            params.maxContributions,
            params.categories,
            params.protocolCid
        );
    }

    /// @inheritdoc IResearchPool
    function contribute(uint256 studyId, uint256 amount) external payable nonReentrant {
        Study storage s = _studies[studyId];
        address token = s.token;
        uint48 deadline = s.deadline;
        StudyStatus stored = s.status;
        if (deadline == 0) revert ResearchUnknownStudy(studyId);
        // Open until the deadline, inclusive.
        if (stored != StudyStatus.Funding || block.timestamp > deadline) {
            revert ResearchWrongStatus(studyId, _derive(stored, deadline));
        }
        if (amount == 0 || msg.value != (token == address(0) ? amount : 0)) {
            revert ResearchInvalidAmount(amount, msg.value);
        }
        // The researcher's own money would only top up the shortfall it is paid out of (all-or-nothing).
        if (msg.sender == s.researcher) revert ResearchSelfFunding(studyId, msg.sender);
        uint256 raised = s.raised + amount;
        // `raised` is a uint128: refuse what would not fit rather than wrap.
        if (raised > type(uint128).max) revert ResearchInvalidAmount(amount, msg.value);

        s.raised = uint128(raised);
        // Cannot overflow: the sum of one contributor's amounts is at most `raised`.
        unchecked {
            _contributions[studyId][msg.sender] += amount;
        }
        emit Contributed(studyId, msg.sender, amount, raised);
        if (raised >= s.goal) {
            s.status = StudyStatus.Funded;
            emit StudyFunded(studyId, raised);
        }
        if (token != address(0)) _pull(IERC20(token), amount);
    }

    /// @inheritdoc IResearchPool
    function cancelStudy(uint256 studyId) external {
        Study storage s = _existing(studyId);
        _checkStudyResearcher(s, studyId);
        StudyStatus status = _derive(s.status, s.deadline);
        if (status != StudyStatus.Funding) revert ResearchWrongStatus(studyId, status);
        s.status = StudyStatus.Cancelled;
        emit StudyCancelled(studyId);
    }

    /// @inheritdoc IResearchPool
    function refund(uint256 studyId, address to) external nonReentrant {
        if (to == address(0)) revert ResearchZeroRecipient();
        Study storage s = _studies[studyId];
        address token = s.token;
        uint48 deadline = s.deadline;
        if (deadline == 0) revert ResearchUnknownStudy(studyId);
        StudyStatus status = _derive(s.status, deadline);
        if (status != StudyStatus.Failed && status != StudyStatus.Cancelled) {
            revert ResearchWrongStatus(studyId, status);
        }
        uint256 amount = _contributions[studyId][msg.sender];
        if (amount == 0) revert ResearchNothingToRefund(studyId, msg.sender);
        _contributions[studyId][msg.sender] = 0;
        emit Refunded(studyId, msg.sender, to, amount);
        _pay(token, to, amount);
    }

    /// @inheritdoc IResearchPool
    function withdraw(uint256 studyId, address to) external nonReentrant {
        if (to == address(0)) revert ResearchZeroRecipient();
        Study storage s = _existing(studyId);
        _checkStudyResearcher(s, studyId);
        _checkFundedAndOver(s, studyId);
        if (s.withdrawn) revert ResearchAlreadyWithdrawn(studyId);
        s.withdrawn = true;
        // Cannot underflow: the study became Funded with raised >= goal >= reward * maxContributions.
        uint256 amount = s.raised - uint256(s.reward) * s.maxContributions;
        emit FundsWithdrawn(studyId, msg.sender, to, amount);
        _pay(s.token, to, amount);
    }

    /// @inheritdoc IResearchPool
    function closeStudy(uint256 studyId, address to) external nonReentrant {
        if (to == address(0)) revert ResearchZeroRecipient();
        Study storage s = _existing(studyId);
        _checkStudyResearcher(s, studyId);
        _checkFundedAndOver(s, studyId);
        // Pending submissions keep their slot: they are answered (or paid by default) later.
        // Cannot underflow: accepted + pending + released <= maxContributions (see `Study`).
        uint32 free = s.maxContributions - s.accepted - s.pending - s.released;
        // Closing again releases only the slots that rejections freed since.
        if (s.closed && free == 0) revert ResearchStudyClosed(studyId);
        s.closed = true;
        // Cannot overflow: released + free <= maxContributions.
        unchecked {
            s.released += free;
        }
        uint256 amount = uint256(s.reward) * free;
        emit StudyClosed(studyId, to, amount);
        _pay(s.token, to, amount);
    }

    // ------------------------------------------------------------ data contributions

    /// @inheritdoc IResearchPool
    function submitData(uint256 studyId, bytes32 recordId) external {
        Study storage s = _existing(studyId);
        if (s.status != StudyStatus.Funded) revert ResearchWrongStatus(studyId, _derive(s.status, s.deadline));
        if (s.closed) revert ResearchStudyClosed(studyId);
        Submission storage sub = _submissions[studyId][msg.sender];
        // One contribution per patient and study; a rejected one may be replaced.
        if (sub.status != DataStatus.None && sub.status != DataStatus.Rejected) {
            revert ResearchWrongDataStatus(studyId, msg.sender);
        }
        // Each submission holds a slot of the reserve until it is answered: a study whose slots are
        // all accepted or pending could not pay another one.
        uint32 maxContributions = s.maxContributions;
        uint32 pending = s.pending;
        if (s.accepted + pending >= maxContributions) revert ResearchStudyFull(studyId, maxContributions);
        _checkEligible(recordId, s.categories);
        address researcher = s.researcher;
        if (
            !CONSENT.canAccess(researcher, recordId, Purposes.HRESCH) ||
            !CONSENT.grantOf(msg.sender, researcher, Purposes.HRESCH).anonymized
        ) revert ResearchNoConsent(msg.sender, recordId);

        // Cannot overflow: pending < maxContributions (checked above).
        unchecked {
            s.pending = pending + 1;
        }
        sub.status = DataStatus.Submitted;
        sub.rejectReason = 0;
        sub.submittedAt = uint48(block.timestamp);
        sub.recordId = recordId;
        emit DataSubmitted(studyId, msg.sender, recordId);
    }

    /// @inheritdoc IResearchPool
    function acceptContribution(uint256 studyId, address patient) external {
        Study storage s = _existing(studyId);
        _checkStudyResearcher(s, studyId);
        Submission storage sub = _submissions[studyId][patient];
        // Also after closing, and after the review period (the same outcome as the default): a
        // pending submission holds its slot, so it is always within the maximum.
        if (sub.status != DataStatus.Submitted) revert ResearchWrongDataStatus(studyId, patient);
        _acceptPending(s);
        uint128 reward = s.reward;
        sub.reward = reward;
        sub.status = DataStatus.Accepted;
        emit DataAccepted(studyId, patient, sub.recordId, reward);
    }

    /// @inheritdoc IResearchPool
    function rejectContribution(uint256 studyId, address patient, uint8 reason) external {
        Study storage s = _existing(studyId);
        _checkStudyResearcher(s, studyId);
        if (reason == 0 || reason > RejectReason.MAX) revert ResearchUnknownRejectReason(reason);
        Submission storage sub = _submissions[studyId][patient];
        // Also after closing: a pending submission still gets its answer.
        if (sub.status != DataStatus.Submitted) revert ResearchWrongDataStatus(studyId, patient);
        // Too late: unanswered for the review period, the submission counts as accepted.
        uint48 reviewDeadline = sub.submittedAt + REVIEW_PERIOD;
        if (block.timestamp > reviewDeadline) revert ResearchReviewOver(studyId, patient, reviewDeadline);
        // Cannot underflow: a Submitted contribution is counted in `pending`. Its slot is free again
        // (after closing, `closeStudy` releases it).
        unchecked {
            --s.pending;
        }
        sub.status = DataStatus.Rejected;
        sub.rejectReason = reason;
        emit DataRejected(studyId, patient, sub.recordId, reason);
    }

    /// @inheritdoc IResearchPool
    function claimReward(uint256 studyId, address to) external nonReentrant {
        if (to == address(0)) revert ResearchZeroRecipient();
        Submission storage sub = _submissions[studyId][msg.sender];
        DataStatus status = sub.status;
        uint128 reward = sub.reward;
        if (status == DataStatus.Submitted && block.timestamp > sub.submittedAt + REVIEW_PERIOD) {
            // Unanswered for the review period: accepted by default, from the slot it holds.
            Study storage s = _studies[studyId];
            _acceptPending(s);
            reward = s.reward;
            sub.reward = reward;
            emit DataAccepted(studyId, msg.sender, sub.recordId, reward);
        } else if (status != DataStatus.Accepted) {
            revert ResearchWrongDataStatus(studyId, msg.sender);
        }
        sub.status = DataStatus.Paid;
        emit RewardClaimed(studyId, msg.sender, to, reward);
        _pay(_studies[studyId].token, to, reward);
    }

    // ------------------------------------------------------------ views

    /// @inheritdoc IResearchPool
    function getStudy(uint256 studyId) external view returns (StudyInfo memory info) {
        Study storage s = _existing(studyId);
        info = StudyInfo({
            researcher: s.researcher,
            token: s.token,
            deadline: s.deadline,
            status: _derive(s.status, s.deadline),
            categories: s.categories,
            withdrawn: s.withdrawn,
            closed: s.closed,
            maxContributions: s.maxContributions,
            accepted: s.accepted,
            pending: s.pending,
            released: s.released,
            goal: s.goal,
            raised: s.raised,
            reward: s.reward,
            protocolCid: abi.encodePacked(bytes1(0x01), s.protocolCodec, bytes2(0x1220), s.protocolDigest)
        });
    }

    /// @inheritdoc IResearchPool
    function statusOf(uint256 studyId) external view returns (StudyStatus) {
        Study storage s = _existing(studyId);
        return _derive(s.status, s.deadline);
    }

    /// @inheritdoc IResearchPool
    function contributionOf(uint256 studyId, address contributor) external view returns (uint256) {
        return _contributions[studyId][contributor];
    }

    /// @inheritdoc IResearchPool
    function dataContributionOf(uint256 studyId, address patient) external view returns (DataContribution memory) {
        Submission storage sub = _submissions[studyId][patient];
        DataStatus status = sub.status;
        uint48 reviewDeadline = status == DataStatus.Submitted ? sub.submittedAt + REVIEW_PERIOD : 0;
        if (status == DataStatus.Submitted && block.timestamp > reviewDeadline) status = DataStatus.Accepted;
        return
            DataContribution({
                recordId: sub.recordId,
                status: status,
                rejectReason: sub.rejectReason,
                reviewDeadline: reviewDeadline
            });
    }

    /// @inheritdoc IResearchPool
    function isTokenAllowed(address token) external view returns (bool) {
        return token == address(0) || _allowedTokens[token];
    }

    /// @inheritdoc IResearchPool
    function studyCount() external view returns (uint256) {
        return _studyCount;
    }

    // ------------------------------------------------------------ internals

    function _existing(uint256 studyId) private view returns (Study storage s) {
        s = _studies[studyId];
        if (s.deadline == 0) revert ResearchUnknownStudy(studyId);
    }

    /// @dev `Failed` is never stored: a study still funding after its deadline has failed.
    function _derive(StudyStatus stored, uint48 deadline) private view returns (StudyStatus) {
        if (stored == StudyStatus.Funding && block.timestamp > deadline) return StudyStatus.Failed;
        return stored;
    }

    function _checkGovernance() private view {
        if (!IAccessControl(address(CONSORTIUM)).hasRole(bytes32(0), msg.sender)) {
            revert ResearchNotGovernance(msg.sender);
        }
    }

    /// @dev Withdrawal and closing wait for the funding deadline: money that reached the goal stays
    /// in until then, so a top-up borrowed for one transaction (a flash loan) cannot be paid back
    /// out of the study.
    function _checkFundedAndOver(Study storage s, uint256 studyId) private view {
        uint48 deadline = s.deadline;
        if (s.status != StudyStatus.Funded) revert ResearchWrongStatus(studyId, _derive(s.status, deadline));
        if (block.timestamp <= deadline) revert ResearchBeforeDeadline(studyId, deadline);
    }

    /// @dev Moves one slot from `pending` to `accepted`. Cannot overflow or underflow: the caller
    /// holds a Submitted contribution, counted in `pending`, and accepted + pending <= maxContributions.
    function _acceptPending(Study storage s) private {
        unchecked {
            ++s.accepted;
            --s.pending;
        }
    }

    function _checkStudyResearcher(Study storage s, uint256 studyId) private view {
        if (s.researcher != msg.sender) revert ResearchNotStudyResearcher(msg.sender, studyId);
    }

    /// @dev The caller's own record, registered by a hospital that is active now, current (not
    /// superseded by an amendment) and in one of the study's categories.
    function _checkEligible(bytes32 recordId, uint8 categories) private view {
        if (!RECORDS.exists(recordId)) revert ResearchIneligibleRecord(recordId);
        RecordInfo memory r = RECORDS.getRecord(recordId);
        if (
            r.patient != msg.sender ||
            r.patientAuthored ||
            r.superseded ||
            !CONSORTIUM.isActiveHospital(r.provider) ||
            (categories >> uint8(r.category)) & 1 == 0
        ) revert ResearchIneligibleRecord(recordId);
    }

    /// @dev Pulls `amount` of `token` from the caller and refuses tokens that deliver anything else
    /// (fee-on-transfer, rebasing on transfer): every amount the pool owes is the amount it recorded.
    function _pull(IERC20 token, uint256 amount) private {
        uint256 before = token.balanceOf(address(this));
        token.safeTransferFrom(msg.sender, address(this), amount);
        uint256 balance = token.balanceOf(address(this));
        uint256 received = balance > before ? balance - before : 0;
        if (received != amount) revert ResearchFeeOnTransfer(amount, received);
    }

    /// @dev Pays `amount` of `token` (zero: ETH) to `to`; callers have already written their effects.
    function _pay(address token, address to, uint256 amount) private {
        if (amount == 0) return;
        if (token == address(0)) {
            // solhint-disable-next-line avoid-low-level-calls
            (bool ok, ) = to.call{value: amount}("");
            if (!ok) revert ResearchTransferFailed(to, amount);
        } else {
            IERC20(token).safeTransfer(to, amount);
        }
    }
}
