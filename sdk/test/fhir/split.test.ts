import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { RecordCategory, recordCategoryName } from "../../src/fhir/categories.ts";
import { splitBundle } from "../../src/fhir/split.ts";
import type { FhirBundle, RecordDraft } from "../../src/fhir/types.ts";
import { batch, decodeBundle, fixtures, patientFixtures, ref } from "./helpers.ts";

/** Per patient fixture: records, encounters, and records per category. */
const EXPECTED: Record<string, { records: number; encounters: number; categories: Record<string, number> }> = {
  Bibi254: { records: 15, encounters: 13, categories: { Other: 2, Immunization: 11, Visit: 2 } },
  Cris921: { records: 13, encounters: 11, categories: { Other: 2, Immunization: 10, Visit: 1 } },
  Denisha680: { records: 20, encounters: 18, categories: { Other: 2, Immunization: 15, Visit: 3 } },
  Hipolito984: { records: 15, encounters: 13, categories: { Other: 2, Immunization: 11, Visit: 2 } },
  Philip822: { records: 13, encounters: 11, categories: { Other: 2, Immunization: 9, Visit: 2 } },
  Roland928: { records: 15, encounters: 13, categories: { Other: 2, Immunization: 12, Visit: 1 } },
};

function recordOf(records: RecordDraft[], fullUrl: string): number {
  const found = records.findIndex((record) =>
    (decodeBundle(record.bytes).entry ?? []).some((entry) => entry.fullUrl === fullUrl),
  );
  assert.notEqual(found, -1, `${fullUrl} is in some record`);
  return found;
}

describe("splitBundle on the fixtures", () => {
  for (const fixture of patientFixtures()) {
    const short = fixture.name.split("_")[0]!;
    it(`${short}: one record per encounter, demographics, unlinked; categories as expected`, () => {
      const records = splitBundle(fixture.bytes);
      const expected = EXPECTED[short];
      assert.ok(expected, `expectations for ${short}`);
      assert.equal(records.length, expected.records);
      assert.equal(records.filter((r) => r.kind === "encounter").length, expected.encounters);
      const categories: Record<string, number> = {};
      for (const r of records) categories[recordCategoryName(r.category)] = (categories[recordCategoryName(r.category)] ?? 0) + 1;
      assert.deepEqual(categories, expected.categories);

      const entries = fixture.bundle.entry!;
      assert.equal(
        records.reduce((sum, r) => sum + r.resourceCount, 0),
        entries.length,
        "every entry lands in exactly one record",
      );
      assert.equal(records[0]!.kind, "patient");
      assert.equal(records[0]!.category, RecordCategory.Other);
      assert.equal(records[0]!.label, "Patient demographics (1 resource)");
      assert.equal(records.at(-1)!.kind, "unlinked");
      for (const record of records) {
        assert.equal(record.mediaType, "application/fhir+json");
        const bundle = decodeBundle(record.bytes);
        assert.equal(bundle.resourceType, "Bundle");
        assert.equal(bundle.type, "collection");
        assert.equal(bundle.entry!.length, record.resourceCount);
        for (const entry of bundle.entry!) assert.equal(entry.request, undefined, "collections carry no request");
        if (record.kind === "encounter") {
          assert.equal(bundle.entry![0]!.resource.resourceType, "Encounter");
          assert.equal(bundle.entry!.filter((e) => e.resource.resourceType === "Encounter").length, 1);
          assert.match(record.label, /^Encounter \d{4}-\d{2}-\d{2} \(\d+ resources?\)$/);
        }
        if (record.kind !== "patient") {
          assert.ok(!bundle.entry!.some((e) => e.resource.resourceType === "Patient"), "the Patient is only in demographics");
        }
      }
    });

    it(`${short}: claims and their explanations of benefit follow their encounter`, () => {
      const records = splitBundle(fixture.bytes);
      const entries = fixture.bundle.entry!;
      const byFullUrl = new Map(entries.map((e) => [e.fullUrl!, e]));
      let checked = 0;
      for (const eob of entries.filter((e) => e.resource.resourceType === "ExplanationOfBenefit")) {
        const claimUrl = (eob.resource.claim as { reference: string }).reference;
        const claim = byFullUrl.get(claimUrl)!;
        assert.equal(claim.resource.resourceType, "Claim");
        const encounterUrl = (claim.resource.item as Array<{ encounter: Array<{ reference: string }> }>)[0]!.encounter[0]!.reference;
        const home = recordOf(records, encounterUrl);
        assert.equal(recordOf(records, claimUrl), home, "Claim with its Encounter");
        assert.equal(recordOf(records, eob.fullUrl!), home, "ExplanationOfBenefit with its Claim");
        checked++;
      }
      assert.ok(checked > 0);
      // Every resource with an `encounter` element sits in that encounter's record.
      for (const entry of entries) {
        const encounter = (entry.resource.encounter as { reference?: string } | undefined)?.reference;
        if (encounter) assert.equal(recordOf(records, entry.fullUrl!), recordOf(records, encounter));
      }
      // What is left unlinked is reference data only.
      const unlinked = decodeBundle(records.at(-1)!.bytes).entry!.map((e) => e.resource.resourceType);
      assert.deepEqual([...new Set(unlinked)].sort(), ["Organization", "Practitioner"]);
    });

    it(`${short}: deterministic, and independent of entry order`, () => {
      const first = splitBundle(fixture.bytes);
      const second = splitBundle(structuredClone(fixture.bundle));
      assert.deepEqual(first, second);
      const reversed: FhirBundle = { ...fixture.bundle, entry: [...fixture.bundle.entry!].reverse() };
      const groups = (records: RecordDraft[]) =>
        records
          .map((r) => decodeBundle(r.bytes).entry!.map((e) => e.fullUrl!).sort().join(" "))
          .sort();
      assert.deepEqual(groups(splitBundle(reversed)), groups(first));
    });

    it(`${short}: labels hold no name, identifier or address`, () => {
      // Labels do carry an encounter date, which may be the birth date (a newborn visit): that is
      // why they stay local (docs/fhir.md). Everything else identifying stays out of them.
      const patient = fixture.bundle.entry!.find((e) => e.resource.resourceType === "Patient")!.resource;
      const name = (patient.name as Array<{ family: string; given: string[] }>)[0]!;
      const identifiers = (patient.identifier as Array<{ value: string }>).map((i) => i.value);
      const address = (patient.address as Array<{ line: string[]; city: string }>)[0]!;
      const forbidden = [name.family, ...name.given, ...identifiers, ...address.line, address.city, patient.id!];
      for (const record of splitBundle(fixture.bytes)) {
        for (const text of forbidden) assert.ok(!record.label.includes(text), `label ${record.label}`);
      }
    });
  }

  it("reference-data bundles (no Patient) split into one unlinked record when allowed", () => {
    const reference = fixtures().filter((f) => !f.hasPatient);
    assert.equal(reference.length, 2);
    for (const fixture of reference) {
      const records = splitBundle(fixture.bytes, { requirePatient: false });
      assert.equal(records.length, 1);
      assert.equal(records[0]!.kind, "unlinked");
      assert.equal(records[0]!.category, RecordCategory.Other);
      assert.equal(records[0]!.resourceCount, fixture.bundle.entry!.length);
    }
  });
});

