/**
 * The demo wallet: on the local development chain only (31337), the accounts `npm start` seeded are
 * offered as a built-in wallet, as scaffold-eth-2's burner wallet is — pick "patient 1" and act at
 * once, switch to "doctor 1" from the header. Their keys are Hardhat's public test keys.
 *
 * This connector is small and sits in the entry chunk; the signer (keys, secp256k1, the HD
 * derivation) is in ./demo-signer.ts and is loaded only when someone connects with it.
 */
import { createConnector, type Connector } from "wagmi";
import type { Address, Chain } from "viem";
import type { Deployment } from "@caduceus/sdk/chain/deployments";
import { DEV_CHAIN_ID } from "../../../scripts/stack/demo-roles.ts";
import type { DemoSigner } from "./demo-signer.ts";

export const DEMO_WALLET_ID = "caduceusDemo";

/** The demo wallet exists only when the deployment is a local development chain. */
export const demoWalletAllowed = (deployment: Pick<Deployment, "chainId">) => deployment.chainId === DEV_CHAIN_ID;

export interface DemoWalletProperties {
  [key: string]: unknown;
  /** Chooses the development account to act as: before connecting, or to switch while connected. */
  selectAccount(index: number): Promise<void>;
  /** The chosen development account index, if any. */
  selectedAccount(): Promise<number | undefined>;
}

type DemoStorage = { "caduceusDemo.index": number; "caduceusDemo.connected": boolean };

export function isDemoWallet<C extends Connector>(connector: C | undefined): connector is C & DemoWalletProperties {
  // While wagmi rehydrates after a reload, a connection holds a partial connector (id and name only).
  return (
    connector?.id === DEMO_WALLET_ID && typeof (connector as Partial<DemoWalletProperties>).selectAccount === "function"
  );
}

/** The lazy EIP-1193 face the connector hands to wagmi: the signer loads on the first request. */
interface DemoProvider {
  request(args: { method: string; params?: readonly unknown[] | object }): Promise<unknown>;
}

export function demoWallet(deployment: Deployment, chain: Chain) {
  if (!demoWalletAllowed(deployment))
    throw new Error(`the demo wallet is for the local development chain only, not chain ${deployment.chainId}`);
  return createConnector<DemoProvider, DemoWalletProperties, DemoStorage>((config) => {
    let signer: Promise<DemoSigner> | undefined;
    let chosen: number | undefined;

    const index = async () => chosen ?? (await config.storage?.getItem("caduceusDemo.index")) ?? undefined;
    const load = async (): Promise<DemoSigner> => {
      signer ??= (async () => {
        const at = await index();
        if (at === undefined) throw new Error("Choose a demo account first.");
        const { createDemoSigner, httpForward } = await import("./demo-signer.ts");
        return createDemoSigner({ chain, index: at, forward: httpForward(deployment.rpcUrl) });
      })();
      return signer.catch((error: unknown) => {
        signer = undefined;
        throw error;
      });
    };
    const provider: DemoProvider = { request: async (args) => (await load()).request(args) };

    return {
      id: DEMO_WALLET_ID,
      name: "Demo wallet",
      type: DEMO_WALLET_ID,
      async connect({ chainId } = {}) {
        if (chainId !== undefined && chainId !== DEV_CHAIN_ID)
          throw new Error(`The demo wallet knows only chain ${DEV_CHAIN_ID}.`);
        const active = await load();
        await config.storage?.setItem("caduceusDemo.connected", true);
        // wagmi's connect result is generic over capabilities; the demo wallet reports plain addresses.
        return { accounts: [active.address], chainId: DEV_CHAIN_ID } as never;
      },
      async disconnect() {
        await config.storage?.removeItem("caduceusDemo.connected");
      },
      async getAccounts() {
        return signer ? [(await signer).address] : [];
      },
      async getChainId() {
        return DEV_CHAIN_ID;
      },
      async getProvider() {
        return provider;
      },
      async isAuthorized() {
        return (await config.storage?.getItem("caduceusDemo.connected")) === true && (await index()) !== undefined;
      },
      async selectAccount(next: number) {
        chosen = next;
        await config.storage?.setItem("caduceusDemo.index", next);
        if (!signer) return;
        const address = (await signer).use(next);
        config.emitter.emit("change", { accounts: [address] });
      },
      async selectedAccount() {
        return index();
      },
      onAccountsChanged(accounts) {
        if (accounts.length > 0) config.emitter.emit("change", { accounts: accounts as Address[] });
      },
      onChainChanged() {},
      onDisconnect() {
        config.emitter.emit("disconnect");
      },
    };
  });
}
