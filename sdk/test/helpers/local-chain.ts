/**
 * A real Hardhat node for the client library's tests: started on a free loopback port from the
 * repository root, with the contracts deployed from the compiled artifacts and a small consortium
 * (governance, one hospital with a doctor, an auditor, a verified researcher). Every test file gets its own chain.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { readFile } from "node:fs/promises";
import { createServer } from "node:net";
import { fileURLToPath } from "node:url";
import {
  createPublicClient,
  createWalletClient,
  erc20Abi,
  http,
  keccak256,
  parseAbi,
  toBytes,
  type Abi,
  type Address,
  type Hex,
  type PrivateKeyAccount,
  type PublicClient,
} from "viem";
import { mnemonicToAccount, privateKeyToAccount } from "viem/accounts";
import { hardhat } from "viem/chains";
import { CaduceusChain, type SignerClient } from "../../src/chain/client.ts";
import type { Deployment } from "../../src/chain/deployments.ts";
import { DEFAULT_ROLE_PURPOSES, Role } from "../../src/chain/roles.ts";

export const REPO_ROOT = fileURLToPath(new URL("../../../", import.meta.url));
/** contracts/mocks/MockERC20.sol: an ERC-20 anyone can mint (deploy it with `deploy("mocks/MockERC20", [name, symbol])`). */
export const mockErc20Abi = [...erc20Abi, ...parseAbi(["function mint(address to, uint256 amount)"])] as const;
/** Hardhat's public development mnemonic: its accounts are funded on every Hardhat node. */
const DEV_MNEMONIC = "test test test test test test test test test test test junk";

