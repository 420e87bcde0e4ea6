/**
 * Every write goes through here: the client library simulates, the wallet signs, the node mines,
 * and the person sees each step. A failure ends in `failed` with a short message; nothing spins on.
 */
import { useCallback, useState } from "react";
import type { Hex, WalletClient } from "viem";
import { useConfig } from "wagmi";
import { getWalletClient } from "wagmi/actions";
import { CaduceusChain, type SignerClient } from "@caduceus/sdk/chain/client";
import { useDeployment } from "../chain/public-client.ts";
import { errorMessage } from "../errors.ts";

export type TxState =
  | { status: "idle" }
  | { status: "checking" }
  | { status: "signing" }
  | { status: "pending"; hash: Hex }
  | { status: "confirmed"; hash?: Hex }
  | { status: "failed"; message: string };

/** The wallet client, reporting when it asks for a signature and when the transaction is sent. */
function tracked(wallet: WalletClient, onState: (s: TxState) => void): SignerClient {
  return {
    ...wallet,
    writeContract: async (args: Parameters<WalletClient["writeContract"]>[0]) => {
      onState({ status: "signing" });
      const hash = await wallet.writeContract(args);
      onState({ status: "pending", hash });
      return hash;
    },
  } as SignerClient;
}

export function useWriteFlow() {
  const config = useConfig();
  const { deployment, publicClient } = useDeployment();
  const [state, setState] = useState<TxState>({ status: "idle" });

  const run = useCallback(
    async <T>(action: (chain: CaduceusChain) => Promise<T>): Promise<{ ok: true; value: T } | { ok: false }> => {
      let last: Hex | undefined;
      const onState = (s: TxState) => {
        if (s.status === "pending") last = s.hash;
        setState(s);
      };
      setState({ status: "checking" });
      try {
        const wallet = await getWalletClient(config, { chainId: deployment.chainId });
        const chain = new CaduceusChain(deployment, publicClient, tracked(wallet as WalletClient, onState));
        const value = await action(chain);
        setState({ status: "confirmed", hash: last });
        return { ok: true, value };
      } catch (error) {
        setState({ status: "failed", message: errorMessage(error) });
        return { ok: false };
      }
    },
    [config, deployment, publicClient],
  );

  const reset = useCallback(() => setState({ status: "idle" }), []);
  const busy = state.status === "checking" || state.status === "signing" || state.status === "pending";
  return { state, run, reset, busy };
}
