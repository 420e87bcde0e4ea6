/**
 * The write workflow: encrypt → compute the CID → store and wait for the store to confirm → wrap
 * the record key to the patient → register on-chain. Split in two steps so that an interrupted
 * upload resumes without duplicates: `prepareRecord` returns a `PreparedRecord` (public data only:
 * CID, digests, the envelope — never a key or plaintext) that a journal can keep, and
 * `registerPrepared` registers it idempotently.
 */
import { bytesToHex, type Address, type Hex } from "viem";
import type { CaduceusChain, NewRecordInput } from "../chain/client.ts";
import { ContractRevertError } from "../chain/errors.ts";
import { CaduceusError } from "../errors.ts";
import { sealEnvelope, type EnvelopeSuite } from "../crypto/envelope.ts";
import { encryptRecord, generateRecordKey, type ByteSource, type RecordMeta } from "../crypto/record.ts";
import { hexToBytes } from "viem";
import type { ContentStore } from "../storage/content-store.ts";
import { registryFieldsFromCid } from "../storage/cid.ts";
import { emergencyBinding, emergencyPublicKeys, emergencyWriteAbi, readEmergencyConfig, MAX_KEYS_PER_TX } from "../emergency/contacts.ts";

/** A stored, not yet (or already) registered record. JSON-serializable, holds no secret. */
export interface PreparedRecord {
  recordId: Hex;
  patient: Address;
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
}

/** Encrypts and stores a record, and wraps its key to the patient. Nothing touches the chain yet. */
export async function prepareRecord(params: PrepareParams): Promise<PreparedRecord> {
  const { chain, store, patient } = params;
  // Read the patient's key first: without it nothing should be encrypted or stored.
  const keys = await chain.readKeys(patient);
  const version = params.previousId ? (await chain.versionOf(params.previousId)) + 1 : 1;
  const recordKey = generateRecordKey();
  try {
    const stored = await store.put(encryptRecord(params.body, recordKey, params.meta));
    const { codec, digest } = registryFieldsFromCid(stored.cid);
    const envelope = await sealEnvelope({
      recordKey,
      recipientPublicKey: { x25519: hexToBytes(keys.x25519), xwing: keys.xwing ? hexToBytes(keys.xwing) : undefined },
      suite: params.suite,
      binding: { chainId: chain.chainId, registry: chain.registry.address, recordId: digest, version, recipient: patient },
    });
    const emergencyKeys = await wrapForEmergency(chain, store, patient, digest, recordKey);
    return {
      ...(emergencyKeys.length > 0 ? { emergencyKeys } : {}),
      recordId: digest,
      patient,
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
    cidDigest: p.recordId,
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

/**
 * Registers prepared records, skipping those already on-chain (a retry after a lost receipt),
 * in one batch transaction when possible. A record another writer registered for another patient
 * with the same id cannot exist (the id is the ciphertext's digest), but is reported if it does.
 */
export async function registerPrepared(
  chain: CaduceusChain,
  prepared: PreparedRecord[],
  mode: RegisterMode = { kind: "direct" },
): Promise<RegisteredRecord[]> {
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
  const existing = await chain.getRecord(p.recordId);
  if (existing.patient.toLowerCase() !== p.patient.toLowerCase()) {
    throw new CaduceusError(
      "RECORD_CONFLICT",
      `Record ${p.recordId} already exists for another patient; this ciphertext cannot be registered again.`,
    );
  }
  return true;
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
