/**
 * De-identification of FHIR R4 records by allow-list, on the patient's side before encryption.
 *
 * Only what `ALLOW_LIST` (allow-list.ts) names for a resource type is copied: codes of standard
 * code systems, values with units, statuses, coded categories, dates (generalized per level) and
 * references rewritten to per-grant pseudonyms (keyed hashes, so links inside a copy still
 * resolve but copies for different grants cannot be joined). Everything else is dropped: narrative,
 * annotations, attachments, free text, identifiers, names, telecom, addresses below the level's
 * precision, device and imaging identifiers, extensions not allowed, displays that are not the
 * display of a kept code, `Reference.display`. Resource types not on the list are dropped whole.
 * The walk reaches every nested resource: Bundle entries, nested Bundles, `contained`.
 *
 * Two levels (docs/fhir.md, "De-identification"):
 * - `deidentified`: HIPAA Safe Harbor. Every date is reduced to its year; a date more than 89 years
 *   ago goes whole (its year implies an age over 89), ages of 90 or more become "≥ 90 years"; ZIP
 *   codes keep 3 digits (000 for the sparsely populated prefixes); nothing geographic below the state.
 * - `limited`: HIPAA limited data set (for research under a data use agreement). Dates are moved by
 *   the grant's offset (±50 days) and kept as dates only: no time of day and no UTC offset, which
 *   would otherwise let daylight-saving rules narrow the offset down. City, state and 5-digit ZIP stay;
 *   ages are not grouped.
 *
 * Pure functions, browser-safe.
 */
import { hmac } from "@noble/hashes/hmac.js";
import { sha256 } from "@noble/hashes/sha2.js";
import { ALLOW_LIST, ALLOWED_EXTENSIONS, RESTRICTED_ZIP3, isStandardCodeSystem, type Rule } from "./allow-list.ts";
import { FhirNotDeidentifiableError } from "./errors.ts";

export type DeidentificationLevel = "deidentified" | "limited";
export const DEIDENTIFICATION_LEVELS: readonly DeidentificationLevel[] = ["deidentified", "limited"];

/** The largest date shift, in days either way, of a `limited` copy. */
export const MAX_DATE_SHIFT_DAYS = 50;

export interface DeidentifyOptions {
  /** `deidentified` (Safe Harbor) or `limited` (limited data set). */
  level: DeidentificationLevel;
  /** Per-grant secret (at least 16 bytes): keys the pseudonyms and the date shift. */
  secret: Uint8Array;
  /** `limited` only: days every date moves by, within ±50; by default `dateShiftForGrant(secret)`. */
  dateShiftDays?: number;
  /** The day ages are counted to (default: now); for tests. */
  today?: Date;
}

/** What a de-identification dropped or changed, by kind; counts only, never values. */
export interface DeidentificationReport {
  level: DeidentificationLevel;
  /** Resources dropped whole, by resource type. */
  droppedResources: Record<string, number>;
  /** Elements dropped, by kind ("narrative", "identifier", "free text", "display" …). */
  droppedElements: Record<string, number>;
  /** Values kept in a coarser form, by kind ("date reduced to year", "age grouped as 90 or older" …). */
  generalized: Record<string, number>;
}

/** Marks where the copy says how it was made (Bundle.meta.extension). */
export const DEIDENTIFICATION_EXTENSION = "urn:caduceus:fhir:deidentification";
const DATA_ABSENT_REASON = "http://hl7.org/fhir/StructureDefinition/data-absent-reason";
const SECURITY_LABELS = "http://terminology.hl7.org/CodeSystem/v3-ObservationValue";

type Json = null | boolean | number | string | Json[] | JsonObject;
type JsonObject = { [key: string]: Json };

