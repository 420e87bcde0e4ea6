/**
 * What a de-identified copy may contain: for each FHIR R4 resource type, the elements kept and how
 * each is read (see `Rule`). Every element and resource type not listed here is dropped. The table
 * in docs/fhir.md ("De-identification: the allow-list") is this file in words.
 *
 * Typed against `@medplum/fhirtypes` (types only): a misspelt element name at the top level of a
 * resource fails to compile.
 */
import type { ExtractResource, ResourceType } from "@medplum/fhirtypes";

/**
 * How one element is read:
 * - `code`: a code token (status, gender, intent …); anything with free text in it is dropped;
 * - `boolean`, `number`: kept as is;
 * - `date`: a date, dateTime or instant: reduced to the year (deidentified) or shifted, date only (limited);
 * - `time`: a time of day not tied to a date (Timing.repeat.timeOfDay);
 * - `Coding`, `CodeableConcept`: codings of a standard code system only (`STANDARD_CODE_SYSTEMS`),
 *   with the display of the code; `CodeableConcept.text` only when it repeats a kept display;
 * - `Quantity`, `Age`, `Duration`, `Range`, `Ratio`, `Period`, `Timing`, `Dosage`: their coded and
 *   numeric parts; ages in years over 89 are grouped as ≥ 90 (deidentified);
 * - `Reference`: `reference` rewritten to a pseudonym and `type`; never `display` or `identifier`;
 * - `Address`: state and country; ZIP cut to 3 digits (deidentified) or city and 5-digit ZIP (limited);
 * - `Resource`: a nested resource (Bundle entry, `contained`), itself read through this list;
 * - an object: a backbone element with its own rules.
 */
export type Rule =
  | "code"
  | "boolean"
  | "number"
  | "date"
  | "time"
  | "Coding"
  | "CodeableConcept"
  | "Quantity"
  | "Age"
  | "Duration"
  | "Range"
  | "Ratio"
  | "Period"
  | "Timing"
  | "Dosage"
  | "Reference"
  | "Address"
  | "Resource"
  | "fullUrl"
  | "requestUrl"
  | { readonly [element: string]: Rule };

/** Elements every resource has, handled by the de-identifier itself (id → pseudonym, meta → its own). */
type Handled = "resourceType" | "id" | "meta" | "contained" | "extension" | "modifierExtension";
type ResourceRules<K extends ResourceType> = { readonly [E in Exclude<keyof ExtractResource<K>, Handled>]?: Rule };
export type AllowList = { readonly [K in ResourceType]?: ResourceRules<K> };

const referenceRange = { low: "Quantity", high: "Quantity", type: "CodeableConcept", appliesTo: "CodeableConcept", age: "Range" } as const;
const observationValue = {
  valueQuantity: "Quantity",
  valueCodeableConcept: "CodeableConcept",
  valueBoolean: "boolean",
  valueInteger: "number",
  valueRange: "Range",
  valueRatio: "Ratio",
  valueTime: "time",
  valueDateTime: "date",
  valuePeriod: "Period",
} as const;
const medication = { medicationCodeableConcept: "CodeableConcept", medicationReference: "Reference" } as const;
const onset = { DateTime: "date", Age: "Age", Period: "Period", Range: "Range" } as const;
const prefixed = <P extends string>(prefix: P, rules: Record<string, Rule>): Record<string, Rule> =>
  Object.fromEntries(Object.entries(rules).map(([k, v]) => [prefix + k, v]));

