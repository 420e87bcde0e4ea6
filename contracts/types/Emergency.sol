// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

/// @title Why a doctor asks for emergency access
/// @notice Coarse codes, the only justification the chain sees; details go in the encrypted note.
library Justification {
    uint8 internal constant UNCONSCIOUS = 1; // the patient is unconscious
    uint8 internal constant INCAPACITATED = 2; // conscious but unable to decide or communicate
    uint8 internal constant LIFE_THREATENING = 3; // delay would endanger life; the patient cannot be asked in time
    uint8 internal constant OTHER = 4; // explained in the note
    uint8 internal constant MAX = OTHER;
}

/// @notice Lifecycle of an emergency request. Time closes requests without a write: an `Open`
/// request past its approval deadline is expired, a `Granted` one past `expiresAt` is over.
enum EmergencyStatus {
    None,
    Open, // waiting for the contacts
    Granted, // the threshold approved; the doctor may read until `expiresAt`
    Rejected, // enough contacts rejected that the threshold can no longer be reached
    Cancelled, // the patient or the doctor closed it (before or after the grant)
    Expired // only in views: open past its deadline, or granted past its expiry
}

/// @notice A patient's emergency contacts configuration; the contacts themselves are kept per
/// version, so a request keeps counting the contacts it was opened with.
/// @param version Increases by one with every proposal; 0: never configured.
/// @param threshold Approvals needed (2 ≤ threshold ≤ count).
/// @param count Number of contacts.
/// @param activatesAt When the configuration takes effect (the proposal time plus the security delay).
struct ContactsConfig {
    uint32 version;
    uint8 threshold;
    uint8 count;
    uint48 activatesAt;
}

/// @notice One emergency request, in one slot. Requests are kept per (patient, doctor); `round`
/// numbers a doctor's successive requests for a patient.
/// @param round 1 for the doctor's first request for this patient, then +1 per request.
/// @param configVersion The contacts configuration that counts for this request.
/// @param approveBy First second at which approvals are no longer accepted.
/// @param threshold Approvals needed, copied from the configuration.
/// @param eligible Contacts who may vote: all of them but the doctor, if the doctor is one.
/// @param approvals Approvals so far (they may exceed `threshold`: late approvals still post shares).
/// @param rejections Rejections so far.
/// @param votes Bit i set: contact i (in configuration order) has voted.
/// @param status Stored status (never `Expired`).
/// @param durationOrExpiry The requested duration while open; the grant's expiry once granted.
struct EmergencyRequest {
    uint32 round;
    uint32 configVersion;
    uint48 approveBy;
    uint8 threshold;
    uint8 eligible;
    uint8 approvals;
    uint8 rejections;
    uint16 votes;
    EmergencyStatus status;
    uint48 durationOrExpiry;
}

/// @notice Limits governance sets; all in seconds.
/// @param maxGrantDuration Longest emergency grant a doctor may request.
/// @param approvalWindow How long contacts have to reach the threshold.
/// @param cooldown Shortest time between two requests for the same patient by doctors of the same hospital.
struct EmergencyLimits {
    uint48 maxGrantDuration;
    uint48 approvalWindow;
    uint48 cooldown;
}

/// @notice A contact's approval signed off-chain (EIP-712) and submitted by anyone.
/// @param contact The signing contact.
/// @param share The contact's key share, re-wrapped (HPKE) to the requesting doctor's key.
/// @param signature Over `EmergencyApproval(patient, doctor, contact, round, keccak256(share))`.
struct SignedApproval {
    address contact;
    bytes share;
    bytes signature;
}

/// @notice A record key wrapped to the patient's emergency key.
struct EmergencyKey {
    bytes32 recordId;
    bytes envelope;
}
