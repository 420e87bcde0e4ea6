import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { formatBytes, progressBar } from "../../src/cli/output.ts";

describe("CLI output", () => {
  it("draws a progress bar proportional to the work done", () => {
    assert.equal(progressBar(0, 10), "[····················]   0%");
    assert.equal(progressBar(5, 10), "[##########··········]  50%");
    assert.equal(progressBar(10, 10), "[####################] 100%");
    assert.equal(progressBar(12, 10), "[####################] 100%", "never beyond full");
    assert.equal(progressBar(0, 0), "[####################] 100%", "nothing to do is done");
    assert.equal(progressBar(1, 3, 6), "[##····]  33%");
  });

  it("formats byte counts", () => {
    assert.equal(formatBytes(512), "512 B");
    assert.equal(formatBytes(1536), "1.5 KiB");
    assert.equal(formatBytes(3 * 1024 ** 2), "3.0 MiB");
  });
});
