/**
 * Key envelopes: a record key wrapped to one recipient with HPKE (RFC 9180, base mode), through the
 * maintained hpke-js library. Envelopes sit outside the record ciphertext, so adding a reader adds
 * an envelope and never changes the ciphertext or its CID.
 *
 * Encoding (see docs/keys.md):
 *   suite id (1) || key hint (4) || enc (32 | 1120) || AES-256-GCM(record key) (32 + 16)
 *   suite 0x01: DHKEM(X25519, HKDF-SHA256), HKDF-SHA256, AES-256-GCM        → 85 bytes
 *   suite 0x02: X-Wing (ML-KEM-768 + X25519), HKDF-SHA256, AES-256-GCM     → 1173 bytes
 * The suite id doubles as the format version. The key hint (first 4 bytes of
 * SHA-256("caduceus/envelope/v1 key hint" || recipient public key)) lets a reader tell "not for my
 * key" from "wrong binding"; suite id and hint are the HPKE AAD, so neither can be changed.
 */
import { Aes256Gcm, CipherSuite, DecapError, HkdfSha256 } from "@hpke/core";
import { sha256 } from "@noble/hashes/sha2.js";
import { bytesEqual, concatBytes, utf8 } from "./bytes.ts";
import { envelopeInfo, type EnvelopeBinding } from "./envelope-binding.ts";
import {
  EnvelopeBindingMismatchError,
  EnvelopeMalformedError,
  EnvelopeRecipientKeyError,
  EnvelopeSuiteUnavailableError,
  EnvelopeWrongRecipientError,
} from "./errors.ts";
import { KemKeys, x25519Kem, xwingKem, type KeyPairBytes } from "./kems.ts";
import { RECORD_KEY_BYTES } from "./record-header.ts";

export type { EnvelopeBinding } from "./envelope-binding.ts";

export type EnvelopeSuite = "x25519" | "xwing";

/** A recipient's keys as the key registry publishes them; `xwing` only if a PQ key was published. */
export interface RecipientPublicKeys {
  x25519: Uint8Array;
  xwing?: Uint8Array;
}

/** A recipient's key pairs; an EncryptionIdentity fits. */
export interface RecipientKeyPairs {
  x25519: KeyPairBytes;
  xwing?: KeyPairBytes;
}

interface SuiteSpec {
  id: number;
  name: EnvelopeSuite;
  keys: KemKeys;
  hpke: CipherSuite;
  encBytes: number;
}

const HINT_BYTES = 4;
const HEADER_BYTES = 1 + HINT_BYTES;
const TAG_BYTES = 16;
const HINT_LABEL = utf8("caduceus/envelope/v1 key hint");

function suiteSpec(id: number, name: EnvelopeSuite, keys: KemKeys, encBytes: number): SuiteSpec {
  const hpke = new CipherSuite({ kem: keys.kem, kdf: new HkdfSha256(), aead: new Aes256Gcm() });
  return { id, name, keys, hpke, encBytes };
}

const SUITES: readonly SuiteSpec[] = [
  suiteSpec(0x01, "x25519", x25519Kem, 32),
  suiteSpec(0x02, "xwing", xwingKem, 1120),
];

export const ENVELOPE_SUITE_IDS: Readonly<Record<EnvelopeSuite, number>> = { x25519: 0x01, xwing: 0x02 };

/** Exact envelope length per suite (85 and 1173 bytes for a 32-byte record key). */
export function envelopeSize(suite: EnvelopeSuite, payloadBytes = RECORD_KEY_BYTES): number {
  return HEADER_BYTES + specByName(suite).encBytes + payloadBytes + TAG_BYTES;
}

function specByName(name: EnvelopeSuite): SuiteSpec {
  const spec = SUITES.find((s) => s.name === name);
  if (spec === undefined) throw new TypeError(`unknown envelope suite ${String(name)}`);
  return spec;
}

