import { CaduceusError } from "../errors.ts";

/** Exit codes of the `caduceus` command (docs/cli.md). */
export const ExitCode = {
  OK: 0,
  ERROR: 1,
  USAGE: 2,
  NOT_FOUND: 3,
  INTEGRITY: 4,
  UNAVAILABLE: 5,
  NOT_PERMITTED: 6,
} as const;

const BY_CODE: Array<[RegExp, number]> = [
  [/^(USAGE|DEPLOYMENT_INVALID|INVALID_CID|INVALID_POLICY|NO_SIGNER|KEYSTORE_.*)$/, ExitCode.USAGE],
  [/^(RECORD_NOT_FOUND|CONTENT_NOT_FOUND|DEPLOYMENT_NOT_FOUND|KEY_NOT_PUBLISHED|FILE_NOT_FOUND|POLICY_NOT_FOUND|KEY_NOT_DELIVERED|REVERT_.*Unknown(Record|Hospital|Policy))$/, ExitCode.NOT_FOUND],
  [/^(CONTENT_MISMATCH|CONTENT_DOES_NOT_MATCH_CHAIN|KEY_MISMATCH|RECORD_(TRUNCATED|CHUNK_AUTH_FAILED|HEADER_TAMPERED|TRAILING_DATA|UNKNOWN_FORMAT|WRONG_KEY|METADATA.*))$/, ExitCode.INTEGRITY],
  [/^(STORAGE_UNAVAILABLE|CHAIN_UNAVAILABLE|WRONG_NETWORK)$/, ExitCode.UNAVAILABLE],
  [/^(NOT_A_RECIPIENT|GRANT_NOT_IN_FORCE|ENVELOPE_.*|USER_REJECTED|REVERT_.*)$/, ExitCode.NOT_PERMITTED],
];

export function exitCodeOf(error: unknown): number {
  if (!(error instanceof CaduceusError)) return ExitCode.ERROR;
  return BY_CODE.find(([pattern]) => pattern.test(error.code))?.[1] ?? ExitCode.ERROR;
}

export class UsageError extends CaduceusError {
  constructor(message: string) {
    super("USAGE", message);
  }
}
