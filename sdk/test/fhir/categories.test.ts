import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import {
  RecordCategory,
  categorizeMediaType,
  categorizeResources,
  isRecordCategory,
  recordCategoryName,
} from "../../src/fhir/categories.ts";
import type { FhirResource } from "../../src/fhir/types.ts";

const lab = (): FhirResource => ({
  resourceType: "Observation",
  category: [{ coding: [{ system: "http://terminology.hl7.org/CodeSystem/observation-category", code: "laboratory" }] }],
});
const vitals = (): FhirResource => ({
  resourceType: "Observation",
  category: [{ coding: [{ code: "vital-signs" }] }],
});
const of = (type: string, extra: Record<string, unknown> = {}): FhirResource => ({ resourceType: type, ...extra });

describe("RecordCategory", () => {
  it("has the names and numbers of enum Category in contracts/types/Records.sol", () => {
    const source = readFileSync(new URL("../../../contracts/types/Records.sol", import.meta.url), "utf8");
    const body = /enum\s+Category\s*\{([^}]*)\}/.exec(source)?.[1];
    assert.ok(body, "enum Category found");
    const names = body
      .split(",")
      .map((part) => part.replace(/\/\/.*$/gm, "").trim())
      .filter(Boolean);
    assert.deepEqual(
      Object.entries(RecordCategory),
      names.map((name, index) => [name, index]),
    );
  });

  it("names categories and rejects numbers outside the enum", () => {
    assert.equal(recordCategoryName(1), "Lab");
    assert.equal(recordCategoryName(RecordCategory.Other), "Other");
    assert.throws(() => recordCategoryName(7), RangeError);
    assert.throws(() => recordCategoryName(1.5), RangeError);
    assert.equal(isRecordCategory(6), true);
    assert.equal(isRecordCategory(-1), false);
    assert.equal(isRecordCategory("1"), false);
  });
});

describe("categorizeResources", () => {
  const V = RecordCategory.Visit;
  const enc = of("Encounter");
  const billing = [of("Claim"), of("ExplanationOfBenefit")];

  it("an encounter with nothing clinical is a Visit; leftovers without votes are Other", () => {
    assert.equal(categorizeResources([enc, ...billing], V), RecordCategory.Visit);
    assert.equal(categorizeResources([of("Organization"), of("Practitioner")], RecordCategory.Other), RecordCategory.Other);
  });

  it("laboratory observations and diagnostic reports in the majority make Lab", () => {
    assert.equal(categorizeResources([enc, lab(), lab(), of("DiagnosticReport"), vitals(), ...billing], V), RecordCategory.Lab);
    // 2 lab votes of 4: not a strict majority
    assert.equal(categorizeResources([enc, lab(), lab(), vitals(), of("Condition")], V), RecordCategory.Visit);
  });

  it("ImagingStudy and radiology reports make Imaging", () => {
    const radiology = of("DiagnosticReport", { category: [{ coding: [{ code: "RAD" }] }] });
    assert.equal(categorizeResources([enc, of("ImagingStudy"), radiology, of("Procedure")], V), RecordCategory.Imaging);
    assert.equal(categorizeResources([enc, of("ImagingStudy")], V), RecordCategory.Imaging);
  });

  it("medication resources make Medication", () => {
    assert.equal(
      categorizeResources([enc, of("MedicationRequest"), of("MedicationAdministration"), of("Condition")], V),
      RecordCategory.Medication,
    );
  });

  it("Immunization only when every clinical resource is an immunization", () => {
    assert.equal(categorizeResources([enc, of("Immunization"), of("Immunization"), ...billing], V), RecordCategory.Immunization);
    assert.equal(categorizeResources([enc, of("Immunization"), of("Immunization"), vitals()], V), RecordCategory.Visit);
  });

  it("DocumentReference makes Document", () => {
    assert.equal(categorizeResources([enc, of("DocumentReference")], V), RecordCategory.Document);
  });

  it("a mixed encounter stays a Visit", () => {
    assert.equal(categorizeResources([enc, lab(), of("ImagingStudy"), of("MedicationRequest"), of("Condition")], V), V);
  });
});

describe("categorizeMediaType", () => {
  it("maps DICOM and images to Imaging, PDF to Document, the rest to Other", () => {
    assert.equal(categorizeMediaType("application/dicom"), RecordCategory.Imaging);
    assert.equal(categorizeMediaType("image/png"), RecordCategory.Imaging);
    assert.equal(categorizeMediaType("IMAGE/JPEG"), RecordCategory.Imaging);
    assert.equal(categorizeMediaType("application/pdf"), RecordCategory.Document);
    assert.equal(categorizeMediaType("text/plain; charset=utf-8"), RecordCategory.Other);
    assert.equal(categorizeMediaType("application/octet-stream"), RecordCategory.Other);
  });
});
