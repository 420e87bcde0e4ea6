import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { StrictMode, useEffect, useState } from "react";
import { createRoot } from "react-dom/client";
import { WagmiProvider } from "wagmi";
import type { Deployment } from "@caduceus/sdk/chain/deployments";
import { App } from "./App.tsx";
import { DeploymentProvider } from "./chain/context.tsx";
import { loadDeployment } from "./chain/deployment.ts";
import { initCrypto } from "./crypto/client.ts";
import { errorMessage } from "./errors.ts";
import { I18nProvider, useI18n } from "./i18n/i18n.tsx";
import { IdentityProvider } from "./identity/context.tsx";
import { makeWagmiConfig } from "./wagmi.ts";
import "./styles.css";

const queryClient = new QueryClient({
  defaultOptions: { queries: { refetchOnWindowFocus: false, staleTime: 30_000, retry: 1 } },
});

function Boot() {
  const { t } = useI18n();
  const [state, setState] = useState<
    { status: "loading" } | { status: "ready"; deployment: Deployment; config: ReturnType<typeof makeWagmiConfig> } | { status: "failed"; message: string }
  >({ status: "loading" });
  useEffect(() => {
    loadDeployment().then(
      (deployment) => {
        initCrypto(deployment);
        setState({ status: "ready", deployment, config: makeWagmiConfig(deployment) });
      },
      (error: unknown) => setState({ status: "failed", message: errorMessage(error) }),
    );
  }, []);
  if (state.status === "loading") return <p role="status">{t("app.loading")}</p>;
  if (state.status === "failed") {
    return (
      <main className="card warning" role="alert">
        <h1>{t("app.noDeployment")}</h1>
        <p>{state.message}</p>
      </main>
    );
  }
  return (
    <WagmiProvider config={state.config}>
      <QueryClientProvider client={queryClient}>
        <DeploymentProvider deployment={state.deployment}>
          <IdentityProvider>
            <App />
          </IdentityProvider>
        </DeploymentProvider>
      </QueryClientProvider>
    </WagmiProvider>
  );
}

createRoot(document.getElementById("root")!).render(
  <StrictMode>
    <I18nProvider>
      <Boot />
    </I18nProvider>
  </StrictMode>,
);
