/**
 * Joining decrypted records back into one Bundle.
 */
import { FhirJoinConflictError } from "./errors.ts";
import { readBundle, type BundleInput } from "./parse.ts";
import type { FhirBundle, FhirBundleEntry, FhirBundleRequest } from "./types.ts";

export interface JoinOptions {
  /**
   * Type of the joined Bundle (default "collection"). "batch" adds `request` to each entry that
   * lacks one: POST `Type` for `urn:` fullUrls or resources without id (what the Synthea exports
   * use), otherwise PUT `Type/id`, so the result can be posted to a FHIR server.
   */
  type?: "collection" | "batch";
}

/** JSON with object keys sorted, to compare two resources regardless of key order. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (typeof value === "object" && value !== null) {
    const keys = Object.keys(value).sort();
    return `{${keys
      .filter((key) => (value as Record<string, unknown>)[key] !== undefined)
      .map((key) => `${JSON.stringify(key)}:${canonicalJson((value as Record<string, unknown>)[key])}`)
      .join(",")}}`;
  }
  return JSON.stringify(value);
}

/** The identity of an entry across records: its fullUrl, else `Type/id`, else none. */
export function entryKey(entry: FhirBundleEntry): string | undefined {
  if (entry.fullUrl !== undefined) return entry.fullUrl;
  return typeof entry.resource.id === "string" ? `${entry.resource.resourceType}/${entry.resource.id}` : undefined;
}

function batchRequest(entry: FhirBundleEntry): FhirBundleRequest {
  const { resourceType, id } = entry.resource;
  const byServer = typeof id !== "string" || entry.fullUrl === undefined || entry.fullUrl.startsWith("urn:");
  return byServer ? { method: "POST", url: resourceType } : { method: "PUT", url: `${resourceType}/${id}` };
}

/**
 * Joins records (FHIR Bundles as UTF-8 bytes, JSON text or parsed objects, typically what
 * `splitBundle` made, after decryption) into one Bundle. Patient resources come first, then every
 * other entry in record order. An entry present in several records (same fullUrl, or same
 * `Type/id` without fullUrl) is kept once when the copies are identical; different copies throw
 * FhirJoinConflictError (pass only the current version of an amended record). The inputs are not
 * modified; the result shares resource objects with parsed inputs.
 *
 * @throws FhirNotJsonError, FhirNotBundleError, FhirInvalidBundleError (naming the record's
 *   position), FhirJoinConflictError
 */
export function joinRecords(records: readonly BundleInput[], options: JoinOptions = {}): FhirBundle {
  const type = options.type ?? "collection";
  const kept = new Map<string, { canonical: string; record: number }>();
  const patients: FhirBundleEntry[] = [];
  const others: FhirBundleEntry[] = [];
  records.forEach((input, recordIndex) => {
    const bundle = readBundle(input, `Record ${recordIndex}`);
    for (const entry of bundle.entry ?? []) {
      const key = entryKey(entry);
      if (key !== undefined) {
        const canonical = canonicalJson(entry.resource);
        const earlier = kept.get(key);
        if (earlier !== undefined) {
          if (earlier.canonical === canonical) continue;
          throw new FhirJoinConflictError(
            `Records ${earlier.record} and ${recordIndex} hold two different versions of the same ` +
              `${entry.resource.resourceType} resource; join only the current version of each record.`,
          );
        }
        kept.set(key, { canonical, record: recordIndex });
      }
      const { request, response: _response, search: _search, ...rest } = entry;
      const out: FhirBundleEntry = { ...rest };
      if (type === "batch") out.request = request ?? batchRequest(entry);
      (entry.resource.resourceType === "Patient" ? patients : others).push(out);
    }
  });
  return { resourceType: "Bundle", type, entry: [...patients, ...others] };
}
