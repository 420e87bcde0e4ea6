/**
 * First visit: one signature creates the encryption key and one transaction publishes its public
 * half, so hospitals can encrypt records for this account. Later visits: the same signature unlocks
 * the same key (wallet signatures are deterministic), nothing is published again.
 */
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { hexToBytes, type Address, type Hex } from "viem";
import { useConfig } from "wagmi";
import { signTypedData } from "wagmi/actions";
import { keyRegistryAbi } from "@caduceus/sdk/chain/abis";
import { useDeployment } from "../chain/public-client.ts";
import { cryptoCall } from "../crypto/client.ts";
import { errorMessage } from "../errors.ts";
import { useI18n } from "../i18n/i18n.tsx";
import { TxStatus } from "../tx/TxStatus.tsx";
import { useWriteFlow } from "../tx/useWriteFlow.ts";
import { useIdentity } from "./context.tsx";

type Step = { status: "idle" } | { status: "signing" } | { status: "deriving" } | { status: "failed"; message: string };

export function usePublishedKey(address: Address | undefined) {
  const { deployment, publicClient } = useDeployment();
  return useQuery({
    queryKey: ["publishedKey", deployment.chainId, address],
    enabled: address !== undefined,
    queryFn: async (): Promise<{ published: false } | { published: true; x25519: Hex }> => {
      const contract = { address: deployment.contracts.keyRegistry.address, abi: keyRegistryAbi } as const;
      const has = await publicClient.readContract({ ...contract, functionName: "hasKey", args: [address!] });
      if (!has) return { published: false };
      const keys = await publicClient.readContract({ ...contract, functionName: "keysOf", args: [address!] });
      return { published: true, x25519: keys.x25519 };
    },
  });
}

export function IdentityCard({ address }: { address: Address }) {
  const { t } = useI18n();
  const config = useConfig();
  const queryClient = useQueryClient();
  const { deployment } = useDeployment();
  const { unlocked, markUnlocked } = useIdentity();
  const published = usePublishedKey(address);
  const publish = useWriteFlow();
  const [step, setStep] = useState<Step>({ status: "idle" });

  if (unlocked(address)) return null;
  if (published.isPending) return <p role="status">{t("identity.checking")}</p>;
  if (published.isError) return <p role="alert">{errorMessage(published.error)}</p>;
  const isNew = !published.data.published;

  async function start() {
    setStep({ status: "signing" });
    publish.reset();
    try {
      const typedData = await cryptoCall({ op: "keyRequest" });
      const signature = await signTypedData(config, { account: address, ...typedData } as Parameters<typeof signTypedData>[1]);
      setStep({ status: "deriving" });
      const keys = await cryptoCall({ op: "identity", address, signature });
      if (published.data?.published) {
        if (published.data.x25519.toLowerCase() !== keys.x25519.toLowerCase()) {
          await cryptoCall({ op: "forget", address });
          setStep({ status: "failed", message: t("identity.mismatch") });
          return;
        }
        markUnlocked(address, keys);
        return;
      }
      setStep({ status: "idle" });
      const result = await publish.run((chain) => chain.publishKeys(hexToBytes(keys.x25519), hexToBytes(keys.xwing)));
      if (result.ok) {
        await queryClient.invalidateQueries({ queryKey: ["publishedKey", deployment.chainId, address] });
        markUnlocked(address, keys);
      }
    } catch (error) {
      setStep({ status: "failed", message: errorMessage(error) });
    }
  }

  const busy = step.status === "signing" || step.status === "deriving" || publish.busy;
  return (
    <section className="card identity" aria-labelledby="identity-title" data-testid="identity">
      <h2 id="identity-title">{isNew ? t("identity.newTitle") : t("identity.unlockTitle")}</h2>
      <p>{isNew ? t("identity.newBody") : t("identity.unlockBody")}</p>
      <p className="note">{t("identity.safety")}</p>
      <button type="button" className="primary" onClick={start} disabled={busy}>
        {isNew ? t("identity.newButton") : t("identity.unlockButton")}
      </button>
      {step.status === "signing" && (
        <p role="status">
          <span className="spinner" aria-hidden="true" /> {t("identity.signing")}
        </p>
      )}
      {step.status === "deriving" && (
        <p role="status">
          <span className="spinner" aria-hidden="true" /> {t("identity.deriving")}
        </p>
      )}
      {step.status === "failed" && (
        <p role="alert" data-testid="identity-error">
          {step.message}
        </p>
      )}
      <TxStatus state={publish.state} label={t("identity.publishLabel")} />
    </section>
  );
}
