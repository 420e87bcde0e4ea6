// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {
    ContactsConfig,
    EmergencyKey,
    EmergencyLimits,
    EmergencyRequest,
    EmergencyStatus,
    SignedApproval
} from "../types/Emergency.sol";

/// @title Emergency rescue: a doctor reads an unconscious patient's records once enough of the
/// patient's emergency contacts approve
/// @notice The quorum is enforced twice. Here: a request opens an ETREAT grant only after
/// `threshold` approvals by the contacts in force when it was opened. Off-chain: each approval
/// carries the contact's Shamir share of the patient's emergency key, re-wrapped to the doctor, and
/// record keys are wrapped to that emergency key; the doctor decrypts only with `threshold` shares.
interface IEmergencyAccess {
    /// @notice Contacts must number 2..MAX_CONTACTS, be distinct, non-zero and not the patient;
    /// 2 ≤ threshold ≤ contacts.
    error EmergencyInvalidContacts(uint256 count, uint8 threshold);
    /// @notice `contact` is zero, the patient, or listed twice.
    error EmergencyInvalidContact(address contact);
    /// @notice The shares object's CID is not a binary CIDv1 with a SHA2-256 multihash.
    error EmergencyInvalidSharesCid();
    /// @notice No configuration change is waiting to take effect.
    error EmergencyNoPendingChange(address patient);
    /// @notice The patient has no emergency contacts in force.
    error EmergencyNoContacts(address patient);
    /// @notice The caller is not a doctor of an active hospital, or doctors may not declare ETREAT.
    error EmergencyNotDoctor(address account);
    /// @notice A doctor cannot open an emergency request for themselves.
    error EmergencySelfRequest(address doctor);
    /// @notice Justification codes are 1..`Justification.MAX`.
    error EmergencyUnknownJustification(uint8 code);
    /// @notice The note's CID is malformed (it may be empty).
    error EmergencyInvalidNote();
    /// @notice The requested grant duration is zero or above the governance maximum.
    error EmergencyInvalidDuration(uint48 duration, uint48 max);
    /// @notice A doctor of `hospital` opened a request for `patient` less than the cooldown ago.
    error EmergencyCooldown(address patient, address hospital, uint48 readyAt);
    /// @notice The doctor already has an open request or a grant in force for this patient.
    error EmergencyRequestInProgress(address patient, address doctor);
    /// @notice Without the doctor (who may be a contact), too few contacts remain to reach the threshold.
    error EmergencyThresholdUnreachable(uint8 eligible, uint8 threshold);
    /// @notice The request takes no vote: never opened, rejected or cancelled; or granted, which
    /// still takes approvals (more key shares) but no rejection.
    error EmergencyNotOpen(address patient, address doctor);
    /// @notice Too late: an open request's approval window is over (`deadline` = `approveBy`), or a
    /// granted request's grant has ended (`deadline` = its expiry).
    error EmergencyRequestExpired(address patient, address doctor, uint48 deadline);
    /// @notice The account is not a contact of the configuration the request counts.
    error EmergencyNotContact(address account);
    /// @notice A doctor who is also a contact cannot vote on their own request.
    error EmergencySelfApproval(address doctor);
    /// @notice The contact has already approved or rejected this request.
    error EmergencyAlreadyVoted(address contact);
    /// @notice A re-wrapped key share is empty or longer than `MAX_ENVELOPE`.
    error EmergencyInvalidShare(uint256 length);
    /// @notice A signed approval's signature is not the contact's.
    error EmergencyInvalidSignature(address contact);
    /// @notice Zero items or more than the batch maximum.
    error EmergencyInvalidBatchSize(uint256 size, uint256 max);
    /// @notice Only the patient or the requesting doctor may close a request, and only while it
    /// is open or its grant is in force.
    error EmergencyCannotClose(address caller, EmergencyStatus status);
    /// @notice Limits out of bounds (see `setLimits`).
    error EmergencyInvalidLimits(EmergencyLimits limits);
    /// @notice Only governance (the consortium's admin) may do this.
    error EmergencyNotGovernance(address account);
    /// @notice No configuration with that version for the patient.
    error EmergencyUnknownConfig(address patient, uint32 version);
    /// @notice The record is not the patient's.
    error EmergencyNotPatientsRecord(bytes32 recordId, address patient);
    /// @notice Only the patient or the record's own active hospital posts emergency keys.
    error EmergencyNotKeyCustodian(address caller, bytes32 recordId);
    /// @notice An emergency key envelope is empty or longer than `MAX_ENVELOPE`.
    error EmergencyInvalidEnvelope(uint256 length);

