/**
 * Splitting a patient's FHIR Bundle into records: one per Encounter, one for the demographics, one
 * for whatever is linked to no encounter. See docs/fhir.md for the rules and the category table.
 */
import { categorizeResources, RecordCategory } from "./categories.ts";
import { FhirMultiplePatientsError, FhirNoPatientError } from "./errors.ts";
import { readBundle, type BundleInput } from "./parse.ts";
import { EntryIndex, encounterFieldReferences, referencesOf } from "./references.ts";
import { FHIR_JSON_MEDIA_TYPE, type FhirBundle, type FhirBundleEntry, type RecordDraft } from "./types.ts";

export interface SplitOptions {
  /**
   * Refuse a Bundle without a Patient (default true). Pass false only for reference data that
   * belongs to no patient (organizations, practitioners): all of it then lands in one "unlinked" record.
   */
  requirePatient?: boolean;
}

/** Entry fields a "collection" Bundle may carry (request, response and search belong to other Bundle types). */
function collectionEntry(entry: FhirBundleEntry): FhirBundleEntry {
  const { request: _request, response: _response, search: _search, ...kept } = entry;
  return kept as FhirBundleEntry;
}

/** The serialized record: a FHIR Bundle of type "collection" as UTF-8 JSON. */
export function serializeCollection(entries: readonly FhirBundleEntry[]): Uint8Array {
  const bundle: FhirBundle = { resourceType: "Bundle", type: "collection", entry: entries.map(collectionEntry) };
  return new TextEncoder().encode(JSON.stringify(bundle));
}

function plural(count: number): string {
  return `${count} resource${count === 1 ? "" : "s"}`;
}

/** "YYYY-MM-DD" of an Encounter's start, or undefined. */
function encounterDate(entry: FhirBundleEntry): string | undefined {
  const period = entry.resource.period as { start?: unknown } | undefined;
  const start = typeof period?.start === "string" ? period.start : undefined;
  return start && /^\d{4}-\d{2}-\d{2}/.test(start) ? start.slice(0, 10) : undefined;
}

function draft(
  kind: RecordDraft["kind"],
  entries: readonly FhirBundleEntry[],
  category: RecordDraft["category"],
  label: string,
): RecordDraft {
  return {
    kind,
    category,
    mediaType: FHIR_JSON_MEDIA_TYPE,
    bytes: serializeCollection(entries),
    resourceCount: entries.length,
    label: `${label} (${plural(entries.length)})`,
  };
}

/**
 * For each entry, the position of the Encounter whose record it joins, or -1.
 *
 * Encounters are their own roots. Then, in rounds, every unassigned resource that references an
 * assigned one joins that one's encounter; a round sees only what earlier rounds assigned, so a
 * resource always joins through its shortest chain (Claim → Encounter in round 1,
 * ExplanationOfBenefit → Claim in round 2) whatever the bundle order. Among several candidates the
 * resource's own `encounter`/`context.encounter` element wins, then the first reference in
 * document order. Patients are never assigned and never pass a link on.
 */
export function assignEncounters(entries: readonly FhirBundleEntry[]): Int32Array {
  const index = new EntryIndex(entries);
  const isPatient = entries.map((entry) => entry.resource.resourceType === "Patient");
  const targets = entries.map((entry, self) => {
    const resolved: number[] = [];
    for (const reference of [...encounterFieldReferences(entry.resource), ...referencesOf(entry.resource)]) {
      const target = index.resolve(reference);
      if (target !== undefined && target !== self && !isPatient[target] && !resolved.includes(target)) resolved.push(target);
    }
    return resolved;
  });
  const group = new Int32Array(entries.length).fill(-1);
  entries.forEach((entry, i) => {
    if (entry.resource.resourceType === "Encounter") group[i] = i;
  });
  for (let changed = true; changed; ) {
    changed = false;
    const before = group.slice();
    for (let i = 0; i < entries.length; i++) {
      if (group[i] !== -1 || isPatient[i]) continue;
      const target = targets[i]!.find((t) => before[t] !== -1);
      if (target !== undefined) {
        group[i] = before[target]!;
        changed = true;
      }
    }
  }
  return group;
}

/**
 * Splits a patient's FHIR Bundle into records, in this order:
 * 1. the demographics: the Patient resource alone (category Other);
 * 2. one record per Encounter, in bundle order: the Encounter first, then every resource linked
 *    to it directly or through a chain of references, in bundle order;
 * 3. if anything is left (organizations, practitioners, resources linked to no encounter), one
 *    "unlinked" record holding all of it.
 * Every entry of the input lands in exactly one record. Each record is a Bundle of type
 * "collection"; entries keep `fullUrl` and `resource` unchanged (and drop `request`).
 *
 * @throws FhirNotJsonError, FhirNotBundleError, FhirInvalidBundleError, FhirNoPatientError,
 *   FhirMultiplePatientsError
 */
export function splitBundle(input: BundleInput, options: SplitOptions = {}): RecordDraft[] {
  const bundle = readBundle(input, "The FHIR bundle");
  const entries = bundle.entry ?? [];
  const patients = entries.filter((entry) => entry.resource.resourceType === "Patient");
  if (patients.length > 1) throw new FhirMultiplePatientsError(patients.length);
  if (patients.length === 0 && options.requirePatient !== false) throw new FhirNoPatientError();

  const group = assignEncounters(entries);
  const records: RecordDraft[] = [];
  if (patients.length === 1) records.push(draft("patient", patients, RecordCategory.Other, "Patient demographics"));

  entries.forEach((entry, i) => {
    if (group[i] !== i) return;
    const members = [entry, ...entries.filter((_, j) => j !== i && group[j] === i)];
    const category = categorizeResources(
      members.map((member) => member.resource),
      RecordCategory.Visit,
    );
    records.push(draft("encounter", members, category, `Encounter ${encounterDate(entry) ?? "(undated)"}`));
  });

  const unlinked = entries.filter((entry, i) => group[i] === -1 && entry.resource.resourceType !== "Patient");
  if (unlinked.length > 0) {
    const category = categorizeResources(
      unlinked.map((entry) => entry.resource),
      RecordCategory.Other,
    );
    records.push(draft("unlinked", unlinked, category, "Resources linked to no encounter"));
  }
  return records;
}