export const ALLOW_LIST: AllowList = {
  Bundle: {
    type: "code",
    timestamp: "date",
    entry: { fullUrl: "fullUrl", resource: "Resource", request: { method: "code", url: "requestUrl" } },
  },
  Patient: {
    active: "boolean",
    gender: "code",
    birthDate: "date",
    deceasedBoolean: "boolean",
    deceasedDateTime: "date",
    address: "Address",
    maritalStatus: "CodeableConcept",
    multipleBirthBoolean: "boolean",
    communication: { language: "CodeableConcept", preferred: "boolean" },
    generalPractitioner: "Reference",
    managingOrganization: "Reference",
  },
  Encounter: {
    status: "code",
    statusHistory: { status: "code", period: "Period" },
    class: "Coding",
    classHistory: { class: "Coding", period: "Period" },
    type: "CodeableConcept",
    serviceType: "CodeableConcept",
    priority: "CodeableConcept",
    subject: "Reference",
    episodeOfCare: "Reference",
    basedOn: "Reference",
    participant: { type: "CodeableConcept", period: "Period", individual: "Reference" },
    period: "Period",
    length: "Duration",
    reasonCode: "CodeableConcept",
    reasonReference: "Reference",
    diagnosis: { condition: "Reference", use: "CodeableConcept", rank: "number" },
    hospitalization: {
      admitSource: "CodeableConcept",
      reAdmission: "CodeableConcept",
      dietPreference: "CodeableConcept",
      specialArrangement: "CodeableConcept",
      dischargeDisposition: "CodeableConcept",
    },
    location: { location: "Reference", status: "code", physicalType: "CodeableConcept", period: "Period" },
    serviceProvider: "Reference",
    partOf: "Reference",
  },
  Condition: {
    clinicalStatus: "CodeableConcept",
    verificationStatus: "CodeableConcept",
    category: "CodeableConcept",
    severity: "CodeableConcept",
    code: "CodeableConcept",
    bodySite: "CodeableConcept",
    subject: "Reference",
    encounter: "Reference",
    ...prefixed("onset", onset),
    ...prefixed("abatement", onset),
    recordedDate: "date",
    recorder: "Reference",
    asserter: "Reference",
    stage: { summary: "CodeableConcept", assessment: "Reference", type: "CodeableConcept" },
    evidence: { code: "CodeableConcept", detail: "Reference" },
  },
  Observation: {
    basedOn: "Reference",
    partOf: "Reference",
    status: "code",
    category: "CodeableConcept",
    code: "CodeableConcept",
    subject: "Reference",
    focus: "Reference",
    encounter: "Reference",
    effectiveDateTime: "date",
    effectivePeriod: "Period",
    effectiveTiming: "Timing",
    effectiveInstant: "date",
    issued: "date",
    performer: "Reference",
    ...observationValue,
    dataAbsentReason: "CodeableConcept",
    interpretation: "CodeableConcept",
    bodySite: "CodeableConcept",
    method: "CodeableConcept",
    specimen: "Reference",
    device: "Reference",
    referenceRange,
    hasMember: "Reference",
    derivedFrom: "Reference",
    component: { code: "CodeableConcept", ...observationValue, dataAbsentReason: "CodeableConcept", interpretation: "CodeableConcept", referenceRange },
  },
  DiagnosticReport: {
    basedOn: "Reference",
    status: "code",
    category: "CodeableConcept",
    code: "CodeableConcept",
    subject: "Reference",
    encounter: "Reference",
    effectiveDateTime: "date",
    effectivePeriod: "Period",
    issued: "date",
    performer: "Reference",
    resultsInterpreter: "Reference",
    specimen: "Reference",
    result: "Reference",
    imagingStudy: "Reference",
    conclusionCode: "CodeableConcept",
  },
  Procedure: {
    basedOn: "Reference",
    partOf: "Reference",
    status: "code",
    statusReason: "CodeableConcept",
    category: "CodeableConcept",
    code: "CodeableConcept",
    subject: "Reference",
    encounter: "Reference",
    performedDateTime: "date",
    performedPeriod: "Period",
    performedAge: "Age",
    performedRange: "Range",
    recorder: "Reference",
    asserter: "Reference",
    performer: { function: "CodeableConcept", actor: "Reference", onBehalfOf: "Reference" },
    location: "Reference",
    reasonCode: "CodeableConcept",
    reasonReference: "Reference",
    bodySite: "CodeableConcept",
    outcome: "CodeableConcept",
    report: "Reference",
    complication: "CodeableConcept",
    complicationDetail: "Reference",
    followUp: "CodeableConcept",
    usedReference: "Reference",
    usedCode: "CodeableConcept",
  },
  ServiceRequest: {
    basedOn: "Reference",
    replaces: "Reference",
    status: "code",
    intent: "code",
    category: "CodeableConcept",
    priority: "code",
    doNotPerform: "boolean",
    code: "CodeableConcept",
    quantityQuantity: "Quantity",
    subject: "Reference",
    encounter: "Reference",
    occurrenceDateTime: "date",
    occurrencePeriod: "Period",
    occurrenceTiming: "Timing",
    asNeededBoolean: "boolean",
    asNeededCodeableConcept: "CodeableConcept",
    authoredOn: "date",
    requester: "Reference",
    performerType: "CodeableConcept",
    performer: "Reference",
    reasonCode: "CodeableConcept",
    reasonReference: "Reference",
    specimen: "Reference",
    bodySite: "CodeableConcept",
  },
  MedicationRequest: {
    status: "code",
    statusReason: "CodeableConcept",
    intent: "code",
    category: "CodeableConcept",
    priority: "code",
    doNotPerform: "boolean",
    reportedBoolean: "boolean",
    reportedReference: "Reference",
    ...medication,
    subject: "Reference",
    encounter: "Reference",
    authoredOn: "date",
    requester: "Reference",
    performer: "Reference",
    performerType: "CodeableConcept",
    recorder: "Reference",
    reasonCode: "CodeableConcept",
    reasonReference: "Reference",
    courseOfTherapyType: "CodeableConcept",
    dosageInstruction: "Dosage",
    dispenseRequest: {
      validityPeriod: "Period",
      numberOfRepeatsAllowed: "number",
      quantity: "Quantity",
      expectedSupplyDuration: "Duration",
    },
    substitution: { allowedBoolean: "boolean", allowedCodeableConcept: "CodeableConcept", reason: "CodeableConcept" },
    priorPrescription: "Reference",
    basedOn: "Reference",
  },
  MedicationAdministration: {
    partOf: "Reference",
    status: "code",
    statusReason: "CodeableConcept",
    category: "CodeableConcept",
    ...medication,
    subject: "Reference",
    context: "Reference",
    effectiveDateTime: "date",
    effectivePeriod: "Period",
    performer: { function: "CodeableConcept", actor: "Reference" },
    reasonCode: "CodeableConcept",
    reasonReference: "Reference",
    request: "Reference",
    dosage: { site: "CodeableConcept", route: "CodeableConcept", method: "CodeableConcept", dose: "Quantity", rateRatio: "Ratio", rateQuantity: "Quantity" },
  },
  MedicationStatement: {
    basedOn: "Reference",
    partOf: "Reference",
    status: "code",
    statusReason: "CodeableConcept",
    category: "CodeableConcept",
    ...medication,
    subject: "Reference",
    context: "Reference",
    effectiveDateTime: "date",
    effectivePeriod: "Period",
    dateAsserted: "date",
    reasonCode: "CodeableConcept",
    reasonReference: "Reference",
    dosage: "Dosage",
  },
  MedicationDispense: {
    partOf: "Reference",
    status: "code",
    category: "CodeableConcept",
    ...medication,
    subject: "Reference",
    context: "Reference",
    authorizingPrescription: "Reference",
    type: "CodeableConcept",
    quantity: "Quantity",
    daysSupply: "Quantity",
    whenPrepared: "date",
    whenHandedOver: "date",
    dosageInstruction: "Dosage",
  },
  Medication: {
    code: "CodeableConcept",
    status: "code",
    form: "CodeableConcept",
    amount: "Ratio",
    ingredient: { itemCodeableConcept: "CodeableConcept", itemReference: "Reference", isActive: "boolean", strength: "Ratio" },
  },
  Immunization: {
    status: "code",
    statusReason: "CodeableConcept",
    vaccineCode: "CodeableConcept",
    patient: "Reference",
    encounter: "Reference",
    occurrenceDateTime: "date",
    recorded: "date",
    primarySource: "boolean",
    reportOrigin: "CodeableConcept",
    location: "Reference",
    site: "CodeableConcept",
    route: "CodeableConcept",
    doseQuantity: "Quantity",
    reasonCode: "CodeableConcept",
    reasonReference: "Reference",
    isSubpotent: "boolean",
    subpotentReason: "CodeableConcept",
    programEligibility: "CodeableConcept",
    fundingSource: "CodeableConcept",
    reaction: { date: "date", detail: "Reference", reported: "boolean" },
    protocolApplied: {
      targetDisease: "CodeableConcept",
      doseNumberPositiveInt: "number",
      seriesDosesPositiveInt: "number",
    },
  },
  AllergyIntolerance: {
    clinicalStatus: "CodeableConcept",
    verificationStatus: "CodeableConcept",
    type: "code",
    category: "code",
    criticality: "code",
    code: "CodeableConcept",
    patient: "Reference",
    encounter: "Reference",
    ...prefixed("onset", onset),
    recordedDate: "date",
    lastOccurrence: "date",
    reaction: {
      substance: "CodeableConcept",
      manifestation: "CodeableConcept",
      onset: "date",
      severity: "code",
      exposureRoute: "CodeableConcept",
    },
  },
  CarePlan: {
    basedOn: "Reference",
    replaces: "Reference",
    partOf: "Reference",
    status: "code",
    intent: "code",
    category: "CodeableConcept",
    subject: "Reference",
    encounter: "Reference",
    period: "Period",
    created: "date",
    careTeam: "Reference",
    addresses: "Reference",
    goal: "Reference",
    activity: {
      outcomeCodeableConcept: "CodeableConcept",
      outcomeReference: "Reference",
      reference: "Reference",
      detail: {
        kind: "code",
        code: "CodeableConcept",
        reasonCode: "CodeableConcept",
        reasonReference: "Reference",
        goal: "Reference",
        status: "code",
        statusReason: "CodeableConcept",
        doNotPerform: "boolean",
        scheduledTiming: "Timing",
        scheduledPeriod: "Period",
        location: "Reference",
        performer: "Reference",
        productCodeableConcept: "CodeableConcept",
        productReference: "Reference",
        dailyAmount: "Quantity",
        quantity: "Quantity",
      },
    },
  },
  CareTeam: {
    status: "code",
    category: "CodeableConcept",
    subject: "Reference",
    encounter: "Reference",
    period: "Period",
    participant: { role: "CodeableConcept", member: "Reference", onBehalfOf: "Reference", period: "Period" },
    reasonCode: "CodeableConcept",
    reasonReference: "Reference",
    managingOrganization: "Reference",
  },
  Goal: {
    lifecycleStatus: "code",
    achievementStatus: "CodeableConcept",
    category: "CodeableConcept",
    priority: "CodeableConcept",
    description: "CodeableConcept",
    subject: "Reference",
    startDate: "date",
    startCodeableConcept: "CodeableConcept",
    target: {
      measure: "CodeableConcept",
      detailQuantity: "Quantity",
      detailRange: "Range",
      detailCodeableConcept: "CodeableConcept",
      detailBoolean: "boolean",
      detailInteger: "number",
      detailRatio: "Ratio",
      dueDate: "date",
      dueDuration: "Duration",
    },
    statusDate: "date",
    addresses: "Reference",
    outcomeCode: "CodeableConcept",
  },
  FamilyMemberHistory: {
    status: "code",
    dataAbsentReason: "CodeableConcept",
    patient: "Reference",
    date: "date",
    relationship: "CodeableConcept",
    sex: "CodeableConcept",
    ageAge: "Age",
    ageRange: "Range",
    estimatedAge: "boolean",
    deceasedBoolean: "boolean",
    deceasedAge: "Age",
    deceasedRange: "Range",
    reasonCode: "CodeableConcept",
    condition: { code: "CodeableConcept", outcome: "CodeableConcept", contributedToDeath: "boolean", onsetAge: "Age", onsetRange: "Range" },
  },
  QuestionnaireResponse: {
    basedOn: "Reference",
    partOf: "Reference",
    status: "code",
    subject: "Reference",
    encounter: "Reference",
    authored: "date",
    item: {} as Rule, // recursive: filled in below
  },
  Specimen: {
    status: "code",
    type: "CodeableConcept",
    subject: "Reference",
    receivedTime: "date",
    parent: "Reference",
    request: "Reference",
    collection: {
      collectedDateTime: "date",
      collectedPeriod: "Period",
      duration: "Duration",
      quantity: "Quantity",
      method: "CodeableConcept",
      bodySite: "CodeableConcept",
    },
    condition: "CodeableConcept",
  },
  // Of a device: what kind it is and whose; never its UDI, serial, lot, model or dates of manufacture.
  Device: {
    status: "code",
    statusReason: "CodeableConcept",
    type: "CodeableConcept",
    patient: "Reference",
    parent: "Reference",
  },
  // Of an imaging study: what was imaged how, never the DICOM UIDs, instances, endpoints or descriptions.
  ImagingStudy: {
    status: "code",
    modality: "Coding",
    subject: "Reference",
    encounter: "Reference",
    started: "date",
    basedOn: "Reference",
    numberOfSeries: "number",
    numberOfInstances: "number",
    procedureCode: "CodeableConcept",
    reasonCode: "CodeableConcept",
    reasonReference: "Reference",
    series: { modality: "Coding", numberOfInstances: "number", bodySite: "Coding", laterality: "Coding", started: "date" },
  },
  // Of a photo or other media: its kind and size, never its content.
  Media: {
    basedOn: "Reference",
    partOf: "Reference",
    status: "code",
    type: "CodeableConcept",
    modality: "CodeableConcept",
    view: "CodeableConcept",
    subject: "Reference",
    encounter: "Reference",
    createdDateTime: "date",
    createdPeriod: "Period",
    issued: "date",
    reasonCode: "CodeableConcept",
    bodySite: "CodeableConcept",
    height: "number",
    width: "number",
    frames: "number",
    duration: "number",
  },
  // Of a document: its kind and date, never its content (an Attachment) or description.
  DocumentReference: {
    status: "code",
    docStatus: "code",
    type: "CodeableConcept",
    category: "CodeableConcept",
    subject: "Reference",
    date: "date",
    context: { encounter: "Reference", event: "CodeableConcept", period: "Period", facilityType: "CodeableConcept", practiceSetting: "CodeableConcept" },
  },
  // Care settings, as kinds: never names, telecom, positions or identifiers.
  Organization: { active: "boolean", type: "CodeableConcept", address: "Address", partOf: "Reference" },
  Location: {
    status: "code",
    operationalStatus: "Coding",
    mode: "code",
    type: "CodeableConcept",
    physicalType: "CodeableConcept",
    address: "Address",
    managingOrganization: "Reference",
    partOf: "Reference",
  },
  PractitionerRole: {
    active: "boolean",
    practitioner: "Reference",
    organization: "Reference",
    code: "CodeableConcept",
    specialty: "CodeableConcept",
    location: "Reference",
  },
};

