/**
 * Every restricted function of every contract, called by every kind of actor, from one table: who
 * may call it, and the exact error everyone else gets.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { network } from "hardhat";
import { getAddress, keccak256, toHex, type Hex } from "viem";
import { Role } from "@caduceus/sdk/chain/roles";
import { deployCaduceus } from "../helpers/deploy.js";
import { newRecord } from "../helpers/records.js";

const connection = await network.create();
const { viem, networkHelpers } = connection;

const ACTORS = ["governance", "hospital", "suspendedHospital", "doctor", "auditor", "patient", "stranger"] as const;
type Actor = (typeof ACTORS)[number];

async function matrixFixture() {
  const c = await deployCaduceus(connection);
  // otherHospital plays the suspended hospital; it wrote one record before its suspension.
  const suspendedRecord = newRecord(c.patient.account.address, "by-suspended");
  await c.recordRegistry.write.register([suspendedRecord], { account: c.otherHospital.account });
  const hospitalRecord = newRecord(c.patient.account.address, "by-hospital");
  await c.recordRegistry.write.register([hospitalRecord], { account: c.hospital.account });
  await c.consortium.write.suspendHospital([c.otherHospital.account.address]);
  const wallets: Record<Actor, typeof c.governance> = {
    governance: c.governance,
    hospital: c.hospital,
    suspendedHospital: c.otherHospital,
    doctor: c.doctor,
    auditor: c.auditor,
    patient: c.patient,
    stranger: c.stranger,
  };
  return { ...c, wallets, hospitalRecord };
}

type Fixture = Awaited<ReturnType<typeof matrixFixture>>;
const ADMIN_ROLE: Hex = `0x${"00".repeat(32)}`;
const who = (c: Fixture, actor: Actor) => getAddress(c.wallets[actor].account.address);
const fresh = (label: string) => keccak256(toHex(label));

interface Row {
  fn: string;
  contract: "consortium" | "recordRegistry" | "keyRegistry";
  call: (c: Fixture, actor: Actor) => Promise<Hex>;
  allowed: Actor[];
  /** The error and its arguments for an actor who is refused. */
  refusal: (c: Fixture, actor: Actor) => [string, unknown[]];
}

const governanceOnly = (c: Fixture, actor: Actor): [string, unknown[]] => [
  "AccessControlUnauthorizedAccount",
  [who(c, actor), ADMIN_ROLE],
];
const activeHospitalOnly = (c: Fixture, actor: Actor): [string, unknown[]] =>
  actor === "suspendedHospital"
    ? ["RecordRegistryHospitalSuspended", [who(c, actor), 2]]
    : ["RecordRegistryUnknownHospital", [who(c, actor)]];

