// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

/// @title HL7 PurposeOfUse codes as bit positions
/// @notice A set of purposes is a `uint256` bitmap where bit `p` stands for purpose `p`; sets are
/// compared with one AND. The codes follow the HL7 v3 PurposeOfUse vocabulary
/// (http://terminology.hl7.org/ValueSet/v3-PurposeOfUse); `docs/purposes.md` lists their meanings.
library Purposes {
    uint8 internal constant TREAT = 0; // treatment
    uint8 internal constant ETREAT = 1; // emergency treatment
    uint8 internal constant HRESCH = 2; // healthcare research
    uint8 internal constant HPAYMT = 3; // healthcare payment
    uint8 internal constant PUBHLTH = 4; // public health
    uint8 internal constant PATRQT = 5; // patient requested
    uint8 internal constant HOPERAT = 6; // healthcare operations
    uint8 internal constant CAREMGT = 7; // care management

    /// @dev The highest code defined; a set with higher bits is malformed.
    uint8 internal constant MAX = CAREMGT;

    /// @dev Every defined purpose at once.
    uint256 internal constant ALL = (uint256(1) << (MAX + 1)) - 1;

    function bit(uint8 purpose) internal pure returns (uint256) {
        return uint256(1) << purpose;
    }

    function contains(uint256 set, uint8 purpose) internal pure returns (bool) {
        return purpose <= MAX && set & bit(purpose) != 0;
    }
}
