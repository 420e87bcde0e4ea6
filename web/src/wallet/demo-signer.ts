/**
 * The demo wallet's signer, loaded only when someone connects with it: an EIP-1193 provider that
 * holds one of Hardhat's public development keys (a viem local account from the standard mnemonic),
 * signs typed data, messages and transactions in the page, and forwards everything else to the node.
 * The app talks to it exactly as it talks to MetaMask. It refuses to start on any node that is not a
 * local development chain (31337).
 */
import {
  createWalletClient,
  custom,
  getAddress,
  hexToBigInt,
  hexToNumber,
  isAddressEqual,
  toHex,
  type Address,
  type Chain,
  type Hex,
} from "viem";
import { mnemonicToAccount, type HDAccount } from "viem/accounts";
import { DEV_CHAIN_ID, DEV_MNEMONIC } from "../../../scripts/stack/demo-roles.ts";

/** Sends one JSON-RPC request to the node. */
export type Forward = (method: string, params: readonly unknown[]) => Promise<unknown>;

export interface DemoSigner {
  readonly address: Address;
  /** Acts as another development account from now on; returns its address. */
  use(index: number): Address;
  request(args: { method: string; params?: readonly unknown[] | object }): Promise<unknown>;
}

/** An EIP-1193 error (4001 rejected, 4100 unauthorized, 4902 unknown chain, …). */
function rpcError(code: number, message: string): Error {
  return Object.assign(new Error(message), { code });
}

/** A node's JSON-RPC endpoint over fetch, answering with `result` or throwing its `error`. */
export function httpForward(rpcUrl: string): Forward {
  let id = 0;
  return async (method, params) => {
    const response = await fetch(rpcUrl, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ jsonrpc: "2.0", id: ++id, method, params }),
    });
    const body = (await response.json()) as {
      result?: unknown;
      error?: { code: number; message: string; data?: unknown };
    };
    if (body.error) throw Object.assign(rpcError(body.error.code, body.error.message), { data: body.error.data });
    return body.result;
  };
}

const quantity = (value: unknown) => (typeof value === "string" ? hexToBigInt(value as Hex) : undefined);

/**
 * The signer for development account `index`. Checks first that the node really is a local
 * development chain, so the public keys can never sign for a real network.
 */
export async function createDemoSigner(options: {
  chain: Chain;
  index: number;
  forward: Forward;
}): Promise<DemoSigner> {
  const { chain, forward } = options;
  if (chain.id !== DEV_CHAIN_ID)
    throw new Error(
      `The demo wallet runs only on the local development chain (${DEV_CHAIN_ID}), not on chain ${chain.id}.`,
    );
  const nodeChainId = Number(await forward("eth_chainId", []));
  if (nodeChainId !== DEV_CHAIN_ID) {
    throw new Error(
      `The demo wallet runs only on the local development chain (${DEV_CHAIN_ID}); this node is chain ${nodeChainId}.`,
    );
  }
  let account: HDAccount = mnemonicToAccount(DEV_MNEMONIC, { addressIndex: options.index });
  // Sends the signed transaction through the same forwarder (the wallet client fills nonce, gas and fees).
  const wallet = createWalletClient({
    chain,
    transport: custom({ request: ({ method, params }) => forward(method, params ?? []) }),
  });
  const own = (address: unknown) => {
    if (typeof address !== "string" || !isAddressEqual(getAddress(address), account.address)) {
      throw rpcError(4100, `The demo wallet holds ${account.address}, not ${String(address)}.`);
    }
  };

  return {
    get address() {
      return account.address;
    },
    use(index) {
      account = mnemonicToAccount(DEV_MNEMONIC, { addressIndex: index });
      return account.address;
    },
    async request({ method, params }) {
      const args = (Array.isArray(params) ? params : []) as unknown[];
      switch (method) {
        case "eth_accounts":
        case "eth_requestAccounts":
          return [account.address];
        case "eth_chainId":
          return toHex(chain.id);
        case "net_version":
          return String(chain.id);
        case "wallet_requestPermissions":
        case "wallet_getPermissions":
          return [{ parentCapability: "eth_accounts" }];
        case "wallet_revokePermissions":
          return null;
        case "wallet_switchEthereumChain": {
          const wanted = Number((args[0] as { chainId: string }).chainId);
          if (wanted !== chain.id) throw rpcError(4902, `The demo wallet knows only chain ${chain.id}.`);
          return null;
        }
        case "wallet_addEthereumChain":
          throw rpcError(4200, "The demo wallet cannot add chains.");
        case "eth_signTypedData_v4": {
          own(args[0]);
          const typed = typeof args[1] === "string" ? JSON.parse(args[1]) : args[1];
          return account.signTypedData(typed as Parameters<HDAccount["signTypedData"]>[0]);
        }
        case "personal_sign":
          own(args[1]);
          return account.signMessage({ message: { raw: args[0] as Hex } });
        case "eth_sign":
          throw rpcError(4200, "The demo wallet does not sign raw hashes (eth_sign); use personal_sign or typed data.");
        case "eth_sendTransaction": {
          const tx = args[0] as Record<string, unknown>;
          own(tx.from);
          return wallet.sendTransaction({
            account,
            chain,
            to: tx.to as Address | undefined,
            data: tx.data as Hex | undefined,
            value: quantity(tx.value),
            gas: quantity(tx.gas),
            nonce: typeof tx.nonce === "string" ? hexToNumber(tx.nonce as Hex) : undefined,
            ...(tx.gasPrice !== undefined
              ? { gasPrice: quantity(tx.gasPrice) }
              : { maxFeePerGas: quantity(tx.maxFeePerGas), maxPriorityFeePerGas: quantity(tx.maxPriorityFeePerGas) }),
          } as Parameters<typeof wallet.sendTransaction>[0]);
        }
        default:
          return forward(method, args);
      }
    },
  };
}
