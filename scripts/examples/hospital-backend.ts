/**
 * How a hospital back end written with ethers v6 integrates with Caduceus, through the generated
 * typechain bindings (`typechain-types/`): the hospital signs an EIP-712 registration with its own
 * key (an HSM or KMS in production), and a relayer — any funded account — submits it and pays gas.
 */
import { keccak256, type Signer, type TypedDataDomain } from "ethers";
import { RecordRegistry__factory } from "../../typechain-types/index.js";
import type { NewRecordStruct } from "../../typechain-types/RecordRegistry.js";

/** The EIP-712 type of `RecordRegistry.registerWithSig` (see docs/contracts.md). */
export const REGISTER_RECORD_TYPE = {
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
};

export interface RelayedRegistration {
  recordId: string;
  provider: string;
  transactionHash: string;
}

/**
 * Signs `record` as `hospital` and has `relayer` submit it. Returns what the registry emitted.
 * `record` holds only pointers: the CID digest of the ciphertext, a category and the key envelope.
 */
export async function registerThroughRelayer(
  registryAddress: string,
  hospital: Signer,
  relayer: Signer,
  record: NewRecordStruct,
  validForSeconds = 3600,
): Promise<RelayedRegistration> {
  const registry = RecordRegistry__factory.connect(registryAddress, relayer);
  const hospitalAddress = await hospital.getAddress();
  const { chainId } = await relayer.provider!.getNetwork();
  const latest = await relayer.provider!.getBlock("latest");
  const deadline = BigInt(latest!.timestamp + validForSeconds);
  const domain: TypedDataDomain = { name: "Caduceus RecordRegistry", version: "1", chainId, verifyingContract: registryAddress };
  const signature = await hospital.signTypedData(domain, REGISTER_RECORD_TYPE, {
    hospital: hospitalAddress,
    ...record,
    envelopeHash: keccak256(record.envelope),
    nonce: await registry.nonces(hospitalAddress),
    deadline,
  });

  const tx = await registry.registerWithSig(record, hospitalAddress, deadline, signature);
  const receipt = await tx.wait();
  for (const log of receipt!.logs) {
    const parsed = registry.interface.parseLog(log);
    if (parsed?.name === "RecordRegistered") {
      return { recordId: parsed.args.recordId, provider: parsed.args.provider, transactionHash: receipt!.hash };
    }
  }
  throw new Error(`transaction ${receipt!.hash} emitted no RecordRegistered event`);
}
