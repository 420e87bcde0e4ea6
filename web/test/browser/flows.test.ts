/**
 * The web app in Chromium against a real chain, content store and build: a hospital uploads a
 * fixture bundle and the patient reads it as text; a hospital corrects a record and the patient still
 * reads the earlier version; a wallet on the wrong network is asked to
 * switch; a rejected signature says so and leaves nothing spinning.
 */
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { after, before, describe, it } from "node:test";
import type { BrowserContext, Page, Route } from "playwright-core";
import type { Address } from "viem";
import { newPolicyId, policyTerms, setPolicy } from "@caduceus/sdk/access/policies";
import { approve, requestAccess } from "@caduceus/sdk/access/requests";
import { deriveIdentity, type EncryptionIdentity } from "@caduceus/sdk/crypto/identity";
import { setEmergencyContacts } from "@caduceus/sdk/emergency/contacts";
import { RecordCategory } from "@caduceus/sdk/fhir/categories";
import { uploadRecord } from "@caduceus/sdk/records/upload";
import { approveEmergency } from "@caduceus/sdk/emergency/requests";
import { GatewayContentStore } from "@caduceus/sdk/storage/gateway-client";
import { RpcQueryBackend } from "@caduceus/sdk/query/rpc";
import { CHROMIUM, connect, FIXTURES, openApp, startWebStack, type WebStack } from "./stack.ts";
import type { TestWalletOptions } from "./wallet.ts";

/** A minimal PDF: its magic bytes are what the media type sniffing looks at. */
const PDF = Buffer.from("%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n");
const BUNDLE = "Bibi254_Schowalter414_475d72ca-91c7-7211-97e3-f000af33fc04.json";

