/**
 * What the browser tests run against: a Hardhat node on a free port with the contracts deployed
 * (the client library's test helper: governance, a hospital with a doctor, patients), the local
 * content store on a free port, and the web app built and served by `vite preview` on a free port
 * with that deployment. Chromium is Debian's, driven by playwright-core.
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium, type Browser, type BrowserContext, type Page } from "playwright-core";
import type { Address } from "viem";
import { build, preview, type PreviewServer } from "vite";
import type { Deployment } from "@caduceus/sdk/chain/deployments";
import { startGateway } from "@caduceus/sdk/storage/node/gateway-server";
import { startLocalChain, type LocalChain } from "../../../sdk/test/helpers/local-chain.ts";
import { installWallet, type TestWallet, type TestWalletOptions } from "./wallet.ts";

export const WEB_ROOT = fileURLToPath(new URL("../../", import.meta.url));
/** The shared FHIR fixtures, next to the repository (CADUCEUS_FIXTURES for a checkout elsewhere, e.g. a worktree). */
export const FIXTURES = process.env.CADUCEUS_FIXTURES ?? fileURLToPath(new URL("../../../../shared/fixtures/fhir/", import.meta.url));
export const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const CHROMIUM_FLAGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-quic",
  "--no-first-run",
  "--disable-component-update",
  "--disable-sync",
];

export interface WebStack {
  chain: LocalChain;
  deployment: Deployment;
  appUrl: string;
  browser: Browser;
  stop(): Promise<void>;
}

export async function startWebStack(): Promise<WebStack> {
  const dir = await mkdtemp(join(tmpdir(), "caduceus-web-"));
  const chain = await startLocalChain();
  const gateway = await startGateway({ dir: join(dir, "blocks"), port: 0 });
  const deployment: Deployment = { ...chain.deployment, services: { gateway: gateway.url } };
  const deploymentFile = join(dir, "deployment.json");
  await writeFile(deploymentFile, JSON.stringify(deployment));
  process.env.CADUCEUS_DEPLOYMENT = deploymentFile;

  const outDir = join(dir, "dist");
  await build({ root: WEB_ROOT, logLevel: "warn", build: { outDir, emptyOutDir: true } });
  const server: PreviewServer = await preview({
    root: WEB_ROOT,
    logLevel: "warn",
    build: { outDir },
    preview: { port: 0, host: "127.0.0.1", strictPort: false },
  });
  const address = server.httpServer.address();
  const port = typeof address === "object" && address ? address.port : 0;
  const appUrl = `http://127.0.0.1:${port}/`;
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_FLAGS });

  return {
    chain,
    deployment,
    appUrl,
    browser,
    stop: async () => {
      await browser.close().catch(() => {});
      await server.close().catch(() => {});
      await gateway.close().catch(() => {});
      await chain.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

export const PAGE_TIMEOUT = 60_000;

/** A page on `route` (in a fresh browser context unless one is given) with the test wallet for `account`; page errors are collected in `logs`. */
export async function openApp(
  stack: WebStack,
  account: Address,
  route: string,
  wallet: Partial<TestWalletOptions> = {},
  context?: BrowserContext,
): Promise<{ page: Page; wallet: TestWallet; logs: string[] }> {
  context ??= await stack.browser.newContext({ acceptDownloads: true });
  const page = await context.newPage();
  page.setDefaultTimeout(PAGE_TIMEOUT);
  const logs: string[] = [];
  page.on("console", (m) => m.type() === "error" && logs.push(m.text()));
  page.on("pageerror", (e) => logs.push(String(e)));
  const installed = await installWallet(page, {
    rpcUrl: stack.chain.url,
    account,
    chainId: stack.deployment.chainId,
    nodeChainId: stack.deployment.chainId,
    ...wallet,
  });
  await page.goto(`${stack.appUrl}#/${route}`);
  return { page, wallet: installed, logs };
}

/** Connects the injected test wallet and waits for the account badge. */
export async function connect(page: Page): Promise<void> {
  await page.getByRole("button", { name: "Connect Caduceus Test Wallet" }).click();
  await page.getByTestId("account").waitFor();
}

/** Moves the node's clock forward and mines a block at the new time. */
export async function advanceTime(stack: WebStack, seconds: number): Promise<void> {
  const rpc = stack.chain.publicClient.request as (args: { method: string; params: unknown[] }) => Promise<unknown>;
  await rpc({ method: "evm_increaseTime", params: [seconds] });
  await rpc({ method: "evm_mine", params: [] });
}
