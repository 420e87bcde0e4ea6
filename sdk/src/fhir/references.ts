/**
 * Finding and resolving FHIR References inside a Bundle.
 */
import type { FhirBundleEntry } from "./types.ts";

/** Every `reference` string of every Reference inside `value`, depth-first in document order. */
export function referencesOf(value: unknown, out: string[] = []): string[] {
  if (Array.isArray(value)) {
    for (const item of value) referencesOf(item, out);
  } else if (typeof value === "object" && value !== null) {
    for (const [key, item] of Object.entries(value)) {
      if (key === "reference" && typeof item === "string") out.push(item);
      else referencesOf(item, out);
    }
  }
  return out;
}

/** The references a resource makes through its own `encounter` or `context.encounter` element. */
export function encounterFieldReferences(resource: Record<string, unknown>): string[] {
  const out: string[] = [];
  referencesOf(resource.encounter, out);
  const context = resource.context;
  if (typeof context === "object" && context !== null && !Array.isArray(context)) {
    referencesOf((context as Record<string, unknown>).encounter, out);
  }
  return out;
}

const TYPED_ID = /(?:^|\/)([A-Z][A-Za-z]{0,63})\/([A-Za-z0-9\-.]{1,64})$/;
const AMBIGUOUS = -1;

/**
 * Resolves references to entry positions. A reference matches an entry by its exact fullUrl
 * (`urn:uuid:…`, absolute URL), or by `Type/id` (relative, or the tail of an absolute URL) against
 * the resource's type and id. `/_history/n` suffixes are ignored; `#contained` references resolve
 * to nothing. A `Type/id` shared by two entries resolves to nothing rather than to a guess.
 */
export class EntryIndex {
  readonly #keys = new Map<string, number>();

  constructor(entries: readonly FhirBundleEntry[]) {
    entries.forEach((entry, index) => {
      if (entry.fullUrl !== undefined) this.#keys.set(entry.fullUrl, index);
    });
    entries.forEach((entry, index) => {
      const { resourceType, id } = entry.resource;
      if (typeof id !== "string") return;
      const key = `${resourceType}/${id}`;
      const existing = this.#keys.get(key);
      this.#keys.set(key, existing === undefined || existing === index ? index : AMBIGUOUS);
    });
  }

  /** The entry position `reference` points to, or undefined. */
  resolve(reference: string): number | undefined {
    if (reference.startsWith("#")) return undefined;
    const plain = reference.replace(/\/_history\/[^/]*$/, "");
    let found = this.#keys.get(plain);
    if (found === undefined) {
      const match = TYPED_ID.exec(plain);
      if (match) found = this.#keys.get(`${match[1]}/${match[2]}`);
    }
    return found === undefined || found === AMBIGUOUS ? undefined : found;
  }
}
