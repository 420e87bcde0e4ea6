/**
 * Demo data for the local stack: each synthetic patient of `../shared/fixtures/fhir/` gets a
 * development account, derives and publishes an encryption identity, and a demo hospital (the first
 * for patients 1–3, the second for 4–6) uploads the patient's FHIR bundle through the client library — split into records, encrypted, stored in
 * the local content store, wrapped to the patient and registered in batches. Only ciphertext,
 * CIDs and envelopes leave this process.
 */
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import type { Address, PublicClient } from "viem";
import type { PrivateKeyAccount } from "viem/accounts";
import { recordRegistryAbi } from "@caduceus/sdk/chain/abis";
import type { Deployment } from "@caduceus/sdk/chain/deployments";
import { deriveIdentity, type EncryptionIdentity } from "@caduceus/sdk/crypto/identity";
import { splitBundle } from "@caduceus/sdk/fhir/index";
import { prepareRecord, registerPrepared } from "@caduceus/sdk/records/upload";
import { GatewayContentStore } from "@caduceus/sdk/storage/gateway-client";
import { DEMO, demoChain, devAccount } from "./accounts.js";

export const FIXTURES_DIR = "../shared/fixtures/fhir";

export interface SeededPatient {
  account: PrivateKeyAccount;
  address: Address;
  /** The patient's encryption identity (derived from the account's signature, as the web app does). */
  identity: EncryptionIdentity;
  records: number;
}

export async function seedDemoRecords(
  deployment: Deployment,
  client: PublicClient,
  log: (message: string) => void,
): Promise<SeededPatient[]> {
  const chainAs = (account: PrivateKeyAccount) => demoChain(deployment, client, account);
  // The first hospital registers patients 1–3, the second patients 4–6.
  const hospitals = [DEMO.hospital, DEMO.secondHospital].map((index) => chainAs(devAccount(index)));
  const store = new GatewayContentStore({ url: deployment.services.gateway });
  const bundles = (await readdir(FIXTURES_DIR)).filter((f) => f.endsWith(".json")).sort();

  const seeded: SeededPatient[] = [];
  for (const file of bundles) {
    const drafts = splitBundle(await readFile(join(FIXTURES_DIR, file)), { requirePatient: false });
    if (!drafts.some((d) => d.kind === "patient")) continue; // organizations, practitioners
    const account = devAccount(DEMO.firstPatient + seeded.length);
    const hospital = hospitals[seeded.length < 3 ? 0 : 1]!;
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
    seeded.push({ account, address: account.address, identity, records: prepared.length });
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