    /// @notice A patient proposed contacts; they count from `activatesAt` (the security delay).
    /// `sharesCid` addresses the content-store object with the emergency public key and one
    /// wrapped share per contact.
    event ContactsProposed(
        address indexed patient,
        uint32 indexed version,
        address[] contacts,
        uint8 threshold,
        bytes sharesCid,
        uint48 activatesAt
    );
    /// @notice The patient cancelled a configuration before it took effect.
    event ContactsChangeCancelled(address indexed patient, uint32 indexed version);
    /// @notice A doctor asked for emergency access.
    event EmergencyRequested(
        address indexed patient,
        address indexed doctor,
        uint32 round,
        uint32 configVersion,
        uint8 justification,
        bytes noteCid,
        uint48 duration,
        uint48 approveBy
    );
    /// @notice A contact approved and posted their key share re-wrapped to the doctor.
    event EmergencyApproved(
        address indexed patient,
        address indexed doctor,
        address indexed contact,
        uint32 round,
        bytes share
    );
    /// @notice A contact rejected the request.
    event EmergencyRejected(address indexed patient, address indexed doctor, address indexed contact, uint32 round);
    /// @notice The threshold approved: the doctor may read (purpose ETREAT) until `expiresAt`.
    event EmergencyGranted(address indexed patient, address indexed doctor, uint32 round, uint48 expiresAt);
    /// @notice The request closed: rejected beyond reach of the threshold, or cancelled by `by`.
    event EmergencyClosed(
        address indexed patient,
        address indexed doctor,
        uint32 round,
        EmergencyStatus status,
        address by
    );
    /// @notice A record key wrapped to the patient's emergency key of configuration `configVersion`.
    event EmergencyKeyPosted(
        address indexed patient,
        bytes32 indexed recordId,
        uint32 indexed configVersion,
        bytes envelope
    );
    /// @notice Governance changed the limits.
    event EmergencyLimitsSet(EmergencyLimits limits);

    /// @notice Proposes the caller's emergency contacts and threshold; in force after the security
    /// delay (at once when it is zero). Replaces a proposal still waiting.
    function proposeContacts(
        address[] calldata contacts,
        uint8 threshold,
        bytes calldata sharesCid
    ) external returns (uint32 version);

    /// @notice Cancels the caller's configuration that has not yet taken effect.
    function cancelContactsChange() external;

    /// @notice A doctor of an active hospital asks for emergency access to `patient`'s records.
    /// Rate-limited per (patient, hospital): one request per cooldown for a patient from all the
    /// staff of a hospital, while a doctor may ask for several patients back to back.
    function request(
        address patient,
        uint8 justification,
        bytes calldata noteCid,
        uint48 duration
    ) external returns (uint32 round);

    /// @notice A contact approves `doctor`'s request, posting their re-wrapped key share: while it is
    /// open, and after the grant until the grant ends (a share past the threshold lets the doctor
    /// rebuild the key when another contact posted a bad one).
    function approve(address patient, address doctor, bytes calldata share) external;

    /// @notice A contact rejects `doctor`'s open request (not one already granted).
    function reject(address patient, address doctor) external;

    /// @notice Submits contacts' EIP-712-signed approvals in one transaction (anyone may relay).
    /// Every signature must be valid; a contact who has already voted on this round is skipped.
    function submitSignedApprovals(address patient, address doctor, SignedApproval[] calldata approvals) external;

    /// @notice The patient or the doctor closes an open request or ends a grant in force.
    function close(address patient, address doctor) external;

    /// @notice Posts record keys wrapped to the emergency key of configuration `configVersion`:
    /// by the patient, or by each record's own active hospital when it registers the record.
    function postKeys(address patient, uint32 configVersion, EmergencyKey[] calldata keys) external;

    /// @notice Governance sets the grant maximum, the approval window and the cooldown.
    function setLimits(EmergencyLimits calldata newLimits) external;

    /// @notice Whether `doctor` holds an emergency grant in force for `patient` (and still works
    /// for an active hospital).
    function hasEmergencyAccess(address patient, address doctor) external view returns (bool);

    /// @notice The configuration in force, its contacts and shares object.
    function contactsOf(
        address patient
    ) external view returns (ContactsConfig memory config, address[] memory contacts, bytes memory sharesCid);

    /// @notice The configuration waiting to take effect (version 0: none).
    function pendingContactsOf(
        address patient
    ) external view returns (ContactsConfig memory config, address[] memory contacts, bytes memory sharesCid);

    /// @notice Any configuration version, its contacts and shares object.
    function configAt(
        address patient,
        uint32 version
    ) external view returns (ContactsConfig memory config, address[] memory contacts, bytes memory sharesCid);

    /// @notice `doctor`'s latest request for `patient`, and its status with time applied.
    function requestOf(
        address patient,
        address doctor
    ) external view returns (EmergencyRequest memory req, EmergencyStatus status);

    /// @notice The limits in force.
    function limits() external view returns (EmergencyLimits memory);

    /// @notice The EIP-712 digest `contact` signs to approve round `round` of `doctor`'s request.
    function approvalDigest(
        address patient,
        address doctor,
        address contact,
        uint32 round,
        bytes calldata share
    ) external view returns (bytes32);
}
