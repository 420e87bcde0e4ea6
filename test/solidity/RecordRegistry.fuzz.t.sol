// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {Consortium} from "../../contracts/Consortium.sol";
import {RecordRegistry} from "../../contracts/RecordRegistry.sol";
import {IRecordRegistry} from "../../contracts/interfaces/IRecordRegistry.sol";
import {NewRecord, RecordInfo} from "../../contracts/types/Records.sol";
import {Purposes} from "../../contracts/types/Purposes.sol";
import {Roles} from "../../contracts/types/Roles.sol";
import {CheatCodes} from "./Vm.sol";

/// @notice Properties of the record registry under fuzzed callers, records and operation sequences.
contract RecordRegistryFuzzTest is CheatCodes {
    Consortium internal consortium;
    RecordRegistry internal registry;
    address internal constant HOSPITAL = address(0x4051);
    address internal constant SUSPENDED = address(0x5005);
    address internal constant DOCTOR = address(0xD0C);
    address internal constant PATIENT = address(0xBA7);

    function setUp() public {
        consortium = new Consortium(address(this), 0, new bytes32[](0), new uint256[](0));
        registry = new RecordRegistry(consortium);
        consortium.admitHospital(HOSPITAL, "Fuzz General", "");
        consortium.admitHospital(SUSPENDED, "Fuzz Suspended", "");
        consortium.suspendHospital(SUSPENDED);
        VM.prank(HOSPITAL);
        consortium.proposeStaff(DOCTOR);
        VM.prank(DOCTOR);
        consortium.acceptStaff(HOSPITAL);
    }

    function _record(address patient, bytes32 digest, uint8 category) internal pure returns (NewRecord memory) {
        return NewRecord(patient, digest, 0x55, bytes32(0), category % 7, hex"c0ffee");
    }

    function _sameStoredFields(RecordInfo memory a, RecordInfo memory b) internal pure returns (bool) {
        return
            a.patient == b.patient &&
            a.provider == b.provider &&
            a.registeredAt == b.registeredAt &&
            a.hospitalId == b.hospitalId &&
            a.category == b.category &&
            a.cidCodec == b.cidCodec &&
            a.patientAuthored == b.patientAuthored &&
            a.contentDigest == b.contentDigest &&
            a.previousVersion == b.previousVersion;
    }

    /// Only an active hospital can register for a patient; everyone else is refused with the reason.
    function testFuzz_onlyActiveHospitalsRegister(address caller, bytes32 digest, uint8 category) public {
        VM.assume(caller != HOSPITAL && digest != 0);
        NewRecord memory record = _record(PATIENT, digest, category);
        if (caller == SUSPENDED) {
            VM.expectRevert(abi.encodeWithSelector(IRecordRegistry.RecordRegistryHospitalSuspended.selector, caller, 2));
        } else {
            VM.expectRevert(abi.encodeWithSelector(IRecordRegistry.RecordRegistryUnknownHospital.selector, caller));
        }
        VM.prank(caller);
        registry.register(record);
        require(!registry.exists(registry.recordIdOf(caller, PATIENT, digest)), "a refused write stored a record");
    }

    /// A patient can register only their own records, never someone else's.
    function testFuzz_patientsRegisterOnlyTheirOwn(address caller, address patient, bytes32 digest) public {
        VM.assume(patient != address(0) && digest != 0);
        NewRecord memory record = _record(patient, digest, 5);
        if (caller != patient) {
            VM.expectRevert(abi.encodeWithSelector(IRecordRegistry.RecordRegistryNotPatient.selector, caller, patient));
        }
        VM.prank(caller);
        registry.registerOwn(record);
        require(registry.exists(registry.recordIdOf(patient, patient, digest)) == (caller == patient), "registerOwn outcome");
    }

    /// Whoever registers a ciphertext first (a stranger for themselves, the patient, another
    /// hospital), the hospital's own registration of it still lands on the hospital's id, and the
    /// stranger's record never sits on that id.
    function testFuzz_nobodyOccupiesAHospitalsRecordId(address stranger, bytes32 digest) public {
        VM.assume(stranger != address(0) && stranger != HOSPITAL && digest != 0);
        bytes32 hospitalsId = registry.recordIdOf(HOSPITAL, PATIENT, digest);
        VM.prank(stranger);
        bytes32 strangersId = registry.registerOwn(_record(stranger, digest, 1));
        require(strangersId != hospitalsId && !registry.exists(hospitalsId), "the stranger took the hospital's id");
        VM.prank(HOSPITAL);
        require(registry.register(_record(PATIENT, digest, 1)) == hospitalsId, "hospital's id");
        RecordInfo memory info = registry.getRecord(hospitalsId);
        require(info.provider == HOSPITAL && info.patient == PATIENT, "the hospital's record");
    }

    /// A written record never changes: after any sequence of registrations, duplicates, audits,
    /// amendments of other records and refused amendments by others, its stored fields are the same;
    /// its own amendment only sets the version links.
    function testFuzz_writtenRecordNeverChanges(bytes32 seed, uint8 steps, uint48 laterTime) public {
        bytes32 targetCid = keccak256(abi.encode(seed, "target"));
        VM.prank(HOSPITAL);
        bytes32 target = registry.register(_record(PATIENT, targetCid, uint8(uint256(seed))));
        RecordInfo memory before = registry.getRecord(target);

        VM.warp(uint256(before.registeredAt) + (laterTime % 365 days));
        for (uint256 i = 0; i < steps % 12; ++i) {
            bytes32 r = keccak256(abi.encode(seed, i));
            uint256 op = uint256(r) % 4;
            if (op == 0) {
                VM.prank(HOSPITAL);
                registry.register(_record(address(uint160(uint256(r))) == address(0) ? PATIENT : address(uint160(uint256(r))), r, uint8(i)));
            } else if (op == 1) {
                // Re-registering the target's ciphertext is refused and changes nothing.
                VM.prank(HOSPITAL);
                try registry.register(_record(PATIENT, targetCid, 1)) {
                    revert("duplicate accepted");
                } catch {}
            } else if (op == 2) {
                // Someone other than the author tries to amend the target.
                VM.prank(address(uint160(uint256(r))));
                try registry.amend(target, _record(PATIENT, r, 0)) {
                    revert("amend by a non-author accepted");
                } catch {}
            } else {
                VM.prank(PATIENT);
                registry.registerOwn(_record(PATIENT, r, uint8(i)));
            }
        }
        require(_sameStoredFields(registry.getRecord(target), before), "record changed");

        VM.prank(HOSPITAL);
        bytes32 next = registry.amend(target, _record(PATIENT, keccak256(abi.encode(seed, "next")), 2));
        RecordInfo memory afterAmend = registry.getRecord(target);
        require(_sameStoredFields(afterAmend, before), "amendment changed the old version");
        require(afterAmend.superseded && afterAmend.nextVersion == next, "version links");
    }

    /// Suspending a hospital removes every staff member's powers at once, and reinstating restores them.
    function testFuzz_suspensionCutsStaffPowers(uint8 count, uint256 seed) public {
        uint256 n = 1 + (count % 24);
        address[] memory staff = new address[](n);
        for (uint256 i = 0; i < n; ++i) {
            staff[i] = address(uint160(uint256(keccak256(abi.encode(seed, i)))) | 1);
            VM.prank(HOSPITAL);
            consortium.proposeStaff(staff[i]);
            VM.prank(staff[i]);
            consortium.acceptStaff(HOSPITAL);
        }
        consortium.setRolePurposes(Roles.DOCTOR, Purposes.bit(Purposes.TREAT));

        consortium.suspendHospital(HOSPITAL);
        for (uint256 i = 0; i < n; ++i) {
            require(!consortium.isActiveStaff(staff[i]), "staff still active");
            require(!consortium.holdsRole(Roles.DOCTOR, staff[i]), "doctor role kept");
            require(!consortium.mayDeclare(staff[i], Purposes.TREAT), "purpose kept");
        }
        consortium.reinstateHospital(HOSPITAL);
        for (uint256 i = 0; i < n; ++i) {
            require(consortium.isActiveStaff(staff[i]) && consortium.mayDeclare(staff[i], Purposes.TREAT), "not restored");
        }
    }
}