export interface LocalChain {
  url: string;
  deployment: Deployment;
  publicClient: PublicClient;
  /** Development accounts by role; private keys are Hardhat's public test keys. */
  accounts: Record<
    "governance" | "hospital" | "doctor" | "auditor" | "patient" | "otherPatient" | "stranger" | "relayer" | "researcher",
    PrivateKeyAccount
  >;
  privateKeys: Record<keyof LocalChain["accounts"], Hex>;
  /** A CaduceusChain acting as `account`. */
  as(account: PrivateKeyAccount): CaduceusChain;
  /** Deploys a compiled contract (path under contracts/, e.g. "mocks/MockERC20") as governance. */
  deploy(name: string, args: unknown[]): Promise<Address>;
  stop(): Promise<void>;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

async function artifact(name: string): Promise<{ abi: Abi; bytecode: Hex }> {
  const file = `${REPO_ROOT}artifacts/contracts/${name}.sol/${name.split("/").at(-1)}.json`;
  try {
    return JSON.parse(await readFile(file, "utf8"));
  } catch (cause) {
    throw new Error(`missing ${file}: run \`npm run build\` at the repository root first`, { cause });
  }
}

async function waitForRpc(client: PublicClient, node: ChildProcess, output: () => string): Promise<void> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    try {
      await client.getChainId();
      return;
    } catch {
      if (node.exitCode !== null) throw new Error(`hardhat node exited: ${output()}`);
      if (Date.now() > deadline) throw new Error(`hardhat node did not start in 60 s: ${output()}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }
}

export async function startLocalChain(): Promise<LocalChain> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const node = spawn(`${REPO_ROOT}node_modules/.bin/hardhat`, ["node", "--hostname", "127.0.0.1", "--port", String(port)], {
    cwd: REPO_ROOT,
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  let log = "";
  const keep = (b: Buffer) => (log = (log + b.toString()).slice(-4000));
  node.stdout!.on("data", keep);
  node.stderr!.on("data", keep);
  const publicClient = createPublicClient({ chain: hardhat, transport: http(url) }) as PublicClient;
  await waitForRpc(publicClient, node, () => log);

  const roles = [
    "governance",
    "hospital",
    "doctor",
    "auditor",
    "patient",
    "otherPatient",
    "stranger",
    "relayer",
    "researcher",
  ] as const;
  const privateKeys = {} as LocalChain["privateKeys"];
  const accounts = {} as LocalChain["accounts"];
  roles.forEach((role, i) => {
    const hd = mnemonicToAccount(DEV_MNEMONIC, { addressIndex: i });
    privateKeys[role] = bytesToHexKey(hd.getHdKey().privateKey!);
    accounts[role] = privateKeyToAccount(privateKeys[role]);
  });

  const wallet = (account: PrivateKeyAccount) => createWalletClient({ account, chain: hardhat, transport: http(url) });
  const deploy = async (name: string, args: unknown[]): Promise<Address> => {
    const { abi, bytecode } = await artifact(name);
    const hash = await wallet(accounts.governance).deployContract({ abi, bytecode, args });
    const receipt = await publicClient.waitForTransactionReceipt({ hash });
    return receipt.contractAddress!;
  };
  // The same role → purpose table as the Ignition deployment.
  const consortium = await deploy("Consortium", [
    accounts.governance.address,
    0,
    DEFAULT_ROLE_PURPOSES.map(([role]) => Role[role]),
    DEFAULT_ROLE_PURPOSES.map(([, purposes]) => purposes),
  ]);
  const keyRegistry = await deploy("KeyRegistry", []);
  const recordRegistry = await deploy("RecordRegistry", [consortium]);
  // The Ignition module's local defaults: no security delay, 24 h grants, 2 h to approve, 10 min cooldown.
  const emergencyLimits = { maxGrantDuration: 24 * 3600, approvalWindow: 2 * 3600, cooldown: 600 };
  const emergencyAccess = await deploy("EmergencyAccess", [consortium, recordRegistry, 0, emergencyLimits]);
  const consentManager = await deploy("ConsentManager", [consortium, recordRegistry, emergencyAccess]);
  const researchPool = await deploy("ResearchPool", [consortium, recordRegistry, consentManager]);
  const deployment: Deployment = {
    chainId: hardhat.id,
    rpcUrl: url,
    contracts: {
      consortium: { address: consortium, deployBlock: 0 },
      keyRegistry: { address: keyRegistry, deployBlock: 0 },
      recordRegistry: { address: recordRegistry, deployBlock: 0 },
      consentManager: { address: consentManager, deployBlock: 0 },
      emergencyAccess: { address: emergencyAccess, deployBlock: 0 },
      researchPool: { address: researchPool, deployBlock: 0 },
    },
    services: {},
  };
  const { abi: consortiumAbi } = await artifact("Consortium");
  const send = async (account: PrivateKeyAccount, functionName: string, args: unknown[]) => {
    const hash = await wallet(account).writeContract({ address: consortium, abi: consortiumAbi, functionName, args } as never);
    await publicClient.waitForTransactionReceipt({ hash });
  };
  await send(accounts.governance, "admitHospital", [accounts.hospital.address, "Test Hospital", "0x"]);
  await send(accounts.hospital, "proposeStaff", [accounts.doctor.address]);
  await send(accounts.doctor, "acceptStaff", [accounts.hospital.address]);
  await send(accounts.governance, "grantRole", [keccak256(toBytes("caduceus.role.AUDITOR")), accounts.auditor.address]);
  await send(accounts.governance, "grantRole", [keccak256(toBytes("caduceus.role.RESEARCHER")), accounts.researcher.address]);

  return {
    url,
    deployment,
    publicClient,
    accounts,
    privateKeys,
    as: (account) => new CaduceusChain(deployment, publicClient, wallet(account) as SignerClient),
    deploy,
    stop: async () => {
      if (node.exitCode !== null) return;
      const exited = new Promise((r) => node.once("exit", r));
      try {
        process.kill(-node.pid!, "SIGTERM");
      } catch {
        node.kill("SIGTERM");
      }
      await exited;
    },
  };
}

function bytesToHexKey(bytes: Uint8Array): Hex {
  return `0x${Buffer.from(bytes).toString("hex")}`;
}
