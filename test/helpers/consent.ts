import { getAddress, zeroAddress, type Address, type Hex, type WalletClient } from "viem";
import { ALL_CATEGORIES, consentDomain, Rights, SET_POLICY_TYPES, type PolicyTerms } from "@caduceus/sdk/chain/access";
import { purposeSet, type PurposeName } from "@caduceus/sdk/chain/roles";
import { ZERO_BYTES32 } from "./records.js";

export const DAY = 86_400;

/** Terms for `grantee` (an address) or a role, TREAT, READ, every category, now to now + 30 days. */
export function terms(now: number, overrides: Partial<PolicyTerms> & { purposeNames?: PurposeName[] } = {}): PolicyTerms {
  const { purposeNames, grantee, ...rest } = overrides;
  return {
    // Checksummed, as the contract's events return it.
    grantee: getAddress(grantee ?? zeroAddress),
    role: ZERO_BYTES32,
    purposes: purposeSet(...(purposeNames ?? ["TREAT"])),
    rights: Rights.READ,
    validFrom: now,
    validUntil: now + 30 * DAY,
    categories: ALL_CATEGORIES,
    recordId: ZERO_BYTES32,
    anonymizedOnly: false,
    autoApprove: true,
    ...rest,
  };
}

/** The patient's EIP-712 signature for `setPolicyWithSig`. */
export async function signPolicy(
  patient: WalletClient,
  consentManager: Address,
  policyId: Hex,
  version: number,
  policy: PolicyTerms,
  deadline: bigint,
  chainId?: number,
): Promise<Hex> {
  return patient.signTypedData({
    account: patient.account!,
    domain: consentDomain(chainId ?? (await patient.getChainId()), consentManager),
    types: SET_POLICY_TYPES,
    primaryType: "SetPolicy",
    message: { patient: patient.account!.address, policyId, version, terms: policy, deadline },
  });
}
