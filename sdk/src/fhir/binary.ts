/**
 * Non-FHIR files (PDF, DICOM, images …) as records, and media type detection.
 */
import { categorizeMediaType } from "./categories.ts";
import { BinaryRecordError } from "./errors.ts";
import type { RecordDraft } from "./types.ts";

const TOKEN = "[A-Za-z0-9!#$&^_.+-]+";
const MEDIA_TYPE = new RegExp(`^${TOKEN}/${TOKEN}(\\s*;\\s*${TOKEN}=(${TOKEN}|"[^"\\\\\\x00-\\x1f]*"))*$`);
const CONTROL = /[\x00-\x1f\x7f]/;

/** Media types by file extension (lower case, without the dot). */
const BY_EXTENSION: Readonly<Record<string, string>> = {
  pdf: "application/pdf",
  dcm: "application/dicom",
  dicom: "application/dicom",
  png: "image/png",
  jpg: "image/jpeg",
  jpeg: "image/jpeg",
  gif: "image/gif",
  tif: "image/tiff",
  tiff: "image/tiff",
  webp: "image/webp",
  heic: "image/heic",
  json: "application/json",
  xml: "application/xml",
  txt: "text/plain",
  csv: "text/csv",
};

const DEFAULT_MEDIA_TYPE = "application/octet-stream";

function startsWith(bytes: Uint8Array, prefix: readonly number[], offset = 0): boolean {
  if (bytes.length < offset + prefix.length) return false;
  return prefix.every((byte, i) => bytes[offset + i] === byte);
}

const ascii = (text: string): number[] => [...text].map((c) => c.charCodeAt(0));

/** The media type the first bytes prove, or undefined. */
function sniff(bytes: Uint8Array): string | undefined {
  if (startsWith(bytes, ascii("%PDF-"))) return "application/pdf";
  if (startsWith(bytes, ascii("DICM"), 128)) return "application/dicom";
  if (startsWith(bytes, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return "image/png";
  if (startsWith(bytes, [0xff, 0xd8, 0xff])) return "image/jpeg";
  if (startsWith(bytes, ascii("GIF87a")) || startsWith(bytes, ascii("GIF89a"))) return "image/gif";
  if (startsWith(bytes, [0x49, 0x49, 0x2a, 0x00]) || startsWith(bytes, [0x4d, 0x4d, 0x00, 0x2a])) return "image/tiff";
  // Text: FHIR JSON is an object with a resourceType (usually its first member; the prefix may be cut).
  const text = new TextDecoder("utf-8").decode(bytes.subarray(0, 64 * 1024)).replace(/^\uFEFF/, "").trimStart();
  if (text.startsWith("{")) {
    try {
      const value: unknown = JSON.parse(text);
      const type = (value as { resourceType?: unknown } | null)?.resourceType;
      return typeof type === "string" ? "application/fhir+json" : "application/json";
    } catch {
      // Only a prefix of the file, or not JSON: a resourceType member near the start (FHIR puts it
      // first). A plain, linear-time pattern: this runs on untrusted files.
      if (/"resourceType"\s*:\s*"[A-Z][A-Za-z]{0,63}"/.test(text.slice(0, 4096))) return "application/fhir+json";
    }
  }
  if (text.startsWith("<") && /<[A-Za-z]+\s[^>]*xmlns="http:\/\/hl7\.org\/fhir"/.test(text.slice(0, 4096))) {
    return "application/fhir+xml";
  }
  return undefined;
}

/**
 * The media type of a file: by magic bytes first (PDF "%PDF-", DICOM "DICM" at offset 128, PNG,
 * JPEG, GIF, TIFF, FHIR JSON = a JSON object with a string resourceType, FHIR XML), then by the
 * file name's extension, else "application/octet-stream". Content wins over a misleading name.
 * `firstBytes` may be the whole file or its first few KiB (at least 132 bytes for DICOM).
 */
export function detectMediaType(fileName?: string, firstBytes?: Uint8Array): string {
  const sniffed = firstBytes ? sniff(firstBytes) : undefined;
  if (sniffed !== undefined) return sniffed;
  const extension = /\.([A-Za-z0-9]+)$/.exec(fileName ?? "")?.[1]?.toLowerCase();
  return (extension && BY_EXTENSION[extension]) || DEFAULT_MEDIA_TYPE;
}

function kindLabel(essence: string): string {
  switch (essence) {
    case "application/pdf":
      return "PDF document";
    case "application/dicom":
      return "DICOM image";
    case "image/png":
      return "PNG image";
    case "image/jpeg":
      return "JPEG image";
    default:
      return essence.startsWith("image/") ? "Image" : "File";
  }
}

function size(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  if (bytes < 1024 ** 3) return `${(bytes / 1024 ** 2).toFixed(1)} MiB`;
  return `${(bytes / 1024 ** 3).toFixed(1)} GiB`;
}

/**
 * A record for a non-FHIR file. Category from the media type: application/dicom and image/* →
 * Imaging, application/pdf → Document, anything else → Other. `fileName` (directories stripped)
 * travels only inside the encrypted metadata; the label never contains it, since file names are
 * often identifying ("smith_john_mri.dcm").
 *
 * @throws BinaryRecordError for a malformed media type or an unusable file name
 */
export function binaryRecord(bytes: Uint8Array, mediaType: string, fileName?: string): RecordDraft {
  if (typeof mediaType !== "string" || mediaType.length > 255 || !MEDIA_TYPE.test(mediaType)) {
    throw new BinaryRecordError(
      'The media type is not valid; expected "type/subtype" such as "application/pdf" (detectMediaType can find it).',
    );
  }
  const record: RecordDraft = {
    kind: "binary",
    category: categorizeMediaType(mediaType),
    mediaType,
    bytes,
    resourceCount: 0,
    label: `${kindLabel(mediaType.split(";")[0]!.trim().toLowerCase())} (${size(bytes.length)})`,
  };
  if (fileName !== undefined) {
    const base = fileName.split(/[\\/]/).pop() ?? "";
    if (base === "" || base === "." || base === ".." || CONTROL.test(base) || new TextEncoder().encode(base).length > 255) {
      throw new BinaryRecordError("The file name is not usable: give a plain name of 1 to 255 bytes without control characters.");
    }
    record.fileName = base;
  }
  return record;
}
