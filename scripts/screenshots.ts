/**
 * `npm run screenshots`: a PNG of each main page of the web app, as the demo accounts see it, in
 * docs/screenshots/. Uses a running `npm start` stack if one answers, otherwise starts one (and
 * stops it afterwards). Debian's Chromium through playwright-core, with the web tests' injected
 * EIP-1193 test wallet (the Hardhat node holds the development keys and signs).
 *
 *   npm run screenshots            every page
 *   npm run screenshots -- doctor  only the pages named
 */
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, readFile, stat, writeFile } from "node:fs/promises";
import { chromium, type Page } from "playwright-core";
import { parseDeployment, type Deployment } from "@caduceus/sdk/chain/deployments";
import { CHROMIUM, connect } from "../web/test/browser/stack.ts";
import { installWallet } from "../web/test/browser/wallet.ts";
import { DEMO, devAccount } from "./stack/accounts.js";
import { probeRpc } from "./stack/chain.js";

const OUT_DIR = "docs/screenshots";
const DEPLOYMENT_FILE = "deployments/31337.json";
// The flags that work on these machines (see ../shared/TOOLCHAIN.md).
const CHROMIUM_FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-quic", "--no-first-run", "--disable-component-update", "--disable-sync"];
const VIEWPORT = { width: 1280, height: 860 };

/** Each main page (the app's routes) with the demo account whose view of it shows the seeded data. */
const PAGES: ReadonlyArray<{ route: string; account: number; who: string; prepare?: (page: Page) => Promise<void> }> = [
  { route: "records", account: DEMO.firstPatient, who: "patient 1" },
  { route: "access", account: DEMO.firstPatient, who: "patient 1" },
  { route: "emergency", account: DEMO.contacts[1], who: "emergency contact 2, with doctor 2's request waiting" },
  {
    route: "doctor",
    account: DEMO.doctors[0],
    who: "doctor 1, looking up patient 1",
    prepare: async (page) => {
      await page.getByLabel("Patient's account").fill(devAccount(DEMO.firstPatient).address);
      await page.getByRole("button", { name: "Look up" }).click();
    },
  },
  { route: "hospital", account: DEMO.hospital, who: "hospital 1" },
  { route: "research", account: DEMO.researcher, who: "the researcher" },
  { route: "governance", account: DEMO.governance, who: "governance" },
];

async function runningStack(): Promise<Deployment | undefined> {
  if ((await probeRpc()) !== 31337 || !existsSync(DEPLOYMENT_FILE)) return undefined;
  const deployment = parseDeployment(JSON.parse(await readFile(DEPLOYMENT_FILE, "utf8")), DEPLOYMENT_FILE);
  const web = deployment.services.web;
  if (!web) return undefined;
  const answers = await fetch(web).then((r) => r.ok, () => false);
  return answers ? deployment : undefined;
}

/** `npm start`; resolves once it prints that the stack is ready. */
function startStack(): Promise<ChildProcess> {
  return new Promise((resolve, reject) => {
    const child = spawn("node_modules/.bin/tsx", ["scripts/start.ts", "--no-bench"], { stdio: ["ignore", "pipe", "inherit"] });
    let output = "";
    child.stdout!.on("data", (chunk: Buffer) => {
      process.stdout.write(chunk);
      output += chunk.toString();
      if (output.includes("Press Ctrl-C to stop.")) resolve(child);
    });
    child.once("exit", (code) => reject(new Error(`npm start exited with code ${code} before the stack was ready`)));
  });
}

function stopStack(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return Promise.resolve();
  const exited = new Promise<void>((r) => child.once("exit", () => r()));
  child.kill("SIGTERM"); // tsx passes it on; start.ts stops the node, the gateway and the web app
  return exited;
}

/** Connects the test wallet, opens what the page needs, unlocks the encryption identity when asked, waits for the data. */
async function settle(page: Page, prepare?: (page: Page) => Promise<void>): Promise<void> {
  await connect(page);
  await prepare?.(page);
  await page.waitForLoadState("networkidle").catch(() => {});
  const unlock = page.getByRole("button", { name: "Unlock with my wallet" });
  const locked = await unlock.waitFor({ timeout: 3_000 }).then(() => true, () => false);
  if (locked) {
    await unlock.click();
    await unlock.waitFor({ state: "detached" });
    await page.waitForLoadState("networkidle").catch(() => {});
  }
  // Nothing is still loading: no spinner and no "Loading…" status in the page's main area.
  await page
    .waitForFunction(() => !document.querySelector("main .spinner") && !/Loading/i.test(document.querySelector("main")?.textContent ?? ""), undefined, { timeout: 90_000 })
    .catch(() => console.warn(`  ${page.url()}: still loading after 90 s; saved as it is`));
  await page.waitForTimeout(300); // the last paint of charts and transitions
}

const only = process.argv.slice(2).filter((a) => !a.startsWith("-"));
const pages = PAGES.filter((p) => only.length === 0 || only.includes(p.route));
if (!existsSync(CHROMIUM)) throw new Error(`no Chromium at ${CHROMIUM} (apt-get install chromium, or set CHROMIUM_PATH)`);

let started: ChildProcess | undefined;
let deployment = await runningStack();
if (deployment) console.log(`using the running stack (web app ${deployment.services.web})`);
else {
  console.log("no running stack: starting one (npm start)");
  started = await startStack();
  deployment = (await runningStack())!;
}

const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_FLAGS });
const saved: string[] = [];
try {
  await mkdir(OUT_DIR, { recursive: true });
  for (const { route, account, who, prepare } of pages) {
    const context = await browser.newContext({ viewport: VIEWPORT, deviceScaleFactor: 1, locale: "en-US" });
    const page = await context.newPage();
    page.setDefaultTimeout(60_000);
    const address = devAccount(account).address;
    await installWallet(page, { rpcUrl: deployment.rpcUrl, account: address, chainId: deployment.chainId, nodeChainId: deployment.chainId });
    await page.goto(`${deployment.services.web}#/${route}`);
    await settle(page, prepare);
    const file = `${OUT_DIR}/${route}.png`;
    await page.screenshot({ path: file, fullPage: true });
    console.log(`${file}  (${route}, as ${who}; ${Math.round((await stat(file)).size / 1024)} kB)`);
    saved.push(`| [\`#/${route}\`](${route}.png) | ${who} (\`${address}\`) |`);
    await context.close();
  }
  if (pages.length === PAGES.length) {
    await writeFile(
      `${OUT_DIR}/README.md`,
      `# Screenshots of the web app\n\nWritten by \`npm run screenshots\` (scripts/screenshots.ts) against the \`npm start\` demo stack, ` +
        `${new Date().toISOString().slice(0, 10)}: Chromium ${browser.version()}, ${VIEWPORT.width} px wide, whole page, ` +
        `each as the demo account that shows the seeded data.\n\n| page | as |\n|---|---|\n${saved.join("\n")}\n`,
    );
  }
} finally {
  await browser.close();
  if (started) await stopStack(started);
}
