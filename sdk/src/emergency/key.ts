/**
 * The patient's emergency key and its Shamir shares.
 *
 * The emergency key is a random 32-byte seed from which both KEM key pairs derive (as an encryption
 * identity derives from a signature): record keys are wrapped to its public keys, and the seed is
 * split t-of-n with Shamir secret sharing (`shamir-secret-sharing`, audited by Cure53 and Zellic).
 * Each 33-byte share is sealed (HPKE, the key-envelope format) to one contact, bound to the patient,
 * the configuration version and the recipient; a contact who approves re-seals it to the doctor,
 * bound to the request's round as well. Shamir does not detect a wrong share, so a rebuilt seed is
 * accepted only when its public key equals the one published with the shares.
 */
import { hkdf } from "@noble/hashes/hkdf.js";
import { sha256 } from "@noble/hashes/sha2.js";
import { combine, split } from "shamir-secret-sharing";
import type { Address } from "viem";
import { bytesEqual, concatBytes, fromHex, uintBytes, utf8 } from "../crypto/bytes.ts";
import { openPayload, sealPayload, type RecipientKeyPairs, type RecipientPublicKeys } from "../crypto/envelope.ts";
import { x25519Kem, xwingKem } from "../crypto/kems.ts";
import { CaduceusError } from "../errors.ts";

export const EMERGENCY_SEED_BYTES = 32;
/** A Shamir share of the seed: one x-coordinate byte and the 32 evaluated bytes. */
export const SHARE_BYTES = EMERGENCY_SEED_BYTES + 1;
const KEY_LABEL = "caduceus/emergency-key/v1";
const SHARE_LABEL = "caduceus/emergency-share/v1";

export class EmergencyKeyMismatchError extends CaduceusError {
  constructor() {
    super(
      "EMERGENCY_SHARES_INVALID",
      "The key shares do not rebuild the patient's emergency key: at least one share is wrong or was tampered with. Ask another contact to approve.",
    );
  }
}

export class NotEnoughSharesError extends CaduceusError {
  constructor(have: number, need: number) {
    super("EMERGENCY_NOT_ENOUGH_SHARES", `${have} key share(s) available, ${need} needed: wait for more contacts to approve.`);
  }
}

/** A fresh random emergency seed. */
export function generateEmergencySeed(): Uint8Array {
  return crypto.getRandomValues(new Uint8Array(EMERGENCY_SEED_BYTES));
}

/** Both key pairs of an emergency seed (deterministic). */
export async function emergencyKeyPairs(seed: Uint8Array): Promise<Required<RecipientKeyPairs>> {
  if (seed.length !== EMERGENCY_SEED_BYTES) throw new TypeError(`an emergency seed is ${EMERGENCY_SEED_BYTES} bytes`);
  const [x25519, xwing] = await Promise.all([
    x25519Kem.deriveKeyPairBytes(seedIkm(seed, "x25519")),
    xwingKem.deriveKeyPairBytes(seedIkm(seed, "xwing")),
  ]);
  return { x25519, xwing };
}

function seedIkm(seed: Uint8Array, kem: "x25519" | "xwing"): Uint8Array {
  return hkdf(sha256, seed, utf8(KEY_LABEL), utf8(`${KEY_LABEL} ${kem}`), 32);
}

/** Splits the seed into `n` shares, any `threshold` of which rebuild it. */
export async function splitEmergencySeed(seed: Uint8Array, n: number, threshold: number): Promise<Uint8Array[]> {
  if (!(threshold >= 2 && threshold <= n)) throw new RangeError(`threshold must be 2..${n}, got ${threshold}`);
  return split(seed, n, threshold);
}

/**
 * Rebuilds the seed from at least `threshold` shares and checks it against the published X25519
 * public key. With more shares than needed it tries every subset of `threshold` (at most 252 for
 * ten contacts), so a bad share among enough good ones does not block the doctor: a corrupted
 * share, or one that copies another's x-coordinate (which Shamir's `combine` refuses), only rules
 * out the subsets it is in. Contacts keep approving after the grant for this reason.
 */
export async function rebuildEmergencyKey(
  shares: Uint8Array[],
  threshold: number,
  publicKeys: RecipientPublicKeys,
): Promise<Required<RecipientKeyPairs>> {
  if (shares.length < threshold) throw new NotEnoughSharesError(shares.length, threshold);
  for (const subset of subsets(shares, threshold)) {
    // Duplicate x-coordinates (the last byte): not a valid set of shares, try the next subset.
    if (new Set(subset.map((share) => share[share.length - 1])).size !== subset.length) continue;
    const seed = await combine(subset).catch(() => undefined);
    if (!seed) continue;
    const x25519 = await x25519Kem.deriveKeyPairBytes(seedIkm(seed, "x25519"));
    if (bytesEqual(x25519.publicKey, publicKeys.x25519)) {
      const pairs = await emergencyKeyPairs(seed);
      seed.fill(0);
      return pairs;
    }
    seed.fill(0);
  }
  throw new EmergencyKeyMismatchError();
}

function* subsets<T>(items: T[], size: number, start = 0, prefix: T[] = []): Generator<T[]> {
  if (prefix.length === size) {
    yield prefix;
    return;
  }
  for (let i = start; i <= items.length - (size - prefix.length); i++) yield* subsets(items, size, i + 1, [...prefix, items[i]!]);
}

/** Identifies an emergency key in share bindings: SHA-256 of its X25519 public key. */
export function emergencyKeyId(publicKeys: RecipientPublicKeys): Uint8Array {
  return sha256(concatBytes(utf8(KEY_LABEL), publicKeys.x25519));
}

/** What a share envelope is bound to. `round` is 0 for the contact's own copy. */
export interface ShareBinding {
  chainId: number | bigint;
  emergencyAccess: Address;
  patient: Address;
  /** `emergencyKeyId` of the key the share belongs to. */
  keyId: Uint8Array;
  recipient: Address;
  round: number;
}

/**
 *   info = "caduceus/emergency-share/v1" || chainId uint256 || emergencyAccess (20) || patient (20)
 *          || keyId (32) || recipient (20) || round uint32
 */
export function shareInfo(b: ShareBinding): Uint8Array<ArrayBuffer> {
  return concatBytes(
    utf8(SHARE_LABEL),
    uintBytes(BigInt(b.chainId), 32),
    fromHex(b.emergencyAccess),
    fromHex(b.patient),
    b.keyId,
    fromHex(b.recipient),
    uintBytes(b.round, 4),
  );
}

export async function sealShare(share: Uint8Array, recipient: RecipientPublicKeys, binding: ShareBinding): Promise<Uint8Array> {
  if (share.length !== SHARE_BYTES) throw new TypeError(`a key share is ${SHARE_BYTES} bytes`);
  return sealPayload({ payload: share, recipientPublicKey: recipient, info: shareInfo(binding) });
}

export async function openShare(envelope: Uint8Array, keys: RecipientKeyPairs, binding: ShareBinding): Promise<Uint8Array> {
  return openPayload({ envelope, recipientKeyPair: keys, info: shareInfo(binding), payloadBytes: SHARE_BYTES });
}
