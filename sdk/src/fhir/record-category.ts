/**
 * The record categories themselves: the only clinical information the chain ever sees. Same names
 * and numbers as `enum Category` in contracts/types/Records.sol (a test checks that they agree).
 * Kept apart from the rules that assign them (categories.ts) so that the FHIR shapes in types.ts can
 * name a category without importing those rules (which import the shapes): no import cycle.
 */
export const RecordCategory = {
  Visit: 0,
  Lab: 1,
  Imaging: 2,
  Medication: 3,
  Immunization: 4,
  Document: 5,
  Other: 6,
} as const;

export type RecordCategory = (typeof RecordCategory)[keyof typeof RecordCategory];
export type RecordCategoryName = keyof typeof RecordCategory;

const NAMES: readonly RecordCategoryName[] = ["Visit", "Lab", "Imaging", "Medication", "Immunization", "Document", "Other"];

export function isRecordCategory(value: unknown): value is RecordCategory {
  return typeof value === "number" && Number.isInteger(value) && value >= 0 && value < NAMES.length;
}

/** The name of a category number ("Lab" for 1); throws RangeError for a number outside the enum. */
export function recordCategoryName(category: number): RecordCategoryName {
  if (!isRecordCategory(category)) throw new RangeError(`${category} is not a record category (0..${NAMES.length - 1})`);
  return NAMES[category]!;
}