// QuestionnaireResponse.item nests itself (item.item, item.answer.item); answers keep coded and numeric values only.
const questionnaireItem: { [element: string]: Rule } = { linkId: "code" };
const answer: { [element: string]: Rule } = {
  valueBoolean: "boolean",
  valueDecimal: "number",
  valueInteger: "number",
  valueDate: "date",
  valueDateTime: "date",
  valueTime: "time",
  valueCoding: "Coding",
  valueQuantity: "Quantity",
  item: questionnaireItem,
};
questionnaireItem.answer = answer;
questionnaireItem.item = questionnaireItem;
(ALLOW_LIST.QuestionnaireResponse as { item: Rule }).item = questionnaireItem;

/**
 * Extensions that may stay, by URL: the US Core race, ethnicity and birth sex (coded parts only; the
 * race and ethnicity `text` sub-extension is free text and goes). Every other extension is dropped.
 */
export const ALLOWED_EXTENSIONS: Readonly<Record<string, { readonly value?: Readonly<Record<string, Rule>>; readonly parts?: Readonly<Record<string, Readonly<Record<string, Rule>>>> }>> = {
  "http://hl7.org/fhir/us/core/StructureDefinition/us-core-race": { parts: { ombCategory: { valueCoding: "Coding" }, detailed: { valueCoding: "Coding" } } },
  "http://hl7.org/fhir/us/core/StructureDefinition/us-core-ethnicity": { parts: { ombCategory: { valueCoding: "Coding" }, detailed: { valueCoding: "Coding" } } },
  "http://hl7.org/fhir/us/core/StructureDefinition/us-core-birthsex": { value: { valueCode: "code" } },
};

