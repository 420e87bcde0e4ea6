/**
 * What a person reads when something fails: the library's sentence, or viem's short message; never a
 * stack. In Chinese, errors the library names by code read from the Chinese dictionary of errors
 * (`i18n/zh-errors.ts`); English keeps the library's own, more specific sentence.
 */
import { BaseError } from "viem";

type Localizer = (code: string, english: string) => string;
let localize: Localizer | undefined;

/** Set by the language provider: how coded errors read in the chosen language (undefined: English). */
export function setErrorLocalizer(fn: Localizer | undefined): void {
  localize = fn;
}

/** The library's error code (`CaduceusError.code`, kept across the worker boundary), or USER_REJECTED for a wallet refusal. */
export function errorCode(error: unknown): string | undefined {
  if (error instanceof BaseError && error.walk((e) => (e as { code?: unknown }).code === 4001)) return "USER_REJECTED";
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === "string" ? code : undefined;
}

function english(error: unknown): string {
  if (error instanceof BaseError) {
    if (error.walk((e) => (e as { code?: unknown }).code === 4001)) {
      return "The request was rejected in the wallet; nothing was sent.";
    }
    return error.shortMessage;
  }
  // CaduceusError (and errors from the crypto worker) carry a sentence written for a person.
  if (error instanceof Error) return error.message.split("\n")[0]!;
  return String(error);
}

export function errorMessage(error: unknown): string {
  const text = english(error);
  const code = errorCode(error);
  return code && localize ? localize(code, text) : text;
}
