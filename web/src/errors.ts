/** What a person reads when something fails: the library's sentence, or viem's short message; never a stack. */
import { BaseError } from "viem";

export function errorMessage(error: unknown): string {
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
