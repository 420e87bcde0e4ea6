/** The shell: header, connection, network check, and the role pages (each loaded when first opened). */
import { lazy, Suspense, useEffect, useState } from "react";
import { useConnection } from "wagmi";
import { useDeploymentOnly } from "./chain/context.tsx";
import { LanguageSwitcher, useI18n } from "./i18n/i18n.tsx";
import type { MessageKey } from "./i18n/en.ts";
import { AccountBadge, ConnectPanel, DemoWalletNotice, WrongNetwork } from "./wallet/Wallet.tsx";

const PatientPage = lazy(() => import("./features/patient/PatientPage.tsx"));
const AccessPage = lazy(() => import("./features/access/AccessPage.tsx"));
const HospitalPage = lazy(() => import("./features/hospital/HospitalPage.tsx"));
const DoctorPage = lazy(() => import("./features/doctor/DoctorPage.tsx"));
const ResearchPage = lazy(() => import("./features/research/ResearchPage.tsx"));
const GovernancePage = lazy(() => import("./features/governance/GovernancePage.tsx"));
const ContactPage = lazy(() => import("./features/emergency/ContactPage.tsx"));

const ROUTES = ["records", "access", "emergency", "doctor", "hospital", "research", "governance"] as const;
type Route = (typeof ROUTES)[number];
const NAV: Record<Route, MessageKey> = {
  records: "nav.records",
  access: "nav.access",
  emergency: "nav.emergency",
  doctor: "nav.doctor",
  hospital: "nav.hospital",
  research: "nav.research",
  governance: "nav.governance",
};

function routeFromHash(): Route {
  const name = window.location.hash.replace(/^#\/?/, "");
  return (ROUTES as readonly string[]).includes(name) ? (name as Route) : "records";
}

function useRoute(): Route {
  const [route, setRoute] = useState(routeFromHash);
  useEffect(() => {
    const update = () => setRoute(routeFromHash());
    window.addEventListener("hashchange", update);
    return () => window.removeEventListener("hashchange", update);
  }, []);
  return route;
}

export function App() {
  const { t } = useI18n();
  const route = useRoute();
  const deployment = useDeploymentOnly();
  const { address, status, chainId } = useConnection();
  const connected = status === "connected" && address !== undefined;

  let body;
  if (!connected) {
    body = status === "reconnecting" || status === "connecting" ? <p role="status">{t("connect.pending")}</p> : <ConnectPanel />;
  } else if (chainId !== deployment.chainId) {
    body = <WrongNetwork actual={chainId} />;
  } else {
    body = (
      <Suspense
        fallback={
          <p role="status">
            <span className="spinner" aria-hidden="true" /> {t("app.loading")}
          </p>
        }
      >
        {route === "records" && <PatientPage key={address} address={address} />}
        {route === "access" && <AccessPage key={address} address={address} />}
        {route === "emergency" && <ContactPage key={address} address={address} />}
        {route === "doctor" && <DoctorPage key={address} address={address} />}
        {route === "hospital" && <HospitalPage key={address} address={address} />}
        {route === "research" && <ResearchPage key={address} address={address} />}
        {route === "governance" && <GovernancePage key={address} address={address} />}
      </Suspense>
    );
  }

  return (
    <>
      <a className="skip-link" href="#main">
        {t("app.skip")}
      </a>
      <header className="app-header">
        <div className="brand">
          <span aria-hidden="true">⚕</span> Caduceus
        </div>
        <nav aria-label={t("nav.label")}>
          <ul>
            {ROUTES.map((r) => (
              <li key={r}>
                <a href={`#/${r}`} aria-current={route === r ? "page" : undefined}>
                  {t(NAV[r])}
                </a>
              </li>
            ))}
          </ul>
        </nav>
        <div className="header-tools">
          <LanguageSwitcher />
          <AccountBadge />
        </div>
      </header>
      <main id="main" tabIndex={-1}>
        <DemoWalletNotice />
        {body}
      </main>
      <footer className="app-footer">
        <p>{t("app.footer", { chain: deployment.chainId })}</p>
      </footer>
    </>
  );
}