/**
 * Code systems whose codes are public vocabulary (a code of a local system can be anything, a
 * record number included): exact URIs, or prefixes ending in "/".
 */
export const STANDARD_CODE_SYSTEMS: readonly string[] = [
  "http://snomed.info/sct",
  "http://loinc.org",
  "http://www.nlm.nih.gov/research/umls/rxnorm",
  "http://hl7.org/fhir/sid/cvx",
  "http://hl7.org/fhir/sid/icd-9-cm",
  "http://hl7.org/fhir/sid/icd-10",
  "http://hl7.org/fhir/sid/icd-10-cm",
  "http://hl7.org/fhir/sid/ndc",
  "http://unitsofmeasure.org",
  "http://www.ama-assn.org/go/cpt",
  "http://dicom.nema.org/resources/ontology/DCM",
  "http://www.nubc.org/patient-discharge",
  "urn:ietf:bcp:47",
  "urn:iso:std:iso:3166",
  "urn:oid:2.16.840.1.113883.6.238",
  "http://id.loc.gov/vocabulary/iso639-1",
  "http://terminology.hl7.org/CodeSystem/",
];

export function isStandardCodeSystem(system: string): boolean {
  return STANDARD_CODE_SYSTEMS.some((s) => (s.endsWith("/") ? system.startsWith(s) && system.length > s.length : system === s));
}

/**
 * Three-digit ZIP prefixes whose area held 20,000 people or fewer (HHS Safe Harbor guidance, 2000
 * census, together with the 2010 census list Microsoft's anonymization tool ships): they become "000".
 */
export const RESTRICTED_ZIP3: ReadonlySet<string> = new Set([
  "036", "059", "063", "102", "203", "205", "369", "556", "692", "790", "821", "823", "830", "831", "878", "879", "884", "890", "893",
]);
