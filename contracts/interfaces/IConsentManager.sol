// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {DenyReason, Grant, KeyDelivery, PolicyTerms, RequestOutcome} from "../types/Access.sol";

/// @title Purpose-based access control with an on-chain access log
/// @notice Patients set policies; requesters declare a purpose and get a grant at once, after the
/// patient's approval, or a logged denial; grants expire by themselves and can be revoked; record
/// keys reach grantees as HPKE envelopes in events. Every step is an event: the access log.
interface IConsentManager {
    /// @notice A policy's terms are malformed: grantee and role both set or both zero, or the
    /// grantee is the patient.
    error ConsentInvalidGrantee(address grantee, bytes32 role);
    /// @notice Empty purpose set, or a bit beyond the defined PurposeOfUse codes.
    error ConsentUnknownPurposes(uint256 purposes);
    /// @notice Rights without READ, or with an undefined bit.
    error ConsentInvalidRights(uint8 rights);
    /// @notice The window is empty or already over.
    error ConsentInvalidWindow(uint48 validFrom, uint48 validUntil);
    /// @notice The scope names no category, an undefined category, or both a record and categories.
    error ConsentInvalidScope(uint8 categories, bytes32 recordId);
    /// @notice The record is not the patient's.
    error ConsentNotPatientsRecord(bytes32 recordId, address patient);
    /// @notice No policy under that id; for a request, also: the terms repeated are not its current
    /// version (the policy changed or was withdrawn).
    error ConsentUnknownPolicy(address patient, bytes32 policyId);
    /// @notice The requester is not the one the policy names, nor a holder of the role it names.
    /// Such a request is refused without a log entry, so strangers cannot fill a patient's log.
    error ConsentNotGrantee(address requester, address patient, bytes32 policyId);
    /// @notice A relayed policy's signature is past its deadline.
    error ConsentExpiredSignature(uint256 deadline);
    /// @notice A relayed policy's signature is not the patient's.
    error ConsentInvalidSignature(address patient);
    /// @notice A purpose code beyond the defined ones.
    error ConsentUnknownPurpose(uint8 purpose);
    /// @notice A request must ask for READ, and only for defined rights.
    error ConsentInvalidRequest(uint8 rights);
    /// @notice A pending request cannot replace a grant that is still in force.
    error ConsentGrantInForce(address patient, address grantee, uint8 purpose, uint48 expiresAt);
    /// @notice The grant is not in the state the call needs (pending to decide, in force to use).
    error ConsentGrantNotFound(address patient, address grantee, uint8 purpose);
    /// @notice The sharer's grant has no SHARE right, was itself shared, or the target already has
    /// a grant from the patient for that purpose.
    error ConsentCannotShare(address sharer, address recipient, uint8 purpose);
    /// @notice The caller may not deliver keys for this grant (only the patient, or the record's
    /// active hospital for a grant that is not anonymized).
    error ConsentNotKeyCustodian(address caller, bytes32 recordId);
    /// @notice The record is outside the grant's scope.
    error ConsentOutOfScope(bytes32 recordId);
    /// @notice An anonymized grant needs a de-identified copy; any other grant the record itself.
    error ConsentCopyRule(bytes32 recordId, bool anonymized);
    /// @notice Empty envelope or longer than the registry accepts.
    error ConsentInvalidEnvelope(uint256 length, uint256 max);
    /// @notice Zero deliveries, or more than `MAX_BATCH`.
    error ConsentInvalidBatchSize(uint256 size, uint256 max);
    /// @notice The caller may not revoke this grant.
    error ConsentNotGrantor(address caller);

    /// @notice A policy was created or replaced; `version` starts at 1 and increases by one.
    event PolicySet(address indexed patient, bytes32 indexed policyId, uint32 version, PolicyTerms terms);
    /// @notice A policy was withdrawn; requests citing any version of it are refused from now on.
    event PolicyRevoked(address indexed patient, bytes32 indexed policyId, uint32 version);
    /// @notice Every request of an account the cited policy addresses, whatever its outcome.
    event AccessRequested(
        address indexed patient,
        address indexed requester,
        bytes32 indexed policyId,
        uint8 purpose,
        uint8 rights,
        RequestOutcome outcome,
        DenyReason reason,
        uint48 expiresAt
    );
    /// @notice The patient approved (`approved`) or denied a pending request.
    event AccessDecided(address indexed patient, address indexed requester, uint8 purpose, bool approved);
    /// @notice A grant was revoked by `by` (the patient, or the sharer of a shared grant).
    event AccessRevoked(address indexed patient, address indexed grantee, uint8 purpose, address by);
    /// @notice A grantee passed READ on to `recipient` within its own grant.
    event AccessShared(
        address indexed patient,
        address indexed sharer,
        address indexed recipient,
        uint8 purpose,
        uint48 expiresAt
    );
    /// @notice A record key reached a grantee. `copyCid` is empty when the key opens the record itself.
    event KeyDelivered(
        address indexed patient,
        address indexed grantee,
        bytes32 indexed recordId,
        uint8 purpose,
        address deliverer,
        bytes copyCid,
        bytes envelope
    );

