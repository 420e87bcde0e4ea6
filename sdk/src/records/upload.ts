/**
 * The write workflow: encrypt → compute the CID → store and wait for the store to confirm → wrap
 * the record key to the patient → register on-chain. Split in two steps so that an interrupted
 * upload resumes without duplicates: `prepareRecord` returns a `PreparedRecord` (public data only:
 * CID, digests, the envelope — never a key or plaintext) that a journal can keep, and
 * `registerPrepared` registers it idempotently.
 */
import { bytesToHex, type Address, type Hex } from "viem";
import type { CaduceusChain, ChainRecord, NewRecordInput } from "../chain/client.ts";
import { recordIdOf } from "../chain/records.ts";
import { ContractRevertError } from "../chain/errors.ts";
import { CaduceusError } from "../errors.ts";
import { sealEnvelope, type EnvelopeSuite } from "../crypto/envelope.ts";
import { encryptRecord, generateRecordKey, type ByteSource, type RecordMeta } from "../crypto/record.ts";
import { hexToBytes } from "viem";
import type { ContentStore } from "../storage/content-store.ts";
import { parseCid, registryFieldsFromCid } from "../storage/cid.ts";
import { emergencyBinding, emergencyPublicKeys, emergencyWriteAbi, readEmergencyConfig, MAX_KEYS_PER_TX } from "../emergency/contacts.ts";

/** A stored, not yet (or already) registered record. JSON-serializable, holds no secret. */
export interface PreparedRecord {
  /** `recordIdOf(writer, patient, cidDigest)`: the id the registry gives it. */
  recordId: Hex;
  /** The account that registers it: the hospital (also when a relayer submits), or the patient. */
  writer: Address;
  patient: Address;
  /** The SHA2-256 digest inside the CID. */
  cidDigest: Hex;
  cid: string;
  cidCodec: number;
  contentDigest: Hex;
  category: number;
  envelope: Hex;
  size: number;
  /** The record this one amends, if any. */
  previousId?: Hex;
  /** The record key wrapped to the patient's emergency key(s) in force or pending, by configuration. */
  emergencyKeys?: Array<{ configVersion: number; envelope: Hex }>;
}

export interface PrepareParams {
  chain: CaduceusChain;
  store: ContentStore;
  patient: Address;
  body: ByteSource;
  meta: RecordMeta;
  category: number;
  /** Amend this record: the new version supersedes it. */
  previousId?: Hex;
  /** Envelope suite; default: hybrid X-Wing when the patient published a post-quantum key. */
  suite?: EnvelopeSuite;
  /** Who will register it (the record id binds it); default: the chain's signing account. */
  writer?: Address;
}

/** Encrypts and stores a record, and wraps its key to the patient. Nothing touches the chain yet. */
export async function prepareRecord(params: PrepareParams): Promise<PreparedRecord> {
  const { chain, store, patient } = params;
  const writer = params.writer ?? chain.account;
  // Read the patient's key first: without it nothing should be encrypted or stored.
  const keys = await chain.readKeys(patient);
  const version = params.previousId ? (await chain.versionOf(params.previousId)) + 1 : 1;
  const recordKey = generateRecordKey();
  try {
    const stored = await store.put(encryptRecord(params.body, recordKey, params.meta));
    const { codec, digest } = registryFieldsFromCid(stored.cid);
    const recordId = recordIdOf(writer, patient, digest);
    const envelope = await sealEnvelope({
      recordKey,
      recipientPublicKey: { x25519: hexToBytes(keys.x25519), xwing: keys.xwing ? hexToBytes(keys.xwing) : undefined },
      suite: params.suite,
      binding: { chainId: chain.chainId, registry: chain.registry.address, recordId, version, recipient: patient },
    });
    const emergencyKeys = await wrapForEmergency(chain, store, patient, recordId, recordKey);
    return {
      ...(emergencyKeys.length > 0 ? { emergencyKeys } : {}),
      recordId,
      writer,
      patient,
      cidDigest: digest,
      cid: stored.cid.toString(),
      cidCodec: codec,
      contentDigest: stored.contentDigest,
      category: params.category,
      envelope: bytesToHex(envelope),
      size: stored.size,
      previousId: params.previousId,
    };
  } finally {
    recordKey.fill(0);
  }
}

