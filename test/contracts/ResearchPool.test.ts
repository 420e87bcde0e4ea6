import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { network } from "hardhat";
import {
  encodeFunctionData,
  getAddress,
  keccak256,
  parseEventLogs,
  toFunctionSelector,
  toHex,
  zeroAddress,
  type Address,
  type Hex,
  type TransactionReceipt,
} from "viem";
import { Rights } from "@caduceus/sdk/chain/access";
import { Purpose, Role } from "@caduceus/sdk/chain/roles";
import { DAY, terms } from "../helpers/consent.js";
import { deployCaduceus } from "../helpers/deploy.js";
import { binaryCid, Category, idOf, newRecord, withId, ZERO_BYTES32 } from "../helpers/records.js";

const connection = await network.create();
const { viem, networkHelpers } = connection;
const { time } = networkHelpers;

const FINNEY = 10n ** 15n;
const MAX_DURATION = 180 * DAY;
const MAX_UINT128 = 2n ** 128n - 1n;
const STUDY_STATUS = ["Funding", "Funded", "Failed", "Cancelled"] as const;
const DATA_STATUS = ["None", "Submitted", "Accepted", "Rejected", "Paid"] as const;
const studyStatus = (name: (typeof STUDY_STATUS)[number]) => STUDY_STATUS.indexOf(name);
const dataStatus = (name: (typeof DATA_STATUS)[number]) => DATA_STATUS.indexOf(name);
const Reject = { NOT_DEIDENTIFIED: 1, UNREADABLE: 2, OUT_OF_PROTOCOL: 3, OTHER: 4 } as const;
const Attack = { None: 0, Refund: 1, Withdraw: 2, ClaimReward: 3 } as const;
const REENTRANT_CALL = toFunctionSelector("ReentrancyGuardReentrantCall()");
const PROTOCOL_CID = binaryCid({ cidCodec: 0x55, cidDigest: keccak256(toHex("protocol")) });
const RESEARCH_POLICY = keccak256(toHex("policy:research"));
/** Lab and Imaging. */
const CATEGORIES = (1 << Category.Lab) | (1 << Category.Imaging);
/** The default study: goal 1 ETH, reward 0.1 ETH, at most 3 contributions (reserve 0.3 ETH). */
const GOAL = 1000n * FINNEY;
const REWARD = 100n * FINNEY;
const MAX = 3;
const RESERVE = REWARD * BigInt(MAX);
const REVIEW_PERIOD = 30 * DAY;

/**
 * The cast of deployCaduceus plus three donors, a second verified researcher, an allowed ERC-20 and
 * an allowed fee-on-transfer ERC-20, and registered records of both patients (Lab, Imaging, Visit).
 */
async function researchFixture() {
  const c = await deployCaduceus(connection);
  const wallets = await viem.getWalletClients();
  const [donor, otherDonor, thirdDonor, otherResearcher] = wallets.slice(10, 14);
  await c.consortium.write.grantRole([Role.RESEARCHER, otherResearcher.account.address]);
  const pool = c.researchPool;
  const token = await viem.deployContract("MockERC20", ["Test Dollar", "TUSD"]);
  const feeToken = await viem.deployContract("MockFeeOnTransferERC20", []);
  await pool.write.setTokenAllowed([token.address, true]);
  await pool.write.setTokenAllowed([feeToken.address, true]);
  const patient = getAddress(c.patient.account.address);
  const otherPatient = getAddress(c.otherPatient.account.address);
  const lab = newRecord(patient, "lab", { category: Category.Lab });
  const imaging = newRecord(patient, "imaging", { category: Category.Imaging });
  const visit = newRecord(patient, "visit", { category: Category.Visit });
  const otherLab = newRecord(otherPatient, "other-lab", { category: Category.Lab });
  await c.recordRegistry.write.registerBatch([[lab, imaging, visit, otherLab]], { account: c.hospital.account });
  return {
    ...c,
    pool,
    token,
    feeToken,
    donor,
    otherDonor,
    thirdDonor,
    otherResearcher,
    patientAddress: patient,
    otherPatientAddress: otherPatient,
    researcherAddress: getAddress(c.researcher.account.address),
    lab: withId(c.hospital.account.address, lab),
    imaging: withId(c.hospital.account.address, imaging),
    visit: withId(c.hospital.account.address, visit),
    otherLab: withId(c.hospital.account.address, otherLab),
  };
}
type Fixture = Awaited<ReturnType<typeof researchFixture>>;
type Wallet = Fixture["donor"];

interface Params {
  token: Address;
  goal: bigint;
  deadline: number;
  reward: bigint;
  maxContributions: number;
  categories: number;
  protocolCid: Hex;
}

async function params(overrides: Partial<Params> = {}): Promise<Params> {
  return {
    token: zeroAddress,
    goal: GOAL,
    deadline: (await time.latest()) + 30 * DAY,
    reward: REWARD,
    maxContributions: MAX,
    categories: CATEGORIES,
    protocolCid: PROTOCOL_CID,
    ...overrides,
  };
}

async function receiptOf(c: Fixture, hash: Promise<Hex>): Promise<TransactionReceipt> {
  const receipt = await c.publicClient.waitForTransactionReceipt({ hash: await hash });
  assert.equal(receipt.status, "success");
  return receipt;
}

const gasCost = (r: TransactionReceipt) => r.gasUsed * r.effectiveGasPrice;
const balance = (c: Fixture, address: Address) => c.publicClient.getBalance({ address });

/** Opens a study as the researcher and returns its id. */
async function openStudy(c: Fixture, overrides: Partial<Params> = {}, researcher: Wallet = c.researcher) {
  const p = await params(overrides);
  await c.pool.write.createStudy([p], { account: researcher.account });
  return { id: await c.pool.read.studyCount(), p };
}

async function contribute(c: Fixture, id: bigint, amount: bigint, from: Wallet = c.donor) {
  return c.pool.write.contribute([id, amount], { account: from.account, value: amount });
}

/** An ETH study funded to exactly its goal by the donor. */
async function fundedStudy(c: Fixture, overrides: Partial<Params> = {}) {
  const study = await openStudy(c, overrides);
  await contribute(c, study.id, study.p.goal);
  return study;
}

/** `patient` lets the researcher read its records for research, anonymized (or not) and auto-approved. */
async function consent(c: Fixture, patient: Wallet = c.patient, options: { anonymizedOnly?: boolean; researcher?: Address } = {}) {
  const researcher = options.researcher ?? c.researcherAddress;
  const policy = terms(await time.latest(), {
    grantee: researcher,
    purposeNames: ["HRESCH"],
    anonymizedOnly: options.anonymizedOnly ?? true,
  });
  await c.consentManager.write.setPolicy([RESEARCH_POLICY, policy], { account: patient.account });
  await c.consentManager.write.requestAccess(
    [getAddress(patient.account.address), RESEARCH_POLICY, policy, Purpose.HRESCH, Rights.READ, 0],
    { account: (researcher === c.researcherAddress ? c.researcher : c.otherResearcher).account },
  );
}

/** Withdrawal and closing wait for the funding deadline: moves time one second past it. */
async function pastDeadline(p: Params) {
  await time.increaseTo(p.deadline + 1);
}

/** A funded study to which the patient (consenting) submitted its lab record. */
async function submittedStudy(c: Fixture, overrides: Partial<Params> = {}) {
  const study = await fundedStudy(c, overrides);
  await consent(c);
  await c.pool.write.submitData([study.id, c.lab.id], { account: c.patient.account });
  return study;
}

