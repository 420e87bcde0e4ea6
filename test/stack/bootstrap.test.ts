/**
 * scripts/bootstrap.sh, the one bootstrap behind `npm start`, `npm test`, the other npm scripts and
 * `.ci/run`: it skips what is done, and when something cannot be done it says what is missing and
 * the command that fixes it, leaving nothing half-installed. Each case runs the real script in a
 * throw-away copy of the project's package files (the whole set-up from a fresh clone is proven by
 * scripts/fresh-clone-check.sh, the last step of `npm test`).
 */
import assert from "node:assert/strict";
import { execFileSync, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { chmod, cp, mkdir, mkdtemp, readdir, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { after, describe, it } from "node:test";

const ROOT = join(import.meta.dirname, "../..");
const PACKAGE_FILES = ["package.json", "package-lock.json", "sdk/package.json", "web/package.json", "subgraph/package.json"];
const temps: string[] = [];
after(async () => {
  for (const dir of temps) await rm(dir, { recursive: true, force: true });
});

/** A copy of the project as far as the bootstrap sees it: its scripts and package files, nothing installed. */
async function project(): Promise<{ base: string; dir: string }> {
  const base = await mkdtemp(join(tmpdir(), "caduceus-bootstrap-"));
  temps.push(base);
  await chmod(base, 0o755); // readable by the unprivileged user of the no-root cases
  const dir = join(base, "project");
  for (const file of [...PACKAGE_FILES, "scripts/bootstrap.sh", "scripts/system-deps.sh"]) {
    await mkdir(dirname(join(dir, file)), { recursive: true });
    await cp(join(ROOT, file), join(dir, file));
  }
  return { base, dir };
}

/** Which `node` a bin folder first on PATH provides: `node` (a path), and optionally a fake `npm`. */
async function binDir(base: string, node: string, fakeNpm?: string): Promise<string> {
  const bin = join(base, "bin");
  await mkdir(bin, { recursive: true });
  await symlink(node, join(bin, "node"));
  if (fakeNpm !== undefined) await writeFile(join(bin, "npm"), `#!/usr/bin/env bash\n${fakeNpm}\n`, { mode: 0o755 });
  return bin;
}

const realNpmDir = dirname(execFileSync("bash", ["-c", "command -v npm"], { encoding: "utf8" }).trim());
/** The system's Node (not the one the tests run on), when there is one. */
const systemNode = ["/usr/bin/node", "/usr/local/bin/node"].find((p) => existsSync(p));
const nodeMajor = (node: string) => Number(execFileSync(node, ["-p", "process.versions.node.split('.')[0]"], { encoding: "utf8" }));
const olderNode = systemNode !== undefined && nodeMajor(systemNode) < 22 ? systemNode : undefined;
const isRoot = process.getuid?.() === 0;
const hasSetpriv = existsSync("/usr/bin/setpriv");

/**
 * Runs the bootstrap in `dir` with `bin` first on PATH and a clean environment (no npm script
 * variables, nothing inherited from the `npm test` that runs this); `asNobody` runs it as an
 * unprivileged user. Resolves with the exit code, the output and the wall time.
 */
function bootstrap(
  dir: string,
  bin: string,
  args: string[],
  { env = {}, asNobody = false }: { env?: Record<string, string>; asNobody?: boolean } = {},
): Promise<{ code: number | null; output: string; seconds: number }> {
  const cleanEnv: Record<string, string> = {
    PATH: `${bin}:${realNpmDir}:/usr/local/bin:/usr/bin:/bin`,
    HOME: process.env.HOME ?? "/tmp",
    LANG: "C.UTF-8",
    TMPDIR: tmpdir(),
    ...env,
  };
  const command = asNobody && isRoot ? "setpriv" : "bash";
  const argv = [join(dir, "scripts/bootstrap.sh"), ...args];
  const fullArgs = asNobody && isRoot ? ["--reuid=65534", "--regid=65534", "--clear-groups", "bash", ...argv] : argv;
  const t0 = performance.now();
  return new Promise((resolve) => {
    const child = spawn(command, fullArgs, { cwd: dir, env: cleanEnv, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (b) => (output += b));
    child.stderr.on("data", (b) => (output += b));
    child.once("exit", (code) => resolve({ code, output, seconds: (performance.now() - t0) / 1000 }));
  });
}

/** The bootstrap's last line: the one sentence of a refusal. */
const lastLine = (output: string) => output.trim().split("\n").at(-1) ?? "";

describe("scripts/bootstrap.sh", () => {
  it("installs once, then skips everything in well under a second (the stamp of the lockfile and the Node version)", async () => {
    const { base, dir } = await project();
    // A fake npm that records its calls and "installs" by creating node_modules/.
    const calls = join(base, "npm-calls");
    const bin = await binDir(base, process.execPath, `[ "$1" = install ] || exit 0; echo "$*" >> '${calls}'; mkdir -p node_modules; echo "added 1 package in 0s"`);
    const first = await bootstrap(dir, bin, ["--for", "npm start", "node", "-p", "process.version"]);
    assert.equal(first.code, 0, first.output);
    assert.match(first.output, /bootstrap: installing the project's packages with Node v\d+/);
    assert.match(first.output, new RegExp(`^${process.version}$`, "m"), "the command runs under the chosen Node");
    assert.ok(existsSync(join(dir, "node_modules/.caduceus-bootstrap")), "the stamp is written after the install");
    const second = await bootstrap(dir, bin, ["--for", "npm start", "true"]);
    assert.equal(second.code, 0, second.output);
    assert.equal(second.output, "", "a second run prints nothing of its own");
    assert.ok(second.seconds < 1, `the second run's check took ${second.seconds.toFixed(2)} s`);
    assert.equal((await import("node:fs")).readFileSync(calls, "utf8").trim().split("\n").length, 1, "npm ran once");
    // A changed lockfile is installed again.
    await writeFile(join(dir, "package-lock.json"), "{}\n");
    const third = await bootstrap(dir, bin, ["--for", "npm start", "true"]);
    assert.equal(third.code, 0, third.output);
    assert.match(third.output, /changed since the last install: npm install/);
  });

  it("an install that fails half-way (disk full) says so in one sentence and leaves no partial node_modules behind", async () => {
    const { base, dir } = await project();
    const bin = await binDir(base, process.execPath, `[ "$1" = install ] || exit 0; mkdir -p node_modules/half-written; echo "npm error code ENOSPC" >&2; echo "npm error nospc ENOSPC: no space left on device, write" >&2; exit 1`);
    const run = await bootstrap(dir, bin, ["--for", "npm start", "true"]);
    assert.equal(run.code, 1, run.output);
    assert.match(lastLine(run.output), /^bootstrap: the disk holding .* is full, so the project's packages could not be installed: free some space \(`df -h '.*'`.*\), then run `npm start` again\.$/);
    assert.ok(!existsSync(join(dir, "node_modules")), "the half-written node_modules is removed");
  });

  it("with the registry unreachable, installing the packages fails with the sentence naming the registry, and nothing is left", async () => {
    const { base, dir } = await project();
    const bin = await binDir(base, process.execPath);
    const run = await bootstrap(dir, bin, ["--for", "npm start", "true"], {
      env: { npm_config_registry: "http://127.0.0.1:9/", npm_config_cache: join(base, "empty-cache"), npm_config_fetch_retries: "0" },
    });
    assert.equal(run.code, 1, run.output);
    assert.match(
      lastLine(run.output),
      /^bootstrap: the npm registry http:\/\/127\.0\.0\.1:9\/ cannot be reached \(ECONNREFUSED\), so the project's packages could not be installed: check the network, proxy or registry setting \(`npm ping` tests it; `npm config get registry`\), then run `npm start` again\.$/,
    );
    assert.ok(!existsSync(join(dir, "node_modules")), "no partial node_modules");
  });

  it("with only an old Node and the registry unreachable, bringing Node 22 fails with the sentence, and no .toolchain (or its temporary folder) is left", { skip: olderNode === undefined && "no Node older than 22 on this machine" }, async () => {
    const { base, dir } = await project();
    const bin = await binDir(base, olderNode!);
    const run = await bootstrap(dir, bin, ["--for", "npm test", "true"], {
      env: { npm_config_registry: "http://127.0.0.1:9/", npm_config_cache: join(base, "empty-cache"), npm_config_fetch_retries: "0" },
    });
    assert.equal(run.code, 1, run.output);
    assert.match(run.output, /bootstrap: Node v20\.\S+ is older than 22\.13 .*: installing Node 22\.23\.3 from the npm registry into \.toolchain\//);
    assert.match(lastLine(run.output), /^bootstrap: the npm registry http:\/\/127\.0\.0\.1:9\/ cannot be reached \(ECONNREFUSED\), so Node 22\.23\.3 could not be installed: .*then run `npm test` again\.$/);
    assert.deepEqual((await readdir(dir)).filter((f) => f.startsWith(".toolchain")), [], "no .toolchain, no .toolchain.tmp.*");
  });

  it("in a read-only project folder it refuses before installing anything, with the sentence and the fix", { skip: isRoot && !hasSetpriv && "root writes anywhere and setpriv is missing" }, async () => {
    const { base, dir } = await project();
    const bin = await binDir(base, systemNode ?? process.execPath);
    if (!isRoot) await chmod(dir, 0o555); // as root the folder is the root's, read-only to `nobody`
    const run = await bootstrap(dir, bin, ["--for", "npm start", "true"], { asNobody: true, env: { HOME: base } });
    if (!isRoot) await chmod(dir, 0o755);
    assert.equal(run.code, 1, run.output);
    assert.match(
      lastLine(run.output),
      /^bootstrap: cannot write to .*\/project \(a read-only project folder\), where .* must go: make it writable \(`chmod -R u\+w '.*\/project'`\) or clone the repository into a folder you own \(`git clone '.*' ~\/caduceus`\), then run `npm start` again\.$/,
    );
    assert.deepEqual((await readdir(dir)).filter((f) => f.startsWith(".") || f === "node_modules"), [], "nothing was created");
  });

  it("without root, missing Debian packages are refused with the apt-get command to run", { skip: isRoot && !hasSetpriv && "cannot drop root without setpriv" }, async () => {
    const { base, dir } = await project();
    const bin = await binDir(base, process.execPath, "exit 99");
    const run = await bootstrap(dir, bin, ["--system-deps", "chromium age", "--for", "npm test", "true"], {
      asNobody: true,
      env: { CADUCEUS_TEST_MISSING_DEBS: "chromium age" },
    });
    assert.equal(run.code, 1, run.output);
    assert.equal(
      lastLine(run.output),
      "bootstrap: chromium age (needed by `npm test`) is missing and installing it needs root: run `sudo apt-get update && sudo apt-get install -y chromium age`, then `npm test` again.",
    );
  });
});
