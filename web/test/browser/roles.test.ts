/**
 * The role pages in Chromium against a real chain, content store and build: a researcher opens a
 * study, a donor funds it and the researcher withdraws; a study that misses its goal refunds its
 * donor once the node's clock passes the deadline; governance admits, suspends and reinstates a
 * hospital and verifies an auditor.
 */
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { after, before, describe, it } from "node:test";
import type { Page } from "playwright-core";
import { keccak256, parseEther, toBytes } from "viem";
import { contributionOf, createStudy, getStudy } from "@caduceus/sdk/research/studies";
import { GatewayContentStore } from "@caduceus/sdk/storage/gateway-client";
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
    await form.getByLabel("Days open for funding").fill("30");
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

    const w = await openApp(stack, researcher.address, "research");
    await connect(w.page);
    const before = await stack.chain.publicClient.getBalance({ address: researcher.address });
    const funded = w.page.getByTestId("researcher").locator("[data-testid=study]").first();
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

  it("a study that misses its goal refunds its donor after the deadline", async () => {
    const { researcher, otherPatient: donor } = stack.chain.accounts;
    const store = new GatewayContentStore({ url: stack.deployment.services.gateway! });
    const now = Number((await stack.chain.publicClient.getBlock()).timestamp);
    const { studyId } = await createStudy({
      chain: stack.chain.as(researcher),
      store,
      protocol: [new TextEncoder().encode("a protocol that will not be funded")],
      goal: parseEther("5"),
      reward: parseEther("0.1"),
      maxContributions: 5,
      deadline: now + 86_400,
      categories: ["Lab"],
    });

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
  });
});
