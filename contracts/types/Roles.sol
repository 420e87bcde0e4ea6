// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

/// @title Consortium role identifiers
/// @notice Roles a requester can hold when declaring a purpose. `HOSPITAL` and `DOCTOR` are not
/// granted through AccessControl's `grantRole`: they follow from `Consortium.admitHospital` and a
/// hospital's `proposeStaff` accepted by the staff member, so that suspending a hospital removes its staff's powers in one write.
library Roles {
    bytes32 internal constant HOSPITAL = keccak256("caduceus.role.HOSPITAL");
    bytes32 internal constant DOCTOR = keccak256("caduceus.role.DOCTOR");
    bytes32 internal constant RESEARCHER = keccak256("caduceus.role.RESEARCHER");
    bytes32 internal constant AUDITOR = keccak256("caduceus.role.AUDITOR");
    bytes32 internal constant PAYER = keccak256("caduceus.role.PAYER");
    bytes32 internal constant PUBLIC_HEALTH = keccak256("caduceus.role.PUBLIC_HEALTH");
    /// @dev Admin of HOSPITAL and DOCTOR in AccessControl; nobody holds it, so `grantRole` cannot
    /// bypass admission and staff bookkeeping.
    bytes32 internal constant UNGRANTABLE = keccak256("caduceus.role.UNGRANTABLE");
}
