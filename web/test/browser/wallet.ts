/**
 * An injected EIP-1193 test wallet, announced through EIP-6963 like a real extension. The page side
 * is a small script; every request crosses to Node, where the wallet answers for accounts and
 * networks and forwards signing and sending to the Hardhat node, which holds the development keys.
 * Knobs: start on another chain (a wrong-network test), reject chosen methods (code 4001).
 */
import type { Page } from "playwright-core";
import { toHex, type Address } from "viem";

export interface TestWalletOptions {
  rpcUrl: string;
  account: Address;
  /** The chain the wallet starts on; the node's chain is the only one it can switch to. */
  chainId: number;
  nodeChainId: number;
  /** Methods the "user" rejects in the wallet, e.g. eth_signTypedData_v4. */
  reject?: string[];
}

export interface TestWallet {
  options: TestWalletOptions;
  /** Every method the page asked for, in order. */
  calls: string[];
}

const PAGE_SCRIPT = `(() => {
  const listeners = {};
  const provider = {
    isCaduceusTestWallet: true,
    async request({ method, params }) {
      const answer = await window.__caduceusWallet(method, params ?? []);
      if (answer.error) {
        const error = new Error(answer.error.message);
        error.code = answer.error.code;
        if (answer.error.data !== undefined) error.data = answer.error.data;
        throw error;
      }
      return answer.result;
    },
    on(event, fn) { (listeners[event] ??= []).push(fn); return provider; },
    removeListener(event, fn) { listeners[event] = (listeners[event] ?? []).filter((f) => f !== fn); return provider; },
  };
  window.__caduceusWalletEmit = (event, data) => (listeners[event] ?? []).forEach((fn) => fn(data));
  const info = Object.freeze({
    uuid: "7a0c2a52-6a58-4e3b-9b59-4c1e0a5d0c11",
    name: "Caduceus Test Wallet",
    icon: "data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 10 10'%3E%3Ccircle cx='5' cy='5' r='5' fill='%230b5cad'/%3E%3C/svg%3E",
    rdns: "org.caduceus.testwallet",
  });
  const announce = () => window.dispatchEvent(new CustomEvent("eip6963:announceProvider", { detail: Object.freeze({ info, provider }) }));
  window.addEventListener("eip6963:requestProvider", announce);
  announce();
  window.ethereum = provider;
})();`;

type Answer = { result: unknown } | { error: { code: number; message: string; data?: unknown } };

async function forward(rpcUrl: string, method: string, params: unknown[]): Promise<Answer> {
  const response = await fetch(rpcUrl, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }),
  });
  const body = (await response.json()) as { result?: unknown; error?: { code: number; message: string; data?: unknown } };
  return body.error ? { error: body.error } : { result: body.result };
}

export async function installWallet(page: Page, options: TestWalletOptions): Promise<TestWallet> {
  const wallet: TestWallet = { options: { ...options }, calls: [] };
  let authorized = false;
  const emit = (event: string, data: unknown) =>
    setTimeout(() => void page.evaluate(([e, d]) => (window as unknown as { __caduceusWalletEmit(e: unknown, d: unknown): void }).__caduceusWalletEmit(e, d), [event, data] as const).catch(() => {}), 0);

  await page.exposeFunction("__caduceusWallet", async (method: string, params: unknown[]): Promise<Answer> => {
    wallet.calls.push(method);
    const o = wallet.options;
    if (o.reject?.includes(method)) return { error: { code: 4001, message: "User rejected the request." } };
    switch (method) {
      case "eth_requestAccounts":
      case "wallet_requestPermissions":
        // Like a real wallet: the site sees no account until the person connects once.
        authorized = true;
        return method === "eth_requestAccounts" ? { result: [o.account] } : { result: [{ parentCapability: "eth_accounts" }] };
      case "eth_accounts":
        return { result: authorized ? [o.account] : [] };
      case "eth_chainId":
        return { result: toHex(o.chainId) };
      case "net_version":
        return { result: String(o.chainId) };
      case "wallet_getPermissions":
        return { result: authorized ? [{ parentCapability: "eth_accounts" }] : [] };
      case "wallet_revokePermissions":
        return { result: null };
      case "wallet_addEthereumChain":
        return { result: null };
      case "wallet_switchEthereumChain": {
        const wanted = Number((params[0] as { chainId: string }).chainId);
        if (wanted !== o.nodeChainId) return { error: { code: 4902, message: `Unrecognized chain ID ${wanted}.` } };
        o.chainId = wanted;
        emit("chainChanged", toHex(wanted));
        return { result: null };
      }
      default:
        if (o.chainId !== o.nodeChainId && (method === "eth_sendTransaction" || method.startsWith("eth_sign"))) {
          return { error: { code: 4100, message: "The test wallet is on another chain." } };
        }
        return forward(o.rpcUrl, method, params);
    }
  });
  await page.addInitScript(PAGE_SCRIPT);
  return wallet;
}
