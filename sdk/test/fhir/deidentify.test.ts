import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import {
  DEIDENTIFICATION_EXTENSION,
  dateShiftForGrant,
  deidentify,
  deidentifyWithReport,
  type DeidentificationLevel,
  type DeidentificationReport,
} from "../../src/fhir/deidentify.ts";
import { ALLOWED_EXTENSIONS } from "../../src/fhir/allow-list.ts";
import { FhirNotDeidentifiableError } from "../../src/fhir/errors.ts";
import { sensitiveStrings, splitBundle } from "../../src/fhir/index.ts";
import { fixtures, patientFixtures } from "./helpers.ts";

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyJson = any;

const FIXTURES = new URL("../fixtures/", import.meta.url);
const ADVERSARIAL_TEXT = readFileSync(new URL("adversarial-bundle.json", FIXTURES), "utf8");
/** Every identifying value planted in the adversarial bundle, by kind (see sdk/test/fixtures/README.md). */
const PLANTED: Record<string, string[]> = JSON.parse(readFileSync(new URL("adversarial-planted.json", FIXTURES), "utf8"));
const adversarial = (): AnyJson => JSON.parse(ADVERSARIAL_TEXT);
const LEVELS: DeidentificationLevel[] = ["deidentified", "limited"];
const secret = new Uint8Array(32).fill(9);
/** Fixed "today", so that the 95-year-old stays 95. */
const today = new Date("2026-12-03T00:00:00Z");
const options = (level: DeidentificationLevel, dateShiftDays = 7) => ({ level, secret, dateShiftDays, today });
const recordJson = (bytes: Uint8Array): AnyJson => JSON.parse(new TextDecoder().decode(bytes));

/** The strings inside base64 `data` (and any other long base64-looking string), decoded. */
function decodedBase64(text: string): string {
  const found = text.match(/"[A-Za-z0-9+/]{16,}={0,2}"/g) ?? [];
  return found.map((s) => Buffer.from(s.slice(1, -1), "base64").toString("latin1")).join("\n");
}

/** Every resource of a copy: Bundle entries, nested Bundles, contained resources, at any depth. */
function allResources(resource: AnyJson): AnyJson[] {
  const out: AnyJson[] = [resource];
  for (const r of resource.contained ?? []) out.push(...allResources(r));
  for (const e of resource.entry ?? []) if (e.resource) out.push(...allResources(e.resource));
  return out;
}

const byCode = (resources: AnyJson[], type: string, code: string): AnyJson =>
  resources.find((r) => r.resourceType === type && JSON.stringify(r).includes(`"code":"${code}"`));

/** All string values of a copy with their element names. */
function strings(value: AnyJson, key = "", out: Array<[string, string]> = []): Array<[string, string]> {
  if (typeof value === "string") out.push([key, value]);
  else if (Array.isArray(value)) value.forEach((v) => strings(v, key, out));
  else if (value && typeof value === "object") for (const [k, v] of Object.entries(value)) strings(v, k, out);
  return out;
}
const DATE_ELEMENTS = /^(birthDate|recordedDate|issued|authoredOn|authored|date|start|end|timestamp|started|effectiveDateTime|occurrenceDateTime|onsetDateTime|performedDateTime|createdDateTime|recorded|lastOccurrence|whenHandedOver|whenPrepared|dateAsserted|deceasedDateTime|abatementDateTime|statusDate|created)$/;

function addCounts(into: Record<string, number>, from: Record<string, number>): void {
  for (const [k, n] of Object.entries(from)) into[k] = (into[k] ?? 0) + n;
}

