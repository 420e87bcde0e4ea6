import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { sensitiveStrings } from "../../src/fhir/privacy.ts";
import { splitBundle } from "../../src/fhir/split.ts";
import { batch, patientFixtures } from "./helpers.ts";

describe("sensitiveStrings", () => {
  for (const fixture of patientFixtures()) {
    const short = fixture.name.split("_")[0]!;
    it(`${short}: names, SSN, phone, address, birth date; all found in the demographics record, none in labels or categories`, () => {
      const strings = sensitiveStrings(fixture.bytes);
      const patient = fixture.bundle.entry!.find((e) => e.resource.resourceType === "Patient")!.resource;
      const name = (patient.name as Array<{ family: string; given: string[] }>)[0]!;
      const ssn = (patient.identifier as Array<{ system?: string; value: string }>).find((i) => i.system === "http://hl7.org/fhir/sid/us-ssn")!.value;
      const address = (patient.address as Array<{ line: string[]; city: string }>)[0]!;
      assert.ok(strings.length >= 8, `${strings.length} strings`);
      for (const expected of [name.family, ...name.given, ssn, patient.id!, (patient.telecom as Array<{ value: string }>)[0]!.value, patient.birthDate as string, ...address.line, address.city]) {
        assert.ok(strings.includes(expected), `${expected} listed`);
      }
      assert.match(ssn, /^\d{3}-\d{2}-\d{4}$/);
      assert.equal(new Set(strings).size, strings.length, "no duplicates");
      for (const s of strings) {
        assert.equal(s, s.trim());
        assert.ok(s.length >= 3);
        assert.ok(!/^[0-9a-f]{1,15}$/i.test(s), `${s} would match hex data by chance`);
      }
      assert.ok(!strings.includes("Massachusetts"), "state is not identifying");
      assert.ok(!strings.includes("female") && !strings.includes("male"));

      const records = splitBundle(fixture.bytes);
      const demographics = new TextDecoder().decode(records[0]!.bytes);
      for (const s of strings) assert.ok(demographics.includes(s), `${s} is real Patient content`);
      // What may go on-chain or into logs about a record: its category number and kind.
      const publicFacts = JSON.stringify(records.map((r) => ({ category: r.category, kind: r.kind, size: r.bytes.length })));
      for (const s of strings) assert.ok(!publicFacts.includes(s));
    });
  }

  it("covers contacts, maiden name, birthplace and geolocation; drops short and hex-only strings", () => {
    const strings = sensitiveStrings(
      batch({
        resourceType: "Patient",
        id: "p1",
        name: [{ prefix: ["Mrs."], given: ["Augusta", "Ada", "Jo"], family: "Lovelace" }],
        identifier: [{ value: "X12345678X" }, { value: "01581" }],
        telecom: [{ system: "email", value: "ada@example.org" }],
        address: [
          {
            line: ["12 St James's Square"],
            city: "London",
            postalCode: "SW1Y 4JH",
            state: "Greater London",
            extension: [
              {
                url: "http://hl7.org/fhir/StructureDefinition/geolocation",
                extension: [
                  { url: "latitude", valueDecimal: 51.5074 },
                  { url: "longitude", valueDecimal: -0.1345 },
                ],
              },
            ],
          },
        ],
        extension: [
          { url: "http://hl7.org/fhir/StructureDefinition/patient-mothersMaidenName", valueString: "Milbanke" },
          { url: "http://hl7.org/fhir/StructureDefinition/patient-birthPlace", valueAddress: { city: "Piccadilly" } },
          { url: "http://example.org/unrelated", valueString: "not identifying" },
        ],
        contact: [{ name: { text: "Lord Byron" }, telecom: [{ value: "+44 20 7946 0000" }] }],
        birthDate: "1815-12-10",
      }),
    );
    // "Ada" (hex digits only) and "Jo" (too short) would match unrelated data; "01581" too.
    assert.deepEqual(strings, [
      "Lovelace",
      "Augusta",
      "X12345678X",
      "ada@example.org",
      "1815-12-10",
      "12 St James's Square",
      "London",
      "SW1Y 4JH",
      "51.5074",
      "-0.1345",
      "Milbanke",
      "Piccadilly",
      "Lord Byron",
      "+44 20 7946 0000",
    ]);
  });
});
