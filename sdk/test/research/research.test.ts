/**
 * The research pool end to end on the fixtures, on a real Hardhat node with the real local gateway:
 * a researcher opens a study (protocol in the content store), two donors fund it, two patients
 * join, are admitted and contribute anonymized records; the researcher decrypts only de-identified
 * copies, accepts them and withdraws; the patients claim their rewards (to the wei, gas counted).
 * A second study fails after its deadline and every donor recovers exactly what it paid; an ERC-20
 * study is funded through approvals, cancelled and refunded. Errors read as sentences; nothing
 * on-chain holds fixture plaintext.
 */
import assert from "node:assert/strict";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { erc20Abi, parseEther, type Address, type Hex } from "viem";
import type { CaduceusChain } from "../../src/chain/client.ts";
import { assertNothingOnChain } from "../helpers/privacy.ts";
import { collectBytes } from "../../src/crypto/byte-source.ts";
import { deriveIdentity, type EncryptionIdentity } from "../../src/crypto/identity.ts";
import { sensitiveStrings, splitBundle } from "../../src/fhir/index.ts";
import { openRecord } from "../../src/records/open.ts";
import { prepareRecord, registerPrepared } from "../../src/records/upload.ts";
import {
  acceptContribution,
  admitParticipants,
  cancelStudy,
  claimReward,
  closeStudy,
  contributeData,
  contributionOf,
  createStudy,
  dataContributionOf,
  fund,
  getStudy,
  joinStudy,
  leaveStudy,
  listContributions,
  listStudies,
  openContribution,
  participants,
  readProtocol,
  refund,
  rejectContribution,
  withdraw,
} from "../../src/research/index.ts";
import { GatewayContentStore } from "../../src/storage/gateway-client.ts";
import { startGateway, type RunningGateway } from "../../src/storage/node/gateway-server.ts";
import { mockErc20Abi, startLocalChain, type LocalChain } from "../helpers/local-chain.ts";

const FIXTURES = new URL("../../../../shared/fixtures/fhir/", import.meta.url);
const BUNDLES = {
  patient: "Cris921_Rath779_d4519c92-d241-b2b2-7360-291d60be699e.json",
  otherPatient: "Hipolito984_Schulist381_6b9c211c-2c38-3955-43a0-4d285c714fab.json",
} as const;
const DAY = 86_400;
const PROTOCOL = new TextEncoder().encode("Protocol: immunization response after a visit. Ethics approval IRB-2026-017 attached.");

type Role = "researcher" | "patient" | "otherPatient" | "stranger" | "relayer" | "governance";
let lc: LocalChain;
let gateway: RunningGateway;
let gatewayDir: string;
let store: GatewayContentStore;
const chains = {} as Record<Role, CaduceusChain>;
const identities = {} as Record<"researcher" | "patient" | "otherPatient", EncryptionIdentity>;
const bundles = {} as Record<keyof typeof BUNDLES, Uint8Array>;
const code = (expected: string, message?: RegExp) => (e: Error & { code?: string }) => {
  assert.equal(e.code, expected, e.message);
  if (message) assert.match(e.message, message);
  return true;
};

const now = async () => Number((await lc.publicClient.getBlock()).timestamp);
const balance = (address: Address) => lc.publicClient.getBalance({ address });
/** What a set of transactions cost their sender in gas. */
async function gasOf(...hashes: Array<Hex | undefined>): Promise<bigint> {
  let total = 0n;
  for (const hash of hashes) {
    if (!hash) continue;
    const receipt = await lc.publicClient.getTransactionReceipt({ hash });
    total += receipt.gasUsed * receipt.effectiveGasPrice;
  }
  return total;
}

