// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {Consortium} from "../../contracts/Consortium.sol";
import {ResearchPool} from "../../contracts/ResearchPool.sol";
import {IConsentManager} from "../../contracts/interfaces/IConsentManager.sol";
import {IRecordRegistry} from "../../contracts/interfaces/IRecordRegistry.sol";
import {Grant, GrantStatus} from "../../contracts/types/Access.sol";
import {Category, RecordInfo} from "../../contracts/types/Records.sol";
import {DataStatus, StudyInfo, StudyParams, StudyStatus} from "../../contracts/types/Research.sol";
import {Roles} from "../../contracts/types/Roles.sol";
import {CheatCodes} from "./Vm.sol";

/// @notice Every record id names its patient (the id's low 20 bytes), registered by `HOSPITAL` as a
/// Lab record: the pool's registry checks pass for a patient submitting its own id.
contract StubRecords {
    address internal immutable _HOSPITAL;

    constructor(address hospital) {
        _HOSPITAL = hospital;
    }

    function exists(bytes32) external pure returns (bool) {
        return true;
    }

    function getRecord(bytes32 recordId) external view returns (RecordInfo memory info) {
        info.patient = address(uint160(uint256(recordId)));
        info.provider = _HOSPITAL;
        info.hospitalId = 1;
        info.category = Category.Lab;
    }
}

/// @notice Every patient has granted every researcher anonymized HRESCH access.
contract StubConsent {
    function canAccess(address, bytes32, uint8) external pure returns (bool) {
        return true;
    }

    function grantOf(address, address, uint8) external pure returns (Grant memory g) {
        g.status = GrantStatus.Active;
        g.anonymized = true;
    }
}

/// @notice Forces ETH into `target` without running its code.
contract ForceSend {
    constructor(address payable target) payable {
        selfdestruct(target);
    }
}

