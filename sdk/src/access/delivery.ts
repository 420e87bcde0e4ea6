/**
 * Record keys reach grantees: the patient's client opens its own envelopes and wraps each record
 * key (HPKE) to the grantee's published key, bound to the ConsentManager, the record, its version
 * and the grantee. For anonymized grants it first de-identifies the record, encrypts that copy
 * under a fresh key, stores it and delivers the copy's key and CID instead.
 */
import { hmac } from "@noble/hashes/hmac.js";
import { sha256 } from "@noble/hashes/sha2.js";
import { bytesToHex, hexToBytes, toHex, type Address, type Hex } from "viem";
import type { CaduceusChain } from "../chain/client.ts";
import { Purpose, type PurposeName } from "../chain/roles.ts";
import { CaduceusError } from "../errors.ts";
import { collectBytes } from "../crypto/byte-source.ts";
import { openEnvelope, sealEnvelope, type RecipientKeyPairs } from "../crypto/envelope.ts";
import {
  decryptRecord,
  encryptRecord,
  generateRecordKey,
  type DecryptedRecord,
  type RecordMeta,
} from "../crypto/record.ts";
import { dateShiftForGrant, deidentify } from "../fhir/deidentify.ts";
import { fetchVerified, unwrapPatientKey } from "../records/open.ts";
import type { ChainRecord } from "../chain/client.ts";
import type { ContentStore } from "../storage/content-store.ts";
import { cidFromBytes } from "../storage/cid.ts";
import { consentWriteAbi } from "./policies.ts";
import { canAccess, grantOf } from "./requests.ts";

/** Most deliveries per transaction (the contract's MAX_BATCH). */
export const MAX_DELIVERIES_PER_TX = 100;

export class GrantNotInForceError extends CaduceusError {
  constructor(grantee: Address, purpose: PurposeName) {
    super(
      "GRANT_NOT_IN_FORCE",
      `${grantee} holds no grant in force for ${purpose}: nothing can be delivered or read under it.`,
    );
  }
}

export class KeyNotDeliveredError extends CaduceusError {
  constructor(recordId: Hex) {
    super(
      "KEY_NOT_DELIVERED",
      `Access to record ${recordId} is granted, but its key has not been delivered yet: ask the patient to deliver it.`,
    );
  }
}

/** Turns a record's plaintext into its de-identified version (see `fhir/deidentify`). */
export type Deidentifier = (plaintext: Uint8Array, meta: RecordMeta) => Uint8Array | Promise<Uint8Array>;

/**
 * The patient's de-identifier for one grant: FHIR records through `deidentify`, with a secret (and
 * so pseudonyms and a date shift) derived from the patient's key, the grantee and the purpose —
 * stable across deliveries to that grant, unlinkable across grants. Other media cannot be
 * de-identified automatically and are refused.
 */
export function grantDeidentifier(keys: RecipientKeyPairs, grantee: Address, purpose: PurposeName): Deidentifier {
  const secret = hmac(sha256, keys.x25519.privateKey, new TextEncoder().encode(`caduceus/deidentify/v1/${grantee.toLowerCase()}/${purpose}`));
  const dateShiftDays = dateShiftForGrant(secret);
  return (plaintext, meta) => {
    if (meta.mediaType !== "application/fhir+json") {
      throw new CaduceusError("CANNOT_DEIDENTIFY", `A ${meta.mediaType} record cannot be de-identified automatically; leave it out of an anonymized delivery.`);
    }
    const json: unknown = JSON.parse(new TextDecoder().decode(plaintext));
    return new TextEncoder().encode(JSON.stringify(deidentify(json, { level: "deidentified", secret, dateShiftDays })));
  };
}

export interface DeliverParams {
  /** The patient's chain client (signs the delivery). */
  chain: CaduceusChain;
  store: ContentStore;
  /** The patient's encryption key pairs. */
  keys: RecipientKeyPairs;
  grantee: Address;
  purpose: PurposeName;
  recordIds: Hex[];
  /** Required when the grant is anonymized. */
  deidentify?: Deidentifier;
  onProgress?: (prepared: number, total: number) => void;
}

