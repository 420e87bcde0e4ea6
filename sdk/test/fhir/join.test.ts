import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { FhirJoinConflictError, FhirNotBundleError, FhirNotJsonError } from "../../src/fhir/errors.ts";
import { canonicalJson, joinRecords } from "../../src/fhir/join.ts";
import { splitBundle } from "../../src/fhir/split.ts";
import type { FhirBundleEntry, FhirResource } from "../../src/fhir/types.ts";
import { batch, decodeBundle, fixtures } from "./helpers.ts";

/** The multiset of entries as sorted canonical JSON strings of { fullUrl, resource }. */
function multiset(entries: readonly FhirBundleEntry[]): string[] {
  return entries.map((e) => canonicalJson({ fullUrl: e.fullUrl, resource: e.resource })).sort();
}

describe("split → serialize → parse → join gives back every resource exactly once", () => {
  for (const fixture of fixtures()) {
    it(fixture.name, () => {
      const records = splitBundle(fixture.bytes, { requirePatient: fixture.hasPatient });
      // What storage would give back after decryption: the serialized bytes, copied.
      const decrypted = records.map((r) => new Uint8Array(r.bytes));
      const joined = joinRecords(decrypted);
      const original = fixture.bundle.entry!;
      assert.equal(joined.resourceType, "Bundle");
      assert.equal(joined.type, "collection");
      assert.equal(joined.entry!.length, original.length, "none lost, none duplicated");
      assert.deepEqual(multiset(joined.entry!), multiset(original));
      // By fullUrl: each fullUrl once, resource deep-equal to the original one.
      const byUrl = new Map(original.map((e) => [e.fullUrl!, e.resource]));
      assert.equal(new Set(joined.entry!.map((e) => e.fullUrl)).size, joined.entry!.length);
      for (const entry of joined.entry!) assert.deepEqual(entry.resource, byUrl.get(entry.fullUrl!));

      // As a batch, every entry equals the original entry, request included.
      const asBatch = joinRecords(decrypted.map((bytes) => decodeBundle(bytes)), { type: "batch" });
      assert.equal(asBatch.type, "batch");
      const originalEntries = new Map(original.map((e) => [e.fullUrl!, e]));
      for (const entry of asBatch.entry!) assert.deepEqual(entry, originalEntries.get(entry.fullUrl!));
    });
  }
});

describe("joinRecords", () => {
  const bundle = batch(
    { resourceType: "Patient", id: "p1" },
    { resourceType: "Encounter", id: "e1", subject: { reference: "urn:uuid:p1" } },
    { resourceType: "Condition", id: "c1", encounter: { reference: "urn:uuid:e1" } },
  );
  const records = () => splitBundle(bundle).map((r) => r.bytes);

  it("puts the Patient first whatever the record order, and accepts text", () => {
    const [demographics, encounter] = records();
    const joined = joinRecords([new TextDecoder().decode(encounter), demographics!]);
    assert.deepEqual(
      joined.entry!.map((e) => e.resource.id),
      ["p1", "e1", "c1"],
    );
  });

  it("keeps an identical resource once when a record is passed twice", () => {
    const all = records();
    assert.deepEqual(joinRecords([...all, all[1]!]), joinRecords(all));
  });

  it("refuses two different versions of one resource", () => {
    const all = records();
    const amended = decodeBundle(all[1]!);
    (amended.entry![1]!.resource as Record<string, unknown>).note = [{ text: "amended" }];
    assert.throws(
      () => joinRecords([...all, amended]),
      (error: unknown) =>
        error instanceof FhirJoinConflictError &&
        error.code === "FHIR_JOIN_CONFLICT" &&
        /Records 1 and 2 hold two different versions of the same Condition/.test(error.message),
    );
  });

  it("treats key order as irrelevant when comparing copies", () => {
    const all = records();
    const reordered = decodeBundle(all[1]!);
    const condition = reordered.entry![1]!;
    condition.resource = Object.fromEntries(Object.entries(condition.resource).reverse()) as FhirResource;
    assert.equal(joinRecords([...all, reordered]).entry!.length, 3);
  });

  it("derives batch requests: POST for urn: fullUrls, PUT Type/id for server URLs", () => {
    const joined = joinRecords(
      [
        {
          resourceType: "Bundle",
          type: "collection",
          entry: [
            { fullUrl: "urn:uuid:a", resource: { resourceType: "Patient", id: "a" } },
            { fullUrl: "https://ehr.example/fhir/Observation/7", resource: { resourceType: "Observation", id: "7" } },
            { resource: { resourceType: "Condition" } },
          ],
        },
      ],
      { type: "batch" },
    );
    assert.deepEqual(
      joined.entry!.map((e) => e.request),
      [
        { method: "POST", url: "Patient" },
        { method: "PUT", url: "Observation/7" },
        { method: "POST", url: "Condition" },
      ],
    );
  });

  it("names the record that is not FHIR JSON", () => {
    const pdf = new TextEncoder().encode("%PDF-1.7 ...");
    assert.throws(
      () => joinRecords([records()[0]!, pdf]),
      (error: unknown) => error instanceof FhirNotJsonError && /^Record 1 is not valid JSON/.test(error.message),
    );
    assert.throws(
      () => joinRecords([{ resourceType: "Patient", id: "p" }]),
      (error: unknown) => error instanceof FhirNotBundleError && /^Record 0 is a single FHIR Patient resource/.test(error.message),
    );
  });

  it("joins nothing into an empty Bundle", () => {
    assert.deepEqual(joinRecords([]), { resourceType: "Bundle", type: "collection", entry: [] });
  });
});
