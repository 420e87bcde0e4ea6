/** The deployments file, as the dev server serves it (and the build copies it): chain, contracts, services. */
import { parseDeployment, type Deployment } from "@caduceus/sdk/chain/deployments";

export async function loadDeployment(url = "/deployment.json"): Promise<Deployment> {
  const response = await fetch(url, { cache: "no-store" });
  if (!response.ok) {
    const detail = await response.json().catch(() => ({}) as { error?: string });
    throw new Error(detail.error ?? `${url} answered ${response.status}: is the local stack running (\`npm start\`)?`);
  }
  return parseDeployment(await response.json(), url);
}
