// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {Consortium} from "../../contracts/Consortium.sol";
import {EmergencyAccess} from "../../contracts/EmergencyAccess.sol";
import {RecordRegistry} from "../../contracts/RecordRegistry.sol";
import {IEmergencyAccess} from "../../contracts/interfaces/IEmergencyAccess.sol";
import {MockERC1271Wallet} from "../../contracts/mocks/MockERC1271Wallet.sol";
import {EmergencyLimits, EmergencyRequest, EmergencyStatus, SignedApproval} from "../../contracts/types/Emergency.sol";
import {Purposes} from "../../contracts/types/Purposes.sol";
import {Roles} from "../../contracts/types/Roles.sol";
import {CheatCodes} from "./Vm.sol";

/// @notice The signing cheatcodes, at the same standard address as `CheatCodes.VM`.
interface VmSign {
    function addr(uint256 privateKey) external pure returns (address);
    function sign(uint256 privateKey, bytes32 digest) external pure returns (uint8 v, bytes32 r, bytes32 s);
}

/// @notice Properties of emergency rescue under fuzzed contact lists, thresholds and sequences of
/// actions: time passing, direct and signed approvals (duplicates, wrong signers, replays between two
/// ERC-1271 wallets of one owner), rejections, contact changes while a request is open, closing and
/// new rounds. A model of the request predicts every outcome; the contract must match it call by call.
contract EmergencyAccessFuzzTest is CheatCodes {
    VmSign internal constant SIGNER = VmSign(address(uint160(uint256(keccak256("hevm cheat code")))));
    Consortium internal consortium;
    EmergencyAccess internal emergency;
    address internal constant HOSPITAL = address(0x4051);
    address internal constant DOCTOR = address(0xD0C);
    address internal constant PATIENT = address(0xBA7);
    bytes internal constant SHARES_CID = hex"0155122000000000000000000000000000000000000000000000000000000000000000aa";
    bytes internal constant SHARE = hex"01";
    uint48 internal constant WINDOW = 2 hours;
    uint48 internal constant DURATION = 3 hours;
    /// Ten EOAs and two ERC-1271 wallets of one owner: the candidates for contacts (and strangers).
    uint256 internal constant POOL = 12;
    uint256 internal constant WALLET_OWNER_KEY = 0xB0B;

    address[POOL] internal pool;

    // ---- the model of the doctor's current request
    uint32 internal mRound;
    EmergencyStatus internal mStatus; // stored status: None, Open, Granted, Rejected, Cancelled
    uint48 internal mApproveBy;
    uint48 internal mExpiresAt;
    uint8 internal mThreshold;
    address[] internal mContacts; // the contacts the request counts (its configuration's)
    mapping(uint32 round => mapping(address contact => bool)) internal mVoted;
    address[] internal mApprovers; // accepted approvals of the current round, in order
    uint256 internal mRejections;
    // The configuration in force.
    address[] internal cContacts;
    uint8 internal cThreshold;

    function setUp() public {
        bytes32[] memory roles = new bytes32[](1);
        roles[0] = Roles.DOCTOR;
        uint256[] memory purposes = new uint256[](1);
        purposes[0] = Purposes.bit(Purposes.TREAT) | Purposes.bit(Purposes.ETREAT);
        consortium = new Consortium(address(this), 0, roles, purposes);
        RecordRegistry registry = new RecordRegistry(consortium);
        emergency = new EmergencyAccess(consortium, registry, 0, EmergencyLimits(1 days, WINDOW, 0));
        consortium.admitHospital(HOSPITAL, "Fuzz General", "");
        VM.prank(HOSPITAL);
        consortium.proposeStaff(DOCTOR);
        VM.prank(DOCTOR);
        consortium.acceptStaff(HOSPITAL);
        for (uint256 i = 0; i < 10; ++i) pool[i] = SIGNER.addr(_key(i));
        pool[10] = address(new MockERC1271Wallet(SIGNER.addr(WALLET_OWNER_KEY)));
        pool[11] = address(new MockERC1271Wallet(SIGNER.addr(WALLET_OWNER_KEY)));
        VM.warp(1_000_000);
    }

    function _key(uint256 i) internal pure returns (uint256) {
        return i >= 10 ? WALLET_OWNER_KEY : 0xA11CE + i;
    }

    function _contacts(uint256 n) internal pure returns (address[] memory contacts) {
        contacts = new address[](n);
        for (uint256 i = 0; i < n; ++i) contacts[i] = address(uint160(0xC000 + i));
    }

    function _rand(uint256 seed, uint256 step, uint256 salt) internal pure returns (uint256) {
        return uint256(keccak256(abi.encode(seed, step, salt)));
    }

    /// A configuration is accepted exactly when 2 ≤ t ≤ n ≤ 10 and the contacts are distinct.
    function testFuzz_contactBounds(uint8 n, uint8 t, uint8 dupAt) public {
        n = n % 13;
        address[] memory contacts = _contacts(n);
        bool sizes = n >= 2 && n <= 10 && t >= 2 && t <= n;
        // Sometimes list a contact twice.
        bool duplicate = sizes && dupAt % 2 == 1;
        if (duplicate) contacts[n - 1] = contacts[dupAt % (n - 1)];
        if (!sizes) {
            VM.expectRevert(abi.encodeWithSelector(IEmergencyAccess.EmergencyInvalidContacts.selector, uint256(n), t));
        } else if (duplicate) {
            VM.expectRevert(abi.encodeWithSelector(IEmergencyAccess.EmergencyInvalidContact.selector, contacts[n - 1]));
        }
        VM.prank(PATIENT);
        emergency.proposeContacts(contacts, t, SHARES_CID);
        (, address[] memory stored, ) = emergency.contactsOf(PATIENT);
        require(stored.length == (sizes && !duplicate ? n : 0), "contacts stored exactly when valid");
    }

    // ------------------------------------------------------------ lifecycle under fuzzed actions

    /// Every call succeeds exactly when the model says it should, and after each step: the counts
    /// and votes match; a grant is in force only after `threshold` distinct approvals by contacts
    /// of the request's own configuration (never strangers, never contacts added mid-request);
    /// nothing is accepted after the approval window (open) or the grant's end (granted).
    function testFuzz_lifecycle(uint8 nSeed, uint8 tSeed, uint256 seed) public {
        _propose(seed, 0, 2 + (nSeed % 9), tSeed);
        _request();
        for (uint256 step = 1; step <= 24; ++step) {
            uint256 action = _rand(seed, step, 0) % 10;
            if (action <= 1) VM.warp(block.timestamp + (_rand(seed, step, 1) % 100 minutes));
            else if (action <= 3) _approveDirect(pool[_rand(seed, step, 1) % POOL]);
            else if (action == 4) _reject(pool[_rand(seed, step, 1) % POOL]);
            else if (action <= 6) _signedBatch(seed, step);
            else if (action == 7) _propose(seed, step, 2 + (_rand(seed, step, 1) % 9), uint8(_rand(seed, step, 2)));
            else if (action == 8) _request();
            else if (_rand(seed, step, 1) % 4 == 0) _close();
            _checkInvariants();
        }
    }

    /// The patient names `n` contacts from the pool (a random selection, sometimes with a duplicate,
    /// which must be refused), threshold in 2..n. In force at once (no security delay).
    function _propose(uint256 seed, uint256 step, uint256 n, uint8 tSeed) internal {
        address[] memory contacts = new address[](n);
        uint256 start = _rand(seed, step, 3) % POOL;
        for (uint256 i = 0; i < n; ++i) contacts[i] = pool[(start + i) % POOL];
        uint8 t = uint8(2 + (tSeed % (n - 1)));
        bool duplicate = step != 0 && _rand(seed, step, 4) % 4 == 0;
        if (duplicate) {
            contacts[n - 1] = contacts[0];
            VM.expectRevert(abi.encodeWithSelector(IEmergencyAccess.EmergencyInvalidContact.selector, contacts[0]));
        }
        VM.prank(PATIENT);
        emergency.proposeContacts(contacts, t, SHARES_CID);
        if (duplicate) return;
        cContacts = contacts;
        cThreshold = t;
    }

    function _request() internal {
        bool expected = !_inProgress();
        VM.prank(DOCTOR);
        try emergency.request(PATIENT, 1, "", DURATION) returns (uint32 round) {
            require(expected, "a request opened while one was in progress");
            require(round == mRound + 1, "rounds count up");
            mRound = round;
            mStatus = EmergencyStatus.Open;
            mApproveBy = uint48(block.timestamp) + WINDOW;
            mExpiresAt = 0;
            mThreshold = cThreshold;
            mContacts = cContacts;
            delete mApprovers;
            mRejections = 0;
        } catch (bytes memory reason) {
            require(!expected, "a request was refused although none was in progress");
            require(
                keccak256(reason) ==
                    keccak256(abi.encodeWithSelector(IEmergencyAccess.EmergencyRequestInProgress.selector, PATIENT, DOCTOR)),
                "refused for the wrong reason"
            );
        }
    }

    function _approveDirect(address contact) internal {
        bool expected = _mayApprove(contact) && !mVoted[mRound][contact];
        VM.prank(contact);
        try emergency.approve(PATIENT, DOCTOR, SHARE) {
            require(expected, "an approval was accepted that must not be");
            _countApproval(contact);
        } catch {
            require(!expected, "an approval was refused that must count");
        }
    }

    function _reject(address contact) internal {
        bool expected = _isOpen() && _isContact(contact) && !mVoted[mRound][contact];
        VM.prank(contact);
        try emergency.reject(PATIENT, DOCTOR) {
            require(expected, "a rejection was accepted that must not be");
            mVoted[mRound][contact] = true;
            ++mRejections;
            if (mContacts.length - mRejections < mThreshold) mStatus = EmergencyStatus.Rejected;
        } catch {
            require(!expected, "a rejection was refused that must count");
        }
    }

    /// A relayed batch of 1..4 signed approvals by pool members, some listed twice, some signed for
    /// another contact (for the wallets: by their common owner, for the other wallet) or another
    /// round. The batch lands exactly when every signature is the contact's own and every entry
    /// either counts or was already counted.
    function _signedBatch(uint256 seed, uint256 step) internal {
        uint256 size = 1 + (_rand(seed, step, 1) % 4);
        SignedApproval[] memory batch = new SignedApproval[](size);
        bool expected = true;
        address[] memory fresh = new address[](size);
        uint256 freshCount;
        for (uint256 i = 0; i < size; ++i) {
            uint256 who = _rand(seed, step, 10 + i) % POOL;
            uint256 forgery = _rand(seed, step, 20 + i) % 8;
            address contact = pool[who];
            // forgery 0: signed as the next pool member (for a wallet: its twin of the same owner);
            // forgery 1: signed for another round. Otherwise the contact's own signature.
            address named = forgery == 0 ? pool[who ^ 1] : contact;
            uint32 round = forgery == 1 ? mRound + 1 : mRound;
            bytes32 digest = emergency.approvalDigest(PATIENT, DOCTOR, named, round, SHARE);
            (uint8 v, bytes32 r, bytes32 s) = SIGNER.sign(_key(forgery == 0 ? who ^ 1 : who), digest);
            batch[i] = SignedApproval(contact, SHARE, abi.encodePacked(r, s, v));
            if (forgery <= 1) {
                expected = false;
                continue;
            }
            bool counted = mVoted[mRound][contact];
            for (uint256 j = 0; j < freshCount; ++j) if (fresh[j] == contact) counted = true;
            if (!_mayApprove(contact)) expected = false;
            else if (!counted) fresh[freshCount++] = contact;
        }
        try emergency.submitSignedApprovals(PATIENT, DOCTOR, batch) {
            require(expected, "a batch landed that must not");
            for (uint256 j = 0; j < freshCount; ++j) _countApproval(fresh[j]);
        } catch {
            require(!expected, "a batch was refused that must land");
        }
    }

    function _close() internal {
        bool expected = _isOpen() || _isGranted();
        VM.prank(PATIENT);
        try emergency.close(PATIENT, DOCTOR) {
            require(expected, "closed what was not open or granted");
            mStatus = EmergencyStatus.Cancelled;
        } catch {
            require(!expected, "the patient could not close");
        }
    }

    function _countApproval(address contact) internal {
        mVoted[mRound][contact] = true;
        mApprovers.push(contact);
        if (mApprovers.length == mThreshold) {
            mStatus = EmergencyStatus.Granted;
            mExpiresAt = uint48(block.timestamp) + DURATION;
        }
    }

    function _checkInvariants() internal view {
        (EmergencyRequest memory req, EmergencyStatus status) = emergency.requestOf(PATIENT, DOCTOR);
        require(req.round == mRound, "round");
        require(req.approvals == mApprovers.length && req.rejections == mRejections, "counts");
        require(status == _modelStatus(), "status");
        bool granted = status == EmergencyStatus.Granted;
        require(emergency.hasEmergencyAccess(PATIENT, DOCTOR) == granted, "access iff granted");
        uint16 votes;
        for (uint256 i = 0; i < mContacts.length; ++i) if (mVoted[mRound][mContacts[i]]) votes |= uint16(1 << i);
        require(req.votes == votes, "the votes are exactly the contacts who voted");
        // Each vote is one distinct contact of the request's configuration, and a grant opened only
        // with `threshold` of them approving (more may follow: late shares).
        uint256 voters;
        for (uint16 bits = req.votes; bits != 0; bits &= bits - 1) ++voters;
        require(voters == uint256(req.approvals) + req.rejections, "one vote per distinct contact");
        for (uint256 i = 0; i < mApprovers.length; ++i) {
            require(_isContact(mApprovers[i]), "an approval from a non-contact counted");
            for (uint256 j = 0; j < i; ++j) require(mApprovers[j] != mApprovers[i], "an approval counted twice");
        }
        if (req.status == EmergencyStatus.Granted) require(req.approvals >= req.threshold, "granted below threshold");
        if (granted) require(block.timestamp < req.durationOrExpiry, "a grant in force past its expiry");
    }

    function _modelStatus() internal view returns (EmergencyStatus) {
        if (mStatus == EmergencyStatus.Open && block.timestamp >= mApproveBy) return EmergencyStatus.Expired;
        if (mStatus == EmergencyStatus.Granted && block.timestamp >= mExpiresAt) return EmergencyStatus.Expired;
        return mStatus;
    }

    function _isOpen() internal view returns (bool) {
        return mStatus == EmergencyStatus.Open && block.timestamp < mApproveBy;
    }

    function _isGranted() internal view returns (bool) {
        return mStatus == EmergencyStatus.Granted && block.timestamp < mExpiresAt;
    }

    function _inProgress() internal view returns (bool) {
        return _isOpen() || _isGranted();
    }

    /// Approvals count while open, and after the grant until it ends, from the request's contacts.
    function _mayApprove(address contact) internal view returns (bool) {
        return (_isOpen() || _isGranted()) && _isContact(contact);
    }

    function _isContact(address account) internal view returns (bool) {
        for (uint256 i = 0; i < mContacts.length; ++i) if (mContacts[i] == account) return true;
        return false;
    }
}
