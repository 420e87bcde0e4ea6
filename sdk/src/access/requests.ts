/**
 * Requests and decisions: a requester asks under a patient's policy (its current terms are read
 * from the chain), the patient approves, denies or revokes, a grantee with SHARE passes READ on.
 */
import { type Address, type Hex } from "viem";
import {
  DENY_REASON,
  GRANT_STATUS,
  REQUEST_OUTCOME,
  Rights,
  type DenyReasonName,
  type GrantStatusName,
  type RequestOutcomeName,
} from "../chain/access.ts";
import type { CaduceusChain } from "../chain/client.ts";
import { Purpose, type PurposeName } from "../chain/roles.ts";
import { CaduceusError } from "../errors.ts";
import { consentWriteAbi, currentPolicy } from "./policies.ts";

export interface AccessRequest {
  patient: Address;
  policyId: Hex;
  purpose: PurposeName;
  share?: boolean;
  /** Seconds; 0 or absent: until the policy's end. */
  duration?: number;
}

export interface RequestResult {
  outcome: RequestOutcomeName;
  reason: DenyReasonName;
  /** Unix seconds; 0 when denied. */
  expiresAt: number;
  hash: Hex;
}

/** Plain-language reasons for a denial, for the CLI and the web app. */
export const DENY_EXPLANATIONS: Record<DenyReasonName, string> = {
  None: "",
  UnknownPolicy: "the patient has no such policy in force (it was revoked or changed)",
  NotGrantee: "the policy is for someone else, or for a role you do not hold",
  PurposeNotBound: "none of your roles may declare this purpose (or your hospital is suspended)",
  PurposeNotInPolicy: "the policy does not allow this purpose",
  RightNotInPolicy: "the policy does not give the right to share",
  NotYetValid: "the policy's window has not started yet",
  Expired: "the policy's window has ended",
};

/** Asks for access; denials are logged on-chain and returned, not thrown. */
export async function requestAccess(chain: CaduceusChain, request: AccessRequest): Promise<RequestResult> {
  const terms = await currentPolicy(chain, request.patient, request.policyId);
  if (!terms) {
    throw new CaduceusError(
      "POLICY_NOT_FOUND",
      `Patient ${request.patient} has no policy ${request.policyId} in force; ask them for the current policy id.`,
    );
  }
  const { version: _version, ...policy } = terms;
  const rights = Rights.READ | (request.share ? Rights.SHARE : 0);
  const { receipt, hash } = await chain.write(consentWriteAbi(chain), "requestAccess", [
    request.patient,
    request.policyId,
    policy,
    Purpose[request.purpose],
    rights,
    request.duration ?? 0,
  ]);
  const logs = await chain.call(() =>
    chain.publicClient.getContractEvents({
      ...chain.consentManager,
      eventName: "AccessRequested",
      blockHash: receipt.blockHash,
    }),
  );
  const event = logs.find((log) => log.transactionHash === hash)!.args;
  return {
    outcome: REQUEST_OUTCOME[event.outcome!],
    reason: DENY_REASON[event.reason!],
    expiresAt: Number(event.expiresAt),
    hash,
  };
}

export async function approve(chain: CaduceusChain, requester: Address, purpose: PurposeName): Promise<void> {
  await chain.write(consentWriteAbi(chain), "approve", [requester, Purpose[purpose]]);
}

export async function deny(chain: CaduceusChain, requester: Address, purpose: PurposeName): Promise<void> {
  await chain.write(consentWriteAbi(chain), "deny", [requester, Purpose[purpose]]);
}

/** Ends a grant now. Keys delivered before stay readable to whoever holds them (forward-only). */
export async function revoke(
  chain: CaduceusChain,
  patient: Address,
  grantee: Address,
  purpose: PurposeName,
): Promise<void> {
  await chain.write(consentWriteAbi(chain), "revoke", [patient, grantee, Purpose[purpose]]);
}

/** Passes READ on to `recipient` within the signer's own grant; `expiresAt` 0 = the sharer's end. */
export async function share(
  chain: CaduceusChain,
  patient: Address,
  recipient: Address,
  purpose: PurposeName,
  expiresAt = 0,
): Promise<void> {
  await chain.write(consentWriteAbi(chain), "share", [patient, recipient, Purpose[purpose], expiresAt]);
}

export interface GrantView {
  status: GrantStatusName;
  expiresAt: number;
  sharedBy?: Address;
  share: boolean;
  categories: number;
  recordId?: Hex;
  anonymized: boolean;
  /** Active and not expired (roles are checked by `canAccess`). */
  inForce: boolean;
}

export async function grantOf(
  chain: CaduceusChain,
  patient: Address,
  grantee: Address,
  purpose: PurposeName,
): Promise<GrantView> {
  const args = [patient, grantee, Purpose[purpose]] as const;
  const [grant, recordId, block] = await Promise.all([
    chain.call(() => chain.publicClient.readContract({ ...chain.consentManager, functionName: "grantOf", args })),
    chain.call(() => chain.publicClient.readContract({ ...chain.consentManager, functionName: "grantRecord", args })),
    chain.call(() => chain.publicClient.getBlock()),
  ]);
  const status = GRANT_STATUS[grant.status];
  return {
    status,
    expiresAt: grant.expiresAt,
    sharedBy: grant.sharedBy === "0x0000000000000000000000000000000000000000" ? undefined : grant.sharedBy,
    share: (grant.rights & Rights.SHARE) !== 0,
    categories: grant.categories,
    recordId: grant.recordScoped ? recordId : undefined,
    anonymized: grant.anonymized,
    inForce: status === "Active" && BigInt(grant.expiresAt) > block.timestamp,
  };
}

export async function canAccess(
  chain: CaduceusChain,
  requester: Address,
  recordId: Hex,
  purpose: PurposeName,
): Promise<boolean> {
  return chain.call(() =>
    chain.publicClient.readContract({
      ...chain.consentManager,
      functionName: "canAccess",
      args: [requester, recordId, Purpose[purpose]],
    }),
  );
}
