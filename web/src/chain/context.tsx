/** The deployment, given to every page. (The public client lives in ./public-client.ts, loaded with the pages.) */
import { createContext, useContext, type ReactNode } from "react";
import type { Deployment } from "@caduceus/sdk/chain/deployments";

const DeploymentContext = createContext<Deployment | null>(null);

export function DeploymentProvider({ deployment, children }: { deployment: Deployment; children: ReactNode }) {
  return <DeploymentContext.Provider value={deployment}>{children}</DeploymentContext.Provider>;
}

export function useDeploymentOnly(): Deployment {
  const value = useContext(DeploymentContext);
  if (!value) throw new Error("useDeployment outside DeploymentProvider");
  return value;
}
