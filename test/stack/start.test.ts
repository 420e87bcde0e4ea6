import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdir, readdir, readFile, writeFile } from "node:fs/promises";
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

/** A Hardhat node on 8545 as a killed `npm start` leaves it: running, its process id next to the log. */
async function leftoverNode(): Promise<number> {
  const node = spawn("node_modules/.bin/hardhat", ["node", "--hostname", "127.0.0.1", "--port", "8545"], { stdio: "ignore", detached: true });
  node.unref();
  await mkdir(".caduceus", { recursive: true });
  await writeFile(".caduceus/node.log.pid", String(node.pid));
  const deadline = Date.now() + 120_000;
  while ((await probeRpc()) === null) {
    assert.ok(Date.now() < deadline, "the leftover node did not start");
    await new Promise((r) => setTimeout(r, 250));
  }
  return node.pid!;
}

describe("npm start", () => {
  it("brings up the node, deploys everything, seeds records, a grant, emergency contacts and a study, starts the web app, writes the deployments file, and restarts without cleanup", { timeout: 600_000 }, async () => {
    // Every synthetic patient bundle (the others hold hospitals and practitioners) is seeded.
    const patientBundles = (await readdir("../shared/fixtures/fhir")).filter((f) => f.endsWith(".json") && !/Information/.test(f));
    // The first start finds a node an earlier, killed start left behind, and stops it itself.
    const leftover = await leftoverNode();
    for (const run of [1, 2]) {
      const { code, output } = await startOnce().finally(() => {
        if (run !== 1) return;
        try {
          process.kill(-leftover, "SIGTERM"); // still there only if the start did not stop it (the test fails below)
        } catch {}
      });
      assert.equal(code, 0, `run ${run} failed:\n${output}`);
      if (run === 1) assert.match(output, new RegExp(`stopped the Hardhat node an earlier start left running \\(process ${leftover}\\)`));
      assert.match(output, /Caduceus local stack is up/);
      // The check itself reads everything back (scripts/stack/*.ts verify*); the test holds it to each part.
      const passed = /check passed: (.*)/.exec(output)?.[1] ?? "";
      for (const part of [
        "both hospitals are active with their staff",
        "every seeded record is on-chain",
        "the grant is in force with every key delivered",
        "the emergency configuration is in force with an open request",
        "the study is partly funded",
        "the web app serves the deployment",
        "the gateway answers",
      ]) {
        assert.ok(passed.includes(part), `run ${run}: the check did not verify that ${part}:\n${output}`);
      }
      assert.match(output, /Caduceus local stack is up \(ready in [\d.]+ s\)/);
      assert.match(output, /web app\s+http:\/\/127\.0\.0\.1:\d+\//);
      const grant = /grant\s+patient 1 → doctor 1 for TREAT, (\d+) record keys delivered/.exec(output);
      assert.ok(grant && Number(grant[1]) > 0, `no grant summary in:\n${output}`);
      assert.match(output, /emergency\s+patient 2: 3 contacts, threshold 2; doctor 2's request open with 1 approval/);
      const funded = /study\s+#1, (\d+)% funded/.exec(output);
      assert.ok(funded && Number(funded[1]) > 0 && Number(funded[1]) < 100, "the study is partly funded");
      // The demo accounts table: every role with its address and local test key.
      for (const role of ["governance", "doctor 1", "patient 6", "emergency contact 3", "researcher", "donor 2"]) {
        assert.match(output, new RegExp(`^${role}\\b.*0x[0-9a-fA-F]{40}\\s+0x[0-9a-f]{64}`, "m"), `no ${role} row in the accounts table`);
      }
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
    assert.match(deployment.services.web ?? "", /^http:\/\/127\.0\.0\.1:\d+\/$/, "the web app's URL is in the deployments file");
  });
});
