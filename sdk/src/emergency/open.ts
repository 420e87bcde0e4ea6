/**
 * The doctor's side: once the contract has granted emergency access, collect the shares the
 * approving contacts sealed to the doctor, rebuild the patient's emergency key (checked against the
 * published public key), and open the records whose keys were wrapped to it.
 */
import { hexToBytes, type Address, type Hex } from "viem";
import type { CaduceusChain, ChainRecord } from "../chain/client.ts";
import { openEnvelope, type RecipientKeyPairs } from "../crypto/envelope.ts";
import { decryptRecord, type DecryptedRecord } from "../crypto/record.ts";
import { CaduceusError } from "../errors.ts";
import { fetchVerified } from "../records/open.ts";
import type { ContentStore } from "../storage/content-store.ts";
import { emergencyBinding, emergencyPublicKeys, readEmergencyConfig } from "./contacts.ts";
import { emergencyKeyId, openShare, rebuildEmergencyKey } from "./key.ts";
import { emergencyRequestOf } from "./requests.ts";

export class NoEmergencyGrantError extends CaduceusError {
  constructor(patient: Address, doctor: Address, status: string) {
    super(
      "NO_EMERGENCY_GRANT",
      `${doctor} holds no emergency grant in force for ${patient} (request ${status.toLowerCase()}): records cannot be opened.`,
    );
  }
}

export class NoEmergencyKeyError extends CaduceusError {
  constructor(recordId: Hex) {
    super("NO_EMERGENCY_KEY", `Record ${recordId} has no key wrapped to the emergency key: the patient added it after the last emergency key was set.`);
  }
}

/** The rebuilt emergency key and the records it opens. */
export interface EmergencyAccessKeys {
  patient: Address;
  doctor: Address;
  configVersion: number;
  keys: Required<RecipientKeyPairs>;
  /** Record id → the record key wrapped to the emergency key (latest posting wins). */
  envelopes: Map<Hex, Hex>;
}

export interface UnlockParams {
  /** The doctor's chain client (reads only). */
  chain: CaduceusChain;
  store: ContentStore;
  /** The doctor's encryption key pairs. */
  keys: RecipientKeyPairs;
  patient: Address;
  doctor: Address;
}

/** Checks the grant, opens the approvals' shares and rebuilds the emergency key. */
export async function unlockEmergency(params: UnlockParams): Promise<EmergencyAccessKeys> {
  const { chain, store, patient, doctor } = params;
  const req = await emergencyRequestOf(chain, patient, doctor);
  const granted = await chain.call(() =>
    chain.publicClient.readContract({ ...chain.emergencyAccess, functionName: "hasEmergencyAccess", args: [patient, doctor] }),
  );
  if (!granted) throw new NoEmergencyGrantError(patient, doctor, req.status);
  const config = await readEmergencyConfig(chain, store, patient, req.configVersion);
  const fromBlock = BigInt(chain.deployment.contracts.emergencyAccess.deployBlock);
  const approvals = await chain.call(() =>
    chain.publicClient.getContractEvents({ ...chain.emergencyAccess, eventName: "EmergencyApproved", args: { patient, doctor }, fromBlock }),
  );
  const publicKeys = emergencyPublicKeys(config.shares);
  const base = { chainId: chain.chainId, emergencyAccess: chain.emergencyAccess.address, patient, keyId: emergencyKeyId(publicKeys), recipient: doctor, round: req.round };
  const shares: Uint8Array[] = [];
  for (const log of approvals.filter((l) => l.args.round === req.round)) {
    // A share that does not open is skipped: the rebuild reports if too few good ones remain.
    const share = await openShare(hexToBytes(log.args.share!), params.keys, base).catch(() => undefined);
    if (share) shares.push(share);
  }
  try {
    const keys = await rebuildEmergencyKey(shares, config.threshold, publicKeys);
    const posted = await chain.call(() =>
      chain.publicClient.getContractEvents({
        ...chain.emergencyAccess,
        eventName: "EmergencyKeyPosted",
        args: { patient, configVersion: req.configVersion },
        fromBlock,
      }),
    );
    const envelopes = new Map<Hex, Hex>(posted.map((l) => [l.args.recordId!, l.args.envelope!]));
    return { patient, doctor, configVersion: req.configVersion, keys, envelopes };
  } finally {
    for (const share of shares) share.fill(0);
  }
}

export interface EmergencyOpenedRecord extends DecryptedRecord {
  record: ChainRecord;
}

/**
 * Opens one of the patient's records with the rebuilt emergency key, while the grant is in force
 * (the key stays in the doctor's memory; the client still honours the grant's end).
 */
export async function openEmergencyRecord(
  chain: CaduceusChain,
  store: ContentStore,
  unlocked: EmergencyAccessKeys,
  recordId: Hex,
): Promise<EmergencyOpenedRecord> {
  const { patient, doctor } = unlocked;
  const granted = await chain.call(() =>
    chain.publicClient.readContract({ ...chain.emergencyAccess, functionName: "hasEmergencyAccess", args: [patient, doctor] }),
  );
  if (!granted) throw new NoEmergencyGrantError(patient, doctor, "over");
  const envelope = unlocked.envelopes.get(recordId);
  if (!envelope) throw new NoEmergencyKeyError(recordId);
  const record = await chain.getRecord(recordId);
  const key = await openEnvelope({
    envelope: hexToBytes(envelope),
    recipientKeyPair: unlocked.keys,
    binding: emergencyBinding(chain, unlocked.patient, recordId, unlocked.configVersion),
  });
  try {
    return { ...(await decryptRecord(fetchVerified(store, record), key)), record };
  } finally {
    key.fill(0);
  }
}
