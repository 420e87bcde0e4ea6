/** Public surface of the crypto layer: `import { … } from "@caduceus/sdk/crypto/index"`. */
export * from "./errors.ts";
export { collectBytes, fromReadableStream, toReadableStream, type ByteSource } from "./byte-source.ts";
export {
  ENCRYPTION_KEY_TYPES,
  deriveIdentity,
  deriveIdentityFromSignature,
  encryptionKeyTypedData,
  type EncryptionIdentity,
  type EncryptionKeyTypedData,
  type IdentityContext,
  type TypedDataSigner,
} from "./identity.ts";
export {
  RECORD_HEADER_BYTES,
  RECORD_KEY_BYTES,
  decryptRecord,
  decryptRecordBytes,
  encryptRecord,
  encryptRecordBytes,
  generateRecordKey,
  recordCiphertextSize,
  type DecryptedRecord,
  type RecordMeta,
} from "./record.ts";
export {
  ENVELOPE_SUITE_IDS,
  defaultEnvelopeSuite,
  envelopeSize,
  openEnvelope,
  parseEnvelope,
  publicKeysOf,
  sealEnvelope,
  type EnvelopeBinding,
  type EnvelopeSuite,
  type OpenEnvelopeParams,
  type ParsedEnvelope,
  type RecipientKeyPairs,
  type RecipientPublicKeys,
  type SealEnvelopeParams,
} from "./envelope.ts";
export { envelopeInfo } from "./envelope-binding.ts";
export type { KeyPairBytes } from "./kems.ts";
