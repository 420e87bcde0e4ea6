import type { Address, Hex, WalletClient } from "viem";
import { REGISTER_RECORD_TYPES } from "@caduceus/sdk/chain/records";
import type { NewRecord } from "./records.js";

/** The EIP-712 types of `RecordRegistry.registerWithSig`, as a hospital's back end signs them. */
export const REGISTER_TYPES = REGISTER_RECORD_TYPES;

interface RegistryHandle {
  address: Address;
  read: { nonces: (args: readonly [Address]) => Promise<bigint> };
}

/**
 * Signs `record` for `signer` with its current nonce (unless given), for `registry` on `chainId`
 * (the connected chain unless given): every field of the domain can be overridden to build the
 * replay cases the tests need. `owner` is the hospital the signature is for (an ERC-1271 wallet
 * whose owner `signer` is); by default the signer itself.
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
      hospital: overrides.owner ?? account.address,
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
