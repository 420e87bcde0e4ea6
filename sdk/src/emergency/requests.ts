/**
 * Emergency requests: a doctor asks, contacts approve (posting their share re-sealed to the doctor)
 * or reject, on-chain or by EIP-712 signatures that the doctor submits together; the patient or the
 * doctor closes. Status reads apply time as the contract does.
 */
import { bytesToHex, hexToBytes, keccak256, parseEventLogs, type Address, type Hex } from "viem";
import type { CaduceusChain } from "../chain/client.ts";
import {
  EMERGENCY_APPROVAL_TYPES,
  EMERGENCY_STATUS,
  emergencyDomain,
  Justification,
  type EmergencyStatusName,
  type JustificationName,
} from "../chain/emergency.ts";
import type { RecipientKeyPairs } from "../crypto/envelope.ts";
import { CaduceusError } from "../errors.ts";
import type { ContentStore } from "../storage/content-store.ts";
import { readEmergencyConfig } from "./contacts.ts";
import { emergencyKeyId, openShare, sealShare } from "./key.ts";

export interface EmergencyRequestState {
  round: number;
  status: EmergencyStatusName;
  configVersion: number;
  threshold: number;
  approvals: number;
  rejections: number;
  /** Approvals close at this time (unix seconds). */
  approveBy: number;
  /** When granted: the grant's end; before: the requested duration in seconds. */
  durationOrExpiry: number;
}

export class RequestNotOpenError extends CaduceusError {
  constructor(patient: Address, doctor: Address, status: EmergencyStatusName) {
    super("EMERGENCY_REQUEST_NOT_OPEN", `${doctor}'s emergency request for ${patient} is ${status.toLowerCase()}, not open or granted: there is nothing to approve.`);
  }
}

/**
 * Whether contacts may still approve: while the request is open, and after the grant until it
 * ends (a share past the threshold lets the doctor rebuild the key when another share is bad).
 */
export function takesApprovals(status: EmergencyStatusName): boolean {
  return status === "Open" || status === "Granted";
}

export class NotAContactError extends CaduceusError {
  constructor(account: Address) {
    super("NOT_AN_EMERGENCY_CONTACT", `${account} is not an emergency contact of this request's configuration.`);
  }
}

export async function emergencyRequestOf(chain: CaduceusChain, patient: Address, doctor: Address): Promise<EmergencyRequestState> {
  const [req, status] = await chain.call(() =>
    chain.publicClient.readContract({ ...chain.emergencyAccess, functionName: "requestOf", args: [patient, doctor] }),
  );
  return {
    round: req.round,
    status: EMERGENCY_STATUS[status] ?? "None",
    configVersion: req.configVersion,
    threshold: req.threshold,
    approvals: req.approvals,
    rejections: req.rejections,
    approveBy: req.approveBy,
    durationOrExpiry: req.durationOrExpiry,
  };
}

export interface RequestParams {
  /** The doctor's chain client. */
  chain: CaduceusChain;
  patient: Address;
  justification: JustificationName;
  durationSeconds: number;
  /** Binary CID (hex) of an encrypted note for the contacts; optional. */
  noteCid?: Hex;
}

export async function requestEmergencyAccess(params: RequestParams): Promise<{ round: number; approveBy: number; hash: Hex }> {
  const { chain } = params;
  const { hash, receipt } = await chain.write(chain.emergencyAccess, "request", [
    params.patient,
    Justification[params.justification],
    params.noteCid ?? "0x",
    params.durationSeconds,
  ]);
  const [event] = parseEventLogs({ abi: chain.emergencyAccess.abi, logs: receipt.logs, eventName: "EmergencyRequested" });
  return { round: event!.args.round, approveBy: event!.args.approveBy, hash };
}

export interface VoteParams {
  /** The contact's chain client. */
  chain: CaduceusChain;
  store: ContentStore;
  /** The contact's encryption key pairs (to open their share). */
  keys: RecipientKeyPairs;
  patient: Address;
  doctor: Address;
}

/**
 * Opens the contact's share and re-seals it to the doctor, bound to this request's round. Also
 * after the grant: the doctor may need it when another contact's share turns out bad.
 */
export async function shareForDoctor(params: VoteParams): Promise<{ round: number; share: Hex }> {
  const { chain, store, patient, doctor } = params;
  const contact = chain.account;
  const req = await emergencyRequestOf(chain, patient, doctor);
  if (!takesApprovals(req.status)) throw new RequestNotOpenError(patient, doctor, req.status);
  const config = await readEmergencyConfig(chain, store, patient, req.configVersion);
  const mine = config.shares.shares.find((s) => s.contact.toLowerCase() === contact.toLowerCase());
  if (!mine) throw new NotAContactError(contact);
  const keyId = emergencyKeyId({ x25519: hexToBytes(config.shares.publicKeys.x25519) });
  const base = { chainId: chain.chainId, emergencyAccess: chain.emergencyAccess.address, patient, keyId };
  const share = await openShare(hexToBytes(mine.envelope), params.keys, { ...base, recipient: contact, round: 0 });
  try {
    const published = await chain.readKeys(doctor);
    const doctorKeys = { x25519: hexToBytes(published.x25519), xwing: published.xwing ? hexToBytes(published.xwing) : undefined };
    const sealed = await sealShare(share, doctorKeys, { ...base, recipient: doctor, round: req.round });
    return { round: req.round, share: bytesToHex(sealed) };
  } finally {
    share.fill(0);
  }
}

/** The contact approves on-chain, posting their share for the doctor. */
export async function approveEmergency(params: VoteParams): Promise<Hex> {
  const { share } = await shareForDoctor(params);
  const { hash } = await params.chain.write(params.chain.emergencyAccess, "approve", [params.patient, params.doctor, share]);
  return hash;
}

export interface SignedEmergencyApproval {
  contact: Address;
  share: Hex;
  signature: Hex;
}

/**
 * The contact signs an approval off-chain (no gas); the doctor submits it with others. The signed
 * struct names the contact, so it counts for this contact only.
 */
export async function signEmergencyApproval(params: VoteParams): Promise<SignedEmergencyApproval> {
  const { chain, patient, doctor } = params;
  const { round, share } = await shareForDoctor(params);
  const signer = chain.signer();
  const signature = await signer.signTypedData({
    account: signer.account,
    domain: emergencyDomain(chain.chainId, chain.emergencyAccess.address),
    types: EMERGENCY_APPROVAL_TYPES,
    primaryType: "EmergencyApproval",
    message: { patient, doctor, contact: chain.account, round, shareHash: keccak256(share) },
  });
  return { contact: chain.account, share, signature };
}

/** Submits signed approvals; the contract skips contacts already counted for this round. */
export async function submitSignedApprovals(
  chain: CaduceusChain,
  patient: Address,
  doctor: Address,
  approvals: SignedEmergencyApproval[],
): Promise<Hex> {
  const { hash } = await chain.write(chain.emergencyAccess, "submitSignedApprovals", [patient, doctor, approvals]);
  return hash;
}

export async function rejectEmergency(chain: CaduceusChain, patient: Address, doctor: Address): Promise<Hex> {
  const { hash } = await chain.write(chain.emergencyAccess, "reject", [patient, doctor]);
  return hash;
}

/** The patient (or the doctor) closes an open request or ends a grant in force. */
export async function closeEmergency(chain: CaduceusChain, patient: Address, doctor: Address): Promise<Hex> {
  const { hash } = await chain.write(chain.emergencyAccess, "close", [patient, doctor]);
  return hash;
}
