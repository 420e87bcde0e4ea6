/**
 * Errors of the crypto layer. Each failure a caller may want to handle differently has its own
 * class and stable `code`, so that the CLI and the web app can tell "wrong key" from "damaged
 * download" from "someone tampered with this" without parsing messages.
 */
import { CaduceusError } from "../errors.ts";

/** The wallet signature cannot seed an encryption identity (not a 65-byte ECDSA signature). */
export class InvalidIdentitySignatureError extends CaduceusError {
  constructor(message: string) {
    super("IDENTITY_INVALID_SIGNATURE", message);
  }
}

/** Common parent of every record decryption failure: `catch (e) { if (e instanceof RecordError) … }`. */
export class RecordError extends CaduceusError {}

/** The bytes are not a Caduceus record (bad magic) or use a format version this library does not know. */
export class RecordFormatError extends RecordError {
  constructor(message: string) {
    super("RECORD_UNKNOWN_FORMAT", message);
  }
}

/** The header's key check does not match: this is not the key of this record (or the header belongs to another record). */
export class RecordWrongKeyError extends RecordError {
  constructor() {
    super(
      "RECORD_WRONG_KEY",
      "This key does not open this record: the key is wrong, or the header was taken from another record.",
    );
  }
}

/** The key matches but the header MAC does not: a header field (version, chunk size) was altered. */
export class RecordHeaderTamperedError extends RecordError {
  constructor() {
    super("RECORD_HEADER_TAMPERED", "The record header failed authentication: it was modified after encryption.");
  }
}

/** The ciphertext ends early: inside the header, at a chunk boundary before the final chunk, or inside a chunk tag. */
export class RecordTruncatedError extends RecordError {
  constructor(message: string) {
    super("RECORD_TRUNCATED", message);
  }
}

/**
 * A chunk failed authentication: a flipped bit, chunks reordered, or (for the last chunk received)
 * a stream cut inside a chunk, which AES-GCM cannot tell apart from corruption.
 */
export class RecordChunkAuthError extends RecordError {
  readonly chunkIndex: number;
  readonly lastReceived: boolean;

  constructor(chunkIndex: number, lastReceived: boolean) {
    super(
      "RECORD_CHUNK_AUTH_FAILED",
      lastReceived
        ? `Chunk ${chunkIndex}, the last one received, failed authentication: the record is corrupted or was cut inside this chunk.`
        : `Chunk ${chunkIndex} failed authentication: the record is corrupted or its chunks were reordered.`,
    );
    this.chunkIndex = chunkIndex;
    this.lastReceived = lastReceived;
  }
}

/** Bytes follow the chunk marked final: someone appended data, or two records were concatenated. */
export class RecordTrailingDataError extends RecordError {
  constructor(finalChunkIndex: number) {
    super("RECORD_TRAILING_DATA", `Data follows the final chunk (chunk ${finalChunkIndex}).`);
  }
}

/** The authenticated metadata prefix is not valid (only possible with a buggy or hostile writer holding the key). */
export class RecordMetadataError extends RecordError {
  constructor(message: string) {
    super("RECORD_BAD_METADATA", message);
  }
}

/** Common parent of key envelope failures. */
export class EnvelopeError extends CaduceusError {}

/** The envelope bytes do not parse: unknown suite id, wrong length. */
export class EnvelopeMalformedError extends EnvelopeError {
  constructor(message: string) {
    super("ENVELOPE_MALFORMED", message);
  }
}

/** The envelope was sealed to another public key (its key hint does not match ours). */
export class EnvelopeWrongRecipientError extends EnvelopeError {
  constructor() {
    super(
      "ENVELOPE_WRONG_RECIPIENT",
      "This key envelope was sealed to another public key (another account, or an older key version).",
    );
  }
}

/** The envelope is for our key but does not open under this binding (chain, registry, record id, version, recipient) or was altered. */
export class EnvelopeBindingMismatchError extends EnvelopeError {
  constructor() {
    super(
      "ENVELOPE_BINDING_MISMATCH",
      "This key envelope does not open for this chain, registry, record id, version and recipient (or it was altered).",
    );
  }
}

/** The recipient's published public key is unusable (wrong length, or an invalid/low-order point). */
export class EnvelopeRecipientKeyError extends EnvelopeError {
  constructor(message: string, options?: { cause?: unknown }) {
    super("ENVELOPE_INVALID_RECIPIENT_KEY", message, options);
  }
}

/** The caller asked for a suite the recipient has no key for (for example X-Wing without a published PQ key). */
export class EnvelopeSuiteUnavailableError extends EnvelopeError {
  constructor(message: string) {
    super("ENVELOPE_SUITE_UNAVAILABLE", message);
  }
}
