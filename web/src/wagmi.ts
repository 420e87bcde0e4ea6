/**
 * The one wagmi configuration. The chain comes from the deployments file at run time; wallets are
 * found through EIP-6963 (every announced provider becomes a connector) plus the generic injected
 * one (`window.ethereum`). On the local development chain only, the seeded demo accounts are offered
 * as a built-in wallet (./wallet/demo-wallet.ts; its signer loads when someone connects with it).
 * No wallet SDK is bundled.
 */
import { defineChain, type Chain } from "viem";
import { createConfig, http, injected } from "wagmi";
import type { Deployment } from "@caduceus/sdk/chain/deployments";
import { demoWallet, demoWalletAllowed } from "./wallet/demo-wallet.ts";

export function deploymentChain(deployment: Deployment): Chain {
  return defineChain({
    id: deployment.chainId,
    name: deployment.chainId === 31337 ? "Caduceus local (Hardhat)" : `Chain ${deployment.chainId}`,
    nativeCurrency: { name: "Ether", symbol: "ETH", decimals: 18 },
    rpcUrls: { default: { http: [deployment.rpcUrl] } },
  });
}

export function makeWagmiConfig(deployment: Deployment) {
  const chain = deploymentChain(deployment);
  return createConfig({
    chains: [chain],
    connectors: [
      injected({ shimDisconnect: true }),
      ...(demoWalletAllowed(deployment) ? [demoWallet(deployment, chain)] : []),
    ],
    multiInjectedProviderDiscovery: true,
    // Reads are invalidated on our own writes instead of polling every block.
    pollingInterval: 8_000,
    transports: { [chain.id]: http(deployment.rpcUrl) },
  });
}

declare module "wagmi" {
  interface Register {
    config: ReturnType<typeof makeWagmiConfig>;
  }
}
