/**
 * How a record's FHIR resources choose its coarse category (the categories themselves are in
 * record-category.ts and re-exported here).
 *
 * How a set of FHIR resources maps to a category is documented in docs/fhir.md ("Categories").
 */
import { RecordCategory } from "./record-category.ts";
import type { FhirResource } from "./types.ts";

export {
  RecordCategory,
  isRecordCategory,
  recordCategoryName,
  type RecordCategoryName,
} from "./record-category.ts";

/** Resource types that describe administration, billing or actors, not care: they cast no vote. */
const ADMINISTRATIVE = new Set([
  "Patient",
  "Encounter",
  "EpisodeOfCare",
  "Claim",
  "ClaimResponse",
  "ExplanationOfBenefit",
  "Coverage",
  "CoverageEligibilityRequest",
  "CoverageEligibilityResponse",
  "Account",
  "ChargeItem",
  "Invoice",
  "PaymentNotice",
  "PaymentReconciliation",
  "Organization",
  "Practitioner",
  "PractitionerRole",
  "RelatedPerson",
  "Location",
  "HealthcareService",
  "Endpoint",
  "Device",
  "Provenance",
  "AuditEvent",
]);

const FIXED_VOTES: Readonly<Record<string, RecordCategory>> = {
  Specimen: RecordCategory.Lab,
  ImagingStudy: RecordCategory.Imaging,
  Media: RecordCategory.Imaging,
  Medication: RecordCategory.Medication,
  MedicationRequest: RecordCategory.Medication,
  MedicationAdministration: RecordCategory.Medication,
  MedicationDispense: RecordCategory.Medication,
  MedicationStatement: RecordCategory.Medication,
  Immunization: RecordCategory.Immunization,
  ImmunizationEvaluation: RecordCategory.Immunization,
  ImmunizationRecommendation: RecordCategory.Immunization,
  DocumentReference: RecordCategory.Document,
  DocumentManifest: RecordCategory.Document,
  Composition: RecordCategory.Document,
  Binary: RecordCategory.Document,
};

/**
 * HL7 v2 table 0074 diagnostic service sections and LOINC part codes that mean imaging
 * (DiagnosticReport.category); any other DiagnosticReport counts as a lab report.
 */
const IMAGING_SECTIONS = new Set([
  "rad",
  "ct",
  "cth",
  "cus",
  "nmr",
  "nms",
  "ous",
  "rus",
  "vus",
  "us",
  "xrc",
  "rx",
  "imaging",
  "lp29684-5", // LOINC part "Radiology"
]);

function categoryCodes(resource: FhirResource): string[] {
  const codes: string[] = [];
  const categories = Array.isArray(resource.category) ? resource.category : resource.category ? [resource.category] : [];
  for (const concept of categories) {
    const coding = (concept as { coding?: unknown })?.coding;
    if (!Array.isArray(coding)) continue;
    for (const c of coding) {
      const code = (c as { code?: unknown })?.code;
      if (typeof code === "string") codes.push(code.toLowerCase());
    }
  }
  return codes;
}

/**
 * The category one resource votes for, or undefined for administrative resources (no vote).
 * Clinical resources without a more specific category vote Visit.
 */
export function resourceVote(resource: FhirResource): RecordCategory | undefined {
  const type = resource.resourceType;
  if (ADMINISTRATIVE.has(type)) return undefined;
  const fixed = FIXED_VOTES[type];
  if (fixed !== undefined) return fixed;
  if (type === "Observation") {
    const codes = categoryCodes(resource);
    if (codes.includes("laboratory")) return RecordCategory.Lab;
    if (codes.includes("imaging")) return RecordCategory.Imaging;
    return RecordCategory.Visit;
  }
  if (type === "DiagnosticReport") {
    return categoryCodes(resource).some((code) => IMAGING_SECTIONS.has(code)) ? RecordCategory.Imaging : RecordCategory.Lab;
  }
  return RecordCategory.Visit;
}

/** Categories that win when they hold a strict majority of the votes, in this order of checking. */
const DOMINANT: readonly RecordCategory[] = [
  RecordCategory.Imaging,
  RecordCategory.Lab,
  RecordCategory.Medication,
  RecordCategory.Document,
];

/**
 * The category of a record holding `resources`:
 * 1. every clinical resource votes (see `resourceVote`); administrative ones do not;
 * 2. no votes → `fallback`;
 * 3. all votes Immunization → Immunization;
 * 4. Imaging, Lab, Medication or Document with more than half of the votes → that category;
 * 5. otherwise → `fallback` (Visit for an encounter, Other for resources linked to no encounter).
 */
export function categorizeResources(resources: Iterable<FhirResource>, fallback: RecordCategory): RecordCategory {
  const counts = new Array<number>(Object.keys(RecordCategory).length).fill(0);
  let total = 0;
  for (const resource of resources) {
    const vote = resourceVote(resource);
    if (vote === undefined) continue;
    counts[vote]!++;
    total++;
  }
  if (total === 0) return fallback;
  if (counts[RecordCategory.Immunization] === total) return RecordCategory.Immunization;
  for (const category of DOMINANT) if (counts[category]! * 2 > total) return category;
  return fallback;
}

/**
 * The category of a binary file from its media type: DICOM and images → Imaging, PDF → Document,
 * anything else → Other. Parameters (`; charset=…`) and case are ignored.
 */
export function categorizeMediaType(mediaType: string): RecordCategory {
  const essence = mediaType.split(";")[0]!.trim().toLowerCase();
  if (essence === "application/dicom") return RecordCategory.Imaging;
  if (essence === "application/pdf") return RecordCategory.Document;
  if (essence.startsWith("image/")) return RecordCategory.Imaging;
  return RecordCategory.Other;
}
