import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { CaduceusError } from "../../src/errors.ts";
import {
  FhirError,
  FhirInvalidBundleError,
  FhirMultiplePatientsError,
  FhirNoPatientError,
  FhirNotBundleError,
  FhirNotJsonError,
} from "../../src/fhir/errors.ts";
import { sensitiveStrings } from "../../src/fhir/privacy.ts";
import { splitBundle } from "../../src/fhir/split.ts";
import { batch, fixtures } from "./helpers.ts";

/** Asserts `fn` throws `type` with `code`, a message matching `pattern`, as a FhirError and CaduceusError. */
function throwsFhir(fn: () => unknown, type: abstract new (...args: never[]) => FhirError, code: string, pattern: RegExp): FhirError {
  let caught: unknown;
  assert.throws(fn, (error: unknown) => {
    caught = error;
    return true;
  });
  assert.ok(caught instanceof type, `expected ${type.name}, got ${String(caught)}`);
  assert.ok(caught instanceof FhirError);
  assert.ok(caught instanceof CaduceusError);
  assert.equal(caught.code, code);
  assert.equal(caught.name, type.name);
  assert.match(caught.message, pattern);
  return caught;
}

const SECRET = "Schowalter414 999-97-5872";

describe("FHIR errors", () => {
  it("not JSON: names the problem and the position, never quotes the data", () => {
    const error = throwsFhir(
      () => splitBundle(`{"resourceType":"Bundle","entry":[{"name":"${SECRET}"`),
      FhirNotJsonError,
      "FHIR_NOT_JSON",
      /^The FHIR bundle is not valid JSON( \(syntax error at character \d+\))?, so it cannot be read as a FHIR Bundle\.$/,
    );
    assert.ok(!error.message.includes("Schowalter414"));
    assert.equal(error.cause, undefined, "the engine's message (which quotes the input) is not kept");
    throwsFhir(() => splitBundle(`Name: ${SECRET}`), FhirNotJsonError, "FHIR_NOT_JSON", /not valid JSON/);
    throwsFhir(() => splitBundle("  "), FhirNotJsonError, "FHIR_NOT_JSON", /is empty; expected a FHIR Bundle/);
    throwsFhir(
      () => splitBundle(new Uint8Array([0x25, 0x50, 0x44, 0x46, 0xff, 0xfe, 0x00])),
      FhirNotJsonError,
      "FHIR_NOT_JSON",
      /not UTF-8 text, so it is not FHIR JSON/,
    );
  });

  it("not a FHIR Bundle: no resourceType, another resource, not an object", () => {
    throwsFhir(() => splitBundle({ entry: [] }), FhirNotBundleError, "FHIR_NOT_A_BUNDLE", /has no "resourceType", so it is not a FHIR resource/);
    const patient = throwsFhir(
      () => splitBundle('{"resourceType":"Patient","id":"x"}'),
      FhirNotBundleError,
      "FHIR_NOT_A_BUNDLE",
      /^The FHIR bundle is a single FHIR Patient resource, not a Bundle\./,
    );
    assert.equal((patient as FhirNotBundleError).resourceType, "Patient");
    const odd = throwsFhir(
      () => splitBundle({ resourceType: `<script>${SECRET}` }),
      FhirNotBundleError,
      "FHIR_NOT_A_BUNDLE",
      /has an invalid "resourceType"/,
    );
    assert.ok(!odd.message.includes("Schowalter414"));
    throwsFhir(() => splitBundle("[1,2]"), FhirNotBundleError, "FHIR_NOT_A_BUNDLE", /is an array, not a FHIR resource/);
    throwsFhir(() => splitBundle("null"), FhirNotBundleError, "FHIR_NOT_A_BUNDLE", /is null, not a FHIR resource/);
  });

  it("invalid Bundle structure: entry not an array, entry without resource, duplicate fullUrl", () => {
    throwsFhir(() => splitBundle({ resourceType: "Bundle", type: "batch", entry: {} }), FhirInvalidBundleError, "FHIR_INVALID_BUNDLE", /"entry" of the Bundle must be an array/);
    throwsFhir(
      () => splitBundle({ resourceType: "Bundle", type: "batch", entry: [{ request: { method: "DELETE", url: "Patient/1" } }] }),
      FhirInvalidBundleError,
      "FHIR_INVALID_BUNDLE",
      /entry 0 of the Bundle has no resource/,
    );
    throwsFhir(
      () => splitBundle({ resourceType: "Bundle", type: "batch", entry: [{ resource: { id: "x" } }] }),
      FhirInvalidBundleError,
      "FHIR_INVALID_BUNDLE",
      /the resource in entry 0 has no valid "resourceType"/,
    );
    const twice = batch({ resourceType: "Patient", id: "p" }, { resourceType: "Encounter", id: "e" });
    twice.entry![1]!.fullUrl = twice.entry![0]!.fullUrl;
    throwsFhir(() => splitBundle(twice), FhirInvalidBundleError, "FHIR_INVALID_BUNDLE", /entries 0 and 1 have the same fullUrl/);
  });

  it("a Bundle without a Patient (the reference-data fixtures, an empty bundle)", () => {
    for (const fixture of fixtures().filter((f) => !f.hasPatient)) {
      throwsFhir(() => splitBundle(fixture.bytes), FhirNoPatientError, "FHIR_NO_PATIENT", /contains no Patient resource, so it is not a patient's record/);
      throwsFhir(() => sensitiveStrings(fixture.bytes), FhirNoPatientError, "FHIR_NO_PATIENT", /no Patient/);
    }
    throwsFhir(() => splitBundle({ resourceType: "Bundle", type: "collection" }), FhirNoPatientError, "FHIR_NO_PATIENT", /no Patient/);
  });

  it("a Bundle with two Patients", () => {
    const error = throwsFhir(
      () => splitBundle(batch({ resourceType: "Patient", id: "a" }, { resourceType: "Patient", id: "b" })),
      FhirMultiplePatientsError,
      "FHIR_MULTIPLE_PATIENTS",
      /contains 2 Patient resources; a bundle must hold one patient's record/,
    );
    assert.equal((error as FhirMultiplePatientsError).count, 2);
  });
});