/**
 * When the patient has emergency contacts, the record key is also wrapped to the emergency key in
 * force and to one waiting to take effect, so a doctor admitted by the contacts can open new
 * records too.
 */
async function wrapForEmergency(
  chain: CaduceusChain,
  store: ContentStore,
  patient: Address,
  recordId: Hex,
  recordKey: Uint8Array,
): Promise<Array<{ configVersion: number; envelope: Hex }>> {
  const [[current], [pending]] = await chain.call(() =>
    Promise.all([
      chain.publicClient.readContract({ ...chain.emergencyAccess, functionName: "contactsOf", args: [patient] }),
      chain.publicClient.readContract({ ...chain.emergencyAccess, functionName: "pendingContactsOf", args: [patient] }),
    ]),
  );
  const versions = [current.version, pending.version].filter((v) => v !== 0);
  return Promise.all(
    versions.map(async (configVersion) => {
      const config = await readEmergencyConfig(chain, store, patient, configVersion);
      const envelope = await sealEnvelope({
        recordKey,
        recipientPublicKey: emergencyPublicKeys(config.shares),
        binding: emergencyBinding(chain, patient, recordId, configVersion),
      });
      return { configVersion, envelope: bytesToHex(envelope) };
    }),
  );
}

/** How a prepared record reaches the chain. */
export type RegisterMode =
  | { kind: "direct" }
  /** The hospital signs (EIP-712) and `relayer` submits and pays the gas. */
  | { kind: "relayed"; relayer: CaduceusChain; deadlineSeconds?: number }
  /** A patient registers their own record. */
  | { kind: "own" };

export function toNewRecord(p: PreparedRecord): NewRecordInput {
  return {
    patient: p.patient,
    cidDigest: p.cidDigest,
    cidCodec: p.cidCodec,
    // A raw CID's digest is the content digest; the registry wants zero (or the same value) there.
    contentDigest: p.contentDigest,
    category: p.category,
    envelope: p.envelope,
  };
}

/** The outcome of registering one record: `created` is false when it was on-chain already. */
export interface RegisteredRecord {
  recordId: Hex;
  created: boolean;
}

/** The record on-chain under a prepared record's id is not what was prepared. */
export class RecordConflictError extends CaduceusError {
  constructor(
    readonly recordId: Hex,
    readonly fields: string[],
  ) {
    super(
      "RECORD_CONFLICT",
      `Record ${recordId} is already on-chain, but its ${fields.join(", ")} differ from this upload's: it is not this registration. Check who else holds this account's key; prepare the record again (a new encryption gives a new id) to register it.`,
    );
  }
}

/** The writer of a prepared record is not the account about to register it. */
export class WrongWriterError extends CaduceusError {
  constructor(
    readonly recordId: Hex,
    readonly writer: Address,
    readonly account: Address,
  ) {
    super(
      "WRONG_WRITER",
      `Record ${recordId} was prepared for ${writer} to register (its id and envelope bind that account), but ${account} is connected. Register it from ${writer}, or prepare it again.`,
    );
  }
}

/**
 * Registers prepared records, skipping those already on-chain (a retry after a lost receipt),
 * in one batch transaction when possible. A record is "already registered" only when everything
 * on-chain under its id — writer, patient, CID, content digest, category, previous version and
 * envelope, from its `RecordRegistered` event — is what was prepared; anything else is a
 * RecordConflictError.
 */
export async function registerPrepared(
  chain: CaduceusChain,
  prepared: PreparedRecord[],
  mode: RegisterMode = { kind: "direct" },
): Promise<RegisteredRecord[]> {
  for (const p of prepared) {
    if (p.writer?.toLowerCase() !== chain.account.toLowerCase()) throw new WrongWriterError(p.recordId, p.writer, chain.account);
  }
  const onChain = await Promise.all(prepared.map((p) => existingMatches(chain, p)));
  const pending = prepared.filter((_, i) => !onChain[i]);
  try {
    await submit(chain, pending, mode);
  } catch (error) {
    // Another attempt (a parallel retry) may have landed in between: then the records exist now.
    if (!(error instanceof ContractRevertError && error.errorName === "RecordRegistryDuplicateRecord")) throw error;
    const nowOnChain = await Promise.all(pending.map((p) => existingMatches(chain, p)));
    if (!nowOnChain.every(Boolean)) throw error;
  }
  await postEmergencyKeys(chain, prepared);
  return prepared.map((p, i) => ({ recordId: p.recordId, created: !onChain[i] }));
}

