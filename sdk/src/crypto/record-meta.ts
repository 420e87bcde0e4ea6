/**
 * The metadata prefix at the start of the encrypted payload: what kind of file this is and what it
 * was called. It lives inside the ciphertext, so storage and chain never see it.
 *
 *   u32 big-endian length L (1 .. 65536) || L bytes of UTF-8 JSON {"mediaType": …, "fileName"?: …}
 *
 * Writers emit exactly these keys in this order; readers ignore unknown keys so that later v1
 * writers can add fields (for example FHIR metadata of a binary file).
 */
import type { ByteReader } from "./byte-source.ts";
import { concatBytes, uintBytes, utf8 } from "./bytes.ts";
import { RecordMetadataError } from "./errors.ts";

export interface RecordMeta {
  /** RFC 6838 media type, e.g. `application/fhir+json`, `application/pdf`, `application/dicom`. */
  mediaType: string;
  /** Optional original file name: a plain name, no directories. */
  fileName?: string;
}

export const MAX_META_BYTES = 64 * 1024;
const MAX_FILE_NAME_BYTES = 255;
const TOKEN = "[A-Za-z0-9!#$&^_.+-]+";
const MEDIA_TYPE = new RegExp(`^${TOKEN}/${TOKEN}(\\s*;\\s*${TOKEN}=(${TOKEN}|"[^"\\\\\\x00-\\x1f]*"))*$`);
// No separators or control characters: a reader may write the file under this name.
const UNSAFE_FILE_NAME = /[\/\\\x00-\x1f\x7f]/;

/** Returns the problem with `meta`, or undefined when it is valid. */
function metaProblem(meta: unknown): string | undefined {
  if (typeof meta !== "object" || meta === null) return "metadata must be an object";
  const { mediaType, fileName } = meta as Record<string, unknown>;
  if (typeof mediaType !== "string" || mediaType.length > 255 || !MEDIA_TYPE.test(mediaType)) {
    return `invalid media type ${JSON.stringify(mediaType)}`;
  }
  if (fileName === undefined) return undefined;
  if (
    typeof fileName !== "string" ||
    fileName.length === 0 ||
    utf8(fileName).length > MAX_FILE_NAME_BYTES ||
    UNSAFE_FILE_NAME.test(fileName) ||
    fileName === "." ||
    fileName === ".."
  ) {
    return `invalid file name ${JSON.stringify(fileName)} (a plain name of 1..${MAX_FILE_NAME_BYTES} bytes)`;
  }
  return undefined;
}

export function encodeRecordMeta(meta: RecordMeta): Uint8Array<ArrayBuffer> {
  const problem = metaProblem(meta);
  if (problem !== undefined) throw new TypeError(problem);
  const canonical: RecordMeta = { mediaType: meta.mediaType };
  if (meta.fileName !== undefined) canonical.fileName = meta.fileName;
  const json = utf8(JSON.stringify(canonical));
  return concatBytes(uintBytes(json.length, 4), json);
}

/**
 * Reads the prefix from the decrypted payload; the reader is left at the first body byte. The payload
 * is already authenticated here, so a short prefix means a faulty writer, not a truncated download.
 */
export async function readRecordMeta(plaintext: ByteReader): Promise<RecordMeta> {
  const lengthBytes = await plaintext.read(4);
  if (lengthBytes.length < 4) throw new RecordMetadataError("The authenticated payload ends inside its metadata.");
  const length = new DataView(lengthBytes.buffer).getUint32(0);
  if (length === 0 || length > MAX_META_BYTES) throw new RecordMetadataError(`Metadata length ${length} is out of range.`);
  const json = await plaintext.read(length);
  if (json.length < length) throw new RecordMetadataError("The authenticated payload ends inside its metadata.");
  let parsed: unknown;
  try {
    parsed = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(json));
  } catch (cause) {
    throw new RecordMetadataError(`Metadata is not UTF-8 JSON: ${String(cause)}`);
  }
  const problem = metaProblem(parsed);
  if (problem !== undefined) throw new RecordMetadataError(`Invalid record metadata: ${problem}.`);
  const { mediaType, fileName } = parsed as RecordMeta;
  return fileName === undefined ? { mediaType } : { mediaType, fileName };
}
