// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

/// @title Access rights as bits
/// @notice A set of rights is a `uint8` bitmap. READ is required in every policy and grant; SHARE
/// lets a grantee pass READ on, one level deep.
library Rights {
    uint8 internal constant READ = 1;
    uint8 internal constant SHARE = 2;
    uint8 internal constant ALL = READ | SHARE;
}

/// @notice A patient's policy: who may ask, for which purposes, with which rights, when, and for
/// which records. Only its EIP-712 struct hash is stored; requesters repeat the terms in calldata.
/// @param grantee The one account the policy is for, or zero when it is for a role.
/// @param role A consortium role (`Roles`) whose every holder may ask, or zero for a grantee.
/// @param purposes Bitmap of HL7 PurposeOfUse codes (`Purposes`).
/// @param rights Bitmap of `Rights`; must contain READ.
/// @param validFrom First second a request may be made.
/// @param validUntil First second no request may be made; grants end at this time at the latest.
/// @param categories Bitmap of `Category` values in scope (all seven bits: every record); zero when
/// `recordId` scopes the policy to one record.
/// @param recordId One record in scope, or zero for a category scope.
/// @param anonymizedOnly Grantees receive only de-identified copies.
/// @param autoApprove A matching request is granted at once; otherwise it waits for the patient.
struct PolicyTerms {
    address grantee;
    bytes32 role;
    uint256 purposes;
    uint8 rights;
    uint48 validFrom;
    uint48 validUntil;
    uint8 categories;
    bytes32 recordId;
    bool anonymizedOnly;
    bool autoApprove;
}

/// @notice Lifecycle of a grant for one (patient, grantee, purpose).
enum GrantStatus {
    None,
    Pending, // waits for the patient's approval
    Active, // in force until `expiresAt`
    Denied, // the patient denied the pending request
    Revoked // the patient (or the sharer, for a shared grant) ended it
}

/// @notice Outcome of an access request.
enum RequestOutcome {
    Granted,
    Pending,
    Denied
}

/// @notice Why a request was denied; logged with the request.
enum DenyReason {
    None,
    UnknownPolicy, // never logged: such requests revert with ConsentUnknownPolicy (kept for numbering)
    NotGrantee, // never logged: such requests revert with ConsentNotGrantee (kept for numbering)
    PurposeNotBound, // the requester holds no role bound to the purpose (or its hospital is suspended)
    PurposeNotInPolicy,
    RightNotInPolicy,
    NotYetValid,
    Expired
}

/// @notice A grant as views return it. Stored in one slot.
/// @param sharedBy The grantee who shared this grant, or zero for a grant from the patient.
/// @param hasShared The grantee shared this grant at least once; when the grant is replaced (a
/// new request), those shares end for good, even if the new grant is in force again.
struct Grant {
    address sharedBy;
    uint48 expiresAt;
    GrantStatus status;
    uint8 rights;
    uint8 categories;
    bool anonymized;
    bool recordScoped;
    bool hasShared;
}

/// @notice One record key delivered to a grantee.
/// @param recordId The record the key opens (or whose de-identified copy it opens).
/// @param copyCid For anonymized grants: the binary CID of the de-identified copy the key opens;
/// empty when the key opens the registered record itself.
/// @param envelope The key wrapped (HPKE) to the grantee's published key, bound to the record.
struct KeyDelivery {
    bytes32 recordId;
    bytes copyCid;
    bytes envelope;
}
