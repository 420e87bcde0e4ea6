/**
 * Record ids, audit outcomes and the EIP-712 types of the RecordRegistry contract
 * (`contracts/libraries/RecordIds.sol`, `contracts/types/Records.sol`), shared by the client library,
 * the CLI, the web app, the stack seed and the tests. Tests check them against the contract.
 */
import { encodeAbiParameters, keccak256, type Address, type Hex } from "viem";

/**
 * The id a record gets on-chain: `keccak256(abi.encode(writer, patient, cidDigest))`. `writer` is
 * the registering hospital's account (also for a relayed, signed registration) or the patient for
 * a patient-authored record; `cidDigest` is the SHA2-256 digest inside the ciphertext's CIDv1. Only
 * the writer can occupy its own ids, and a retry by the same writer lands on the same id.
 */
export function recordIdOf(writer: Address, patient: Address, cidDigest: Hex): Hex {
  return keccak256(
    encodeAbiParameters([{ type: "address" }, { type: "address" }, { type: "bytes32" }], [writer, patient, cidDigest]),
  );
}

/** The EIP-712 types of `registerWithSig`: the signing hospital is part of what it signs. */
export const REGISTER_RECORD_TYPES = {
  RegisterRecord: [
    { name: "hospital", type: "address" },
    { name: "patient", type: "address" },
    { name: "cidDigest", type: "bytes32" },
    { name: "cidCodec", type: "uint8" },
    { name: "contentDigest", type: "bytes32" },
    { name: "category", type: "uint8" },
    { name: "envelopeHash", type: "bytes32" },
    { name: "nonce", type: "uint256" },
    { name: "deadline", type: "uint256" },
  ],
} as const;

/** `AuditOutcome` of the contract, by numeric value. */
export const AUDIT_OUTCOME = ["Intact", "Mismatch", "Unavailable"] as const;
export type AuditOutcomeName = (typeof AUDIT_OUTCOME)[number];
