/**
 * Base class of every error the Caduceus client library throws on purpose.
 *
 * `code` is stable and machine-readable (the CLI maps it to exit codes and `--json` output);
 * `message` is written for a person: what went wrong and, where there is one, what to do.
 */
export class CaduceusError extends Error {
  readonly code: string;

  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}
