/**
 * Connecting and the network check. Wallets announced through EIP-6963 are listed by name; the
 * generic injected connector (`window.ethereum`) is offered only when nothing announced itself.
 */
import { useConnect, useConnection, useConnectors, useDisconnect, useSwitchChain } from "wagmi";
import { useDeploymentOnly } from "../chain/context.tsx";
import { errorMessage } from "../errors.ts";
import { useI18n } from "../i18n/i18n.tsx";

export const shortAddress = (address: string) => `${address.slice(0, 6)}…${address.slice(-4)}`;

export function ConnectPanel() {
  const { t } = useI18n();
  const connectors = useConnectors();
  const connect = useConnect();
  const announced = connectors.filter((c) => c.type === "injected" && c.id !== "injected");
  const shown = announced.length > 0 ? announced : connectors;
  const hasInjected = typeof window !== "undefined" && "ethereum" in window;
  return (
    <section className="card connect" aria-labelledby="connect-title">
      <h2 id="connect-title">{t("connect.title")}</h2>
      <p>{t("connect.intro")}</p>
      {announced.length === 0 && !hasInjected ? (
        <p role="alert">{t("connect.noWallet")}</p>
      ) : (
        <ul className="wallets">
          {shown.map((connector) => (
            <li key={connector.uid}>
              <button
                type="button"
                className="primary"
                disabled={connect.isPending}
                onClick={() => connect.mutate({ connector })}
              >
                {connector.icon && <img src={connector.icon} alt="" width={20} height={20} />}
                {t("connect.with", { name: connector.id === "injected" ? t("connect.browserWallet") : connector.name })}
              </button>
            </li>
          ))}
        </ul>
      )}
      {connect.isPending && (
        <p role="status">
          <span className="spinner" aria-hidden="true" /> {t("connect.pending")}
        </p>
      )}
      {connect.error && <p role="alert">{errorMessage(connect.error)}</p>}
    </section>
  );
}

export function AccountBadge() {
  const { t } = useI18n();
  const { address, connector } = useConnection();
  const disconnect = useDisconnect();
  if (!address) return null;
  return (
    <div className="account">
      <span title={address} data-testid="account">
        {connector?.name ? `${connector.name} · ` : ""}
        {shortAddress(address)}
      </span>
      <button type="button" onClick={() => disconnect.mutate({})}>
        {t("connect.disconnect")}
      </button>
    </div>
  );
}

/** Shown instead of the app while the wallet is on another chain than the deployment's. */
export function WrongNetwork({ actual }: { actual: number | undefined }) {
  const { t } = useI18n();
  const deployment = useDeploymentOnly();
  const switchChain = useSwitchChain();
  return (
    <section className="card warning" role="alert" aria-labelledby="network-title" data-testid="wrong-network">
      <h2 id="network-title">{t("network.title")}</h2>
      <p>{t("network.body", { actual: actual ?? "?", expected: deployment.chainId })}</p>
      <button
        type="button"
        className="primary"
        disabled={switchChain.isPending}
        onClick={() => switchChain.mutate({ chainId: deployment.chainId })}
      >
        {t("network.switch", { expected: deployment.chainId })}
      </button>
      {switchChain.isPending && (
        <p role="status">
          <span className="spinner" aria-hidden="true" /> {t("network.switching")}
        </p>
      )}
      {switchChain.error && <p role="alert">{errorMessage(switchChain.error)}</p>}
    </section>
  );
}
