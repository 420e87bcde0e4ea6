/**
 * The query layer's shared mapping (sdk/src/query/map.ts) and the derived-status rules both
 * backends read through it: each rule at its boundary second, the contribution fold, the cursors.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { getAddress, type Hex } from "viem";
import { studyStatusAt } from "../../src/chain/research.ts";
import { justificationName, purposeName } from "../../src/chain/roles.ts";
import {
  emergencyStatusAt,
  foldContributions,
  grantStatusAt,
  parseLogCursor,
  parseStudyCursor,
  takePage,
  type ContributionEvent,
} from "../../src/query/map.ts";

const PATIENT = getAddress("0x90f79bf6eb2c4f870365e785982e1f101e93b906");
const R = (n: number) => `0x${n.toString(16).padStart(64, "a")}` as Hex;
const at = (block: number) => ({ blockNumber: BigInt(block), logIndex: 0, transactionHash: R(block), timestamp: 1000 + block });

describe("names of codes (chain/roles.ts)", () => {
  it("names a purpose bit and a justification code as the events carry them", () => {
    assert.deepEqual([purposeName(0), purposeName(2), purposeName(7)], ["TREAT", "HRESCH", "CAREMGT"]);
    assert.deepEqual([justificationName(1), justificationName(4)], ["UNCONSCIOUS", "OTHER"]);
  });
});

describe("statuses derived at the read block", () => {
  it("fails a study still funding only after its deadline second, as statusOf", () => {
    assert.equal(studyStatusAt("Funding", 100, 100), "Funding");
    assert.equal(studyStatusAt("Funding", 100, 101), "Failed");
    assert.equal(studyStatusAt("Funded", 100, 101), "Funded");
    assert.equal(studyStatusAt("Cancelled", 100, 101), "Cancelled");
  });

  it("expires an active or pending grant at its end second, never a revoked or denied one", () => {
    assert.equal(grantStatusAt("Active", 100, 99), "Active");
    assert.equal(grantStatusAt("Active", 100, 100), "Expired");
    assert.equal(grantStatusAt("Pending", 100, 100), "Expired");
    assert.equal(grantStatusAt("Revoked", 100, 200), "Revoked");
    assert.equal(grantStatusAt("Denied", 100, 200), "Denied");
  });

  it("expires an open request at approveBy and a granted one at expiresAt", () => {
    assert.equal(emergencyStatusAt("Open", { approveBy: 50 }, 49), "Open");
    assert.equal(emergencyStatusAt("Open", { approveBy: 50 }, 50), "Expired");
    assert.equal(emergencyStatusAt("Granted", { approveBy: 50, expiresAt: 90 }, 89), "Granted");
    assert.equal(emergencyStatusAt("Granted", { approveBy: 50, expiresAt: 90 }, 90), "Expired");
    assert.equal(emergencyStatusAt("Cancelled", { approveBy: 50 }, 90), "Cancelled");
  });
});

describe("foldContributions", () => {
  it("keeps one entry per submitted record: a rejected one, its resubmission accepted and paid; newest first", () => {
    const step = { studyId: 1n, patient: PATIENT };
    const events: ContributionEvent[] = [
      { kind: "Submitted", ...step, recordId: R(1), at: at(1) },
      { kind: "Rejected", ...step, recordId: R(1), reason: 2 },
      { kind: "Submitted", ...step, recordId: R(2), at: at(3) },
      { kind: "Accepted", ...step, recordId: R(2), reward: 5n },
      { kind: "Paid", studyId: 1n, patient: getAddress(PATIENT.toLowerCase()) },
    ];
    assert.deepEqual(foldContributions(events), [
      { studyId: 1n, patient: PATIENT, recordId: R(2), status: "Paid", reward: 5n, submittedAt: 1003 },
      { studyId: 1n, patient: PATIENT, recordId: R(1), status: "Rejected", rejectReason: "UNREADABLE", submittedAt: 1001 },
    ]);
  });
});

describe("pages and cursors", () => {
  it("gives the cursor of the last entry taken only when more follow", () => {
    const newestFirst = [at(9), at(8), at(7)];
    assert.deepEqual(takePage(newestFirst, 2, (e) => e), { items: [at(9), at(8)], cursor: "8.0" });
    assert.deepEqual(takePage(newestFirst, 3, (e) => e), { items: newestFirst });
    assert.deepEqual(parseLogCursor("8.0"), { blockNumber: 8n, logIndex: 0 });
  });

  it("refuses cursors that are not this layer's", () => {
    for (const bad of ["8", "8.x", `1.${2 ** 32}`, "-1.0"])
      assert.throws(() => parseLogCursor(bad), { name: "RangeError", message: `not an access-log cursor of this backend: ${bad}` });
    assert.equal(parseStudyCursor(undefined), 0);
    assert.equal(parseStudyCursor("40"), 40);
    for (const bad of ["-1", "0x10", "1e3", "x"])
      assert.throws(() => parseStudyCursor(bad), { name: "RangeError", message: `not a study-list cursor of this backend: ${bad}` });
  });
});
