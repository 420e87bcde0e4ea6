// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
import {SignatureChecker} from "@openzeppelin/contracts/utils/cryptography/SignatureChecker.sol";

import {IConsortium} from "./interfaces/IConsortium.sol";
import {IRecordRegistry} from "./interfaces/IRecordRegistry.sol";
import {Paging} from "./libraries/Paging.sol";
import {RecordIds} from "./libraries/RecordIds.sol";
import {Audit, AuditOutcome, Category, CidCodec, NewRecord, RecordInfo} from "./types/Records.sol";
import {Roles} from "./types/Roles.sol";

/// @title RecordRegistry
/// @notice See {IRecordRegistry}. Storage per record is one slot (plus the patient's list entry);
/// the CID bytes and the key envelope live only in the `RecordRegistered` event. A record's id is
/// `RecordIds.derive(writer, patient, cidDigest)`: it commits to the CID digest without storing it.
contract RecordRegistry is IRecordRegistry, EIP712 {
    /// @notice Largest batch `registerBatch` accepts.
    uint256 public constant MAX_BATCH = 100;
    /// @notice Largest key envelope accepted (an X-Wing hybrid envelope is about 1.2 KB).
    uint256 public constant MAX_ENVELOPE = 2048;
    /// @notice Multicodec of a single-block CID (raw) and of a UnixFS DAG (dag-pb).
    uint8 public constant CODEC_RAW = CidCodec.RAW;
    uint8 public constant CODEC_DAG_PB = CidCodec.DAG_PB;

    /// @notice Largest step `invalidateNonces` takes at once (keeps a nonce far from overflowing).
    uint256 public constant MAX_NONCE_STEP = type(uint16).max;

    bytes32 public constant REGISTER_TYPEHASH = keccak256(
        "RegisterRecord(address hospital,address patient,bytes32 cidDigest,uint8 cidCodec,bytes32 contentDigest,uint8 category,bytes32 envelopeHash,uint256 nonce,uint256 deadline)"
    );

    uint8 private constant _FLAG_DAG_PB = 1;
    uint8 private constant _FLAG_PATIENT_AUTHORED = 2;

    /// @dev A stored record. Fits in one slot (20 + 6 + 4 + 1 + 1 bytes).
    struct Record {
        address patient;
        uint48 registeredAt;
        uint32 hospitalId;
        Category category;
        uint8 flags;
    }

    /// @notice The consortium whose active hospitals may write.
    IConsortium public immutable CONSORTIUM;

    mapping(bytes32 recordId => Record) private _records;
    /// @dev Only for dag-pb records: a raw CID's digest is already the content's SHA-256.
    mapping(bytes32 recordId => bytes32 digest) private _contentDigests;
    mapping(bytes32 recordId => bytes32 previousId) private _previousVersions;
    mapping(bytes32 recordId => bytes32 nextId) private _nextVersions;
    mapping(bytes32 recordId => Audit) private _audits;
    /// @dev Only written by a failed audit (Unavailable or Mismatch): the most severe one, latest
    /// among equals, so that a later Intact cannot hide it.
    mapping(bytes32 recordId => Audit) private _worstAudits;
    mapping(address signer => uint256 nonce) private _nonces;
    mapping(address patient => uint256 count) private _recordCounts;
    mapping(address patient => mapping(uint256 index => bytes32 recordId)) private _patientRecords;

    constructor(IConsortium consortium) EIP712("Caduceus RecordRegistry", "1") {
        CONSORTIUM = consortium;
    }

    // ---------------------------------------------------------------- writes

    /// @inheritdoc IRecordRegistry
    function register(NewRecord calldata record) external returns (bytes32) {
        uint32 hospitalId = _activeHospitalId(msg.sender);
        return _store(record, msg.sender, hospitalId, 0, 0);
    }

    /// @inheritdoc IRecordRegistry
    function registerBatch(NewRecord[] calldata batch) external returns (bytes32[] memory recordIds) {
        uint256 size = batch.length;
        if (size == 0 || size > MAX_BATCH) {
            revert RecordRegistryInvalidBatchSize(size, MAX_BATCH);
        }
        uint32 hospitalId = _activeHospitalId(msg.sender);
        recordIds = new bytes32[](size);
        // Bounded by MAX_BATCH.
        for (uint256 i = 0; i < size; ++i) {
            recordIds[i] = _store(batch[i], msg.sender, hospitalId, 0, 0);
        }
    }

    /// @inheritdoc IRecordRegistry
    function registerWithSig(
        NewRecord calldata record,
        address hospital,
        uint256 deadline,
        bytes calldata signature
    ) external returns (bytes32) {
        if (block.timestamp > deadline) {
            revert RecordRegistryExpiredSignature(deadline);
        }
        uint32 hospitalId = _activeHospitalId(hospital);
        // Consuming the nonce before checking makes a replay fail the check: the digest moved on.
        bytes32 digest = _registerDigest(record, hospital, _useNonce(hospital), deadline);
        // SignatureChecker accepts ERC-1271 wallets and rejects malleable (high-s) ECDSA signatures.
        if (!SignatureChecker.isValidSignatureNow(hospital, digest, signature)) {
            revert RecordRegistryInvalidSignature(hospital);
        }
        return _store(record, hospital, hospitalId, 0, 0);
    }

    /// @inheritdoc IRecordRegistry
    function registerOwn(NewRecord calldata record) external returns (bytes32) {
        if (record.patient != msg.sender) {
            revert RecordRegistryNotPatient(msg.sender, record.patient);
        }
        return _store(record, msg.sender, 0, _FLAG_PATIENT_AUTHORED, 0);
    }

    /// @inheritdoc IRecordRegistry
    function amend(bytes32 previousId, NewRecord calldata record) external returns (bytes32 recordId) {
        Record memory previous = _existing(previousId);
        bytes32 next = _nextVersions[previousId];
        if (next != 0) {
            revert RecordRegistryRecordSuperseded(previousId, next);
        }
        if (record.patient != previous.patient) {
            revert RecordRegistryPatientMismatch(previous.patient, record.patient);
        }

        if (previous.flags & _FLAG_PATIENT_AUTHORED != 0) {
            if (msg.sender != previous.patient) {
                revert RecordRegistryNotAuthor(msg.sender, previousId);
            }
            recordId = _store(record, msg.sender, 0, _FLAG_PATIENT_AUTHORED, previousId);
        } else {
            if (CONSORTIUM.hospitalAccount(previous.hospitalId) != msg.sender) {
                revert RecordRegistryNotAuthor(msg.sender, previousId);
            }
            recordId = _store(record, msg.sender, _activeHospitalId(msg.sender), 0, previousId);
        }
        _previousVersions[recordId] = previousId;
        _nextVersions[previousId] = recordId;
    }

    /// @inheritdoc IRecordRegistry
    function postAudit(bytes32 recordId, AuditOutcome outcome, bytes calldata detailsCid) external {
        if (!CONSORTIUM.holdsRole(Roles.AUDITOR, msg.sender)) {
            revert RecordRegistryNotAuditor(msg.sender);
        }
        _existing(recordId);
        Audit memory audit = Audit({auditor: msg.sender, auditedAt: uint48(block.timestamp), outcome: outcome});
        _audits[recordId] = audit;
        // A failed audit stays visible: only an equally or more severe one replaces it, never an Intact.
        if (_severity(outcome) != 0 && _severity(outcome) >= _severity(_worstAudits[recordId].outcome)) {
            _worstAudits[recordId] = audit;
        }
        emit RecordAudited(recordId, msg.sender, outcome, detailsCid);
    }

    /// @inheritdoc IRecordRegistry
    function invalidateNonces(uint256 newNonce) external {
        uint256 current = _nonces[msg.sender];
        // Forward only (a signature never comes back to life), and by a bounded step.
        if (newNonce <= current || newNonce - current > MAX_NONCE_STEP) {
            revert RecordRegistryInvalidNonce(current, newNonce);
        }
        _nonces[msg.sender] = newNonce;
        emit NoncesInvalidated(msg.sender, current, newNonce);
    }

    // ---------------------------------------------------------------- views

    /// @inheritdoc IRecordRegistry
    function getRecord(bytes32 recordId) external view returns (RecordInfo memory info) {
        Record memory r = _existing(recordId);
        bool patientAuthored = r.flags & _FLAG_PATIENT_AUTHORED != 0;
        bool dagPb = r.flags & _FLAG_DAG_PB != 0;
        info = RecordInfo({
            patient: r.patient,
            provider: patientAuthored ? r.patient : CONSORTIUM.hospitalAccount(r.hospitalId),
            registeredAt: r.registeredAt,
            hospitalId: r.hospitalId,
            category: r.category,
            cidCodec: dagPb ? CODEC_DAG_PB : CODEC_RAW,
            patientAuthored: patientAuthored,
            superseded: _nextVersions[recordId] != 0,
            contentDigest: dagPb ? _contentDigests[recordId] : bytes32(0),
            previousVersion: _previousVersions[recordId],
            nextVersion: _nextVersions[recordId]
        });
    }

    /// @inheritdoc IRecordRegistry
    function recordSummary(
        bytes32 recordId
    ) external view returns (address patient, uint32 hospitalId, Category category) {
        Record memory r = _existing(recordId);
        return (r.patient, r.hospitalId, r.category);
    }

    /// @inheritdoc IRecordRegistry
    function exists(bytes32 recordId) public view returns (bool) {
        return _records[recordId].patient != address(0);
    }

    /// @inheritdoc IRecordRegistry
    function lastAudit(bytes32 recordId) external view returns (Audit memory) {
        return _audits[recordId];
    }

    /// @inheritdoc IRecordRegistry
    function worstAudit(bytes32 recordId) external view returns (Audit memory) {
        Audit memory worst = _worstAudits[recordId];
        return worst.auditor == address(0) ? _audits[recordId] : worst;
    }

    /// @inheritdoc IRecordRegistry
    function nonces(address signer) external view returns (uint256) {
        return _nonces[signer];
    }

    /// @inheritdoc IRecordRegistry
    function recordIdOf(address writer, address patient, bytes32 cidDigest) external pure returns (bytes32) {
        return RecordIds.derive(writer, patient, cidDigest);
    }

    /// @inheritdoc IRecordRegistry
    function recordCount(address patient) external view returns (uint256) {
        return _recordCounts[patient];
    }

    /// @inheritdoc IRecordRegistry
    function records(address patient, uint256 offset, uint256 limit) external view returns (bytes32[] memory ids) {
        _checkLimit(limit);
        (uint256 start, uint256 end) = Paging.bounds(_recordCounts[patient], offset, limit);
        ids = new bytes32[](end - start);
        for (uint256 i = start; i < end; ++i) {
            ids[i - start] = _patientRecords[patient][i];
        }
    }

    /// @inheritdoc IRecordRegistry
    function versionHistory(bytes32 recordId, uint256 limit) external view returns (bytes32[] memory ids) {
        _checkLimit(limit);
        _existing(recordId);
        ids = new bytes32[](limit);
        uint256 n = 0;
        for (bytes32 id = recordId; id != 0 && n < limit; id = _previousVersions[id]) {
            ids[n++] = id;
        }
        // Trim the array to the versions found; `n <= limit` so this only shrinks it.
        assembly ("memory-safe") {
            mstore(ids, n)
        }
    }

    /// @inheritdoc IRecordRegistry
    function registerDigest(
        NewRecord calldata record,
        address hospital,
        uint256 nonce,
        uint256 deadline
    ) external view returns (bytes32) {
        return _registerDigest(record, hospital, nonce, deadline);
    }

    // ---------------------------------------------------------------- internal

    /// @dev Validates and stores one record and emits `RecordRegistered`. The caller has already
    /// checked that `provider` may write.
    function _store(
        NewRecord calldata record,
        address provider,
        uint32 hospitalId,
        uint8 flags,
        bytes32 previousId
    ) private returns (bytes32 recordId) {
        bytes32 cidDigest = record.cidDigest;
        address patient = record.patient;
        if (patient == address(0)) {
            revert RecordRegistryZeroPatient();
        }
        if (cidDigest == 0) {
            revert RecordRegistryEmptyCid();
        }
        if (record.category > uint8(type(Category).max)) {
            revert RecordRegistryUnknownCategory(record.category);
        }
        uint256 envelopeLength = record.envelope.length;
        if (envelopeLength == 0 || envelopeLength > MAX_ENVELOPE) {
            revert RecordRegistryInvalidEnvelope(envelopeLength, MAX_ENVELOPE);
        }
        // The id binds the writer and the patient: nobody but this writer can occupy it first.
        recordId = RecordIds.derive(provider, patient, cidDigest);
        if (_records[recordId].patient != address(0)) {
            revert RecordRegistryDuplicateRecord(recordId);
        }
        bytes32 contentDigest = _checkContentDigest(cidDigest, record.cidCodec, record.contentDigest);
        if (record.cidCodec == CODEC_DAG_PB) {
            flags |= _FLAG_DAG_PB;
            _contentDigests[recordId] = contentDigest;
        }

        _records[recordId] = Record({
            patient: patient,
            registeredAt: uint48(block.timestamp),
            hospitalId: hospitalId,
            category: Category(record.category),
            flags: flags
        });
        uint256 index = _recordCounts[patient];
        _patientRecords[patient][index] = recordId;
        // A patient cannot own 2^256 records.
        unchecked {
            _recordCounts[patient] = index + 1;
        }
        _emitRegistered(recordId, record, provider, hospitalId, contentDigest, previousId);
    }

    /// @dev The content digest to record: a raw CID's digest is the content's SHA-256 itself (a
    /// different value given is a client bug); a dag-pb CID needs the separate digest.
    function _checkContentDigest(bytes32 cidDigest, uint8 codec, bytes32 contentDigest) private pure returns (bytes32) {
        if (codec == CODEC_RAW) {
            if (contentDigest != 0 && contentDigest != cidDigest) {
                revert RecordRegistryUnexpectedContentDigest(cidDigest, contentDigest);
            }
            return cidDigest;
        }
        if (codec != CODEC_DAG_PB) {
            revert RecordRegistryUnsupportedCodec(codec);
        }
        if (contentDigest == 0) {
            revert RecordRegistryMissingContentDigest(cidDigest);
        }
        return contentDigest;
    }

    function _emitRegistered(
        bytes32 recordId,
        NewRecord calldata record,
        address provider,
        uint32 hospitalId,
        bytes32 contentDigest,
        bytes32 previousId
    ) private {
        emit RecordRegistered(
            recordId,
            record.patient,
            provider,
            hospitalId,
            // CIDv1 binary: version 1, codec, multihash sha2-256 (0x12) of 32 bytes (0x20).
            abi.encodePacked(uint8(1), record.cidCodec, uint8(0x12), uint8(0x20), record.cidDigest),
            contentDigest,
            Category(record.category),
            previousId,
            record.envelope
        );
    }

    function _activeHospitalId(address account) private view returns (uint32) {
        IConsortium.Hospital memory h = CONSORTIUM.hospital(account);
        if (h.id == 0) {
            revert RecordRegistryUnknownHospital(account);
        }
        if (h.suspended) {
            revert RecordRegistryHospitalSuspended(account, h.id);
        }
        return h.id;
    }

    function _existing(bytes32 recordId) private view returns (Record memory r) {
        r = _records[recordId];
        if (r.patient == address(0)) {
            revert RecordRegistryUnknownRecord(recordId);
        }
    }

    /// @dev Returns the current nonce of `signer` and moves it on (checked: it cannot wrap around
    /// to an old, already signed value).
    function _useNonce(address signer) private returns (uint256 nonce) {
        nonce = _nonces[signer];
        _nonces[signer] = nonce + 1;
    }

    /// @dev Unavailable ranks above Intact and Mismatch above both.
    function _severity(AuditOutcome outcome) private pure returns (uint256) {
        if (outcome == AuditOutcome.Mismatch) {
            return 2;
        }
        return outcome == AuditOutcome.Unavailable ? 1 : 0;
    }

    function _registerDigest(
        NewRecord calldata record,
        address hospital,
        uint256 nonce,
        uint256 deadline
    ) private view returns (bytes32) {
        return
            _hashTypedDataV4(
                keccak256(
                    abi.encode(
                        REGISTER_TYPEHASH,
                        hospital,
                        record.patient,
                        record.cidDigest,
                        record.cidCodec,
                        record.contentDigest,
                        record.category,
                        keccak256(record.envelope),
                        nonce,
                        deadline
                    )
                )
            );
    }

    function _checkLimit(uint256 limit) private pure {
        if (!Paging.isValidLimit(limit)) {
            revert RecordRegistryInvalidPageSize(limit);
        }
    }
}
