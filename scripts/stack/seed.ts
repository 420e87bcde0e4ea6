/**
 * Demo data for the local stack: each synthetic patient of `../shared/fixtures/fhir/` gets a
 * development account, derives and publishes an encryption identity, and the demo hospital uploads
 * the patient's FHIR bundle through the client library — split into records, encrypted, stored in
 * the local content store, wrapped to the patient and registered in batches. Only ciphertext,
 * CIDs and envelopes leave this process.
 */
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { createWalletClient, http, type Address, type PublicClient } from "viem";
import { mnemonicToAccount, privateKeyToAccount, type PrivateKeyAccount } from "viem/accounts";
import { hardhat } from "viem/chains";
import { recordRegistryAbi } from "@caduceus/sdk/chain/abis";
import { CaduceusChain, type SignerClient } from "@caduceus/sdk/chain/client";
import type { Deployment } from "@caduceus/sdk/chain/deployments";
import { deriveIdentity } from "@caduceus/sdk/crypto/identity";
import { splitBundle } from "@caduceus/sdk/fhir/index";
import { prepareRecord, registerPrepared } from "@caduceus/sdk/records/upload";
import { GatewayContentStore } from "@caduceus/sdk/storage/gateway-client";

export const FIXTURES_DIR = "../shared/fixtures/fhir";
/** Hardhat's public development mnemonic; its accounts are funded on every Hardhat node. */
const DEV_MNEMONIC = "test test test test test test test test test test test junk";
/** Patients use development accounts from this index on (0–3: governance, hospital, doctors). */
const FIRST_PATIENT_ACCOUNT = 5;

/** A development account as a local signer (the hospital's and patients' keys, demo only). */
export function devAccount(index: number): PrivateKeyAccount {
  const key = mnemonicToAccount(DEV_MNEMONIC, { addressIndex: index }).getHdKey().privateKey!;
  return privateKeyToAccount(`0x${Buffer.from(key).toString("hex")}`);
}

export interface SeededPatient {
  address: Address;
  records: number;
}

export async function seedDemoRecords(
  deployment: Deployment,
  client: PublicClient,
  hospitalIndex: number,
  log: (message: string) => void,
): Promise<SeededPatient[]> {
  const chainAs = (account: PrivateKeyAccount) =>
    new CaduceusChain(
      deployment,
      client,
      createWalletClient({ account, chain: hardhat, transport: http(deployment.rpcUrl) }) as SignerClient,
    );
  const hospital = chainAs(devAccount(hospitalIndex));
  const store = new GatewayContentStore({ url: deployment.services.gateway });
  const bundles = (await readdir(FIXTURES_DIR)).filter((f) => f.endsWith(".json")).sort();

  const seeded: SeededPatient[] = [];
  for (const file of bundles) {
    const drafts = splitBundle(await readFile(join(FIXTURES_DIR, file)), { requirePatient: false });
    if (!drafts.some((d) => d.kind === "patient")) continue; // organizations, practitioners
    const account = devAccount(FIRST_PATIENT_ACCOUNT + seeded.length);
    const identity = await deriveIdentity(account, deployment.chainId);
    await chainAs(account).publishKeys(identity.x25519.publicKey, identity.xwing.publicKey);

    const prepared = [];
    for (const draft of drafts) {
      prepared.push(
        await prepareRecord({
          chain: hospital,
          store,
          patient: account.address,
          body: [draft.bytes],
          meta: { mediaType: draft.mediaType },
          category: draft.category,
        }),
      );
    }
    await registerPrepared(hospital, prepared);
    seeded.push({ address: account.address, records: prepared.length });
    // File names carry the synthetic patient's name: log the account only.
    log(`patient ${seeded.length}: ${account.address} — ${prepared.length} encrypted records`);
  }
  return seeded;
}

/** Reads back each seeded patient's record count; throws on the first that differs. */
export async function verifySeed(client: PublicClient, contracts: Deployment["contracts"], patients: SeededPatient[]): Promise<void> {
  if (patients.length === 0) throw new Error(`check: no patient bundle was found in ${FIXTURES_DIR}`);
  for (const patient of patients) {
    const count = await client.readContract({
      address: contracts.recordRegistry.address,
      abi: recordRegistryAbi,
      functionName: "recordCount",
      args: [patient.address],
    });
    if (count !== BigInt(patient.records)) {
      throw new Error(`check: patient ${patient.address} has ${count} records on-chain, expected ${patient.records}`);
    }
  }
}