/** Delivers the keys of `recordIds` to the grantee, in transactions of up to 100; returns the hashes. */
export async function deliverKeys(params: DeliverParams): Promise<Hex[]> {
  const { chain, grantee, purpose } = params;
  const patient = chain.account;
  const grant = await grantOf(chain, patient, grantee, purpose);
  if (!grant.inForce) throw new GrantNotInForceError(grantee, purpose);
  if (grant.anonymized && !params.deidentify) {
    throw new CaduceusError(
      "DEIDENTIFIER_REQUIRED",
      `The grant to ${grantee} is anonymized: only de-identified copies may be delivered.`,
    );
  }
  const recipient = await chain.readKeys(grantee);
  const recipientPublicKey = {
    x25519: hexToBytes(recipient.x25519),
    xwing: recipient.xwing ? hexToBytes(recipient.xwing) : undefined,
  };

  const deliveries: Array<{ recordId: Hex; copyCid: Hex; envelope: Hex }> = [];
  for (const recordId of params.recordIds) {
    const { record, recordKey, version } = await unwrapPatientKey(chain, recordId, patient, params.keys);
    let deliveredKey = recordKey;
    let copyCid: Hex = "0x";
    try {
      if (grant.anonymized) {
        ({ key: deliveredKey, cid: copyCid } = await storeDeidentifiedCopy(params, record, recordKey));
      }
      const envelope = await sealEnvelope({
        recordKey: deliveredKey,
        recipientPublicKey,
        binding: {
          chainId: chain.chainId,
          registry: chain.consentManager.address,
          recordId,
          version,
          recipient: grantee,
        },
      });
      deliveries.push({ recordId, copyCid, envelope: bytesToHex(envelope) });
    } finally {
      recordKey.fill(0);
      deliveredKey.fill(0);
    }
    params.onProgress?.(deliveries.length, params.recordIds.length);
  }

  const hashes: Hex[] = [];
  for (let i = 0; i < deliveries.length; i += MAX_DELIVERIES_PER_TX) {
    const batch = deliveries.slice(i, i + MAX_DELIVERIES_PER_TX);
    const { hash } = await chain.write(consentWriteAbi(chain), "deliverKeys", [
      patient,
      grantee,
      Purpose[purpose],
      batch,
    ]);
    hashes.push(hash);
  }
  return hashes;
}

async function storeDeidentifiedCopy(
  params: DeliverParams,
  record: ChainRecord,
  recordKey: Uint8Array,
): Promise<{ key: Uint8Array; cid: Hex }> {
  const opened = await decryptRecord(fetchVerified(params.store, record), recordKey);
  const plaintext = await collectBytes(opened.body);
  const copy = await params.deidentify!(plaintext, opened.meta);
  plaintext.fill(0);
  const key = generateRecordKey();
  const stored = await params.store.put(encryptRecord([copy], key, opened.meta));
  return { key, cid: toHex(stored.cid.bytes) };
}

export interface OpenDeliveredParams {
  /** The grantee's chain client (reads only). */
  chain: CaduceusChain;
  store: ContentStore;
  reader: Address;
  keys: RecipientKeyPairs;
  recordId: Hex;
  purpose: PurposeName;
}

export interface OpenedDelivery extends DecryptedRecord {
  record: ChainRecord;
  /** True when the key opened a de-identified copy, not the record itself. */
  deidentified: boolean;
}

/**
 * Opens a record delivered to `reader`. Honours the grant: once it is revoked or expired, the
 * client refuses, although a key delivered earlier cannot be taken back (revocation is forward-only).
 */
export async function openDelivered(params: OpenDeliveredParams): Promise<OpenedDelivery> {
  const { chain, reader, recordId, purpose } = params;
  if (!(await canAccess(chain, reader, recordId, purpose))) throw new GrantNotInForceError(reader, purpose);
  const logs = await chain.call(() =>
    chain.publicClient.getContractEvents({
      ...chain.consentManager,
      eventName: "KeyDelivered",
      args: { grantee: reader, recordId },
      fromBlock: BigInt(chain.deployment.contracts.consentManager.deployBlock),
    }),
  );
  const delivery = logs.filter((log) => log.args.purpose === Purpose[purpose]).at(-1)?.args;
  if (!delivery?.envelope) throw new KeyNotDeliveredError(recordId);
  const record = await chain.getRecord(recordId);
  const version = await chain.versionOf(recordId);
  const key = await openEnvelope({
    envelope: hexToBytes(delivery.envelope),
    recipientKeyPair: params.keys,
    binding: { chainId: chain.chainId, registry: chain.consentManager.address, recordId, version, recipient: reader },
  });
  try {
    const deidentified = delivery.copyCid !== undefined && delivery.copyCid !== "0x";
    const source = deidentified
      ? params.store.get(cidFromBytes(hexToBytes(delivery.copyCid!)))
      : fetchVerified(params.store, record);
    return { ...(await decryptRecord(source, key)), record, deidentified };
  } finally {
    key.fill(0);
  }
}
