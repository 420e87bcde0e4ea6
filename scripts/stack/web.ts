/**
 * The web app's Vite dev server, in this process. Its config (web/vite.config.ts) serves the
 * deployments file `npm start` wrote at `/deployment.json`, so the app finds the local chain,
 * contracts and content store by itself.
 */
import { fileURLToPath } from "node:url";
import type { ViteDevServer } from "vite";
import type { Deployment } from "@caduceus/sdk/chain/deployments";

export const WEB_ROOT = fileURLToPath(new URL("../../web/", import.meta.url));
export const WEB_PORT = 5173;

export interface WebApp {
  url: string;
  close(): Promise<void>;
}

/** Starts the dev server on 127.0.0.1:5173 (the next free port if that one is taken). */
export async function startWebApp(): Promise<WebApp> {
  // Loaded here, not at the top: Vite takes a second to import, which `npm start` spends while the
  // node and the compiler start in their own processes.
  const { createServer } = await import("vite");
  const server: ViteDevServer = await createServer({
    root: WEB_ROOT,
    configFile: `${WEB_ROOT}vite.config.ts`,
    logLevel: "warn",
    clearScreen: false,
    server: { host: "127.0.0.1", port: WEB_PORT, strictPort: false },
  });
  await server.listen();
  const url = server.resolvedUrls?.local[0] ?? `http://127.0.0.1:${WEB_PORT}/`;
  return { url, close: () => server.close() };
}

/** The app's page loads and it is served the deployment `npm start` wrote. */
export async function verifyWebApp(url: string, deployment: Deployment): Promise<void> {
  const page = await fetch(url);
  const html = await page.text();
  if (!page.ok || !html.includes('id="root"')) throw new Error(`check: the web app at ${url} answered ${page.status}`);
  const served = (await (await fetch(new URL("deployment.json", url))).json()) as Partial<Deployment>;
  if (served.chainId !== deployment.chainId || served.contracts?.consentManager?.address !== deployment.contracts.consentManager.address) {
    throw new Error(`check: the web app serves another deployment than the one npm start wrote`);
  }
}
