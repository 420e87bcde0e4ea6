/**
 * Encryption identity: key pairs derived from a wallet signature over a fixed EIP-712 message.
 *
 * Wallets sign deterministically (RFC 6979), so the same wallet, chain and key version give the
 * same keys on every device without storing a secret (Umbra derives its keys the same way). The
 * signature is the secret: the message tells the user so, and to sign it only on the Caduceus app.
 *
 *   ikm  = r || low-s(s)                      (65-byte signature; v ignored, see below)
 *   seed = HKDF-SHA256(ikm, salt = "caduceus/identity/v1 chainId=<id> keyVersion=<n>",
 *                      info = "caduceus/identity/v1 chainId=<id> keyVersion=<n> purpose=<kem>", 32)
 *   X25519 key pair = DHKEM(X25519, HKDF-SHA256).DeriveKeyPair(seed_x25519)   (RFC 9180 §7.1.3)
 *   X-Wing key pair = X-Wing.DeriveKeyPair(seed_xwing)                        (ML-KEM-768 + X25519)
 */
import { hkdf } from "@noble/hashes/hkdf.js";
import { sha256 } from "@noble/hashes/sha2.js";
import { isAddressEqual, recoverTypedDataAddress, type Address, type Hex } from "viem";
import { fromHex, utf8 } from "./bytes.ts";
import { InvalidIdentitySignatureError } from "./errors.ts";
import { x25519Kem, xwingKem, type KeyPairBytes } from "./kems.ts";

export const IDENTITY_APP = "Caduceus";
export const IDENTITY_PURPOSE = "Derive my Caduceus encryption key";
export const IDENTITY_WARNING =
  "Signing this message creates the key that decrypts your medical records. " +
  "Sign it only on the Caduceus app. Anyone who obtains this signature can read your records.";

export const ENCRYPTION_KEY_TYPES = {
  EncryptionKeyRequest: [
    { name: "app", type: "string" },
    { name: "purpose", type: "string" },
    { name: "chainId", type: "uint256" },
    { name: "keyVersion", type: "uint16" },
    { name: "warning", type: "string" },
  ],
} as const;

export interface EncryptionKeyTypedData {
  domain: { name: "Caduceus"; version: "1"; chainId: bigint };
  types: typeof ENCRYPTION_KEY_TYPES;
  primaryType: "EncryptionKeyRequest";
  message: { app: string; purpose: string; chainId: bigint; keyVersion: number; warning: string };
}

export interface IdentityContext {
  chainId: bigint | number;
  /** Starts at 1; a new version rotates every key (the registry's publish() version is separate). */
  keyVersion: number;
}

export interface EncryptionIdentity {
  chainId: bigint;
  keyVersion: number;
  /** DHKEM(X25519) key pair: publicKey 32 bytes, privateKey 32 bytes. */
  x25519: KeyPairBytes;
  /** X-Wing (ML-KEM-768 + X25519) key pair: publicKey 1216 bytes, privateKey 32-byte seed. */
  xwing: KeyPairBytes;
}

/** Anything that signs EIP-712 typed data: a viem LocalAccount, or a wrapper around a wallet client. */
export interface TypedDataSigner {
  /** When given, the signature is checked to come from this address over exactly our message. */
  address?: Address;
  signTypedData(typedData: EncryptionKeyTypedData): Promise<Hex>;
}

function checkContext(ctx: IdentityContext): { chainId: bigint; keyVersion: number } {
  const chainId = BigInt(ctx.chainId);
  if (chainId <= 0n) throw new RangeError("chainId must be positive");
  if (!Number.isInteger(ctx.keyVersion) || ctx.keyVersion < 1 || ctx.keyVersion > 0xffff) {
    throw new RangeError("keyVersion must be an integer in 1..65535");
  }
  return { chainId, keyVersion: ctx.keyVersion };
}

