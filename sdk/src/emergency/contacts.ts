/**
 * The patient's side of emergency rescue: name contacts and a threshold, create the emergency key,
 * give each contact a sealed share (one content-store object, its CID on-chain), and wrap every
 * record key to the emergency key. Rotation is the same step with the same contacts: a new key,
 * new shares, every record wrapped again, so shares a doctor rebuilt earlier open nothing new.
 */
import { bytesToHex, getAddress, hexToBytes, parseEventLogs, toHex, type Address, type Hex } from "viem";
import type { CaduceusChain } from "../chain/client.ts";
import { MAX_CONTACTS } from "../chain/emergency.ts";
import { collectBytes } from "../crypto/byte-source.ts";
import { sealEnvelope, type RecipientKeyPairs, type RecipientPublicKeys } from "../crypto/envelope.ts";
import { CaduceusError } from "../errors.ts";
import { unwrapPatientKey } from "../records/open.ts";
import type { ContentStore } from "../storage/content-store.ts";
import { cidFromBytes } from "../storage/cid.ts";
import {
  emergencyKeyId,
  emergencyKeyPairs,
  generateEmergencySeed,
  sealShare,
  splitEmergencySeed,
} from "./key.ts";

export const SHARES_FORMAT = "caduceus/emergency-shares/v1";
/** Most emergency keys per `postKeys` transaction (the contract's MAX_BATCH). */
export const MAX_KEYS_PER_TX = 100;

/** The content-store object a configuration's CID points at: public keys and sealed shares only. */
export interface SharesObject {
  format: typeof SHARES_FORMAT;
  chainId: number;
  emergencyAccess: Address;
  patient: Address;
  threshold: number;
  publicKeys: { x25519: Hex; xwing: Hex };
  shares: Array<{ contact: Address; envelope: Hex }>;
}

export class InvalidContactsError extends CaduceusError {
  constructor(message: string) {
    super("INVALID_EMERGENCY_CONTACTS", message);
  }
}

export class SharesObjectError extends CaduceusError {
  constructor(message: string) {
    super("EMERGENCY_SHARES_OBJECT_INVALID", message);
  }
}

export class NoEmergencyContactsError extends CaduceusError {
  constructor(patient: Address) {
    super("NO_EMERGENCY_CONTACTS", `${patient} has no emergency contacts in force: set them with \`caduceus emergency contacts set\`.`);
  }
}

/** A configuration as the chain holds it, with its shares object fetched and checked. */
export interface EmergencyConfig {
  version: number;
  threshold: number;
  contacts: Address[];
  activatesAt: number;
  sharesCid: string;
  shares: SharesObject;
}

export function emergencyPublicKeys(shares: SharesObject): Required<RecipientPublicKeys> {
  return { x25519: hexToBytes(shares.publicKeys.x25519), xwing: hexToBytes(shares.publicKeys.xwing) };
}

export interface SetContactsParams {
  /** The patient's chain client (signs). */
  chain: CaduceusChain;
  store: ContentStore;
  /** The patient's encryption key pairs (to open their own envelopes and re-wrap record keys). */
  keys: RecipientKeyPairs;
  contacts: Address[];
  threshold: number;
  onProgress?: (step: "shares" | "propose" | "wrap", done: number, total: number) => void;
}

export interface SetContactsResult {
  version: number;
  sharesCid: string;
  activatesAt: number;
  /** Records whose key is now also wrapped to the new emergency key. */
  wrapped: number;
}

/** Sets contacts and threshold with a fresh emergency key, and wraps every record key to it. */
export async function setEmergencyContacts(params: SetContactsParams): Promise<SetContactsResult> {
  const { chain, store, threshold } = params;
  const patient = chain.account;
  const contacts = params.contacts.map((c) => getAddress(c));
  checkContacts(patient, contacts, threshold);
  // Every contact needs a published key before anything is created.
  const contactKeys = await Promise.all(contacts.map((c) => chain.readKeys(c)));

  const seed = generateEmergencySeed();
  let shares: Uint8Array[] = [];
  try {
    const pairs = await emergencyKeyPairs(seed);
    shares = await splitEmergencySeed(seed, contacts.length, threshold);
    const keyId = emergencyKeyId({ x25519: pairs.x25519.publicKey });
    const sealed = await Promise.all(
      contacts.map(async (contact, i) => {
        const published = contactKeys[i]!;
        const recipient = { x25519: hexToBytes(published.x25519), xwing: published.xwing ? hexToBytes(published.xwing) : undefined };
        const binding = { chainId: chain.chainId, emergencyAccess: chain.emergencyAccess.address, patient, keyId, recipient: contact, round: 0 };
        return { contact, envelope: bytesToHex(await sealShare(shares[i]!, recipient, binding)) };
      }),
    );
    const object: SharesObject = {
      format: SHARES_FORMAT,
      chainId: chain.chainId,
      emergencyAccess: chain.emergencyAccess.address,
      patient,
      threshold,
      publicKeys: { x25519: bytesToHex(pairs.x25519.publicKey), xwing: bytesToHex(pairs.xwing.publicKey) },
      shares: sealed,
    };
    params.onProgress?.("shares", 1, 1);
    const stored = await store.put([new TextEncoder().encode(JSON.stringify(object))]);

    const { receipt } = await chain.write(chain.emergencyAccess, "proposeContacts", [contacts, threshold, toHex(stored.cid.bytes)]);
    const [event] = parseEventLogs({ abi: chain.emergencyAccess.abi, logs: receipt.logs, eventName: "ContactsProposed" });
    params.onProgress?.("propose", 1, 1);
    const version = event!.args.version;
    const wrapped = await wrapRecordsForEmergency({
      chain,
      keys: params.keys,
      configVersion: version,
      publicKeys: emergencyPublicKeys(object),
      recordIds: await chain.listRecordIds(patient),
      onProgress: (done, total) => params.onProgress?.("wrap", done, total),
    });
    return { version, sharesCid: stored.cid.toString(), activatesAt: event!.args.activatesAt, wrapped };
  } finally {
    seed.fill(0);
    for (const share of shares) share.fill(0);
  }
}

