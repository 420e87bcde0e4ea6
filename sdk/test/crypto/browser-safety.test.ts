/**
 * The crypto layer must run in browsers: no Node built-ins, no Buffer/process, and every
 * dependency must bundle for the browser platform. esbuild (already present through tsx) bundles
 * the public entry point with platform "browser" and fails on any Node built-in it meets.
 */
import assert from "node:assert/strict";
import { readFileSync, readdirSync } from "node:fs";
import { describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const cryptoDir = new URL("../../src/crypto/", import.meta.url);

describe("crypto layer is browser-safe", () => {
  it("sources use no node: imports, Buffer or process", () => {
    const files = readdirSync(cryptoDir).filter((name) => name.endsWith(".ts"));
    assert.ok(files.length >= 10);
    for (const name of files) {
      const source = readFileSync(new URL(name, cryptoDir), "utf8");
      assert.doesNotMatch(source, /from\s+["']node:/, name);
      assert.doesNotMatch(source, /\bBuffer\b/, name);
      assert.doesNotMatch(source, /\bprocess\./, name);
    }
  });

  it("the public entry point bundles for the browser with all dependencies", async () => {
    const result = await build({
      entryPoints: [fileURLToPath(new URL("index.ts", cryptoDir))],
      bundle: true,
      platform: "browser",
      format: "esm",
      write: false,
      logLevel: "silent",
      metafile: true,
    });
    assert.equal(result.errors.length, 0);
    const inputs = Object.keys(result.metafile.inputs);
    assert.ok(inputs.some((path) => path.includes("@hpke/hybridkem-x-wing")), "X-Wing is bundled");
    assert.ok(!inputs.some((path) => path.startsWith("node:")), "no Node built-ins");
  });
});
