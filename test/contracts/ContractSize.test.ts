/**
 * EIP-170 guard: every deployable contract (contracts/*.sol, top level; mocks, interfaces, types and
 * libraries are not deployed on their own) keeps at least 10 % headroom under the 24,576-byte limit
 * on deployed code, so a hardening change never discovers the limit on a public network.
 *
 * The sizes are those of the production profile's build. `hardhat test --coverage` (what `npm test`
 * runs) instruments the sources and writes inflated bytecode into the same artifacts, so the test
 * uses an artifact only when its build compiled the sources as they are on disk with the production
 * profile's settings; otherwise it compiles the deployables itself, in memory, through Hardhat's build
 * system with coverage off (artifacts and compile cache untouched; the sizes are kept in
 * cache/contract-sizes.json under the compiler inputs' build ids for the next run).
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdir, readdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { isDeepStrictEqual } from "node:util";
import { createHardhatRuntimeEnvironment } from "hardhat/hre";
import hardhatConfig from "../../hardhat.config.js";

/** EIP-170's limit on deployed code. */
const EIP170_LIMIT = 24_576;
/** 90 % of the limit, rounded down: the most a deployable may reach. */
const MAX_DEPLOYED_BYTES = Math.floor(EIP170_LIMIT * 0.9);
const PROFILE = "production";

const root = path.resolve(import.meta.dirname, "../..");
const deployables = (await readdir(path.join(root, "contracts"), { withFileTypes: true }))
  .filter((e) => e.isFile() && e.name.endsWith(".sol"))
  .map((e) => e.name.slice(0, -".sol".length))
  .sort();

interface Artifact {
  deployedBytecode: string;
  inputSourceName: string;
  buildInfoId: string;
}
interface SolcOutput {
  contracts: Record<string, Record<string, { evm: { deployedBytecode: { object: string } } }>>;
}
const readJson = async <T>(file: string): Promise<T> => JSON.parse(await readFile(file, "utf8")) as T;
const byteLength = (hex: string) => (hex.startsWith("0x") ? hex.length - 2 : hex.length) / 2;

/** Deployed sizes from the artifacts, or undefined if any artifact is missing, instrumented or stale. */
async function sizesFromArtifacts(): Promise<Map<string, number> | undefined> {
  const profile = hardhatConfig.solidity as { profiles: Record<string, { settings: { optimizer: unknown } }> };
  const sizes = new Map<string, number>();
  for (const name of deployables) {
    const artifact = await readJson<Artifact>(
      path.join(root, "artifacts/contracts", `${name}.sol`, `${name}.json`),
    ).catch(() => undefined);
    if (artifact === undefined) return undefined;
    const buildInfo = await readJson<{
      input: { sources: Record<string, { content: string }>; settings: { optimizer: unknown } };
    }>(path.join(root, "artifacts/build-info", `${artifact.buildInfoId}.json`)).catch(() => undefined);
    const compiled = buildInfo?.input.sources[artifact.inputSourceName]?.content;
    const onDisk = await readFile(path.join(root, "contracts", `${name}.sol`), "utf8");
    if (
      compiled !== onDisk ||
      !isDeepStrictEqual(buildInfo?.input.settings.optimizer, profile.profiles[PROFILE].settings.optimizer)
    ) {
      return undefined;
    }
    sizes.set(name, byteLength(artifact.deployedBytecode));
  }
  return sizes;
}

/** Deployed sizes from a fresh in-memory compile of the deployables with coverage off. */
async function sizesFromCompiler(): Promise<Map<string, number>> {
  const hre = await createHardhatRuntimeEnvironment(hardhatConfig, { coverage: false }, root);
  const rootFiles = deployables.map((name) => path.join(root, "contracts", `${name}.sol`));
  const jobs = await hre.solidity.getCompilationJobs(rootFiles, { buildProfile: PROFILE, force: true, quiet: true });
  assert.ok(
    !("reason" in jobs) && "compilationJobsPerFile" in jobs,
    "could not plan the compilation of the deployables",
  );
  const sizes = new Map<string, number>();
  // Keyed by the compiler inputs' build ids, so a second coverage run of the same sources reuses them.
  const cacheFile = path.join(root, "cache", "contract-sizes.json");
  const uniqueJobs = [...new Set(jobs.compilationJobsPerFile.values())];
  const key = (await Promise.all(uniqueJobs.map((job) => job.getBuildId()))).sort().join(",");
  const cached = await readJson<{ key: string; sizes: Record<string, number> }>(cacheFile).catch(() => undefined);
  if (cached?.key === key) return new Map(Object.entries(cached.sizes));
  for (const job of uniqueJobs) {
    const { output } = await hre.solidity.runCompilationJob(job, { buildProfile: PROFILE, quiet: true });
    const errors = (output.errors ?? []).filter((e) => e.severity === "error");
    assert.deepEqual(errors, [], "the deployables do not compile");
    for (const contracts of Object.values((output as unknown as SolcOutput).contracts)) {
      for (const [name, contract] of Object.entries(contracts)) {
        if (deployables.includes(name)) sizes.set(name, byteLength(contract.evm.deployedBytecode.object));
      }
    }
  }
  await mkdir(path.dirname(cacheFile), { recursive: true });
  await writeFile(cacheFile, JSON.stringify({ key, sizes: Object.fromEntries(sizes) }, null, 2));
  return sizes;
}

describe("contract sizes (EIP-170 guard)", () => {
  it(`every deployable's deployed bytecode is at most ${MAX_DEPLOYED_BYTES} bytes (90 % of EIP-170's ${EIP170_LIMIT})`, async () => {
    const fromArtifacts = await sizesFromArtifacts();
    const sizes = fromArtifacts ?? (await sizesFromCompiler());
    console.log(
      `deployed sizes (${fromArtifacts ? "from the artifacts" : "compiled without coverage instrumentation"}, ${PROFILE} profile settings):`,
    );
    for (const name of deployables) {
      const size = sizes.get(name);
      console.log(
        `  ${name.padEnd(16)} ${String(size).padStart(6)} bytes  ${((100 * (size ?? 0)) / EIP170_LIMIT).toFixed(1).padStart(5)} % of EIP-170`,
      );
    }
    assert.deepEqual([...sizes.keys()].sort(), deployables, "a deployable has no bytecode");
    const over = deployables
      .filter((name) => sizes.get(name)! > MAX_DEPLOYED_BYTES)
      .map(
        (name) =>
          `${name} is ${sizes.get(name)} bytes, over ${MAX_DEPLOYED_BYTES} (90 % of EIP-170's ${EIP170_LIMIT}): split it or move logic to a library`,
      );
    assert.deepEqual(over, []);
  });
});
