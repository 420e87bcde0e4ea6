// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {Consortium} from "../../contracts/Consortium.sol";
import {EmergencyAccess} from "../../contracts/EmergencyAccess.sol";
import {RecordRegistry} from "../../contracts/RecordRegistry.sol";
import {IEmergencyAccess} from "../../contracts/interfaces/IEmergencyAccess.sol";
import {EmergencyLimits, EmergencyRequest, EmergencyStatus} from "../../contracts/types/Emergency.sol";
import {Purposes} from "../../contracts/types/Purposes.sol";
import {Roles} from "../../contracts/types/Roles.sol";
import {CheatCodes} from "./Vm.sol";

/// @notice Properties of emergency rescue under fuzzed contact lists, thresholds and vote sequences.
contract EmergencyAccessFuzzTest is CheatCodes {
    Consortium internal consortium;
    EmergencyAccess internal emergency;
    address internal constant HOSPITAL = address(0x4051);
    address internal constant DOCTOR = address(0xD0C);
    address internal constant PATIENT = address(0xBA7);
    bytes internal constant SHARES_CID = hex"0155122000000000000000000000000000000000000000000000000000000000000000aa";
    bytes internal constant SHARE = hex"01";

    function setUp() public {
        bytes32[] memory roles = new bytes32[](1);
        roles[0] = Roles.DOCTOR;
        uint256[] memory purposes = new uint256[](1);
        purposes[0] = Purposes.bit(Purposes.TREAT) | Purposes.bit(Purposes.ETREAT);
        consortium = new Consortium(address(this), 0, roles, purposes);
        RecordRegistry registry = new RecordRegistry(consortium);
        emergency = new EmergencyAccess(consortium, registry, 0, EmergencyLimits(1 days, 2 hours, 0));
        consortium.admitHospital(HOSPITAL, "Fuzz General", "");
        VM.prank(HOSPITAL);
        consortium.proposeStaff(DOCTOR);
        VM.prank(DOCTOR);
        consortium.acceptStaff(HOSPITAL);
        VM.warp(1_000_000);
    }

    function _contacts(uint256 n) internal pure returns (address[] memory contacts) {
        contacts = new address[](n);
        for (uint256 i = 0; i < n; ++i) contacts[i] = address(uint160(0xC000 + i));
    }

    /// A configuration is accepted exactly when 2 ≤ t ≤ n ≤ 10.
    function testFuzz_contactBounds(uint8 n, uint8 t) public {
        n = n % 13;
        bool valid = n >= 2 && n <= 10 && t >= 2 && t <= n;
        if (!valid) {
            VM.expectRevert(abi.encodeWithSelector(IEmergencyAccess.EmergencyInvalidContacts.selector, uint256(n), t));
        }
        VM.prank(PATIENT);
        emergency.proposeContacts(_contacts(n), t, SHARES_CID);
        (EmergencyRequest memory none, ) = emergency.requestOf(PATIENT, DOCTOR);
        require(none.round == 0, "no request yet");
        if (valid) {
            (, address[] memory stored, ) = emergency.contactsOf(PATIENT);
            require(stored.length == n, "contacts stored");
        }
    }

    /// Under any order of approvals and rejections, the grant opens exactly at the t-th approval,
    /// the request closes as Rejected exactly when t becomes unreachable, and no vote lands after.
    function testFuzz_votesDecideExactlyAtTheThreshold(uint8 nSeed, uint8 tSeed, uint256 order, uint256 choices) public {
        uint256 n = 2 + (nSeed % 9);
        uint8 t = uint8(2 + (tSeed % (n - 1)));
        address[] memory contacts = _contacts(n);
        VM.prank(PATIENT);
        emergency.proposeContacts(contacts, t, SHARES_CID);
        VM.prank(DOCTOR);
        emergency.request(PATIENT, 1, "", 1 hours);

        uint256 approvals;
        uint256 rejections;
        bool decided;
        for (uint256 k = 0; k < n; ++k) {
            // A pseudo-random permutation: swap a random later contact into place k.
            uint256 j = k + (uint256(keccak256(abi.encode(order, k))) % (n - k));
            (contacts[k], contacts[j]) = (contacts[j], contacts[k]);
            bool approve = (choices >> k) & 1 == 1;
            if (decided) {
                VM.expectRevert(abi.encodeWithSelector(IEmergencyAccess.EmergencyNotOpen.selector, PATIENT, DOCTOR));
            }
            VM.prank(contacts[k]);
            if (approve) emergency.approve(PATIENT, DOCTOR, SHARE);
            else emergency.reject(PATIENT, DOCTOR);
            if (decided) continue;
            if (approve) ++approvals;
            else ++rejections;
            (EmergencyRequest memory req, EmergencyStatus status) = emergency.requestOf(PATIENT, DOCTOR);
            require(req.approvals == approvals && req.rejections == rejections, "counts");
            if (approvals == t) {
                require(status == EmergencyStatus.Granted && emergency.hasEmergencyAccess(PATIENT, DOCTOR), "granted at t");
                decided = true;
            } else if (n - rejections < t) {
                require(status == EmergencyStatus.Rejected && !emergency.hasEmergencyAccess(PATIENT, DOCTOR), "rejected");
                decided = true;
            } else {
                require(status == EmergencyStatus.Open && !emergency.hasEmergencyAccess(PATIENT, DOCTOR), "still open");
            }
        }
        require(decided, "every contact voted: the request is decided");
    }
}