describe("FHIR de-identification by allow-list", () => {
  it("the adversarial bundle carries every planted value (in its text or base64-decoded)", () => {
    const haystack = (ADVERSARIAL_TEXT + decodedBase64(ADVERSARIAL_TEXT)).toLowerCase();
    for (const [kind, values] of Object.entries(PLANTED)) {
      for (const v of values) assert.ok(haystack.includes(v.toLowerCase()), `${kind}: ${v} is planted`);
    }
    // The attacks the fixture plays, each present in the input.
    const input = adversarial();
    const resources = allResources(input);
    assert.ok(resources.some((r) => r.resourceType === "DiagnosticReport" && r.presentedForm[0].data), "clinical note as base64");
    assert.ok(resources.some((r) => r.resourceType === "Patient" && r.photo), "photo");
    assert.ok(resources.some((r) => r.resourceType === "ImagingStudy" && r.series[0].instance[0].uid), "DICOM UIDs");
    assert.ok(resources.some((r) => r.resourceType === "Device" && r.udiCarrier), "device UDI");
    assert.ok(resources.some((r) => r.resourceType === "QuestionnaireResponse"), "free-text answer naming a relative");
    assert.ok(resources.some((r) => r.contained), "contained resources");
    assert.ok(resources.some((r) => r.resourceType === "Bundle" && r !== input), "nested bundle");
    assert.ok(ADVERSARIAL_TEXT.includes("valueIdentifier"), "extension[].valueIdentifier");
    assert.ok(resources.some((r) => r.serviceProvider?.display && !r.serviceProvider.reference), "a facility name as a bare display");
    assert.ok(resources.some((r) => r.subject?.display), "subject.display");
  });

  for (const level of LEVELS) {
    describe(`at level ${level}`, () => {
      it("adversarial bundle: no planted identifying value survives, neither as text nor base64-decoded", () => {
        const { copy } = deidentifyWithReport(adversarial(), options(level));
        const text = JSON.stringify(copy);
        const haystack = (text + decodedBase64(text)).toLowerCase();
        for (const [kind, values] of Object.entries(PLANTED)) {
          for (const v of values) assert.ok(!haystack.includes(v.toLowerCase()), `${level}: ${kind} "${v}" survived`);
        }
        const kinds = new Set(strings(copy).map(([k]) => k));
        for (const gone of ["data", "title", "div", "uid", "contentType", "valueString", "valueIdentifier", "valueAddress", "authorString"]) {
          assert.ok(!kinds.has(gone), `${level}: no ${gone} element left`);
        }
        // The only URLs left: the allowed extensions' and the copy's own mark.
        const urls = new Set([...Object.keys(ALLOWED_EXTENSIONS), "ombCategory", "detailed", DEIDENTIFICATION_EXTENSION, "level", "droppedResources", "http://hl7.org/fhir/StructureDefinition/data-absent-reason"]);
        for (const [key, value] of strings(copy)) if (key === "url") assert.ok(urls.has(value), `${level}: url ${value}`);
        for (const r of allResources(copy)) {
          for (const gone of ["identifier", "name", "telecom", "photo", "contact", "note", "position", "udiCarrier", "serialNumber", "lotNumber", "presentedForm", "content", "description", "conclusion", "masterIdentifier", "modifierExtension"]) {
            assert.equal(r[gone], undefined, `${level}: ${r.resourceType}.${gone}`);
          }
          if (r.text) assert.equal(r.text.div, undefined, "no narrative");
        }
        assert.ok(!/"display":"[^"]*"(?=[^{}]*"reference")|"reference":"[^"]*","display"/.test(text), "no Reference.display");
      });

      it("keeps what a study needs: codes, values with units, statuses, coded categories, linked by pseudonyms", () => {
        const copy = deidentify(adversarial(), options(level));
        const resources = allResources(copy);
        const patient = resources.find((r) => r.resourceType === "Patient" && r.gender);
        assert.equal(patient.gender, "female");
        assert.equal(patient.address[0].state, "NH");
        assert.equal(patient.maritalStatus.coding[0].code, "W");
        assert.deepEqual(patient.extension.map((e: AnyJson) => e.url.split("/").pop()), ["us-core-race", "us-core-birthsex"]);
        assert.deepEqual(patient.extension[0].extension, [{ url: "ombCategory", valueCoding: { system: "urn:oid:2.16.840.1.113883.6.238", code: "2106-3", display: "White" } }]);

        const bp = byCode(resources, "Observation", "8480-6");
        assert.deepEqual(bp.valueQuantity, { value: 142, unit: "mm[Hg]", system: "http://unitsofmeasure.org", code: "mm[Hg]" });
        assert.equal(bp.status, "final");
        assert.equal(bp.category[0].coding[0].code, "vital-signs");
        assert.equal(bp.code.text, undefined, "a text that is not a code's display goes");
        assert.equal(bp.subject.reference, `urn:uuid:${patient.id}`, "the subject still resolves");
        assert.equal(byCode(resources, "Encounter", "185345009").id, bp.encounter.reference.slice(9), "the encounter still resolves");

        const encounter = byCode(resources, "Encounter", "185345009");
        assert.deepEqual(encounter.type[0].coding.map((c: AnyJson) => c.code), ["185345009"], "the local code goes, SNOMED stays");
        assert.equal(encounter.class.code, "AMB");
        assert.equal(encounter.serviceProvider, undefined, "a bare display is no reference");

        const condition = byCode(resources, "Condition", "44054006");
        assert.equal(condition.clinicalStatus.coding[0].code, "active");
        const a1c = condition.contained.find((r: AnyJson) => r.resourceType === "Observation");
        assert.deepEqual(a1c.valueQuantity, { value: 7.9, unit: "%", system: "http://unitsofmeasure.org", code: "%" });
        assert.equal(condition.evidence[0].detail[0].reference, `#${a1c.id}`, "a # reference resolves to its contained resource");
        assert.equal(condition.contained.length, 1, "the contained RelatedPerson goes");

        assert.deepEqual(byCode(resources, "Observation", "2339-0").valueQuantity.value, 188, "nested bundle");
        assert.equal(byCode(resources, "DiagnosticReport", "34117-2").status, "final");
        assert.equal(byCode(resources, "DocumentReference", "18842-5").status, "current");
        const media = byCode(resources, "Media", "40983000");
        assert.deepEqual([media.height, media.width], [480, 640]);
        const study = byCode(resources, "ImagingStudy", "408754009");
        assert.deepEqual([study.modality[0].code, study.series[0].modality.code, study.series[0].bodySite.code, study.numberOfInstances], ["CT", "CT", "69536005", 1]);
        assert.equal(study.series[0].instance, undefined);
        const device = byCode(resources, "Device", "14106009");
        assert.deepEqual(Object.keys(device).sort(), ["id", "patient", "resourceType", "status", "type"]);
        const med = byCode(resources, "MedicationRequest", "860975");
        assert.deepEqual([med.status, med.intent, med.dosageInstruction[0].doseAndRate[0].doseQuantity.value, med.dosageInstruction[0].timing.repeat.frequency], ["active", "order", 1, 1]);
        assert.equal(med.dosageInstruction[0].text, undefined);
        assert.equal(byCode(resources, "Immunization", "208").status, "completed");
        const answers = resources.find((r) => r.resourceType === "QuestionnaireResponse").item;
        assert.deepEqual(answers, [
          { linkId: "1" },
          { linkId: "2", answer: [{ valueCoding: { system: "http://loinc.org", code: "LA33-6", display: "Yes" } }] },
          { linkId: "3", answer: [{ valueInteger: 4 }] },
          { linkId: "4", item: [{ linkId: "4.1", answer: [{ valueBoolean: true }] }] },
        ]);
        const organization = resources.find((r) => r.resourceType === "Organization");
        assert.equal(organization.type[0].coding[0].code, "prov");
        const location = resources.find((r) => r.resourceType === "Location");
        assert.equal(location.managingOrganization.reference, `urn:uuid:${organization.id}`);
      });

      it("drops resource types not on the list, and the copy says how many", () => {
        const { copy, report } = deidentifyWithReport(adversarial(), options(level));
        assert.deepEqual(report.droppedResources, { Binary: 1, Practitioner: 1, Claim: 1, RelatedPerson: 1 });
        const meta = copy.meta.extension.find((e: AnyJson) => e.url === DEIDENTIFICATION_EXTENSION);
        assert.deepEqual(meta.extension, [
          { url: "level", valueCode: level },
          { url: "droppedResources", valueUnsignedInt: 4 },
        ]);
        assert.ok(copy.meta.security.some((s: AnyJson) => s.code === "REDACTED"));
        assert.equal(copy.entry.length, adversarial().entry.length - 3, "Binary, Practitioner and Claim entries go");
      });
    });
  }

  it("deidentified: every date is a year, a 95-year-old's birth date goes year included, ages of 90+ are grouped, ZIP keeps 3 digits (000 where sparse)", () => {
    const copy = deidentify(adversarial(), options("deidentified"));
    const resources = allResources(copy);
    for (const [key, value] of strings(copy)) if (DATE_ELEMENTS.test(key)) assert.match(value, /^\d{4}$/, `${key}: ${value}`);
    const patient = resources.find((r) => r.resourceType === "Patient" && r.gender);
    assert.equal(patient.birthDate, undefined);
    assert.deepEqual(patient._birthDate, { extension: [{ url: "http://hl7.org/fhir/StructureDefinition/data-absent-reason", valueCode: "masked" }] });
    assert.ok(!JSON.stringify(copy).includes('"1931"'), "the birth year of a 95-year-old is gone");
    const grouped = { value: 90, comparator: ">=", unit: "a", system: "http://unitsofmeasure.org", code: "a" };
    assert.deepEqual(byCode(resources, "Observation", "30525-0").valueQuantity, grouped, "age 95");
    assert.deepEqual(byCode(resources, "Condition", "44054006").onsetAge, grouped, "onset at 93");
    assert.deepEqual(patient.address, [{ use: "home", state: "NH", postalCode: "000", country: "US" }], "036 is a restricted prefix");
    assert.deepEqual(resources.find((r) => r.resourceType === "Organization").address, [{ state: "MA", postalCode: "025", country: "US" }]);
    assert.equal(byCode(resources, "Observation", "8480-6").effectiveDateTime, "2026");
    assert.equal(resources.find((r) => r.resourceType === "Patient" && !r.gender).birthDate, "2001", "a younger person keeps the year");
  });

  it("limited: dates shifted by the grant's days and dates only (no time of day, no UTC offset); city and 5-digit ZIP stay; ages are not grouped", () => {
    const copy = deidentify(adversarial(), options("limited", -9));
    const resources = allResources(copy);
    let dates = 0;
    for (const [key, value] of strings(copy)) {
      if (!DATE_ELEMENTS.test(key)) continue;
      dates++;
      assert.match(value, /^\d{4}(-\d{2}(-\d{2})?)?$/, `${key}: ${value} carries a time or offset`);
    }
    assert.ok(dates >= 15, `${dates} dates checked`);
    assert.ok(!/T\d{2}:|[+-]\d{2}:\d{2}"/.test(JSON.stringify(copy)));
    const patient = resources.find((r) => r.resourceType === "Patient" && r.gender);
    assert.equal(patient.birthDate, "1931-03-05");
    assert.equal(byCode(resources, "Observation", "8480-6").effectiveDateTime, "2026-01-25", "local date 2026-02-03 moved 9 days back");
    assert.equal(byCode(resources, "Observation", "8480-6").issued, "2026-01-25");
    assert.deepEqual(patient.address, [{ use: "home", city: "Alstead", state: "NH", postalCode: "03602", country: "US" }]);
    assert.equal(byCode(resources, "Observation", "30525-0").valueQuantity.value, 95);
    assert.equal(copy.timestamp, "2026-01-25");
  });

  it("real fixtures at both levels: no identifying string, id, facility or clinician name, identifier value or full birth date in any split record", (t) => {
    const reference = fixtures().filter((f) => !f.hasPatient);
    const names = new Set<string>();
    for (const f of reference) {
      for (const e of f.bundle.entry ?? []) {
        const r: AnyJson = e.resource;
        if (typeof r.name === "string") names.add(r.name);
        for (const n of Array.isArray(r.name) ? r.name : []) for (const part of [n.family, ...(n.given ?? [])]) if (part) names.add(part);
      }
    }
    const totals: Record<string, DeidentificationReport> = {};
    for (const level of LEVELS) totals[level] = { level, droppedResources: {}, droppedElements: {}, generalized: {} };
    for (const fixture of patientFixtures()) {
      const patient: AnyJson = fixture.bundle.entry!.find((e) => e.resource.resourceType === "Patient")!.resource;
      const identifierValues: string[] = [];
      const displays: string[] = [];
      const typeOf = new Map((fixture.bundle.entry ?? []).map((e) => [e.fullUrl, e.resource.resourceType]));
      const collect = (v: AnyJson): void => {
        if (Array.isArray(v)) return v.forEach(collect);
        if (!v || typeof v !== "object") return;
        for (const id of Array.isArray(v.identifier) ? v.identifier : v.identifier ? [v.identifier] : []) if (typeof id.value === "string" && id.value.length >= 5) identifierValues.push(id.value);
        if (typeof v.reference === "string" && typeof v.display === "string") {
          const target = typeOf.get(v.reference) ?? v.reference.split(/[/?]/)[0];
          if (["Patient", "Practitioner", "Organization", "Location", "PractitionerRole", "RelatedPerson"].includes(target)) displays.push(v.display);
        }
        Object.values(v).forEach(collect);
      };
      collect(fixture.bundle);
      for (const level of LEVELS) {
        const allowedAtLevel = level === "limited" ? new Set([...(patient.address ?? [])].flatMap((a: AnyJson) => [a.city, a.postalCode])) : new Set();
        const forbidden = [
          ...sensitiveStrings(fixture.bytes).filter((s) => !allowedAtLevel.has(s)),
          ...fixture.bundle.entry!.map((e) => e.resource.id!),
          patient.birthDate,
          ...identifierValues,
          ...displays,
          ...names,
        ].filter((s) => typeof s === "string" && s.length >= 3);
        assert.ok(forbidden.length > 40, `${fixture.name}: something to look for`);
        for (const draft of splitBundle(fixture.bytes)) {
          const { copy, report } = deidentifyWithReport(recordJson(draft.bytes), options(level));
          const text = JSON.stringify(copy);
          for (const s of forbidden) assert.ok(!text.includes(s), `${level} ${fixture.name}: "${s}" survived`);
          for (const [key, value] of strings(copy)) {
            if (!DATE_ELEMENTS.test(key)) continue;
            assert.match(value, level === "deidentified" ? /^\d{4}$/ : /^\d{4}(-\d{2}(-\d{2})?)?$/, `${level} ${key}: ${value}`);
          }
          addCounts(totals[level]!.droppedResources, report.droppedResources);
          addCounts(totals[level]!.droppedElements, report.droppedElements);
          addCounts(totals[level]!.generalized, report.generalized);
        }
      }
    }
    for (const level of LEVELS) t.diagnostic(`${level}: ${JSON.stringify(totals[level])}`);
    const adversarialReports = LEVELS.map((level) => deidentifyWithReport(adversarial(), options(level)).report);
    for (const r of adversarialReports) t.diagnostic(`adversarial ${r.level}: ${JSON.stringify(r)}`);
  });

  it("keeps the clinical content of the real fixtures: Observation codes, values and units, statuses", () => {
    const fixture = patientFixtures()[0]!;
    for (const level of LEVELS) {
      let checked = 0;
      for (const draft of splitBundle(fixture.bytes)) {
        const before = recordJson(draft.bytes).entry.filter((e: AnyJson) => e.resource.resourceType === "Observation" && e.resource.valueQuantity);
        const after = deidentify(recordJson(draft.bytes), options(level)).entry.filter((e: AnyJson) => e.resource.resourceType === "Observation" && e.resource.valueQuantity);
        assert.equal(after.length, before.length);
        before.forEach((b: AnyJson, i: number) => {
          const a = after[i].resource;
          assert.deepEqual(a.code.coding, b.resource.code.coding);
          assert.deepEqual(a.valueQuantity, b.resource.valueQuantity);
          assert.equal(a.status, b.resource.status);
          checked++;
        });
      }
      assert.ok(checked > 0, `${level}: observations with values checked`);
    }
  });

  it("pseudonymizes ids consistently inside a record and differently per grant", () => {
    const bundle = patientFixtures()[1]!.bytes;
    for (const draft of splitBundle(bundle).slice(0, 5)) {
      const out = deidentify(recordJson(draft.bytes), options("deidentified"));
      const ids = new Set(out.entry.map((e: AnyJson) => `urn:uuid:${e.resource.id}`));
      for (const e of out.entry) assert.equal(e.fullUrl, `urn:uuid:${e.resource.id}`, "fullUrl follows the id");
      const refs = JSON.stringify(out).match(/"reference":"urn:uuid:[^"]+"/g) ?? [];
      const inside = refs.filter((r) => ids.has(r.slice(13, -1)));
      if (out.entry.length > 1) assert.ok(inside.length > 0, "references still resolve inside the record");
    }
    const first = splitBundle(bundle)[0]!;
    const a = deidentify(recordJson(first.bytes), options("deidentified")).entry[0].resource.id;
    const b = deidentify(recordJson(first.bytes), { ...options("deidentified"), secret: new Uint8Array(32).fill(10) }).entry[0].resource.id;
    assert.match(a, /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    assert.notEqual(a, b);
    assert.equal(deidentify(recordJson(first.bytes), options("limited")).entry[0].resource.id, a, "deterministic per grant, whatever the level");
  });

  it("derives a keyed per-grant date shift of 1–50 days either way, and rejects weak options", () => {
    const shifts = Array.from({ length: 60 }, (_, i) => dateShiftForGrant(new Uint8Array(32).fill(i)));
    for (const s of shifts) assert.ok(Number.isInteger(s) && s !== 0 && Math.abs(s) <= 50, String(s));
    assert.ok(shifts.some((s) => s < 0) && shifts.some((s) => s > 0));
    assert.equal(dateShiftForGrant(new Uint8Array(32).fill(3)), shifts[3]);
    const input = { resourceType: "Observation", status: "final", effectiveDateTime: "2020-02-28T23:30:00+08:00" };
    assert.equal(deidentify(input, { level: "limited", secret }).effectiveDateTime, shiftedBy("2020-02-28", dateShiftForGrant(secret)), "the default shift is the grant's");
    assert.throws(() => deidentify({}, { level: "deidentified", secret: new Uint8Array(8) }), /at least 16 bytes/);
    assert.throws(() => deidentify({}, { level: "limited", secret, dateShiftDays: 1.5 }), /integer within ±50/);
    assert.throws(() => deidentify({}, { level: "limited", secret, dateShiftDays: 51 }), /integer within ±50/);
    assert.throws(() => deidentify({}, { level: "anonymized" as DeidentificationLevel, secret }), /level/);
    assert.equal(input.effectiveDateTime, "2020-02-28T23:30:00+08:00", "the input is not changed");
  });

  it("refuses a single resource of a type not on the list (a Practitioner is all identity)", () => {
    assert.throws(() => deidentify({ resourceType: "Practitioner", name: [{ family: "Okafor" }] }, options("deidentified")), (e: unknown) => {
      assert.ok(e instanceof FhirNotDeidentifiableError);
      assert.equal(e.code, "FHIR_NOT_DEIDENTIFIABLE");
      assert.equal(e.resourceType, "Practitioner");
      assert.ok(!e.message.includes("Okafor"));
      return true;
    });
  });

  it("a resourceType or unit named like an Object property (constructor, __proto__) is no loophole", () => {
    const { copy, report } = deidentifyWithReport(
      { resourceType: "Bundle", type: "collection", entry: [{ resource: { resourceType: "constructor", name: "Eleanor Vance" } }, { resource: { resourceType: "toString", id: "x" } }] },
      options("deidentified"),
    );
    assert.equal(copy.entry, undefined);
    assert.deepEqual(report.droppedResources, { unknown: 2 });
    const age = deidentify({ resourceType: "Observation", status: "final", valueQuantity: { value: 95, unit: "constructor" } }, options("deidentified"));
    assert.deepEqual(age.valueQuantity, { value: 95, unit: "constructor" });
  });

  it("limited keeps the precision of partial dates and crosses month and leap-year boundaries", () => {
    const input = { resourceType: "Observation", status: "final", issued: "2020-02-28T23:30:00.123+08:00", effectivePeriod: { start: "2021-03", end: "2021" } };
    const out = deidentify(input, options("limited", 2));
    assert.equal(out.issued, "2020-03-01", "2020 is a leap year; the time and offset go");
    assert.deepEqual(out.effectivePeriod, { start: "2021-03", end: "2021" });
    assert.equal(deidentify(input, options("limited", -50)).effectivePeriod.start, "2021-01");
  });
});

function shiftedBy(date: string, days: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}
