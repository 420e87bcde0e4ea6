// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {IAccessControl} from "@openzeppelin/contracts/access/IAccessControl.sol";
import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
import {SignatureChecker} from "@openzeppelin/contracts/utils/cryptography/SignatureChecker.sol";

import {IConsortium} from "./interfaces/IConsortium.sol";
import {IEmergencyAccess} from "./interfaces/IEmergencyAccess.sol";
import {IRecordRegistry} from "./interfaces/IRecordRegistry.sol";
import {
    ContactsConfig,
    EmergencyKey,
    EmergencyLimits,
    EmergencyRequest,
    EmergencyStatus,
    Justification,
    SignedApproval
} from "./types/Emergency.sol";
import {Purposes} from "./types/Purposes.sol";
import {CidCodec} from "./types/Records.sol";
import {Roles} from "./types/Roles.sol";

/// @title EmergencyAccess
/// @notice See {IEmergencyAccess}. A request costs one slot per (patient, doctor) and the
/// cooldown one slot per (patient, hospital); votes are a bitmap inside the request; key shares
/// and emergency key envelopes live only in events.
contract EmergencyAccess is IEmergencyAccess, EIP712 {
    /// @notice Most contacts a patient may name (votes are a 16-bit map).
    uint256 public constant MAX_CONTACTS = 10;
    /// @notice Largest key share or envelope accepted, as for record key envelopes.
    uint256 public constant MAX_ENVELOPE = 2048;
    /// @notice Most emergency keys posted in one call.
    uint256 public constant MAX_BATCH = 100;
    /// @notice Bounds governance may set limits within.
    uint48 public constant MAX_GRANT_CAP = 30 days;
    uint48 public constant MIN_APPROVAL_WINDOW = 5 minutes;
    uint48 public constant MAX_APPROVAL_WINDOW = 7 days;
    uint48 public constant MAX_COOLDOWN = 1 days;

    bytes32 public constant APPROVAL_TYPEHASH = keccak256(
        "EmergencyApproval(address patient,address doctor,address contact,uint32 round,bytes32 shareHash)"
    );

    IConsortium public immutable CONSORTIUM;
    IRecordRegistry public immutable RECORDS;
    /// @notice Seconds between a contacts proposal and the moment it counts.
    uint48 public immutable SECURITY_DELAY;

    EmergencyLimits private _limits;

    /// @dev Versions: `current` is in force; `next`, once proposed, takes over at its `activatesAt`;
    /// `latest` was the last one numbered (cancelled proposals keep their number).
    struct Versions {
        uint32 current;
        uint32 next;
        uint32 latest;
    }

    mapping(address patient => Versions) private _versions;
    mapping(address patient => mapping(uint32 version => ContactsConfig)) private _configAt;
    mapping(address patient => mapping(uint32 version => address[])) private _contacts;
    /// @dev Position + 1 of a contact in `_contacts`, 0 for strangers: O(1) membership.
    mapping(address patient => mapping(uint32 version => mapping(address contact => uint8))) private _contactSlot;
    mapping(address patient => mapping(uint32 version => bytes)) private _sharesCids;
    mapping(address patient => mapping(address doctor => EmergencyRequest)) private _requests;
    /// @dev When a doctor of `hospital` last opened a request for `patient` (the cooldown's key: a
    /// doctor may ask for several patients at once, a hospital's other staff do not reset it).
    mapping(address patient => mapping(address hospital => uint48)) private _lastRequestAt;

    modifier onlyGovernance() {
        if (!IAccessControl(address(CONSORTIUM)).hasRole(bytes32(0), msg.sender)) {
            revert EmergencyNotGovernance(msg.sender);
        }
        _;
    }

    constructor(
        IConsortium consortium,
        IRecordRegistry records,
        uint48 securityDelay,
        EmergencyLimits memory initialLimits
    ) EIP712("Caduceus EmergencyAccess", "1") {
        CONSORTIUM = consortium;
        RECORDS = records;
        SECURITY_DELAY = securityDelay;
        _setLimits(initialLimits);
    }

    // ------------------------------------------------------------ contacts

    /// @inheritdoc IEmergencyAccess
    function proposeContacts(
        address[] calldata contacts,
        uint8 threshold,
        bytes calldata sharesCid
    ) external returns (uint32 version) {
        uint256 count = contacts.length;
        if (count < 2 || count > MAX_CONTACTS || threshold < 2 || threshold > count) {
            revert EmergencyInvalidContacts(count, threshold);
        }
        if (!CidCodec.isCid(sharesCid)) revert EmergencyInvalidSharesCid();

        Versions memory v = _versions[msg.sender];
        // A proposal whose delay has passed is in force: it becomes `current` before it is replaced.
        if (v.next != 0 && block.timestamp >= _configAt[msg.sender][v.next].activatesAt) v.current = v.next;
        version = v.latest + 1;

        for (uint256 i = 0; i < count; ++i) {
            address contact = contacts[i];
            if (contact == address(0) || contact == msg.sender || _contactSlot[msg.sender][version][contact] != 0) {
                revert EmergencyInvalidContact(contact);
            }
            _contactSlot[msg.sender][version][contact] = uint8(i + 1);
        }
        _contacts[msg.sender][version] = contacts;
        _sharesCids[msg.sender][version] = sharesCid;
        uint48 activatesAt = uint48(block.timestamp) + SECURITY_DELAY;
        _configAt[msg.sender][version] = ContactsConfig(version, threshold, uint8(count), activatesAt);
        _versions[msg.sender] = Versions(v.current, version, version);
        emit ContactsProposed(msg.sender, version, contacts, threshold, sharesCid, activatesAt);
    }

    /// @inheritdoc IEmergencyAccess
    function cancelContactsChange() external {
        Versions storage v = _versions[msg.sender];
        uint32 next = v.next;
        if (next == 0 || block.timestamp >= _configAt[msg.sender][next].activatesAt) {
            revert EmergencyNoPendingChange(msg.sender);
        }
        v.next = 0;
        emit ContactsChangeCancelled(msg.sender, next);
    }

    // ------------------------------------------------------------ requests

    /// @inheritdoc IEmergencyAccess
    function request(
        address patient,
        uint8 justification,
        bytes calldata noteCid,
        uint48 duration
    ) external returns (uint32 round) {
        if (!_isEmergencyDoctor(msg.sender)) revert EmergencyNotDoctor(msg.sender);
        if (patient == msg.sender) revert EmergencySelfRequest(msg.sender);
        if (justification == 0 || justification > Justification.MAX)
            revert EmergencyUnknownJustification(justification);
        if (noteCid.length != 0 && !CidCodec.isCid(noteCid)) revert EmergencyInvalidNote();
        ContactsConfig memory config;
        uint48 approveBy;
        (round, config, approveBy) = _open(patient, duration);
        emit EmergencyRequested(
            patient,
            msg.sender,
            round,
            config.version,
            justification,
            noteCid,
            duration,
            approveBy
        );
    }

    /// @dev Checks limits, cooldown and contacts, and stores the caller's new request.
    function _open(
        address patient,
        uint48 duration
    ) private returns (uint32 round, ContactsConfig memory config, uint48 approveBy) {
        EmergencyLimits memory lim = _limits;
        if (duration == 0 || duration > lim.maxGrantDuration)
            revert EmergencyInvalidDuration(duration, lim.maxGrantDuration);
        // The doctor's employer: active, as `request` checked through `holdsRole`.
        address hospital = CONSORTIUM.employerOf(msg.sender);
        uint48 last = _lastRequestAt[patient][hospital];
        if (last != 0 && block.timestamp < last + lim.cooldown)
            revert EmergencyCooldown(patient, hospital, last + lim.cooldown);

        config = _inForce(patient);
        if (config.version == 0) revert EmergencyNoContacts(patient);
        uint8 eligible = config.count - (_contactSlot[patient][config.version][msg.sender] != 0 ? 1 : 0);
        if (eligible < config.threshold) revert EmergencyThresholdUnreachable(eligible, config.threshold);

        EmergencyRequest storage req = _requests[patient][msg.sender];
        EmergencyStatus status = _statusOf(req);
        if (status == EmergencyStatus.Open || status == EmergencyStatus.Granted) {
            revert EmergencyRequestInProgress(patient, msg.sender);
        }

        round = req.round + 1;
        approveBy = uint48(block.timestamp) + lim.approvalWindow;
        _requests[patient][msg.sender] = EmergencyRequest({
            round: round,
            configVersion: config.version,
            approveBy: approveBy,
            threshold: config.threshold,
            eligible: eligible,
            approvals: 0,
            rejections: 0,
            votes: 0,
            status: EmergencyStatus.Open,
            durationOrExpiry: duration
        });
        _lastRequestAt[patient][hospital] = uint48(block.timestamp);
    }

    /// @inheritdoc IEmergencyAccess
    function approve(address patient, address doctor, bytes calldata share) external {
        _approve(patient, doctor, msg.sender, share, false);
    }

    /// @inheritdoc IEmergencyAccess
    function reject(address patient, address doctor) external {
        EmergencyRequest storage req = _requests[patient][doctor];
        _recordVote(req, patient, doctor, msg.sender, false, false);
        uint8 rejections = ++req.rejections;
        emit EmergencyRejected(patient, doctor, msg.sender, req.round);
        if (req.eligible - rejections < req.threshold) {
            req.status = EmergencyStatus.Rejected;
            emit EmergencyClosed(patient, doctor, req.round, EmergencyStatus.Rejected, msg.sender);
        }
    }

    /// @inheritdoc IEmergencyAccess
    function submitSignedApprovals(address patient, address doctor, SignedApproval[] calldata approvals) external {
        uint256 size = approvals.length;
        if (size == 0 || size > MAX_CONTACTS) revert EmergencyInvalidBatchSize(size, MAX_CONTACTS);
        uint32 round = _requests[patient][doctor].round;
        for (uint256 i = 0; i < size; ++i) {
            SignedApproval calldata a = approvals[i];
            bytes32 digest = _approvalDigest(patient, doctor, a.contact, round, a.share);
            if (!SignatureChecker.isValidSignatureNow(a.contact, digest, a.signature)) {
                revert EmergencyInvalidSignature(a.contact);
            }
            // A contact already counted (who approved directly meanwhile, or is listed twice) is
            // skipped: one stale entry does not sink the others' approvals.
            _approve(patient, doctor, a.contact, a.share, true);
        }
    }

    /// @inheritdoc IEmergencyAccess
    function close(address patient, address doctor) external {
        EmergencyRequest storage req = _requests[patient][doctor];
        EmergencyStatus status = _statusOf(req);
        bool party = msg.sender == patient || msg.sender == doctor;
        if (!party || (status != EmergencyStatus.Open && status != EmergencyStatus.Granted)) {
            revert EmergencyCannotClose(msg.sender, status);
        }
        req.status = EmergencyStatus.Cancelled;
        emit EmergencyClosed(patient, doctor, req.round, EmergencyStatus.Cancelled, msg.sender);
    }

    // ------------------------------------------------------------ emergency keys

    /// @inheritdoc IEmergencyAccess
    function postKeys(address patient, uint32 configVersion, EmergencyKey[] calldata keys) external {
        uint256 size = keys.length;
        if (size == 0 || size > MAX_BATCH) revert EmergencyInvalidBatchSize(size, MAX_BATCH);
        if (_configAt[patient][configVersion].version == 0) revert EmergencyUnknownConfig(patient, configVersion);
        // The caller's hospital id, looked up once: zero for anyone but an active hospital.
        uint32 custodianId =
            msg.sender != patient && CONSORTIUM.isActiveHospital(msg.sender) ? CONSORTIUM.hospital(msg.sender).id : 0;
        for (uint256 i = 0; i < size; ++i) {
            EmergencyKey calldata k = keys[i];
            (address owner, uint32 hospitalId, ) = RECORDS.recordSummary(k.recordId);
            if (owner != patient) revert EmergencyNotPatientsRecord(k.recordId, patient);
            if (msg.sender != patient && (custodianId == 0 || custodianId != hospitalId)) {
                revert EmergencyNotKeyCustodian(msg.sender, k.recordId);
            }
            if (k.envelope.length == 0 || k.envelope.length > MAX_ENVELOPE) {
                revert EmergencyInvalidEnvelope(k.envelope.length);
            }
            emit EmergencyKeyPosted(patient, k.recordId, configVersion, k.envelope);
        }
    }

    // ------------------------------------------------------------ governance

    /// @inheritdoc IEmergencyAccess
    function setLimits(EmergencyLimits calldata newLimits) external onlyGovernance {
        _setLimits(newLimits);
    }

    // ------------------------------------------------------------ views

    /// @inheritdoc IEmergencyAccess
    function hasEmergencyAccess(address patient, address doctor) external view returns (bool) {
        return _statusOf(_requests[patient][doctor]) == EmergencyStatus.Granted && _isEmergencyDoctor(doctor);
    }

    /// @inheritdoc IEmergencyAccess
    function contactsOf(
        address patient
    ) external view returns (ContactsConfig memory config, address[] memory contacts, bytes memory sharesCid) {
        config = _inForce(patient);
        contacts = _contacts[patient][config.version];
        sharesCid = _sharesCids[patient][config.version];
    }

    /// @inheritdoc IEmergencyAccess
    function pendingContactsOf(
        address patient
    ) external view returns (ContactsConfig memory config, address[] memory contacts, bytes memory sharesCid) {
        uint32 next = _versions[patient].next;
        if (next != 0 && block.timestamp < _configAt[patient][next].activatesAt) {
            config = _configAt[patient][next];
            contacts = _contacts[patient][next];
            sharesCid = _sharesCids[patient][next];
        }
    }

    /// @inheritdoc IEmergencyAccess
    function configAt(
        address patient,
        uint32 version
    ) external view returns (ContactsConfig memory config, address[] memory contacts, bytes memory sharesCid) {
        config = _configAt[patient][version];
        if (config.version == 0) revert EmergencyUnknownConfig(patient, version);
        contacts = _contacts[patient][version];
        sharesCid = _sharesCids[patient][version];
    }

    /// @inheritdoc IEmergencyAccess
    function requestOf(
        address patient,
        address doctor
    ) external view returns (EmergencyRequest memory req, EmergencyStatus status) {
        req = _requests[patient][doctor];
        status = _statusOf(req);
    }

    /// @inheritdoc IEmergencyAccess
    function limits() external view returns (EmergencyLimits memory) {
        return _limits;
    }

    /// @inheritdoc IEmergencyAccess
    function approvalDigest(
        address patient,
        address doctor,
        address contact,
        uint32 round,
        bytes calldata share
    ) external view returns (bytes32) {
        return _approvalDigest(patient, doctor, contact, round, share);
    }

    // ------------------------------------------------------------ internals

    /// @dev Counts `contact`'s approval and publishes its share; at the threshold the grant opens.
    /// Approvals past the threshold still count and publish their shares (see `_recordVote`).
    function _approve(address patient, address doctor, address contact, bytes calldata share, bool skipVoted) private {
        if (share.length == 0 || share.length > MAX_ENVELOPE) revert EmergencyInvalidShare(share.length);
        EmergencyRequest storage req = _requests[patient][doctor];
        if (!_recordVote(req, patient, doctor, contact, true, skipVoted)) return;
        uint8 approvals = ++req.approvals;
        uint32 round = req.round;
        emit EmergencyApproved(patient, doctor, contact, round, share);
        if (approvals == req.threshold) {
            uint48 expiresAt = uint48(block.timestamp) + req.durationOrExpiry;
            req.status = EmergencyStatus.Granted;
            req.durationOrExpiry = expiresAt;
            emit EmergencyGranted(patient, doctor, round, expiresAt);
        }
    }

    /// @dev Checks that `contact` may vote now and marks the vote. Votes are taken while the request
    /// is open; approvals also after the grant, until it ends, so that one contact posting a bad key
    /// share cannot leave the doctor short of good ones (a veto). Returns false, marking nothing, when
    /// `skipVoted` and the contact has already voted.
    function _recordVote(
        EmergencyRequest storage req,
        address patient,
        address doctor,
        address contact,
        bool approval,
        bool skipVoted
    ) private returns (bool) {
        EmergencyStatus status = req.status;
        uint48 deadline;
        if (status == EmergencyStatus.Open) deadline = req.approveBy;
        else if (approval && status == EmergencyStatus.Granted) deadline = req.durationOrExpiry;
        else revert EmergencyNotOpen(patient, doctor);
        if (block.timestamp >= deadline) revert EmergencyRequestExpired(patient, doctor, deadline);
        uint8 slot = _contactSlot[patient][req.configVersion][contact];
        if (slot == 0) revert EmergencyNotContact(contact);
        if (contact == doctor) revert EmergencySelfApproval(contact);
        uint16 bit = uint16(1) << (slot - 1);
        if (req.votes & bit != 0) {
            if (skipVoted) return false;
            revert EmergencyAlreadyVoted(contact);
        }
        req.votes |= bit;
        return true;
    }

    function _statusOf(EmergencyRequest memory req) private view returns (EmergencyStatus) {
        if (req.status == EmergencyStatus.Open && block.timestamp >= req.approveBy) return EmergencyStatus.Expired;
        if (req.status == EmergencyStatus.Granted && block.timestamp >= req.durationOrExpiry) {
            return EmergencyStatus.Expired;
        }
        return req.status;
    }

    function _inForce(address patient) private view returns (ContactsConfig memory) {
        Versions memory v = _versions[patient];
        if (v.next != 0) {
            ContactsConfig memory next = _configAt[patient][v.next];
            if (block.timestamp >= next.activatesAt) return next;
        }
        return _configAt[patient][v.current];
    }

    /// @dev A doctor of an active hospital, while governance binds ETREAT to doctors.
    function _isEmergencyDoctor(address account) private view returns (bool) {
        return
            CONSORTIUM.holdsRole(Roles.DOCTOR, account) &&
            Purposes.contains(CONSORTIUM.rolePurposes(Roles.DOCTOR), Purposes.ETREAT);
    }

    function _setLimits(EmergencyLimits memory limits_) private {
        if (
            limits_.maxGrantDuration == 0 ||
            limits_.maxGrantDuration > MAX_GRANT_CAP ||
            limits_.approvalWindow < MIN_APPROVAL_WINDOW ||
            limits_.approvalWindow > MAX_APPROVAL_WINDOW ||
            limits_.cooldown > MAX_COOLDOWN
        ) revert EmergencyInvalidLimits(limits_);
        _limits = limits_;
        emit EmergencyLimitsSet(limits_);
    }

    /// @dev The signer (`contact`) is part of the signed struct: a signature for one ERC-1271
    /// wallet does not count for another wallet of the same owner.
    function _approvalDigest(
        address patient,
        address doctor,
        address contact,
        uint32 round,
        bytes calldata share
    ) private view returns (bytes32) {
        return
            _hashTypedDataV4(
                keccak256(abi.encode(APPROVAL_TYPEHASH, patient, doctor, contact, round, keccak256(share)))
            );
    }
}
