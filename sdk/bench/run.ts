/**
 * `npm run bench`: this library against age on the same generated file (default 1 GiB).
 *
 *   encrypt: caduceus = encrypt + CID + local store (+ key sealed to an X25519 key), vs `age -r`
 *   decrypt: caduceus = fetch from the local store, every block verified against the CID, + decrypt,
 *            vs `age -d -i keyfile`
 *
 * Each side runs as its own process (wall time around the process, its own peak RSS); the median of
 * `--runs` rounds is reported. Results are merged into bench/results.json at the repository root
 * under keys named for the size (encrypt1GiB, decrypt64MiB, …). See docs/benchmarks.md.
 *
 *   npm run bench [-- --size <MiB>] [--runs <n>] [--put-hasher <name>] [--get-hasher <name>]
 *                 [--try-hashers] [--skip-breakdown] [--no-write] [--tsx] [--skip-dashboard]
 *
 * Then the query layer's dashboard benchmark runs (sdk/bench/dashboard.ts; docs/query.md).
 */
import { spawnSync } from "node:child_process";
import { createHash, randomBytes, randomFillSync } from "node:crypto";
import { createReadStream, existsSync, readFileSync } from "node:fs";
import { mkdir, mkdtemp, open, rm, writeFile } from "node:fs/promises";
import { cpus, loadavg, release, tmpdir, totalmem } from "node:os";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { build } from "esbuild";
import { x25519Kem } from "../src/crypto/kems.ts";
import { toHex } from "../src/storage/hasher.ts";
import { HASHER_NAMES } from "./hashers.ts";
import { hasGnuTime, lastJsonLine, measureProcess, median, type Measured } from "./measure.ts";
import { mergeResults, RESULTS_PATH } from "./results.ts";

const MiB = 1024 * 1024;
const SDK_DIR = resolve(import.meta.dirname, "..");
const CHILD = join(SDK_DIR, "bench/caduceus-child.ts");
const TARGETS = { encryptRatioToAge: 1.5, peakRssMiBAt1GiB: 128 };

const { values: opts } = parseArgs({
  options: {
    size: { type: "string", default: "1024" },
    runs: { type: "string", default: "3" },
    "put-hasher": { type: "string", default: "default" },
    "get-hasher": { type: "string", default: "default" },
    "try-hashers": { type: "boolean", default: false },
    "no-write": { type: "boolean", default: false },
    /** Skip the stage-by-stage breakdown (run once after the rounds). */
    "skip-breakdown": { type: "boolean", default: false },
    /** Run the caduceus child through tsx instead of as an esbuild bundle (adds tsx's start-up and memory). */
    tsx: { type: "boolean", default: false },
    /** Skip the query layer's dashboard benchmark (`npm run bench:dashboard` runs it alone). */
    "skip-dashboard": { type: "boolean", default: false },
  },
});
const sizeMiB = Number(opts.size);
const runs = Number(opts.runs);
if (!Number.isInteger(sizeMiB) || sizeMiB < 1) fail(`--size must be a whole number of MiB ≥ 1 (got ${opts.size})`);
if (!Number.isInteger(runs) || runs < 1) fail(`--runs must be a whole number ≥ 1 (got ${opts.runs})`);
for (const name of [opts["put-hasher"], opts["get-hasher"]]) {
  if (!HASHER_NAMES.includes(name)) fail(`unknown hasher "${name}" (one of ${HASHER_NAMES.join(", ")})`);
}
const sizeBytes = sizeMiB * MiB;
const sizeLabel = sizeMiB % 1024 === 0 ? `${sizeMiB / 1024}GiB` : `${sizeMiB}MiB`;

function fail(message: string): never {
  console.error(`bench: ${message}`);
  process.exit(1);
}

const benchStarted = performance.now();
function log(message: string): void {
  console.log(`[${((performance.now() - benchStarted) / 1000).toFixed(1).padStart(6)} s] ${message}`);
}

// ── Preconditions and machine ────────────────────────────────────────────────────────────────
function tool(command: string, args: string[]): string {
  const result = spawnSync(command, args, { encoding: "utf8" });
  if (result.error || result.status !== 0) {
    fail(`\`${command}\` is not installed or does not run (${result.error?.message ?? result.stderr.trim()}): install Debian's age: bash scripts/system-deps.sh`);
  }
  return result.stdout.trim();
}
const ageVersion = tool("age", ["--version"]);
tool("age-keygen", ["--version"]);