describe("splitBundle linking rules", () => {
  const patient = { resourceType: "Patient", id: "p1" };

  it("links by Encounter/<id>, context.encounter and transitive chains; the own encounter element wins", () => {
    const bundle = batch(
      patient,
      { resourceType: "Encounter", id: "e1", subject: ref("p1"), period: { start: "2020-03-01T10:00:00Z" } },
      { resourceType: "Encounter", id: "e2", subject: ref("p1") },
      {
        resourceType: "Observation",
        id: "o1",
        category: [{ coding: [{ code: "laboratory" }] }],
        subject: ref("p1"),
        encounter: { reference: "Encounter/e1" },
      },
      { resourceType: "DocumentReference", id: "d1", subject: ref("p1"), context: { encounter: [ref("e2")] } },
      // references e1 in document order first, but its own encounter element names e2
      { resourceType: "Procedure", id: "x1", reasonReference: [{ reference: "Encounter/e1" }], encounter: ref("e2") },
      { resourceType: "DiagnosticReport", id: "r1", result: [ref("o1")] }, // via o1 → e1
      { resourceType: "Provenance", id: "pv", target: [ref("r1")] }, // via r1 → o1 → e1
      { resourceType: "Condition", id: "c1", subject: ref("p1") }, // linked to no encounter
      { resourceType: "Organization", id: "org" },
    );
    const records = splitBundle(bundle);
    const ids = records.map((r) => decodeBundle(r.bytes).entry!.map((e) => e.resource.id));
    assert.deepEqual(ids, [["p1"], ["e1", "o1", "r1", "pv"], ["e2", "d1", "x1"], ["c1", "org"]]);
    assert.equal(records[1]!.label, "Encounter 2020-03-01 (4 resources)");
    assert.equal(records[2]!.label, "Encounter (undated) (3 resources)");
    assert.equal(records[1]!.category, RecordCategory.Lab);
    assert.equal(records[3]!.category, RecordCategory.Other);
  });

  it("accepts JSON text and bytes with a byte-order mark", () => {
    const bundle = batch(patient, { resourceType: "Encounter", id: "e1" });
    const text = JSON.stringify(bundle);
    assert.deepEqual(splitBundle(text), splitBundle(bundle));
    assert.deepEqual(splitBundle(new TextEncoder().encode("\uFEFF" + text)), splitBundle(bundle));
  });

  it("a bundle with only a Patient makes one record", () => {
    const records = splitBundle(batch(patient));
    assert.equal(records.length, 1);
    assert.equal(records[0]!.kind, "patient");
  });
});
