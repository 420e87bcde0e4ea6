import { getAddress, isAddress, type Address } from "viem";
import { CaduceusError } from "../errors.ts";

/** A deployed contract: where it lives and the block to start reading its events from. */
export interface DeployedContract {
  address: Address;
  deployBlock: number;
}

/**
 * What `npm start` (or a deployment to a public chain) writes to `deployments/<chainId>.json`, and
 * what the client library, CLI and web app read to find the contracts and local services.
 */
export interface Deployment {
  chainId: number;
  /** JSON-RPC endpoint of the chain, for clients that have no wallet-provided transport. */
  rpcUrl: string;
  contracts: {
    consortium: DeployedContract;
    keyRegistry: DeployedContract;
    recordRegistry: DeployedContract;
    consentManager: DeployedContract;
    emergencyAccess: DeployedContract;
    researchPool: DeployedContract;
  };
  /** Local services started with the chain (the content gateway, …), by name. */
  services: Record<string, string>;
}

export class DeploymentError extends CaduceusError {
  constructor(message: string) {
    super("DEPLOYMENT_INVALID", message);
  }
}

const CONTRACT_KEYS = [
  "consortium",
  "keyRegistry",
  "recordRegistry",
  "consentManager",
  "emergencyAccess",
  "researchPool",
] as const;

/** Validates a parsed deployments file, naming the first field that is wrong. */
export function parseDeployment(json: unknown, source = "deployment"): Deployment {
  const fail = (what: string): never => {
    throw new DeploymentError(`${source}: ${what}. Run \`npm start\` (local) or redeploy to regenerate it.`);
  };
  if (typeof json !== "object" || json === null) fail("not a JSON object");
  const obj = json as Record<string, unknown>;
  if (!Number.isSafeInteger(obj.chainId) || (obj.chainId as number) <= 0) fail("`chainId` is missing or invalid");
  if (typeof obj.rpcUrl !== "string" || !/^https?:\/\//.test(obj.rpcUrl)) fail("`rpcUrl` is not an http(s) URL");
  const contracts = (obj.contracts ?? {}) as Record<string, { address?: unknown; deployBlock?: unknown }>;
  const parsed = {} as Deployment["contracts"];
  for (const key of CONTRACT_KEYS) {
    const entry = contracts[key];
    if (!entry || typeof entry.address !== "string" || !isAddress(entry.address)) {
      fail(`\`contracts.${key}.address\` is missing or not an address`);
    }
    if (!Number.isSafeInteger(entry!.deployBlock) || (entry!.deployBlock as number) < 0) {
      fail(`\`contracts.${key}.deployBlock\` is missing or invalid`);
    }
    parsed[key] = { address: getAddress(entry!.address as string), deployBlock: entry!.deployBlock as number };
  }
  const services = (obj.services ?? {}) as Record<string, unknown>;
  for (const [name, url] of Object.entries(services)) {
    if (typeof url !== "string") fail(`\`services.${name}\` is not a string`);
  }
  return {
    chainId: obj.chainId as number,
    rpcUrl: obj.rpcUrl as string,
    contracts: parsed,
    services: services as Record<string, string>,
  };
}