const cpuinfo = existsSync("/proc/cpuinfo") ? readFileSync("/proc/cpuinfo", "utf8") : "";
const flags = new Set((/^flags\s*:\s*(.*)$/m.exec(cpuinfo)?.[1] ?? "").split(/\s+/));
const machine = {
  cpuModel: cpus()[0]?.model ?? "unknown",
  cores: cpus().length,
  memoryGiB: Math.round((totalmem() / 1024 ** 3) * 10) / 10,
  shaNi: flags.has("sha_ni"),
  aesNi: flags.has("aes"),
  node: process.version,
  age: ageVersion,
  kernel: release(),
  loadAverageAtStart: loadavg().map((value) => Math.round(value * 100) / 100),
  caduceusRuntime: opts.tsx ? "node --import tsx sdk/bench/caduceus-child.ts" : "node on an esbuild bundle of sdk/bench/caduceus-child.ts",
  peakRssSource: hasGnuTime ? "/usr/bin/time -f %M" : "VmHWM polled from /proc/<pid>/status",
};

// ── Measurement ──────────────────────────────────────────────────────────────────────────────
interface CaduceusReport {
  workSeconds: number;
  cpuSeconds: number;
  peakRssMiB: number;
  cid?: string;
  size?: number;
  contentDigest?: string;
  envelope?: string;
}

const work = await mkdtemp(join(tmpdir(), "caduceus-bench-"));
const rssFile = join(work, "rss.txt");
const input = join(work, "input.bin");
const cleanup = () => rm(work, { recursive: true, force: true });
process.on("SIGINT", () => {
  void cleanup().finally(() => process.exit(130));
});

/** Flushes dirty pages so one side's write-back is not paid by the next measurement. */
function settle(): void {
  spawnSync("sync");
}

async function sha256File(path: string): Promise<string> {
  const hash = createHash("sha256");
  for await (const chunk of createReadStream(path, { highWaterMark: 4 * MiB })) hash.update(chunk as Buffer);
  return hash.digest("hex");
}

async function generateInput(): Promise<string> {
  const hash = createHash("sha256");
  const buffer = new Uint8Array(16 * MiB);
  const file = await open(input, "w");
  try {
    for (let written = 0; written < sizeBytes; ) {
      const piece = buffer.subarray(0, Math.min(buffer.length, sizeBytes - written));
      randomFillSync(piece);
      hash.update(piece);
      await file.write(piece);
      written += piece.length;
    }
  } finally {
    await file.close();
  }
  return hash.digest("hex");
}

/**
 * The caduceus side runs as plain node on an esbuild bundle of the child (the SDK's own source,
 * bundled as an application would ship it), so that neither tsx's start-up nor its loader thread
 * is counted; `--tsx` runs the TypeScript directly instead.
 */
const childBundle = join(work, "caduceus-child.mjs");
async function bundleChild(): Promise<void> {
  await build({ entryPoints: [CHILD], outfile: childBundle, bundle: true, platform: "node", format: "esm", target: "node22", logLevel: "silent" });
}
function caduceus(args: string[]): Promise<Measured> {
  const argv = opts.tsx ? ["--import", "tsx", CHILD, ...args] : [childBundle, ...args];
  return measureProcess(process.execPath, argv, { cwd: SDK_DIR, rssFile });
}

interface Stage {
  what: string;
  wallSeconds: number;
  cpuSeconds: number;
  peakRssMiB: number;
  throughputMiBps: number;
}
interface Breakdown {
  baseline: Stage;
  encrypt: Record<string, Stage>;
  decrypt: Record<string, Stage>;
}

interface Round {
  encrypt: { caduceus: Measured & { report: CaduceusReport }; age: Measured };
  decrypt: { caduceus: Measured & { report: CaduceusReport }; age: Measured };
  /** The store of this round, kept only when asked (for the breakdown), and its content. */
  store: string;
  cid: string;
}

