/**
 * The browser-usable storage modules must bundle for the browser: esbuild (platform "browser")
 * fails on any `node:` import or Node-only package pulled in, directly or through a dependency.
 */
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { describe, it } from "node:test";
import { build } from "esbuild";

const BROWSER_MODULES = ["cid", "hasher", "content-store", "block-content-store", "verified-read", "car", "gateway-client", "storacha-store", "errors"];

describe("browser-safe storage modules", () => {
  for (const name of BROWSER_MODULES) {
    it(`${name}.ts bundles for the browser`, async () => {
      const entry = fileURLToPath(new URL(`../../src/storage/${name}.ts`, import.meta.url));
      const result = await build({ entryPoints: [entry], bundle: true, platform: "browser", format: "esm", write: false, logLevel: "silent" });
      assert.equal(result.errors.length, 0);
      const code = result.outputFiles[0].text;
      assert.doesNotMatch(code, /from\s*["']node:/, "no node: import may survive in the bundle");
    });
  }

  it("fails for a Node-only module (the check can fail)", async () => {
    const entry = fileURLToPath(new URL("../../src/storage/node/fs-blockstore.ts", import.meta.url));
    await assert.rejects(build({ entryPoints: [entry], bundle: true, platform: "browser", format: "esm", write: false, logLevel: "silent" }));
  });
});
