/**
 * The FHIR layer runs in browsers: no Node built-ins in its sources, and its entry point bundles
 * for the browser platform.
 */
import assert from "node:assert/strict";
import { readFileSync, readdirSync } from "node:fs";
import { describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const fhirDir = new URL("../../src/fhir/", import.meta.url);

describe("FHIR layer is browser-safe", () => {
  it("sources use no node: imports, Buffer or process", () => {
    const files = readdirSync(fhirDir).filter((name) => name.endsWith(".ts"));
    assert.ok(files.length >= 9);
    for (const name of files) {
      const source = readFileSync(new URL(name, fhirDir), "utf8");
      assert.doesNotMatch(source, /from\s+["']node:/, name);
      assert.doesNotMatch(source, /\bBuffer\b/, name);
      assert.doesNotMatch(source, /\bprocess\./, name);
    }
  });

  it("the entry point bundles for the browser", async () => {
    const result = await build({
      entryPoints: [fileURLToPath(new URL("index.ts", fhirDir))],
      bundle: true,
      platform: "browser",
      format: "esm",
      write: false,
      logLevel: "silent",
      metafile: true,
    });
    assert.equal(result.errors.length, 0);
    const inputs = Object.keys(result.metafile.inputs);
    assert.ok(inputs.some((path) => path.endsWith("fhir/split.ts")));
    assert.ok(!inputs.some((path) => path.startsWith("node:")));
  });
});