/** FHIR date, dateTime and instant: YYYY, YYYY-MM, YYYY-MM-DD, or a date with a time and offset. */
const FHIR_DATE = /^(\d{4})(?:-(\d{2})(?:-(\d{2})(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:\d{2})?)?)?)?$/;
const FHIR_TIME = /^\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/;
/** A code token: statuses, genders, intents, link ids. No spaces, nothing long. */
const CODE_TOKEN = /^[A-Za-z0-9][A-Za-z0-9._:\-]{0,63}$/;
const TYPE_AND_ID = /^(?:https?:\/\/[^?#]*\/)?([A-Z][A-Za-z]+)\/([A-Za-z0-9\-.]{1,64})(?:\/_history\/[A-Za-z0-9\-.]{1,64})?$/;
/** Quantities in time units (UCUM), in years per unit: ages are grouped from 90 years up. */
const YEARS_PER_UNIT: Readonly<Record<string, number>> = { a: 1, yr: 1, year: 1, years: 1, mo: 1 / 12, month: 1 / 12, months: 1 / 12, wk: 7 / 365.25, d: 1 / 365.25 };
const OLDEST_AGE = 90;

const DATATYPES: Readonly<Record<string, Readonly<Record<string, Rule>>>> = {
  Range: { low: "Quantity", high: "Quantity" },
  Ratio: { numerator: "Quantity", denominator: "Quantity" },
  Period: { start: "date", end: "date" },
  Timing: {
    event: "date",
    code: "CodeableConcept",
    repeat: {
      boundsDuration: "Duration",
      boundsRange: "Range",
      boundsPeriod: "Period",
      count: "number",
      countMax: "number",
      duration: "number",
      durationMax: "number",
      durationUnit: "code",
      frequency: "number",
      frequencyMax: "number",
      period: "number",
      periodMax: "number",
      periodUnit: "code",
      dayOfWeek: "code",
      timeOfDay: "time",
      when: "code",
      offset: "number",
    },
  },
  Dosage: {
    sequence: "number",
    additionalInstruction: "CodeableConcept",
    timing: "Timing",
    asNeededBoolean: "boolean",
    asNeededCodeableConcept: "CodeableConcept",
    site: "CodeableConcept",
    route: "CodeableConcept",
    method: "CodeableConcept",
    doseAndRate: {
      type: "CodeableConcept",
      doseRange: "Range",
      doseQuantity: "Quantity",
      rateRatio: "Ratio",
      rateRange: "Range",
      rateQuantity: "Quantity",
    },
    maxDosePerPeriod: "Ratio",
    maxDosePerAdministration: "Quantity",
    maxDosePerLifetime: "Quantity",
  },
};

/** A deterministic, keyed shift in [-50, -1] ∪ [1, 50] days from the grant's secret. */
export function dateShiftForGrant(secret: Uint8Array): number {
  const [a, b] = hmac(sha256, secret, new TextEncoder().encode("caduceus/deidentify/date-shift"));
  const days = 1 + (((a! << 8) | b!) % MAX_DATE_SHIFT_DAYS);
  return a! & 0x80 ? -days : days;
}

/** Returns a de-identified copy of a FHIR resource or Bundle at `options.level`; the input is not changed. */
export function deidentify<T>(resource: T, options: DeidentifyOptions): T {
  return deidentifyWithReport(resource, options).copy;
}

/**
 * `deidentify`, together with counts of what was dropped and generalized. A Bundle's copy also says
 * so itself: `meta.security` labels and a `meta.extension` (DEIDENTIFICATION_EXTENSION) with the
 * level and the number of resources dropped.
 *
 * @throws FhirNotDeidentifiableError when `resource` is a single resource of a type not on the list.
 */
export function deidentifyWithReport<T>(resource: T, options: DeidentifyOptions): { copy: T; report: DeidentificationReport } {
  if (options.level !== "deidentified" && options.level !== "limited") throw new RangeError("level must be \"deidentified\" or \"limited\".");
  if (options.secret.length < 16) throw new RangeError("The de-identification secret must be at least 16 bytes.");
  const dateShiftDays = options.dateShiftDays ?? dateShiftForGrant(options.secret);
  if (!Number.isInteger(dateShiftDays) || Math.abs(dateShiftDays) > MAX_DATE_SHIFT_DAYS) {
    throw new RangeError(`dateShiftDays must be an integer within ±${MAX_DATE_SHIFT_DAYS}.`);
  }
  const walker = new Walker(options.level, options.secret, dateShiftDays, (options.today ?? new Date()).getUTCFullYear());
  const input = resource as Json;
  const copy = walker.resource(input);
  if (copy === undefined) {
    const type = isObject(input) && typeof input.resourceType === "string" && /^[A-Z][A-Za-z]{1,63}$/.test(input.resourceType) ? input.resourceType : "unknown";
    throw new FhirNotDeidentifiableError(type);
  }
  if (copy.resourceType === "Bundle") copy.meta = walker.provenance();
  return { copy: copy as T, report: walker.report };
}

class Walker {
  readonly report: DeidentificationReport;
  readonly #pseudonyms = new Map<string, string>();

  constructor(
    readonly level: DeidentificationLevel,
    readonly secret: Uint8Array,
    readonly shiftDays: number,
    readonly thisYear: number,
  ) {
    this.report = { level, droppedResources: {}, droppedElements: {}, generalized: {} };
  }

  /** A resource through its type's rules, or undefined (counted) when the type is not on the list. */
  resource(value: Json): JsonObject | undefined {
    if (!isObject(value) || typeof value.resourceType !== "string") {
      this.dropped("malformed resource", value);
      return undefined;
    }
    const type = value.resourceType;
    const rules = Object.hasOwn(ALLOW_LIST, type) ? (ALLOW_LIST as Readonly<Record<string, Readonly<Record<string, Rule>>>>)[type] : undefined;
    if (!rules) {
      const key = /^[A-Z][A-Za-z]{1,63}$/.test(type) ? type : "unknown";
      this.report.droppedResources[key] = (this.report.droppedResources[key] ?? 0) + 1;
      return undefined;
    }
    const out: JsonObject = { resourceType: type };
    if (typeof value.id === "string") out.id = this.pseudonym(value.id);
    if (value.contained !== undefined) {
      const contained = asArray(value.contained).map((r) => this.resource(r)).filter((r) => r !== undefined);
      if (contained.length > 0) out.contained = contained;
    }
    const rest = this.object(value, rules, new Set(["resourceType", "id", "contained"]));
    Object.assign(out, rest);
    // An entry whose resource was dropped goes too (its fullUrl would point at nothing).
    if (type === "Bundle" && Array.isArray(out.entry)) {
      const entries = out.entry.filter((e) => isObject(e) && e.resource !== undefined);
      if (entries.length > 0) out.entry = entries;
      else delete out.entry;
    }
    if (type === "Patient") this.markMaskedBirth(value, out);
    return out;
  }

  /** Bundle.meta of the copy: what was done, and how many resources were dropped. */
  provenance(): JsonObject {
    const dropped = Object.values(this.report.droppedResources).reduce((a, b) => a + b, 0);
    const labels = this.level === "deidentified" ? ["REDACTED", "PSEUDED", "ABSTRED"] : ["REDACTED", "PSEUDED"];
    return {
      security: labels.map((code) => ({ system: SECURITY_LABELS, code })),
      extension: [
        {
          url: DEIDENTIFICATION_EXTENSION,
          extension: [
            { url: "level", valueCode: this.level },
            { url: "droppedResources", valueUnsignedInt: dropped },
          ],
        },
      ],
    };
  }

  /** The kept elements of an object (a resource's body or a backbone element); undefined when none. */
  object(value: JsonObject, rules: Readonly<Record<string, Rule>>, skip?: ReadonlySet<string>): JsonObject | undefined {
    const out: JsonObject = {};
    for (const [key, v] of Object.entries(value)) {
      if (skip?.has(key)) continue;
      if (key === "extension") {
        const kept = this.extensions(v);
        if (kept) out.extension = kept;
        continue;
      }
      const rule = Object.hasOwn(rules, key) ? rules[key] : undefined;
      if (rule === undefined) {
        this.dropped(kindOf(key, v), v);
        continue;
      }
      const kept = this.element(v, rule, key);
      if (kept !== undefined) out[key] = kept;
    }
    return Object.keys(out).length > 0 ? out : undefined;
  }

  element(value: Json, rule: Rule, key: string): Json | undefined {
    if (Array.isArray(value)) {
      const kept = value.map((item) => this.element(item, rule, key)).filter((item) => item !== undefined);
      return kept.length > 0 ? kept : undefined;
    }
    if (typeof rule === "object") return isObject(value) ? this.object(value, rule) : this.dropped("malformed element", value);
    switch (rule) {
      case "code":
        return typeof value === "string" && CODE_TOKEN.test(value) ? value : this.dropped("free text", value);
      case "boolean":
        return typeof value === "boolean" ? value : this.dropped("malformed element", value);
      case "number":
        return typeof value === "number" && Number.isFinite(value) ? value : this.dropped("malformed element", value);
      case "time":
        return typeof value === "string" && FHIR_TIME.test(value) ? value : this.dropped("free text", value);
      case "date":
        return this.date(value);
      case "Coding":
        return this.coding(value);
      case "CodeableConcept":
        return this.codeableConcept(value);
      case "Quantity":
      case "Age":
      case "Duration":
        return this.quantity(value);
      case "Reference":
        return this.reference(value);
      case "Address":
        return this.address(value);
      case "Resource":
        return this.resource(value);
      case "fullUrl":
        return typeof value === "string" ? this.fullUrl(value) : this.dropped("malformed element", value);
      case "requestUrl":
        return this.requestUrl(value);
      default: {
        const rules = DATATYPES[rule];
        if (rules && isObject(value)) return this.object(value, rules);
        return this.dropped("malformed element", value);
      }
    }
  }

  /** Year only (deidentified; nothing when the year implies an age over 89), or shifted date only (limited). */
  date(value: Json): string | undefined {
    const match = typeof value === "string" ? FHIR_DATE.exec(value) : null;
    if (!match) return this.dropped("free text", value);
    const [, year, month, day] = match;
    if (this.level === "deidentified") {
      if (this.thisYear - Number(year) >= OLDEST_AGE) {
        this.generalized("date more than 89 years ago, removed");
        return undefined;
      }
      if (month !== undefined) this.generalized("date reduced to year");
      return year;
    }
    if ((value as string).length > 10) this.generalized("time of day and offset removed");
    this.generalized("date shifted");
    return shiftDate(Number(year), month === undefined ? undefined : Number(month), day === undefined ? undefined : Number(day), this.shiftDays);
  }

  coding(value: Json): JsonObject | undefined {
    if (!isObject(value)) return this.dropped("malformed element", value);
    const { system, code, display } = value;
    if (typeof code !== "string" || code.length === 0 || code.length > 64) return this.dropped(display !== undefined ? "display" : "malformed element", value);
    if (typeof system !== "string" || !isStandardCodeSystem(system)) return this.dropped("coding of a local code system", value);
    const out: JsonObject = { system, code };
    if (typeof display === "string") out.display = display;
    for (const key of Object.keys(value)) if (!["system", "code", "display"].includes(key)) this.dropped(kindOf(key, value[key]!), value[key]!);
    return out;
  }

  codeableConcept(value: Json): JsonObject | undefined {
    if (!isObject(value)) return this.dropped("malformed element", value);
    const coding = asArray(value.coding).map((c) => this.coding(c)).filter((c) => c !== undefined);
    for (const key of Object.keys(value)) if (key !== "coding" && key !== "text") this.dropped(kindOf(key, value[key]!), value[key]!);
    if (coding.length === 0) {
      if (value.text !== undefined) this.dropped("free text", value.text);
      return undefined;
    }
    const out: JsonObject = { coding };
    // The text stays only where it repeats the display of a kept code (Synthea writes it so).
    if (typeof value.text === "string" && coding.some((c) => c.display === value.text)) out.text = value.text;
    else if (value.text !== undefined) this.dropped("free text", value.text);
    return out;
  }

  /** Value, comparator, unit and UCUM code; an age of 90 years or more becomes "≥ 90 a" (deidentified). */
  quantity(value: Json): JsonObject | undefined {
    if (!isObject(value)) return this.dropped("malformed element", value);
    const out: JsonObject = {};
    for (const [key, v] of Object.entries(value)) {
      if (key === "value" && typeof v === "number" && Number.isFinite(v)) out.value = v;
      else if (key === "comparator" && typeof v === "string" && ["<", "<=", ">=", ">"].includes(v)) out.comparator = v;
      else if (key === "unit" && typeof v === "string" && v.length <= 32) out.unit = v;
      else if (key === "system" && typeof v === "string" && isStandardCodeSystem(v)) out.system = v;
      else if (key === "code" && typeof v === "string" && v.length <= 32) out.code = v;
      else this.dropped(kindOf(key, v), v);
    }
    const unit = typeof out.code === "string" ? out.code : typeof out.unit === "string" ? out.unit : "";
    const perYear = Object.hasOwn(YEARS_PER_UNIT, unit) ? YEARS_PER_UNIT[unit] : undefined;
    if (this.level === "deidentified" && perYear !== undefined && typeof out.value === "number" && out.value * perYear >= OLDEST_AGE) {
      this.generalized("age grouped as 90 or older");
      return { value: OLDEST_AGE, comparator: ">=", unit: "a", system: "http://unitsofmeasure.org", code: "a" };
    }
    return Object.keys(out).length > 0 ? out : undefined;
  }

  reference(value: Json): JsonObject | undefined {
    if (!isObject(value)) return this.dropped("malformed element", value);
    const out: JsonObject = {};
    for (const [key, v] of Object.entries(value)) {
      if (key === "reference" && typeof v === "string") out.reference = this.rewriteReference(v);
      else if (key === "type" && typeof v === "string" && /^[A-Z][A-Za-z]{1,63}$/.test(v)) out.type = v;
      else this.dropped(kindOf(key, v), v);
    }
    return out.reference !== undefined ? out : undefined;
  }

  /** State and country; 3-digit ZIP (deidentified) or city and 5-digit ZIP (limited). */
  address(value: Json): JsonObject | undefined {
    if (!isObject(value)) return this.dropped("malformed element", value);
    const out: JsonObject = {};
    for (const [key, v] of Object.entries(value)) {
      const short = typeof v === "string" && v.length <= 40;
      if ((key === "use" || key === "type") && typeof v === "string" && CODE_TOKEN.test(v)) out[key] = v;
      else if ((key === "state" || key === "country") && short) out[key] = v;
      else if (key === "city" && short && this.level === "limited") out.city = v;
      else if (key === "postalCode" && typeof v === "string" && /^\d{5}(-\d{4})?$/.test(v)) {
        const zip3 = v.slice(0, 3);
        out.postalCode = this.level === "limited" ? v.slice(0, 5) : RESTRICTED_ZIP3.has(zip3) ? "000" : zip3;
        this.generalized(this.level === "limited" ? "ZIP cut to 5 digits" : "ZIP cut to 3 digits");
      } else this.dropped(key === "extension" ? "extension" : "address detail", v);
    }
    return Object.keys(out).length > 0 ? out : undefined;
  }

  extensions(value: Json): JsonObject[] | undefined {
    const out: JsonObject[] = [];
    for (const ext of asArray(value)) {
      const allowed = isObject(ext) && typeof ext.url === "string" && Object.hasOwn(ALLOWED_EXTENSIONS, ext.url) ? ALLOWED_EXTENSIONS[ext.url] : undefined;
      if (!allowed || !isObject(ext)) {
        this.dropped("extension", ext);
        continue;
      }
      const kept: JsonObject = { url: ext.url as string };
      if (allowed.value) Object.assign(kept, this.object(ext, allowed.value, new Set(["url"])) ?? {});
      if (allowed.parts) {
        const parts: JsonObject[] = [];
        for (const part of asArray(ext.extension)) {
          const rules = isObject(part) && typeof part.url === "string" && Object.hasOwn(allowed.parts, part.url) ? allowed.parts[part.url] : undefined;
          const body = rules && isObject(part) ? this.object(part, rules, new Set(["url"])) : this.dropped("extension", part);
          if (body && isObject(part)) parts.push({ url: part.url as string, ...body });
        }
        if (parts.length > 0) kept.extension = parts;
        for (const key of Object.keys(ext)) if (key !== "url" && key !== "extension") this.dropped("extension", ext[key]!);
      }
      if (Object.keys(kept).length > 1) out.push(kept);
    }
    return out.length > 0 ? out : undefined;
  }

  /** A birth date removed for age says so: `_birthDate` with data-absent-reason "masked"; death becomes a flag. */
  markMaskedBirth(source: JsonObject, out: JsonObject): void {
    if (typeof source.birthDate === "string" && out.birthDate === undefined) {
      out._birthDate = { extension: [{ url: DATA_ABSENT_REASON, valueCode: "masked" }] };
    }
    if (typeof source.deceasedDateTime === "string" && out.deceasedDateTime === undefined) out.deceasedBoolean = true;
  }

  pseudonym(id: string): string {
    let p = this.#pseudonyms.get(id);
    if (!p) {
      const h = Array.from(hmac(sha256, this.secret, new TextEncoder().encode(id)).subarray(0, 16), (b) => b.toString(16).padStart(2, "0")).join("");
      p = `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
      this.#pseudonyms.set(id, p);
    }
    return p;
  }

  /** `urn:uuid:<id>`, `Type/<id>` (also absolute) and `#<id>` keep their shape with the id replaced; anything else becomes a urn:uuid. */
  rewriteReference(ref: string): string {
    if (ref.startsWith("#")) return `#${this.pseudonym(ref.slice(1))}`;
    if (ref.startsWith("urn:uuid:")) return `urn:uuid:${this.pseudonym(ref.slice(9))}`;
    const typed = TYPE_AND_ID.exec(ref);
    if (typed) return `${typed[1]}/${this.pseudonym(typed[2]!)}`;
    return `urn:uuid:${this.pseudonym(ref)}`;
  }

  fullUrl(url: string): string {
    if (url.startsWith("urn:uuid:")) return `urn:uuid:${this.pseudonym(url.slice(9))}`;
    const typed = TYPE_AND_ID.exec(url);
    return `urn:uuid:${this.pseudonym(typed ? typed[2]! : url)}`;
  }

  /** A batch entry's request URL: the resource type, and its id as a pseudonym; search parameters go. */
  requestUrl(value: Json): string | undefined {
    if (typeof value !== "string") return this.dropped("malformed element", value);
    const typed = /^([A-Z][A-Za-z]+)(?:\/([A-Za-z0-9\-.]{1,64}))?(?:[?/].*)?$/.exec(value);
    if (!typed) return this.dropped("free text", value);
    if (value.includes("?")) this.dropped("free text", value);
    return typed[2] !== undefined && !value.startsWith(`${typed[1]}?`) ? `${typed[1]}/${this.pseudonym(typed[2])}` : typed[1];
  }

  dropped(kind: string, value: Json): undefined {
    const n = Array.isArray(value) ? value.length : 1;
    this.report.droppedElements[kind] = (this.report.droppedElements[kind] ?? 0) + n;
    return undefined;
  }

  generalized(kind: string): void {
    this.report.generalized[kind] = (this.report.generalized[kind] ?? 0) + 1;
  }
}

const ATTACHMENT_KEYS = new Set(["photo", "content", "presentedForm", "valueAttachment", "form"]);
const DEVICE_IDENTIFIERS = new Set(["udiCarrier", "serialNumber", "lotNumber", "distinctIdentifier", "modelNumber", "deviceName", "manufacturer", "manufactureDate", "expirationDate", "batch"]);
const IMAGING_IDENTIFIERS = new Set(["uid", "instance", "endpoint", "series"]);

/** The kind of a dropped element, for the report (never its value). */
function kindOf(key: string, value: Json): string {
  if (key === "text" && isObject(value) && "div" in value) return "narrative";
  if (key === "extension" || key === "modifierExtension" || key.startsWith("_")) return "extension";
  if (key === "identifier" || key.endsWith("Identifier")) return "identifier";
  if (key === "name" || key === "alias" || key.endsWith("HumanName")) return "name";
  if (key === "telecom" || key.endsWith("ContactPoint")) return "contact point";
  if (key === "contact") return "contact person";
  if (key === "note" || key.endsWith("Annotation")) return "annotation";
  if (ATTACHMENT_KEYS.has(key) || (isObject(value) && ("data" in value || "contentType" in value))) return "attachment";
  if (key === "display") return "display";
  if (DEVICE_IDENTIFIERS.has(key)) return "device identifier";
  if (IMAGING_IDENTIFIERS.has(key)) return "imaging UID or instance";
  if (key === "position") return "position";
  if (key === "address" || key.endsWith("Address")) return "address detail";
  if (key === "meta") return "meta";
  if (key === "id") return "element id";
  if (typeof value === "string" || (Array.isArray(value) && value.every((v) => typeof v === "string"))) return "free text";
  return "other element";
}

function isObject(value: Json | undefined): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

const asArray = (value: Json | undefined): Json[] => (Array.isArray(value) ? value : value === undefined ? [] : [value]);

/** Moves a date by whole days, keeping its precision; never a time of day or an offset. */
function shiftDate(year: number, month: number | undefined, day: number | undefined, days: number): string {
  const d = new Date(Date.UTC(year, (month ?? 1) - 1, (day ?? 1) + days));
  const y = String(d.getUTCFullYear()).padStart(4, "0");
  if (month === undefined) return y;
  if (day === undefined) return `${y}-${pad(d.getUTCMonth() + 1)}`;
  return `${y}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
}

const pad = (n: number) => String(n).padStart(2, "0");
