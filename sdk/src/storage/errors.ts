/**
 * Storage failures, each a CaduceusError with a stable code. The three read failures are kept
 * apart on purpose: a mismatch means someone served wrong bytes (never retry silently), "not found"
 * means the store lacks the content, "unavailable" means try again later.
 */
import { CaduceusError } from "../errors.ts";

/** A block's bytes do not hash to the CID they were served for. */
export class ContentMismatchError extends CaduceusError {
  constructor(
    readonly cid: string,
    detail = "its bytes do not hash to its CID",
  ) {
    super(
      "CONTENT_MISMATCH",
      `Block ${cid} failed verification: ${detail}. The store served tampered or corrupt data; nothing from it was used.`,
    );
  }
}

/** The store does not hold this content (or one of its blocks). */
export class ContentNotFoundError extends CaduceusError {
  constructor(
    readonly cid: string,
    where = "the content store",
  ) {
    super("CONTENT_NOT_FOUND", `Block ${cid} is not in ${where}. It was never stored there, or has been removed.`);
  }
}

/** The store could not be reached or failed; the same request may succeed later. */
export class StorageUnavailableError extends CaduceusError {
  constructor(where: string, options?: { cause?: unknown }) {
    const reason = options?.cause instanceof Error ? `: ${options.cause.message}` : "";
    super("STORAGE_UNAVAILABLE", `The content store at ${where} is not reachable${reason}. Check that it is running and try again.`, options);
  }
}

/** A CID string or byte form that cannot be parsed, or one this system does not use. */
export class InvalidCidError extends CaduceusError {
  constructor(input: string, reason: string, options?: { cause?: unknown }) {
    super("INVALID_CID", `${input} is not a usable content identifier: ${reason}.`, options);
  }
}

/** An upload was refused (bad CAR, incomplete DAG) or a remote store computed a different CID. */
export class StorageRejectedError extends CaduceusError {
  constructor(message: string, options?: { cause?: unknown }) {
    super("STORAGE_REJECTED", message, options);
  }
}
