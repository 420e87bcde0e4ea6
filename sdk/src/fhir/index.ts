/** Public surface of the FHIR layer: `import { … } from "@caduceus/sdk/fhir/index"`. */
export * from "./errors.ts";
export {
  RecordCategory,
  categorizeMediaType,
  categorizeResources,
  isRecordCategory,
  recordCategoryName,
  resourceVote,
  type RecordCategoryName,
} from "./categories.ts";
export {
  FHIR_JSON_MEDIA_TYPE,
  type FhirBundle,
  type FhirBundleEntry,
  type FhirBundleRequest,
  type FhirResource,
  type RecordDraft,
} from "./types.ts";
export { parseJson, readBundle, type BundleInput } from "./parse.ts";
export { splitBundle, type SplitOptions } from "./split.ts";
export { joinRecords, type JoinOptions } from "./join.ts";
export { binaryRecord, detectMediaType } from "./binary.ts";
export { sensitiveStrings } from "./privacy.ts";
export {
  deidentify,
  deidentifyWithReport,
  dateShiftForGrant,
  DEIDENTIFICATION_LEVELS,
  MAX_DATE_SHIFT_DAYS,
  type DeidentificationLevel,
  type DeidentificationReport,
  type DeidentifyOptions,
} from "./deidentify.ts";
export { ALLOW_LIST, ALLOWED_EXTENSIONS, STANDARD_CODE_SYSTEMS, RESTRICTED_ZIP3 } from "./allow-list.ts";
