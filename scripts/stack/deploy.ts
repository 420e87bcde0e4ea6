import { mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { createWalletClient, getAddress, http, type Address, type PublicClient } from "viem";
import { hardhat } from "viem/chains";
import { consortiumAbi } from "@caduceus/sdk/chain/abis";
import { parseDeployment, type Deployment } from "@caduceus/sdk/chain/deployments";
import { Role } from "@caduceus/sdk/chain/roles";
import { DEMO, devAccount, HOSPITAL_NAMES } from "./accounts.js";
import { RPC_URL, run } from "./chain.js";

/** Ignition's journal folder for a chain (its default deployment id). */
export const ignitionState = (chainId: number) => `ignition/deployments/chain-${chainId}`;

const FUTURES = {
  consortium: "Consortium#Consortium",
  keyRegistry: "KeyRegistry#KeyRegistry",
  recordRegistry: "RecordRegistry#RecordRegistry",
  consentManager: "ConsentManager#ConsentManager",
  emergencyAccess: "EmergencyAccess#EmergencyAccess",
  researchPool: "ResearchPool#ResearchPool",
} as const satisfies Record<keyof Deployment["contracts"], string>;

/**
 * The contracts of a finished Ignition deployment: addresses from `deployed_addresses.json`, and
 * each contract's deploy block (where readers start) from the confirmed receipt in the journal.
 */
export async function contractsFromIgnition(dir: string): Promise<Deployment["contracts"]> {
  const addresses = JSON.parse(await readFile(`${dir}/deployed_addresses.json`, "utf8")) as Record<string, Address>;
  const blocks = new Map<string, number>();
  for (const line of (await readFile(`${dir}/journal.jsonl`, "utf8")).split("\n")) {
    if (!line.includes('"TRANSACTION_CONFIRM"')) continue;
    const entry = JSON.parse(line) as { futureId: string; receipt: { blockNumber: number } };
    blocks.set(entry.futureId, entry.receipt.blockNumber);
  }
  const entries = Object.entries(FUTURES).map(([key, future]) => {
    const address = addresses[future];
    const deployBlock = blocks.get(future);
    if (!address || deployBlock === undefined) throw new Error(`${dir}: ${future} is not deployed (run the Ignition deployment to the end)`);
    return [key, { address: getAddress(address), deployBlock }];
  });
  return Object.fromEntries(entries) as Deployment["contracts"];
}

/**
 * Deploys every contract to the local node with the real Ignition CLI. The node starts empty each
 * time, so the previous run's Ignition journal is stale and is removed first: restarts need no cleanup.
 */
export async function deployContracts(): Promise<Deployment["contracts"]> {
  const dir = ignitionState(hardhat.id);
  await rm(dir, { recursive: true, force: true });
  // The default build profile, which `npm start` has just compiled: Ignition's own default, the
  // production profile, compiles every file in isolation again (minutes with solcjs).
  await run("npx", [
    "hardhat",
    "ignition",
    "deploy",
    "ignition/modules/Caduceus.ts",
    "--network",
    "localhost",
    "--build-profile",
    "default",
  ]);
  return contractsFromIgnition(dir);
}

/** The demo consortium's accounts (see `accounts.ts`). */
export interface DemoCast {
  governance: Address;
  hospitals: Array<{ account: Address; name: string; staff: Address[] }>;
  researcher: Address;
}

/** Admits two demo hospitals, registers their doctors as staff and verifies the demo researcher. */
export async function setUpDemoConsortium(
  client: PublicClient,
  contracts: Deployment["contracts"],
): Promise<DemoCast> {
  const wallet = createWalletClient({ chain: hardhat, transport: http(RPC_URL) });
  const address = (index: number) => devAccount(index).address;
  const cast: DemoCast = {
    governance: address(DEMO.governance),
    hospitals: [
      { account: address(DEMO.hospital), name: HOSPITAL_NAMES[0], staff: DEMO.doctors.map(address) },
      { account: address(DEMO.secondHospital), name: HOSPITAL_NAMES[1], staff: [address(DEMO.secondHospitalDoctor)] },
    ],
    researcher: address(DEMO.researcher),
  };
  const consortium = { address: contracts.consortium.address, abi: consortiumAbi } as const;
  const send = async (
    account: Address,
    functionName: "admitHospital" | "proposeStaff" | "acceptStaff" | "grantRole",
    args: readonly unknown[],
  ) => {
    const hash = await wallet.writeContract({ ...consortium, account, functionName, args } as never);
    const receipt = await client.waitForTransactionReceipt({ hash });
    if (receipt.status !== "success") throw new Error(`demo setup: ${functionName} reverted`);
  };
  for (const hospital of cast.hospitals) {
    await send(cast.governance, "admitHospital", [hospital.account, hospital.name, "0x"]);
    // Staff join in two steps: the hospital proposes, each staff account accepts.
    for (const member of hospital.staff) {
      await send(hospital.account, "proposeStaff", [member]);
      await send(member, "acceptStaff", [hospital.account]);
    }
  }
  await send(cast.governance, "grantRole", [Role.RESEARCHER, cast.researcher]);
  return cast;
}

/** Writes `deployments/<chainId>.json`, validated with the same parser every client uses. */
export async function writeDeployment(deployment: Deployment): Promise<string> {
  const file = `deployments/${deployment.chainId}.json`;
  parseDeployment(deployment, file);
  await mkdir("deployments", { recursive: true });
  await writeFile(file, `${JSON.stringify(deployment, null, 2)}\n`);
  return file;
}

/** Reads back what `npm start` set up; throws on the first thing that is not as expected. */
export async function verifyStack(client: PublicClient, contracts: Deployment["contracts"], cast: DemoCast): Promise<void> {
  for (const [name, { address }] of Object.entries(contracts)) {
    const code = await client.getCode({ address });
    if (!code || code === "0x") throw new Error(`check: no contract code at ${name} ${address}`);
  }
  const consortium = { address: contracts.consortium.address, abi: consortiumAbi } as const;
  for (const hospital of cast.hospitals) {
    const active = await client.readContract({ ...consortium, functionName: "isActiveHospital", args: [hospital.account] });
    const staff = await client.readContract({ ...consortium, functionName: "staff", args: [hospital.account, 0n, 10n] });
    if (!active) throw new Error(`check: ${hospital.name} is not an active hospital`);
    if (staff.length !== hospital.staff.length || !hospital.staff.every((d) => staff.includes(d))) {
      throw new Error(`check: ${hospital.name}'s staff is ${staff.join(", ")}, expected ${hospital.staff.join(", ")}`);
    }
  }
  const verified = await client.readContract({ ...consortium, functionName: "hasRole", args: [Role.RESEARCHER, cast.researcher] });
  if (!verified) throw new Error(`check: ${cast.researcher} is not a verified researcher`);
}