describe("ResearchPool", () => {
  describe("setTokenAllowed", () => {
    it("emits TokenAllowed and stores it; the same value again emits nothing; ETH is always allowed", async () => {
      const c = await networkHelpers.loadFixture(researchFixture);
      const other = await viem.deployContract("MockERC20", ["Other", "OTH"]);
      assert.equal(await c.pool.read.isTokenAllowed([other.address]), false);
      assert.equal(await c.pool.read.isTokenAllowed([zeroAddress]), true);
      await viem.assertions.emitWithArgs(c.pool.write.setTokenAllowed([other.address, true]), c.pool, "TokenAllowed", [
        getAddress(other.address),
        true,
      ]);
      assert.equal(await c.pool.read.isTokenAllowed([other.address]), true);
      const again = await receiptOf(c, c.pool.write.setTokenAllowed([other.address, true]));
      assert.equal(again.logs.length, 0);
      await viem.assertions.emitWithArgs(c.pool.write.setTokenAllowed([other.address, false]), c.pool, "TokenAllowed", [
        getAddress(other.address),
        false,
      ]);
      assert.equal(await c.pool.read.isTokenAllowed([other.address]), false);
    });

    it("reverts for anyone but governance, and for ETH (zero), which cannot be toggled", async () => {
      const c = await networkHelpers.loadFixture(researchFixture);
      for (const who of [c.stranger, c.researcher, c.hospital]) {
        await viem.assertions.revertWithCustomErrorWithArgs(
          c.pool.write.setTokenAllowed([c.token.address, false], { account: who.account }),
          c.pool,
          "ResearchNotGovernance",
          [getAddress(who.account.address)],
        );
      }
      await viem.assertions.revertWithCustomErrorWithArgs(
        c.pool.write.setTokenAllowed([zeroAddress, false]),
        c.pool,
        "ResearchTokenNotAllowed",
        [zeroAddress],
      );
    });

    it("disallowing a token stops new studies only; open ones keep working", async () => {
      const c = await networkHelpers.loadFixture(researchFixture);
      const { id } = await openStudy(c, { token: c.token.address });
      await c.pool.write.setTokenAllowed([c.token.address, false]);
      await viem.assertions.revertWithCustomErrorWithArgs(
        c.pool.write.createStudy([await params({ token: c.token.address })], { account: c.researcher.account }),
        c.pool,
        "ResearchTokenNotAllowed",
        [getAddress(c.token.address)],
      );
      await c.token.write.mint([c.donor.account.address, GOAL]);
      await c.token.write.approve([c.pool.address, GOAL], { account: c.donor.account });
      await c.pool.write.contribute([id, GOAL], { account: c.donor.account });
      assert.equal(await c.pool.read.statusOf([id]), studyStatus("Funded"));
    });
  });

  describe("createStudy", () => {
    it("emits StudyCreated with every parameter and stores the study (ids start at 1)", async () => {
      const c = await networkHelpers.loadFixture(researchFixture);
      assert.equal(await c.pool.read.studyCount(), 0n);
      const p = await params({ token: c.token.address });
      await viem.assertions.emitWithArgs(
        c.pool.write.createStudy([p], { account: c.researcher.account }),
        c.pool,
        "StudyCreated",
        [1n, c.researcherAddress, getAddress(c.token.address), p.goal, p.deadline, p.reward, p.maxContributions, p.categories, p.protocolCid],
      );
      assert.equal(await c.pool.read.studyCount(), 1n);
      assert.deepEqual(await c.pool.read.getStudy([1n]), {
        researcher: c.researcherAddress,
        token: getAddress(c.token.address),
        deadline: p.deadline,
        status: studyStatus("Funding"),
        categories: CATEGORIES,
        withdrawn: false,
        closed: false,
        maxContributions: MAX,
        accepted: 0,
        pending: 0,
        released: 0,
        goal: GOAL,
        raised: 0n,
        reward: REWARD,
        protocolCid: PROTOCOL_CID,
      });
      assert.equal(await c.pool.read.statusOf([1n]), studyStatus("Funding"));
      // A dag-pb protocol CID comes back byte for byte too.
      const dagPb = binaryCid({ cidCodec: 0x70, cidDigest: keccak256(toHex("protocol-v2")) });
      const { id } = await openStudy(c, { protocolCid: dagPb });
      assert.equal(id, 2n);
      assert.equal((await c.pool.read.getStudy([id])).protocolCid, dagPb);
    });

    it("reverts for anyone who is not a verified researcher (including one whose role was revoked)", async () => {
      const c = await networkHelpers.loadFixture(researchFixture);
      const p = await params();
      for (const who of [c.stranger, c.doctor, c.hospital, c.patient]) {
        await viem.assertions.revertWithCustomErrorWithArgs(
          c.pool.write.createStudy([p], { account: who.account }),
          c.pool,
          "ResearchNotResearcher",
          [getAddress(who.account.address)],
        );
      }
      await c.consortium.write.revokeRole([Role.RESEARCHER, c.researcherAddress]);
      await viem.assertions.revertWithCustomErrorWithArgs(
        c.pool.write.createStudy([p], { account: c.researcher.account }),
        c.pool,
        "ResearchNotResearcher",
        [c.researcherAddress],
      );
    });

    it("refuses a token governance did not allow", async () => {
      const c = await networkHelpers.loadFixture(researchFixture);
      const unknown = await viem.deployContract("MockERC20", ["Unknown", "UNK"]);
      await viem.assertions.revertWithCustomErrorWithArgs(
        c.pool.write.createStudy([await params({ token: unknown.address })], { account: c.researcher.account }),
        c.pool,
        "ResearchTokenNotAllowed",
        [getAddress(unknown.address)],
      );
    });

    it("takes a deadline after now and at most MAX_DURATION ahead, both bounds exact", async () => {
      const c = await networkHelpers.loadFixture(researchFixture);
      const t = (await time.latest()) + 10;
      const latest = t + MAX_DURATION;
      for (const deadline of [t, t - 1, latest + 1]) {
        await time.setNextBlockTimestamp(t);
        await viem.assertions.revertWithCustomErrorWithArgs(
          c.pool.write.createStudy([await params({ deadline })], { account: c.researcher.account }),
          c.pool,
          "ResearchInvalidDeadline",
          [deadline, latest],
        );
      }
      const u = (await time.latest()) + 10;
      await time.setNextBlockTimestamp(u);
      await c.pool.write.createStudy([await params({ deadline: u + MAX_DURATION })], { account: c.researcher.account });
      await time.setNextBlockTimestamp(u + 1);
      await c.pool.write.createStudy([await params({ deadline: u + 2 })], { account: c.researcher.account });
      assert.equal(await c.pool.read.studyCount(), 2n);
    });

    it("refuses a zero reward or zero maximum, and a goal below the reserve (equal is fine)", async () => {
      const c = await networkHelpers.loadFixture(researchFixture);
      for (const [reward, maxContributions] of [
        [0n, 3],
        [REWARD, 0],
      ] as const) {
        await viem.assertions.revertWithCustomErrorWithArgs(
          c.pool.write.createStudy([await params({ reward, maxContributions })], { account: c.researcher.account }),
          c.pool,
          "ResearchInvalidRewards",
          [reward, maxContributions],
        );
      }
      await viem.assertions.revertWithCustomErrorWithArgs(
        c.pool.write.createStudy([await params({ goal: RESERVE - 1n })], { account: c.researcher.account }),
        c.pool,
        "ResearchInvalidGoal",
        [RESERVE - 1n, RESERVE],
      );
      await viem.assertions.revertWithCustomErrorWithArgs(
        c.pool.write.createStudy([await params({ goal: 0n })], { account: c.researcher.account }),
        c.pool,
        "ResearchInvalidGoal",
        [0n, RESERVE],
      );
      // The largest reserve still fits: a uint128 reward times a uint32 maximum is computed in 256 bits.
      const huge = await params({ reward: MAX_UINT128, maxContributions: 2 ** 32 - 1, goal: MAX_UINT128 });
      await viem.assertions.revertWithCustomErrorWithArgs(
        c.pool.write.createStudy([huge], { account: c.researcher.account }),
        c.pool,
        "ResearchInvalidGoal",
        [MAX_UINT128, MAX_UINT128 * BigInt(2 ** 32 - 1)],
      );
      await c.pool.write.createStudy([await params({ goal: RESERVE })], { account: c.researcher.account });
      assert.equal((await c.pool.read.getStudy([1n])).goal, RESERVE);
    });

    it("refuses an empty or undefined categories bitmap and a malformed protocol CID", async () => {
      const c = await networkHelpers.loadFixture(researchFixture);
      for (const categories of [0, 0x80, 0xff]) {
        await viem.assertions.revertWithCustomErrorWithArgs(
          c.pool.write.createStudy([await params({ categories })], { account: c.researcher.account }),
          c.pool,
          "ResearchInvalidCategories",
          [categories],
        );
      }
      await c.pool.write.createStudy([await params({ categories: 0x7f })], { account: c.researcher.account });
      for (const protocolCid of ["0x", `0x01551220${"00".repeat(31)}`, `0x01711220${"00".repeat(32)}`, `0x02551220${"00".repeat(32)}`] as Hex[]) {
        await viem.assertions.revertWithCustomError(
          c.pool.write.createStudy([await params({ protocolCid })], { account: c.researcher.account }),
          c.pool,
          "ResearchInvalidProtocolCid",
        );
      }
    });
  });

  describe("contribute", () => {
    it("emits Contributed with the new total, tracks each contributor and holds the ETH", async () => {
      const c = await networkHelpers.loadFixture(researchFixture);
      const { id } = await openStudy(c);
      const donor = getAddress(c.donor.account.address);
      await viem.assertions.emitWithArgs(contribute(c, id, 100n * FINNEY), c.pool, "Contributed", [id, donor, 100n * FINNEY, 100n * FINNEY]);
      await viem.assertions.emitWithArgs(contribute(c, id, 50n * FINNEY), c.pool, "Contributed", [id, donor, 50n * FINNEY, 150n * FINNEY]);
      await contribute(c, id, 1n, c.otherDonor);
      assert.equal(await c.pool.read.contributionOf([id, donor]), 150n * FINNEY);
      assert.equal(await c.pool.read.contributionOf([id, c.otherDonor.account.address]), 1n);
      assert.equal((await c.pool.read.getStudy([id])).raised, 150n * FINNEY + 1n);
      assert.equal(await balance(c, c.pool.address), 150n * FINNEY + 1n);
      assert.equal(await c.pool.read.statusOf([id]), studyStatus("Funding"));
    });

    it("makes the study Funded at once when raised reaches exactly the goal, and refuses more", async () => {
      const c = await networkHelpers.loadFixture(researchFixture);
      const { id } = await openStudy(c);
      await contribute(c, id, GOAL - 1n);
      const funding = contribute(c, id, 1n, c.otherDonor);
      await viem.assertions.emitWithArgs(funding, c.pool, "StudyFunded", [id, GOAL]);
      const study = await c.pool.read.getStudy([id]);
      assert.equal(study.status, studyStatus("Funded"));
      assert.equal(study.raised, GOAL);
      await viem.assertions.revertWithCustomErrorWithArgs(contribute(c, id, 1n), c.pool, "ResearchWrongStatus", [id, studyStatus("Funded")]);
    });

    it("counts an overshoot in full", async () => {
      const c = await networkHelpers.loadFixture(researchFixture);
      const { id } = await openStudy(c);
      await contribute(c, id, 400n * FINNEY);
      const over = GOAL + 7n;
      await viem.assertions.emitWithArgs(contribute(c, id, over, c.otherDonor), c.pool, "StudyFunded", [id, 400n * FINNEY + over]);
      assert.equal((await c.pool.read.getStudy([id])).raised, 400n * FINNEY + over);
    });

    it("accepts a contribution at the deadline's second and refuses it one second later (Failed)", async () => {
      const c = await networkHelpers.loadFixture(researchFixture);
      const { id, p } = await openStudy(c);
      await time.setNextBlockTimestamp(p.deadline);
      await contribute(c, id, 1n);
      assert.equal(await c.pool.read.contributionOf([id, c.donor.account.address]), 1n);
      assert.equal(await c.pool.read.statusOf([id]), studyStatus("Funding"));
      await time.setNextBlockTimestamp(p.deadline + 1);
      await viem.assertions.revertWithCustomErrorWithArgs(contribute(c, id, 1n), c.pool, "ResearchWrongStatus", [id, studyStatus("Failed")]);
      await networkHelpers.mine(); // the refused contribution mined nothing: mine the deadline + 1 block
      assert.equal(await time.latest(), p.deadline + 1);
      assert.equal(await c.pool.read.statusOf([id]), studyStatus("Failed"));
      assert.equal((await c.pool.read.getStudy([id])).status, studyStatus("Failed"));
    });

    it("refuses zero, an amount that is not msg.value, and ETH sent to an ERC-20 study", async () => {
      const c = await networkHelpers.loadFixture(researchFixture);
      const { id } = await openStudy(c);
      const cases: Array<[bigint, bigint]> = [
        [0n, 0n],
        [10n, 9n],
        [10n, 11n],
        [10n, 0n],
      ];
      for (const [amount, value] of cases) {
        await viem.assertions.revertWithCustomErrorWithArgs(
          c.pool.write.contribute([id, amount], { account: c.donor.account, value }),
          c.pool,
          "ResearchInvalidAmount",
          [amount, value],
        );
      }
      const erc20 = await openStudy(c, { token: c.token.address });
      await viem.assertions.revertWithCustomErrorWithArgs(
        c.pool.write.contribute([erc20.id, 10n], { account: c.donor.account, value: 10n }),
        c.pool,
        "ResearchInvalidAmount",
        [10n, 10n],
      );
      await viem.assertions.revertWithCustomErrorWithArgs(
        c.pool.write.contribute([erc20.id, 0n], { account: c.donor.account }),
        c.pool,
        "ResearchInvalidAmount",
        [0n, 0n],
      );
    });

    it("refuses a total that would not fit in 128 bits", async () => {
      const c = await networkHelpers.loadFixture(researchFixture);
      const { id } = await openStudy(c, { token: c.token.address, goal: MAX_UINT128 });
      const amount = MAX_UINT128 + 1n;
      await c.token.write.mint([c.donor.account.address, amount]);
      await c.token.write.approve([c.pool.address, amount], { account: c.donor.account });
      await viem.assertions.revertWithCustomErrorWithArgs(
        c.pool.write.contribute([id, amount], { account: c.donor.account }),
        c.pool,
        "ResearchInvalidAmount",
        [amount, 0n],
      );
      await c.pool.write.contribute([id, MAX_UINT128], { account: c.donor.account });
      assert.equal(await c.pool.read.statusOf([id]), studyStatus("Funded"));
    });

    it("reverts for an unknown study and a cancelled one", async () => {
      const c = await networkHelpers.loadFixture(researchFixture);
      await viem.assertions.revertWithCustomErrorWithArgs(contribute(c, 1n, 1n), c.pool, "ResearchUnknownStudy", [1n]);
      const { id } = await openStudy(c);
      await c.pool.write.cancelStudy([id], { account: c.researcher.account });
      await viem.assertions.revertWithCustomErrorWithArgs(contribute(c, id, 1n), c.pool, "ResearchWrongStatus", [id, studyStatus("Cancelled")]);
    });

    it("refuses a fee-on-transfer token: the pool must receive exactly the amount", async () => {
      const c = await networkHelpers.loadFixture(researchFixture);
      const { id } = await openStudy(c, { token: c.feeToken.address });
      const amount = 1000n * FINNEY;
      await c.feeToken.write.mint([c.donor.account.address, amount]);
      await c.feeToken.write.approve([c.pool.address, amount], { account: c.donor.account });
      await viem.assertions.revertWithCustomErrorWithArgs(
        c.pool.write.contribute([id, amount], { account: c.donor.account }),
        c.pool,
        "ResearchFeeOnTransfer",
        [amount, (amount * 99n) / 100n],
      );
      assert.equal(await c.pool.read.contributionOf([id, c.donor.account.address]), 0n);
      assert.equal(await c.feeToken.read.balanceOf([c.pool.address]), 0n);
    });
  });

  describe("cancelStudy", () => {
    it("lets the study's researcher cancel while funding: emits StudyCancelled and stores Cancelled", async () => {
      const c = await networkHelpers.loadFixture(researchFixture);
      const { id } = await openStudy(c);
      await contribute(c, id, 1n);
      await viem.assertions.emitWithArgs(c.pool.write.cancelStudy([id], { account: c.researcher.account }), c.pool, "StudyCancelled", [id]);
      assert.equal(await c.pool.read.statusOf([id]), studyStatus("Cancelled"));
      // Cancelled stays Cancelled after the deadline (it does not turn into Failed).
      await time.increase(31 * DAY);
      assert.equal(await c.pool.read.statusOf([id]), studyStatus("Cancelled"));
      await viem.assertions.revertWithCustomErrorWithArgs(
        c.pool.write.cancelStudy([id], { account: c.researcher.account }),
        c.pool,
        "ResearchWrongStatus",
        [id, studyStatus("Cancelled")],
      );
    });

    it("reverts for another researcher, a stranger and an unknown study", async () => {
      const c = await networkHelpers.loadFixture(researchFixture);
      const { id } = await openStudy(c);
      for (const who of [c.otherResearcher, c.stranger, c.governance]) {
        await viem.assertions.revertWithCustomErrorWithArgs(
          c.pool.write.cancelStudy([id], { account: who.account }),
          c.pool,
          "ResearchNotStudyResearcher",
          [getAddress(who.account.address), id],
        );
      }
      await viem.assertions.revertWithCustomErrorWithArgs(
        c.pool.write.cancelStudy([9n], { account: c.researcher.account }),
        c.pool,
        "ResearchUnknownStudy",
        [9n],
      );
    });

    it("reverts once funded or past the deadline", async () => {
      const c = await networkHelpers.loadFixture(researchFixture);
      const funded = await fundedStudy(c);
      await viem.assertions.revertWithCustomErrorWithArgs(
        c.pool.write.cancelStudy([funded.id], { account: c.researcher.account }),
        c.pool,
        "ResearchWrongStatus",
        [funded.id, studyStatus("Funded")],
      );
      const late = await openStudy(c);
      await time.increaseTo(late.p.deadline + 1);
      await viem.assertions.revertWithCustomErrorWithArgs(
        c.pool.write.cancelStudy([late.id], { account: c.researcher.account }),
        c.pool,
        "ResearchWrongStatus",
        [late.id, studyStatus("Failed")],
      );
    });
  });

  describe("refund", () => {
    it("pays every donor of a failed study exactly what it paid, to the wei with gas, once", async () => {
      const c = await networkHelpers.loadFixture(researchFixture);
      const { id, p } = await openStudy(c);
      const donors = [
        [c.donor, 300n * FINNEY + 1n],
        [c.otherDonor, 200n * FINNEY + 3n],
        [c.thirdDonor, 7n],
      ] as const;
      const before = new Map<Address, bigint>();
      const spent = new Map<Address, bigint>();
      for (const [who, amount] of donors) {
        const address = getAddress(who.account.address);
        before.set(address, await balance(c, address));
        // The donor gives twice: refunds return the sum.
        const r1 = await receiptOf(c, contribute(c, id, amount - 1n, who));
        const r2 = await receiptOf(c, contribute(c, id, 1n, who));
        spent.set(address, gasCost(r1) + gasCost(r2));
      }
      await time.increaseTo(p.deadline + 1);
      assert.equal(await c.pool.read.statusOf([id]), studyStatus("Failed"));
      for (const [who, amount] of donors) {
        const address = getAddress(who.account.address);
        await viem.assertions.emitWithArgs(c.pool.write.refund([id, who.account.address], { account: who.account }), c.pool, "Refunded", [id, address, address, amount]);
        spent.set(address, spent.get(address)! + (await lastGasCosts(c, address, 1)));
        assert.equal(await c.pool.read.contributionOf([id, address]), 0n);
        await viem.assertions.revertWithCustomErrorWithArgs(
          c.pool.write.refund([id, who.account.address], { account: who.account }),
          c.pool,
          "ResearchNothingToRefund",
          [id, address],
        );
      }
      // Each donor is back where it started, less only the gas of its own transactions.
      for (const [who] of donors) {
        const address = getAddress(who.account.address);
        assert.equal(await balance(c, address), before.get(address)! - spent.get(address)!);
      }
      assert.equal(await balance(c, c.pool.address), 0n);
      // `raised` is history: refunds do not lower it.
      assert.equal((await c.pool.read.getStudy([id])).raised, 500n * FINNEY + 11n);
    });

    it("pays back a cancelled study's donors", async () => {
      const c = await networkHelpers.loadFixture(researchFixture);
      const { id } = await openStudy(c);
      await contribute(c, id, 250n * FINNEY);
      await c.pool.write.cancelStudy([id], { account: c.researcher.account });
      const before = await balance(c, c.donor.account.address);
      const r = await receiptOf(c, c.pool.write.refund([id, c.donor.account.address], { account: c.donor.account }));
      assert.equal(await balance(c, c.donor.account.address), before + 250n * FINNEY - gasCost(r));
    });

    it("has nothing to refund in a failed study nobody funded, or to a non-contributor", async () => {
      const c = await networkHelpers.loadFixture(researchFixture);
      const { id, p } = await openStudy(c);
      await time.increaseTo(p.deadline + 1);
      assert.equal(await c.pool.read.statusOf([id]), studyStatus("Failed"));
      for (const who of [c.donor, c.researcher]) {
        await viem.assertions.revertWithCustomErrorWithArgs(
          c.pool.write.refund([id, who.account.address], { account: who.account }),
          c.pool,
          "ResearchNothingToRefund",
          [id, getAddress(who.account.address)],
        );
      }
      assert.equal((await c.pool.read.getStudy([id])).raised, 0n);
    });

    it("reverts while funding (also at the deadline's second), once funded, and for an unknown study", async () => {
      const c = await networkHelpers.loadFixture(researchFixture);
      const { id, p } = await openStudy(c);
      await contribute(c, id, 1n);
      await viem.assertions.revertWithCustomErrorWithArgs(
        c.pool.write.refund([id, c.donor.account.address], { account: c.donor.account }),
        c.pool,
        "ResearchWrongStatus",
        [id, studyStatus("Funding")],
      );
      await time.setNextBlockTimestamp(p.deadline);
      await viem.assertions.revertWithCustomErrorWithArgs(
        c.pool.write.refund([id, c.donor.account.address], { account: c.donor.account }),
        c.pool,
        "ResearchWrongStatus",
        [id, studyStatus("Funding")],
      );
      const funded = await fundedStudy(c);
      await viem.assertions.revertWithCustomErrorWithArgs(
        c.pool.write.refund([funded.id, c.donor.account.address], { account: c.donor.account }),
        c.pool,
        "ResearchWrongStatus",
        [funded.id, studyStatus("Funded")],
      );
      await time.increase(200 * DAY);
      // Funded is final: the deadline passing changes nothing.
      assert.equal(await c.pool.read.statusOf([funded.id]), studyStatus("Funded"));
      await viem.assertions.revertWithCustomErrorWithArgs(
        c.pool.write.refund([42n, c.donor.account.address], { account: c.donor.account }),
        c.pool,
        "ResearchUnknownStudy",
        [42n],
      );
    });
  });

  describe("withdraw", () => {
    it("pays the researcher raised minus the reserve once, to the wei with gas", async () => {
      const c = await networkHelpers.loadFixture(researchFixture);
      const { id, p } = await openStudy(c);
      await contribute(c, id, 600n * FINNEY);
      await contribute(c, id, 600n * FINNEY, c.otherDonor); // overshoot: raised 1.2 ETH
      await pastDeadline(p);
      const expected = 1200n * FINNEY - RESERVE;
      const before = await balance(c, c.researcherAddress);
      const write = c.pool.write.withdraw([id, c.researcher.account.address], { account: c.researcher.account });
      await viem.assertions.emitWithArgs(write, c.pool, "FundsWithdrawn", [id, c.researcherAddress, c.researcherAddress, expected]);
      const cost = await lastGasCosts(c, c.researcherAddress, 1);
      assert.equal(await balance(c, c.researcherAddress), before + expected - cost);
      assert.equal((await c.pool.read.getStudy([id])).withdrawn, true);
      assert.equal(await balance(c, c.pool.address), RESERVE);
      await viem.assertions.revertWithCustomErrorWithArgs(
        c.pool.write.withdraw([id, c.researcher.account.address], { account: c.researcher.account }),
        c.pool,
        "ResearchAlreadyWithdrawn",
        [id],
      );
    });

    it("withdraws nothing but still marks it when the goal equals the reserve", async () => {
      const c = await networkHelpers.loadFixture(researchFixture);
      const { id, p } = await fundedStudy(c, { goal: RESERVE });
      await pastDeadline(p);
      await viem.assertions.emitWithArgs(c.pool.write.withdraw([id, c.researcher.account.address], { account: c.researcher.account }), c.pool, "FundsWithdrawn", [
        id,
        c.researcherAddress,
        c.researcherAddress,
        0n,
      ]);
      assert.equal(await balance(c, c.pool.address), RESERVE);
    });

    it("reverts for anyone but the study's researcher and before the study is funded", async () => {
      const c = await networkHelpers.loadFixture(researchFixture);
      const { id } = await openStudy(c);
      await viem.assertions.revertWithCustomErrorWithArgs(
        c.pool.write.withdraw([id, c.researcher.account.address], { account: c.researcher.account }),
        c.pool,
        "ResearchWrongStatus",
        [id, studyStatus("Funding")],
      );
      await contribute(c, id, GOAL);
      for (const who of [c.otherResearcher, c.donor, c.governance]) {
        await viem.assertions.revertWithCustomErrorWithArgs(
          c.pool.write.withdraw([id, who.account.address], { account: who.account }),
          c.pool,
          "ResearchNotStudyResearcher",
          [getAddress(who.account.address), id],
        );
      }
      const failed = await openStudy(c);
      await time.increaseTo(failed.p.deadline + 1);
      await viem.assertions.revertWithCustomErrorWithArgs(
        c.pool.write.withdraw([failed.id, c.researcher.account.address], { account: c.researcher.account }),
        c.pool,
        "ResearchWrongStatus",
        [failed.id, studyStatus("Failed")],
      );
    });
  });

  describe("submitData", () => {
    it("records the patient's submission and emits DataSubmitted", async () => {
      const c = await networkHelpers.loadFixture(researchFixture);
      const { id } = await fundedStudy(c);
      await consent(c);
      assert.deepEqual(await c.pool.read.dataContributionOf([id, c.patientAddress]), {
        recordId: ZERO_BYTES32,
        status: dataStatus("None"),
        rejectReason: 0,
        reviewDeadline: 0,
      });
      await viem.assertions.emitWithArgs(
        c.pool.write.submitData([id, c.imaging.id], { account: c.patient.account }),
        c.pool,
        "DataSubmitted",
        [id, c.patientAddress, c.imaging.id],
      );
      assert.deepEqual(await c.pool.read.dataContributionOf([id, c.patientAddress]), {
        recordId: c.imaging.id,
        status: dataStatus("Submitted"),
        rejectReason: 0,
        reviewDeadline: (await time.latest()) + REVIEW_PERIOD,
      });
      // The submission holds a slot of the reserve until it is answered.
      assert.equal((await c.pool.read.getStudy([id])).pending, 1);
    });

    it("reverts unless the study is funded and open", async () => {
      const c = await networkHelpers.loadFixture(researchFixture);
      await consent(c);
      const { id } = await openStudy(c);
      await viem.assertions.revertWithCustomErrorWithArgs(
        c.pool.write.submitData([id, c.lab.id], { account: c.patient.account }),
        c.pool,
        "ResearchWrongStatus",
        [id, studyStatus("Funding")],
      );
      await viem.assertions.revertWithCustomErrorWithArgs(
        c.pool.write.submitData([7n, c.lab.id], { account: c.patient.account }),
        c.pool,
        "ResearchUnknownStudy",
        [7n],
      );
      await contribute(c, id, GOAL);
      await time.increaseTo((await c.pool.read.getStudy([id])).deadline + 1);
      await c.pool.write.closeStudy([id, c.researcher.account.address], { account: c.researcher.account });
      await viem.assertions.revertWithCustomErrorWithArgs(
        c.pool.write.submitData([id, c.lab.id], { account: c.patient.account }),
        c.pool,
        "ResearchStudyClosed",
        [id],
      );
    });

    it("refuses another patient's record, an unknown id, a category outside the study, a patient-authored or superseded record, and a suspended hospital's", async () => {
      const c = await networkHelpers.loadFixture(researchFixture);
      const { id } = await fundedStudy(c);
      await consent(c);
      const own = newRecord(c.patientAddress, "own", { category: Category.Lab });
      await c.recordRegistry.write.registerOwn([own], { account: c.patient.account });
      const old = newRecord(c.patientAddress, "old", { category: Category.Lab });
      await c.recordRegistry.write.register([old], { account: c.hospital.account });
      await c.recordRegistry.write.amend([idOf(c.hospital.account.address, old), newRecord(c.patientAddress, "old-v2", { category: Category.Lab })], {
        account: c.hospital.account,
      });
      const other = newRecord(c.patientAddress, "other-hospital", { category: Category.Lab });
      await c.recordRegistry.write.register([other], { account: c.otherHospital.account });
      await c.consortium.write.suspendHospital([c.otherHospital.account.address]);
      const unknown = keccak256(toHex("never registered"));
      for (const recordId of [c.otherLab.id, unknown, c.visit.id, idOf(c.patientAddress, own), idOf(c.hospital.account.address, old), idOf(c.otherHospital.account.address, other)]) {
        await viem.assertions.revertWithCustomErrorWithArgs(
          c.pool.write.submitData([id, recordId], { account: c.patient.account }),
          c.pool,
          "ResearchIneligibleRecord",
          [recordId],
        );
      }
    });

    it("requires an anonymized HRESCH grant to the researcher that is in force", async () => {
      const c = await networkHelpers.loadFixture(researchFixture);
      const { id } = await fundedStudy(c);
      const submit = () => c.pool.write.submitData([id, c.lab.id], { account: c.patient.account });
      await viem.assertions.revertWithCustomErrorWithArgs(submit(), c.pool, "ResearchNoConsent", [c.patientAddress, c.lab.id]);
      // A grant to another researcher does not count.
      await consent(c, c.patient, { researcher: getAddress(c.otherResearcher.account.address) });
      await viem.assertions.revertWithCustomErrorWithArgs(submit(), c.pool, "ResearchNoConsent", [c.patientAddress, c.lab.id]);
      // A grant that is not anonymized-only does not either.
      await consent(c, c.patient, { anonymizedOnly: false });
      await viem.assertions.revertWithCustomErrorWithArgs(submit(), c.pool, "ResearchNoConsent", [c.patientAddress, c.lab.id]);
      // Withdrawn consent stops new submissions.
      await consent(c);
      await c.consentManager.write.revoke([c.patientAddress, c.researcherAddress, Purpose.HRESCH], { account: c.patient.account });
      await viem.assertions.revertWithCustomErrorWithArgs(submit(), c.pool, "ResearchNoConsent", [c.patientAddress, c.lab.id]);
      // After the patient's revoke, the researcher's new request waits for the patient's approval.
      await consent(c);
      await viem.assertions.revertWithCustomErrorWithArgs(submit(), c.pool, "ResearchNoConsent", [c.patientAddress, c.lab.id]);
      await c.consentManager.write.approve([c.researcherAddress, Purpose.HRESCH], { account: c.patient.account });
      await submit();
    });

    it("allows one contribution per patient, a new one only after a rejection, and none once the study is full", async () => {
      const c = await networkHelpers.loadFixture(researchFixture);
      const { id } = await submittedStudy(c, { maxContributions: 1, goal: REWARD });
      const again = () => c.pool.write.submitData([id, c.imaging.id], { account: c.patient.account });
      await viem.assertions.revertWithCustomErrorWithArgs(again(), c.pool, "ResearchWrongDataStatus", [id, c.patientAddress]);
      await c.pool.write.rejectContribution([id, c.patientAddress, Reject.UNREADABLE], { account: c.researcher.account });
      await viem.assertions.emitWithArgs(again(), c.pool, "DataSubmitted", [id, c.patientAddress, c.imaging.id]);
      assert.deepEqual(await c.pool.read.dataContributionOf([id, c.patientAddress]), {
        recordId: c.imaging.id,
        status: dataStatus("Submitted"),
        rejectReason: 0,
        reviewDeadline: (await time.latest()) + REVIEW_PERIOD,
      });
      await c.pool.write.acceptContribution([id, c.patientAddress], { account: c.researcher.account });
      await viem.assertions.revertWithCustomErrorWithArgs(again(), c.pool, "ResearchWrongDataStatus", [id, c.patientAddress]);
      await c.pool.write.claimReward([id, c.patient.account.address], { account: c.patient.account });
      await viem.assertions.revertWithCustomErrorWithArgs(again(), c.pool, "ResearchWrongDataStatus", [id, c.patientAddress]);
      // The study's one contribution is taken: another patient cannot submit.
      await consent(c, c.otherPatient);
      await viem.assertions.revertWithCustomErrorWithArgs(
        c.pool.write.submitData([id, c.otherLab.id], { account: c.otherPatient.account }),
        c.pool,
        "ResearchStudyFull",
        [id, 1],
      );
    });
  });

  describe("acceptContribution", () => {
    it("accepts a submission: emits DataAccepted with the reward and counts it", async () => {
      const c = await networkHelpers.loadFixture(researchFixture);
      const { id } = await submittedStudy(c);
      await viem.assertions.emitWithArgs(
        c.pool.write.acceptContribution([id, c.patientAddress], { account: c.researcher.account }),
        c.pool,
        "DataAccepted",
        [id, c.patientAddress, c.lab.id, REWARD],
      );
      const study = await c.pool.read.getStudy([id]);
      assert.deepEqual([study.accepted, study.pending], [1, 0]);
      assert.deepEqual(await c.pool.read.dataContributionOf([id, c.patientAddress]), {
        recordId: c.lab.id,
        status: dataStatus("Accepted"),
        rejectReason: 0,
        reviewDeadline: 0,
      });
      await viem.assertions.revertWithCustomErrorWithArgs(
        c.pool.write.acceptContribution([id, c.patientAddress], { account: c.researcher.account }),
        c.pool,
        "ResearchWrongDataStatus",
        [id, c.patientAddress],
      );
    });

    it("reverts for anyone but the study's researcher and without a submission; after closing a pending one is still accepted", async () => {
      const c = await networkHelpers.loadFixture(researchFixture);
      const { id, p } = await submittedStudy(c);
      for (const who of [c.otherResearcher, c.patient, c.stranger]) {
        await viem.assertions.revertWithCustomErrorWithArgs(
          c.pool.write.acceptContribution([id, c.patientAddress], { account: who.account }),
          c.pool,
          "ResearchNotStudyResearcher",
          [getAddress(who.account.address), id],
        );
      }
      await viem.assertions.revertWithCustomErrorWithArgs(
        c.pool.write.acceptContribution([id, c.otherPatientAddress], { account: c.researcher.account }),
        c.pool,
        "ResearchWrongDataStatus",
        [id, c.otherPatientAddress],
      );
      await pastDeadline(p);
      await c.pool.write.closeStudy([id, c.researcher.account.address], { account: c.researcher.account });
      await viem.assertions.emitWithArgs(
        c.pool.write.acceptContribution([id, c.patientAddress], { account: c.researcher.account }),
        c.pool,
        "DataAccepted",
        [id, c.patientAddress, c.lab.id, REWARD],
      );
    });

    it("a pending submission holds its slot: a second patient cannot submit to a full study until the first is rejected", async () => {
      const c = await networkHelpers.loadFixture(researchFixture);
      const { id } = await submittedStudy(c, { maxContributions: 1, goal: REWARD });
      await consent(c, c.otherPatient);
      const other = () => c.pool.write.submitData([id, c.otherLab.id], { account: c.otherPatient.account });
      await viem.assertions.revertWithCustomErrorWithArgs(other(), c.pool, "ResearchStudyFull", [id, 1]);
      await c.pool.write.rejectContribution([id, c.patientAddress, Reject.OTHER], { account: c.researcher.account });
      assert.equal((await c.pool.read.getStudy([id])).pending, 0);
      await other();
      await c.pool.write.acceptContribution([id, c.otherPatientAddress], { account: c.researcher.account });
      const study = await c.pool.read.getStudy([id]);
      assert.deepEqual([study.accepted, study.pending], [1, 0]);
    });
  });

  describe("rejectContribution", () => {
    it("rejects with a reason: emits DataRejected and stores the reason", async () => {
      const c = await networkHelpers.loadFixture(researchFixture);
      const { id } = await submittedStudy(c);
      await viem.assertions.emitWithArgs(
        c.pool.write.rejectContribution([id, c.patientAddress, Reject.NOT_DEIDENTIFIED], { account: c.researcher.account }),
        c.pool,
        "DataRejected",
        [id, c.patientAddress, c.lab.id, Reject.NOT_DEIDENTIFIED],
      );
      assert.deepEqual(await c.pool.read.dataContributionOf([id, c.patientAddress]), {
        recordId: c.lab.id,
        status: dataStatus("Rejected"),
        rejectReason: Reject.NOT_DEIDENTIFIED,
        reviewDeadline: 0,
      });
      assert.equal((await c.pool.read.getStudy([id])).pending, 0);
      await viem.assertions.revertWithCustomErrorWithArgs(
        c.pool.write.rejectContribution([id, c.patientAddress, Reject.OTHER], { account: c.researcher.account }),
        c.pool,
        "ResearchWrongDataStatus",
        [id, c.patientAddress],
      );
    });

    it("takes reasons 1..4 only, from the study's researcher only, also after closing", async () => {
      const c = await networkHelpers.loadFixture(researchFixture);
      const { id, p } = await submittedStudy(c);
      for (const reason of [0, 5, 255]) {
        await viem.assertions.revertWithCustomErrorWithArgs(
          c.pool.write.rejectContribution([id, c.patientAddress, reason], { account: c.researcher.account }),
          c.pool,
          "ResearchUnknownRejectReason",
          [reason],
        );
      }
      await viem.assertions.revertWithCustomErrorWithArgs(
        c.pool.write.rejectContribution([id, c.patientAddress, Reject.OTHER], { account: c.otherResearcher.account }),
        c.pool,
        "ResearchNotStudyResearcher",
        [getAddress(c.otherResearcher.account.address), id],
      );
      await pastDeadline(p);
      await c.pool.write.closeStudy([id, c.researcher.account.address], { account: c.researcher.account });
      await c.pool.write.rejectContribution([id, c.patientAddress, Reject.OUT_OF_PROTOCOL], { account: c.researcher.account });
      assert.equal((await c.pool.read.dataContributionOf([id, c.patientAddress])).rejectReason, Reject.OUT_OF_PROTOCOL);
    });
  });

  describe("claimReward", () => {
    it("pays the accepted contribution's reward once, to the wei with gas", async () => {
      const c = await networkHelpers.loadFixture(researchFixture);
      const { id } = await submittedStudy(c);
      await viem.assertions.revertWithCustomErrorWithArgs(
        c.pool.write.claimReward([id, c.patient.account.address], { account: c.patient.account }),
        c.pool,
        "ResearchWrongDataStatus",
        [id, c.patientAddress],
      );
      await c.pool.write.acceptContribution([id, c.patientAddress], { account: c.researcher.account });
      const before = await balance(c, c.patientAddress);
      await viem.assertions.emitWithArgs(c.pool.write.claimReward([id, c.patient.account.address], { account: c.patient.account }), c.pool, "RewardClaimed", [
        id,
        c.patientAddress,
        c.patientAddress,
        REWARD,
      ]);
      const cost = await lastGasCosts(c, c.patientAddress, 1);
      assert.equal(await balance(c, c.patientAddress), before + REWARD - cost);
      assert.equal((await c.pool.read.dataContributionOf([id, c.patientAddress])).status, dataStatus("Paid"));
      await viem.assertions.revertWithCustomErrorWithArgs(
        c.pool.write.claimReward([id, c.patient.account.address], { account: c.patient.account }),
        c.pool,
        "ResearchWrongDataStatus",
        [id, c.patientAddress],
      );
      // Nobody else has anything to claim.
      await viem.assertions.revertWithCustomErrorWithArgs(
        c.pool.write.claimReward([id, c.stranger.account.address], { account: c.stranger.account }),
        c.pool,
        "ResearchWrongDataStatus",
        [id, getAddress(c.stranger.account.address)],
      );
    });
  });

  describe("closeStudy", () => {
    it("ends data collection and releases the reserve of the contributions not accepted", async () => {
      const c = await networkHelpers.loadFixture(researchFixture);
      const { id, p } = await submittedStudy(c);
      await c.pool.write.acceptContribution([id, c.patientAddress], { account: c.researcher.account });
      await pastDeadline(p);
      await c.pool.write.withdraw([id, c.researcher.account.address], { account: c.researcher.account });
      const released = REWARD * BigInt(MAX - 1);
      const before = await balance(c, c.researcherAddress);
      await viem.assertions.emitWithArgs(c.pool.write.closeStudy([id, c.researcher.account.address], { account: c.researcher.account }), c.pool, "StudyClosed", [
        id,
        c.researcherAddress,
        released,
      ]);
      const cost = await lastGasCosts(c, c.researcherAddress, 1);
      assert.equal(await balance(c, c.researcherAddress), before + released - cost);
      const study = await c.pool.read.getStudy([id]);
      assert.deepEqual([study.closed, study.released], [true, MAX - 1]);
      // What stays is exactly the accepted patient's reward, which it can still claim.
      assert.equal(await balance(c, c.pool.address), REWARD);
      await c.pool.write.claimReward([id, c.patient.account.address], { account: c.patient.account });
      assert.equal(await balance(c, c.pool.address), 0n);
      await viem.assertions.revertWithCustomErrorWithArgs(
        c.pool.write.closeStudy([id, c.researcher.account.address], { account: c.researcher.account }),
        c.pool,
        "ResearchStudyClosed",
        [id],
      );
    });

    it("reverts for anyone but the study's researcher and unless funded", async () => {
      const c = await networkHelpers.loadFixture(researchFixture);
      const { id, p } = await openStudy(c);
      await viem.assertions.revertWithCustomErrorWithArgs(
        c.pool.write.closeStudy([id, c.researcher.account.address], { account: c.researcher.account }),
        c.pool,
        "ResearchWrongStatus",
        [id, studyStatus("Funding")],
      );
      await contribute(c, id, GOAL);
      await pastDeadline(p);
      await viem.assertions.revertWithCustomErrorWithArgs(
        c.pool.write.closeStudy([id, c.otherResearcher.account.address], { account: c.otherResearcher.account }),
        c.pool,
        "ResearchNotStudyResearcher",
        [getAddress(c.otherResearcher.account.address), id],
      );
    });
  });

  describe("views", () => {
    it("getStudy and statusOf revert for an unknown study; contributionOf and dataContributionOf read zero", async () => {
      const c = await networkHelpers.loadFixture(researchFixture);
      await viem.assertions.revertWithCustomErrorWithArgs(c.pool.read.getStudy([1n]), c.pool, "ResearchUnknownStudy", [1n]);
      await viem.assertions.revertWithCustomErrorWithArgs(c.pool.read.statusOf([0n]), c.pool, "ResearchUnknownStudy", [0n]);
      assert.equal(await c.pool.read.contributionOf([1n, c.donor.account.address]), 0n);
      assert.equal((await c.pool.read.dataContributionOf([1n, c.patientAddress])).status, dataStatus("None"));
      assert.equal(await c.pool.read.MAX_DURATION(), MAX_DURATION);
      assert.equal(await c.pool.read.ALL_CATEGORIES(), 0x7f);
      assert.equal(await c.pool.read.REVIEW_PERIOD(), REVIEW_PERIOD);
    });
  });

  describe("ERC-20 study", () => {
    it("runs a whole lifecycle in tokens and ends with the pool holding nothing", async () => {
      const c = await networkHelpers.loadFixture(researchFixture);
      const t = c.token;
      const { id, p } = await openStudy(c, { token: t.address });
      const fund = async (who: Wallet, amount: bigint) => {
        await t.write.mint([who.account.address, amount]);
        await t.write.approve([c.pool.address, amount], { account: who.account });
        return c.pool.write.contribute([id, amount], { account: who.account });
      };
      await viem.assertions.emitWithArgs(fund(c.donor, 700n * FINNEY), c.pool, "Contributed", [
        id,
        getAddress(c.donor.account.address),
        700n * FINNEY,
        700n * FINNEY,
      ]);
      await viem.assertions.emitWithArgs(fund(c.otherDonor, 400n * FINNEY), c.pool, "StudyFunded", [id, 1100n * FINNEY]);
      assert.equal(await t.read.balanceOf([c.pool.address]), 1100n * FINNEY);

      await consent(c);
      await consent(c, c.otherPatient);
      await c.pool.write.submitData([id, c.lab.id], { account: c.patient.account });
      await c.pool.write.submitData([id, c.otherLab.id], { account: c.otherPatient.account });
      await c.pool.write.acceptContribution([id, c.patientAddress], { account: c.researcher.account });
      await c.pool.write.acceptContribution([id, c.otherPatientAddress], { account: c.researcher.account });
      await c.pool.write.claimReward([id, c.patient.account.address], { account: c.patient.account });
      assert.equal(await t.read.balanceOf([c.patientAddress]), REWARD);

      await pastDeadline(p);
      await c.pool.write.withdraw([id, c.researcher.account.address], { account: c.researcher.account });
      assert.equal(await t.read.balanceOf([c.researcherAddress]), 1100n * FINNEY - RESERVE);
      await c.pool.write.closeStudy([id, c.researcher.account.address], { account: c.researcher.account });
      assert.equal(await t.read.balanceOf([c.researcherAddress]), 1100n * FINNEY - RESERVE + REWARD);
      await c.pool.write.claimReward([id, c.otherPatient.account.address], { account: c.otherPatient.account });
      assert.equal(await t.read.balanceOf([c.otherPatientAddress]), REWARD);
      assert.equal(await t.read.balanceOf([c.pool.address]), 0n);
      // No ETH ever moved.
      assert.equal(await balance(c, c.pool.address), 0n);
    });

    it("refunds a failed token study's donors exactly", async () => {
      const c = await networkHelpers.loadFixture(researchFixture);
      const { id, p } = await openStudy(c, { token: c.token.address });
      await c.token.write.mint([c.donor.account.address, 300n]);
      await c.token.write.approve([c.pool.address, 300n], { account: c.donor.account });
      await c.pool.write.contribute([id, 300n], { account: c.donor.account });
      await time.increaseTo(p.deadline + 1);
      await c.pool.write.refund([id, c.donor.account.address], { account: c.donor.account });
      assert.equal(await c.token.read.balanceOf([c.donor.account.address]), 300n);
      assert.equal(await c.token.read.balanceOf([c.pool.address]), 0n);
    });
  });

  describe("forced ETH", () => {
    it("ETH forced in with selfdestruct funds nothing and changes no refund or withdrawal", async () => {
      const c = await networkHelpers.loadFixture(researchFixture);
      const failing = await openStudy(c);
      const funded = await openStudy(c);
      await contribute(c, failing.id, 100n * FINNEY);
      await contribute(c, funded.id, 900n * FINNEY);
      const forced = 5000n * FINNEY;
      await viem.deployContract("MockForceSend", [c.pool.address], { value: forced });
      assert.equal(await balance(c, c.pool.address), forced + 1000n * FINNEY);
      // More than either goal sits in the contract, yet neither study is funded.
      for (const { id } of [failing, funded]) {
        assert.equal(await c.pool.read.statusOf([id]), studyStatus("Funding"));
      }
      assert.equal((await c.pool.read.getStudy([funded.id])).raised, 900n * FINNEY);
      await contribute(c, funded.id, 100n * FINNEY);
      await pastDeadline(funded.p);
      await viem.assertions.emitWithArgs(c.pool.write.withdraw([funded.id, c.researcher.account.address], { account: c.researcher.account }), c.pool, "FundsWithdrawn", [
        funded.id,
        c.researcherAddress,
        c.researcherAddress,
        GOAL - RESERVE,
      ]);
      if ((await time.latest()) <= failing.p.deadline) await time.increaseTo(failing.p.deadline + 1);
      await viem.assertions.emitWithArgs(c.pool.write.refund([failing.id, c.donor.account.address], { account: c.donor.account }), c.pool, "Refunded", [
        failing.id,
        getAddress(c.donor.account.address),
        getAddress(c.donor.account.address),
        100n * FINNEY,
      ]);
      await viem.assertions.revertWithCustomErrorWithArgs(
        c.pool.write.refund([failing.id, c.donor.account.address], { account: c.donor.account }),
        c.pool,
        "ResearchNothingToRefund",
        [failing.id, getAddress(c.donor.account.address)],
      );
      // The forced ETH and the reserve are all that is left; the forced part belongs to no one.
      assert.equal(await balance(c, c.pool.address), forced + RESERVE);
    });
  });

  describe("audit (issue 16): all-or-nothing bypass", () => {
    it("a researcher topping up the shortfall itself, then withdrawing and closing in one transaction, is refused", async () => {
      const c = await networkHelpers.loadFixture(researchFixture);
      const attacker = await viem.deployContract("MockFlashTopUp", [c.pool.address]);
      await c.consortium.write.grantRole([Role.RESEARCHER, attacker.address]);
      await attacker.write.createStudy([await params()]);
      const id = await c.pool.read.studyCount();
      await contribute(c, id, 400n * FINNEY);
      const loan = GOAL - 400n * FINNEY;
      // The researcher's own money does not count toward the goal: refused outright.
      await viem.assertions.revertWithCustomErrorWithArgs(
        attacker.write.attack([id, false], { value: loan }),
        c.pool,
        "ResearchSelfFunding",
        [id, getAddress(attacker.address)],
      );
      // Through a sybil the top-up lands, but the money stays until the deadline: the loan cannot be
      // paid back out of the study in the same transaction.
      const { deadline } = await c.pool.read.getStudy([id]);
      await viem.assertions.revertWithCustomErrorWithArgs(
        attacker.write.attack([id, true], { value: loan }),
        c.pool,
        "ResearchBeforeDeadline",
        [id, deadline],
      );
      const study = await c.pool.read.getStudy([id]);
      assert.deepEqual([study.status, study.raised, study.withdrawn, study.closed], [studyStatus("Funding"), 400n * FINNEY, false, false]);
      assert.equal(await balance(c, c.pool.address), 400n * FINNEY);
      // So the study fails at its deadline and the donor gets every wei back.
      await time.increaseTo(deadline + 1);
      await c.pool.write.refund([id, c.donor.account.address], { account: c.donor.account });
      assert.equal(await balance(c, c.pool.address), 0n);
    });

    it("a researcher contributing to its own study is refused (ResearchSelfFunding)", async () => {
      const c = await networkHelpers.loadFixture(researchFixture);
      const { id } = await openStudy(c);
      await viem.assertions.revertWithCustomErrorWithArgs(contribute(c, id, GOAL, c.researcher), c.pool, "ResearchSelfFunding", [
        id,
        c.researcherAddress,
      ]);
      // Another researcher is a donor like any other.
      await contribute(c, id, 1n, c.otherResearcher);
      assert.equal(await c.pool.read.contributionOf([id, c.otherResearcher.account.address]), 1n);
    });

    it("withdrawing or closing a study funded early is refused until its deadline has passed", async () => {
      const c = await networkHelpers.loadFixture(researchFixture);
      const { id, p } = await fundedStudy(c);
      for (const fn of ["withdraw", "closeStudy"] as const) {
        await viem.assertions.revertWithCustomErrorWithArgs(
          c.pool.write[fn]([id, c.researcherAddress], { account: c.researcher.account }),
          c.pool,
          "ResearchBeforeDeadline",
          [id, p.deadline],
        );
      }
      await time.setNextBlockTimestamp(p.deadline);
      await viem.assertions.revertWithCustomErrorWithArgs(
        c.pool.write.withdraw([id, c.researcherAddress], { account: c.researcher.account }),
        c.pool,
        "ResearchBeforeDeadline",
        [id, p.deadline],
      );
      await pastDeadline(p);
      await c.pool.write.withdraw([id, c.researcherAddress], { account: c.researcher.account });
      assert.equal((await c.pool.read.getStudy([id])).withdrawn, true);
    });

    it("closing while a patient's submission is pending keeps its slot: unanswered, the patient is paid after the review period, to the wei", async () => {
      const c = await networkHelpers.loadFixture(researchFixture);
      const { id, p } = await submittedStudy(c);
      const submittedAt = await time.latest();
      await pastDeadline(p);
      await c.pool.write.withdraw([id, c.researcherAddress], { account: c.researcher.account });
      // Two free slots go back; the pending one stays reserved.
      const researcherBefore = await balance(c, c.researcherAddress);
      await viem.assertions.emitWithArgs(
        c.pool.write.closeStudy([id, c.researcherAddress], { account: c.researcher.account }),
        c.pool,
        "StudyClosed",
        [id, c.researcherAddress, REWARD * BigInt(MAX - 1)],
      );
      const closeCost = await lastGasCosts(c, c.researcherAddress, 1);
      assert.equal(await balance(c, c.researcherAddress), researcherBefore + REWARD * BigInt(MAX - 1) - closeCost);
      assert.equal(await balance(c, c.pool.address), REWARD);
      let study = await c.pool.read.getStudy([id]);
      assert.deepEqual([study.closed, study.accepted, study.pending, study.released], [true, 0, 1, MAX - 1]);
      // Closing again releases nothing: the pending slot is not free.
      await viem.assertions.revertWithCustomErrorWithArgs(
        c.pool.write.closeStudy([id, c.researcherAddress], { account: c.researcher.account }),
        c.pool,
        "ResearchStudyClosed",
        [id],
      );
      // The researcher does not answer. Before the review deadline the patient cannot claim yet.
      const reviewDeadline = submittedAt + REVIEW_PERIOD;
      assert.equal((await c.pool.read.dataContributionOf([id, c.patientAddress])).reviewDeadline, reviewDeadline);
      await time.increaseTo(reviewDeadline - 1);
      assert.equal((await c.pool.read.dataContributionOf([id, c.patientAddress])).status, dataStatus("Submitted"));
      await time.setNextBlockTimestamp(reviewDeadline);
      await viem.assertions.revertWithCustomErrorWithArgs(
        c.pool.write.claimReward([id, c.patientAddress], { account: c.patient.account }),
        c.pool,
        "ResearchWrongDataStatus",
        [id, c.patientAddress],
      );
      await time.increaseTo(reviewDeadline + 1);
      assert.equal((await c.pool.read.dataContributionOf([id, c.patientAddress])).status, dataStatus("Accepted"));
      // Past it, a late rejection is refused and the patient's claim accepts by default and pays.
      await viem.assertions.revertWithCustomErrorWithArgs(
        c.pool.write.rejectContribution([id, c.patientAddress, Reject.OTHER], { account: c.researcher.account }),
        c.pool,
        "ResearchReviewOver",
        [id, c.patientAddress, reviewDeadline],
      );
      const patientBefore = await balance(c, c.patientAddress);
      const claim = c.pool.write.claimReward([id, c.patientAddress], { account: c.patient.account });
      await viem.assertions.emitWithArgs(claim, c.pool, "DataAccepted", [id, c.patientAddress, c.lab.id, REWARD]);
      const receipt = await c.publicClient.getTransactionReceipt({ hash: (await c.publicClient.getBlock({ includeTransactions: true })).transactions[0].hash });
      const [claimed] = parseEventLogs({ abi: c.pool.abi, logs: receipt.logs, eventName: "RewardClaimed" });
      assert.deepEqual(claimed.args, { studyId: id, patient: c.patientAddress, to: c.patientAddress, amount: REWARD });
      assert.equal(await balance(c, c.patientAddress), patientBefore + REWARD - gasCost(receipt));
      study = await c.pool.read.getStudy([id]);
      assert.deepEqual([study.accepted, study.pending, study.released], [1, 0, MAX - 1]);
      assert.equal((await c.pool.read.dataContributionOf([id, c.patientAddress])).status, dataStatus("Paid"));
      // Every wei of the study went out: donors' goal = withdrawal + released reserve + the reward.
      assert.equal(await balance(c, c.pool.address), 0n);
    });

    it("a submission rejected after closing frees its slot, and closing again releases exactly that reserve", async () => {
      const c = await networkHelpers.loadFixture(researchFixture);
      const { id, p } = await submittedStudy(c);
      await pastDeadline(p);
      await c.pool.write.closeStudy([id, c.researcherAddress], { account: c.researcher.account });
      await c.pool.write.rejectContribution([id, c.patientAddress, Reject.UNREADABLE], { account: c.researcher.account });
      assert.equal((await c.pool.read.getStudy([id])).pending, 0);
      const before = await balance(c, c.researcherAddress);
      await viem.assertions.emitWithArgs(
        c.pool.write.closeStudy([id, c.researcherAddress], { account: c.researcher.account }),
        c.pool,
        "StudyClosed",
        [id, c.researcherAddress, REWARD],
      );
      assert.equal(await balance(c, c.researcherAddress), before + REWARD - (await lastGasCosts(c, c.researcherAddress, 1)));
      assert.equal((await c.pool.read.getStudy([id])).released, MAX);
      // What is left is exactly the un-withdrawn funds.
      assert.equal(await balance(c, c.pool.address), GOAL - RESERVE);
    });
  });

  describe("audit (issue 16): payouts to a recipient", () => {
    async function noEthFixture() {
      const c = await networkHelpers.loadFixture(researchFixture);
      const wallet = await viem.deployContract("MockNoEthReceiver", []);
      const exec = (functionName: "refund" | "withdraw" | "claimReward" | "closeStudy", args: readonly [bigint, Address]) =>
        wallet.write.execute([c.pool.address, encodeFunctionData({ abi: c.pool.abi, functionName, args })]);
      return { c, wallet, exec, vault: getAddress(c.stranger.account.address) };
    }

    it("a donor contract that cannot receive ETH has its refund paid to another address", async () => {
      const { c, wallet, exec, vault } = await noEthFixture();
      const { id, p } = await openStudy(c);
      const amount = 250n * FINNEY + 1n;
      await wallet.write.execute([c.pool.address, encodeFunctionData({ abi: c.pool.abi, functionName: "contribute", args: [id, amount] })], {
        value: amount,
      });
      await pastDeadline(p);
      await viem.assertions.revertWithCustomErrorWithArgs(exec("refund", [id, wallet.address]), c.pool, "ResearchTransferFailed", [
        getAddress(wallet.address),
        amount,
      ]);
      const before = await balance(c, vault);
      await viem.assertions.emitWithArgs(exec("refund", [id, vault]), c.pool, "Refunded", [id, getAddress(wallet.address), vault, amount]);
      assert.equal(await balance(c, vault), before + amount);
      assert.equal(await c.pool.read.contributionOf([id, wallet.address]), 0n);
      assert.equal(await balance(c, c.pool.address), 0n);
    });

    it("a researcher contract that cannot receive ETH withdraws and closes to another address", async () => {
      const { c, wallet, vault } = await noEthFixture();
      await c.consortium.write.grantRole([Role.RESEARCHER, wallet.address]);
      const p = await params();
      await wallet.write.execute([c.pool.address, encodeFunctionData({ abi: c.pool.abi, functionName: "createStudy", args: [p] })]);
      const id = await c.pool.read.studyCount();
      await contribute(c, id, GOAL);
      await pastDeadline(p);
      const call = (functionName: "withdraw" | "closeStudy", to: Address) =>
        wallet.write.execute([c.pool.address, encodeFunctionData({ abi: c.pool.abi, functionName, args: [id, to] })]);
      await viem.assertions.revertWithCustomErrorWithArgs(call("withdraw", wallet.address), c.pool, "ResearchTransferFailed", [
        getAddress(wallet.address),
        GOAL - RESERVE,
      ]);
      const before = await balance(c, vault);
      await viem.assertions.emitWithArgs(call("withdraw", vault), c.pool, "FundsWithdrawn", [id, getAddress(wallet.address), vault, GOAL - RESERVE]);
      await viem.assertions.emitWithArgs(call("closeStudy", vault), c.pool, "StudyClosed", [id, vault, RESERVE]);
      assert.equal(await balance(c, vault), before + GOAL);
      assert.equal(await balance(c, c.pool.address), 0n);
    });

    it("a patient contract that cannot receive ETH claims its reward to another address", async () => {
      const { c, wallet, exec, vault } = await noEthFixture();
      const record = newRecord(wallet.address, "wallet-lab", { category: Category.Lab });
      await c.recordRegistry.write.register([record], { account: c.hospital.account });
      const { id } = await fundedStudy(c);
      const policy = terms(await time.latest(), { grantee: c.researcherAddress, purposeNames: ["HRESCH"], anonymizedOnly: true });
      await wallet.write.execute([
        c.consentManager.address,
        encodeFunctionData({ abi: c.consentManager.abi, functionName: "setPolicy", args: [RESEARCH_POLICY, policy] }),
      ]);
      await c.consentManager.write.requestAccess([wallet.address, RESEARCH_POLICY, policy, Purpose.HRESCH, Rights.READ, 0], {
        account: c.researcher.account,
      });
      await wallet.write.execute([c.pool.address, encodeFunctionData({ abi: c.pool.abi, functionName: "submitData", args: [id, idOf(c.hospital.account.address, record)] })]);
      await c.pool.write.acceptContribution([id, wallet.address], { account: c.researcher.account });
      await viem.assertions.revertWithCustomErrorWithArgs(exec("claimReward", [id, wallet.address]), c.pool, "ResearchTransferFailed", [
        getAddress(wallet.address),
        REWARD,
      ]);
      const before = await balance(c, vault);
      await viem.assertions.emitWithArgs(exec("claimReward", [id, vault]), c.pool, "RewardClaimed", [id, getAddress(wallet.address), vault, REWARD]);
      assert.equal(await balance(c, vault), before + REWARD);
      assert.equal((await c.pool.read.dataContributionOf([id, wallet.address])).status, dataStatus("Paid"));
    });

    it("refuses the zero address as recipient of a refund, a withdrawal, a closing and a reward (ResearchZeroRecipient)", async () => {
      const c = await networkHelpers.loadFixture(researchFixture);
      const { id } = await submittedStudy(c);
      const calls = [
        c.pool.write.refund([id, zeroAddress], { account: c.donor.account }),
        c.pool.write.withdraw([id, zeroAddress], { account: c.researcher.account }),
        c.pool.write.closeStudy([id, zeroAddress], { account: c.researcher.account }),
        c.pool.write.claimReward([id, zeroAddress], { account: c.patient.account }),
      ];
      for (const call of calls) {
        await viem.assertions.revertWithCustomErrorWithArgs(call, c.pool, "ResearchZeroRecipient", []);
      }
    });
  });

  describe("reentrancy", () => {
    async function attackerFixture() {
      const c = await networkHelpers.loadFixture(researchFixture);
      const attacker = await viem.deployContract("MockReentrantReceiver", [c.pool.address]);
      const exec = (target: Address, data: Hex, value = 0n) => attacker.write.execute([target, data], { value });
      const call = (functionName: "refund" | "withdraw" | "claimReward" | "closeStudy", id: bigint) =>
        exec(c.pool.address, encodeFunctionData({ abi: c.pool.abi, functionName, args: [id, attacker.address] }));
      return { c, attacker, exec, call };
    }

    it("refund: a receiver re-entering refund makes the payment fail; swallowing it, it is paid once", async () => {
      const { c, attacker, exec, call } = await attackerFixture();
      const { id, p } = await openStudy(c);
      const amount = 300n * FINNEY;
      await exec(c.pool.address, encodeFunctionData({ abi: c.pool.abi, functionName: "contribute", args: [id, amount] }), amount);
      await contribute(c, id, 100n * FINNEY);
      await time.increaseTo(p.deadline + 1);

      await attacker.write.arm([Attack.Refund, id, false]);
      await viem.assertions.revertWithCustomErrorWithArgs(call("refund", id), c.pool, "ResearchTransferFailed", [
        getAddress(attacker.address),
        amount,
      ]);
      assert.equal(await c.pool.read.contributionOf([id, attacker.address]), amount);

      await attacker.write.arm([Attack.Refund, id, true]);
      await call("refund", id);
      assert.equal(await attacker.read.lastError(), REENTRANT_CALL);
      assert.equal(await attacker.read.payments(), 1n);
      assert.equal(await attacker.read.received(), amount);
      assert.equal(await c.pool.read.contributionOf([id, attacker.address]), 0n);
      await viem.assertions.revertWithCustomErrorWithArgs(call("refund", id), c.pool, "ResearchNothingToRefund", [
        id,
        getAddress(attacker.address),
      ]);
      // The honest donor's refund is intact.
      assert.equal(await balance(c, c.pool.address), 100n * FINNEY);
    });

    it("withdraw: a researcher contract re-entering withdraw makes the payment fail; swallowing it, it is paid once", async () => {
      const { c, attacker, exec, call } = await attackerFixture();
      await c.consortium.write.grantRole([Role.RESEARCHER, attacker.address]);
      const p = await params();
      await exec(c.pool.address, encodeFunctionData({ abi: c.pool.abi, functionName: "createStudy", args: [p] }));
      const id = await c.pool.read.studyCount();
      await contribute(c, id, GOAL);
      await pastDeadline(p);
      const amount = GOAL - RESERVE;

      await attacker.write.arm([Attack.Withdraw, id, false]);
      await viem.assertions.revertWithCustomErrorWithArgs(call("withdraw", id), c.pool, "ResearchTransferFailed", [
        getAddress(attacker.address),
        amount,
      ]);
      assert.equal((await c.pool.read.getStudy([id])).withdrawn, false);

      await attacker.write.arm([Attack.Withdraw, id, true]);
      await call("withdraw", id);
      assert.equal(await attacker.read.lastError(), REENTRANT_CALL);
      assert.equal(await attacker.read.payments(), 1n);
      assert.equal(await attacker.read.received(), amount);
      await viem.assertions.revertWithCustomErrorWithArgs(call("withdraw", id), c.pool, "ResearchAlreadyWithdrawn", [id]);
      assert.equal(await balance(c, c.pool.address), RESERVE);
    });

    it("claimReward: a patient contract re-entering claimReward makes the payment fail; swallowing it, it is paid once", async () => {
      const { c, attacker, exec, call } = await attackerFixture();
      const record = newRecord(attacker.address, "attacker-lab", { category: Category.Lab });
      await c.recordRegistry.write.register([record], { account: c.hospital.account });
      const { id } = await fundedStudy(c);
      const policy = terms(await time.latest(), { grantee: c.researcherAddress, purposeNames: ["HRESCH"], anonymizedOnly: true });
      await exec(c.consentManager.address, encodeFunctionData({ abi: c.consentManager.abi, functionName: "setPolicy", args: [RESEARCH_POLICY, policy] }));
      await c.consentManager.write.requestAccess([attacker.address, RESEARCH_POLICY, policy, Purpose.HRESCH, Rights.READ, 0], {
        account: c.researcher.account,
      });
      await exec(c.pool.address, encodeFunctionData({ abi: c.pool.abi, functionName: "submitData", args: [id, idOf(c.hospital.account.address, record)] }));
      await c.pool.write.acceptContribution([id, attacker.address], { account: c.researcher.account });

      await attacker.write.arm([Attack.ClaimReward, id, false]);
      await viem.assertions.revertWithCustomErrorWithArgs(call("claimReward", id), c.pool, "ResearchTransferFailed", [
        getAddress(attacker.address),
        REWARD,
      ]);
      assert.equal((await c.pool.read.dataContributionOf([id, attacker.address])).status, dataStatus("Accepted"));

      await attacker.write.arm([Attack.ClaimReward, id, true]);
      await call("claimReward", id);
      assert.equal(await attacker.read.lastError(), REENTRANT_CALL);
      assert.equal(await attacker.read.payments(), 1n);
      assert.equal(await attacker.read.received(), REWARD);
      assert.equal((await c.pool.read.dataContributionOf([id, attacker.address])).status, dataStatus("Paid"));
      await viem.assertions.revertWithCustomErrorWithArgs(call("claimReward", id), c.pool, "ResearchWrongDataStatus", [
        id,
        getAddress(attacker.address),
      ]);
    });
  });
});

/** Gas paid by `account` in its last `count` transactions (to the wei: gasUsed × effectiveGasPrice). */
async function lastGasCosts(c: Fixture, account: Address, count: number): Promise<bigint> {
  let cost = 0n;
  let found = 0;
  for (let n = await c.publicClient.getBlockNumber(); found < count && n > 0n; n--) {
    const block = await c.publicClient.getBlock({ blockNumber: n, includeTransactions: true });
    for (const tx of block.transactions) {
      if (getAddress(tx.from) !== getAddress(account)) continue;
      const receipt = await c.publicClient.getTransactionReceipt({ hash: tx.hash });
      cost += gasCost(receipt);
      found++;
    }
  }
  return cost;
}
