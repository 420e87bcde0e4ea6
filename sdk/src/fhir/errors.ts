/**
 * Errors of the FHIR layer. Messages are written for a person and never quote the data itself
 * (not even a snippet of it): they name entry positions and resource types only, because these
 * messages end up in logs and the data is a patient's health record.
 */
import { CaduceusError } from "../errors.ts";

/** Common parent of every error of the FHIR layer: `catch (e) { if (e instanceof FhirError) … }`. */
export class FhirError extends CaduceusError {}

/** The input is not JSON (or not UTF-8 text), so it cannot be a FHIR resource. */
export class FhirNotJsonError extends FhirError {
  constructor(message: string) {
    super("FHIR_NOT_JSON", message);
  }
}

/** The input is JSON but not a FHIR Bundle: no `resourceType`, or another resource type. */
export class FhirNotBundleError extends FhirError {
  /** The resourceType found, when it was a plausible FHIR type name. */
  readonly resourceType: string | undefined;

  constructor(message: string, resourceType?: string) {
    super("FHIR_NOT_A_BUNDLE", message);
    this.resourceType = resourceType;
  }
}

/** A Bundle whose structure cannot be split or joined safely (entry without resource, duplicate fullUrl …). */
export class FhirInvalidBundleError extends FhirError {
  constructor(message: string) {
    super("FHIR_INVALID_BUNDLE", message);
  }
}

/** The Bundle holds no Patient resource: there is no one whose record this would be. */
export class FhirNoPatientError extends FhirError {
  constructor() {
    super(
      "FHIR_NO_PATIENT",
      "The FHIR Bundle contains no Patient resource, so it is not a patient's record. " +
        "Export the bundle together with its Patient (Synthea and most EHR exports include it).",
    );
  }
}

/** The Bundle holds more than one Patient: records are registered for one patient only. */
export class FhirMultiplePatientsError extends FhirError {
  readonly count: number;

  constructor(count: number) {
    super(
      "FHIR_MULTIPLE_PATIENTS",
      `The FHIR Bundle contains ${count} Patient resources; a bundle must hold one patient's record. ` +
        "Split it into one bundle per patient before uploading.",
    );
    this.count = count;
  }
}

/** Two records being joined hold different versions of the same resource (same fullUrl). */
export class FhirJoinConflictError extends FhirError {
  constructor(message: string) {
    super("FHIR_JOIN_CONFLICT", message);
  }
}

/** A binary record's media type or file name is not usable. */
export class BinaryRecordError extends FhirError {
  constructor(message: string) {
    super("BINARY_RECORD_INVALID", message);
  }
}

/** A resource given on its own to the de-identifier is of a type that no de-identified copy may hold. */
export class FhirNotDeidentifiableError extends FhirError {
  readonly resourceType: string;

  constructor(resourceType: string) {
    super(
      "FHIR_NOT_DEIDENTIFIABLE",
      `A ${resourceType} resource cannot go into a de-identified copy (its type is not on the allow-list, docs/fhir.md); ` +
        "pass a Bundle instead, from which such resources are dropped and counted.",
    );
    this.resourceType = resourceType;
  }
}
