/**
 * The read workflow: read the record from the chain, fetch its ciphertext by CID (every block
 * verified against the CID), check the whole against the chain's digest, open the envelope meant
 * for the reader, decrypt. Each failure is a CaduceusError with its own code.
 */
import { sha256 } from "@noble/hashes/sha2.js";
import { bytesToHex, hexToBytes, type Address, type Hex } from "viem";
import type { CaduceusChain, ChainRecord } from "../chain/client.ts";
import { CaduceusError } from "../errors.ts";
import { openEnvelope, type RecipientKeyPairs } from "../crypto/envelope.ts";
import { decryptRecord, type DecryptedRecord } from "../crypto/record.ts";
import { cidFromBytes } from "../storage/cid.ts";
import type { ContentStore } from "../storage/content-store.ts";

/** The reader holds no envelope of this record. */
export class NotARecipientError extends CaduceusError {
  constructor(
    readonly reader: Address,
    readonly recordId: Hex,
  ) {
    super(
      "NOT_A_RECIPIENT",
      `${reader} holds no key envelope for record ${recordId}: only its patient (or someone they granted access) can open it.`,
    );
  }
}

/** The bytes the store returned are not the ciphertext the chain registered. */
export class ChainDigestMismatchError extends CaduceusError {
  constructor(readonly recordId: Hex) {
    super(
      "CONTENT_DOES_NOT_MATCH_CHAIN",
      `The stored ciphertext of record ${recordId} does not match the digest registered on-chain: it was altered or replaced. Do not trust it; report it to an auditor.`,
    );
  }
}

export interface OpenParams {
  chain: CaduceusChain;
  store: ContentStore;
  recordId: Hex;
  /** The reader's account and encryption key pairs. */
  reader: Address;
  keys: RecipientKeyPairs;
}

export interface OpenedRecord extends DecryptedRecord {
  record: ChainRecord;
}

/**
 * Opens a record for `reader`. The body streams: treat it as untrusted until iteration ends
 * without an error (write to a temporary file and rename on success).
 */
export async function openRecord(params: OpenParams): Promise<OpenedRecord> {
  const { chain, store, recordId, reader } = params;
  const { record, recordKey } = await unwrapPatientKey(chain, recordId, reader, params.keys);
  try {
    const ciphertext = fetchVerified(store, record);
    const opened = await decryptRecord(ciphertext, recordKey);
    return { ...opened, record };
  } finally {
    recordKey.fill(0);
  }
}

/** The record and its key, from the envelope the registry holds for its patient (`reader`). */
export async function unwrapPatientKey(
  chain: CaduceusChain,
  recordId: Hex,
  reader: Address,
  keys: RecipientKeyPairs,
): Promise<{ record: ChainRecord; recordKey: Uint8Array; version: number }> {
  const record = await chain.getRecord(recordId);
  if (record.patient.toLowerCase() !== reader.toLowerCase()) throw new NotARecipientError(reader, recordId);
  const version = await chain.versionOf(recordId);
  const recordKey = await openEnvelope({
    envelope: hexToBytes(record.envelope),
    recipientKeyPair: keys,
    binding: { chainId: chain.chainId, registry: chain.registry.address, recordId, version, recipient: reader },
  });
  return { record, recordKey, version };
}

/** The record's ciphertext from the store: every block checked against the CID, the whole against the chain's digest. */
export function fetchVerified(store: ContentStore, record: ChainRecord): AsyncIterable<Uint8Array> {
  return verifyDigest(store.get(cidFromBytes(hexToBytes(record.cid))), record);
}

/**
 * Passes the ciphertext through while hashing it, and fails at the end if its SHA-256 is not the
 * digest on-chain. The store already verified every block against the CID; this also binds the
 * bytes to the chain's separate content digest (what an auditor checks for dag-pb records).
 */
async function* verifyDigest(source: AsyncIterable<Uint8Array>, record: ChainRecord): AsyncGenerator<Uint8Array> {
  const hash = sha256.create();
  for await (const chunk of source) {
    hash.update(chunk);
    yield chunk;
  }
  if (bytesToHex(hash.digest()) !== record.contentDigest.toLowerCase()) throw new ChainDigestMismatchError(record.recordId);
}
