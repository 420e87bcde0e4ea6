import { keccak256, toHex, type Address, type Hex } from "viem";
import { recordIdOf } from "@caduceus/sdk/chain/records";

export { recordIdOf };

/** Multicodecs the registry accepts for a ciphertext's CIDv1. */
export const CODEC_RAW = 0x55;
export const CODEC_DAG_PB = 0x70;

/** Category numbers of `contracts/types/Records.sol`. */
export const Category = { Visit: 0, Lab: 1, Imaging: 2, Medication: 3, Immunization: 4, Document: 5, Other: 6 } as const;

/**
 * Envelope sizes of the client library's HPKE envelopes (suite byte + 4-byte key hint + KEM
 * encapsulation + wrapped 32-byte key + 16-byte tag; `sdk/src/crypto/envelope.ts`): X25519 and the
 * X-Wing hybrid. Contract tests and the gas benchmark
 * use opaque bytes of these sizes.
 */
export const ENVELOPE_BYTES = { x25519: 1 + 4 + 32 + 32 + 16, xwing: 1 + 4 + 1120 + 32 + 16 } as const;

export interface NewRecord {
  patient: Address;
  cidDigest: Hex;
  cidCodec: number;
  contentDigest: Hex;
  category: number;
  envelope: Hex;
}

export const ZERO_BYTES32: Hex = `0x${"00".repeat(32)}`;

/** Pseudo-random but reproducible bytes: keccak chained from `seed`. */
export function seededBytes(seed: string, length: number): Hex {
  let out = "";
  let block = keccak256(toHex(seed));
  while (out.length < length * 2) {
    out += block.slice(2);
    block = keccak256(block);
  }
  return `0x${out.slice(0, length * 2)}`;
}

/** A registration whose CID digest, digest and envelope derive from `seed` (raw CID by default). */
export function newRecord(
  patient: Address,
  seed: string,
  options: { codec?: number; category?: number; envelopeBytes?: number } = {},
): NewRecord {
  const codec = options.codec ?? CODEC_RAW;
  return {
    patient,
    cidDigest: keccak256(toHex(`cid:${seed}`)),
    cidCodec: codec,
    contentDigest: codec === CODEC_DAG_PB ? keccak256(toHex(`content:${seed}`)) : ZERO_BYTES32,
    category: options.category ?? Category.Lab,
    envelope: seededBytes(`envelope:${seed}`, options.envelopeBytes ?? ENVELOPE_BYTES.x25519),
  };
}

/** The binary CIDv1 the registry emits for a record: version, codec, sha2-256 multihash. */
export function binaryCid(record: Pick<NewRecord, "cidCodec" | "cidDigest">): Hex {
  return `0x01${record.cidCodec.toString(16).padStart(2, "0")}1220${record.cidDigest.slice(2)}`;
}

/** The id `writer` (a hospital's account, or the patient for their own record) gets for `record`. */
export function idOf(writer: Address, record: Pick<NewRecord, "patient" | "cidDigest">): Hex {
  return recordIdOf(writer, record.patient, record.cidDigest);
}

/** `record` with the id it got when `writer` registered it. */
export function withId<T extends NewRecord>(writer: Address, record: T): T & { id: Hex } {
  return { ...record, id: idOf(writer, record) };
}
