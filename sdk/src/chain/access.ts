/**
 * Constants and EIP-712 types of the ConsentManager contract (`contracts/types/Access.sol`), shared
 * by the client library, the CLI, the web app and the tests. A test checks them against Solidity.
 */
import type { Address, Hex, TypedDataDomain } from "viem";

/** Rights as bits: READ is required; SHARE passes READ on, one level deep. */
export const Rights = { READ: 1, SHARE: 2 } as const;

/** `GrantStatus`, `RequestOutcome` and `DenyReason` of the contract, by numeric value. */
export const GRANT_STATUS = ["None", "Pending", "Active", "Denied", "Revoked"] as const;
export const REQUEST_OUTCOME = ["Granted", "Pending", "Denied"] as const;
export const DENY_REASON = [
  "None",
  "UnknownPolicy",
  "NotGrantee",
  "PurposeNotBound",
  "PurposeNotInPolicy",
  "RightNotInPolicy",
  "NotYetValid",
  "Expired",
] as const;

export type GrantStatusName = (typeof GRANT_STATUS)[number];
export type RequestOutcomeName = (typeof REQUEST_OUTCOME)[number];
export type DenyReasonName = (typeof DENY_REASON)[number];

/** Every record category at once (seven categories, `Category` in Records.sol). */
export const ALL_CATEGORIES = 0x7f;

/** A policy's terms, as `setPolicy` takes them and `PolicySet` logs them. */
export interface PolicyTerms {
  grantee: Address;
  role: Hex;
  purposes: bigint;
  rights: number;
  validFrom: number;
  validUntil: number;
  categories: number;
  recordId: Hex;
  anonymizedOnly: boolean;
  autoApprove: boolean;
}

const POLICY_TERMS_FIELDS = [
  { name: "grantee", type: "address" },
  { name: "role", type: "bytes32" },
  { name: "purposes", type: "uint256" },
  { name: "rights", type: "uint8" },
  { name: "validFrom", type: "uint48" },
  { name: "validUntil", type: "uint48" },
  { name: "categories", type: "uint8" },
  { name: "recordId", type: "bytes32" },
  { name: "anonymizedOnly", type: "bool" },
  { name: "autoApprove", type: "bool" },
] as const;

/** EIP-712 types of `setPolicyWithSig`: wallets show the patient every term they consent to. */
export const SET_POLICY_TYPES = {
  SetPolicy: [
    { name: "patient", type: "address" },
    { name: "policyId", type: "bytes32" },
    { name: "version", type: "uint32" },
    { name: "terms", type: "PolicyTerms" },
    { name: "deadline", type: "uint256" },
  ],
  PolicyTerms: POLICY_TERMS_FIELDS,
} as const;

/** The EIP-712 domain of a ConsentManager deployment. */
export function consentDomain(chainId: number, consentManager: Address): TypedDataDomain {
  return { name: "Caduceus ConsentManager", version: "1", chainId, verifyingContract: consentManager };
}
