// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {AuditOutcome, Category, NewRecord, RecordInfo, Audit} from "../types/Records.sol";

/// @title Registry of encrypted medical records
/// @notice Active hospitals (directly, or through an EIP-712 signature that anyone may relay) and
/// patients (for their own records) register pointers to encrypted records: the ciphertext's CID,
/// its digest, a coarse category and the record key wrapped to the patient. Nothing readable about
/// a patient is ever stored or emitted. A record never changes once written: an amendment is a new
/// record that supersedes the old one.
/// @dev A record's id is `keccak256(abi.encode(writer, patient, cidDigest))` (`RecordIds.derive`,
/// `recordIdOf`): the writer is the registering hospital's account (also for a relayed, signed
/// registration) or the patient for a patient-authored record; `cidDigest` is the SHA2-256 digest
/// inside the ciphertext's CIDv1. Nobody but the writer can occupy the writer's id, and a client
/// retry of the same registration by the same writer lands on the same id and is refused as a
/// duplicate.
interface IRecordRegistry {
    /// @notice `patient` is the zero address.
    error RecordRegistryZeroPatient();
    /// @notice The CID digest is zero.
    error RecordRegistryEmptyCid();
    /// @notice `codec` is neither raw (0x55) nor dag-pb (0x70).
    error RecordRegistryUnsupportedCodec(uint8 codec);
    /// @notice A dag-pb record needs the ciphertext's SHA-256 (`contentDigest`); it was zero.
    error RecordRegistryMissingContentDigest(bytes32 cidDigest);
    /// @notice A raw record's content digest is its CID digest; a different one was given.
    error RecordRegistryUnexpectedContentDigest(bytes32 cidDigest, bytes32 contentDigest);
    /// @notice `category` is not one of the `Category` values.
    error RecordRegistryUnknownCategory(uint8 category);
    /// @notice The key envelope is empty or longer than `max` bytes.
    error RecordRegistryInvalidEnvelope(uint256 length, uint256 max);
    /// @notice `account` was never admitted as a hospital.
    error RecordRegistryUnknownHospital(address account);
    /// @notice `account` is a suspended hospital.
    error RecordRegistryHospitalSuspended(address account, uint32 hospitalId);
    /// @notice This writer already registered this ciphertext for this patient (id `recordId`).
    error RecordRegistryDuplicateRecord(bytes32 recordId);
    /// @notice No record has id `recordId`.
    error RecordRegistryUnknownRecord(bytes32 recordId);
    /// @notice `recordId` was already superseded by `nextVersion`; amend the latest version.
    error RecordRegistryRecordSuperseded(bytes32 recordId, bytes32 nextVersion);
    /// @notice `caller` may not amend `recordId`: only its hospital (or its patient, when
    /// patient-authored) may.
    error RecordRegistryNotAuthor(address caller, bytes32 recordId);
    /// @notice An amendment must keep the record's patient (`expected`), not `given`.
    error RecordRegistryPatientMismatch(address expected, address given);
    /// @notice `registerOwn` was called for `patient` by someone else (`caller`).
    error RecordRegistryNotPatient(address caller, address patient);
    /// @notice The signature's `deadline` has passed.
    error RecordRegistryExpiredSignature(uint256 deadline);
    /// @notice The signature is not `hospital`'s for this record, nonce, chain and contract (also
    /// what a replayed or malleable signature gives).
    error RecordRegistryInvalidSignature(address hospital);
    /// @notice A batch must hold between 1 and `max` records; it held `size`.
    error RecordRegistryInvalidBatchSize(uint256 size, uint256 max);
    /// @notice `caller` is not a verified auditor.
    error RecordRegistryNotAuditor(address caller);
    /// @notice A page size of zero or above the maximum was asked for.
    error RecordRegistryInvalidPageSize(uint256 limit);
    /// @notice `invalidateNonces` needs a `newNonce` above the caller's `current` nonce by at most
    /// `MAX_NONCE_STEP`.
    error RecordRegistryInvalidNonce(uint256 current, uint256 newNonce);

    /// @notice A record was registered. Carries everything an indexer needs.
    /// @param recordId The record's id (`recordIdOf(provider, patient, cid digest)`).
    /// @param patient The record's subject.
    /// @param provider The registering hospital's account, or the patient for patient-authored records.
    /// @param hospitalId The hospital's compact id; 0 for patient-authored records.
    /// @param cid The ciphertext's full binary CIDv1.
    /// @param contentDigest SHA-256 of the whole ciphertext.
    /// @param category Coarse category.
    /// @param previousVersion The record this one supersedes, zero for a first version.
    /// @param envelope The record key wrapped to the patient.
    event RecordRegistered(
        bytes32 indexed recordId,
        address indexed patient,
        address indexed provider,
        uint32 hospitalId,
        bytes cid,
        bytes32 contentDigest,
        Category category,
        bytes32 previousVersion,
        bytes envelope
    );

