/**
 * Reading and checking a FHIR Bundle from bytes, text or an already parsed value.
 */
import { FhirInvalidBundleError, FhirNotBundleError, FhirNotJsonError } from "./errors.ts";
import type { FhirBundle, FhirBundleEntry } from "./types.ts";

/** What the FHIR functions accept as a Bundle: UTF-8 JSON bytes, JSON text, or a parsed object. */
export type BundleInput = Uint8Array | ArrayBuffer | string | FhirBundle | object;

const RESOURCE_TYPE = /^[A-Z][A-Za-z]{0,63}$/;

/** Parses JSON text or UTF-8 bytes. `what` names the input in messages ("The file", "Record 3"). */
export function parseJson(input: Uint8Array | ArrayBuffer | string, what = "The data"): unknown {
  let text: string;
  if (typeof input === "string") {
    text = input;
  } else {
    try {
      text = new TextDecoder("utf-8", { fatal: true }).decode(input);
    } catch {
      throw new FhirNotJsonError(`${what} is not UTF-8 text, so it is not FHIR JSON (is it a PDF, image or encrypted file?).`);
    }
  }
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  try {
    return JSON.parse(text);
  } catch (cause) {
    // The engine's message may quote the input (health data): keep only the position, if any.
    const position = /position (\d+)/.exec(String(cause))?.[1];
    throw new FhirNotJsonError(
      text.trim() === ""
        ? `${what} is empty; expected a FHIR Bundle in JSON.`
        : `${what} is not valid JSON${position === undefined ? "" : ` (syntax error at character ${position})`}, ` +
            "so it cannot be read as a FHIR Bundle.",
    );
  }
}

function describeType(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  return `a ${typeof value}`;
}

/**
 * Returns the input as a checked FhirBundle: a JSON object with resourceType "Bundle", an optional
 * `entry` array whose every element has a `resource` with a resourceType, and no fullUrl twice.
 * Parsed objects are not copied (callers must not mutate what they pass in).
 */
export function readBundle(input: BundleInput, what = "The data"): FhirBundle {
  const value: unknown =
    typeof input === "string" || input instanceof Uint8Array || input instanceof ArrayBuffer ? parseJson(input, what) : input;
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new FhirNotBundleError(`${what} is ${describeType(value)}, not a FHIR resource; expected a FHIR Bundle (a JSON object).`);
  }
  const resourceType = (value as { resourceType?: unknown }).resourceType;
  if (resourceType === undefined) {
    throw new FhirNotBundleError(
      `${what} is JSON but has no "resourceType", so it is not a FHIR resource; expected a FHIR R4 Bundle.`,
    );
  }
  if (resourceType !== "Bundle") {
    const plausible = typeof resourceType === "string" && RESOURCE_TYPE.test(resourceType) ? resourceType : undefined;
    throw new FhirNotBundleError(
      plausible === undefined
        ? `${what} has an invalid "resourceType"; expected a FHIR R4 Bundle.`
        : `${what} is a single FHIR ${plausible} resource, not a Bundle. ` +
            "Put it in a Bundle together with the patient's Patient resource.",
      plausible,
    );
  }
  const bundle = value as FhirBundle;
  const entries: unknown = bundle.entry;
  if (entries === undefined) return bundle;
  if (!Array.isArray(entries)) throw new FhirInvalidBundleError(`${what}: "entry" of the Bundle must be an array.`);
  const seen = new Map<string, number>();
  entries.forEach((entry: unknown, index) => {
    const resource = (entry as FhirBundleEntry | null)?.resource as unknown;
    if (typeof resource !== "object" || resource === null || Array.isArray(resource)) {
      throw new FhirInvalidBundleError(
        `${what}: entry ${index} of the Bundle has no resource (a delete request or a response?); ` +
          "only entries that carry a resource can be stored as records.",
      );
    }
    const type = (resource as { resourceType?: unknown }).resourceType;
    if (typeof type !== "string" || !RESOURCE_TYPE.test(type)) {
      throw new FhirInvalidBundleError(`${what}: the resource in entry ${index} has no valid "resourceType".`);
    }
    const fullUrl = (entry as FhirBundleEntry).fullUrl;
    if (fullUrl !== undefined) {
      if (typeof fullUrl !== "string") throw new FhirInvalidBundleError(`${what}: "fullUrl" of entry ${index} is not a string.`);
      const earlier = seen.get(fullUrl);
      if (earlier !== undefined) {
        throw new FhirInvalidBundleError(
          `${what}: entries ${earlier} and ${index} have the same fullUrl; each resource must appear once.`,
        );
      }
      seen.set(fullUrl, index);
    }
  });
  return bundle;
}