/** Hybrid X-Wing whenever the recipient published a PQ key: envelopes stay on a public chain forever. */
export function defaultEnvelopeSuite(recipient: RecipientPublicKeys): EnvelopeSuite {
  return recipient.xwing !== undefined && recipient.xwing.length > 0 ? "xwing" : "x25519";
}

export function keyHint(publicKey: Uint8Array): Uint8Array {
  return sha256(concatBytes(HINT_LABEL, publicKey)).subarray(0, HINT_BYTES);
}

export interface SealEnvelopeParams {
  recordKey: Uint8Array;
  recipientPublicKey: RecipientPublicKeys;
  /** Defaults to defaultEnvelopeSuite(recipientPublicKey). */
  suite?: EnvelopeSuite;
  binding: EnvelopeBinding;
}

export async function sealEnvelope(params: SealEnvelopeParams): Promise<Uint8Array> {
  return sealWith(params, undefined);
}

/**
 * TEST VECTORS ONLY: seals with fixed ephemeral key material (X25519: 32-byte DeriveKeyPair ikm;
 * X-Wing: 64 bytes). A reused ephemeral key makes envelopes linkable and, for X-Wing, breaks its
 * security argument.
 */
export async function sealEnvelopeWithEphemeral(params: SealEnvelopeParams, ekm: Uint8Array): Promise<Uint8Array> {
  return sealWith(params, ekm);
}

async function sealWith(params: SealEnvelopeParams, ekm: Uint8Array | undefined): Promise<Uint8Array> {
  const { recordKey, recipientPublicKey, binding, suite } = params;
  if (!(recordKey instanceof Uint8Array) || recordKey.length !== RECORD_KEY_BYTES) {
    throw new TypeError(`a record key is ${RECORD_KEY_BYTES} bytes`);
  }
  return sealPayloadWith({ payload: recordKey, recipientPublicKey, suite, info: envelopeInfo(binding) }, ekm);
}

export interface SealPayloadParams {
  /** A short secret of a size the opener knows (a record key, a key share). */
  payload: Uint8Array;
  recipientPublicKey: RecipientPublicKeys;
  suite?: EnvelopeSuite;
  /** The HPKE `info`: what the payload is bound to. */
  info: Uint8Array<ArrayBuffer>;
}

/**
 * Seals any short secret in the key-envelope format (same suites, header and AAD); the `info`
 * binds it to its use. Record keys go through `sealEnvelope`; emergency key shares through here.
 */
export async function sealPayload(params: SealPayloadParams): Promise<Uint8Array> {
  return sealPayloadWith(params, undefined);
}

async function sealPayloadWith(params: SealPayloadParams, ekm: Uint8Array | undefined): Promise<Uint8Array> {
  const { payload, recipientPublicKey, info } = params;
  const spec = specByName(params.suite ?? defaultEnvelopeSuite(recipientPublicKey));
  const publicKey = recipientPublicKey[spec.name];
  if (publicKey === undefined || publicKey.length === 0) {
    throw new EnvelopeSuiteUnavailableError(`The recipient has not published a ${spec.name} key.`);
  }
  if (publicKey.length !== spec.keys.publicKeyBytes) {
    throw new EnvelopeRecipientKeyError(
      `A ${spec.name} public key is ${spec.keys.publicKeyBytes} bytes; the recipient's has ${publicKey.length}.`,
    );
  }
  const header = concatBytes(Uint8Array.of(spec.id), keyHint(publicKey));
  let sealed: { enc: ArrayBuffer; ct: ArrayBuffer };
  try {
    sealed = await spec.hpke.seal(
      {
        recipientPublicKey: await spec.keys.importPublicKey(publicKey),
        info,
        ...(ekm === undefined ? {} : { ekm: new Uint8Array(ekm) }),
      },
      new Uint8Array(payload),
      header,
    );
  } catch (cause) {
    // Published keys come from the chain, where anyone can publish garbage (e.g. a low-order point).
    throw new EnvelopeRecipientKeyError(`The recipient's ${spec.name} public key is invalid.`, { cause });
  }
  return concatBytes(header, new Uint8Array(sealed.enc), new Uint8Array(sealed.ct));
}

