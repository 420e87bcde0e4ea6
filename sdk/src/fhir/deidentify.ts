/**
 * De-identification of FHIR records for anonymized grants, on the patient's side before encryption
 * (HIPAA Safe Harbor in spirit): names, identifiers, telecom, photos, contacts, narrative and notes,
 * reference display strings and address details go; birth and death dates keep only the year;
 * every other date moves by a per-grant number of days (intervals between events survive); resource
 * ids and references become per-grant pseudonyms, so references still resolve inside a record but
 * cannot be linked across grants. Codes, values and units are kept. Pure functions, browser-safe.
 */
import { hmac } from "@noble/hashes/hmac.js";
import { sha256 } from "@noble/hashes/sha2.js";

export interface DeidentifyOptions {
  /** Per-grant secret (at least 16 bytes): keys the id pseudonyms. */
  secret: Uint8Array;
  /** Days to move every date by (see `dateShiftForGrant`). */
  dateShiftDays: number;
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** Elements that identify a person, or free text that may: removed wherever they appear. */
const REMOVED = new Set(["name", "identifier", "telecom", "photo", "contact", "note", "comment", "multipleBirthInteger", "patientInstruction"]);
/** Of an address, only the state and country stay (Safe Harbor removes smaller geographic units). */
const ADDRESS_KEPT = new Set(["state", "country", "use", "type"]);
/** Extensions that carry identifying data (Synthea writes all of these). */
const IDENTIFYING_EXTENSION = /mothersMaidenName|birthPlace|geolocation|birthsex-?name|patient-citizenship|us-core-(race|ethnicity)/i;
/** Dates that are reduced to the year instead of shifted. */
const YEAR_ONLY = new Set(["birthDate", "deceasedDateTime"]);
/** FHIR date, dateTime and instant: YYYY, YYYY-MM, YYYY-MM-DD, or a full date with a time. */
const FHIR_DATE = /^(\d{4})(-(\d{2})(-(\d{2})(T[0-9:.]+(Z|[+-]\d{2}:\d{2})?)?)?)?$/;
const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi;

/** A deterministic shift in [-365, -1] ∪ [1, 365] days from the grant's secret. */
export function dateShiftForGrant(secret: Uint8Array): number {
  const [a, b] = hmac(sha256, secret, new TextEncoder().encode("caduceus/deidentify/date-shift"));
  const days = 1 + (((a << 8) | b) % 365);
  return a & 0x80 ? -days : days;
}

/** Returns a de-identified deep copy of a FHIR resource or Bundle; the input is not changed. */
export function deidentify<T>(resource: T, options: DeidentifyOptions): T {
  if (options.secret.length < 16) throw new RangeError("The de-identification secret must be at least 16 bytes.");
  if (!Number.isInteger(options.dateShiftDays)) throw new RangeError("dateShiftDays must be an integer.");
  const pseudonyms = new Map<string, string>();
  const pseudonym = (id: string) => {
    let p = pseudonyms.get(id);
    if (!p) {
      const h = Array.from(hmac(sha256, options.secret, new TextEncoder().encode(id)).subarray(0, 16), (b) => b.toString(16).padStart(2, "0")).join("");
      p = `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
      pseudonyms.set(id, p);
    }
    return p;
  };
  return walk(resource as Json, undefined, { ...options, pseudonym }) as T;
}

interface Context extends DeidentifyOptions {
  pseudonym(id: string): string;
}

function walk(value: Json, key: string | undefined, ctx: Context): Json | undefined {
  if (Array.isArray(value)) {
    return value.map((item) => walk(item, key, ctx)).filter((item) => item !== undefined) as Json[];
  }
  if (value !== null && typeof value === "object") {
    if (key === "extension" && typeof value.url === "string" && IDENTIFYING_EXTENSION.test(value.url)) return undefined;
    const out: { [key: string]: Json } = {};
    const isReference = typeof value.reference === "string";
    for (const [k, v] of Object.entries(value)) {
      if (REMOVED.has(k)) continue;
      // A resource's narrative (generated HTML that repeats names); a coded concept's `text` stays.
      if (k === "text" && isNarrative(v)) continue;
      if (isReference && k === "display") continue; // names of people and places
      if (k === "address") {
        const kept = keepAddress(v);
        if (kept !== undefined) out[k] = kept;
        continue;
      }
      const next = transformValue(k, v, ctx);
      if (next !== undefined) out[k] = next;
    }
    return out;
  }
  return value;
}

function isNarrative(v: Json): boolean {
  return typeof v === "object" && v !== null && !Array.isArray(v) && "div" in v;
}

function keepAddress(v: Json): Json | undefined {
  const strip = (a: Json): Json => {
    if (a === null || typeof a !== "object" || Array.isArray(a)) return a;
    return Object.fromEntries(Object.entries(a).filter(([k]) => ADDRESS_KEPT.has(k)));
  };
  return Array.isArray(v) ? v.map(strip) : strip(v);
}

function transformValue(k: string, v: Json, ctx: Context): Json | undefined {
  if (typeof v === "string") {
    if (k === "id") return ctx.pseudonym(v);
    if (k === "reference" || k === "fullUrl") return pseudonymizeReference(v, ctx);
    const date = FHIR_DATE.exec(v);
    if (date) return YEAR_ONLY.has(k) ? date[1] : shiftDate(v, date, ctx.dateShiftDays);
    return v;
  }
  return walk(v, k, ctx);
}

/** `urn:uuid:<id>` and `Type/<id>` keep their shape with the id replaced. */
function pseudonymizeReference(ref: string, ctx: Context): string {
  if (ref.startsWith("urn:uuid:")) return `urn:uuid:${ctx.pseudonym(ref.slice(9))}`;
  const typed = /^([A-Z][A-Za-z]+)\/([^/]+)$/.exec(ref);
  if (typed) return `${typed[1]}/${ctx.pseudonym(typed[2])}`;
  return ref.replace(UUID, (id) => ctx.pseudonym(id));
}

/** Moves a date by whole days, keeping its precision, time and offset as written. */
function shiftDate(value: string, match: RegExpExecArray, days: number): string {
  const [, year, , month, , day, time] = match;
  if (month === undefined) {
    // Year precision: shift the year's first day and keep the year of the result.
    return String(addDays(Number(year), 1, 1, days).getUTCFullYear()).padStart(4, "0");
  }
  if (day === undefined) {
    const d = addDays(Number(year), Number(month), 1, days);
    return `${String(d.getUTCFullYear()).padStart(4, "0")}-${pad(d.getUTCMonth() + 1)}`;
  }
  const d = addDays(Number(year), Number(month), Number(day), days);
  return `${String(d.getUTCFullYear()).padStart(4, "0")}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}${time ?? ""}`;
}

function addDays(year: number, month: number, day: number, days: number): Date {
  return new Date(Date.UTC(year, month - 1, day + days));
}

const pad = (n: number) => String(n).padStart(2, "0");
