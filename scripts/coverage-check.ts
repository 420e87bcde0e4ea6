/**
 * Reads `coverage/lcov.info` (written by `hardhat test --coverage`), prints line coverage per
 * deployable contract and fails below the threshold. Test-only contracts (`contracts/mocks/`) are
 * not counted.
 *
 * Branches: Hardhat 3's coverage (EDR) reports lines only. Every `if` in the contracts therefore
 * keeps its body on lines of its own (prettier-plugin-solidity), so a branch never taken leaves an
 * uncovered line; and every custom error a contract declares must be asserted by name in a test
 * (the "error paths" check below), which covers the revert side of each branch.
 */
import { readFile, readdir } from "node:fs/promises";
import { join } from "node:path";

const THRESHOLD = 95;
const lcov = await readFile("coverage/lcov.info", "utf8").catch(() => {
  console.error("coverage-check: coverage/lcov.info is missing; run `hardhat test --coverage` first");
  process.exit(2);
});

interface FileCoverage {
  file: string;
  lines: [hit: number, found: number];
}

const files: FileCoverage[] = [];
for (const section of lcov.split("end_of_record")) {
  const file = /^SF:(.+)$/m.exec(section)?.[1]?.trim();
  if (!file || !/contracts\//.test(file) || /contracts\/mocks\//.test(file)) continue;
  const num = (key: string) => Number(new RegExp(`^${key}:(\\d+)$`, "m").exec(section)?.[1] ?? 0);
  files.push({ file: file.replace(/^.*?contracts\//, "contracts/"), lines: [num("LH"), num("LF")] });
}
if (files.length === 0) {
  console.error("coverage-check: no contract files in coverage/lcov.info");
  process.exit(2);
}

const pct = ([hit, found]: [number, number]) => (found === 0 ? 100 : (100 * hit) / found);
const sum = (pick: (f: FileCoverage) => [number, number]): [number, number] =>
  files.reduce<[number, number]>((acc, f) => [acc[0] + pick(f)[0], acc[1] + pick(f)[1]], [0, 0]);
const rows = files.map((f) => ({
  file: f.file,
  lines: `${pct(f.lines).toFixed(1)}% (${f.lines[0]}/${f.lines[1]})`,
}));
const lines = pct(sum((f) => f.lines));
rows.push({ file: "total", lines: `${lines.toFixed(1)}%` });
console.table(rows);

async function filesUnder(dir: string, pattern: RegExp): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries.filter((e) => e.isFile() && pattern.test(e.name)).map((e) => join(e.parentPath, e.name));
}

/** Custom errors declared by the deployable contracts and their interfaces. */
async function declaredErrors(): Promise<string[]> {
  const sources = (await filesUnder("contracts", /\.sol$/)).filter((f) => !f.includes("mocks"));
  const names = new Set<string>();
  for (const file of sources) {
    for (const [, name] of (await readFile(file, "utf8")).matchAll(/^\s*error (\w+)\(/gm)) names.add(name);
  }
  return [...names].sort();
}

const testText = (await Promise.all((await filesUnder("test", /\.(ts|sol)$/)).map((f) => readFile(f, "utf8")))).join("\n");
const errors = await declaredErrors();
const untested = errors.filter((name) => !new RegExp(`\\b${name}\\b`).test(testText));
const errorPaths = (100 * (errors.length - untested.length)) / errors.length;
console.log(`error paths: ${errors.length - untested.length}/${errors.length} custom errors asserted by a test`);
if (untested.length > 0) console.log(`  not asserted: ${untested.join(", ")}`);

if (lines < THRESHOLD || errorPaths < 100) {
  console.error(`coverage-check: failed (lines ${lines.toFixed(1)}% of ${THRESHOLD}%, error paths ${errorPaths.toFixed(1)}% of 100%)`);
  process.exit(1);
}
console.log(`coverage-check: lines ${lines.toFixed(1)}% (threshold ${THRESHOLD}%), every custom error asserted`);
