/**
 * Connecting and the network check. Wallets announced through EIP-6963 are listed by name; the
 * generic injected connector (`window.ethereum`) is offered only when nothing announced itself. On
 * the local development chain the seeded demo accounts are listed too (./demo-wallet.ts).
 */
import { useEffect, useState } from "react";
import { useConnect, useConnection, useConnectors, useDisconnect, useSwitchChain } from "wagmi";
import { demoRoles, type DemoRole } from "../../../scripts/stack/demo-roles.ts";
import { useDeploymentOnly } from "../chain/context.tsx";
import { errorMessage } from "../errors.ts";
import { useI18n, type Translate } from "../i18n/i18n.tsx";
import { DEMO_WALLET_ID, isDemoWallet } from "./demo-wallet.ts";

export const shortAddress = (address: string) => `${address.slice(0, 6)}…${address.slice(-4)}`;

const DEMO_ROLES = demoRoles();

const roleName = (t: Translate, role: DemoRole) => t(`demo.role.${role.kind}`, { n: role.n });

/** The page each demo role starts on (App.tsx's routes). */
const ROLE_HOME: Record<DemoRole["kind"], string> = {
  governance: "governance",
  hospital: "hospital",
  doctor: "doctor",
  patient: "records",
  contact: "emergency",
  researcher: "research",
  donor: "research",
};
const goHome = (index: number) => {
  const role = DEMO_ROLES.find((r) => r.index === index);
  if (role) window.location.hash = `#/${ROLE_HOME[role.kind]}`;
};

/** What Caduceus is and what each demo role can try: three sentences above the connect box. */
function About() {
  const { t } = useI18n();
  return (
    <section className="card intro" aria-labelledby="about-title" data-testid="about">
      <h2 id="about-title">{t("about.title")}</h2>
      <p>
        {t("about.what")} {t("about.care")} {t("about.more")}
      </p>
    </section>
  );
}

/** The public-keys warning, shown wherever the demo wallet is offered or in use. */
export function DemoBanner() {
  const { t } = useI18n();
  return (
    <p className="card warning demo-banner" role="note" data-testid="demo-banner">
      {t("demo.banner")}
    </p>
  );
}

export function ConnectPanel() {
  const { t } = useI18n();
  const connectors = useConnectors();
  const connect = useConnect();
  const demo = connectors.find(isDemoWallet);
  const announced = connectors.filter((c) => c.type === "injected" && c.id !== "injected");
  const shown = announced.length > 0 ? announced : connectors.filter((c) => c.type === "injected");
  const hasInjected = typeof window !== "undefined" && "ethereum" in window;
  return (
    <>
      <About />
      <section className="card connect" aria-labelledby="connect-title">
        <h2 id="connect-title">{t("connect.title")}</h2>
        <p>{t("connect.intro")}</p>
        {announced.length === 0 && !hasInjected ? (
          <p role={demo ? "note" : "alert"}>{t(demo ? "connect.noWalletDemo" : "connect.noWallet")}</p>
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
                  {t("connect.with", {
                    name: connector.id === "injected" ? t("connect.browserWallet") : connector.name,
                  })}
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
        {demo && (
          <div className="demo" data-testid="demo-wallet" role="group" aria-labelledby="demo-title">
            <h3 id="demo-title">{t("demo.title")}</h3>
            <DemoBanner />
            <p>{t("demo.intro")}</p>
            <ul className="wallets">
              {DEMO_ROLES.map((role) => (
                <li key={role.index}>
                  <button
                    type="button"
                    title={role.label}
                    disabled={connect.isPending}
                    onClick={() =>
                      void demo
                        .selectAccount(role.index)
                        .then(() => connect.mutateAsync({ connector: demo }))
                        .then(
                          () => goHome(role.index),
                          () => {},
                        )
                    }
                  >
                    {roleName(t, role)}
                  </button>
                </li>
              ))}
            </ul>
          </div>
        )}
        {connect.error && <p role="alert">{errorMessage(connect.error)}</p>}
      </section>
    </>
  );
}

/** In the header while the demo wallet is connected: switch to another seeded account at once. */
function DemoSwitcher() {
  const { t } = useI18n();
  const { connector } = useConnection();
  const [selected, setSelected] = useState<number | undefined>();
  const [error, setError] = useState<string>();
  useEffect(() => {
    if (isDemoWallet(connector)) void connector.selectedAccount().then(setSelected);
  }, [connector]);
  if (!isDemoWallet(connector)) return null;
  return (
    <label className="demo-switch">
      {t("demo.switch")}{" "}
      <select
        value={selected ?? ""}
        onChange={(event) => {
          const index = Number(event.target.value);
          setSelected(index);
          setError(undefined);
          connector.selectAccount(index).then(
            () => goHome(index),
            (e: unknown) => setError(errorMessage(e)),
          );
        }}
      >
        {DEMO_ROLES.map((role) => (
          <option key={role.index} value={role.index}>
            {roleName(t, role)}
          </option>
        ))}
      </select>
      {error && <span role="alert">{error}</span>}
    </label>
  );
}

/** Below the header while the demo wallet is connected. */
export function DemoWalletNotice() {
  const { connector, status } = useConnection();
  return status === "connected" && isDemoWallet(connector) ? <DemoBanner /> : null;
}

export function AccountBadge() {
  const { t } = useI18n();
  const { address, connector } = useConnection();
  const disconnect = useDisconnect();
  if (!address) return null;
  const name = connector?.id === DEMO_WALLET_ID ? t("demo.wallet") : connector?.name;
  return (
    <div className="account">
      <DemoSwitcher />
      <span title={address} data-testid="account">
        {name ? `${name} · ` : ""}
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
