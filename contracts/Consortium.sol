// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {AccessControlDefaultAdminRules} from "@openzeppelin/contracts/access/extensions/AccessControlDefaultAdminRules.sol";
import {EnumerableSet} from "@openzeppelin/contracts/utils/structs/EnumerableSet.sol";

import {IConsortium} from "./interfaces/IConsortium.sol";
import {Paging} from "./libraries/Paging.sol";
import {Purposes} from "./types/Purposes.sol";
import {Roles} from "./types/Roles.sol";

/// @title Consortium
/// @notice Roles of the Caduceus network. Governance is AccessControl's default admin, transferred
/// in two steps with a delay (`AccessControlDefaultAdminRules`).
contract Consortium is IConsortium, AccessControlDefaultAdminRules {
    using EnumerableSet for EnumerableSet.AddressSet;

    mapping(address account => Hospital) private _hospitals;
    mapping(uint32 hospitalId => address account) private _hospitalAccounts;
    EnumerableSet.AddressSet private _hospitalList;
    mapping(address staff => address hospital) private _employers;
    mapping(address hospital => EnumerableSet.AddressSet) private _staffLists;
    mapping(address hospital => mapping(address account => bool)) private _staffProposals;
    mapping(bytes32 role => uint256 purposes) private _rolePurposes;

    /// @param governance Initial default admin (timelock or Safe in production).
    /// @param adminTransferDelay Seconds a governance transfer waits before it can be accepted.
    /// @param roles Roles to bind to purposes at deployment.
    /// @param purposeSets Purpose bitmaps for `roles`, index by index.
    constructor(
        address governance,
        uint48 adminTransferDelay,
        bytes32[] memory roles,
        uint256[] memory purposeSets
    ) AccessControlDefaultAdminRules(adminTransferDelay, governance) {
        if (roles.length != purposeSets.length) {
            revert ConsortiumLengthMismatch(roles.length, purposeSets.length);
        }
        _setRoleAdmin(Roles.HOSPITAL, Roles.UNGRANTABLE);
        _setRoleAdmin(Roles.DOCTOR, Roles.UNGRANTABLE);
        // Bounded by the deployer's own calldata; runs once.
        for (uint256 i = 0; i < roles.length; ++i) {
            _setRolePurposes(roles[i], purposeSets[i]);
        }
    }

    // ---------------------------------------------------------------- governance

    /// @inheritdoc IConsortium
    function admitHospital(
        address account,
        string calldata name,
        bytes calldata metadataCid
    ) external onlyRole(DEFAULT_ADMIN_ROLE) returns (uint32 hospitalId) {
        if (account == address(0)) {
            revert ConsortiumZeroAddress();
        }
        if (_hospitals[account].id != 0) {
            revert ConsortiumHospitalAlreadyAdmitted(account);
        }
        if (_employers[account] != address(0)) {
            revert ConsortiumRoleConflict(account);
        }

        _hospitalList.add(account);
        // The list only grows, and 2^32 admissions by governance is out of reach.
        hospitalId = uint32(_hospitalList.length());
        _hospitals[account] = Hospital({id: hospitalId, admittedAt: uint48(block.timestamp), suspended: false});
        _hospitalAccounts[hospitalId] = account;
        emit HospitalAdmitted(account, hospitalId, name, metadataCid);
    }

    /// @inheritdoc IConsortium
    function suspendHospital(address account) external onlyRole(DEFAULT_ADMIN_ROLE) {
        Hospital storage h = _admitted(account);
        if (h.suspended) {
            revert ConsortiumHospitalSuspended(account);
        }
        h.suspended = true;
        emit HospitalSuspended(account, h.id);
    }

    /// @inheritdoc IConsortium
    function reinstateHospital(address account) external onlyRole(DEFAULT_ADMIN_ROLE) {
        Hospital storage h = _admitted(account);
        if (!h.suspended) {
            revert ConsortiumHospitalNotSuspended(account);
        }
        h.suspended = false;
        emit HospitalReinstated(account, h.id);
    }

    /// @inheritdoc IConsortium
    function setRolePurposes(bytes32 role, uint256 purposes) external onlyRole(DEFAULT_ADMIN_ROLE) {
        _setRolePurposes(role, purposes);
    }

    // ---------------------------------------------------------------- hospitals

    /// @inheritdoc IConsortium
    function proposeStaff(address account) external {
        Hospital storage h = _admitted(msg.sender);
        if (h.suspended) {
            revert ConsortiumHospitalSuspended(msg.sender);
        }
        if (account == address(0)) {
            revert ConsortiumZeroAddress();
        }
        _checkMayJoin(account);
        if (_staffProposals[msg.sender][account]) {
            revert ConsortiumStaffAlreadyProposed(msg.sender, account);
        }

        _staffProposals[msg.sender][account] = true;
        emit StaffProposed(msg.sender, account);
    }

    /// @inheritdoc IConsortium
    function withdrawStaffProposal(address account) external {
        _admitted(msg.sender);
        if (!_staffProposals[msg.sender][account]) {
            revert ConsortiumNoStaffProposal(msg.sender, account);
        }

        delete _staffProposals[msg.sender][account];
        emit StaffProposalWithdrawn(msg.sender, account);
    }

    /// @inheritdoc IConsortium
    function acceptStaff(address employer) external {
        if (!_staffProposals[employer][msg.sender]) {
            revert ConsortiumNoStaffProposal(employer, msg.sender);
        }
        // The proposal was made by an admitted hospital, which may have been suspended since.
        if (_hospitals[employer].suspended) {
            revert ConsortiumHospitalSuspended(employer);
        }
        _checkMayJoin(msg.sender);

        delete _staffProposals[employer][msg.sender];
        _employers[msg.sender] = employer;
        _staffLists[employer].add(msg.sender);
        emit StaffAdded(employer, msg.sender);
    }

    /// @inheritdoc IConsortium
    function removeStaff(address account) external {
        _admitted(msg.sender);
        if (_employers[account] != msg.sender) {
            revert ConsortiumNotStaff(account, msg.sender);
        }
        _removeStaff(msg.sender, account);
    }

    /// @inheritdoc IConsortium
    function dismissStaff(address account) external onlyRole(DEFAULT_ADMIN_ROLE) {
        address employer = _employers[account];
        if (employer == address(0)) {
            revert ConsortiumNotStaff(account, address(0));
        }
        _removeStaff(employer, account);
    }

    // ---------------------------------------------------------------- views

    /// @inheritdoc IConsortium
    function hospital(address account) external view returns (Hospital memory) {
        return _hospitals[account];
    }

    /// @inheritdoc IConsortium
    function hospitalAccount(uint32 hospitalId) external view returns (address) {
        return _hospitalAccounts[hospitalId];
    }

    /// @inheritdoc IConsortium
    function isActiveHospital(address account) public view returns (bool) {
        Hospital storage h = _hospitals[account];
        return h.id != 0 && !h.suspended;
    }

    /// @inheritdoc IConsortium
    function employerOf(address account) external view returns (address) {
        return _employers[account];
    }

    /// @inheritdoc IConsortium
    function isActiveStaff(address account) public view returns (bool) {
        address employer = _employers[account];
        return employer != address(0) && isActiveHospital(employer);
    }

    /// @inheritdoc IConsortium
    function holdsRole(bytes32 role, address account) public view returns (bool) {
        if (role == Roles.DOCTOR) return isActiveStaff(account);
        if (role == Roles.HOSPITAL) return isActiveHospital(account);
        return hasRole(role, account);
    }

    /// @inheritdoc IConsortium
    function rolePurposes(bytes32 role) external view returns (uint256) {
        return _rolePurposes[role];
    }

    /// @inheritdoc IConsortium
    function mayDeclare(address account, uint8 purpose) external view returns (bool) {
        // A fixed list of six roles: bounded work.
        return
            _mayDeclareAs(Roles.DOCTOR, account, purpose) ||
            _mayDeclareAs(Roles.HOSPITAL, account, purpose) ||
            _mayDeclareAs(Roles.RESEARCHER, account, purpose) ||
            _mayDeclareAs(Roles.PAYER, account, purpose) ||
            _mayDeclareAs(Roles.PUBLIC_HEALTH, account, purpose) ||
            _mayDeclareAs(Roles.AUDITOR, account, purpose);
    }

    /// @inheritdoc IConsortium
    function hospitalCount() external view returns (uint256) {
        return _hospitalList.length();
    }

    /// @inheritdoc IConsortium
    function hospitals(uint256 offset, uint256 limit) external view returns (address[] memory) {
        _checkLimit(limit);
        return Paging.page(_hospitalList, offset, limit);
    }

    /// @inheritdoc IConsortium
    function isStaffProposed(address employer, address account) external view returns (bool) {
        return _staffProposals[employer][account];
    }

    /// @inheritdoc IConsortium
    function staffCount(address employer) external view returns (uint256) {
        return _staffLists[employer].length();
    }

    /// @inheritdoc IConsortium
    function staff(address employer, uint256 offset, uint256 limit) external view returns (address[] memory) {
        _checkLimit(limit);
        return Paging.page(_staffLists[employer], offset, limit);
    }

    // ---------------------------------------------------------------- internal

    function _admitted(address account) private view returns (Hospital storage h) {
        h = _hospitals[account];
        if (h.id == 0) {
            revert ConsortiumUnknownHospital(account);
        }
    }

    /// @dev Staff are neither hospitals nor staff of another hospital (one employer at a time).
    function _checkMayJoin(address account) private view {
        if (_hospitals[account].id != 0) {
            revert ConsortiumRoleConflict(account);
        }
        address employer = _employers[account];
        if (employer != address(0)) {
            revert ConsortiumAlreadyStaff(account, employer);
        }
    }

    function _removeStaff(address employer, address account) private {
        delete _employers[account];
        _staffLists[employer].remove(account);
        emit StaffRemoved(employer, account);
    }

    function _setRolePurposes(bytes32 role, uint256 purposes) private {
        if (purposes & ~Purposes.ALL != 0) {
            revert ConsortiumUnknownPurposes(purposes);
        }
        _rolePurposes[role] = purposes;
        emit RolePurposesSet(role, purposes);
    }

    function _mayDeclareAs(bytes32 role, address account, uint8 purpose) private view returns (bool) {
        return Purposes.contains(_rolePurposes[role], purpose) && holdsRole(role, account);
    }

    function _checkLimit(uint256 limit) private pure {
        if (!Paging.isValidLimit(limit)) {
            revert ConsortiumInvalidPageSize(limit);
        }
    }
}
