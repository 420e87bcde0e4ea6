// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";

import {ConsentManager} from "../../contracts/ConsentManager.sol";
import {Consortium} from "../../contracts/Consortium.sol";
import {EmergencyAccess} from "../../contracts/EmergencyAccess.sol";
import {RecordRegistry} from "../../contracts/RecordRegistry.sol";
import {ResearchPool} from "../../contracts/ResearchPool.sol";
import {MockERC20} from "../../contracts/mocks/MockERC20.sol";
import {Rights, PolicyTerms} from "../../contracts/types/Access.sol";
import {EmergencyLimits} from "../../contracts/types/Emergency.sol";
import {Purposes} from "../../contracts/types/Purposes.sol";
import {Category, NewRecord} from "../../contracts/types/Records.sol";
import {DataStatus, StudyInfo, StudyParams, StudyStatus} from "../../contracts/types/Research.sol";
import {Roles} from "../../contracts/types/Roles.sol";
import {CheatCodes} from "./Vm.sol";

/// @notice Forces ETH into `target` without running its code.
contract ForceSend {
    constructor(address payable target) payable {
        selfdestruct(target);
    }
}

/// @notice Random sequences of every pool operation by donors, researchers and patients over ETH and
/// ERC-20 studies, on the real Consortium, RecordRegistry and ConsentManager: every patient has a
/// hospital-registered Lab record and an anonymized HRESCH grant to every researcher. Each call is
/// checked against a model kept in this test — its own status, ledger, slot counts and review
/// clocks, never the pool's getters — for whether it must succeed and exactly what it must pay and to
/// whom; after every step the pool's ETH and token balances equal what the model says it owes (plus
/// forced ETH), contributions sum to `raised`, and the pool's counters match the model's.
contract ResearchPoolFuzzTest is CheatCodes {
    uint256 internal constant STUDIES = 4;
    uint256 internal constant RESEARCHERS = 3;
    uint256 internal constant ACTORS = 5;
    uint256 internal constant STEPS = 96;
    uint256 internal constant REVIEW = 30 days;
    bytes internal constant PROTOCOL_CID =
        hex"0155122000000000000000000000000000000000000000000000000000000000000000aa";
    address internal constant HOSPITAL = address(0x4051);
    /// @dev Where payments go when the caller names another recipient (a cold wallet).
    address internal constant VAULT = address(0x7A017);

    Consortium internal consortium;
    RecordRegistry internal records;
    ConsentManager internal consent;
    ResearchPool internal pool;
    MockERC20 internal token;

    address[RESEARCHERS] internal researchers = [address(0x5E1), address(0x5E2), address(0x5E3)];
    address[ACTORS] internal donors = [address(0xD1), address(0xD2), address(0xD3), address(0xD4), address(0xD5)];
    address[ACTORS] internal patients = [address(0xA1), address(0xA2), address(0xA3), address(0xA4), address(0xA5)];
    mapping(address patient => bytes32) internal recordOf;

    // ------------------------------------------------------------ the model
    enum M {
        Funding,
        Funded,
        Cancelled
    }
    struct Model {
        address researcher;
        address token;
        uint256 goal;
        uint256 reward;
        uint256 max;
        uint256 deadline;
        M status;
        uint256 raised;
        bool withdrawn;
        bool closed;
        uint256 accepted;
        uint256 pending;
        uint256 released;
        uint256 claimed;
    }
    struct Sub {
        DataStatus status; // None, Submitted, Accepted, Rejected, Paid: stored, never derived
        uint256 submittedAt;
    }
    uint256 internal first;
    mapping(uint256 studyId => Model) internal model;
    mapping(uint256 studyId => mapping(address donor => uint256)) internal owedTo;
    mapping(uint256 studyId => mapping(address patient => Sub)) internal subs;
    uint256 internal forced;
    /// @dev The pool's balances when this run began (what earlier runs left owed, and their forced ETH).
    uint256 internal baseEth;
    uint256 internal baseToken;
    /// @dev Successful calls by kind: refund, withdraw, close, claim, default claim, release after close.
    uint256[6] internal paidCalls;

    function setUp() public {
        bytes32[] memory roles = new bytes32[](1);
        roles[0] = Roles.RESEARCHER;
        uint256[] memory purposes = new uint256[](1);
        purposes[0] = Purposes.bit(Purposes.HRESCH);
        consortium = new Consortium(address(this), 0, roles, purposes);
        records = new RecordRegistry(consortium);
        EmergencyAccess emergency = new EmergencyAccess(consortium, records, 0, EmergencyLimits(1 days, 2 hours, 0));
        consent = new ConsentManager(consortium, records, emergency);
        pool = new ResearchPool(consortium, records, consent);
        token = new MockERC20("Fuzz Dollar", "FUSD");
        pool.setTokenAllowed(address(token), true);
        consortium.admitHospital(HOSPITAL, "Fuzz General", "");
        for (uint256 i = 0; i < RESEARCHERS; ++i) consortium.grantRole(Roles.RESEARCHER, researchers[i]);
        VM.warp(1_000_000);
        VM.deal(address(this), 1e30);
        for (uint256 p = 0; p < ACTORS; ++p) {
            address patient = patients[p];
            bytes32 cidDigest = keccak256(abi.encode("record", patient));
            VM.prank(HOSPITAL);
            recordOf[patient] = records.register(NewRecord(patient, cidDigest, 0x55, 0, uint8(Category.Lab), hex"01"));
            for (uint256 i = 0; i < RESEARCHERS; ++i) {
                bytes32 policyId = keccak256(abi.encode("policy", i));
                PolicyTerms memory t = PolicyTerms({
                    grantee: researchers[i],
                    role: 0,
                    purposes: Purposes.bit(Purposes.HRESCH),
                    rights: Rights.READ,
                    validFrom: uint48(block.timestamp),
                    validUntil: uint48(block.timestamp + 100 * 365 days),
                    categories: consent.ALL_CATEGORIES(),
                    recordId: 0,
                    anonymizedOnly: true,
                    autoApprove: true
                });
                VM.prank(patient);
                consent.setPolicy(policyId, t);
                VM.prank(researchers[i]);
                consent.requestAccess(patient, policyId, t, Purposes.HRESCH, Rights.READ, 0);
            }
        }
    }

    function testFuzz_moneyInvariants(uint256 seed, uint64[STUDIES] memory goals, uint8[STUDIES] memory maxes) public {
        _run(seed, goals, maxes);
    }

    /// The random sequences are not vacuous: over a few seeds they refund, withdraw, close, claim,
    /// claim by default after the review period, and release slots freed after closing.
    function test_sequencesReachEveryPayment() public {
        for (uint256 seed = 1; seed <= 12; ++seed) {
            uint64[STUDIES] memory goals;
            uint8[STUDIES] memory maxes;
            for (uint256 s = 0; s < STUDIES; ++s) {
                goals[s] = uint64(seed * (7_919 + s * 104_729));
                maxes[s] = uint8(seed + s);
            }
            _run(seed, goals, maxes);
        }
        for (uint256 k = 0; k < paidCalls.length; ++k) {
            require(
                paidCalls[k] > 0,
                string.concat("payment kind ", string(abi.encodePacked(bytes1(uint8(48 + k)))), " happened")
            );
        }
    }

    function _run(uint256 seed, uint64[STUDIES] memory goals, uint8[STUDIES] memory maxes) internal {
        first = pool.studyCount() + 1;
        (baseEth, baseToken, forced) = (address(pool).balance, token.balanceOf(address(pool)), 0);
        for (uint256 s = 0; s < STUDIES; ++s) _open(seed, s, goals[s], maxes[s]);
        for (uint256 step = 0; step < STEPS; ++step) {
            uint256 r = uint256(keccak256(abi.encode(seed, step)));
            uint256 studyId = first + ((r >> 8) % STUDIES);
            address donor = donors[(r >> 16) % ACTORS];
            address patient = patients[(r >> 24) % ACTORS];
            // Half the payments go to the caller, half to another address it names.
            bool toVault = (r >> 48) % 2 == 0;
            uint256 action = r % 16;
            if (action <= 2) _contribute(studyId, donor, r >> 32);
            else if (action <= 4) VM.warp(block.timestamp + ((r >> 32) % 3 == 0 ? 31 days : (r >> 32) % 4 days));
            else if (action == 5) _cancel(studyId, (r >> 32) % 4 == 0);
            else if (action == 6) _refund(studyId, donor, toVault);
            else if (action == 7) _withdraw(studyId, toVault);
            else if (action == 8 || action == 9) _submit(studyId, patient);
            else if (action == 10) _decide(studyId, _seek(studyId, patient, r), (r >> 32) % 2 == 0);
            else if (action == 11 || action == 12) _claim(studyId, _seek(studyId, patient, r), toVault);
            else if (action == 13 || action == 14) {
                // Half the time a close is followed by rejecting a pending submission and closing
                // again: the slot that rejection frees is released by the second call.
                if (_close(studyId, toVault) && (r >> 60) % 2 == 0) {
                    _decide(studyId, _seek(studyId, patient, 1 << 56), true);
                    _close(studyId, toVault);
                }
            } else _force(1 + ((r >> 40) % 1e6));
            _checkInvariants();
        }
    }

    /// @dev Opens study number `s` of this run: ETH for even `s`, the ERC-20 for odd ones.
    function _open(uint256 seed, uint256 s, uint64 goalSeed, uint8 maxSeed) internal {
        Model memory m;
        m.max = 1 + (maxSeed % 4);
        m.reward = 1 + (uint256(keccak256(abi.encode(seed, "reward", s))) % 1e6);
        m.goal = m.reward * m.max + (goalSeed % 3e6);
        m.deadline = block.timestamp + 1 days + (uint256(keccak256(abi.encode(seed, "deadline", s))) % 20 days);
        m.researcher = researchers[((seed % RESEARCHERS) + s) % RESEARCHERS];
        m.token = s % 2 == 0 ? address(0) : address(token);
        VM.prank(m.researcher);
        uint256 id = pool.createStudy(
            StudyParams(
                m.token,
                uint128(m.goal),
                uint48(m.deadline),
                uint128(m.reward),
                uint32(m.max),
                0x7f,
                PROTOCOL_CID
            )
        );
        model[id] = m;
    }

    // ------------------------------------------------------------ model helpers

    /// @dev Half the time `patient` as drawn (often one with nothing to answer or claim); otherwise
    /// the first patient from there whose submission is pending or accepted in the model, if any.
    function _seek(uint256 studyId, address patient, uint256 r) internal view returns (address) {
        if ((r >> 56) % 2 == 0) return patient;
        uint256 start = (r >> 24) % ACTORS;
        for (uint256 k = 0; k < ACTORS; ++k) {
            address p = patients[(start + k) % ACTORS];
            DataStatus st = subs[studyId][p].status;
            if (st == DataStatus.Submitted || st == DataStatus.Accepted) return p;
        }
        return patient;
    }

    function _isOver(Model storage m) internal view returns (bool) {
        return block.timestamp > m.deadline;
    }

    function _refundable(Model storage m) internal view returns (bool) {
        return m.status == M.Cancelled || (m.status == M.Funding && _isOver(m));
    }

    function _reviewOver(Sub storage s) internal view returns (bool) {
        return s.status == DataStatus.Submitted && block.timestamp > s.submittedAt + REVIEW;
    }

    function _balanceOf(address tok, address account) internal view returns (uint256) {
        return tok == address(0) ? account.balance : IERC20(tok).balanceOf(account);
    }

    /// @dev Calls the pool as `caller`, checks the outcome and returns what `to` received.
    function _paid(
        address caller,
        address to,
        address tok,
        bytes memory call,
        bool expected
    ) internal returns (uint256) {
        uint256 before = _balanceOf(tok, to);
        VM.prank(caller);
        (bool ok, ) = address(pool).call(call);
        require(ok == expected, "payment succeeds exactly when owed");
        return _balanceOf(tok, to) - before;
    }

    // ------------------------------------------------------------ actions

    function _contribute(uint256 studyId, address donor, uint256 r) internal {
        Model storage m = model[studyId];
        uint256 amount = 1 + ((r >> 3) % m.goal);
        // A quarter of the time, exactly what is missing: the goal boundary itself.
        if (r % 4 == 0 && m.raised < m.goal) amount = m.goal - m.raised;
        // One time in eight, the study's own researcher tops it up: always refused.
        if ((r >> 2) % 8 == 0) donor = m.researcher;
        bool expected = m.status == M.Funding && !_isOver(m) && donor != m.researcher;
        uint256 value;
        if (m.token == address(0)) {
            value = amount;
            VM.deal(donor, amount);
        } else {
            token.mint(donor, amount);
            VM.prank(donor);
            token.approve(address(pool), amount);
        }
        VM.prank(donor);
        (bool ok, ) = address(pool).call{value: value}(abi.encodeCall(pool.contribute, (studyId, amount)));
        require(ok == expected, "contribute succeeds exactly while funding, never from the researcher");
        if (!ok) {
            if (m.token != address(0)) {
                VM.prank(donor);
                token.approve(address(pool), 0);
            }
            return;
        }
        owedTo[studyId][donor] += amount;
        m.raised += amount;
        if (m.raised >= m.goal) m.status = M.Funded;
    }

    function _cancel(uint256 studyId, bool really) internal {
        if (!really) return;
        Model storage m = model[studyId];
        bool expected = m.status == M.Funding && !_isOver(m);
        VM.prank(m.researcher);
        (bool ok, ) = address(pool).call(abi.encodeCall(pool.cancelStudy, (studyId)));
        require(ok == expected, "cancel succeeds exactly while funding");
        if (ok) m.status = M.Cancelled;
    }

    function _refund(uint256 studyId, address donor, bool toVault) internal {
        Model storage m = model[studyId];
        address to = toVault ? VAULT : donor;
        uint256 owed = owedTo[studyId][donor];
        bool expected = _refundable(m) && owed > 0;
        uint256 paid = _paid(donor, to, m.token, abi.encodeCall(pool.refund, (studyId, to)), expected);
        require(paid == (expected ? owed : 0), "refund pays back exactly what was paid in");
        if (!expected) return;
        owedTo[studyId][donor] = 0;
        ++paidCalls[0];
    }

    function _withdraw(uint256 studyId, bool toVault) internal {
        Model storage m = model[studyId];
        address to = toVault ? VAULT : m.researcher;
        bool expected = m.status == M.Funded && _isOver(m) && !m.withdrawn;
        uint256 paid = _paid(m.researcher, to, m.token, abi.encodeCall(pool.withdraw, (studyId, to)), expected);
        require(paid == (expected ? m.raised - m.reward * m.max : 0), "withdraw pays raised minus reserve");
        if (!expected) return;
        m.withdrawn = true;
        ++paidCalls[1];
    }

    function _close(uint256 studyId, bool toVault) internal returns (bool) {
        Model storage m = model[studyId];
        address to = toVault ? VAULT : m.researcher;
        uint256 free = m.max - m.accepted - m.pending - m.released;
        bool expected = m.status == M.Funded && _isOver(m) && (!m.closed || free > 0);
        uint256 paid = _paid(m.researcher, to, m.token, abi.encodeCall(pool.closeStudy, (studyId, to)), expected);
        require(paid == (expected ? m.reward * free : 0), "close releases the slots neither accepted nor pending");
        if (!expected) return false;
        ++paidCalls[m.closed ? 5 : 2];
        m.closed = true;
        m.released += free;
        return true;
    }

    function _submit(uint256 studyId, address patient) internal {
        Model storage m = model[studyId];
        Sub storage s = subs[studyId][patient];
        bool expected =
            m.status == M.Funded &&
                !m.closed &&
                m.accepted + m.pending < m.max &&
                (s.status == DataStatus.None || s.status == DataStatus.Rejected);
        VM.prank(patient);
        (bool ok, ) = address(pool).call(abi.encodeCall(pool.submitData, (studyId, recordOf[patient])));
        require(ok == expected, "submit succeeds exactly when a slot is free");
        if (!ok) return;
        s.status = DataStatus.Submitted;
        s.submittedAt = block.timestamp;
        ++m.pending;
    }

    function _decide(uint256 studyId, address patient, bool reject) internal {
        Model storage m = model[studyId];
        Sub storage s = subs[studyId][patient];
        bool submitted = s.status == DataStatus.Submitted;
        VM.prank(m.researcher);
        bool ok;
        if (reject) {
            (ok, ) = address(pool).call(abi.encodeCall(pool.rejectContribution, (studyId, patient, 1)));
            require(ok == (submitted && !_reviewOver(s)), "reject succeeds exactly within the review period");
            if (!ok) return;
            s.status = DataStatus.Rejected;
            --m.pending;
        } else {
            (ok, ) = address(pool).call(abi.encodeCall(pool.acceptContribution, (studyId, patient)));
            require(ok == submitted, "accept succeeds exactly for a pending submission");
            if (!ok) return;
            s.status = DataStatus.Accepted;
            --m.pending;
            ++m.accepted;
        }
    }

    function _claim(uint256 studyId, address patient, bool toVault) internal {
        Model storage m = model[studyId];
        Sub storage s = subs[studyId][patient];
        address to = toVault ? VAULT : patient;
        bool byDefault = _reviewOver(s);
        bool expected = s.status == DataStatus.Accepted || byDefault;
        uint256 paid = _paid(patient, to, m.token, abi.encodeCall(pool.claimReward, (studyId, to)), expected);
        require(paid == (expected ? m.reward : 0), "claim pays the reward once");
        if (!expected) return;
        if (byDefault) {
            --m.pending;
            ++m.accepted;
            ++paidCalls[4];
        }
        s.status = DataStatus.Paid;
        ++m.claimed;
        ++paidCalls[3];
    }

    function _force(uint256 amount) internal {
        new ForceSend{value: amount}(payable(address(pool)));
        forced += amount;
    }

    // ------------------------------------------------------------ invariants

    function _checkInvariants() internal view {
        uint256 owedEth;
        uint256 owedToken;
        for (uint256 studyId = first; studyId < first + STUDIES; ++studyId) {
            Model storage m = model[studyId];
            StudyInfo memory st = pool.getStudy(studyId);
            require(st.raised == m.raised, "raised as modelled");
            require(
                st.accepted == m.accepted && st.pending == m.pending && st.released == m.released,
                "slot counts as modelled"
            );
            require(st.withdrawn == m.withdrawn && st.closed == m.closed, "flags as modelled");
            require(m.accepted + m.pending + m.released <= m.max, "slots within the maximum");
            uint256 owed;
            uint256 sum;
            for (uint256 d = 0; d < ACTORS; ++d) {
                uint256 left = owedTo[studyId][donors[d]];
                require(pool.contributionOf(studyId, donors[d]) == left, "per-donor ledger");
                sum += left;
            }
            if (m.status == M.Funded) {
                // Not withdrawn: the funds above the reserve; plus every reserve slot not released
                // at closing and not claimed yet.
                if (!m.withdrawn) owed += m.raised - m.reward * m.max;
                owed += m.reward * (m.max - m.released - m.claimed);
            } else {
                owed += sum;
            }
            if (m.token == address(0)) owedEth += owed;
            else owedToken += owed;
        }
        require(token.balanceOf(address(pool)) == baseToken + owedToken, "the pool holds exactly the tokens it owes");
        require(address(pool).balance == baseEth + owedEth + forced, "and the ETH, plus forced ETH nobody is owed");
    }
}
