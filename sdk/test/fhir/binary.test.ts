import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { binaryRecord, detectMediaType } from "../../src/fhir/binary.ts";
import { RecordCategory } from "../../src/fhir/categories.ts";
import { BinaryRecordError, FhirError } from "../../src/fhir/errors.ts";
import { fixtures } from "./helpers.ts";

const bytes = (...parts: Array<string | number[]>): Uint8Array =>
  new Uint8Array(parts.flatMap((p) => (typeof p === "string" ? [...p].map((c) => c.charCodeAt(0)) : p)));

const PDF = bytes("%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj");
const DICOM = bytes(new Array(128).fill(0), "DICM", [2, 0, 0, 0, 0x55, 0x4c]);
const PNG = bytes([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13], "IHDR");
const JPEG = bytes([0xff, 0xd8, 0xff, 0xe0, 0, 16], "JFIF");

describe("detectMediaType", () => {
  it("recognises magic bytes whatever the name", () => {
    assert.equal(detectMediaType("scan", PDF), "application/pdf");
    assert.equal(detectMediaType(undefined, DICOM), "application/dicom");
    assert.equal(detectMediaType("IMG_0001", PNG), "image/png");
    assert.equal(detectMediaType("photo.bin", JPEG), "image/jpeg");
    assert.equal(detectMediaType("report.pdf", PNG), "image/png", "content wins over a misleading extension");
    assert.equal(detectMediaType(undefined, bytes("GIF89a", [1, 0])), "image/gif");
  });

  it("recognises FHIR JSON: whole documents and cut prefixes, with or without BOM", () => {
    const fixture = fixtures()[0]!;
    assert.equal(detectMediaType("export.json", fixture.bytes), "application/fhir+json");
    assert.equal(detectMediaType(undefined, fixture.bytes.subarray(0, 200)), "application/fhir+json");
    assert.equal(detectMediaType(undefined, new TextEncoder().encode('\uFEFF  {"id":"x", "resourceType" : "Patient"}')), "application/fhir+json");
    assert.equal(detectMediaType("data.json", new TextEncoder().encode('{"name":"not fhir"}')), "application/json");
    assert.equal(detectMediaType(undefined, new TextEncoder().encode('{"resourceType": 5}')), "application/json");
    assert.equal(
      detectMediaType(undefined, new TextEncoder().encode('<?xml version="1.0"?><Bundle xmlns="http://hl7.org/fhir">')),
      "application/fhir+xml",
    );
  });

  it("takes linear time on hostile JSON-like input", () => {
    const hostile = new TextEncoder().encode("{" + '"a":1,'.repeat(10_000) + '"b":');
    const start = performance.now();
    assert.equal(detectMediaType("x.json", hostile), "application/json");
    assert.ok(performance.now() - start < 500, "no catastrophic backtracking");
  });

  it("falls back to the extension, then to application/octet-stream", () => {
    assert.equal(detectMediaType("CT_SERIES.DCM", bytes("no preamble")), "application/dicom");
    assert.equal(detectMediaType("letter.PDF"), "application/pdf");
    assert.equal(detectMediaType("x-ray.jpeg"), "image/jpeg");
    assert.equal(detectMediaType("notes.txt", new Uint8Array()), "text/plain");
    assert.equal(detectMediaType("archive.xyz", bytes([1, 2, 3])), "application/octet-stream");
    assert.equal(detectMediaType(), "application/octet-stream");
    // DICOM needs the bytes up to offset 132: a shorter prefix is not enough.
    assert.equal(detectMediaType(undefined, DICOM.subarray(0, 131)), "application/octet-stream");
  });
});

describe("binaryRecord", () => {
  it("categorises by media type and keeps the bytes untouched", () => {
    const cases: Array<[Uint8Array, string, number]> = [
      [DICOM, "application/dicom", RecordCategory.Imaging],
      [PDF, "application/pdf", RecordCategory.Document],
      [PNG, "image/png", RecordCategory.Imaging],
      [JPEG, "image/jpeg", RecordCategory.Imaging],
      [bytes("hello"), "text/plain; charset=utf-8", RecordCategory.Other],
      [bytes([0, 1]), "application/octet-stream", RecordCategory.Other],
    ];
    for (const [data, mediaType, category] of cases) {
      const record = binaryRecord(data, mediaType);
      assert.equal(record.kind, "binary");
      assert.equal(record.category, category, mediaType);
      assert.equal(record.mediaType, mediaType);
      assert.equal(record.bytes, data);
      assert.equal(record.resourceCount, 0);
      assert.equal(record.fileName, undefined);
    }
  });

  it("labels by kind and size, never by file name; keeps a plain file name for the encrypted metadata", () => {
    const record = binaryRecord(new Uint8Array(3 * 1024 * 1024), "application/dicom", "C:\\scans\\Smith_John_MRI.dcm");
    assert.equal(record.label, "DICOM image (3.0 MiB)");
    assert.equal(record.fileName, "Smith_John_MRI.dcm");
    assert.equal(binaryRecord(PDF, "application/pdf", "letters/discharge.pdf").fileName, "discharge.pdf");
    assert.equal(binaryRecord(PDF, "application/pdf").label, `PDF document (${PDF.length} B)`);
    assert.equal(binaryRecord(new Uint8Array(2048), "image/webp").label, "Image (2.0 KiB)");
  });

  it("rejects a malformed media type or an unusable file name with a clear error", () => {
    for (const mediaType of ["pdf", "", "application/", "text/plain; charset", "a/b\n"]) {
      assert.throws(
        () => binaryRecord(PDF, mediaType),
        (error: unknown) =>
          error instanceof BinaryRecordError &&
          error instanceof FhirError &&
          error.code === "BINARY_RECORD_INVALID" &&
          /media type is not valid/.test(error.message),
        JSON.stringify(mediaType),
      );
    }
    for (const fileName of ["", "dir/", "..", "bad\u0000name.pdf", "x".repeat(256)]) {
      assert.throws(
        () => binaryRecord(PDF, "application/pdf", fileName),
        (error: unknown) => error instanceof BinaryRecordError && /file name is not usable/.test(error.message),
        JSON.stringify(fileName),
      );
    }
  });
});
