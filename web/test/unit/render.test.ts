import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { conceptText, formatQuantity, formatUnit, renderPlaintext, renderRecord } from "../../src/fhir/render.ts";

const FIXTURES = new URL("../../../../shared/fixtures/fhir/", import.meta.url);

const encounter = {
  resourceType: "Encounter",
  id: "e1",
  class: { code: "AMB" },
  type: [{ coding: [{ display: "General examination of patient (procedure)" }], text: "General examination" }],
  period: { start: "2020-03-06T20:20:23-08:00", end: "2020-03-06T21:00:00-08:00" },
  reasonCode: [{ coding: [{ display: "Suspected COVID-19" }] }],
};

const bundle = (...resources: object[]) => ({ resourceType: "Bundle", type: "collection", entry: resources.map((resource) => ({ resource })) });

describe("renderRecord", () => {
  it("renders the encounter heading: type, start, setting and reason", () => {
    const out = renderRecord(bundle(encounter));
    expect(out.encounter).toEqual({
      title: "General examination",
      start: "2020-03-06T20:20:23-08:00",
      end: "2020-03-06T21:00:00-08:00",
      setting: "ambulatory",
      reason: "Suspected COVID-19",
      provider: undefined,
    });
    expect(out.date).toBe("2020-03-06T20:20:23-08:00");
  });

  it("renders observations with value and unit, and blood pressure components", () => {
    const out = renderRecord(
      bundle(
        { resourceType: "Observation", code: { text: "Body temperature" }, valueQuantity: { value: 40.894, unit: "Cel" } },
        {
          resourceType: "Observation",
          code: { text: "Blood pressure panel" },
          component: [
            { code: { text: "Systolic blood pressure" }, valueQuantity: { value: 120, unit: "mm[Hg]" } },
            { code: { text: "Diastolic blood pressure" }, valueQuantity: { value: 80, unit: "mm[Hg]" } },
          ],
        },
        { resourceType: "Observation", code: { text: "Influenza A RNA" }, valueCodeableConcept: { coding: [{ display: "Not detected" }] } },
      ),
    );
    expect(out.items.map((i) => [i.title, i.value])).toEqual([
      ["Body temperature", "40.89°C"],
      ["Blood pressure panel", "Systolic blood pressure: 120 mmHg; Diastolic blood pressure: 80 mmHg"],
      ["Influenza A RNA", "Not detected"],
    ]);
  });

  it("renders conditions, immunizations and medications, with non-default statuses", () => {
    const out = renderRecord(
      bundle(
        { resourceType: "MedicationRequest", status: "stopped", medicationCodeableConcept: { text: "Amoxicillin 250 MG" }, dosageInstruction: [{ text: "1 tablet twice a day" }], authoredOn: "2020-01-02" },
        { resourceType: "Immunization", vaccineCode: { text: "Influenza, seasonal" }, occurrenceDateTime: "2020-01-01", status: "completed" },
        { resourceType: "Condition", code: { text: "Cough (finding)" }, clinicalStatus: { coding: [{ code: "resolved" }] }, onsetDateTime: "2020-03-06", abatementDateTime: "2020-03-20" },
      ),
    );
    expect(out.items).toEqual([
      { kind: "condition", title: "Cough (finding)", date: "2020-03-06", end: "2020-03-20", status: "resolved" },
      { kind: "immunization", title: "Influenza, seasonal", date: "2020-01-01" },
      { kind: "medication", title: "Amoxicillin 250 MG", value: "1 tablet twice a day", date: "2020-01-02", status: "stopped" },
    ]);
  });

  it("counts billing and directory resources instead of showing them", () => {
    const out = renderRecord(bundle({ resourceType: "Claim" }, { resourceType: "Claim" }, { resourceType: "Organization" }));
    expect(out.items).toEqual([]);
    expect(out.hidden).toEqual({ Claim: 2, Organization: 1 });
  });

  it("reads the patient's name and birth date", () => {
    const out = renderRecord(bundle({ resourceType: "Patient", name: [{ given: ["Bibi254"], family: "Schowalter414" }], birthDate: "2015-05-01", gender: "female" }));
    expect(out.patient).toEqual({ name: "Bibi254 Schowalter414", birthDate: "2015-05-01", gender: "female" });
  });

  it("refuses JSON that is not FHIR", () => {
    expect(() => renderRecord({ hello: 1 })).toThrow(/not FHIR/);
    expect(renderPlaintext("application/pdf", new Uint8Array([1, 2]))).toBeUndefined();
  });

  it("renders every resource of a fixture bundle without throwing", () => {
    const json = JSON.parse(readFileSync(new URL("Bibi254_Schowalter414_475d72ca-91c7-7211-97e3-f000af33fc04.json", FIXTURES), "utf8"));
    const out = renderRecord(json);
    const kinds = new Set(out.items.map((i) => i.kind));
    for (const kind of ["condition", "observation", "immunization", "procedure", "report", "carePlan"]) expect(kinds).toContain(kind);
    expect(out.items.every((i) => i.title.length > 0)).toBe(true);
  });
});

describe("units and quantities", () => {
  it("writes UCUM codes as people do", () => {
    expect(formatUnit("Cel")).toBe("°C");
    expect(formatUnit("kg/m2")).toBe("kg/m²");
    expect(formatUnit("mg/dL")).toBe("mg/dL");
    expect(formatQuantity({ value: 1234.5678, unit: "g" }, "en")).toBe("1,234.57 g");
    expect(formatQuantity({ value: 97, unit: "%" }, "en")).toBe("97%");
    expect(formatQuantity({ value: 5, comparator: "<", unit: "mg" })).toBe("<5 mg");
  });
  it("falls back from text to display to code", () => {
    expect(conceptText({ text: "A" })).toBe("A");
    expect(conceptText({ coding: [{ code: "123" }] })).toBe("123");
    expect(conceptText(undefined)).toBeUndefined();
  });
});
