import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { readdir, readFile } from "node:fs/promises";
import { describe, it } from "node:test";
import { parseDeployment } from "@caduceus/sdk/chain/deployments";
import { probeRpc } from "../../scripts/stack/chain.js";

/** Runs `npm start -- --check` (start everything, verify, stop) and returns its output. */
function startOnce(): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn("npx", ["tsx", "scripts/start.ts", "--check"], { stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (b) => (output += b));
    child.stderr.on("data", (b) => (output += b));
    child.once("exit", (code) => resolve({ code, output }));
  });
}

describe("npm start", () => {
  it("brings up the node, deploys everything, seeds the fixture patients, writes the deployments file, and restarts without cleanup", { timeout: 300_000 }, async () => {
    // Every synthetic patient bundle (the others hold hospitals and practitioners) is seeded.
    const patientBundles = (await readdir("../shared/fixtures/fhir")).filter((f) => f.endsWith(".json") && !/Information/.test(f));
    for (const run of [1, 2]) {
      const { code, output } = await startOnce();
      assert.equal(code, 0, `run ${run} failed:\n${output}`);
      assert.match(output, /Caduceus local stack is up/);
      assert.match(output, /check passed: contracts have code, the demo hospital is active with two doctors, every seeded record is on-chain, the gateway answers/);
      const seeded = /patients\s+(\d+), with (\d+) encrypted records/.exec(output);
      assert.ok(seeded, `no seeding summary in:\n${output}`);
      assert.equal(Number(seeded[1]), patientBundles.length);
      assert.ok(Number(seeded[2]) > patientBundles.length, "every patient has demographics and encounter records");
      // The stack stopped itself: nothing answers on the port any more.
      assert.equal(await probeRpc(), null, `run ${run} left the node running`);
    }
    const deployment = parseDeployment(JSON.parse(await readFile("deployments/31337.json", "utf8")));
    assert.equal(deployment.chainId, 31337);
    assert.equal(deployment.rpcUrl, "http://127.0.0.1:8545");
    const addresses = Object.values(deployment.contracts).map((c) => c.address);
    assert.equal(new Set(addresses).size, 6, "six distinct contracts");
    assert.equal(deployment.services.gateway, "http://127.0.0.1:8180");
  });
});