/** The fixed message the wallet signs. Every field is shown to the user by EIP-712 wallets. */
export function encryptionKeyTypedData(chainId: bigint | number, keyVersion: number): EncryptionKeyTypedData {
  const ctx = checkContext({ chainId, keyVersion });
  return {
    domain: { name: "Caduceus", version: "1", chainId: ctx.chainId },
    types: ENCRYPTION_KEY_TYPES,
    primaryType: "EncryptionKeyRequest",
    message: {
      app: IDENTITY_APP,
      purpose: `${IDENTITY_PURPOSE} (version ${ctx.keyVersion})`,
      chainId: ctx.chainId,
      keyVersion: ctx.keyVersion,
      warning: IDENTITY_WARNING,
    },
  };
}

// secp256k1 group order: ECDSA accepts (r, s) and (r, n - s) alike; wallets emit low s, but some
// hardware wallets and old libraries did not, and v may come as 0/1 or 27/28. Normalising s and
// ignoring v makes every valid encoding of the same signature derive the same keys.
const SECP256K1_N = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;

function signatureKeyMaterial(signature: Hex): Uint8Array {
  let bytes: Uint8Array;
  try {
    bytes = fromHex(signature);
  } catch {
    throw new InvalidIdentitySignatureError("The wallet signature is not a hex string.");
  }
  if (bytes.length !== 65) {
    throw new InvalidIdentitySignatureError(
      `Expected a 65-byte ECDSA signature (r, s, v), got ${bytes.length} bytes. Smart-contract wallets ` +
        "(ERC-1271) cannot derive an encryption identity; expand compact (EIP-2098) signatures to 65 bytes first.",
    );
  }
  const r = BigInt("0x" + signature.slice(2, 66));
  let s = BigInt("0x" + signature.slice(66, 130));
  if (r === 0n || r >= SECP256K1_N || s === 0n || s >= SECP256K1_N) {
    throw new InvalidIdentitySignatureError("The wallet signature has r or s out of range.");
  }
  if (s > SECP256K1_N / 2n) s = SECP256K1_N - s;
  const ikm = new Uint8Array(64);
  ikm.set(bytes.subarray(0, 32));
  ikm.set(fromHex(s.toString(16).padStart(64, "0")), 32);
  return ikm;
}

function seedFor(ikm: Uint8Array, ctx: { chainId: bigint; keyVersion: number }, kem: string): Uint8Array {
  const scope = `caduceus/identity/v1 chainId=${ctx.chainId} keyVersion=${ctx.keyVersion}`;
  return hkdf(sha256, ikm, utf8(scope), utf8(`${scope} purpose=${kem}`), 32);
}

/** Derives both key pairs from a signature over `encryptionKeyTypedData(ctx.chainId, ctx.keyVersion)`. */
export async function deriveIdentityFromSignature(signature: Hex, ctx: IdentityContext): Promise<EncryptionIdentity> {
  const checked = checkContext(ctx);
  if (typeof signature !== "string" || !signature.startsWith("0x")) {
    throw new InvalidIdentitySignatureError("The wallet signature must be a 0x-prefixed hex string.");
  }
  const ikm = signatureKeyMaterial(signature);
  const [x25519, xwing] = await Promise.all([
    x25519Kem.deriveKeyPairBytes(seedFor(ikm, checked, "x25519")),
    xwingKem.deriveKeyPairBytes(seedFor(ikm, checked, "x-wing")),
  ]);
  ikm.fill(0);
  return { ...checked, x25519, xwing };
}

/** Asks the wallet for the signature and derives the identity (one wallet prompt). */
export async function deriveIdentity(
  signer: TypedDataSigner,
  chainId: bigint | number,
  keyVersion = 1,
): Promise<EncryptionIdentity> {
  const typedData = encryptionKeyTypedData(chainId, keyVersion);
  const signature = await signer.signTypedData(typedData);
  if (signer.address !== undefined) {
    // A wallet that hashes the message differently (or signs with another account) would yield keys
    // that no other device reproduces; catch that before the keys are published.
    let recovered: Address | undefined;
    try {
      recovered = await recoverTypedDataAddress({ ...typedData, signature });
    } catch {
      recovered = undefined;
    }
    if (recovered === undefined || !isAddressEqual(recovered, signer.address)) {
      throw new InvalidIdentitySignatureError(
        `The wallet's signature does not verify for ${signer.address} over the Caduceus key message.`,
      );
    }
  }
  return deriveIdentityFromSignature(signature, { chainId, keyVersion });
}