/** A new emergency key and shares for the same contacts and threshold (after an emergency). */
export async function rotateEmergencyKey(params: Omit<SetContactsParams, "contacts" | "threshold">): Promise<SetContactsResult> {
  const current = await readEmergencyConfig(params.chain, params.store, params.chain.account);
  return setEmergencyContacts({ ...params, contacts: current.contacts, threshold: current.threshold });
}

function checkContacts(patient: Address, contacts: Address[], threshold: number): void {
  if (contacts.length < 2 || contacts.length > MAX_CONTACTS) {
    throw new InvalidContactsError(`Name between 2 and ${MAX_CONTACTS} emergency contacts (got ${contacts.length}).`);
  }
  if (!Number.isInteger(threshold) || threshold < 2 || threshold > contacts.length) {
    throw new InvalidContactsError(`The threshold must be between 2 and the number of contacts (${contacts.length}); got ${threshold}.`);
  }
  if (new Set(contacts).size !== contacts.length) throw new InvalidContactsError("A contact is listed twice.");
  if (contacts.includes(getAddress(patient))) throw new InvalidContactsError("You cannot be your own emergency contact.");
}

export interface WrapParams {
  chain: CaduceusChain;
  keys: RecipientKeyPairs;
  configVersion: number;
  publicKeys: RecipientPublicKeys;
  recordIds: Hex[];
  onProgress?: (done: number, total: number) => void;
}

/** The patient wraps each record key to the emergency key of `configVersion` and posts them. */
export async function wrapRecordsForEmergency(params: WrapParams): Promise<number> {
  const { chain, recordIds } = params;
  const patient = chain.account;
  const keys: Array<{ recordId: Hex; envelope: Hex }> = [];
  for (const recordId of recordIds) {
    const { recordKey } = await unwrapPatientKey(chain, recordId, patient, params.keys);
    try {
      const envelope = await sealEnvelope({
        recordKey,
        recipientPublicKey: params.publicKeys,
        binding: emergencyBinding(chain, patient, recordId, params.configVersion),
      });
      keys.push({ recordId, envelope: bytesToHex(envelope) });
    } finally {
      recordKey.fill(0);
    }
    params.onProgress?.(keys.length, recordIds.length);
  }
  for (let i = 0; i < keys.length; i += MAX_KEYS_PER_TX) {
    await chain.write(emergencyWriteAbi(chain), "postKeys", [patient, params.configVersion, keys.slice(i, i + MAX_KEYS_PER_TX)]);
  }
  return keys.length;
}

/**
 * An emergency key envelope is bound to the EmergencyAccess contract, the record, the
 * configuration version (in the envelope's version field) and the patient.
 */
export function emergencyBinding(chain: CaduceusChain, patient: Address, recordId: Hex, configVersion: number) {
  return { chainId: chain.chainId, registry: chain.emergencyAccess.address, recordId, version: configVersion, recipient: patient };
}

/** EmergencyAccess's ABI with the registry's errors (postKeys reverts there for unknown records). */
export function emergencyWriteAbi(chain: CaduceusChain) {
  return { address: chain.emergencyAccess.address, abi: [...chain.emergencyAccess.abi, ...chain.registry.abi.filter((i) => i.type === "error")] };
}

/** The configuration in force (or `version`), with its shares object fetched and checked. */
export async function readEmergencyConfig(
  chain: CaduceusChain,
  store: ContentStore,
  patient: Address,
  version?: number,
): Promise<EmergencyConfig> {
  const read = version === undefined
    ? chain.call(() => chain.publicClient.readContract({ ...chain.emergencyAccess, functionName: "contactsOf", args: [patient] }))
    : chain.call(() => chain.publicClient.readContract({ ...chain.emergencyAccess, functionName: "configAt", args: [patient, version] }));
  const [config, contacts, sharesCidBytes] = await read;
  if (config.version === 0) throw new NoEmergencyContactsError(patient);
  const cid = cidFromBytes(hexToBytes(sharesCidBytes));
  const shares = parseSharesObject(await collectBytes(store.get(cid)), chain, patient, contacts);
  if (shares.threshold !== config.threshold) throw new SharesObjectError("The shares object's threshold differs from the chain's.");
  return { version: config.version, threshold: config.threshold, contacts: [...contacts], activatesAt: config.activatesAt, sharesCid: cid.toString(), shares };
}

function parseSharesObject(bytes: Uint8Array, chain: CaduceusChain, patient: Address, contacts: readonly Address[]): SharesObject {
  let object: SharesObject;
  try {
    object = JSON.parse(new TextDecoder().decode(bytes)) as SharesObject;
  } catch {
    throw new SharesObjectError("The emergency shares object is not JSON.");
  }
  const same = (a: string | undefined, b: string) => typeof a === "string" && a.toLowerCase() === b.toLowerCase();
  if (
    object?.format !== SHARES_FORMAT ||
    object.chainId !== chain.chainId ||
    !same(object.emergencyAccess, chain.emergencyAccess.address) ||
    !same(object.patient, patient) ||
    !Array.isArray(object.shares) ||
    object.shares.length !== contacts.length ||
    object.shares.some((s, i) => !same(s?.contact, contacts[i]!))
  ) {
    throw new SharesObjectError("The emergency shares object does not belong to this patient's configuration on this chain.");
  }
  return object;
}