    /// @notice `auditor` checked `recordId`'s stored ciphertext; details are in `detailsCid`.
    event RecordAudited(bytes32 indexed recordId, address indexed auditor, AuditOutcome outcome, bytes detailsCid);

    /// @notice `signer` moved its nonce from `previousNonce` to `newNonce`: its signatures for the
    /// nonces in between can no longer be used.
    event NoncesInvalidated(address indexed signer, uint256 previousNonce, uint256 newNonce);

    /// @notice Registers a record for `record.patient`. Active hospitals only.
    /// @return recordId The new record's id.
    function register(NewRecord calldata record) external returns (bytes32 recordId);

    /// @notice Registers up to `MAX_BATCH` records at once, all or nothing. Active hospitals only.
    function registerBatch(NewRecord[] calldata batch) external returns (bytes32[] memory recordIds);

    /// @notice Registers a record that `hospital` signed (EIP-712 `RegisterRecord`); anyone may
    /// submit it, which lets a relayer pay the gas. ERC-1271 contract wallets are accepted. The
    /// signed struct names `hospital`, so a signature made for one wallet is void for another
    /// wallet with the same owner. The record's writer (and id) is `hospital`, not the relayer.
    /// @param deadline Unix time after which the signature is void.
    /// @param signature `hospital`'s signature over itself, the record, its current nonce and `deadline`.
    function registerWithSig(
        NewRecord calldata record,
        address hospital,
        uint256 deadline,
        bytes calldata signature
    ) external returns (bytes32 recordId);

    /// @notice Registers a patient-authored record; `record.patient` must be the caller.
    function registerOwn(NewRecord calldata record) external returns (bytes32 recordId);

    /// @notice Registers `record` as the new version of `previousId`, which becomes superseded.
    /// Only the original hospital (while active), or the patient for patient-authored records.
    function amend(bytes32 previousId, NewRecord calldata record) external returns (bytes32 recordId);

    /// @notice Records the outcome of an integrity audit of `recordId`. Verified auditors only.
    /// @param detailsCid CID of the audit report (no personal data).
    function postAudit(bytes32 recordId, AuditOutcome outcome, bytes calldata detailsCid) external;

    /// @notice Moves the caller's signing nonce forward to `newNonce`, voiding every outstanding
    /// `registerWithSig` signature with a lower nonce (a hospital cancels what it signed). At most
    /// `MAX_NONCE_STEP` at once.
    function invalidateNonces(uint256 newNonce) external;

    /// @notice The record `recordId`; reverts for an unknown id. A raw record's content digest is
    /// not stored (zero here): it is the CID digest of its `RecordRegistered` event.
    function getRecord(bytes32 recordId) external view returns (RecordInfo memory);

    /// @notice The owner, the registering hospital's id (0 for patient-authored records) and the
    /// category of a record, from its single storage slot; reverts for an unknown id.
    function recordSummary(
        bytes32 recordId
    ) external view returns (address patient, uint32 hospitalId, Category category);

    /// @notice Whether a record with id `recordId` exists.
    function exists(bytes32 recordId) external view returns (bool);

    /// @notice The last audit of `recordId`, by any auditor (zero auditor when never audited).
    function lastAudit(bytes32 recordId) external view returns (Audit memory);

    /// @notice The most severe audit of `recordId` (Mismatch over Unavailable over Intact), the
    /// latest among equally severe ones: a later Intact never hides a failed audit. The last audit
    /// when every audit found it intact; zero auditor when never audited.
    function worstAudit(bytes32 recordId) external view returns (Audit memory);

    /// @notice The nonce the next `registerWithSig` signature of `signer` must carry.
    function nonces(address signer) external view returns (uint256);

    /// @notice The id a record of `patient` with CID digest `cidDigest` gets when `writer` (the
    /// hospital's account, or the patient for their own record) registers it.
    function recordIdOf(address writer, address patient, bytes32 cidDigest) external pure returns (bytes32);

    /// @notice Number of records (all versions) of `patient`.
    function recordCount(address patient) external view returns (uint256);

    /// @notice Record ids `[offset, offset + limit)` of `patient`, in registration order.
    function records(address patient, uint256 offset, uint256 limit) external view returns (bytes32[] memory);

    /// @notice Up to `limit` versions starting at `recordId` and walking back to the first.
    function versionHistory(bytes32 recordId, uint256 limit) external view returns (bytes32[] memory);

    /// @notice The EIP-712 digest `hospital` signs to register `record` with `nonce` and `deadline`.
    function registerDigest(
        NewRecord calldata record,
        address hospital,
        uint256 nonce,
        uint256 deadline
    ) external view returns (bytes32);
}
