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
    /// @notice Every `Category` bit at once; a study's categories must be a non-empty subset.
    uint8 public constant ALL_CATEGORIES = uint8((1 << (uint256(type(Category).max) + 1)) - 1);

    IConsortium public immutable CONSORTIUM;
    IRecordRegistry public immutable RECORDS;
    IConsentManager public immutable CONSENT;

    /// @dev A study in five slots, grouped by the calls that read them:
    /// slot 0 (contribute, refund, claim): token, deadline, status, categories, flags — 30 bytes;
    /// slot 1 (contribute, withdraw): goal and raised — 32 bytes, never zero after creation, so a
    /// contribution updates it for 5,000 gas instead of creating it;
    /// slot 2 (researcher checks, accept): researcher and contribution counts — 28 bytes;
    /// slot 3: reward and the protocol CID's codec — 17 bytes; slot 4: the protocol CID's digest
    /// (the CID is a fixed-format CIDv1, so its 36 bytes are rebuilt from these two).
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
        uint128 reward;
        uint8 protocolCodec;
        bytes32 protocolDigest;
    }

    /// @dev A patient's data contribution. The first slot (reward, status, reason: 18 bytes) is all
    /// `claimReward` touches; the reward is copied there on acceptance.
    struct Submission {
        uint128 reward;
        DataStatus status;
        uint8 rejectReason;
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
            reward: params.reward,
            protocolCodec: uint8(params.protocolCid[1]),
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
    function refund(uint256 studyId) external nonReentrant {
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
        emit Refunded(studyId, msg.sender, amount);
        _pay(token, msg.sender, amount);
    }

    /// @inheritdoc IResearchPool
    function withdraw(uint256 studyId) external nonReentrant {
        Study storage s = _existing(studyId);
        _checkStudyResearcher(s, studyId);
        if (s.status != StudyStatus.Funded) revert ResearchWrongStatus(studyId, _derive(s.status, s.deadline));
        if (s.withdrawn) revert ResearchAlreadyWithdrawn(studyId);
        s.withdrawn = true;
        // Cannot underflow: the study became Funded with raised >= goal >= reward * maxContributions.
        uint256 amount = s.raised - uint256(s.reward) * s.maxContributions;
        emit FundsWithdrawn(studyId, msg.sender, amount);
        _pay(s.token, msg.sender, amount);
    }

    /// @inheritdoc IResearchPool
    function closeStudy(uint256 studyId) external nonReentrant {
        Study storage s = _existing(studyId);
        _checkStudyResearcher(s, studyId);
        if (s.status != StudyStatus.Funded) revert ResearchWrongStatus(studyId, _derive(s.status, s.deadline));
        if (s.closed) revert ResearchStudyClosed(studyId);
        s.closed = true;
        // Cannot underflow: `accepted` never exceeds `maxContributions`.
        uint256 released = uint256(s.reward) * (s.maxContributions - s.accepted);
        emit StudyClosed(studyId, released);
        _pay(s.token, msg.sender, released);
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
        // A full study could never accept it: the patient would share data for nothing.
        if (s.accepted >= s.maxContributions) revert ResearchStudyFull(studyId, s.maxContributions);
        _checkEligible(recordId, s.categories);
        address researcher = s.researcher;
        if (
            !CONSENT.canAccess(researcher, recordId, Purposes.HRESCH) ||
            !CONSENT.grantOf(msg.sender, researcher, Purposes.HRESCH).anonymized
        ) revert ResearchNoConsent(msg.sender, recordId);

        sub.status = DataStatus.Submitted;
        sub.rejectReason = 0;
        sub.recordId = recordId;
        emit DataSubmitted(studyId, msg.sender, recordId);
    }

    /// @inheritdoc IResearchPool
    function acceptContribution(uint256 studyId, address patient) external {
        Study storage s = _existing(studyId);
        _checkStudyResearcher(s, studyId);
        if (s.closed) revert ResearchStudyClosed(studyId);
        Submission storage sub = _submissions[studyId][patient];
        if (sub.status != DataStatus.Submitted) revert ResearchWrongDataStatus(studyId, patient);
        uint32 accepted = s.accepted;
        uint32 maxContributions = s.maxContributions;
        if (accepted >= maxContributions) revert ResearchStudyFull(studyId, maxContributions);
        // Cannot overflow: accepted < maxContributions <= type(uint32).max.
        unchecked {
            s.accepted = accepted + 1;
        }
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
        sub.status = DataStatus.Rejected;
        sub.rejectReason = reason;
        emit DataRejected(studyId, patient, sub.recordId, reason);
    }

    /// @inheritdoc IResearchPool
    function claimReward(uint256 studyId) external nonReentrant {
        Submission storage sub = _submissions[studyId][msg.sender];
        if (sub.status != DataStatus.Accepted) revert ResearchWrongDataStatus(studyId, msg.sender);
        uint128 reward = sub.reward;
        sub.status = DataStatus.Paid;
        emit RewardClaimed(studyId, msg.sender, reward);
        _pay(_studies[studyId].token, msg.sender, reward);
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
        return DataContribution({recordId: sub.recordId, status: sub.status, rejectReason: sub.rejectReason});
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