describe("web app in Chromium", { skip: existsSync(CHROMIUM) ? false : `no ${CHROMIUM}` }, () => {
  let stack: WebStack;

  before(async () => {
    stack = await startWebStack();
  });
  after(async () => {
    await stack?.stop();
  });

  const open = (account: Address, route: string, wallet: Partial<TestWalletOptions> = {}, context?: BrowserContext) =>
    openApp(stack, account, route, wallet, context);

  async function unlockOrCreate(page: Page) {
    const button = page.getByRole("button", { name: /^(Unlock with my wallet|Create my encryption key)$/ });
    await button.click();
    await page.getByTestId("identity").waitFor({ state: "detached" });
  }

  it("a hospital uploads a FHIR bundle and the patient reads it as text", async () => {
    const { patient, hospital } = stack.chain.accounts;

    // The patient's first visit: one signature, one transaction publishes the key.
    const first = await open(patient.address, "records");
    await connect(first.page);
    await first.page.getByRole("button", { name: "Create my encryption key" }).click();
    await first.page.getByTestId("identity").waitFor({ state: "detached" });
    await first.page.getByTestId("no-records").waitFor();
    assert.ok(first.wallet.calls.includes("eth_signTypedData_v4"), "the key comes from a typed-data signature");
    assert.ok(first.wallet.calls.includes("eth_sendTransaction"), "the public key is published");
    await first.page.context().close();

    // The hospital uploads the bundle: encrypt, store, register.
    const h = await open(hospital.address, "hospital");
    await connect(h.page);
    await h.page.getByLabel("Patient's account").fill(patient.address);
    await h.page.getByLabel(/^Files: FHIR bundles/).setInputFiles([
      { name: BUNDLE, mimeType: "application/json", buffer: await readFile(`${FIXTURES}${BUNDLE}`) },
      { name: "discharge-summary.pdf", mimeType: "application/pdf", buffer: PDF },
    ]);
    await h.page.getByRole("button", { name: "Encrypt, upload and register" }).click();
    const done = h.page.getByTestId("upload-done");
    await done.waitFor({ timeout: 120_000 }).catch(async (error) => {
      throw new Error(`upload did not finish: ${await h.page.getByTestId("upload-progress").innerText()}\n${h.logs.join("\n")}`, { cause: error });
    });
    const count = Number(/(\d+) records registered/.exec(await done.innerText())?.[1]);
    assert.ok(count >= 10, `expected one record per encounter, got ${count}`);
    assert.equal(await h.page.getByTestId("registered").innerText(), `${count}/${count}`);
    assert.equal(await h.page.locator(".spinner").count(), 0, "nothing spins after the upload");
    assert.equal(await stack.chain.as(patient).recordCount(patient.address), count);

    // The patient comes back: one signature unlocks, the records read as text.
    const p = await open(patient.address, "records");
    await connect(p.page);
    await p.page.getByRole("button", { name: "Unlock with my wallet" }).click();
    await p.page.getByRole("heading", { name: `Your records (${count})` }).waitFor();
    await p.page.locator("[data-testid=record] .record-body").first().waitFor();
    await p.page.waitForFunction(() => !document.querySelector("main .spinner"), undefined, { timeout: 120_000 });
    const text = await p.page.locator("main").innerText();
    assert.match(text, /Cough \(finding\)/, "conditions are shown");
    assert.match(text, /Body temperature — [\d.]+°C/, "observations show value and unit");
    assert.match(text, /Immunizations/);
    assert.match(text, /Influenza, seasonal/, "immunizations are named");
    assert.equal(await p.page.getByTestId("record-error").count(), 0, `no record failed to open: ${p.logs.join("\n")}`);
    assert.match(await p.page.getByTestId("about-patient").innerText(), /Bibi254/);

    const [download] = await Promise.all([
      p.page.waitForEvent("download"),
      p.page.locator("[data-testid=record]").filter({ hasText: "Body temperature" }).getByRole("button", { name: "Download the original" }).click(),
    ]);
    const original = JSON.parse(await readFile((await download.path())!, "utf8")) as { resourceType: string };
    assert.equal(original.resourceType, "Bundle");

    // The PDF travelled as one record with its name and type inside the encryption.
    const pdfRecord = p.page.locator("[data-testid=record]").filter({ hasText: "application/pdf" });
    assert.equal(await pdfRecord.count(), 1);
    assert.match(await pdfRecord.innerText(), /Document/);
    const [pdf] = await Promise.all([p.page.waitForEvent("download"), pdfRecord.getByRole("button", { name: "Download the original" }).click()]);
    assert.equal(pdf.suggestedFilename(), "discharge-summary.pdf");
    assert.deepEqual(await readFile((await pdf.path())!), PDF);
  });

  it("the hospital sees the records it sent and manages its staff", async () => {
    const { hospital, stranger, patient } = stack.chain.accounts;
    const { page } = await open(hospital.address, "hospital");
    await connect(page);
    const sent = page.getByTestId("records-sent");
    await sent.locator("tbody tr").first().waitFor();
    const rows = await sent.locator("tbody tr").count();
    assert.equal(rows, await stack.chain.as(patient).recordCount(patient.address));
    assert.match(await sent.innerText(), /Visit/);

    const staff = page.getByTestId("staff");
    await staff.getByTestId("staff-member").first().waitFor();
    const before = await staff.getByTestId("staff-member").count();
    // The hospital proposes; the account is not staff until it accepts on its own doctor page.
    await staff.getByLabel("Add a doctor (their account)").fill(stranger.address);
    await staff.getByRole("button", { name: "Propose for staff" }).click();
    await staff.getByTestId("staff-proposal").filter({ hasText: stranger.address }).waitFor();
    assert.equal(await staff.getByTestId("staff-member").count(), before, "a proposal is not an appointment");
    const d = await open(stranger.address, "doctor");
    await connect(d.page);
    const appointment = d.page.getByTestId("appointment");
    await appointment.waitFor();
    assert.match(await appointment.innerText(), /proposes you for its staff/);
    await appointment.getByRole("button", { name: "Accept" }).click();
    await appointment.waitFor({ state: "detached" });
    const again = await open(hospital.address, "hospital");
    await connect(again.page);
    const staffNow = again.page.getByTestId("staff");
    const added = staffNow.getByTestId("staff-member").filter({ hasText: stranger.address });
    await added.waitFor();
    assert.equal(await staffNow.getByTestId("staff-member").count(), before + 1);
    assert.equal(await staffNow.getByTestId("staff-proposal").count(), 0);
    await added.getByRole("button", { name: "Remove" }).click();
    await added.waitFor({ state: "detached" });
    assert.equal(await staffNow.getByTestId("staff-member").count(), before);
  });

  it("the patient gives a doctor access, sees the grant and the log, and revokes both", async () => {
    const { patient, doctor } = stack.chain.accounts;
    const { page, logs } = await open(patient.address, "access");
    await connect(page);
    await page.getByTestId("no-policies").waitFor();

    const form = page.getByTestId("policy-form");
    await form.getByLabel("Their account").fill(doctor.address);
    await form.getByRole("button", { name: "Save the policy" }).click();
    await form.locator("[data-tx=confirmed]").waitFor().catch(async (error) => {
      throw new Error(`policy not saved: ${await form.innerText()}\n${logs.join("\n")}`, { cause: error });
    });
    const policy = page.getByTestId("policy");
    await policy.waitFor();
    assert.match(await policy.innerText(), /Treatment/);

    // The doctor asks under that policy (through the client library); the grant is made at once.
    const query = new RpcQueryBackend(stack.deployment, stack.chain.publicClient);
    const [set] = (await query.grantsAndPolicies(patient.address)).policies;
    const asked = await requestAccess(stack.chain.as(doctor), { patient: patient.address, policyId: set!.policyId, purpose: "TREAT" });
    assert.equal(asked.outcome, "Granted");

    await page.reload();
    const grant = page.getByTestId("grant");
    await grant.waitFor();
    assert.match(await grant.innerText(), /Treatment\s+active/);
    await grant.getByRole("button", { name: "Revoke" }).click();
    await page.waitForFunction(() => /revoked/.test(document.querySelector("[data-testid=grant]")?.textContent ?? ""));

    await page.getByTestId("revoke-policy").click();
    await page.getByTestId("no-policies").waitFor();
    const kinds = await page.locator("[data-testid=access-log] li").evaluateAll((items) => items.map((li) => li.getAttribute("data-kind")));
    for (const kind of ["PolicySet", "AccessRequested", "AccessRevoked", "PolicyRevoked"]) assert.ok(kinds.includes(kind), `${kind} is in the log: ${kinds.join(", ")}`);
    assert.equal(await page.locator("main .spinner").count(), 0);
  });

  it("a doctor requests access under the patient's policy and reads what the patient delivered", async () => {
    const { patient, doctor } = stack.chain.accounts;
    // The doctor's first visit publishes their key, so the patient can deliver to them.
    const d = await open(doctor.address, "doctor");
    await connect(d.page);
    await d.page.getByRole("button", { name: "Create my encryption key" }).click();
    await d.page.getByTestId("identity").waitFor({ state: "detached" });

    // The patient allows the doctor (set through the client library; the form is tested above).
    const terms = policyTerms({ grantee: doctor.address, purposes: ["TREAT"], validUntil: Math.floor(Date.now() / 1000) + 86_400 });
    await setPolicy(stack.chain.as(patient), newPolicyId(), terms);

    await d.page.getByLabel("Patient's account").fill(patient.address);
    await d.page.getByRole("button", { name: "Look up" }).click();
    await d.page.getByRole("button", { name: "Request access for Treatment" }).click();
    const outcome = d.page.getByTestId("request-outcome");
    await outcome.waitFor();
    // The patient revoked this doctor's Treatment grant in the test above: even under an
    // auto-approving policy the new request waits for the patient, who approves it.
    assert.match(await outcome.innerText(), /waiting for the patient's approval/);
    await approve(stack.chain.as(patient), doctor.address, "TREAT");
    await d.page.getByTestId("no-shared").waitFor();

    // The patient unlocks and delivers the keys; their wallet signs, the worker wraps.
    const p = await open(patient.address, "access");
    await connect(p.page);
    await p.page.getByRole("button", { name: "Unlock with my wallet" }).click();
    const deliver = p.page.getByTestId("deliver-keys");
    await deliver.click();
    await p.page.getByTestId("delivered").waitFor().catch(async (error) => {
      throw new Error(`delivery failed: ${await p.page.locator("main").innerText()}\n${p.logs.join("\n")}`, { cause: error });
    });
    const delivered = Number(/Keys of (\d+) records/.exec(await p.page.getByTestId("delivered").innerText())?.[1]);
    assert.ok(delivered >= 10);

    // The doctor sees them, decrypted with the doctor's own key.
    await d.page.reload();
    await d.page.getByRole("button", { name: "Unlock with my wallet" }).click();
    await d.page.getByLabel("Patient's account").fill(patient.address);
    await d.page.getByRole("button", { name: "Look up" }).click();
    await d.page.locator("[data-testid=shared-record] .record-body").first().waitFor();
    await d.page.waitForFunction(() => !document.querySelector("main .spinner"), undefined, { timeout: 120_000 });
    assert.equal(await d.page.getByTestId("shared-record").count(), delivered);
    assert.match(await d.page.locator("main").innerText(), /Body temperature — [\d.]+°C/);
  });

  it("an emergency request opens at the contacts' quorum and the doctor reads the records", async () => {
    const { patient, doctor, auditor, relayer, researcher } = stack.chain.accounts;
    const chainId = stack.deployment.chainId;
    const store = new GatewayContentStore({ url: stack.deployment.services.gateway! });
    // Three contacts with published keys; the patient names them with a threshold of two.
    const identities = new Map<string, EncryptionIdentity>();
    for (const contact of [auditor, relayer, researcher]) {
      const identity = await deriveIdentity(contact, chainId);
      identities.set(contact.address, identity);
      await stack.chain.as(contact).publishKeys(identity.x25519.publicKey, identity.xwing.publicKey);
    }
    await setEmergencyContacts({
      chain: stack.chain.as(patient),
      store,
      keys: await deriveIdentity(patient, chainId),
      contacts: [auditor.address, relayer.address, researcher.address],
      threshold: 2,
    });

    const d = await open(doctor.address, "doctor");
    await connect(d.page);
    await unlockOrCreate(d.page);
    await d.page.getByLabel("Patient's account").fill(patient.address);
    await d.page.getByRole("button", { name: "Look up" }).click();
    await d.page.getByLabel("Justification").selectOption("UNCONSCIOUS");
    await d.page.getByRole("button", { name: "Open an emergency request" }).click();
    const status = d.page.getByTestId("emergency-status");
    await status.waitFor().catch(async (error) => {
      throw new Error(`no request: ${await d.page.getByTestId("emergency-section").innerText()}\n${d.logs.join("\n")}`, { cause: error });
    });
    assert.match(await status.innerText(), /0 of 2 approvals/);

    // One contact approves in the browser: who asks and why is shown first.
    const c = await open(auditor.address, "emergency");
    await connect(c.page);
    await unlockOrCreate(c.page);
    const request = c.page.getByTestId("emergency-request");
    await request.waitFor();
    assert.match(await request.innerText(), /unconscious/);
    await request.getByRole("button", { name: "Approve" }).click();
    await request.getByText("You approved this request.").waitFor().catch(async (error) => {
      throw new Error(`approval failed: ${await request.innerText()}\n${c.logs.join("\n")}`, { cause: error });
    });

    // The second approves through the client library; the doctor's page sees the quorum arrive.
    await approveEmergency({ chain: stack.chain.as(relayer), store, keys: identities.get(relayer.address)!, patient: patient.address, doctor: doctor.address });
    await d.page.waitForFunction(() => /Emergency access granted/.test(document.querySelector("[data-testid=emergency-status]")?.textContent ?? ""));
    await d.page.getByRole("button", { name: "Open the records" }).click();
    const records = d.page.getByTestId("emergency-records");
    await records.waitFor().catch(async (error) => {
      throw new Error(`emergency open failed: ${await d.page.getByTestId("emergency-section").innerText()}\n${d.logs.join("\n")}`, { cause: error });
    });
    assert.match(await records.innerText(), /Body temperature — [\d.]+°C/);

    // The third contact arrives after the grant: no rejection any more, but approving still sends
    // their key share (which the doctor needs if another share is bad).
    const late = await open(researcher.address, "emergency");
    await connect(late.page);
    await unlockOrCreate(late.page);
    const granted = late.page.getByTestId("emergency-request");
    await granted.getByTestId("emergency-granted-already").waitFor();
    assert.equal(await granted.getByRole("button", { name: "Reject" }).count(), 0);
    await granted.getByRole("button", { name: "Approve" }).click();
    await granted.getByText("You approved this request.").waitFor().catch(async (error) => {
      throw new Error(`late approval failed: ${await granted.innerText()}\n${late.logs.join("\n")}`, { cause: error });
    });
  });

  it("the patient approves a request that their policy leaves to them", async () => {
    const { patient, doctor } = stack.chain.accounts;
    const policyId = newPolicyId();
    const terms = policyTerms({ grantee: doctor.address, purposes: ["CAREMGT"], validUntil: Math.floor(Date.now() / 1000) + 86_400, autoApprove: false });
    await setPolicy(stack.chain.as(patient), policyId, terms);
    const asked = await requestAccess(stack.chain.as(doctor), { patient: patient.address, policyId, purpose: "CAREMGT" });
    assert.equal(asked.outcome, "Pending");

    const { page } = await open(patient.address, "access");
    await connect(page);
    const row = page.getByTestId("grant").filter({ hasText: "Care coordination" });
    await row.getByText("waiting for your approval").waitFor();
    await row.getByTestId("approve-request").click();
    await row.getByText("active").waitFor();
    const kinds = await page.locator("[data-testid=access-log] li").evaluateAll((items) => items.map((li) => li.getAttribute("data-kind")));
    assert.ok(kinds.includes("AccessDecided"));
  });

  it("says so when the content store serves tampered ciphertext, or cannot be reached", async () => {
    const { patient } = stack.chain.accounts;
    const gateway = stack.deployment.services.gateway!;
    for (const [name, handler, expected] of [
      [
        "tampered",
        async (route: Route) => {
          const response = await route.fetch();
          const body = Buffer.from(await response.body());
          body[body.length - 1] ^= 0xff;
          await route.fulfill({ response, body });
        },
        /failed verification: .*tampered or corrupt/,
      ],
      ["unreachable", (route: Route) => route.abort("connectionrefused"), /not reachable/],
    ] as const) {
      const context = await stack.browser.newContext();
      await context.route(`${gateway}/ipfs/**`, handler);
      const { page } = await open(patient.address, "records", {}, context);
      await connect(page);
      await page.getByRole("button", { name: "Unlock with my wallet" }).click();
      const error = page.getByTestId("record-error").first();
      await error.waitFor();
      assert.match(await error.innerText(), expected, name);
      await page.waitForFunction(() => !document.querySelector("main .spinner"), undefined, { timeout: 120_000 });
      assert.equal(await page.locator("[data-testid=record] .record-body").count(), 0, `${name}: nothing is shown from a bad store`);
      await context.close();
    }
  });

  it("a hospital corrects a record it sent; the patient sees the earlier version and can still download it", async () => {
    const { patient, hospital } = stack.chain.accounts;
    const store = new GatewayContentStore({ url: stack.deployment.services.gateway! });
    const letter = (text: string) => Buffer.from(`%PDF-1.4\n% ${text}\n%%EOF\n`);
    const upload = (text: string, fileName: string) =>
      uploadRecord({
        chain: stack.chain.as(hospital),
        store,
        patient: patient.address,
        body: [letter(text)],
        meta: { mediaType: "application/pdf", fileName },
        category: RecordCategory.Document,
      });
    const first = await upload("referral letter, wrong dose", "referral-letter.pdf");

    // The hospital corrects it from the records it sent: a bundle of several records is refused,
    // the corrected letter becomes version 2 and the old row offers no second correction.
    const h = await open(hospital.address, "hospital");
    await connect(h.page);
    const row = h.page.locator(`[data-testid=records-sent] tr[data-record="${first.recordId}"]`);
    await row.getByText("Correct…").click();
    const correct = row.getByLabel("Upload a corrected version");
    await correct.setInputFiles({ name: BUNDLE, mimeType: "application/json", buffer: await readFile(`${FIXTURES}${BUNDLE}`) });
    await row.getByText(/A correction replaces one record, but the file holds \d+/).waitFor();
    await correct.setInputFiles({ name: "referral-letter-corrected.pdf", mimeType: "application/pdf", buffer: letter("referral letter, corrected dose") });
    await row.getByText("corrected since").waitFor().catch(async (error) => {
      throw new Error(`correction not registered: ${await row.innerText()}\n${h.logs.join("\n")}`, { cause: error });
    });
    const [latestId] = await stack.chain.as(patient).listRecordIds(patient.address).then((ids) => ids.slice(-1));
    assert.equal(await stack.chain.as(patient).versionOf(latestId!), 2);
    assert.match(await h.page.locator(`[data-testid=records-sent] tr[data-record="${latestId}"]`).innerText(), /amendment/);
    await h.page.context().close();

    const { page, logs } = await open(patient.address, "records");
    await connect(page);
    await unlockOrCreate(page);
    const record = page.locator("[data-testid=record]").filter({ hasText: "version 2" });
    await record.getByTestId("versions").waitFor();
    assert.equal(await record.count(), 1, "the amendment is one record, not two");
    const [latest] = await Promise.all([page.waitForEvent("download"), record.getByRole("button", { name: "Download the original" }).click()]);
    assert.equal(latest.suggestedFilename(), "referral-letter-corrected.pdf");
    await record.getByText("Earlier versions (1)").click();
    const earlier = record.getByTestId("earlier-version");
    assert.match(await earlier.innerText(), /Version 1, registered .+ by hospital #1 \(0x7099…79C8\)/);
    const [old] = await Promise.all([page.waitForEvent("download"), earlier.getByRole("button", { name: "Download version 1" }).click()]);
    assert.equal(old.suggestedFilename(), "referral-letter.pdf");
    assert.deepEqual(await readFile((await old.path())!), letter("referral letter, wrong dose"), `the first version's bytes: ${logs.join("\n")}`);
  });

  it("works from the keyboard, labels every control, and switches to Chinese", async () => {
    const { page, wallet, logs } = await open(stack.chain.accounts.patient.address, "records");
    await page.getByRole("button", { name: "Connect Caduceus Test Wallet" }).waitFor();
    // Tab from the top reaches the wallet button; Enter connects.
    let focused = "";
    for (let i = 0; i < 20 && !/Connect Caduceus Test Wallet/.test(focused); i++) {
      await page.keyboard.press("Tab");
      focused = await page.evaluate(() => document.activeElement?.textContent ?? "");
    }
    assert.match(focused, /Connect Caduceus Test Wallet/, "the connect button is reachable with Tab");
    await page.keyboard.press("Enter");
    await page.getByTestId("account").waitFor().catch(async (error) => {
      throw new Error(`not connected: ${wallet.calls.join(",")} ${await page.locator("main").innerText()} ${logs.join("\n")}`, { cause: error });
    });

    for (const route of ["records", "access", "emergency", "doctor", "hospital"]) {
      await page.goto(`${stack.appUrl}#/${route}`);
      await page.locator("main h1").waitFor();
      await page.waitForFunction(() => !document.querySelector("main .spinner"), undefined, { timeout: 60_000 });
      const unnamed = await page.evaluate(() =>
        Array.from(document.querySelectorAll("input, select, textarea, button"))
          .filter((el) => {
            const e = el as HTMLInputElement;
            if (e.type === "hidden") return false;
            const named = (e.labels?.length ?? 0) > 0 || e.getAttribute("aria-label") || e.getAttribute("aria-labelledby");
            return el.tagName === "BUTTON" ? !(el.textContent ?? "").trim() && !el.getAttribute("aria-label") : !named;
          })
          .map((el) => el.outerHTML.slice(0, 80)),
      );
      assert.deepEqual(unnamed, [], `every control on #/${route} has a name`);
    }

    await page.getByLabel("Language").selectOption("zh");
    await page.getByRole("link", { name: "我的记录" }).click();
    await page.getByRole("heading", { name: "我的记录" }).waitFor();
    assert.equal(await page.evaluate(() => document.documentElement.lang), "zh-CN");
  });

  it("a transaction rejected in the wallet, and a call that would revert, each end in 'failed' with their message", async () => {
    const { otherPatient, hospital, doctor } = stack.chain.accounts;
    // The signature is given, the publishing transaction is rejected.
    const p = await open(otherPatient.address, "records", { reject: ["eth_sendTransaction"] });
    await connect(p.page);
    await p.page.getByRole("button", { name: "Create my encryption key" }).click();
    const failed = p.page.locator("[data-testid=identity] [data-tx=failed]");
    await failed.waitFor();
    assert.match(await failed.innerText(), /Publishing your public key: Failed: .*rejected in the wallet/);
    assert.equal(await p.page.locator("[data-testid=identity] .spinner").count(), 0);
    assert.equal(await p.page.getByRole("button", { name: "Create my encryption key" }).isEnabled(), true);

    // Adding a doctor who is already on the staff: the simulation catches it before the wallet is asked.
    const h = await open(hospital.address, "hospital");
    await connect(h.page);
    const staff = h.page.getByTestId("staff");
    await staff.getByLabel("Add a doctor (their account)").fill(doctor.address);
    await staff.getByRole("button", { name: "Propose for staff" }).click();
    const reverted = staff.locator("[data-tx=failed]");
    await reverted.waitFor();
    assert.match(await reverted.innerText(), /ConsortiumAlreadyStaff/);
    assert.ok(!h.wallet.calls.includes("eth_sendTransaction"), "nothing was sent to the wallet");
    assert.equal(await staff.locator(".spinner").count(), 0);
  });

  it("asks a wallet on the wrong network to switch", async () => {
    const { page, wallet } = await open(stack.chain.accounts.otherPatient.address, "records", { chainId: 1 });
    await connect(page);
    const prompt = page.getByTestId("wrong-network");
    await prompt.waitFor();
    assert.match(await prompt.innerText(), /chain 1\b.*chain 31337/s);
    await page.getByRole("button", { name: "Switch to chain 31337" }).click();
    await prompt.waitFor({ state: "detached" });
    await page.getByTestId("identity").waitFor();
    assert.ok(wallet.calls.includes("wallet_switchEthereumChain"));
  });

  it("shows the message of a rejected signature and stops spinning", async () => {
    const { page } = await open(stack.chain.accounts.stranger.address, "records", { reject: ["eth_signTypedData_v4"] });
    await connect(page);
    const create = page.getByRole("button", { name: "Create my encryption key" });
    await create.click();
    const error = page.getByTestId("identity-error");
    await error.waitFor();
    assert.match(await error.innerText(), /rejected/i);
    assert.equal(await page.locator("[data-testid=identity] .spinner").count(), 0);
    assert.equal(await create.isEnabled(), true, "the person can try again");

    // The same refusal, read in Chinese.
    await page.getByLabel("Language").selectOption("zh");
    await page.getByRole("button", { name: "生成我的加密密钥" }).click();
    await page.waitForFunction(() => /拒绝了请求/.test(document.querySelector("[data-testid=identity-error]")?.textContent ?? ""));
  });
});
