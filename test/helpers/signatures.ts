import type { Address, Hex, WalletClient } from "viem";
import type { NewRecord } from "./records.js";

/** The EIP-712 types of `RecordRegistry.registerWithSig`, as a hospital's back end signs them. */
export const REGISTER_TYPES = {
  RegisterRecord: [
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

interface RegistryHandle {
  address: Address;
  read: { nonces: (args: readonly [Address]) => Promise<bigint> };
}

/**
 * Signs `record` for `signer` with its current nonce (unless given), for `registry` on `chainId`
 * (the connected chain unless given): every field of the domain can be overridden to build the
 * replay cases the tests need.
 */
export async function signTypedRegistration(
  signer: WalletClient,
  registry: RegistryHandle,
  record: NewRecord,
  deadline: bigint,
  overrides: { nonce?: bigint; chainId?: number; verifyingContract?: Address; owner?: Address } = {},
): Promise<Hex> {
  const account = signer.account!;
  const { keccak256 } = await import("viem");
  return signer.signTypedData({
    account,
    domain: {
      name: "Caduceus RecordRegistry",
      version: "1",
      chainId: overrides.chainId ?? (await signer.getChainId()),
      verifyingContract: overrides.verifyingContract ?? registry.address,
    },
    types: REGISTER_TYPES,
    primaryType: "RegisterRecord",
    message: {
      patient: record.patient,
      cidDigest: record.cidDigest,
      cidCodec: record.cidCodec,
      contentDigest: record.contentDigest,
      category: record.category,
      envelopeHash: keccak256(record.envelope),
      nonce: overrides.nonce ?? (await registry.read.nonces([overrides.owner ?? account.address])),
      deadline,
    },
  });
}

/** Shorthand: `signer` signs `record` for the deployed registry with its current nonce. */
export function signRegistration(
  c: { recordRegistry: RegistryHandle },
  signer: WalletClient,
  record: NewRecord,
  deadline: bigint,
): Promise<Hex> {
  return signTypedRegistration(signer, c.recordRegistry, record, deadline);
}
