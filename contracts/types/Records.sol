// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

/// @title Multicodecs of the CIDs the registry accepts
/// @notice A ciphertext of one 1 MiB chunk or less is a single raw block; a larger one is a UnixFS
/// DAG whose root is dag-pb.
/// @dev Also keeps this file a compilation unit with a contract in it, which Hardhat 3's node needs
/// to decode build outputs.
library CidCodec {
    uint8 internal constant RAW = 0x55;
    uint8 internal constant DAG_PB = 0x70;

    /// @dev A binary CIDv1 with a 32-byte SHA2-256 multihash and a raw or dag-pb codec.
    function isCid(bytes calldata cid) internal pure returns (bool) {
        return
            cid.length == 36 &&
            cid[0] == 0x01 &&
            (uint8(cid[1]) == RAW || uint8(cid[1]) == DAG_PB) &&
            cid[2] == 0x12 &&
            cid[3] == 0x20;
    }
}

/// @notice Coarse record categories: the only clinical information the chain ever sees.
enum Category {
    Visit,
    Lab,
    Imaging,
    Medication,
    Immunization,
    Document,
    Other
}

/// @notice Outcome of an integrity audit of a record's stored ciphertext.
enum AuditOutcome {
    Intact, // the ciphertext was retrieved and matches the CID and digest on-chain
    Mismatch, // bytes were retrieved but do not match
    Unavailable // the ciphertext could not be retrieved
}

/// @notice A record registration as a hospital or patient submits it.
/// @param patient The record's subject; owner of its access policy.
/// @param cidDigest SHA2-256 digest inside the ciphertext's CIDv1 (the record id derives from it,
/// the writer and the patient: `RecordIds.derive` in `libraries/RecordIds.sol`).
/// @param cidCodec Multicodec of the CID: 0x55 (raw, one block) or 0x70 (dag-pb, UnixFS DAG).
/// @param contentDigest SHA-256 of the whole ciphertext; required for dag-pb CIDs, zero for raw
/// CIDs (where it equals `cidDigest`).
/// @param category Coarse category (`Category` as a number, checked on-chain).
/// @param envelope The record key wrapped to the patient's published encryption key (opaque).
struct NewRecord {
    address patient;
    bytes32 cidDigest;
    uint8 cidCodec;
    bytes32 contentDigest;
    uint8 category;
    bytes envelope;
}

/// @notice Everything stored about a record, as views return it. `contentDigest` is the
/// ciphertext's SHA-256 for a dag-pb record and zero for a raw one, whose content digest is its CID
/// digest: `RecordRegistered` carries it (the CID), and the record id commits to it.
struct RecordInfo {
    address patient;
    address provider;
    uint48 registeredAt;
    uint32 hospitalId;
    Category category;
    uint8 cidCodec;
    bool patientAuthored;
    bool superseded;
    bytes32 contentDigest;
    bytes32 previousVersion;
    bytes32 nextVersion;
}

/// @notice An integrity audit of a record. Fits in one slot.
struct Audit {
    address auditor;
    uint48 auditedAt;
    AuditOutcome outcome;
}
