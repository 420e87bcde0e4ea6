/**
 * The role pages in Chromium against a real chain, content store and build: a researcher opens a
 * study, a donor funds it and the researcher withdraws after the funding deadline; a study that misses its goal refunds its
 * donor once the node's clock passes the deadline; governance admits, suspends and reinstates a
 * hospital and verifies an auditor; a patient names three emergency contacts with a threshold of
 * two in the browser, and two of them open a doctor's emergency request; a patient joins a study,
 * the researcher takes the consent up, the patient contributes, the researcher accepts and the
 * patient claims the reward; governance allows an ERC-20 and a study raises in it.
 */
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { after, before, describe, it } from "node:test";
import type { Page } from "playwright-core";
import { getAddress, keccak256, parseEther, toBytes, type Address } from "viem";
import { deriveIdentity } from "@caduceus/sdk/crypto/identity";
import { readEmergencyConfig } from "@caduceus/sdk/emergency/contacts";
import { openEmergencyRecord, unlockEmergency } from "@caduceus/sdk/emergency/open";
import { approveEmergency, requestEmergencyAccess } from "@caduceus/sdk/emergency/requests";
import { uploadRecord } from "@caduceus/sdk/records/upload";
import { contributionOf, createStudy, fund, getStudy } from "@caduceus/sdk/research/studies";
import { GatewayContentStore } from "@caduceus/sdk/storage/gateway-client";
import { mockErc20Abi } from "../../../sdk/test/helpers/local-chain.ts";
import { advanceTime, CHROMIUM, connect, openApp, startWebStack, type WebStack } from "./stack.ts";

