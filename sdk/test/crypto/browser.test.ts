/** The crypto layer in a real browser: vectors reproduce in Chromium (skipped where Chromium is absent). */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import type { BrowserVectors } from "./browser-entry.ts";
import { chromiumAvailable, inChromium } from "./browser-harness.ts";

const load = (name: string) => JSON.parse(readFileSync(new URL(`../vectors/${name}`, import.meta.url), "utf8"));

describe("crypto layer in Chromium", { skip: chromiumAvailable() ? false : "no /usr/bin/chromium" }, () => {
  it("reproduces the record, envelope and identity vectors and round-trips X-Wing", async () => {
    const record = load("record-v1.json");
    const envelope = load("envelope-v1.json");
    const identity = load("identity-v1.json");
    const small = record.cases[1];
    const vectors: BrowserVectors = {
      record: { recordKey: record.recordKey, headerNonce: record.headerNonce, meta: small.meta, bodyHex: small.body.hex, ciphertext: small.ciphertext },
      envelope: { binding: envelope.binding, recordKey: envelope.recordKey, x25519: envelope.x25519 },
      identity: identity.cases[0],
    };
    const result = await inChromium<Record<string, boolean | string>>(`caduceusBrowserChecks(${JSON.stringify(vectors)})`);
    assert.match(String(result.userAgent), /Chrome/);
    assert.deepEqual(
      { ...result, userAgent: undefined },
      { userAgent: undefined, recordVector: true, recordDecrypts: true, envelopeVector: true, identityVector: true, xwingRoundTrip: true },
    );
  });
});
