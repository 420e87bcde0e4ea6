import { mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { createWalletClient, getAddress, http, type Address, type PublicClient } from "viem";
import { hardhat } from "viem/chains";
import { consortiumAbi } from "@caduceus/sdk/chain/abis";
import { parseDeployment, type Deployment } from "@caduceus/sdk/chain/deployments";
import { Role } from "@caduceus/sdk/chain/roles";
import { DEMO, devAccount, HOSPITAL_NAMES } from "./accounts.js";
import { RPC_URL, run } from "./chain.js";

const IGNITION_STATE = "ignition/deployments/chain-31337";

/**
 * Deploys every contract to the local node with the real Ignition CLI. The node starts empty each
 * time, so the previous run's Ignition journal is stale and is removed first: restarts need no cleanup.
 */
export async function deployContracts(client: PublicClient): Promise<Deployment["contracts"]> {
  await rm(IGNITION_STATE, { recursive: true, force: true });
  const fromBlock = Number(await client.getBlockNumber());
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
  const addresses = JSON.parse(await readFile(`${IGNITION_STATE}/deployed_addresses.json`, "utf8")) as Record<
    string,
    Address
  >;
  const at = (key: string) => ({ address: getAddress(addresses[key]), deployBlock: fromBlock });
  return {
    consortium: at("Consortium#Consortium"),
    keyRegistry: at("KeyRegistry#KeyRegistry"),
    recordRegistry: at("RecordRegistry#RecordRegistry"),
    consentManager: at("ConsentManager#ConsentManager"),
    emergencyAccess: at("EmergencyAccess#EmergencyAccess"),
    researchPool: at("ResearchPool#ResearchPool"),
  };
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
  const send = async (account: Address, functionName: "admitHospital" | "addStaff" | "grantRole", args: readonly unknown[]) => {
    const hash = await wallet.writeContract({ ...consortium, account, functionName, args } as never);
    const receipt = await client.waitForTransactionReceipt({ hash });
    if (receipt.status !== "success") throw new Error(`demo setup: ${functionName} reverted`);
  };
  for (const hospital of cast.hospitals) {
    await send(cast.governance, "admitHospital", [hospital.account, hospital.name, "0x"]);
    for (const member of hospital.staff) await send(hospital.account, "addStaff", [member]);
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
