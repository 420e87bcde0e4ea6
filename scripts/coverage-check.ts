/**
 * Reads `coverage/lcov.info` (written by `hardhat test --coverage`), prints line and branch coverage
 * per deployable contract and fails below the threshold. Test-only contracts (`contracts/mocks/`) are
 * not counted.
 */
import { readFile } from "node:fs/promises";

const THRESHOLD = 95;
const lcov = await readFile("coverage/lcov.info", "utf8").catch(() => {
  console.error("coverage-check: coverage/lcov.info is missing; run `hardhat test --coverage` first");
  process.exit(2);
});

interface FileCoverage {
  file: string;
  lines: [hit: number, found: number];
  branches: [hit: number, found: number];
}

const files: FileCoverage[] = [];
for (const section of lcov.split("end_of_record")) {
  const file = /^SF:(.+)$/m.exec(section)?.[1]?.trim();
  if (!file || !/contracts\//.test(file) || /contracts\/mocks\//.test(file)) continue;
  const num = (key: string) => Number(new RegExp(`^${key}:(\\d+)$`, "m").exec(section)?.[1] ?? 0);
  files.push({ file: file.replace(/^.*?contracts\//, "contracts/"), lines: [num("LH"), num("LF")], branches: [num("BRH"), num("BRF")] });
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
  branches: `${pct(f.branches).toFixed(1)}% (${f.branches[0]}/${f.branches[1]})`,
}));
const lines = pct(sum((f) => f.lines));
const branches = pct(sum((f) => f.branches));
rows.push({ file: "total", lines: `${lines.toFixed(1)}%`, branches: `${branches.toFixed(1)}%` });
console.table(rows);

if (lines < THRESHOLD || branches < THRESHOLD) {
  console.error(`coverage-check: below ${THRESHOLD}% (lines ${lines.toFixed(1)}%, branches ${branches.toFixed(1)}%)`);
  process.exit(1);
}
console.log(`coverage-check: lines ${lines.toFixed(1)}%, branches ${branches.toFixed(1)}% (threshold ${THRESHOLD}%)`);