/**
 * The writer (the record's hospital, or the patient for their own records) posts the emergency
 * envelopes, grouped by patient and configuration. Posting again after a retry only repeats an event.
 */
async function postEmergencyKeys(chain: CaduceusChain, prepared: PreparedRecord[]): Promise<void> {
  const groups = new Map<string, { patient: Address; configVersion: number; keys: Array<{ recordId: Hex; envelope: Hex }> }>();
  for (const p of prepared) {
    for (const { configVersion, envelope } of p.emergencyKeys ?? []) {
      const key = `${p.patient.toLowerCase()}:${configVersion}`;
      const group = groups.get(key) ?? { patient: p.patient, configVersion, keys: [] };
      group.keys.push({ recordId: p.recordId, envelope });
      groups.set(key, group);
    }
  }
  for (const { patient, configVersion, keys } of groups.values()) {
    for (let i = 0; i < keys.length; i += MAX_KEYS_PER_TX) {
      await chain.write(emergencyWriteAbi(chain), "postKeys", [patient, configVersion, keys.slice(i, i + MAX_KEYS_PER_TX)]);
    }
  }
}

async function existingMatches(chain: CaduceusChain, p: PreparedRecord): Promise<boolean> {
  if (!(await chain.exists(p.recordId))) return false;
  const differing = registrationDifferences(await chain.getRecord(p.recordId), p);
  if (differing.length > 0) throw new RecordConflictError(p.recordId, differing);
  return true;
}

const ZERO32: Hex = `0x${"00".repeat(32)}`;

/** The fields in which the registration on-chain differs from the prepared one (none: a retry). */
export function registrationDifferences(existing: ChainRecord, p: PreparedRecord): string[] {
  const same = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();
  const checks: Array<[string, boolean]> = [
    ["writer", same(existing.provider, p.writer)],
    ["patient", same(existing.patient, p.patient)],
    ["CID", same(existing.cid, bytesToHex(parseCid(p.cid).bytes))],
    ["content digest", same(existing.contentDigest, p.contentDigest)],
    ["category", existing.category === p.category],
    ["previous version", same(existing.previousVersion, p.previousId ?? ZERO32)],
    ["envelope", same(existing.envelope, p.envelope)],
  ];
  return checks.filter(([, ok]) => !ok).map(([field]) => field);
}

const BATCH_LIMIT = 100;

async function submit(chain: CaduceusChain, pending: PreparedRecord[], mode: RegisterMode): Promise<void> {
  if (pending.length === 0) return;
  if (mode.kind === "own" || pending.some((p) => p.previousId)) {
    for (const p of pending) {
      if (p.previousId) await chain.amend(p.previousId, toNewRecord(p));
      else await chain.registerOwn(toNewRecord(p));
    }
    return;
  }
  if (mode.kind === "relayed") {
    const latest = await chain.publicClient.getBlock();
    const deadline = latest.timestamp + BigInt(mode.deadlineSeconds ?? 3600);
    for (const p of pending) {
      const record = toNewRecord(p);
      const signature = await chain.signRegistration(record, deadline);
      await mode.relayer.registerWithSig(record, chain.account, deadline, signature);
    }
    return;
  }
  if (pending.length === 1) {
    await chain.register(toNewRecord(pending[0]));
    return;
  }
  for (let i = 0; i < pending.length; i += BATCH_LIMIT) {
    await chain.registerBatch(pending.slice(i, i + BATCH_LIMIT).map(toNewRecord));
  }
}

/** Prepare and register in one call; returns the record id (also when it already existed). */
export async function uploadRecord(params: PrepareParams & { mode?: RegisterMode }): Promise<RegisteredRecord & { prepared: PreparedRecord }> {
  const prepared = await prepareRecord(params);
  const [result] = await registerPrepared(params.chain, [prepared], params.mode);
  return { ...result, prepared };
}
