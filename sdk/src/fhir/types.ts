/**
 * Minimal FHIR R4 shapes this module needs. They are deliberately loose (`[key: string]: unknown`):
 * the splitter moves resources around without interpreting most of their fields, and everything it
 * does not understand must survive a split and join unchanged.
 */
import type { RecordCategory } from "./record-category.ts";

/** Any FHIR resource: only `resourceType` is required; every other field is carried through untouched. */
export interface FhirResource {
  resourceType: string;
  id?: string;
  [key: string]: unknown;
}

/** `Bundle.entry.request` of a batch or transaction Bundle. */
export interface FhirBundleRequest {
  method: string;
  url: string;
  [key: string]: unknown;
}

export interface FhirBundleEntry {
  fullUrl?: string;
  resource: FhirResource;
  request?: FhirBundleRequest;
  [key: string]: unknown;
}

export interface FhirBundle {
  resourceType: "Bundle";
  type: string;
  entry?: FhirBundleEntry[];
  [key: string]: unknown;
}

/** The media type of every FHIR record this module writes. */
export const FHIR_JSON_MEDIA_TYPE = "application/fhir+json";

/**
 * One record, ready to be encrypted and registered. Everything here stays on the client: only
 * `category` (a number 0..6) ever reaches the chain; `bytes`, `mediaType` and `fileName` travel
 * inside the encrypted record; `label` is for local display only.
 */
export interface RecordDraft {
  /** What kind of record this is: decides nothing on-chain, helps callers (seeders, UIs) pick records. */
  kind: "patient" | "encounter" | "unlinked" | "binary";
  /** Coarse category, the only clinical information the chain sees. */
  category: RecordCategory;
  /** RFC 6838 media type of `bytes`: `application/fhir+json` for FHIR records. */
  mediaType: string;
  /** The record's plaintext: a FHIR Bundle (type "collection") as UTF-8 JSON, or the binary file. */
  bytes: Uint8Array;
  /** Number of FHIR resources in `bytes` (0 for a binary file). */
  resourceCount: number;
  /** A non-identifying human label, e.g. "Encounter 2020-03-01 (12 resources)". Local use only. */
  label: string;
  /** Original file name of a binary record (goes into the encrypted metadata, never on-chain). */
  fileName?: string;
}
