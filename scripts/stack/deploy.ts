import { mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { createWalletClient, getAddress, http, type Address, type PublicClient } from "viem";
import { hardhat } from "viem/chains";
import { consortiumAbi } from "@caduceus/sdk/chain/abis";
import { parseDeployment, type Deployment } from "@caduceus/sdk/chain/deployments";
import { RPC_URL, run } from "./chain.js";

const IGNITION_STATE = "ignition/deployments/chain-31337";

/**
 * Deploys every contract to the local node with the real Ignition CLI. The node starts empty each
 * time, so the previous run's Ignition journal is stale and is removed first: restarts need no cleanup.
 */
export async function deployContracts(client: PublicClient): Promise<Deployment["contracts"]> {
  await rm(IGNITION_STATE, { recursive: true, force: true });
  const fromBlock = Number(await client.getBlockNumber());
  await run("npx", ["hardhat", "ignition", "deploy", "ignition/modules/Caduceus.ts", "--network", "localhost"]);
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

/** The demo cast: Hardhat's well-known development accounts (never use them on a real chain). */
export interface DemoCast {
  governance: Address;
  hospital: Address;
  doctors: [Address, Address];
}

/** Admits a demo hospital and registers two doctors as its staff. */
export async function setUpDemoConsortium(
  client: PublicClient,
  contracts: Deployment["contracts"],
): Promise<DemoCast> {
  const wallet = createWalletClient({ chain: hardhat, transport: http(RPC_URL) });
  const [governance, hospital, doctorA, doctorB] = await wallet.getAddresses();
  const consortium = { address: contracts.consortium.address, abi: consortiumAbi } as const;
  const send = async (account: Address, functionName: "admitHospital" | "addStaff", args: readonly unknown[]) => {
    const hash = await wallet.writeContract({ ...consortium, account, functionName, args } as never);
    const receipt = await client.waitForTransactionReceipt({ hash });
    if (receipt.status !== "success") throw new Error(`demo setup: ${functionName} reverted`);
  };
  await send(governance, "admitHospital", [hospital, "Caduceus Demo Hospital", "0x"]);
  await send(hospital, "addStaff", [doctorA]);
  await send(hospital, "addStaff", [doctorB]);
  return { governance, hospital, doctors: [doctorA, doctorB] };
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
  const active = await client.readContract({ ...consortium, functionName: "isActiveHospital", args: [cast.hospital] });
  const staff = await client.readContract({ ...consortium, functionName: "staff", args: [cast.hospital, 0n, 10n] });
  if (!active) throw new Error("check: the demo hospital is not active");
  if (staff.length !== 2 || !cast.doctors.every((d) => staff.includes(d))) {
    throw new Error(`check: the demo hospital's staff is ${staff.join(", ")}, expected the two doctors`);
  }
}
