// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

/// @title Consortium roles of the Caduceus network
/// @notice Governance (a timelock or Safe in production) admits, suspends and reinstates hospitals,
/// verifies researchers, auditors, payers and public-health bodies (AccessControl `grantRole`), and
/// binds roles to the HL7 PurposeOfUse codes they may declare. Hospitals manage their own staff:
/// a hospital proposes an account, and the account joins only when it accepts (nobody becomes a
/// hospital's "doctor" without their own signature). Governance can remove any staff member.
/// A suspended hospital's staff lose every power at once: staff status is derived from the
/// hospital's status on each check, never copied per staff member.
interface IConsortium {
    /// @notice A hospital as stored. Fits in one slot.
    struct Hospital {
        uint32 id;
        uint48 admittedAt;
        bool suspended;
    }

    /// @notice `account` is the zero address.
    error ConsortiumZeroAddress();
    /// @notice `hospital` was admitted before (suspended or not).
    error ConsortiumHospitalAlreadyAdmitted(address hospital);
    /// @notice `account` was never admitted as a hospital.
    error ConsortiumUnknownHospital(address account);
    /// @notice `hospital` is suspended and cannot act until reinstated.
    error ConsortiumHospitalSuspended(address hospital);
    /// @notice `hospital` is already active, so it cannot be reinstated.
    error ConsortiumHospitalNotSuspended(address hospital);
    /// @notice `account` already works for `hospital`; staff belong to one hospital at a time.
    error ConsortiumAlreadyStaff(address account, address hospital);
    /// @notice `account` is not on `hospital`'s staff.
    error ConsortiumNotStaff(address account, address hospital);
    /// @notice Hospitals and staff are distinct accounts; `account` is already the other kind.
    error ConsortiumRoleConflict(address account);
    /// @notice `purposes` sets a bit above the highest defined PurposeOfUse code.
    error ConsortiumUnknownPurposes(uint256 purposes);
    /// @notice The initial role/purpose arrays differ in length.
    error ConsortiumLengthMismatch(uint256 roles, uint256 purposeSets);
    /// @notice `hospital` has no pending staff proposal for `account`.
    error ConsortiumNoStaffProposal(address hospital, address account);
    /// @notice `hospital` already proposed `account`; the proposal is pending.
    error ConsortiumStaffAlreadyProposed(address hospital, address account);
    /// @notice A page size of zero or above `MAX_PAGE` was asked for.
    error ConsortiumInvalidPageSize(uint256 limit);

    /// @notice `hospital` joined the consortium under `hospitalId`. `name` is the institution's
    /// public name; `metadataCid` points at its public profile (no personal data).
    event HospitalAdmitted(address indexed hospital, uint32 indexed hospitalId, string name, bytes metadataCid);
    /// @notice `hospital` was suspended: it and its staff lose every power until reinstated.
    event HospitalSuspended(address indexed hospital, uint32 indexed hospitalId);
    /// @notice `hospital` was reinstated.
    event HospitalReinstated(address indexed hospital, uint32 indexed hospitalId);
    /// @notice `hospital` proposed `staff` (a doctor); nothing changes until `staff` accepts.
    event StaffProposed(address indexed hospital, address indexed staff);
    /// @notice `hospital` withdrew its pending proposal to `staff`.
    event StaffProposalWithdrawn(address indexed hospital, address indexed staff);
    /// @notice `staff` accepted `hospital`'s proposal and is now on its staff.
    event StaffAdded(address indexed hospital, address indexed staff);
    /// @notice `staff` left `hospital`'s staff, removed by the hospital or by governance.
    event StaffRemoved(address indexed hospital, address indexed staff);
    /// @notice Governance set the purposes `role` may declare (bitmap of PurposeOfUse codes).
    event RolePurposesSet(bytes32 indexed role, uint256 purposes);

    /// @notice Admits the hospital `account`. Governance only.
    /// @param account The hospital's account (an EOA, Safe or any ERC-1271 wallet).
    /// @param name Public institution name; never a person's name.
    /// @param metadataCid CID of a public profile document.
    /// @return hospitalId The hospital's compact id (1, 2, …), used in record storage.
    function admitHospital(
        address account,
        string calldata name,
        bytes calldata metadataCid
    ) external returns (uint32 hospitalId);

    /// @notice Suspends an active hospital and, with it, all its staff. Governance only.
    function suspendHospital(address account) external;

    /// @notice Reinstates a suspended hospital. Governance only.
    function reinstateHospital(address account) external;

    /// @notice Proposes `account` for the calling hospital's staff; `account` joins when it calls
    /// `acceptStaff`. Active hospitals only; `account` must be neither a hospital nor anyone's staff.
    function proposeStaff(address account) external;

    /// @notice Withdraws the calling hospital's pending proposal to `account` (also while suspended).
    function withdrawStaffProposal(address account) external;

    /// @notice The caller accepts `employer`'s pending proposal and joins its staff. The hospital
    /// must not be suspended, and the caller must not have become a hospital or staff since.
    function acceptStaff(address employer) external;

    /// @notice Removes `account` from the calling hospital's staff (also while it is suspended).
    function removeStaff(address account) external;

    /// @notice Removes `account` from whichever hospital employs it, for instance the staff of a
    /// suspended hospital. Governance only.
    function dismissStaff(address account) external;

    /// @notice Sets the purposes `role` may declare. Governance only.
    function setRolePurposes(bytes32 role, uint256 purposes) external;

    /// @notice The stored hospital; `id == 0` when `account` was never admitted.
    function hospital(address account) external view returns (Hospital memory);

    /// @notice The account of the hospital with compact id `hospitalId` (zero if none).
    function hospitalAccount(uint32 hospitalId) external view returns (address);

    /// @notice Whether `account` is an admitted, unsuspended hospital.
    function isActiveHospital(address account) external view returns (bool);

    /// @notice The hospital `account` works for, zero if none.
    function employerOf(address account) external view returns (address);

    /// @notice Whether `account` is staff of an active hospital.
    function isActiveStaff(address account) external view returns (bool);

    /// @notice Whether `account` currently holds `role`: `HOSPITAL` and `DOCTOR` follow admission,
    /// suspension and staff lists; the others are AccessControl roles.
    function holdsRole(bytes32 role, address account) external view returns (bool);

    /// @notice The purposes `role` may declare.
    function rolePurposes(bytes32 role) external view returns (uint256);

    /// @notice Whether `account` holds a role bound to `purpose`.
    function mayDeclare(address account, uint8 purpose) external view returns (bool);

    /// @notice Number of hospitals ever admitted.
    function hospitalCount() external view returns (uint256);

    /// @notice Hospitals `[offset, offset + limit)` in admission order.
    function hospitals(uint256 offset, uint256 limit) external view returns (address[] memory);

    /// @notice Whether the hospital `employer` has a pending staff proposal for `account`.
    function isStaffProposed(address employer, address account) external view returns (bool);

    /// @notice Number of staff of `hospitalAccount_`.
    function staffCount(address hospitalAccount_) external view returns (uint256);

    /// @notice Staff `[offset, offset + limit)` of `hospitalAccount_` (order not guaranteed after removals).
    function staff(address hospitalAccount_, uint256 offset, uint256 limit) external view returns (address[] memory);
}