export interface ParsedEnvelope {
  suite: EnvelopeSuite;
  keyHint: Uint8Array;
  enc: Uint8Array;
  ciphertext: Uint8Array;
}

/** Splits an envelope into its fields; throws EnvelopeMalformedError on unknown suite or length. */
export function parseEnvelope(envelope: Uint8Array, payloadBytes = RECORD_KEY_BYTES): ParsedEnvelope {
  if (!(envelope instanceof Uint8Array) || envelope.length < HEADER_BYTES) {
    throw new EnvelopeMalformedError("The key envelope is too short.");
  }
  const spec = SUITES.find((s) => s.id === envelope[0]);
  if (spec === undefined) {
    throw new EnvelopeMalformedError(`Unknown key envelope suite id 0x${envelope[0]!.toString(16).padStart(2, "0")}.`);
  }
  const expected = HEADER_BYTES + spec.encBytes + payloadBytes + TAG_BYTES;
  if (envelope.length !== expected) {
    throw new EnvelopeMalformedError(`A ${spec.name} key envelope is ${expected} bytes, got ${envelope.length}.`);
  }
  return {
    suite: spec.name,
    keyHint: envelope.slice(1, HEADER_BYTES),
    enc: envelope.slice(HEADER_BYTES, HEADER_BYTES + spec.encBytes),
    ciphertext: envelope.slice(HEADER_BYTES + spec.encBytes),
  };
}

export interface OpenEnvelopeParams {
  envelope: Uint8Array;
  recipientKeyPair: RecipientKeyPairs;
  binding: EnvelopeBinding;
}

/** Returns the 32-byte record key. */
export async function openEnvelope(params: OpenEnvelopeParams): Promise<Uint8Array> {
  const { envelope, recipientKeyPair, binding } = params;
  return openPayload({ envelope, recipientKeyPair, info: envelopeInfo(binding), payloadBytes: RECORD_KEY_BYTES });
}

export interface OpenPayloadParams {
  envelope: Uint8Array;
  recipientKeyPair: RecipientKeyPairs;
  info: Uint8Array<ArrayBuffer>;
  /** The payload's exact size. */
  payloadBytes: number;
}

/** Opens what `sealPayload` sealed; the same errors as `openEnvelope`. */
export async function openPayload(params: OpenPayloadParams): Promise<Uint8Array> {
  const { info, payloadBytes } = params;
  const parsed = parseEnvelope(params.envelope, payloadBytes);
  const spec = specByName(parsed.suite);
  const pair = params.recipientKeyPair[spec.name];
  if (pair === undefined || !bytesEqual(keyHint(pair.publicKey), parsed.keyHint)) {
    throw new EnvelopeWrongRecipientError();
  }
  const recipientKey = await spec.keys.importKeyPair(pair);
  let payload: ArrayBuffer;
  try {
    payload = await spec.hpke.open(
      { recipientKey, enc: parsed.enc, info },
      parsed.ciphertext,
      params.envelope.slice(0, HEADER_BYTES),
    );
  } catch (cause) {
    // A DecapError means the encapsulated key itself is invalid (e.g. a low-order X25519 point).
    if (cause instanceof DecapError) throw new EnvelopeMalformedError("The envelope's encapsulated key is invalid.");
    throw new EnvelopeBindingMismatchError();
  }
  if (payload.byteLength !== payloadBytes) {
    throw new EnvelopeMalformedError(`The envelope does not contain ${payloadBytes} bytes.`);
  }
  return new Uint8Array(payload);
}

/** The public half of key pairs, in the shape sealEnvelope takes. */
export function publicKeysOf(pairs: RecipientKeyPairs): RecipientPublicKeys {
  return pairs.xwing === undefined
    ? { x25519: pairs.x25519.publicKey }
    : { x25519: pairs.x25519.publicKey, xwing: pairs.xwing.publicKey };
}
