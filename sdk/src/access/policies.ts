/**
 * Patient policies: build terms from names a person understands, set them directly or by an
 * EIP-712 signature that anyone relays, read the current version back, revoke them.
 */
import { getAddress, keccak256, parseEventLogs, toBytes, toHex, zeroAddress, type Address, type Hex } from "viem";
import { ALL_CATEGORIES, consentDomain, Rights, SET_POLICY_TYPES, type PolicyTerms } from "../chain/access.ts";
import { recordRegistryAbi } from "../chain/abis.ts";
import type { CaduceusChain } from "../chain/client.ts";
import { Role, purposeSet, type PurposeName, type RoleName } from "../chain/roles.ts";
import { CaduceusError } from "../errors.ts";

const ZERO32: Hex = `0x${"00".repeat(32)}`;

/** The registry's errors too: a policy scoped to an unknown record reverts there. */
export const consentWriteAbi = (chain: CaduceusChain) => ({
  address: chain.consentManager.address,
  abi: [...chain.consentManager.abi, ...recordRegistryAbi.filter((item) => item.type === "error")],
});

export class InvalidPolicyError extends CaduceusError {
  constructor(message: string) {
    super("INVALID_POLICY", message);
  }
}

/** A policy in words; `policyTerms` turns it into the contract's terms. */
export interface PolicyInput {
  /** One account… */
  grantee?: Address;
  /** …or every holder of a consortium role. */
  role?: RoleName;
  purposes: PurposeName[];
  /** READ is always included. */
  share?: boolean;
  /** Unix seconds; default now. */
  validFrom?: number;
  /** Unix seconds. */
  validUntil: number;
  /** Record categories (numbers of `Category`); default all. Exclusive with `recordId`. */
  categories?: number[];
  recordId?: Hex;
  anonymizedOnly?: boolean;
  /** Default true: a matching request is granted at once. */
  autoApprove?: boolean;
}

/** Checks a policy in words and returns the terms the contract takes. */
export function policyTerms(input: PolicyInput, now = Math.floor(Date.now() / 1000)): PolicyTerms {
  if ((input.grantee === undefined) === (input.role === undefined)) {
    throw new InvalidPolicyError("A policy is for exactly one grantee (an address) or one role.");
  }
  if (input.purposes.length === 0) throw new InvalidPolicyError("A policy must allow at least one purpose.");
  if (input.recordId !== undefined && input.categories !== undefined) {
    throw new InvalidPolicyError("Scope a policy by categories or by one record, not both.");
  }
  const validFrom = input.validFrom ?? now;
  if (!(input.validUntil > validFrom && input.validUntil > now)) {
    throw new InvalidPolicyError("The policy's window must end after it starts and after now.");
  }
  const categories =
    input.recordId !== undefined
      ? 0
      : input.categories === undefined
        ? ALL_CATEGORIES
        : input.categories.reduce((m, c) => m | (1 << c), 0);
  if (input.recordId === undefined && (categories === 0 || (categories & ~ALL_CATEGORIES) !== 0)) {
    throw new InvalidPolicyError("The policy's categories must be among the seven record categories.");
  }
  return {
    grantee: input.grantee ? getAddress(input.grantee) : zeroAddress,
    role: input.role ? Role[input.role] : ZERO32,
    purposes: purposeSet(...input.purposes),
    rights: Rights.READ | (input.share ? Rights.SHARE : 0),
    validFrom,
    validUntil: input.validUntil,
    categories,
    recordId: input.recordId ?? ZERO32,
    anonymizedOnly: input.anonymizedOnly ?? false,
    autoApprove: input.autoApprove ?? true,
  };
}

/** A fresh random policy id (policy ids are the patient's own namespace). */
export function newPolicyId(): Hex {
  return toHex(crypto.getRandomValues(new Uint8Array(32)));
}

/** Sets (creates or replaces) the signer's policy; returns its new version. */
export async function setPolicy(chain: CaduceusChain, policyId: Hex, terms: PolicyTerms): Promise<number> {
  const { receipt } = await chain.write(consentWriteAbi(chain), "setPolicy", [policyId, terms]);
  return policySetVersion(chain, receipt.logs);
}

export interface SignedPolicy {
  patient: Address;
  policyId: Hex;
  terms: PolicyTerms;
  version: number;
  deadline: bigint;
  signature: Hex;
}

/** The patient signs the next version of a policy, for a relayer to submit before `deadline`. */
export async function signPolicy(
  chain: CaduceusChain,
  policyId: Hex,
  terms: PolicyTerms,
  deadline: bigint,
): Promise<SignedPolicy> {
  const patient = chain.account;
  const { version } = await policyVersion(chain, patient, policyId);
  const next = version + 1;
  const signature = await chain.call(() =>
    chain.signer().signTypedData({
      account: chain.signer().account,
      domain: consentDomain(chain.chainId, chain.consentManager.address),
      types: SET_POLICY_TYPES,
      primaryType: "SetPolicy",
      message: { patient, policyId, version: next, terms, deadline },
    }),
  );
  return { patient, policyId, terms, version: next, deadline, signature };
}

/** Submits a patient's signed policy (any account pays the gas). */
export async function relayPolicy(chain: CaduceusChain, signed: SignedPolicy): Promise<number> {
  const { receipt } = await chain.write(consentWriteAbi(chain), "setPolicyWithSig", [
    signed.patient,
    signed.policyId,
    signed.terms,
    signed.deadline,
    signed.signature,
  ]);
  return policySetVersion(chain, receipt.logs);
}

export async function revokePolicy(chain: CaduceusChain, policyId: Hex): Promise<void> {
  await chain.write(consentWriteAbi(chain), "revokePolicy", [policyId]);
}

export async function policyVersion(
  chain: CaduceusChain,
  patient: Address,
  policyId: Hex,
): Promise<{ version: number; active: boolean }> {
  const [version, active] = await chain.call(() =>
    chain.publicClient.readContract({
      ...chain.consentManager,
      functionName: "policyVersion",
      args: [patient, policyId],
    }),
  );
  return { version, active };
}

/** The policy's terms in force, from its latest `PolicySet` event; undefined if none is in force. */
export async function currentPolicy(
  chain: CaduceusChain,
  patient: Address,
  policyId: Hex,
): Promise<(PolicyTerms & { version: number }) | undefined> {
  const { version, active } = await policyVersion(chain, patient, policyId);
  if (!active) return undefined;
  const logs = await chain.call(() =>
    chain.publicClient.getContractEvents({
      ...chain.consentManager,
      eventName: "PolicySet",
      args: { patient, policyId },
      fromBlock: BigInt(chain.deployment.contracts.consentManager.deployBlock),
    }),
  );
  const event = logs.find((log) => log.args.version === version)?.args;
  if (!event?.terms)
    throw new CaduceusError(
      "CHAIN_UNAVAILABLE",
      `The node returned no PolicySet event for version ${version} of policy ${policyId}; is it fully synced?`,
    );
  return { ...event.terms, version };
}

function policySetVersion(chain: CaduceusChain, logs: Parameters<typeof parseEventLogs>[0]["logs"]): number {
  const [event] = parseEventLogs({ abi: chain.consentManager.abi, logs, eventName: "PolicySet" });
  return event.args.version;
}

/** A readable policy id: the keccak-256 of a label such as "care-team" (ids are per patient). */
export function policyIdFromLabel(label: string): Hex {
  return keccak256(toBytes(label));
}