before(async () => {
  lc = await startLocalChain();
  gatewayDir = await mkdtemp(join(tmpdir(), "caduceus-research-"));
  gateway = await startGateway({ dir: gatewayDir, port: 0 });
  store = new GatewayContentStore({ url: gateway.url });
  for (const role of ["researcher", "patient", "otherPatient", "stranger", "relayer", "governance"] as const) chains[role] = lc.as(lc.accounts[role]);
  for (const role of ["researcher", "patient", "otherPatient"] as const) {
    identities[role] = await deriveIdentity(lc.accounts[role], lc.deployment.chainId);
    await chains[role].publishKeys(identities[role].x25519.publicKey, identities[role].xwing.publicKey);
  }
  const hospital = lc.as(lc.accounts.hospital);
  for (const role of ["patient", "otherPatient"] as const) {
    bundles[role] = new Uint8Array(await readFile(new URL(BUNDLES[role], FIXTURES)));
    const prepared = [];
    for (const draft of splitBundle(bundles[role]).slice(0, 5)) {
      prepared.push(
        await prepareRecord({ chain: hospital, store, patient: lc.accounts[role].address, body: [draft.bytes], meta: { mediaType: draft.mediaType }, category: draft.category }),
      );
    }
    await registerPrepared(hospital, prepared);
  }
});

after(async () => {
  await gateway?.close();
  await lc?.stop();
  if (gatewayDir) await rm(gatewayDir, { recursive: true, force: true });
});

