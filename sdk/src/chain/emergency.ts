/**
 * Constants and EIP-712 types of the EmergencyAccess contract (`contracts/types/Emergency.sol`),
 * shared by the client library, the CLI, the web app and the tests.
 */
import type { Address, Hex, TypedDataDomain } from "viem";

/** `EmergencyStatus` by numeric value; `Expired` only appears in views (time closed it). */
export const EMERGENCY_STATUS = ["None", "Open", "Granted", "Rejected", "Cancelled", "Expired"] as const;
export type EmergencyStatusName = (typeof EMERGENCY_STATUS)[number];

/** Justification codes a doctor declares; details go in the encrypted note. */
export const Justification = { UNCONSCIOUS: 1, INCAPACITATED: 2, LIFE_THREATENING: 3, OTHER: 4 } as const;
export type JustificationName = keyof typeof Justification;

/** Plain-language meaning of each justification code, for contacts deciding on a request. */
export const JUSTIFICATION_TEXT: Readonly<Record<JustificationName, string>> = {
  UNCONSCIOUS: "the patient is unconscious",
  INCAPACITATED: "the patient is conscious but cannot decide or communicate",
  LIFE_THREATENING: "waiting for the patient would endanger their life",
  OTHER: "another reason, explained in the doctor's note",
};

/** Most contacts a patient may name, as the contract enforces. */
export const MAX_CONTACTS = 10;

/**
 * EIP-712 types of a contact's off-chain approval (`submitSignedApprovals`). The contact is in the
 * struct, so a signature for one smart-account contact is refused for another of the same owner.
 */
export const EMERGENCY_APPROVAL_TYPES = {
  EmergencyApproval: [
    { name: "patient", type: "address" },
    { name: "doctor", type: "address" },
    { name: "contact", type: "address" },
    { name: "round", type: "uint32" },
    { name: "shareHash", type: "bytes32" },
  ],
} as const;

export interface EmergencyApprovalMessage {
  patient: Address;
  doctor: Address;
  /** The signing contact (an EOA or an ERC-1271 wallet): a signature names its signer. */
  contact: Address;
  round: number;
  shareHash: Hex;
}

/** The EIP-712 domain of an EmergencyAccess deployment. */
export function emergencyDomain(chainId: number, emergencyAccess: Address): TypedDataDomain {
  return { name: "Caduceus EmergencyAccess", version: "1", chainId, verifyingContract: emergencyAccess };
}
