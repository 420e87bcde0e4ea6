/**
 * The shared hashing threads must never keep a process alive: the CLI and the local gateway rely on
 * it to exit when their work is done. Each case runs in its own process, which must exit by itself.
 */
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { fileURLToPath } from "node:url";

const HASHER = fileURLToPath(new URL("../../src/storage/node/hasher.ts", import.meta.url));
const TSX = import.meta.resolve("tsx");

async function exitsWithin(ms: number, body: string): Promise<{ code: number | null; timedOut: boolean; stderr: string }> {
  const dir = await mkdtemp(join(tmpdir(), "caduceus-hasher-"));
  const script = join(dir, "script.mts");
  await writeFile(script, `import { sharedNodeSha256, nodeSha256 } from ${JSON.stringify(HASHER)};\n${body}\n`);
  try {
    return await runScript(script, ms);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function runScript(script: string, ms: number): Promise<{ code: number | null; timedOut: boolean; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ["--import", TSX, script], { stdio: ["ignore", "ignore", "pipe"] });
    let stderr = "";
    child.stderr.on("data", (b) => (stderr += b));
    const timer = setTimeout(() => child.kill("SIGKILL"), ms);
    child.once("exit", (code, signal) => {
      clearTimeout(timer);
      resolve({ code, timedOut: signal === "SIGKILL", stderr });
    });
  });
}

describe("hashing threads and process lifetime", () => {
  it("lets the process exit when the shared engine was created but never used", async () => {
    // The pause lets the threads come online, which is when Node 22 used to re-reference them.
    const run = await exitsWithin(20_000, "sharedNodeSha256(); nodeSha256({ workers: 2 }); await new Promise((r) => setTimeout(r, 1000));");
    assert.equal(run.timedOut, false, "the idle worker threads kept the process alive");
    assert.equal(run.code, 0, run.stderr);
  });

  it("lets the process exit after the engine hashed content on its threads", async () => {
    const run = await exitsWithin(
      20_000,
      `const h = nodeSha256({ workers: 2 });
       const inc = h.incremental(); await inc.update(new Uint8Array(1 << 20)); await inc.digest();
       await h.digest(new Uint8Array(1 << 20));`,
    );
    assert.equal(run.timedOut, false, "the worker threads kept the process alive after their work");
    assert.equal(run.code, 0, run.stderr);
  });
});