const TABLE: Row[] = [
  {
    fn: "Consortium.admitHospital",
    contract: "consortium",
    call: (c, a) => c.consortium.write.admitHospital([getAddress(fresh(`h-${a}`).slice(0, 42)), "New", "0x"], { account: c.wallets[a].account }),
    allowed: ["governance"],
    refusal: governanceOnly,
  },
  {
    fn: "Consortium.suspendHospital",
    contract: "consortium",
    call: (c, a) => c.consortium.write.suspendHospital([c.hospital.account.address], { account: c.wallets[a].account }),
    allowed: ["governance"],
    refusal: governanceOnly,
  },
  {
    fn: "Consortium.reinstateHospital",
    contract: "consortium",
    call: (c, a) => c.consortium.write.reinstateHospital([c.otherHospital.account.address], { account: c.wallets[a].account }),
    allowed: ["governance"],
    refusal: governanceOnly,
  },
  {
    fn: "Consortium.dismissStaff",
    contract: "consortium",
    call: (c, a) => c.consortium.write.dismissStaff([c.doctor.account.address], { account: c.wallets[a].account }),
    allowed: ["governance"],
    refusal: governanceOnly,
  },
  {
    fn: "Consortium.setRolePurposes",
    contract: "consortium",
    call: (c, a) => c.consortium.write.setRolePurposes([Role.PAYER, 1n], { account: c.wallets[a].account }),
    allowed: ["governance"],
    refusal: governanceOnly,
  },
  {
    fn: "Consortium.grantRole(AUDITOR)",
    contract: "consortium",
    call: (c, a) => c.consortium.write.grantRole([Role.AUDITOR, c.stranger.account.address], { account: c.wallets[a].account }),
    allowed: ["governance"],
    refusal: governanceOnly,
  },
  {
    fn: "Consortium.proposeStaff",
    contract: "consortium",
    call: (c, a) => c.consortium.write.proposeStaff([getAddress(fresh(`s-${a}`).slice(0, 42))], { account: c.wallets[a].account }),
    allowed: ["hospital"],
    refusal: (c, a) =>
      a === "suspendedHospital" ? ["ConsortiumHospitalSuspended", [who(c, a)]] : ["ConsortiumUnknownHospital", [who(c, a)]],
  },
  {
    fn: "RecordRegistry.register",
    contract: "recordRegistry",
    call: (c, a) => c.recordRegistry.write.register([newRecord(c.patient.account.address, `r-${a}`)], { account: c.wallets[a].account }),
    allowed: ["hospital"],
    refusal: activeHospitalOnly,
  },
  {
    fn: "RecordRegistry.registerBatch",
    contract: "recordRegistry",
    call: (c, a) =>
      c.recordRegistry.write.registerBatch([[newRecord(c.patient.account.address, `b-${a}`)]], { account: c.wallets[a].account }),
    allowed: ["hospital"],
    refusal: activeHospitalOnly,
  },
  {
    fn: "RecordRegistry.registerOwn (for the patient)",
    contract: "recordRegistry",
    call: (c, a) => c.recordRegistry.write.registerOwn([newRecord(c.patient.account.address, `o-${a}`)], { account: c.wallets[a].account }),
    allowed: ["patient"],
    refusal: (c, a) => ["RecordRegistryNotPatient", [who(c, a), getAddress(c.patient.account.address)]],
  },
  {
    fn: "RecordRegistry.amend (hospital's record)",
    contract: "recordRegistry",
    call: (c, a) =>
      c.recordRegistry.write.amend([c.hospitalRecord.cidDigest, newRecord(c.patient.account.address, `a-${a}`)], { account: c.wallets[a].account }),
    allowed: ["hospital"],
    refusal: (c, a) => ["RecordRegistryNotAuthor", [who(c, a), c.hospitalRecord.cidDigest]],
  },
  {
    fn: "RecordRegistry.postAudit",
    contract: "recordRegistry",
    call: (c, a) => c.recordRegistry.write.postAudit([c.hospitalRecord.cidDigest, 0, "0x"], { account: c.wallets[a].account }),
    allowed: ["auditor"],
    refusal: (c, a) => ["RecordRegistryNotAuditor", [who(c, a)]],
  },
  {
    fn: "KeyRegistry.publish",
    contract: "keyRegistry",
    call: (c, a) => c.keyRegistry.write.publish([fresh(`k-${a}`), "0x"], { account: c.wallets[a].account }),
    allowed: [...ACTORS],
    refusal: () => ["none", []],
  },
];

describe("access matrix: every restricted function × every actor", () => {
  for (const row of TABLE) {
    describe(row.fn, () => {
      for (const actor of ACTORS) {
        const allowed = row.allowed.includes(actor);
        it(`${allowed ? "allows" : "refuses"} ${actor}`, async () => {
          const c = await networkHelpers.loadFixture(matrixFixture);
          if (allowed) {
            const receipt = await c.publicClient.waitForTransactionReceipt({ hash: await row.call(c, actor) });
            assert.equal(receipt.status, "success");
            return;
          }
          const [error, args] = row.refusal(c, actor);
          await viem.assertions.revertWithCustomErrorWithArgs(row.call(c, actor), c[row.contract], error as never, args as never);
        });
      }
    });
  }
});
