/**
 * Identifying plaintext of a patient, for tests that prove it never leaks (chain data, events,
 * logs, storage uploads).
 */
import { FhirNoPatientError } from "./errors.ts";
import { readBundle, type BundleInput } from "./parse.ts";

const MIN_LENGTH = 3;
/**
 * Strings of hex digits only (a short number, a postal code, a name like "Abe") would match
 * hex-encoded chain data by chance, so they are left out unless they are at least this long.
 */
const MIN_HEX_ONLY_LENGTH = 16;
const HEX_ONLY = /^[0-9A-Fa-f]+$/;

const IDENTIFYING_EXTENSIONS = new Set([
  "http://hl7.org/fhir/StructureDefinition/patient-mothersMaidenName",
  "http://hl7.org/fhir/StructureDefinition/patient-birthPlace",
  "http://hl7.org/fhir/StructureDefinition/geolocation",
  "latitude",
  "longitude",
]);

type Json = Record<string, unknown>;

const asArray = (value: unknown): unknown[] => (Array.isArray(value) ? value : value === undefined ? [] : [value]);
const asObject = (value: unknown): Json | undefined =>
  typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Json) : undefined;

/**
 * The identifying plaintext in the bundle's Patient resource(s): name parts (text, family, given),
 * every identifier value (record numbers, SSN, licence, passport), phone and e-mail, birth and
 * death dates, address lines, city, district and postal code, geolocation, and the same from
 * identifying extensions (mother's maiden name, birthplace) and from contacts (next of kin).
 * Name prefixes/suffixes ("Mr.", "Jr."), gender, state and country are left out as not identifying;
 * strings shorter than 3 characters, and hex-digit-only strings shorter than 16, are left out
 * because they would match unrelated data by chance. Trimmed, deduplicated, in document order.
 *
 * @throws FhirNoPatientError when the bundle holds no Patient; FhirNotJsonError / FhirNotBundleError
 */
export function sensitiveStrings(input: BundleInput): string[] {
  const bundle = readBundle(input, "The FHIR bundle");
  const patients = (bundle.entry ?? []).map((entry) => entry.resource).filter((r) => r.resourceType === "Patient");
  if (patients.length === 0) throw new FhirNoPatientError();

  const found = new Set<string>();
  const add = (value: unknown): void => {
    if (typeof value === "number" && Number.isFinite(value)) value = String(value);
    if (typeof value !== "string") return;
    const text = value.trim();
    if (text.length < MIN_LENGTH) return;
    if (HEX_ONLY.test(text) && text.length < MIN_HEX_ONLY_LENGTH) return;
    found.add(text);
  };
  const addName = (name: unknown): void => {
    const n = asObject(name);
    if (!n) return;
    add(n.text);
    add(n.family);
    asArray(n.given).forEach(add);
  };
  const addTelecom = (telecom: unknown): void => add(asObject(telecom)?.value);
  const addExtensions = (holder: Json): void => {
    for (const extension of asArray(holder.extension)) {
      const ext = asObject(extension);
      if (!ext || typeof ext.url !== "string" || !IDENTIFYING_EXTENSIONS.has(ext.url)) continue;
      add(ext.valueString);
      add(ext.valueDecimal);
      addAddress(ext.valueAddress);
      addName(ext.valueHumanName);
      addExtensions(ext);
    }
  };
  const addAddress = (address: unknown): void => {
    const a = asObject(address);
    if (!a) return;
    add(a.text);
    asArray(a.line).forEach(add);
    add(a.city);
    add(a.district);
    add(a.postalCode);
    addExtensions(a);
  };

  for (const patient of patients) {
    asArray(patient.name).forEach(addName);
    for (const identifier of asArray(patient.identifier)) add(asObject(identifier)?.value);
    asArray(patient.telecom).forEach(addTelecom);
    add(patient.birthDate);
    add(patient.deceasedDateTime);
    asArray(patient.address).forEach(addAddress);
    addExtensions(patient);
    for (const contact of asArray(patient.contact)) {
      const c = asObject(contact);
      if (!c) continue;
      addName(c.name);
      asArray(c.telecom).forEach(addTelecom);
      addAddress(c.address);
    }
  }
  return [...found];
}
