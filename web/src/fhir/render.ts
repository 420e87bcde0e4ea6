/**
 * FHIR R4 → something a person reads. One record (a "collection" Bundle, one per encounter, as the
 * client library splits them) becomes an encounter heading and a list of plain items: conditions,
 * observations with values and units, procedures, reports, immunizations, medications, care plans.
 * Billing and directory resources (claims, organizations, practitioners…) are counted, not shown.
 * Pure functions: no React, no network; tested with Vitest.
 */

type Json = Record<string, unknown>;

export type ItemKind =
  | "condition"
  | "observation"
  | "procedure"
  | "report"
  | "immunization"
  | "medication"
  | "allergy"
  | "carePlan";

export const ITEM_ORDER: readonly ItemKind[] = [
  "condition",
  "observation",
  "procedure",
  "report",
  "immunization",
  "medication",
  "allergy",
  "carePlan",
];

export interface RenderedItem {
  kind: ItemKind;
  /** What it is: "Body temperature", "Influenza, seasonal", "Amoxicillin 250 MG". */
  title: string;
  /** A value with its unit ("40.89 °C"), a status ("resolved") or a dosage, when there is one. */
  value?: string;
  /** ISO date-time of when it happened, as the record says it. */
  date?: string;
  /** ISO date-time of when it ended (a resolved condition), if any. */
  end?: string;
  /** Set for a status that changes the meaning: "resolved", "stopped", "not done". */
  status?: string;
}

export interface RenderedEncounter {
  title: string;
  start?: string;
  end?: string;
  /** ambulatory, emergency, inpatient… from Encounter.class. */
  setting?: string;
  reason?: string;
  provider?: string;
}

export interface RenderedPatient {
  name?: string;
  birthDate?: string;
  gender?: string;
}

export interface RenderedRecord {
  encounter?: RenderedEncounter;
  patient?: RenderedPatient;
  items: RenderedItem[];
  /** Resources not shown (claims, organizations, practitioners, care teams…), by type. */
  hidden: Record<string, number>;
  /** The date the timeline sorts by: the encounter's start, else the earliest item. */
  date?: string;
}

const obj = (v: unknown): Json | undefined => (typeof v === "object" && v !== null && !Array.isArray(v) ? (v as Json) : undefined);
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const str = (v: unknown): string | undefined => (typeof v === "string" && v.trim() !== "" ? v : undefined);

/** The words of a CodeableConcept: its text, else the first coding's display, else its code. */
export function conceptText(value: unknown): string | undefined {
  const concept = obj(value);
  if (!concept) return undefined;
  const text = str(concept.text);
  if (text) return text;
  for (const coding of arr(concept.coding)) {
    const c = obj(coding);
    const display = str(c?.display) ?? str(c?.code);
    if (display) return display;
  }
  return undefined;
}

const firstConcept = (value: unknown): string | undefined =>
  Array.isArray(value) ? value.map(conceptText).find((t) => t !== undefined) : conceptText(value);

const codeOf = (value: unknown): string | undefined => {
  const c = obj(value);
  return str(c?.code) ?? str(obj(arr(c?.coding)[0])?.code);
};

/** UCUM codes as people write them. */
const UNITS: Record<string, string> = {
  Cel: "°C",
  "[degF]": "°F",
  "kg/m2": "kg/m²",
  "mm[Hg]": "mmHg",
  "[lb_av]": "lb",
  "[in_i]": "in",
  "/min": "/min",
  "{score}": "",
  "1": "",
  "10*3/uL": "×10³/µL",
  "10*6/uL": "×10⁶/µL",
  "10*9/L": "×10⁹/L",
  "10*12/L": "×10¹²/L",
  "{beats}/min": "beats/min",
  "{breaths}/min": "breaths/min",
  a: "years",
  mo: "months",
  wk: "weeks",
  d: "days",
};

export function formatUnit(unit: string | undefined): string {
  if (unit === undefined) return "";
  return UNITS[unit] ?? unit;
}

