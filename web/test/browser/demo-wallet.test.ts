/**
 * The first screen of a newcomer after `npm start`: a browser with no wallet extension at all. On
 * the local chain the app offers the seeded demo accounts as a built-in wallet; the test picks
 * "patient 1", unlocks (a typed-data signature made by the demo wallet) and reads a FHIR record as
 * text, then switches to "doctor 1" from the header and publishes the doctor's key (a signature and
 * a transaction, signed in the page and sent to the node).
 */
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { after, before, describe, it } from "node:test";
import { deriveIdentity } from "@caduceus/sdk/crypto/identity";
import { splitBundle } from "@caduceus/sdk/fhir/index";
import { prepareRecord, registerPrepared } from "@caduceus/sdk/records/upload";
import { GatewayContentStore } from "@caduceus/sdk/storage/gateway-client";
import { DEMO } from "../../../scripts/stack/demo-roles.ts";
import { CHROMIUM, FIXTURES, PAGE_TIMEOUT, startWebStack, type WebStack } from "./stack.ts";

const shortAddress = (address: string) => `${address.slice(0, 6)}…${address.slice(-4)}`;
const BUNDLE = "Bibi254_Schowalter414_475d72ca-91c7-7211-97e3-f000af33fc04.json";

describe("demo wallet in Chromium", { skip: existsSync(CHROMIUM) ? false : `no ${CHROMIUM}` }, () => {
  let stack: WebStack;

  before(async () => {
    stack = await startWebStack();
  });
  after(async () => {
    await stack?.stop();
  });

  it("with no wallet installed, a newcomer picks demo patient 1, reads a record, then switches to doctor 1", async () => {
    // The test chain's development accounts at the demo indices: patient 1 is account 5, hospital 1
    // account 1 (admitted), doctor 1 account 2 (its staff).
    const { otherPatient: patient, hospital, doctor } = stack.chain.accounts;
    const devIndex = (address: string) => Object.values(stack.chain.accounts).findIndex((a) => a.address === address);
    assert.equal(devIndex(patient.address), DEMO.firstPatient);
    assert.equal(devIndex(hospital.address), DEMO.hospital);
    assert.equal(devIndex(doctor.address), DEMO.doctors[0]);

    // What `npm start` seeds for patient 1: a published key and a hospital's encrypted FHIR records.
    const identity = await deriveIdentity(patient, stack.deployment.chainId);
    await stack.chain.as(patient).publishKeys(identity.x25519.publicKey, identity.xwing.publicKey);
    const store = new GatewayContentStore({ url: stack.deployment.services.gateway! });
    const drafts = splitBundle(await readFile(`${FIXTURES}${BUNDLE}`));
    const prepared = [];
    for (const draft of drafts) {
      prepared.push(
        await prepareRecord({
          chain: stack.chain.as(hospital),
          store,
          patient: patient.address,
          body: [draft.bytes],
          meta: { mediaType: draft.mediaType },
          category: draft.category,
        }),
      );
    }
    await registerPrepared(stack.chain.as(hospital), prepared);

    // A plain browser: no injected provider, no EIP-6963 announcement.
    const context = await stack.browser.newContext();
    const page = await context.newPage();
    page.setDefaultTimeout(PAGE_TIMEOUT);
    const logs: string[] = [];
    page.on("console", (m) => m.type() === "error" && logs.push(m.text()));
    page.on("pageerror", (e) => logs.push(String(e)));
    await page.goto(`${stack.appUrl}#/records`);
    assert.equal(await page.evaluate(() => "ethereum" in window), false);

    const about = page.getByTestId("about");
    await about.waitFor();
    assert.match(await about.innerText(), /patient-owned medical record network/);
    const demo = page.getByTestId("demo-wallet");
    assert.match(await demo.getByTestId("demo-banner").innerText(), /public test keys.+never send real funds/);
    assert.match(await page.locator("main").innerText(), /Use a demo account below/);

    // Pick patient 1: connected at once, the banner stays while the demo wallet is in use.
    await demo.getByRole("button", { name: "patient 1", exact: true }).click();
    const account = page.getByTestId("account");
    await account.waitFor();
    assert.equal(await account.innerText(), `Demo wallet · ${shortAddress(patient.address)}`);
    assert.equal(await page.getByTestId("demo-banner").count(), 1);

    // Unlock: the demo wallet signs the typed data; the records open and render as text.
    await page.getByRole("button", { name: "Unlock with my wallet" }).click();
    await page.getByRole("heading", { name: `Your records (${prepared.length})` }).waitFor();
    await page.locator("[data-testid=record] .record-body").first().waitFor();
    await page.waitForFunction(() => !document.querySelector("main .spinner"), undefined, { timeout: 120_000 });
    const text = await page.locator("main").innerText();
    assert.match(text, /Cough \(finding\)/, `conditions are shown: ${logs.join("\n")}`);
    assert.match(text, /Body temperature — [\d.]+°C/, "observations show value and unit");
    assert.equal(await page.getByTestId("record-error").count(), 0, `no record failed to open: ${logs.join("\n")}`);

    // Switch to doctor 1 from the header (the doctor's page opens) and publish the doctor's key:
    // a typed-data signature and a transaction, both signed by the demo wallet.
    await page.getByLabel("Demo account").selectOption({ label: "doctor 1" });
    await page.waitForFunction(
      (short) => document.querySelector("[data-testid=account]")?.textContent?.endsWith(short),
      shortAddress(doctor.address),
    );
    await page.waitForFunction(() => window.location.hash === "#/doctor"); // each role starts on its own page
    await page.getByRole("button", { name: "Create my encryption key" }).click();
    await page
      .getByTestId("identity")
      .waitFor({ state: "detached" })
      .catch(async (error) => {
        throw new Error(
          `the doctor's key was not published: ${await page.locator("main").innerText()}\n${logs.join("\n")}`,
          { cause: error },
        );
      });
    const keys = await stack.chain.as(doctor).readKeys(doctor.address);
    const expected = await deriveIdentity(doctor, stack.deployment.chainId);
    assert.equal(keys.x25519.toLowerCase(), `0x${Buffer.from(expected.x25519.publicKey).toString("hex")}`);
    assert.equal(await page.getByTestId("demo-banner").count(), 1);

    // Disconnecting returns to the list; the choice survives a reload (reconnects as doctor 1).
    await page.reload();
    await page.waitForFunction(
      (short) => document.querySelector("[data-testid=account]")?.textContent?.endsWith(short),
      shortAddress(doctor.address),
    );
    await page
      .getByRole("button", { name: "Disconnect" })
      .click({ timeout: 20_000 })
      .catch(async (error) => {
        const storage = await page.evaluate(() => JSON.stringify(localStorage));
        throw new Error(
          `not reconnected after a reload: ${await page.locator("body").innerText()}\n${storage}\n${logs.join("\n")}`,
          { cause: error },
        );
      });
    await demo.getByRole("button", { name: "patient 1", exact: true }).waitFor();
    await context.close();
  });
});