    /// @notice Creates or replaces the caller's policy `policyId` (an id of the patient's choosing).
    function setPolicy(bytes32 policyId, PolicyTerms calldata terms) external returns (uint32 version);

    /// @notice `setPolicy` for `patient`, authorised by the patient's EIP-712 signature over the
    /// policy id, the next version and the terms; relayed by anyone. A signature is only good for
    /// the version after the current one, so any change makes older signatures useless.
    function setPolicyWithSig(
        address patient,
        bytes32 policyId,
        PolicyTerms calldata terms,
        uint256 deadline,
        bytes calldata signature
    ) external returns (uint32 version);

    /// @notice Withdraws the caller's policy; grants already made stay until revoked or expired.
    /// Changing or withdrawing a policy does not touch grants made under an earlier version (a
    /// grantee who requested just before the change keeps the earlier terms): to end them, the
    /// patient revokes them after the change, and the grantee's next request then waits for the
    /// patient's approval.
    function revokePolicy(bytes32 policyId) external;

    /// @notice Asks for access under the patient's policy, repeating its current terms. A request
    /// citing terms that are not the policy's current version reverts (`ConsentUnknownPolicy`), as
    /// does one from an account the policy does not address (`ConsentNotGrantee`); other denials
    /// are logged and returned, not reverted. Under an auto-approving policy the grant is made at
    /// once, unless the patient revoked or denied the requester's last grant for this purpose:
    /// then the request waits for the patient's approval. `duration` shortens the grant (0: the
    /// policy's end).
    function requestAccess(
        address patient,
        bytes32 policyId,
        PolicyTerms calldata terms,
        uint8 purpose,
        uint8 rights,
        uint48 duration
    ) external returns (RequestOutcome outcome, DenyReason reason);

    /// @notice The patient grants a pending request.
    function approve(address requester, uint8 purpose) external;

    /// @notice The patient denies a pending request.
    function deny(address requester, uint8 purpose) external;

    /// @notice Ends a pending or active grant: by the patient, or by the sharer of a shared grant.
    /// The grantee's next request for this purpose waits for the patient's approval, even under an
    /// auto-approving policy. Keys already delivered stay readable to the grantee.
    function revoke(address patient, address grantee, uint8 purpose) external;

    /// @notice A grantee with SHARE passes READ to `recipient` for the same purpose, scope and at
    /// most the same window. Shared grants cannot be shared again and end with the sharer's grant
    /// for good: a later grant of the sharer (a new request, even under the same policy) does not
    /// revive them.
    function share(address patient, address recipient, uint8 purpose, uint48 expiresAt) external;

    /// @notice Posts record keys for a grantee with a grant in force. Callable by the patient, or
    /// by each record's own active hospital (as key custodian) for grants that are not anonymized.
    function deliverKeys(address patient, address grantee, uint8 purpose, KeyDelivery[] calldata deliveries) external;

    /// @notice Whether `requester` may read `recordId` for `purpose` now (the patient always may;
    /// for ETREAT, an emergency grant from the patient's contacts also counts).
    function canAccess(address requester, bytes32 recordId, uint8 purpose) external view returns (bool);

    /// @notice The stored grant for (patient, grantee, purpose), whatever its state.
    function grantOf(address patient, address grantee, uint8 purpose) external view returns (Grant memory);

    /// @notice The one record a record-scoped grant covers (zero otherwise).
    function grantRecord(address patient, address grantee, uint8 purpose) external view returns (bytes32);

    /// @notice Current version of a policy (0: never set) and whether it is in force.
    function policyVersion(address patient, bytes32 policyId) external view returns (uint32 version, bool active);

    /// @notice The EIP-712 struct hash of `terms`, as stored and as signed.
    function hashTerms(PolicyTerms calldata terms) external pure returns (bytes32);

    /// @notice The EIP-712 digest a patient signs for `setPolicyWithSig`.
    function setPolicyDigest(
        address patient,
        bytes32 policyId,
        uint32 version,
        PolicyTerms calldata terms,
        uint256 deadline
    ) external view returns (bytes32);
}
