// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

/// @title Record ids
/// @notice A record's id binds its writer (the registering hospital's account, or the patient for
/// a patient-authored record), its patient and its ciphertext's CID digest, as EAS binds the
/// attester into an attestation's UID: nobody but the writer can occupy a writer's record id, and a
/// retry of the same registration by the same writer lands on the same id.
library RecordIds {
    /// @dev `keccak256(abi.encode(writer, patient, cidDigest))`.
    function derive(address writer, address patient, bytes32 cidDigest) internal pure returns (bytes32 recordId) {
        return keccak256(abi.encode(writer, patient, cidDigest));
    }
}