try {
  log(`caduceus vs ${ageVersion === "" ? "age" : `age ${ageVersion}`}, ${sizeLabel}, ${runs} round(s); ${machine.cpuModel}, ${machine.cores} cores, SHA-NI ${machine.shaNi ? "yes" : "no"}, node ${machine.node}`);
  log(`work directory ${work}`);
  if (!opts.tsx) await bundleChild();
  log(`generating ${sizeMiB} MiB of random input…`);
  const inputSha = await generateInput();
  log(`input ready, SHA-256 ${inputSha.slice(0, 16)}…`);

  // Keys: an age X25519 identity, and a caduceus X25519 key pair + account (the envelope's recipient).
  const ageKey = join(work, "age-key.txt");
  tool("age-keygen", ["-o", ageKey]);
  const ageRecipient = tool("age-keygen", ["-y", ageKey]);
  const pair = await x25519Kem.generateKeyPairBytes();
  const recipientFile = join(work, "recipient.json");
  await writeFile(
    recipientFile,
    JSON.stringify({ address: toHex(randomBytes(20)), x25519: { publicKey: toHex(pair.publicKey), privateKey: toHex(pair.privateKey) } }),
  );

  /** One round: both encryptions, correctness checks, both decryptions, output checks. */
  async function round(index: number, putHasher: string, getHasher: string, withAge: boolean, keepStore = false): Promise<Partial<Round>> {
    const tag = runs > 1 || !withAge ? ` (round ${index + 1}${withAge ? `/${runs}` : `, put ${putHasher}, get ${getHasher}`})` : "";
    const store = join(work, `store-${index}`);
    await mkdir(store);
    const ageCiphertext = join(work, "input.bin.age");
    // Alternate who goes first, so that neither always runs on a cooler or warmer machine.
    const ageFirst = index % 2 === 0;
    const encryptAge = async () => {
      settle();
      log(`encrypt  age${tag}…`);
      const measured = await measureProcess("age", ["-r", ageRecipient, "-o", ageCiphertext, input], { rssFile });
      log(`         age: ${measured.wallSeconds.toFixed(2)} s, peak RSS ${measured.peakRssMiB.toFixed(0)} MiB`);
      return measured;
    };
    const encryptCaduceus = async () => {
      settle();
      log(`encrypt  caduceus${tag} (encrypt + CID + local store)…`);
      const measured = await caduceus(["encrypt", input, store, recipientFile, putHasher]);
      const report = lastJsonLine<CaduceusReport>(measured.stdout);
      log(`         caduceus: ${measured.wallSeconds.toFixed(2)} s (${report.workSeconds.toFixed(2)} s after start-up), peak RSS ${measured.peakRssMiB.toFixed(0)} MiB, CID ${report.cid}`);
      return { ...measured, report };
    };
    let encAge: Measured | undefined;
    let encCaduceus: Measured & { report: CaduceusReport };
    if (withAge && ageFirst) encAge = await encryptAge();
    encCaduceus = await encryptCaduceus();
    if (withAge && !ageFirst) encAge = await encryptAge();

    // The CID recomputed from what the store returns must be the one the store reported.
    log(`verify   recomputing the CID of the stored ciphertext (not timed)…`);
    const check = lastJsonLine<CaduceusReport>((await caduceus(["verify", store, encCaduceus.report.cid!])).stdout);
    if (check.cid !== encCaduceus.report.cid || check.size !== encCaduceus.report.size || check.contentDigest !== encCaduceus.report.contentDigest) {
      throw new Error(`CID mismatch: the store reported ${JSON.stringify(encCaduceus.report)}, recomputed ${JSON.stringify(check)}`);
    }
    log(`         CID, size (${check.size} bytes) and content digest match`);

    const decryptAge = async () => {
      const output = join(work, "age.out");
      settle();
      log(`decrypt  age${tag}…`);
      const measured = await measureProcess("age", ["-d", "-i", ageKey, "-o", output, ageCiphertext], { rssFile });
      log(`         age: ${measured.wallSeconds.toFixed(2)} s, peak RSS ${measured.peakRssMiB.toFixed(0)} MiB`);
      await checkOutput("age", output);
      return measured;
    };
    const decryptCaduceus = async () => {
      const output = join(work, "caduceus.out");
      settle();
      log(`decrypt  caduceus${tag} (fetch + verify CID + decrypt)…`);
      const measured = await caduceus(["decrypt", store, encCaduceus.report.cid!, encCaduceus.report.envelope!, recipientFile, output, getHasher]);
      const report = lastJsonLine<CaduceusReport>(measured.stdout);
      log(`         caduceus: ${measured.wallSeconds.toFixed(2)} s (${report.workSeconds.toFixed(2)} s after start-up), peak RSS ${measured.peakRssMiB.toFixed(0)} MiB`);
      await checkOutput("caduceus", output);
      return { ...measured, report };
    };
    let decAge: Measured | undefined;
    let decCaduceus: Measured & { report: CaduceusReport };
    if (withAge && ageFirst) decAge = await decryptAge();
    decCaduceus = await decryptCaduceus();
    if (withAge && !ageFirst) decAge = await decryptAge();
    if (!keepStore) await rm(store, { recursive: true, force: true });
    await rm(ageCiphertext, { force: true });
    return {
      encrypt: { caduceus: encCaduceus, age: encAge! },
      decrypt: { caduceus: decCaduceus, age: decAge! },
      store,
      cid: encCaduceus.report.cid!,
    };
  }

  async function checkOutput(side: string, output: string): Promise<void> {
    const sha = await sha256File(output);
    await rm(output, { force: true });
    if (sha !== inputSha) throw new Error(`${side}: the decrypted output's SHA-256 ${sha} is not the input's ${inputSha}`);
    log(`         ${side}: decrypted output's SHA-256 equals the input's`);
  }

  /** The caduceus side stage by stage (once, not part of the medians): where the time goes. */
  async function stages(last: Round): Promise<Breakdown> {
    const stage = async (label: string, args: string[]): Promise<Stage> => {
      settle();
      log(`stages   ${label}…`);
      const measured = await caduceus(args);
      const report = lastJsonLine<CaduceusReport>(measured.stdout);
      log(`         ${measured.wallSeconds.toFixed(2)} s, CPU ${(measured.cpuSeconds ?? report.cpuSeconds).toFixed(2)} s, peak RSS ${measured.peakRssMiB.toFixed(0)} MiB`);
      return {
        what: label,
        wallSeconds: round3(measured.wallSeconds),
        cpuSeconds: round3(measured.cpuSeconds ?? report.cpuSeconds),
        peakRssMiB: round1(measured.peakRssMiB),
        throughputMiBps: Math.round(sizeMiB / measured.wallSeconds),
      };
    };
    const emptyStore = join(work, "store-empty");
    const baseline = await stage("runtime baseline: node + the library loaded + a store opened (its hashing thread started), no data", ["baseline", emptyStore]);
    const encryptOnly = await stage("encryptRecord(file) only, ciphertext discarded", ["encrypt-only", input]);
    const encryptAndCid = await stage("computeCid(encryptRecord(file)): encryption + CID + content digest, nothing stored", ["encrypt-cid", input, opts["put-hasher"]]);
    const fetchAndVerify = await stage("FsContentStore.get(cid) drained: blocks read and verified, not decrypted", ["fetch-only", last.store, last.cid, opts["get-hasher"]]);
    return { baseline, encrypt: { encryptOnly, encryptAndCid }, decrypt: { fetchAndVerify } };
  }

  const results: Record<string, unknown> = {};
  const date = new Date().toISOString();

  if (opts["try-hashers"]) {
    // Each hasher variant once per round, caduceus side only (age does not hash).
    const trials: Record<string, { encryptWallSeconds: number; decryptWallSeconds: number; encryptPeakRssMiB: number; decryptPeakRssMiB: number }> = {};
    for (const name of HASHER_NAMES) {
      const enc: number[] = [];
      const dec: number[] = [];
      let encRss = 0;
      let decRss = 0;
      for (let i = 0; i < runs; i++) {
        const r = await round(i, name, name, false);
        enc.push(r.encrypt!.caduceus.wallSeconds);
        dec.push(r.decrypt!.caduceus.wallSeconds);
        encRss = Math.max(encRss, r.encrypt!.caduceus.peakRssMiB);
        decRss = Math.max(decRss, r.decrypt!.caduceus.peakRssMiB);
      }
      trials[name] = { encryptWallSeconds: round3(median(enc)), decryptWallSeconds: round3(median(dec)), encryptPeakRssMiB: round1(encRss), decryptPeakRssMiB: round1(decRss) };
    }
    console.log(`\nHasher variants, caduceus side, ${sizeLabel}, median of ${runs}:`);
    console.log(`| hasher | encrypt s | encrypt MiB/s | decrypt s | decrypt MiB/s | peak RSS enc / dec MiB |`);
    console.log(`|---|---:|---:|---:|---:|---:|`);
    for (const [name, t] of Object.entries(trials)) {
      console.log(
        `| ${name} | ${t.encryptWallSeconds.toFixed(2)} | ${(sizeMiB / t.encryptWallSeconds).toFixed(0)} | ${t.decryptWallSeconds.toFixed(2)} | ${(sizeMiB / t.decryptWallSeconds).toFixed(0)} | ${t.encryptPeakRssMiB.toFixed(0)} / ${t.decryptPeakRssMiB.toFixed(0)} |`,
      );
    }
    results[`hasherTrials${sizeLabel}`] = { date, sizeMiB, runs, machine, trials };
  } else {
    const rounds: Round[] = [];
    const withBreakdown = !opts["skip-breakdown"];
    for (let i = 0; i < runs; i++) rounds.push((await round(i, opts["put-hasher"], opts["get-hasher"], true, withBreakdown && i === runs - 1)) as Round);
    const breakdown = withBreakdown ? await stages(rounds.at(-1)!) : undefined;
    for (const direction of ["encrypt", "decrypt"] as const) {
      const cad = rounds.map((r) => r[direction].caduceus);
      const age = rounds.map((r) => r[direction].age);
      const cadWall = median(cad.map((m) => m.wallSeconds));
      const ageWall = median(age.map((m) => m.wallSeconds));
      const cadPeak = Math.max(...cad.map((m) => m.peakRssMiB));
      const ratio = cadWall / ageWall;
      const entry: Record<string, unknown> = {
        date,
        sizeMiB,
        sizeBytes,
        runs,
        caduceus: {
          what:
            direction === "encrypt"
              ? "encryptRecord → FsContentStore.put (CID + content digest + blocks on disk, each fsynced) + X25519 key envelope, one process"
              : "X25519 envelope opened, FsContentStore.get (every block verified against the CID) → decryptRecord → file, one process",
          hasher: direction === "encrypt" ? opts["put-hasher"] : opts["get-hasher"],
          wallSeconds: round3(cadWall),
          workSecondsExcludingStartup: round3(median(cad.map((m) => m.report.workSeconds))),
          cpuSeconds: round3(median(cad.map((m) => m.cpuSeconds ?? m.report.cpuSeconds))),
          peakRssMiB: round1(cadPeak),
          throughputMiBps: Math.round(sizeMiB / cadWall),
          runsWallSeconds: cad.map((m) => round3(m.wallSeconds)),
          ...(breakdown ? { runtimeBaselineRssMiB: breakdown.baseline.peakRssMiB, stages: breakdown[direction] } : {}),
        },
        age: {
          what: direction === "encrypt" ? "age -r <X25519 recipient> -o <file> (no hashing, no fsync)" : "age -d -i <keyfile> -o <file>",
          wallSeconds: round3(ageWall),
          ...(age[0].cpuSeconds !== undefined ? { cpuSeconds: round3(median(age.map((m) => m.cpuSeconds!))) } : {}),
          peakRssMiB: round1(Math.max(...age.map((m) => m.peakRssMiB))),
          throughputMiBps: Math.round(sizeMiB / ageWall),
          runsWallSeconds: age.map((m) => round3(m.wallSeconds)),
        },
        ratioToAge: round3(ratio),
        machine,
      };
      const targets: Record<string, unknown> = {};
      if (direction === "encrypt") targets.ratioToAge = { atMost: TARGETS.encryptRatioToAge, met: ratio <= TARGETS.encryptRatioToAge };
      // The memory target is stated for 1 GiB; memory is constant, so it applies to any size.
      targets.peakRssMiB = { atMost: TARGETS.peakRssMiBAt1GiB, met: cadPeak <= TARGETS.peakRssMiBAt1GiB };
      entry.targets = targets;
      results[`${direction}${sizeLabel}`] = entry;
    }
    printTable(results);
    if (breakdown) printStages(breakdown);
    await rm(rounds.at(-1)!.store, { recursive: true, force: true });
  }

  if (!opts["no-write"]) {
    // Merge: a quick run at another size must not destroy the committed 1 GiB entries.
    await mergeResults(results);
    log(`wrote ${Object.keys(results).join(", ")} to ${RESULTS_PATH}`);
  }
} catch (error) {
  await cleanup();
  console.error(`\nbench FAILED: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
await cleanup();
if (!opts["skip-dashboard"]) {
  // The query layer's benchmark (docs/query.md), in its own process with its own Hardhat node.
  log("dashboard benchmark (sdk/bench/dashboard.ts)…");
  const dashboard = spawnSync(process.execPath, ["--import", "tsx", join(SDK_DIR, "bench/dashboard.ts"), ...(opts["no-write"] ? ["--no-write"] : [])], { stdio: "inherit", cwd: SDK_DIR });
  if (dashboard.status !== 0) fail("the dashboard benchmark failed");
}
process.exit(0);

function round1(value: number): number {
  return Math.round(value * 10) / 10;
}
function round3(value: number): number {
  return Math.round(value * 1000) / 1000;
}

function printTable(results: Record<string, unknown>): void {
  type Side = { wallSeconds: number; peakRssMiB: number; throughputMiBps: number; cpuSeconds?: number; workSecondsExcludingStartup?: number };
  type Entry = { caduceus: Side & { hasher: string }; age: Side; ratioToAge: number; targets: Record<string, { atMost: number; met: boolean }> };
  const cell = (value: number | undefined, width: number, digits = 2) => (value === undefined ? "–" : value.toFixed(digits)).padStart(width);
  console.log(`\n${sizeLabel}, median of ${runs} round(s); wall time is around the whole process (start-up included; "work" excludes it)`);
  console.log(`|          | caduceus s | (work) | age s | ratio | caduceus MiB/s | age MiB/s | caduceus CPU s | age CPU s | caduceus peak RSS | age peak RSS |`);
  console.log(`|----------|-----------:|-------:|------:|------:|---------------:|----------:|---------------:|----------:|------------------:|-------------:|`);
  for (const direction of ["encrypt", "decrypt"]) {
    const e = results[`${direction}${sizeLabel}`] as Entry;
    console.log(
      `| ${direction.padEnd(8)} | ${cell(e.caduceus.wallSeconds, 10)} | ${cell(e.caduceus.workSecondsExcludingStartup, 6)} | ${cell(e.age.wallSeconds, 5)} | ${cell(e.ratioToAge, 5)} | ${cell(e.caduceus.throughputMiBps, 14, 0)} | ${cell(e.age.throughputMiBps, 9, 0)} | ${cell(e.caduceus.cpuSeconds, 14)} | ${cell(e.age.cpuSeconds, 9)} | ${`${e.caduceus.peakRssMiB.toFixed(0)} MiB`.padStart(17)} | ${`${e.age.peakRssMiB.toFixed(0)} MiB`.padStart(12)} |`,
    );
  }
  const enc = results[`encrypt${sizeLabel}`] as Entry;
  const dec = results[`decrypt${sizeLabel}`] as Entry;
  const verdict = (met: boolean) => (met ? "met" : "NOT met");
  console.log(`\ntargets: encryption ≤ ${TARGETS.encryptRatioToAge}× age's wall time: ${enc.ratioToAge.toFixed(2)}× — ${verdict(enc.targets.ratioToAge.met)}`);
  console.log(
    `         peak memory ≤ ${TARGETS.peakRssMiBAt1GiB} MiB: encrypt ${enc.caduceus.peakRssMiB.toFixed(0)} MiB — ${verdict(enc.targets.peakRssMiB.met)}, decrypt ${dec.caduceus.peakRssMiB.toFixed(0)} MiB — ${verdict(dec.targets.peakRssMiB.met)}`,
  );
  console.log(`(hashers: put ${enc.caduceus.hasher}, get ${dec.caduceus.hasher}; caduceus runs as ${machine.caduceusRuntime})`);
}

function printStages(breakdown: Breakdown): void {
  const rows: [string, Stage][] = [
    ["runtime baseline (no data)", breakdown.baseline],
    ["encrypt only", breakdown.encrypt.encryptOnly],
    ["encrypt + CID (no store)", breakdown.encrypt.encryptAndCid],
    ["fetch + verify (no decrypt)", breakdown.decrypt.fetchAndVerify],
  ];
  console.log(`\ncaduceus stage by stage (one run each; compare with the full rows above):`);
  console.log(`| stage                        | wall s | CPU s | MiB/s | peak RSS |`);
  console.log(`|------------------------------|-------:|------:|------:|---------:|`);
  for (const [label, s] of rows) {
    console.log(`| ${label.padEnd(28)} | ${s.wallSeconds.toFixed(2).padStart(6)} | ${s.cpuSeconds.toFixed(2).padStart(5)} | ${(label.startsWith("runtime") ? "" : String(s.throughputMiBps)).padStart(5)} | ${`${s.peakRssMiB.toFixed(0)} MiB`.padStart(8)} |`);
  }
}
