import { access } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import { createPublicClient, createWalletClient, defineChain, http, type PublicClient } from "viem";
import type { PrivateKeyAccount } from "viem/accounts";
import { CaduceusChain, type SignerClient } from "../chain/client.ts";
import type { Deployment } from "../chain/deployments.ts";
import { deriveIdentity, type EncryptionIdentity } from "../crypto/identity.ts";
import { readDeploymentFile } from "../node/deployment-file.ts";
import { GatewayContentStore } from "../storage/gateway-client.ts";
import { loadAccount } from "./keystore.ts";
import { UsageError } from "./exit-codes.ts";

/** Options every command accepts. */
export interface GlobalOptions {
  network: string;
  deployments?: string;
  gateway?: string;
  keystore?: string;
  json: boolean;
}

export const NETWORKS: Record<string, number> = { localhost: 31337, hardhat: 31337, sepolia: 11155111, baseSepolia: 84532 };
export const DEFAULT_GATEWAY = "http://127.0.0.1:8180";

/** `deployments/<chainId>.json` in the working directory or the nearest parent that has one. */
async function findDeploymentFile(chainId: number): Promise<string> {
  let dir = resolve(".");
  for (;;) {
    const candidate = join(dir, "deployments", `${chainId}.json`);
    if (await access(candidate).then(() => true, () => false)) return candidate;
    const parent = dirname(dir);
    if (parent === dir) return join("deployments", `${chainId}.json`); // reported as missing
    dir = parent;
  }
}

export async function loadDeployment(options: GlobalOptions): Promise<Deployment> {
  if (options.deployments) return readDeploymentFile(options.deployments);
  const chainId = NETWORKS[options.network] ?? Number(options.network);
  if (!Number.isSafeInteger(chainId) || chainId <= 0) {
    throw new UsageError(`Unknown network "${options.network}": use ${Object.keys(NETWORKS).join(", ")}, a chain id, or --deployments <file>.`);
  }
  return readDeploymentFile(await findDeploymentFile(chainId));
}

/** Everything a command may need, created lazily so that read-only commands never ask for a key. */
export class CliContext {
  #deployment?: Deployment;
  #account?: PrivateKeyAccount;

  constructor(readonly options: GlobalOptions) {}

  async deployment(): Promise<Deployment> {
    return (this.#deployment ??= await loadDeployment(this.options));
  }

  async account(): Promise<PrivateKeyAccount> {
    return (this.#account ??= await loadAccount(this.options.keystore));
  }

  async publicClient(): Promise<PublicClient> {
    const d = await this.deployment();
    return createPublicClient({ chain: chainOf(d), transport: http(d.rpcUrl) }) as PublicClient;
  }

  /** A chain client; with `signer`, it sends transactions as the operator's account. */
  async chain(signer = false): Promise<CaduceusChain> {
    const d = await this.deployment();
    const wallet = signer
      ? (createWalletClient({ account: await this.account(), chain: chainOf(d), transport: http(d.rpcUrl) }) as SignerClient)
      : undefined;
    return new CaduceusChain(d, await this.publicClient(), wallet);
  }

  async store(): Promise<GatewayContentStore> {
    const d = await this.deployment();
    return new GatewayContentStore({ url: this.options.gateway ?? d.services.gateway ?? DEFAULT_GATEWAY });
  }

  /** The operator's encryption identity, derived by signing the fixed EIP-712 message. */
  async identity(): Promise<EncryptionIdentity> {
    return deriveIdentity(await this.account(), (await this.deployment()).chainId);
  }
}

function chainOf(d: Deployment) {
  return defineChain({
    id: d.chainId,
    name: `chain ${d.chainId}`,
    nativeCurrency: { name: "Ether", symbol: "ETH", decimals: 18 },
    rpcUrls: { default: { http: [d.rpcUrl] } },
  });
}