describe("role pages in Chromium", { skip: existsSync(CHROMIUM) ? false : `no ${CHROMIUM}` }, () => {
  let stack: WebStack;

  before(async () => {
    stack = await startWebStack();
  });
  after(async () => {
    await stack?.stop();
  });

  const study = (page: Page, id: bigint) => page.locator(`[data-testid=study][data-study="${id}"]`).first();
  const gateway = () => new GatewayContentStore({ url: stack.deployment.services.gateway! });

  /** A study opened by the test researcher through the client library, `days` from the node's clock. */
  async function openStudy(terms: { goal: string; reward: string; max: number; days: number; category: "Visit" | "Lab" }): Promise<bigint> {
    const now = Number((await stack.chain.publicClient.getBlock()).timestamp);
    const { studyId } = await createStudy({
      chain: stack.chain.as(stack.chain.accounts.researcher),
      store: gateway(),
      protocol: [new TextEncoder().encode(`protocol for a ${terms.category} study`)],
      goal: parseEther(terms.goal),
      reward: parseEther(terms.reward),
      maxContributions: terms.max,
      deadline: now + terms.days * 86_400,
      categories: [terms.category],
    });
    return studyId;
  }

  async function confirmed(scope: ReturnType<Page["locator"]>, logs: string[], what: string) {
    await scope.locator("[data-tx=confirmed]").first().waitFor().catch(async (error) => {
      throw new Error(`${what} not confirmed: ${await scope.innerText()}\n${logs.join("\n")}`, { cause: error });
    });
  }

  it("a researcher opens a study, a donor funds it, the researcher withdraws", async () => {
    const { researcher, stranger: donor } = stack.chain.accounts;

    const r = await openApp(stack, researcher.address, "research");
    await connect(r.page);
    const form = r.page.getByTestId("create-study");
    await form.getByLabel("Protocol document").setInputFiles({
      name: "protocol.pdf",
      mimeType: "application/pdf",
      buffer: Buffer.from("%PDF-1.4 protocol with ethics approval 2026-117"),
    });
    await form.getByLabel("Funding goal (ETH)").fill("1");
    await form.getByLabel("Reward per accepted contribution (ETH)").fill("0.01");
    await form.getByLabel("Most contributions").fill("10");
    await form.getByLabel("Days open for funding").fill("1");
    await form.getByRole("button", { name: "Store the protocol and open the study" }).click();
    await confirmed(form, r.logs, "study");
    assert.match(await r.page.getByTestId("study-created").innerText(), /Study #1 is open/);
    const mine = r.page.getByTestId("researcher").locator("[data-testid=study]").first();
    await mine.waitFor();
    assert.match(await mine.getByTestId("study-funding").innerText(), /0 ETH raised of 1 ETH \(0%\)/);
    await r.page.context().close();

    const d = await openApp(stack, donor.address, "research");
    await connect(d.page);
    const card = study(d.page, 1n);
    await card.waitFor();
    await card.getByLabel("Amount to give (ETH)").fill("1");
    await card.getByRole("button", { name: "Fund this study" }).click();
    await card.getByTestId("my-donation").waitFor();
    assert.match(await card.getByTestId("my-donation").innerText(), /You gave 1 ETH/);
    await d.page.waitForFunction(() => /funded/.test(document.querySelector("[data-testid=study] .badge")?.textContent ?? ""));
    assert.match(await card.getByTestId("study-funding").innerText(), /1 ETH raised of 1 ETH \(100%\), from 1 funders/);
    assert.match((await card.getByTestId("funding-chart").getAttribute("aria-label"))!, /100%/);
    await d.page.context().close();

    // The funds stay in until the funding deadline has passed (a top-up cannot be taken straight out).
    await advanceTime(stack, 2 * 86_400);
    const w = await openApp(stack, researcher.address, "research");
    await connect(w.page);
    const before = await stack.chain.publicClient.getBalance({ address: researcher.address });
    const funded = w.page.getByTestId("researcher").locator("[data-testid=study]").first();
    await funded.getByTestId("funding-history").waitFor();
    assert.equal(await funded.locator("[data-testid=funding-history] circle").count(), 1, "one contribution on the funding history");
    await funded.getByRole("button", { name: "Withdraw the funds" }).click();
    await funded.getByText("0.9 ETH withdrawn by the researcher.").waitFor().catch(async (error) => {
      throw new Error(`withdrawal not shown: ${await funded.innerText()}\n${w.logs.join("\n")}`, { cause: error });
    });
    const gained = (await stack.chain.publicClient.getBalance({ address: researcher.address })) - before;
    assert.ok(gained > parseEther("0.89") && gained <= parseEther("0.9"), `the researcher received the funds less the reward reserve (${gained})`);
    assert.equal(await funded.getByRole("button", { name: "Withdraw the funds" }).count(), 0, "withdrawal is offered once");
    assert.equal(await w.page.locator("main .spinner").count(), 0);
  });

  it("governance admits, suspends and reinstates a hospital, and verifies an auditor", async () => {
    const { governance, hospital, stranger, patient } = stack.chain.accounts;
    const consortium = { address: stack.deployment.contracts.consortium.address, abi: stack.chain.as(governance).consortium.abi };
    const isActive = (account: `0x${string}`) => stack.chain.publicClient.readContract({ ...consortium, functionName: "isActiveHospital", args: [account] });

    const reader = await openApp(stack, patient.address, "governance");
    await connect(reader.page);
    await reader.page.getByTestId("not-governance").waitFor();
    await reader.page.getByTestId("hospital").first().waitFor();
    assert.equal(await reader.page.getByRole("button", { name: "Suspend" }).count(), 0, "only governance sees actions");
    await reader.page.context().close();

    const { page, logs } = await openApp(stack, governance.address, "governance");
    await connect(page);
    const admit = page.getByTestId("admit-hospital");
    await admit.getByLabel("Account").fill("0x00000000000000000000000000000000000c0dE1");
    await admit.getByRole("button", { name: "Admit the hospital" }).click();
    assert.match(await admit.getByRole("alert").innerText(), /institution.s name/, "an empty name is refused before anything is sent");
    await admit.getByLabel("Institution name").fill("Second People's Hospital");
    await admit.getByRole("button", { name: "Admit the hospital" }).click();
    await confirmed(admit, logs, "admission");
    await page.getByText("Second People's Hospital").waitFor();

    const row = page.locator(`[data-testid=hospital][data-account="${hospital.address}"]`);
    await row.getByRole("button", { name: "Suspend" }).click();
    await row.getByText("suspended: it and its staff cannot act").waitFor();
    assert.equal(await isActive(hospital.address), false);
    await row.getByRole("button", { name: "Reinstate" }).click();
    await row.getByText("active", { exact: true }).waitFor();
    assert.equal(await isActive(hospital.address), true);

    const verify = page.getByTestId("verify-account");
    await verify.getByLabel("Role").selectOption("AUDITOR");
    await verify.getByLabel("Account").fill("not an address");
    await verify.getByRole("button", { name: "Verify" }).click();
    assert.match(await verify.getByRole("alert").innerText(), /Ethereum address/);
    await verify.getByLabel("Account").fill(stranger.address);
    await verify.getByRole("button", { name: "Verify" }).click();
    await confirmed(verify, logs, "verification");
    const auditors = page.getByTestId("holders-AUDITOR");
    await auditors.getByText(stranger.address).waitFor();
    const role = keccak256(toBytes("caduceus.role.AUDITOR"));
    assert.equal(await stack.chain.publicClient.readContract({ ...consortium, functionName: "hasRole", args: [role, stranger.address] }), true);
    await auditors.locator("[data-testid=holder]", { hasText: stranger.address }).getByRole("button", { name: "Withdraw verification" }).click();
    await auditors.getByText(stranger.address).waitFor({ state: "detached" });
    assert.equal(await page.locator("main .spinner").count(), 0);
  });

  it("a patient names three emergency contacts, two of them open a doctor's request", async () => {
    const { patient, hospital, doctor, auditor, relayer, researcher } = stack.chain.accounts;
    const chainId = stack.deployment.chainId;
    const store = gateway();
    const contacts = [auditor, relayer, researcher];
    const identities = await Promise.all(contacts.map((c) => deriveIdentity(c, chainId)));
    for (const [i, c] of contacts.entries()) await stack.chain.as(c).publishKeys(identities[i]!.x25519.publicKey, identities[i]!.xwing.publicKey);

    const { page, logs } = await openApp(stack, patient.address, "emergency");
    await connect(page);
    await page.getByRole("button", { name: "Create my encryption key" }).click();
    await page.getByTestId("identity").waitFor({ state: "detached" });
    const body = new TextEncoder().encode(JSON.stringify({ resourceType: "Bundle", type: "collection", entry: [] }));
    const { recordId } = await uploadRecord({ chain: stack.chain.as(hospital), store, patient: patient.address, body: [body], meta: { mediaType: "application/fhir+json" }, category: 0 });

    const section = page.getByTestId("patient-contacts");
    await section.getByTestId("no-contacts").waitFor();
    await section.getByLabel("Contact 1").fill(auditor.address);
    await section.getByLabel("Contact 2").fill("0x1234");
    await section.getByRole("button", { name: "Create the emergency key and save the contacts" }).click();
    assert.match(await section.getByRole("alert").innerText(), /Contact 2 is not an Ethereum address/);
    await section.getByLabel("Contact 2").fill(relayer.address);
    await section.getByRole("button", { name: "Add a contact" }).click();
    await section.getByLabel("Contact 3").fill(researcher.address);
    await section.getByLabel("How many must agree").fill("2");
    await section.getByRole("button", { name: "Create the emergency key and save the contacts" }).click();
    await section.getByTestId("contacts-saved").waitFor().catch(async (error) => {
      throw new Error(`contacts not saved: ${await section.innerText()}\n${logs.join("\n")}`, { cause: error });
    });
    assert.match(await section.getByTestId("contacts-saved").innerText(), /keys of 1 records/);
    const current = section.getByTestId("contacts-current");
    await current.waitFor();
    assert.match(await current.innerText(), /2 of these 3 contacts/);
    assert.equal(await section.locator(".spinner").count(), 0);
    await page.reload();
    await page.getByRole("button", { name: "Unlock with my wallet" }).click();
    assert.equal(await section.getByLabel("Contact 3").inputValue(), researcher.address, "the form starts from the contacts in force");
    assert.equal(await section.getByLabel("How many must agree").inputValue(), "2");

    const config = await readEmergencyConfig(stack.chain.as(patient), store, patient.address);
    assert.equal(config.threshold, 2);
    assert.deepEqual(config.contacts, [auditor.address, relayer.address, researcher.address]);

    // The configuration made in the browser works: two of the three contacts open the doctor's request.
    const doctorKeys = await deriveIdentity(doctor, chainId);
    await stack.chain.as(doctor).publishKeys(doctorKeys.x25519.publicKey, doctorKeys.xwing.publicKey);
    await requestEmergencyAccess({ chain: stack.chain.as(doctor), patient: patient.address, justification: "UNCONSCIOUS", durationSeconds: 3600 });
    for (const i of [0, 2]) {
      await approveEmergency({ chain: stack.chain.as(contacts[i]!), store, keys: identities[i]!, patient: patient.address, doctor: doctor.address });
    }
    const unlocked = await unlockEmergency({ chain: stack.chain.as(doctor), store, keys: doctorKeys, patient: patient.address, doctor: doctor.address });
    const opened = await openEmergencyRecord(stack.chain.as(doctor), store, unlocked, recordId);
    const chunks: Uint8Array[] = [];
    for await (const chunk of opened.body) chunks.push(chunk);
    assert.equal(Buffer.concat(chunks).toString(), new TextDecoder().decode(body));
  });

  it("a patient joins a study and contributes, the researcher accepts, the patient claims the reward", async () => {
    const { researcher, stranger, otherPatient: patient, hospital } = stack.chain.accounts;
    const chainId = stack.deployment.chainId;
    const store = gateway();
    const studyId = await openStudy({ goal: "0.5", reward: "0.1", max: 2, days: 10, category: "Visit" });
    await fund(stack.chain.as(stranger), studyId, parseEther("0.5"));
    for (const account of [patient, researcher]) {
      const published = await stack.chain.as(account).readKeys(account.address).then(() => true, () => false);
      if (published) continue;
      const keys = await deriveIdentity(account, chainId);
      await stack.chain.as(account).publishKeys(keys.x25519.publicKey, keys.xwing.publicKey);
    }
    const visit = { resourceType: "Bundle", type: "collection", entry: [{ resource: { resourceType: "Encounter", id: "e1", status: "finished" } }] };
    await uploadRecord({ chain: stack.chain.as(hospital), store, patient: patient.address, body: [new TextEncoder().encode(JSON.stringify(visit))], meta: { mediaType: "application/fhir+json" }, category: 0 });

    const p = await openApp(stack, patient.address, "research");
    await connect(p.page);
    const card = study(p.page, studyId);
    await card.getByRole("button", { name: "Join this study" }).click();
    await card.getByTestId("joined").waitFor();
    await card.getByText("Waiting for the researcher to take up your consent").waitFor();

    const r = await openApp(stack, researcher.address, "research");
    await connect(r.page);
    const mine = r.page.locator(`[data-testid=researcher] [data-study="${studyId}"]`);
    await mine.getByRole("button", { name: "Take up new consents" }).click();
    await confirmed(mine, r.logs, "admission");

    await p.page.reload();
    await card.getByRole("button", { name: "Unlock with my wallet" }).click();
    await card.getByRole("button", { name: "Contribute a de-identified copy of a matching record" }).click();
    const mineAsPatient = p.page.getByTestId("my-contribution");
    await mineAsPatient.waitFor().catch(async (error) => {
      throw new Error(`contribution not shown: ${await card.innerText()}\n${p.logs.join("\n")}`, { cause: error });
    });
    assert.match(await mineAsPatient.innerText(), new RegExp(`Study #${studyId}, submitted .*: waiting for review`));

    await r.page.reload();
    const row = mine.getByTestId("contribution");
    await r.page.getByRole("button", { name: "Unlock with my wallet" }).click();
    await row.getByRole("button", { name: "Read the de-identified copy" }).click();
    await row.locator(".record-body").waitFor().catch(async (error) => {
      throw new Error(`copy not shown: ${await row.innerText()}\n${r.logs.join("\n")}`, { cause: error });
    });
    await row.getByRole("button", { name: "Accept" }).click();
    await row.getByText("accepted").waitFor();
    await r.page.context().close();

    await p.page.reload();
    await mineAsPatient.getByText("reward 0.1 ETH").waitFor();
    const before = await stack.chain.publicClient.getBalance({ address: patient.address });
    await mineAsPatient.getByRole("button", { name: "Claim the reward" }).click();
    await mineAsPatient.getByText("reward paid").waitFor();
    const gained = (await stack.chain.publicClient.getBalance({ address: patient.address })) - before;
    assert.ok(gained > parseEther("0.09"), `the patient received the reward (${gained})`);
    assert.equal(await p.page.locator("main .spinner").count(), 0);
  });

  it("a study that misses its goal refunds its donor after the deadline", async () => {
    const { otherPatient: donor } = stack.chain.accounts;
    const studyId = await openStudy({ goal: "5", reward: "0.1", max: 5, days: 1, category: "Lab" });

    const d = await openApp(stack, donor.address, "research");
    await connect(d.page);
    const card = study(d.page, studyId);
    await card.getByLabel("Amount to give (ETH)").fill("0.3");
    await card.getByRole("button", { name: "Fund this study" }).click();
    await card.getByText("You gave 0.3 ETH.").waitFor();
    assert.equal(await card.getByRole("button", { name: /Take back/ }).count(), 0, "no refund while the study is funding");

    await advanceTime(stack, 2 * 86_400);
    assert.equal((await getStudy(stack.chain.as(donor), studyId)).status, "Failed");
    await d.page.reload();
    await card.getByText("failed (goal not reached)").waitFor();
    assert.equal(await card.getByLabel("Amount to give (ETH)").count(), 0, "a failed study takes no funds");
    const before = await stack.chain.publicClient.getBalance({ address: donor.address });
    await card.getByRole("button", { name: "Take back 0.3 ETH" }).click();
    await card.getByText("0.3 ETH refunded.").waitFor().catch(async (error) => {
      throw new Error(`refund not shown: ${await card.innerText()}\n${d.logs.join("\n")}`, { cause: error });
    });
    assert.equal(await card.getByTestId("my-donation").count(), 0, "nothing left to take back");
    assert.equal(await contributionOf(stack.chain.as(donor), studyId, donor.address), 0n);
    const gained = (await stack.chain.publicClient.getBalance({ address: donor.address })) - before;
    assert.ok(gained > parseEther("0.29"), `the donor got the refund back (${gained})`);
    assert.equal(await d.page.locator("main .spinner").count(), 0);

    // The same page in Simplified Chinese.
    await d.page.getByLabel("Language").selectOption("zh");
    await d.page.getByRole("heading", { name: "研究项目" }).waitFor();
    assert.match(await card.innerText(), /失败（未达目标）/);
    assert.match(await card.innerText(), /已退款 0\.3 ETH/);
  });

  it("governance allows an ERC-20, a researcher raises in it, a donor funds it (approve, then contribute)", async () => {
    const { governance, researcher, relayer: donor, patient } = stack.chain.accounts;
    const token = getAddress(await stack.chain.deploy("mocks/MockERC20", ["Research Dollar", "RUSD"]));
    const balanceOf = (account: Address) =>
      stack.chain.publicClient.readContract({ address: token, abi: mockErc20Abi, functionName: "balanceOf", args: [account] });
    await stack.chain.as(donor).write({ address: token, abi: mockErc20Abi }, "mint", [donor.address, parseEther("100")]);

    const g = await openApp(stack, governance.address, "governance");
    await connect(g.page);
    const allow = g.page.getByTestId("allow-token");
    await g.page.getByText("No ERC-20 is allowed: studies raise ETH.").waitFor();
    // An account that is not a token is refused before anything is sent.
    await allow.getByLabel("Token contract").fill(patient.address);
    await allow.getByRole("button", { name: "Allow the token" }).click();
    await allow.locator("[data-tx=failed]").getByText(`${patient.address} does not answer as an ERC-20`).waitFor();
    await allow.getByLabel("Token contract").fill(token);
    await allow.getByRole("button", { name: "Allow the token" }).click();
    await confirmed(allow, g.logs, "allowing the token");
    await g.page.getByTestId("funding-token").filter({ hasText: token }).getByText("RUSD").waitFor();
    await g.page.context().close();

    const r = await openApp(stack, researcher.address, "research");
    await connect(r.page);
    const form = r.page.getByTestId("create-study");
    await form.getByLabel("Raised in").selectOption(token);
    await form.getByLabel("Protocol document").setInputFiles({ name: "protocol.pdf", mimeType: "application/pdf", buffer: Buffer.from("%PDF-1.4 RUSD study") });
    await form.getByLabel("Funding goal (RUSD)").fill("50");
    await form.getByLabel("Reward per accepted contribution (RUSD)").fill("1");
    await form.getByLabel("Most contributions").fill("10");
    await form.getByLabel("Days open for funding").fill("30");
    await form.getByRole("button", { name: "Store the protocol and open the study" }).click();
    await confirmed(form, r.logs, "study");
    const studyId = BigInt(/Study #(\d+) is open/.exec(await r.page.getByTestId("study-created").innerText())![1]!);
    const opened = await getStudy(stack.chain.as(researcher), studyId);
    assert.deepEqual([opened.token, opened.goal, opened.reward], [token, parseEther("50"), parseEther("1")]);
    await r.page.context().close();

    const d = await openApp(stack, donor.address, "research");
    await connect(d.page);
    const card = study(d.page, studyId);
    await card.getByLabel("Amount to give (RUSD)").fill("20");
    await card.getByRole("button", { name: "Fund this study" }).click();
    await card.getByText("You gave 20 RUSD.").waitFor().catch(async (error) => {
      throw new Error(`donation not shown: ${await card.innerText()}\n${d.logs.join("\n")}`, { cause: error });
    });
    assert.match(await card.getByTestId("study-funding").innerText(), /20 RUSD raised of 50 RUSD \(40%\)/);
    assert.equal(await balanceOf(donor.address), parseEther("80"), "the donor paid exactly 20 RUSD");
    assert.equal(await balanceOf(stack.deployment.contracts.researchPool.address), parseEther("20"), "the pool holds them");
    assert.equal(await contributionOf(stack.chain.as(donor), studyId, donor.address), parseEther("20"));
    assert.equal(await d.page.locator("main .spinner").count(), 0);
  });
});