/** "40.89 °C" — at most two decimals, grouped as `locale` groups numbers. */
export function formatQuantity(value: unknown, locale = "en"): string | undefined {
  const q = obj(value);
  if (!q || typeof q.value !== "number") return undefined;
  const number = new Intl.NumberFormat(locale, { maximumFractionDigits: 2 }).format(q.value);
  const unit = formatUnit(str(q.unit) ?? str(q.code));
  const comparator = str(q.comparator) ?? "";
  return `${comparator}${number}${unit ? (unit.startsWith("°") || unit === "%" ? unit : ` ${unit}`) : ""}`;
}

/** An Observation's (or component's) value[x] in words. */
export function formatValue(resource: Json, locale = "en"): string | undefined {
  if (resource.valueQuantity !== undefined) return formatQuantity(resource.valueQuantity, locale);
  if (resource.valueCodeableConcept !== undefined) return conceptText(resource.valueCodeableConcept);
  if (typeof resource.valueString === "string") return resource.valueString;
  if (typeof resource.valueBoolean === "boolean") return resource.valueBoolean ? "yes" : "no";
  if (typeof resource.valueInteger === "number") return new Intl.NumberFormat(locale).format(resource.valueInteger);
  const range = obj(resource.valueRange);
  if (range) {
    const low = formatQuantity(range.low, locale);
    const high = formatQuantity(range.high, locale);
    if (low || high) return `${low ?? "…"} – ${high ?? "…"}`;
  }
  if (typeof resource.valueDateTime === "string") return resource.valueDateTime;
  return undefined;
}

function observationValue(resource: Json, locale: string): string | undefined {
  const own = formatValue(resource, locale);
  const parts = arr(resource.component)
    .map(obj)
    .filter((c): c is Json => c !== undefined)
    .map((c) => {
      const name = conceptText(c.code);
      const value = formatValue(c, locale);
      return value ? (name ? `${name}: ${value}` : value) : undefined;
    })
    .filter((p): p is string => p !== undefined);
  if (own && parts.length > 0) return `${own} (${parts.join("; ")})`;
  return own ?? (parts.length > 0 ? parts.join("; ") : undefined);
}

const periodStart = (value: unknown) => str(obj(value)?.start);
const periodEnd = (value: unknown) => str(obj(value)?.end);

/** Encounter.class codes (v3 ActCode) in words. */
const SETTINGS: Record<string, string> = {
  AMB: "ambulatory",
  EMER: "emergency",
  IMP: "inpatient",
  ACUTE: "inpatient acute",
  NONAC: "inpatient non-acute",
  OBSENC: "observation",
  PRENC: "pre-admission",
  SS: "short stay",
  VR: "virtual",
  HH: "home health",
  FLD: "field",
};

function renderEncounter(resource: Json): RenderedEncounter {
  const klass = codeOf(resource.class);
  const provider = str(obj(resource.serviceProvider)?.display);
  return {
    title: firstConcept(resource.type) ?? "Encounter",
    start: periodStart(resource.period),
    end: periodEnd(resource.period),
    setting: klass ? (SETTINGS[klass] ?? klass) : undefined,
    reason: firstConcept(resource.reasonCode) ?? str(obj(arr(resource.reasonReference)[0])?.display),
    provider,
  };
}

function renderPatient(resource: Json): RenderedPatient {
  const name = obj(arr(resource.name)[0]);
  const text =
    str(name?.text) ??
    ([...arr(name?.given).filter((g): g is string => typeof g === "string"), str(name?.family)].filter(Boolean).join(" ") ||
      undefined);
  return { name: text, birthDate: str(resource.birthDate), gender: str(resource.gender) };
}

const NOT_DONE = new Set(["not-done", "entered-in-error", "stopped", "cancelled", "revoked"]);

function statusOf(resource: Json): string | undefined {
  const clinical = codeOf(resource.clinicalStatus);
  if (clinical && clinical !== "active") return clinical;
  const status = str(resource.status);
  return status && NOT_DONE.has(status) ? status : undefined;
}

