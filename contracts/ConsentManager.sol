// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
import {SignatureChecker} from "@openzeppelin/contracts/utils/cryptography/SignatureChecker.sol";

import {IConsentManager} from "./interfaces/IConsentManager.sol";
import {IConsortium} from "./interfaces/IConsortium.sol";
import {IEmergencyAccess} from "./interfaces/IEmergencyAccess.sol";
import {IRecordRegistry} from "./interfaces/IRecordRegistry.sol";
import {DenyReason, Grant, GrantStatus, KeyDelivery, PolicyTerms, RequestOutcome, Rights} from "./types/Access.sol";
import {Purposes} from "./types/Purposes.sol";
import {Category, CidCodec} from "./types/Records.sol";

/// @title ConsentManager
/// @notice See {IConsentManager}. A policy costs one slot (its terms' hash and version); a grant
/// one slot (plus one for a record-scoped grant, and one for a shared grant's parent epoch); key
/// envelopes live only in events.
contract ConsentManager is IConsentManager, EIP712 {
    /// @notice Most key deliveries in one call.
    uint256 public constant MAX_BATCH = 100;
    /// @notice Largest key envelope accepted, as in the record registry.
    uint256 public constant MAX_ENVELOPE = 2048;
    /// @notice Every `Category` at once.
    uint8 public constant ALL_CATEGORIES = uint8((1 << (uint256(type(Category).max) + 1)) - 1);

    bytes32 public constant TERMS_TYPEHASH = keccak256(
        "PolicyTerms(address grantee,bytes32 role,uint256 purposes,uint8 rights,uint48 validFrom,uint48 validUntil,uint8 categories,bytes32 recordId,bool anonymizedOnly,bool autoApprove)"
    );
    bytes32 public constant SET_POLICY_TYPEHASH = keccak256(
        "SetPolicy(address patient,bytes32 policyId,uint32 version,PolicyTerms terms,uint256 deadline)PolicyTerms(address grantee,bytes32 role,uint256 purposes,uint8 rights,uint48 validFrom,uint48 validUntil,uint8 categories,bytes32 recordId,bool anonymizedOnly,bool autoApprove)"
    );

    /// @dev The first 28 bytes of the terms' struct hash and the version, in one slot. A patient
    /// gains nothing from colliding their own terms; a requester would need a second preimage.
    struct Policy {
        bytes28 termsHash;
        uint32 version;
    }

    IConsortium public immutable CONSORTIUM;
    IRecordRegistry public immutable RECORDS;
    /// @notice Emergency grants (purpose ETREAT) opened by the patient's contacts count here too.
    IEmergencyAccess public immutable EMERGENCY;

    mapping(address patient => mapping(bytes32 policyId => Policy)) private _policies;
    mapping(address patient => mapping(address grantee => mapping(uint8 purpose => Grant))) private _grants;
    mapping(address patient => mapping(address grantee => mapping(uint8 purpose => bytes32 recordId)))
        private _grantRecords;
    /// @dev Bumped each time a grant that was shared is replaced: shares made under an earlier
    /// epoch died with the grant they came from and never revive.
    mapping(address patient => mapping(address sharer => mapping(uint8 purpose => uint256 epoch))) private _shareEpochs;
    /// @dev The sharer's epoch a shared grant was made under.
    mapping(address patient => mapping(address recipient => mapping(uint8 purpose => uint256 epoch)))
        private _sharedUnder;

    constructor(
        IConsortium consortium,
        IRecordRegistry records,
        IEmergencyAccess emergency
    ) EIP712("Caduceus ConsentManager", "1") {
        CONSORTIUM = consortium;
        RECORDS = records;
        EMERGENCY = emergency;
    }

    // ---------------------------------------------------------------- policies

    /// @inheritdoc IConsentManager
    function setPolicy(bytes32 policyId, PolicyTerms calldata terms) external returns (uint32) {
        return _setPolicy(msg.sender, policyId, terms);
    }

    /// @inheritdoc IConsentManager
    function setPolicyWithSig(
        address patient,
        bytes32 policyId,
        PolicyTerms calldata terms,
        uint256 deadline,
        bytes calldata signature
    ) external returns (uint32) {
        if (block.timestamp > deadline) {
            revert ConsentExpiredSignature(deadline);
        }
        uint32 next = _policies[patient][policyId].version + 1;
        bytes32 digest = _setPolicyDigest(patient, policyId, next, terms, deadline);
        if (!SignatureChecker.isValidSignatureNow(patient, digest, signature)) {
            revert ConsentInvalidSignature(patient);
        }
        return _setPolicy(patient, policyId, terms);
    }

    /// @inheritdoc IConsentManager
    function revokePolicy(bytes32 policyId) external {
        Policy storage p = _policies[msg.sender][policyId];
        if (p.termsHash == 0) {
            revert ConsentUnknownPolicy(msg.sender, policyId);
        }
        uint32 version = p.version + 1;
        _policies[msg.sender][policyId] = Policy({termsHash: 0, version: version});
        emit PolicyRevoked(msg.sender, policyId, version);
    }

    // ---------------------------------------------------------------- requests and decisions

    /// @inheritdoc IConsentManager
    function requestAccess(
        address patient,
        bytes32 policyId,
        PolicyTerms calldata terms,
        uint8 purpose,
        uint8 rights,
        uint48 duration
    ) external returns (RequestOutcome outcome, DenyReason reason) {
        if (purpose > Purposes.MAX) {
            revert ConsentUnknownPurpose(purpose);
        }
        if (rights & Rights.READ == 0 || rights & ~Rights.ALL != 0) {
            revert ConsentInvalidRequest(rights);
        }
        reason = _checkRequest(patient, policyId, terms, purpose, rights);
        if (reason != DenyReason.None) {
            emit AccessRequested(patient, msg.sender, policyId, purpose, rights, RequestOutcome.Denied, reason, 0);
            return (RequestOutcome.Denied, reason);
        }
        uint48 expiresAt = terms.validUntil;
        if (duration != 0 && block.timestamp + duration < expiresAt) {
            expiresAt = uint48(block.timestamp + duration);
        }
        Grant memory current = _grants[patient][msg.sender][purpose];
        // After the patient's revoke or denial, even an auto-approving policy waits for the patient.
        bool refused = current.status == GrantStatus.Revoked || current.status == GrantStatus.Denied;
        outcome = terms.autoApprove && !refused ? RequestOutcome.Granted : RequestOutcome.Pending;
        if (outcome == RequestOutcome.Pending && _inForce(current)) {
            revert ConsentGrantInForce(patient, msg.sender, purpose, current.expiresAt);
        }
        if (current.hasShared) {
            // The grant being replaced was shared: its shares end with it.
            ++_shareEpochs[patient][msg.sender][purpose];
        }
        _grants[patient][msg.sender][purpose] = Grant({
            sharedBy: address(0),
            expiresAt: expiresAt,
            status: outcome == RequestOutcome.Granted ? GrantStatus.Active : GrantStatus.Pending,
            rights: rights,
            categories: terms.categories,
            anonymized: terms.anonymizedOnly,
            recordScoped: terms.recordId != 0,
            hasShared: false
        });
        if (terms.recordId != 0) {
            _grantRecords[patient][msg.sender][purpose] = terms.recordId;
        }
        emit AccessRequested(patient, msg.sender, policyId, purpose, rights, outcome, DenyReason.None, expiresAt);
    }

    /// @inheritdoc IConsentManager
    function approve(address requester, uint8 purpose) external {
        Grant storage g = _pending(msg.sender, requester, purpose);
        if (g.expiresAt <= block.timestamp) {
            revert ConsentGrantNotFound(msg.sender, requester, purpose);
        }
        g.status = GrantStatus.Active;
        emit AccessDecided(msg.sender, requester, purpose, true);
    }

    /// @inheritdoc IConsentManager
    function deny(address requester, uint8 purpose) external {
        _pending(msg.sender, requester, purpose).status = GrantStatus.Denied;
        emit AccessDecided(msg.sender, requester, purpose, false);
    }

    /// @inheritdoc IConsentManager
    function revoke(address patient, address grantee, uint8 purpose) external {
        Grant storage g = _grants[patient][grantee][purpose];
        if (g.status != GrantStatus.Active && g.status != GrantStatus.Pending) {
            revert ConsentGrantNotFound(patient, grantee, purpose);
        }
        if (msg.sender != patient && (g.sharedBy == address(0) || msg.sender != g.sharedBy)) {
            revert ConsentNotGrantor(msg.sender);
        }
        g.status = GrantStatus.Revoked;
        emit AccessRevoked(patient, grantee, purpose, msg.sender);
    }

    /// @inheritdoc IConsentManager
    function share(address patient, address recipient, uint8 purpose, uint48 expiresAt) external {
        Grant memory own = _grants[patient][msg.sender][purpose];
        Grant storage target = _grants[patient][recipient][purpose];
        bool allowed =
            _inForce(own) &&
                own.rights & Rights.SHARE != 0 &&
                own.sharedBy == address(0) &&
                recipient != address(0) &&
                recipient != patient &&
                recipient != msg.sender &&
                !(_inForce(target) && target.sharedBy == address(0)) &&
                _mayDeclare(msg.sender, purpose) &&
                _mayDeclare(recipient, purpose);
        if (!allowed) {
            revert ConsentCannotShare(msg.sender, recipient, purpose);
        }
        if (expiresAt == 0 || expiresAt > own.expiresAt) {
            expiresAt = own.expiresAt;
        }
        if (expiresAt <= block.timestamp) {
            revert ConsentCannotShare(msg.sender, recipient, purpose);
        }
        _grants[patient][recipient][purpose] = Grant({
            sharedBy: msg.sender,
            expiresAt: expiresAt,
            status: GrantStatus.Active,
            rights: Rights.READ,
            categories: own.categories,
            anonymized: own.anonymized,
            recordScoped: own.recordScoped,
            hasShared: false
        });
        _sharedUnder[patient][recipient][purpose] = _shareEpochs[patient][msg.sender][purpose];
        if (!own.hasShared) {
            _grants[patient][msg.sender][purpose].hasShared = true;
        }
        if (own.recordScoped) {
            _grantRecords[patient][recipient][purpose] = _grantRecords[patient][msg.sender][purpose];
        }
        emit AccessShared(patient, msg.sender, recipient, purpose, expiresAt);
    }

    // ---------------------------------------------------------------- keys

    /// @inheritdoc IConsentManager
    function deliverKeys(address patient, address grantee, uint8 purpose, KeyDelivery[] calldata deliveries) external {
        uint256 size = deliveries.length;
        if (size == 0 || size > MAX_BATCH) {
            revert ConsentInvalidBatchSize(size, MAX_BATCH);
        }
        (Grant memory g, bool usable) = _usableGrant(patient, grantee, purpose);
        if (!usable) {
            revert ConsentGrantNotFound(patient, grantee, purpose);
        }
        // Anyone but the patient must be the records' own active hospital, and only for grants
        // whose grantee may see the records themselves.
        uint32 custodianId = 0;
        if (msg.sender != patient) {
            IConsortium.Hospital memory h = CONSORTIUM.hospital(msg.sender);
            if (h.id == 0 || h.suspended || g.anonymized) {
                revert ConsentNotKeyCustodian(msg.sender, deliveries[0].recordId);
            }
            custodianId = h.id;
        }
        // Bounded by MAX_BATCH.
        for (uint256 i = 0; i < size; ++i) {
            _deliver(patient, grantee, purpose, g, custodianId, deliveries[i]);
        }
    }

    // ---------------------------------------------------------------- views

    /// @inheritdoc IConsentManager
    function canAccess(address requester, bytes32 recordId, uint8 purpose) external view returns (bool) {
        if (purpose > Purposes.MAX || !RECORDS.exists(recordId)) return false;
        (address patient, , Category category) = RECORDS.recordSummary(recordId);
        if (requester == patient) return true;
        if (purpose == Purposes.ETREAT && EMERGENCY.hasEmergencyAccess(patient, requester)) return true;
        (Grant memory g, bool usable) = _usableGrant(patient, requester, purpose);
        return usable && _inScope(g, patient, requester, purpose, recordId, category);
    }

    /// @inheritdoc IConsentManager
    function grantOf(address patient, address grantee, uint8 purpose) external view returns (Grant memory) {
        return _grants[patient][grantee][purpose];
    }

    /// @inheritdoc IConsentManager
    function grantRecord(address patient, address grantee, uint8 purpose) external view returns (bytes32) {
        return _grants[patient][grantee][purpose].recordScoped ? _grantRecords[patient][grantee][purpose] : bytes32(0);
    }

    /// @inheritdoc IConsentManager
    function policyVersion(address patient, bytes32 policyId) external view returns (uint32 version, bool active) {
        Policy memory p = _policies[patient][policyId];
        return (p.version, p.termsHash != 0);
    }

    /// @inheritdoc IConsentManager
    function hashTerms(PolicyTerms calldata terms) external pure returns (bytes32) {
        return _hashTerms(terms);
    }

    /// @inheritdoc IConsentManager
    function setPolicyDigest(
        address patient,
        bytes32 policyId,
        uint32 version,
        PolicyTerms calldata terms,
        uint256 deadline
    ) external view returns (bytes32) {
        return _setPolicyDigest(patient, policyId, version, terms, deadline);
    }

    // ---------------------------------------------------------------- internal

    function _setPolicy(
        address patient,
        bytes32 policyId,
        PolicyTerms calldata terms
    ) private returns (uint32 version) {
        _validateTerms(patient, terms);
        version = _policies[patient][policyId].version + 1;
        _policies[patient][policyId] = Policy({termsHash: bytes28(_hashTerms(terms)), version: version});
        emit PolicySet(patient, policyId, version, terms);
    }

    function _validateTerms(address patient, PolicyTerms calldata t) private view {
        if ((t.grantee == address(0)) == (t.role == 0) || t.grantee == patient) {
            revert ConsentInvalidGrantee(t.grantee, t.role);
        }
        if (t.purposes == 0 || t.purposes & ~Purposes.ALL != 0) {
            revert ConsentUnknownPurposes(t.purposes);
        }
        if (t.rights & Rights.READ == 0 || t.rights & ~Rights.ALL != 0) {
            revert ConsentInvalidRights(t.rights);
        }
        if (t.validFrom >= t.validUntil || t.validUntil <= block.timestamp) {
            revert ConsentInvalidWindow(t.validFrom, t.validUntil);
        }
        bool oneRecord = t.recordId != 0;
        if (oneRecord == (t.categories != 0) || t.categories & ~ALL_CATEGORIES != 0) {
            revert ConsentInvalidScope(t.categories, t.recordId);
        }
        if (oneRecord) {
            (address owner, , ) = RECORDS.recordSummary(t.recordId);
            if (owner != patient) {
                revert ConsentNotPatientsRecord(t.recordId, patient);
            }
        }
    }

    function _checkRequest(
        address patient,
        bytes32 policyId,
        PolicyTerms calldata terms,
        uint8 purpose,
        uint8 rights
    ) private view returns (DenyReason) {
        // Only someone a current policy addresses gets a log entry, even a denial: anyone else is
        // refused with a revert, so that strangers cannot fill a patient's access log.
        bytes28 stored = _policies[patient][policyId].termsHash;
        if (stored == 0 || stored != bytes28(_hashTerms(terms))) {
            revert ConsentUnknownPolicy(patient, policyId);
        }
        bool named = terms.grantee != address(0);
        if (named ? terms.grantee != msg.sender : !CONSORTIUM.holdsRole(terms.role, msg.sender)) {
            revert ConsentNotGrantee(msg.sender, patient, policyId);
        }
        // A named grantee may declare through any role it holds; a role policy through that role.
        bool bound =
            named ? _mayDeclare(msg.sender, purpose) : Purposes.contains(CONSORTIUM.rolePurposes(terms.role), purpose);
        if (!bound) return DenyReason.PurposeNotBound;
        if (!Purposes.contains(terms.purposes, purpose)) return DenyReason.PurposeNotInPolicy;
        if (rights & ~terms.rights != 0) return DenyReason.RightNotInPolicy;
        if (block.timestamp < terms.validFrom) return DenyReason.NotYetValid;
        if (block.timestamp >= terms.validUntil) return DenyReason.Expired;
        return DenyReason.None;
    }

    function _pending(address patient, address requester, uint8 purpose) private view returns (Grant storage g) {
        g = _grants[patient][requester][purpose];
        if (g.status != GrantStatus.Pending) {
            revert ConsentGrantNotFound(patient, requester, purpose);
        }
    }

    function _deliver(
        address patient,
        address grantee,
        uint8 purpose,
        Grant memory g,
        uint32 custodianId,
        KeyDelivery calldata d
    ) private {
        (address owner, uint32 hospitalId, Category category) = RECORDS.recordSummary(d.recordId);
        if (owner != patient) {
            revert ConsentNotPatientsRecord(d.recordId, patient);
        }
        if (custodianId != 0 && hospitalId != custodianId) {
            revert ConsentNotKeyCustodian(msg.sender, d.recordId);
        }
        if (!_inScope(g, patient, grantee, purpose, d.recordId, category)) {
            revert ConsentOutOfScope(d.recordId);
        }
        if (g.anonymized ? !CidCodec.isCid(d.copyCid) : d.copyCid.length != 0) {
            revert ConsentCopyRule(d.recordId, g.anonymized);
        }
        if (d.envelope.length == 0 || d.envelope.length > MAX_ENVELOPE) {
            revert ConsentInvalidEnvelope(d.envelope.length, MAX_ENVELOPE);
        }
        emit KeyDelivered(patient, grantee, d.recordId, purpose, msg.sender, d.copyCid, d.envelope);
    }

    /// @dev A grant in force whose holder (and, for a shared grant, whose sharer's own grant)
    /// still may declare the purpose: suspension or an ended parent grant stops it at once. A
    /// shared grant also needs its parent to be the very grant it came from, not a later one.
    function _usableGrant(
        address patient,
        address grantee,
        uint8 purpose
    ) private view returns (Grant memory g, bool usable) {
        g = _grants[patient][grantee][purpose];
        if (!_inForce(g) || !_mayDeclare(grantee, purpose)) return (g, false);
        if (g.sharedBy == address(0)) return (g, true);
        usable =
            _inForce(_grants[patient][g.sharedBy][purpose]) &&
            _sharedUnder[patient][grantee][purpose] == _shareEpochs[patient][g.sharedBy][purpose] &&
            _mayDeclare(g.sharedBy, purpose);
    }

    /// @dev PATRQT (patient requested) is the patient's own choice of recipient, say a relative
    /// or a lawyer: it needs no consortium role. Every other purpose needs a role bound to it.
    function _mayDeclare(address account, uint8 purpose) private view returns (bool) {
        return purpose == Purposes.PATRQT || CONSORTIUM.mayDeclare(account, purpose);
    }

    function _inScope(
        Grant memory g,
        address patient,
        address grantee,
        uint8 purpose,
        bytes32 recordId,
        Category category
    ) private view returns (bool) {
        if (g.recordScoped) return _grantRecords[patient][grantee][purpose] == recordId;
        return g.categories & (uint8(1) << uint8(category)) != 0;
    }

    function _inForce(Grant memory g) private view returns (bool) {
        return g.status == GrantStatus.Active && block.timestamp < g.expiresAt;
    }

    function _hashTerms(PolicyTerms calldata t) private pure returns (bytes32) {
        return
            keccak256(
                abi.encode(
                    TERMS_TYPEHASH,
                    t.grantee,
                    t.role,
                    t.purposes,
                    t.rights,
                    t.validFrom,
                    t.validUntil,
                    t.categories,
                    t.recordId,
                    t.anonymizedOnly,
                    t.autoApprove
                )
            );
    }

    function _setPolicyDigest(
        address patient,
        bytes32 policyId,
        uint32 version,
        PolicyTerms calldata terms,
        uint256 deadline
    ) private view returns (bytes32) {
        return
            _hashTypedDataV4(
                keccak256(abi.encode(SET_POLICY_TYPEHASH, patient, policyId, version, _hashTerms(terms), deadline))
            );
    }
}
