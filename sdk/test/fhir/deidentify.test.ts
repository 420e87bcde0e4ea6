import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { dateShiftForGrant, deidentify } from "../../src/fhir/deidentify.ts";
import { sensitiveStrings, splitBundle } from "../../src/fhir/index.ts";

const DIR = fileURLToPath(new URL("../../../../shared/fixtures/fhir/", import.meta.url));
const PATIENT_BUNDLES = readdirSync(DIR).filter((f) => f.endsWith(".json") && !/Information/.test(f));
const secret = new Uint8Array(32).fill(9);
const options = { secret, dateShiftDays: 40 };
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyJson = any;
const recordJson = (bytes: Uint8Array): AnyJson => JSON.parse(new TextDecoder().decode(bytes));

describe("FHIR de-identification", () => {
  it("leaves no identifying string, resource id or full birth date of any fixture bundle", () => {
    assert.ok(PATIENT_BUNDLES.length >= 6);
    for (const file of PATIENT_BUNDLES) {
      const bundle = readFileSync(DIR + file);
      const parsed = JSON.parse(bundle.toString());
      const patient = parsed.entry.find((e: AnyJson) => e.resource.resourceType === "Patient").resource;
      const forbidden = [...sensitiveStrings(bundle), ...parsed.entry.map((e: AnyJson) => e.resource.id), patient.birthDate];
      assert.ok(forbidden.length > 20, `${file}: something to look for`);
      for (const draft of splitBundle(bundle)) {
        const text = JSON.stringify(deidentify(recordJson(draft.bytes), options));
        for (const s of forbidden) assert.ok(!text.includes(s), `${file}: "${s}" survived`);
      }
    }
  });

  it("keeps the birth year only, and removes names, telecom, contacts and the street address", () => {
    const bundle = readFileSync(DIR + PATIENT_BUNDLES[0]);
    const demographics = splitBundle(bundle).find((d) => d.kind === "patient")!;
    const original = recordJson(demographics.bytes).entry[0].resource;
    const patient = deidentify(recordJson(demographics.bytes), options).entry[0].resource;
    assert.equal(patient.resourceType, "Patient");
    assert.equal(patient.birthDate, original.birthDate.slice(0, 4));
    for (const gone of ["name", "identifier", "telecom", "text", "contact"]) assert.equal(patient[gone], undefined, gone);
    assert.deepEqual(Object.keys(patient.address[0]).sort(), ["country", "state"].filter((k) => k in original.address[0]).sort());
    assert.equal(patient.gender, original.gender, "gender is kept");
  });

  it("shifts dates by exactly the given days at every precision, keeping time and offset", () => {
    const input = {
      resourceType: "Observation",
      issued: "2020-02-28T23:30:00.123+08:00",
      effectiveDateTime: "2019-12-31T10:00:00Z",
      effectivePeriod: { start: "2021-03", end: "2021" },
      meta: { lastUpdated: "2020-01-01" },
    };
    const out = deidentify(input, { secret, dateShiftDays: 2 });
    assert.equal(out.issued, "2020-03-01T23:30:00.123+08:00", "2020 is a leap year");
    assert.equal(out.effectiveDateTime, "2020-01-02T10:00:00Z");
    assert.equal(out.effectivePeriod.start, "2021-03");
    assert.equal(out.effectivePeriod.end, "2021");
    assert.equal(out.meta.lastUpdated, "2020-01-03");
    assert.equal(deidentify(input, { secret, dateShiftDays: -365 }).effectivePeriod.end, "2020", "year precision follows the shift");
    assert.equal(input.issued, "2020-02-28T23:30:00.123+08:00", "the input is not changed");
  });

  it("keeps clinical content: codes, values and units", () => {
    const bundle = readFileSync(DIR + PATIENT_BUNDLES[0]);
    const encounter = splitBundle(bundle).find((d) => recordJson(d.bytes).entry.some((e: AnyJson) => e.resource.resourceType === "Observation" && e.resource.valueQuantity))!;
    const before = recordJson(encounter.bytes).entry.find((e: AnyJson) => e.resource.valueQuantity).resource;
    const after = deidentify(recordJson(encounter.bytes), options).entry.find((e: AnyJson) => e.resource.valueQuantity).resource;
    assert.deepEqual(after.code, before.code);
    assert.deepEqual(after.valueQuantity, before.valueQuantity);
    assert.equal(after.status, before.status);
  });

  it("pseudonymizes ids consistently inside a record and differently per grant", () => {
    const bundle = readFileSync(DIR + PATIENT_BUNDLES[1]);
    for (const draft of splitBundle(bundle).slice(0, 5)) {
      const out = deidentify(recordJson(draft.bytes), options);
      const ids = new Set(out.entry.map((e: AnyJson) => `urn:uuid:${e.resource.id}`));
      for (const e of out.entry) assert.equal(e.fullUrl, `urn:uuid:${e.resource.id}`, "fullUrl follows the id");
      // Every urn:uuid reference either resolves inside the record or points at a resource held elsewhere.
      const refs = JSON.stringify(out).match(/"reference":"urn:uuid:[^"]+"/g) ?? [];
      const inside = refs.filter((r) => ids.has(r.slice(13, -1)));
      if (out.entry.length > 1) assert.ok(inside.length > 0, "references still resolve inside the record");
    }
    const first = splitBundle(bundle)[0];
    const a = deidentify(recordJson(first.bytes), options).entry[0].resource.id;
    const b = deidentify(recordJson(first.bytes), { ...options, secret: new Uint8Array(32).fill(10) }).entry[0].resource.id;
    assert.match(a, /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    assert.notEqual(a, b);
    assert.equal(deidentify(recordJson(first.bytes), options).entry[0].resource.id, a, "deterministic per grant");
  });

  it("derives a per-grant date shift of 1–365 days either way, and rejects weak options", () => {
    const shifts = Array.from({ length: 50 }, (_, i) => dateShiftForGrant(new Uint8Array(32).fill(i)));
    for (const s of shifts) assert.ok(Number.isInteger(s) && s !== 0 && Math.abs(s) <= 365, String(s));
    assert.ok(shifts.some((s) => s < 0) && shifts.some((s) => s > 0));
    assert.equal(dateShiftForGrant(new Uint8Array(32).fill(3)), shifts[3]);
    assert.throws(() => deidentify({}, { secret: new Uint8Array(8), dateShiftDays: 1 }), /at least 16 bytes/);
    assert.throws(() => deidentify({}, { secret, dateShiftDays: 1.5 }), /integer/);
  });
});
