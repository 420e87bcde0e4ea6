/** Research in words: amounts with their token, study and contribution states, reject reasons. */
import { formatUnits } from "viem";
import type { DataStatusName, RejectReasonName, StudyStatusName } from "@caduceus/sdk/chain/research";
import { categoryNames } from "@caduceus/sdk/research/studies";
import { categoryKey, type MessageKey } from "../../i18n/en.ts";
import type { Translate } from "../../i18n/i18n.tsx";

export const REJECT_REASONS: readonly RejectReasonName[] = ["NOT_DEIDENTIFIED", "UNREADABLE", "OUT_OF_PROTOCOL", "OTHER"];

export function amountWords(value: bigint, token: { symbol: string; decimals: number } | undefined): string {
  return token ? `${formatUnits(value, token.decimals)} ${token.symbol}` : String(value);
}

export const studyStatusWords = (t: Translate, status: StudyStatusName) => t(`study.status.${status}` as MessageKey);
export const dataStatusWords = (t: Translate, status: DataStatusName) => t(`study.data.${status}` as MessageKey);
export const rejectReasonWords = (t: Translate, reason: string) =>
  (REJECT_REASONS as readonly string[]).includes(reason) ? t(`study.reason.${reason}` as MessageKey) : reason;

export const categoriesWords = (t: Translate, bits: number) => categoryNames(bits).map((c) => t(categoryKey(c))).join(", ");