function renderItem(resource: Json, locale: string): RenderedItem | undefined {
  const status = statusOf(resource);
  const base = status ? { status } : {};
  switch (resource.resourceType) {
    case "Condition":
      return {
        kind: "condition",
        title: conceptText(resource.code) ?? "Condition",
        date: str(resource.onsetDateTime) ?? periodStart(resource.onsetPeriod) ?? str(resource.recordedDate),
        end: str(resource.abatementDateTime),
        ...base,
      };
    case "Observation":
      return {
        kind: "observation",
        title: conceptText(resource.code) ?? "Observation",
        value: observationValue(resource, locale),
        date: str(resource.effectiveDateTime) ?? periodStart(resource.effectivePeriod) ?? str(resource.issued),
        ...base,
      };
    case "Procedure":
      return {
        kind: "procedure",
        title: conceptText(resource.code) ?? "Procedure",
        date: str(resource.performedDateTime) ?? periodStart(resource.performedPeriod),
        ...base,
      };
    case "DiagnosticReport": {
      const results = arr(resource.result).length;
      return {
        kind: "report",
        title: conceptText(resource.code) ?? "Report",
        value: str(resource.conclusion) ?? (results > 0 ? `${results} result${results === 1 ? "" : "s"}` : undefined),
        date: str(resource.effectiveDateTime) ?? str(resource.issued),
        ...base,
      };
    }
    case "Immunization":
      return {
        kind: "immunization",
        title: conceptText(resource.vaccineCode) ?? "Vaccine",
        date: str(resource.occurrenceDateTime),
        ...base,
      };
    case "MedicationRequest":
    case "MedicationStatement":
    case "MedicationAdministration":
    case "MedicationDispense": {
      const dosage = obj(arr(resource.dosageInstruction ?? resource.dosage)[0]) ?? obj(resource.dosage);
      return {
        kind: "medication",
        title:
          conceptText(resource.medicationCodeableConcept) ?? str(obj(resource.medicationReference)?.display) ?? "Medication",
        value: str(dosage?.text),
        date:
          str(resource.authoredOn) ??
          str(resource.effectiveDateTime) ??
          periodStart(resource.effectivePeriod) ??
          str(resource.whenHandedOver),
        ...base,
      };
    }
    case "AllergyIntolerance":
      return {
        kind: "allergy",
        title: conceptText(resource.code) ?? "Allergy",
        value: arr(resource.reaction)
          .map((r) => firstConcept(obj(r)?.manifestation))
          .filter(Boolean)
          .join(", ") || undefined,
        date: str(resource.onsetDateTime) ?? str(resource.recordedDate),
        ...base,
      };
    case "CarePlan":
      return {
        kind: "carePlan",
        title: str(resource.description) ?? firstConcept(resource.category) ?? "Care plan",
        date: periodStart(resource.period),
        end: periodEnd(resource.period),
        ...base,
      };
    default:
      return undefined;
  }
}

/** Renders one record's plaintext (a FHIR Bundle or a single resource). Throws on JSON that is not FHIR. */
export function renderRecord(json: unknown, locale = "en"): RenderedRecord {
  const root = obj(json);
  if (!root || typeof root.resourceType !== "string") throw new Error("This record is not FHIR JSON.");
  const resources =
    root.resourceType === "Bundle"
      ? arr(root.entry)
          .map((e) => obj(obj(e)?.resource))
          .filter((r): r is Json => r !== undefined && typeof r.resourceType === "string")
      : [root];
  const out: RenderedRecord = { items: [], hidden: {} };
  for (const resource of resources) {
    if (resource.resourceType === "Encounter" && !out.encounter) {
      out.encounter = renderEncounter(resource);
      continue;
    }
    if (resource.resourceType === "Patient") {
      out.patient = renderPatient(resource);
      continue;
    }
    const item = renderItem(resource, locale);
    if (item) out.items.push(item);
    else out.hidden[resource.resourceType as string] = (out.hidden[resource.resourceType as string] ?? 0) + 1;
  }
  out.items.sort((a, b) => ITEM_ORDER.indexOf(a.kind) - ITEM_ORDER.indexOf(b.kind) || (a.date ?? "").localeCompare(b.date ?? ""));
  const dates = out.items.map((i) => i.date).filter((d): d is string => d !== undefined).sort();
  out.date = out.encounter?.start ?? dates[0];
  return out;
}

/** Plaintext bytes → rendered record, or undefined when the record is not FHIR JSON (a PDF, an image). */
export function renderPlaintext(mediaType: string, body: Uint8Array, locale = "en"): RenderedRecord | undefined {
  if (!/json/i.test(mediaType)) return undefined;
  return renderRecord(JSON.parse(new TextDecoder().decode(body)), locale);
}