/// @notice Random sequences of every pool operation by donors, researchers and patients, each
/// checked against a model of what must succeed and what it must pay, and after every step:
/// contributions sum to `raised`; the pool holds exactly what it owes (plus forced ETH) and so
/// never less; nobody is paid twice (refund, withdrawal, closing, reward).
contract ResearchPoolFuzzTest is CheatCodes {
    uint256 internal constant STUDIES = 2;
    uint256 internal constant ACTORS = 3;
    uint256 internal constant STEPS = 64;

    Consortium internal consortium;
    ResearchPool internal pool;
    address internal constant HOSPITAL = address(0x4051);
    bytes internal constant PROTOCOL_CID = hex"0155122000000000000000000000000000000000000000000000000000000000000000aa";

    address[2] internal researchers = [address(0x5E1), address(0x5E2)];
    address[ACTORS] internal donors = [address(0xD1), address(0xD2), address(0xD3)];
    address[ACTORS] internal patients = [address(0xA1), address(0xA2), address(0xA3)];

    // The model.
    mapping(uint256 studyId => mapping(address donor => uint256)) internal contributed;
    mapping(uint256 studyId => mapping(address donor => uint256)) internal refunded;
    mapping(uint256 studyId => uint256) internal withdrawals;
    mapping(uint256 studyId => uint256) internal closings;
    mapping(uint256 studyId => uint256) internal claims;
    mapping(uint256 studyId => mapping(address patient => uint256)) internal claimsOf;
    uint256 internal forced;
    /// @dev Successful payments by kind (refund, withdraw, close, claim), to show the sequences reach them.
    uint256[4] internal paidCalls;

    function setUp() public {
        consortium = new Consortium(address(this), 0, new bytes32[](0), new uint256[](0));
        consortium.admitHospital(HOSPITAL, "Fuzz General", "");
        consortium.grantRole(Roles.RESEARCHER, researchers[0]);
        consortium.grantRole(Roles.RESEARCHER, researchers[1]);
        StubRecords records = new StubRecords(HOSPITAL);
        StubConsent consent = new StubConsent();
        pool = new ResearchPool(
            consortium,
            IRecordRegistry(address(records)),
            IConsentManager(address(consent))
        );
        VM.warp(1_000_000);
        VM.deal(address(this), 1e30);
    }

    function testFuzz_moneyInvariants(uint256 seed, uint64[STUDIES] memory goals, uint8[STUDIES] memory maxes) public {
        _run(seed, goals, maxes);
    }

    /// The random sequences are not vacuous: over a few seeds they refund, withdraw, close and claim.
    function test_sequencesReachEveryPayment() public {
        for (uint256 seed = 1; seed <= 12; ++seed) {
            uint64[STUDIES] memory goals = [uint64(seed * 7_919), uint64(seed * 104_729)];
            uint8[STUDIES] memory maxes = [uint8(seed), uint8(seed + 1)];
            _run(seed, goals, maxes);
        }
        for (uint256 k = 0; k < 4; ++k) require(paidCalls[k] > 0, "every kind of payment happened");
    }

    function _run(uint256 seed, uint64[STUDIES] memory goals, uint8[STUDIES] memory maxes) internal {
        uint256 first = pool.studyCount() + 1;
        for (uint256 s = 0; s < STUDIES; ++s) {
            uint32 max = uint32(1 + (maxes[s] % 3));
            uint128 reward = uint128(1 + (uint256(keccak256(abi.encode(seed, "reward", s))) % 1e6));
            uint128 reserve = reward * max;
            uint128 goal = reserve + uint128(goals[s] % 3e6);
            uint48 deadline = uint48(block.timestamp + 1 days + (uint256(keccak256(abi.encode(seed, "deadline", s))) % 20 days));
            VM.prank(researchers[s % 2]);
            pool.createStudy(StudyParams(address(0), goal, deadline, reward, max, 0x7f, PROTOCOL_CID));
        }
        for (uint256 step = 0; step < STEPS; ++step) {
            uint256 r = uint256(keccak256(abi.encode(seed, step)));
            uint256 studyId = first + ((r >> 8) % STUDIES);
            address donor = donors[(r >> 16) % ACTORS];
            address patient = patients[(r >> 24) % ACTORS];
            uint256 action = r % 12;
            if (action <= 2) _contribute(studyId, donor, r >> 32);
            else if (action == 3) VM.warp(block.timestamp + ((r >> 32) % 4 days));
            else if (action == 4) _cancel(studyId, (r >> 32) % 4 == 0);
            else if (action == 5) _refund(studyId, donor);
            else if (action == 6) _withdraw(studyId);
            else if (action == 7 || action == 8) _submit(studyId, patient);
            else if (action == 9) _decide(studyId, patient, (r >> 32) % 3 == 0);
            else if (action == 10) _claim(studyId, patient);
            else if ((r >> 32) % 2 == 0) _close(studyId);
            else _force(1 + ((r >> 40) % 1e6));
            _checkInvariants();
        }
    }

    // ------------------------------------------------------------ actions

    function _contribute(uint256 studyId, address donor, uint256 r) internal {
        StudyInfo memory st = pool.getStudy(studyId);
        uint256 amount = 1 + ((r >> 2) % uint256(st.goal));
        // A quarter of the time, exactly what is missing: the goal boundary itself.
        if (r % 4 == 0 && st.raised < st.goal) amount = st.goal - st.raised;
        VM.deal(donor, amount);
        VM.prank(donor);
        (bool ok, ) = address(pool).call{value: amount}(abi.encodeCall(pool.contribute, (studyId, amount)));
        require(ok == (st.status == StudyStatus.Funding), "contribute succeeds exactly while funding");
        if (!ok) return;
        contributed[studyId][donor] += amount;
        StudyInfo memory after_ = pool.getStudy(studyId);
        require(after_.raised == st.raised + amount, "raised grows by the amount");
        bool funded = after_.raised >= st.goal;
        require((after_.status == StudyStatus.Funded) == funded, "funded exactly at the goal");
    }

    function _cancel(uint256 studyId, bool really) internal {
        if (!really) return;
        StudyInfo memory st = pool.getStudy(studyId);
        VM.prank(st.researcher);
        (bool ok, ) = address(pool).call(abi.encodeCall(pool.cancelStudy, (studyId)));
        require(ok == (st.status == StudyStatus.Funding), "cancel succeeds exactly while funding");
    }

    function _refund(uint256 studyId, address donor) internal {
        StudyStatus status = pool.statusOf(studyId);
        uint256 owed = pool.contributionOf(studyId, donor);
        bool expected = (status == StudyStatus.Failed || status == StudyStatus.Cancelled) && owed > 0;
        uint256 paid = _paidTo(donor, abi.encodeCall(pool.refund, (studyId)), expected);
        if (!expected) return;
        require(paid == owed && paid == contributed[studyId][donor], "refund pays back exactly what was paid in");
        refunded[studyId][donor] += paid;
        ++paidCalls[0];
        require(refunded[studyId][donor] == contributed[studyId][donor], "refunded once");
    }

    function _withdraw(uint256 studyId) internal {
        StudyInfo memory st = pool.getStudy(studyId);
        bool expected = st.status == StudyStatus.Funded && !st.withdrawn;
        uint256 paid = _paidTo(st.researcher, abi.encodeCall(pool.withdraw, (studyId)), expected);
        if (!expected) return;
        require(paid == st.raised - st.reward * st.maxContributions, "withdraw pays raised minus reserve");
        require(++withdrawals[studyId] == 1, "withdrawn once");
        ++paidCalls[1];
    }

    function _close(uint256 studyId) internal {
        StudyInfo memory st = pool.getStudy(studyId);
        bool expected = st.status == StudyStatus.Funded && !st.closed;
        uint256 paid = _paidTo(st.researcher, abi.encodeCall(pool.closeStudy, (studyId)), expected);
        if (!expected) return;
        require(paid == uint256(st.reward) * (st.maxContributions - st.accepted), "close releases the unused reserve");
        require(++closings[studyId] == 1, "closed once");
        ++paidCalls[2];
    }

    function _submit(uint256 studyId, address patient) internal {
        StudyInfo memory st = pool.getStudy(studyId);
        DataStatus ds = pool.dataContributionOf(studyId, patient).status;
        bool expected = st.status == StudyStatus.Funded &&
            !st.closed &&
            st.accepted < st.maxContributions &&
            (ds == DataStatus.None || ds == DataStatus.Rejected);
        VM.prank(patient);
        (bool ok, ) = address(pool).call(
            abi.encodeCall(pool.submitData, (studyId, bytes32(uint256(uint160(patient)))))
        );
        require(ok == expected, "submit succeeds exactly when allowed");
    }

    function _decide(uint256 studyId, address patient, bool reject) internal {
        StudyInfo memory st = pool.getStudy(studyId);
        bool submitted = pool.dataContributionOf(studyId, patient).status == DataStatus.Submitted;
        VM.prank(st.researcher);
        bool ok;
        if (reject) {
            (ok, ) = address(pool).call(abi.encodeCall(pool.rejectContribution, (studyId, patient, 1)));
            require(ok == submitted, "reject succeeds exactly for a submission");
        } else {
            (ok, ) = address(pool).call(abi.encodeCall(pool.acceptContribution, (studyId, patient)));
            require(ok == (submitted && !st.closed && st.accepted < st.maxContributions), "accept when allowed");
            if (ok) require(pool.getStudy(studyId).accepted == st.accepted + 1, "accepted counted");
        }
    }

    function _claim(uint256 studyId, address patient) internal {
        bool expected = pool.dataContributionOf(studyId, patient).status == DataStatus.Accepted;
        uint256 paid = _paidTo(patient, abi.encodeCall(pool.claimReward, (studyId)), expected);
        if (!expected) return;
        require(paid == pool.getStudy(studyId).reward, "claim pays the reward");
        require(++claimsOf[studyId][patient] == 1, "claimed once");
        ++claims[studyId];
        ++paidCalls[3];
    }

    function _force(uint256 amount) internal {
        new ForceSend{value: amount}(payable(address(pool)));
        forced += amount;
    }

    /// @dev Calls the pool as `account` and returns what `account` received; checks the outcome.
    function _paidTo(address account, bytes memory call, bool expected) internal returns (uint256) {
        uint256 before = account.balance;
        VM.prank(account);
        (bool ok, ) = address(pool).call(call);
        require(ok == expected, "payment succeeds exactly when owed");
        return account.balance - before;
    }

    // ------------------------------------------------------------ invariants

    function _checkInvariants() internal view {
        uint256 owed;
        uint256 count = pool.studyCount();
        for (uint256 studyId = 1; studyId <= count; ++studyId) {
            StudyInfo memory st = pool.getStudy(studyId);
            uint256 sum;
            uint256 unrefunded;
            for (uint256 d = 0; d < ACTORS; ++d) {
                address donor = donors[d];
                sum += contributed[studyId][donor];
                uint256 left = pool.contributionOf(studyId, donor);
                require(left + refunded[studyId][donor] == contributed[studyId][donor], "per-donor ledger");
                unrefunded += left;
            }
            require(sum == st.raised, "contributions sum to raised");
            require(st.accepted <= st.maxContributions, "accepted within the maximum");
            require(claims[studyId] <= st.accepted, "no more claims than acceptances");
            if (st.status == StudyStatus.Funded) {
                uint256 reserve = uint256(st.reward) * st.maxContributions;
                if (!st.withdrawn) owed += st.raised - reserve;
                uint256 slots = st.closed ? st.accepted : st.maxContributions;
                owed += uint256(st.reward) * (slots - claims[studyId]);
            } else {
                owed += unrefunded;
            }
        }
        require(address(pool).balance >= owed, "the pool holds at least what it owes");
        require(address(pool).balance == owed + forced, "and exactly that, plus forced ETH nobody is owed");
    }
}
