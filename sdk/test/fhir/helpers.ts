/** Fixture access for the FHIR tests (Node only: the library itself never touches node:fs). */
import { readFileSync, readdirSync } from "node:fs";
import type { FhirBundle } from "../../src/fhir/types.ts";

export const FIXTURE_DIR = new URL("../../../../shared/fixtures/fhir/", import.meta.url);

export interface Fixture {
  name: string;
  bytes: Uint8Array;
  bundle: FhirBundle;
  /** False for the reference-data bundles (organizations, practitioners) that hold no Patient. */
  hasPatient: boolean;
}

export function fixtures(): Fixture[] {
  return readdirSync(FIXTURE_DIR)
    .filter((name) => name.endsWith(".json"))
    .sort()
    .map((name) => {
      const bytes = new Uint8Array(readFileSync(new URL(name, FIXTURE_DIR)));
      const bundle = JSON.parse(new TextDecoder().decode(bytes)) as FhirBundle;
      const hasPatient = (bundle.entry ?? []).some((entry) => entry.resource.resourceType === "Patient");
      return { name, bytes, bundle, hasPatient };
    });
}

export const patientFixtures = (): Fixture[] => fixtures().filter((f) => f.hasPatient);

export function decodeBundle(bytes: Uint8Array): FhirBundle {
  return JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(bytes)) as FhirBundle;
}

/** A minimal Bundle of type batch from resources, fullUrl urn:uuid:<id>. */
export function batch(...resources: Array<Record<string, unknown> & { resourceType: string; id: string }>): FhirBundle {
  return {
    resourceType: "Bundle",
    type: "batch",
    entry: resources.map((resource) => ({
      fullUrl: `urn:uuid:${resource.id}`,
      resource,
      request: { method: "POST", url: resource.resourceType },
    })),
  };
}

export const ref = (id: string): { reference: string } => ({ reference: `urn:uuid:${id}` });