describe("research pool end to end", () => {
  let studyId: bigint;
  const REWARD = parseEther("0.25");
  const GOAL = parseEther("3");

  it("a verified researcher opens a study; its protocol is in the content store", async () => {
    const params = { store, protocol: [PROTOCOL], goal: GOAL, reward: REWARD, maxContributions: 4, categories: ["Immunization", "visit"], deadline: (await now()) + 7 * DAY };
    await assert.rejects(createStudy({ ...params, chain: chains.stranger }), code("REVERT_ResearchNotResearcher", /is not a verified researcher/));
    await assert.rejects(createStudy({ ...params, chain: chains.researcher, goal: parseEther("0.5") }), code("REVERT_ResearchInvalidGoal", /cover the reward reserve/));
    await assert.rejects(createStudy({ ...params, chain: chains.researcher, categories: ["Dental"] }), code("INVALID_STUDY", /Unknown record category "Dental"/));

    const created = await createStudy({ ...params, chain: chains.researcher });
    studyId = created.studyId;
    assert.equal(studyId, 1n);
    const study = await getStudy(chains.stranger, studyId);
    assert.equal(study.researcher, lc.accounts.researcher.address);
    assert.equal(study.status, "Funding");
    assert.deepEqual(study.categories, ["Visit", "Immunization"]);
    assert.equal(study.reserve, REWARD * 4n);
    assert.equal(study.protocolCid, created.protocolCid);
    assert.deepEqual(await collectBytes(readProtocol(store, study)), PROTOCOL);
    assert.deepEqual((await listStudies(chains.stranger)).map((s) => s.studyId), [1n]);
    await assert.rejects(getStudy(chains.stranger, 99n), code("REVERT_ResearchUnknownStudy", /No study 99 exists/));
  });

  it("two donors fund it; the donation that reaches the goal makes it Funded", async () => {
    const before = await balance(lc.accounts.stranger.address);
    const first = await fund(chains.stranger, studyId, parseEther("1"));
    assert.equal(first.funded, false);
    assert.equal(first.raised, parseEther("1"));
    assert.equal(await balance(lc.accounts.stranger.address), before - parseEther("1") - (await gasOf(first.hash)), "to the wei");
    assert.equal((await getStudy(chains.stranger, studyId)).percentFunded, 33.33);

    const second = await fund(chains.relayer, studyId, parseEther("2"));
    assert.equal(second.funded, true);
    const study = await getStudy(chains.stranger, studyId);
    assert.equal(study.status, "Funded");
    assert.equal(study.remaining, 0n);
    assert.equal(await contributionOf(chains.stranger, studyId, lc.accounts.relayer.address), parseEther("2"));
    await assert.rejects(fund(chains.stranger, studyId, 1n), code("REVERT_ResearchWrongStatus", /is funded .* only a study that is still funding takes money/));
    await assert.rejects(refund(chains.stranger, studyId), code("REVERT_ResearchWrongStatus", /refunds are paid only by failed or cancelled studies/));
  });

  it("a patient who did not join cannot contribute", async () => {
    await assert.rejects(
      contributeData({ chain: chains.patient, store, keys: identities.patient, studyId }),
      code("GRANT_NOT_IN_FORCE", /You have not joined study 1/),
    );
  });

  it("two patients join, the researcher admits them, and they contribute de-identified copies", async () => {
    for (const role of ["patient", "otherPatient"] as const) {
      const joined = await joinStudy(chains[role], studyId);
      const study = await getStudy(chains[role], studyId);
      assert.equal(joined.validUntil, study.deadline + 365 * DAY);
    }
    const before = await participants(chains.researcher, studyId);
    assert.deepEqual(before.map((p) => [p.patient, p.admitted]), [[lc.accounts.patient.address, false], [lc.accounts.otherPatient.address, false]]);
    const admitted = await admitParticipants(chains.researcher, studyId);
    assert.deepEqual(admitted.map((r) => r.outcome), ["Granted", "Granted"]);
    assert.deepEqual(await admitParticipants(chains.researcher, studyId), [], "idempotent");

    for (const role of ["patient", "otherPatient"] as const) {
      const result = await contributeData({ chain: chains[role], store, keys: identities[role], studyId });
      const record = await chains[role].getRecord(result.recordId);
      assert.ok(record.category === 0 || record.category === 4, "a record in the study's categories");
      assert.equal(result.deliveryHashes.length, 1);
      assert.deepEqual(await dataContributionOf(chains.researcher, studyId, lc.accounts[role].address), {
        patient: lc.accounts[role].address,
        recordId: result.recordId,
        status: "Submitted",
        rejectReason: undefined,
      });
      await assert.rejects(
        contributeData({ chain: chains[role], store, keys: identities[role], studyId }),
        code("REVERT_ResearchWrongDataStatus", /already has a contribution in study 1/),
      );
    }
    assert.equal((await listContributions(chains.researcher, studyId)).length, 2);
  });

  it("the researcher decrypts only de-identified data: no fixture identifier in it, though the record has them", async () => {
    for (const role of ["patient", "otherPatient"] as const) {
      const patient = lc.accounts[role].address;
      const { recordId } = await dataContributionOf(chains.researcher, studyId, patient);
      const opened = await openContribution({ chain: chains.researcher, store, reader: lc.accounts.researcher.address, keys: identities.researcher, studyId, patient });
      assert.equal(opened.deidentified, true);
      const copy = new TextDecoder().decode(await collectBytes(opened.body));
      const original = new TextDecoder().decode(
        await collectBytes((await openRecord({ chain: chains[role], store, recordId, reader: patient, keys: identities[role] })).body),
      );
      const identifying = sensitiveStrings(bundles[role]);
      assert.ok(identifying.some((s) => original.includes(s)), "the original record identifies the patient");
      for (const secret of identifying) assert.ok(!copy.includes(secret), `the researcher's copy leaks "${secret}"`);
      assert.equal(JSON.parse(copy).resourceType, JSON.parse(original).resourceType);
      await assert.rejects(
        openRecord({ chain: chains.researcher, store, recordId, reader: lc.accounts.researcher.address, keys: identities.researcher }),
        code("NOT_A_RECIPIENT"),
      );
    }
  });

  it("the researcher rejects one, the patient offers another record, both are accepted and paid to the wei", async () => {
    const other = lc.accounts.otherPatient.address;
    const first = await dataContributionOf(chains.researcher, studyId, other);
    await assert.rejects(rejectContribution(chains.stranger, studyId, other, "OUT_OF_PROTOCOL"), code("REVERT_ResearchNotStudyResearcher"));
    await rejectContribution(chains.researcher, studyId, other, "OUT_OF_PROTOCOL");
    assert.deepEqual(await dataContributionOf(chains.otherPatient, studyId, other), { ...first, status: "Rejected", rejectReason: "OUT_OF_PROTOCOL" });
    const again = await contributeData({ chain: chains.otherPatient, store, keys: identities.otherPatient, studyId });
    assert.notEqual(again.recordId, first.recordId, "the rejected record is not offered twice");

    for (const role of ["patient", "otherPatient"] as const) {
      const accepted = await acceptContribution(chains.researcher, studyId, lc.accounts[role].address);
      assert.equal(accepted.reward, REWARD);
    }
    for (const role of ["patient", "otherPatient"] as const) {
      const address = lc.accounts[role].address;
      const before = await balance(address);
      const claimed = await claimReward(chains[role], studyId);
      assert.equal(claimed.amount, REWARD);
      assert.equal(await balance(address), before + REWARD - (await gasOf(claimed.hash)), "the reward, to the wei");
      assert.equal((await dataContributionOf(chains[role], studyId, address)).status, "Paid");
      await assert.rejects(claimReward(chains[role], studyId), code("REVERT_ResearchWrongDataStatus", /no unclaimed reward in study 1: a reward is claimed once/));
    }
    await assert.rejects(claimReward(chains.stranger, studyId), code("REVERT_ResearchWrongDataStatus"));

    // The funds stay in until the funding deadline has passed.
    await assert.rejects(withdraw(chains.researcher, studyId), code("REVERT_ResearchBeforeDeadline", /stays in until its funding deadline/));
    await lc.publicClient.request({ method: "evm_increaseTime" as never, params: [7 * DAY + 1] as never });
    await lc.publicClient.request({ method: "evm_mine" as never });
    const before = await balance(lc.accounts.researcher.address);
    const withdrawn = await withdraw(chains.researcher, studyId);
    assert.equal(withdrawn.amount, GOAL - REWARD * 4n);
    assert.equal(await balance(lc.accounts.researcher.address), before + withdrawn.amount - (await gasOf(withdrawn.hash)));
    await assert.rejects(withdraw(chains.researcher, studyId), code("REVERT_ResearchAlreadyWithdrawn", /already withdrawn; they are paid once/));
  });

  it("leaving a study ends the researcher's grant for the future", async () => {
    assert.deepEqual(await leaveStudy(chains.patient, studyId), { policyRevoked: true, grantRevoked: true });
    assert.deepEqual((await participants(chains.researcher, studyId)).map((p) => p.patient), [lc.accounts.otherPatient.address]);
    assert.deepEqual(await leaveStudy(chains.patient, studyId), { policyRevoked: false, grantRevoked: false });
  });

  it("closing ends data collection and returns the reserve of contributions never accepted, to the wei", async () => {
    await assert.rejects(closeStudy(chains.stranger, studyId), code("REVERT_ResearchNotStudyResearcher", /is not the researcher of study 1/));
    const before = await balance(lc.accounts.researcher.address);
    const closed = await closeStudy(chains.researcher, studyId);
    assert.equal(closed.reserveReleased, REWARD * 2n, "2 of 4 contributions were accepted");
    assert.equal(await balance(lc.accounts.researcher.address), before + closed.reserveReleased - (await gasOf(closed.hash)));
    assert.equal((await getStudy(chains.stranger, studyId)).closed, true);
    await assert.rejects(
      contributeData({ chain: chains.otherPatient, store, keys: identities.otherPatient, studyId }),
      code("REVERT_ResearchStudyClosed", /closed to data contributions/),
    );
    await assert.rejects(joinStudy(chains.patient, studyId), code("INVALID_STUDY", /is closed: it takes no more participants/));
  });

  it("a study that misses its goal fails at the deadline, and every donor recovers exactly what it paid", async () => {
    const donors = [
      { role: "stranger", amounts: [parseEther("1"), parseEther("0.5")] },
      { role: "relayer", amounts: [parseEther("2")] },
    ] as const;
    const { studyId: failing } = await createStudy({
      chain: chains.researcher,
      store,
      protocol: [PROTOCOL],
      goal: parseEther("10"),
      reward: REWARD,
      maxContributions: 2,
      categories: ["Lab"],
      deadline: (await now()) + DAY,
    });
    const spent: Record<string, { start: bigint; gas: bigint }> = {};
    for (const { role, amounts } of donors) {
      const address = lc.accounts[role].address;
      spent[role] = { start: await balance(address), gas: 0n };
      for (const amount of amounts) spent[role].gas += await gasOf((await fund(chains[role], failing, amount)).hash);
    }
    assert.equal((await getStudy(chains.stranger, failing)).raised, parseEther("3.5"));
    await assert.rejects(refund(chains.stranger, failing), code("REVERT_ResearchWrongStatus", /still raising money/));

    await lc.publicClient.request({ method: "evm_increaseTime" as never, params: [DAY + 1] as never });
    await lc.publicClient.request({ method: "evm_mine" as never });
    assert.equal((await getStudy(chains.stranger, failing)).status, "Failed");
    await assert.rejects(fund(chains.stranger, failing, parseEther("1")), code("REVERT_ResearchWrongStatus", /is failed \(its deadline passed without reaching the goal.*only a study that is still funding takes money/));
    await assert.rejects(withdraw(chains.researcher, failing), code("REVERT_ResearchWrongStatus"));
    await assert.rejects(joinStudy(chains.patient, failing), code("INVALID_STUDY", /takes no more participants/));

    for (const { role, amounts } of donors) {
      const address = lc.accounts[role].address;
      const refunded = await refund(chains[role], failing);
      assert.equal(refunded.amount, amounts.reduce((a, b) => a + b, 0n));
      spent[role].gas += await gasOf(refunded.hash);
      assert.equal(await balance(address), spent[role].start - spent[role].gas, `${role} got back every wei it paid`);
      assert.equal(await contributionOf(chains.stranger, failing, address), 0n);
      await assert.rejects(refund(chains[role], failing), code("REVERT_ResearchNothingToRefund", /has nothing to refund from study 2/));
    }
  });

  it("an ERC-20 study is funded through approvals, cancelled, and refunded to the token unit", async () => {
    const token = await lc.deploy("mocks/MockERC20", ["Test Dollar", "TUSD"]);
    const mock = { address: token, abi: mockErc20Abi };
    const params = { store, protocol: [PROTOCOL], token, goal: 1000n, reward: 100n, maxContributions: 5, categories: ["Lab"], deadline: (await now()) + DAY };
    await assert.rejects(createStudy({ ...params, chain: chains.researcher }), code("REVERT_ResearchTokenNotAllowed", /not a funding token governance allows/));
    await chains.governance.write(chains.governance.researchPool, "setTokenAllowed", [token, true]);
    const { studyId: tokenStudy } = await createStudy({ ...params, chain: chains.researcher });

    const donor = lc.accounts.stranger.address;
    await chains.stranger.write(mock, "mint", [donor, 500n]);
    const first = await fund(chains.stranger, tokenStudy, 300n);
    assert.ok(first.approveHash, "approved first");
    const second = await fund(chains.stranger, tokenStudy, 150n);
    assert.ok(second.approveHash, "the allowance was used up: approved again");
    assert.equal(second.raised, 450n);
    const tokenBalance = () => lc.publicClient.readContract({ address: token, abi: erc20Abi, functionName: "balanceOf", args: [donor] });
    assert.equal(await tokenBalance(), 50n);

    await assert.rejects(cancelStudy(chains.stranger, tokenStudy), code("REVERT_ResearchNotStudyResearcher"));
    await cancelStudy(chains.researcher, tokenStudy);
    assert.equal((await getStudy(chains.stranger, tokenStudy)).status, "Cancelled");
    await assert.rejects(fund(chains.stranger, tokenStudy, 1n), code("REVERT_ResearchWrongStatus", /is cancelled/));
    assert.equal((await refund(chains.stranger, tokenStudy)).amount, 450n);
    assert.equal(await tokenBalance(), 500n);
  });

  it("puts no fixture plaintext on-chain: every transaction input and log of the scenario is clean", async () => {
    const secrets = [...sensitiveStrings(bundles.patient), ...sensitiveStrings(bundles.otherPatient)];
    assert.ok(secrets.length > 10);
    await assertNothingOnChain(lc.publicClient, secrets);
  });
});
