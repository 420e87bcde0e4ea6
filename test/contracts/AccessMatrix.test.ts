/**
 * Every external state-changing function of every deployable contract, called by every kind of
 * actor, from one table: who may call it, and the exact error (with its arguments) everyone else
 * gets. The table is checked against the ABIs: a function without a row, or a row for a function the
 * ABI lacks, fails the first tests with its signature.
 *
 * Rows: test/contracts/access-matrix/<contract>.rows.ts (format: `Row` in fixture.ts); the cast and
 * the one fixture: test/contracts/access-matrix/fixture.ts.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { readdirSync } from "node:fs";
import path from "node:path";
import { network } from "hardhat";
import { toFunctionSignature, type Abi } from "viem";
import { ACTORS, matrixFixture, type ContractRows, type Outcome } from "./access-matrix/fixture.js";
import { consentManagerRows } from "./access-matrix/consent-manager.rows.js";
import { consortiumRows } from "./access-matrix/consortium.rows.js";
import { emergencyAccessRows } from "./access-matrix/emergency-access.rows.js";
import { keyRegistryRows } from "./access-matrix/key-registry.rows.js";
import { recordRegistryRows } from "./access-matrix/record-registry.rows.js";
import { researchPoolRows } from "./access-matrix/research-pool.rows.js";

const connection = await network.create();
const { viem, networkHelpers } = connection;

const TABLES: ContractRows[] = [
  consortiumRows,
  keyRegistryRows,
  recordRegistryRows,
  consentManagerRows,
  emergencyAccessRows,
  researchPoolRows,
];

/** The deployables: contracts/*.sol at the top level. */
const DEPLOYABLES = readdirSync(path.resolve(import.meta.dirname, "../../contracts"), { withFileTypes: true })
  .filter((e) => e.isFile() && e.name.endsWith(".sol"))
  .map((e) => e.name.slice(0, -".sol".length));

async function accessMatrixFixture() {
  return matrixFixture(connection);
}

const title = (t: ContractRows, fn: string, rowCase?: string) => `${t.name}.${fn}${rowCase ? ` [${rowCase}]` : ""}`;

/** The state-changing functions of an ABI, by canonical signature (overloads apart). */
function stateChanging(abi: Abi): string[] {
  return abi
    .filter((item) => item.type === "function" && item.stateMutability !== "view" && item.stateMutability !== "pure")
    .map((item) => toFunctionSignature(item as Extract<Abi[number], { type: "function" }>));
}

describe("access matrix: the table covers the ABIs", () => {
  it("has a rows file for every deployable contract", () => {
    const covered = new Set(TABLES.map((t) => t.name));
    assert.deepEqual(
      DEPLOYABLES.filter((name) => !covered.has(name)).map((name) => `no access-matrix rows for contract ${name}`),
      [],
    );
  });

  for (const t of TABLES) {
    it(`${t.name}: a row for every state-changing function, and only for functions of its ABI`, async () => {
      const c = await networkHelpers.loadFixture(accessMatrixFixture);
      const inAbi = stateChanging(c[t.contract].abi as Abi);
      const inRows = new Set(t.rows.map((row) => row.fn));
      const problems = [
        ...inAbi.filter((fn) => !inRows.has(fn)).map((fn) => `no access-matrix row for ${t.name}.${fn}`),
        ...[...inRows]
          .filter((fn) => !inAbi.includes(fn))
          .map((fn) => `access-matrix row for ${t.name}.${fn}, which is not in its ABI`),
      ];
      assert.deepEqual(problems, []);
    });
  }

  it("every row is well-formed", () => {
    const problems: string[] = [];
    const seen = new Set<string>();
    for (const t of TABLES) {
      for (const row of t.rows) {
        const name = title(t, row.fn, row.case);
        if (seen.has(name)) problems.push(`${name}: two rows (give them different cases)`);
        seen.add(name);
        if (row.allowed === "everyone") {
          if (!row.why) problems.push(`${name}: an "everyone" row needs \`why\` (what authorizes the call instead)`);
        } else {
          if (!row.refused) problems.push(`${name}: needs \`refused\` (the error refused actors get)`);
          if (row.fails)
            problems.push(`${name}: \`fails\` is for "everyone" rows; list refused actors through \`refused\``);
        }
      }
    }
    assert.deepEqual(problems, []);
  });
});

describe("access matrix: every state-changing function × every actor", () => {
  for (const t of TABLES) {
    for (const row of t.rows) {
      describe(title(t, row.fn, row.case), () => {
        for (const actor of ACTORS) {
          const everyone = row.allowed === "everyone";
          const failure = everyone ? row.fails?.[actor] : undefined;
          const allowed = !failure && (everyone || row.allowed.includes(actor));
          const name = failure
            ? `${actor} fails, not for access: ${failure.because}`
            : allowed
              ? `allows ${actor}${everyone ? ` (everyone: ${row.why})` : ""}`
              : `refuses ${actor}`;
          it(name, async () => {
            const c = await networkHelpers.loadFixture(accessMatrixFixture);
            if (allowed) {
              const receipt = await c.publicClient.waitForTransactionReceipt({ hash: await row.call(c, actor) });
              assert.equal(receipt.status, "success");
              return;
            }
            const outcome: Outcome | undefined = failure ? failure.outcome(c) : row.refused?.(c, actor);
            assert.ok(outcome, `${title(t, row.fn, row.case)} has no \`refused\` for ${actor}`);
            const contract = c[t.contract];
            if (outcome.args.length === 0) {
              await viem.assertions.revertWithCustomError(row.call(c, actor), contract, outcome.error as never);
            } else {
              await viem.assertions.revertWithCustomErrorWithArgs(
                row.call(c, actor),
                contract,
                outcome.error as never,
                outcome.args as never,
              );
            }
          });
        }
      });
    }
  }
});
