/**
 * The HPKE `info` of a key envelope: it binds the wrapped record key to one record version, one
 * registry on one chain, and one recipient account. An envelope copied to another record, chain,
 * registry or account does not open there.
 *
 *   info = "caduceus/envelope/v1" (20 bytes ASCII)
 *          || chainId   uint256 big-endian (32)
 *          || registry  address (20)
 *          || recordId  bytes32 (32)
 *          || version   uint32 big-endian (4)
 *          || recipient address (20)                                   = 128 bytes
 */
import type { Address, Hex } from "viem";
import { concatBytes, fromHex, uintBytes, utf8 } from "./bytes.ts";

export const ENVELOPE_INFO_LABEL = "caduceus/envelope/v1";

export interface EnvelopeBinding {
  chainId: bigint | number;
  /** The record registry contract that holds the envelope. */
  registry: Address;
  /** bytes32 record id (the registry uses the ciphertext's CID digest). */
  recordId: Hex;
  /** Record version number (uint32). */
  version: number;
  /** The account the envelope is for (its published key is the HPKE recipient key). */
  recipient: Address;
}

function fixedHex(value: string, length: number, field: string): Uint8Array {
  let bytes: Uint8Array | undefined;
  try {
    bytes = typeof value === "string" && value.startsWith("0x") ? fromHex(value) : undefined;
  } catch {
    bytes = undefined;
  }
  if (bytes === undefined || bytes.length !== length) {
    throw new TypeError(`binding.${field} must be 0x-prefixed hex of ${length} bytes`);
  }
  return bytes;
}

export function envelopeInfo(binding: EnvelopeBinding): Uint8Array<ArrayBuffer> {
  if (!Number.isInteger(binding.version) || binding.version < 0 || binding.version > 0xffffffff) {
    throw new TypeError("binding.version must be a uint32");
  }
  const chainId = BigInt(binding.chainId);
  if (chainId <= 0n) throw new TypeError("binding.chainId must be positive");
  return concatBytes(
    utf8(ENVELOPE_INFO_LABEL),
    uintBytes(chainId, 32),
    fixedHex(binding.registry, 20, "registry"),
    fixedHex(binding.recordId, 32, "recordId"),
    uintBytes(binding.version, 4),
    fixedHex(binding.recipient, 20, "recipient"),
  );
}
