/**
 * Emergency rescue end to end on the fixtures, on a real Hardhat node with the real local gateway:
 * the patient names three contacts with t = 2 and wraps every record to a fresh emergency key; a
 * doctor asks; one contact approves on-chain and one signs off-chain; the doctor rebuilds the key
 * from the two shares and reads exactly what the hospital registered; after the grant's expiry the
 * doctor is refused; rotation leaves the rebuilt key useless for new records; nothing on-chain holds
 * fixture plaintext or key material.
 */
import assert from "node:assert/strict";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { bytesToHex, hexToBytes, type Hex } from "viem";
import { canAccess } from "../../src/access/index.ts";
import type { CaduceusChain } from "../../src/chain/client.ts";
import { collectBytes } from "../../src/crypto/byte-source.ts";
import { openEnvelope } from "../../src/crypto/envelope.ts";
import { EnvelopeWrongRecipientError } from "../../src/crypto/errors.ts";
import { deriveIdentity, type EncryptionIdentity } from "../../src/crypto/identity.ts";
import {
  approveEmergency,
  emergencyBinding,
  emergencyRequestOf,
  openEmergencyRecord,
  readEmergencyConfig,
  rejectEmergency,
  requestEmergencyAccess,
  rotateEmergencyKey,
  setEmergencyContacts,
  signEmergencyApproval,
  submitSignedApprovals,
  unlockEmergency,
  emergencyPublicKeys,
  emergencyKeyId,
  openShare,
  sealShare,
} from "../../src/emergency/index.ts";
import { sensitiveStrings, splitBundle } from "../../src/fhir/index.ts";
import { prepareRecord, registerPrepared } from "../../src/records/upload.ts";
import { GatewayContentStore } from "../../src/storage/gateway-client.ts";
import { startGateway, type RunningGateway } from "../../src/storage/node/gateway-server.ts";
import { startLocalChain, type LocalChain } from "../helpers/local-chain.ts";
import { assertNothingOnChain } from "../helpers/privacy.ts";

const FIXTURE = new URL("../../../../shared/fixtures/fhir/Cris921_Rath779_d4519c92-d241-b2b2-7360-291d60be699e.json", import.meta.url);
const HOUR = 3600;

let lc: LocalChain;
let gateway: RunningGateway;
let gatewayDir: string;
let store: GatewayContentStore;
let bundle: Uint8Array;
let drafts: ReturnType<typeof splitBundle>;
let recordIds: Hex[];
const ROLES = ["patient", "doctor", "otherPatient", "auditor", "relayer"] as const;
const identities = {} as Record<(typeof ROLES)[number], EncryptionIdentity>;
const chains = {} as Record<(typeof ROLES)[number], CaduceusChain>;
const code = (expected: string) => (e: Error & { code?: string }) => e.code === expected;

async function registerDrafts(slice: ReturnType<typeof splitBundle>): Promise<Hex[]> {
  const hospital = lc.as(lc.accounts.hospital);
  const prepared = [];
  for (const draft of slice) {
    prepared.push(
      await prepareRecord({ chain: hospital, store, patient: lc.accounts.patient.address, body: [draft.bytes], meta: { mediaType: draft.mediaType }, category: draft.category }),
    );
  }
  return (await registerPrepared(hospital, prepared)).map((r) => r.recordId);
}

before(async () => {
  lc = await startLocalChain();
  gatewayDir = await mkdtemp(join(tmpdir(), "caduceus-emergency-"));
  gateway = await startGateway({ dir: gatewayDir, port: 0 });
  store = new GatewayContentStore({ url: gateway.url });
  for (const role of ROLES) {
    chains[role] = lc.as(lc.accounts[role]);
    identities[role] = await deriveIdentity(lc.accounts[role], lc.deployment.chainId);
    await chains[role].publishKeys(identities[role].x25519.publicKey, identities[role].xwing.publicKey);
  }
  bundle = new Uint8Array(await readFile(FIXTURE));
  drafts = splitBundle(bundle);
  recordIds = await registerDrafts(drafts.slice(0, 4));
});

after(async () => {
  await gateway?.close();
  await lc?.stop();
  if (gatewayDir) await rm(gatewayDir, { recursive: true, force: true });
});

const patientAddress = () => lc.accounts.patient.address;
const doctorAddress = () => lc.accounts.doctor.address;
const contacts = () => [lc.accounts.otherPatient.address, lc.accounts.auditor.address, lc.accounts.relayer.address];

describe("emergency rescue end to end", () => {
  it("the patient names three contacts (t = 2) and every record key is wrapped to the new emergency key", async () => {
    await assert.rejects(
      setEmergencyContacts({ chain: chains.patient, store, keys: identities.patient, contacts: contacts().slice(0, 1), threshold: 2 }),
      code("INVALID_EMERGENCY_CONTACTS"),
    );
    await assert.rejects(
      setEmergencyContacts({ chain: chains.patient, store, keys: identities.patient, contacts: [...contacts().slice(0, 1), lc.accounts.stranger.address], threshold: 2 }),
      code("KEY_NOT_PUBLISHED"),
    );
    const steps: string[] = [];
    const result = await setEmergencyContacts({
      chain: chains.patient,
      store,
      keys: identities.patient,
      contacts: contacts(),
      threshold: 2,
      onProgress: (step, done, total) => steps.push(`${step} ${done}/${total}`),
    });
    assert.equal(result.version, 1);
    assert.equal(result.wrapped, 4);
    assert.deepEqual(steps, ["shares 1/1", "propose 1/1", "wrap 1/4", "wrap 2/4", "wrap 3/4", "wrap 4/4"]);
    const config = await readEmergencyConfig(chains.doctor, store, patientAddress());
    assert.equal(config.threshold, 2);
    assert.deepEqual(config.contacts, contacts());
    assert.equal(config.sharesCid, result.sharesCid);
    assert.equal(config.shares.shares.length, 3);
  });

  it("one contact cannot let the doctor in: the request waits, and the doctor holds no grant", async () => {
    const { round } = await requestEmergencyAccess({ chain: chains.doctor, patient: patientAddress(), justification: "UNCONSCIOUS", durationSeconds: 4 * HOUR });
    assert.equal(round, 1);
    await approveEmergency({ chain: chains.otherPatient, store, keys: identities.otherPatient, patient: patientAddress(), doctor: doctorAddress() });
    const state = await emergencyRequestOf(chains.doctor, patientAddress(), doctorAddress());
    assert.equal(state.status, "Open");
    assert.equal(state.approvals, 1);
    await assert.rejects(unlockEmergency({ chain: chains.doctor, store, keys: identities.doctor, patient: patientAddress(), doctor: doctorAddress() }), code("NO_EMERGENCY_GRANT"));
    assert.equal(await canAccess(chains.doctor, doctorAddress(), recordIds[0]!, "ETREAT"), false);
    // A contact who already approved cannot vote again.
    await assert.rejects(rejectEmergency(chains.otherPatient, patientAddress(), doctorAddress()), code("REVERT_EmergencyAlreadyVoted"));
  });

  it("a second contact's signed approval opens the grant, and the doctor reads every record", async () => {
    const signed = await signEmergencyApproval({ chain: chains.auditor, store, keys: identities.auditor, patient: patientAddress(), doctor: doctorAddress() });
    await submitSignedApprovals(chains.doctor, patientAddress(), doctorAddress(), [signed]);
    const state = await emergencyRequestOf(chains.doctor, patientAddress(), doctorAddress());
    assert.equal(state.status, "Granted");
    assert.equal(await canAccess(chains.doctor, doctorAddress(), recordIds[0]!, "ETREAT"), true);

    const unlocked = await unlockEmergency({ chain: chains.doctor, store, keys: identities.doctor, patient: patientAddress(), doctor: doctorAddress() });
    assert.equal(unlocked.envelopes.size, 4);
    for (const [i, recordId] of recordIds.entries()) {
      const opened = await openEmergencyRecord(chains.doctor, store, unlocked, recordId);
      assert.deepEqual(await collectBytes(opened.body), drafts[i]!.bytes, `record ${i} round-trips`);
      assert.equal(opened.meta.mediaType, drafts[i]!.mediaType);
    }
    // A contact's share sealed to the doctor opens nothing for anyone else.
    await assert.rejects(unlockEmergency({ chain: chains.doctor, store, keys: identities.relayer, patient: patientAddress(), doctor: doctorAddress() }), code("EMERGENCY_NOT_ENOUGH_SHARES"));
  });

  it("after the grant's expiry canAccess is false and the doctor's client refuses to open", async () => {
    const unlocked = await unlockEmergency({ chain: chains.doctor, store, keys: identities.doctor, patient: patientAddress(), doctor: doctorAddress() });
    await lc.publicClient.request({ method: "evm_increaseTime" as never, params: [4 * HOUR] as never });
    await lc.publicClient.request({ method: "evm_mine" as never, params: [] as never });
    assert.equal(await canAccess(chains.doctor, doctorAddress(), recordIds[0]!, "ETREAT"), false);
    assert.equal((await emergencyRequestOf(chains.doctor, patientAddress(), doctorAddress())).status, "Expired");
    await assert.rejects(openEmergencyRecord(chains.doctor, store, unlocked, recordIds[0]!), code("NO_EMERGENCY_GRANT"));
  });

  it("rotation makes the rebuilt key useless for records added afterwards", async () => {
    // The key the doctor rebuilt during the emergency (kept here as a dishonest client would).
    const old = await unlockEmergency({ chain: chains.doctor, store, keys: identities.doctor, patient: patientAddress(), doctor: doctorAddress() }).catch((e: Error) => e);
    assert.ok(old instanceof Error, "an expired grant unlocks nothing");
    const oldConfig = await readEmergencyConfig(chains.patient, store, patientAddress());
    const rotated = await rotateEmergencyKey({ chain: chains.patient, store, keys: identities.patient });
    assert.equal(rotated.version, 2);
    assert.equal(rotated.wrapped, 4);
    const newConfig = await readEmergencyConfig(chains.patient, store, patientAddress());
    assert.deepEqual(newConfig.contacts, oldConfig.contacts);
    assert.notEqual(newConfig.shares.publicKeys.x25519, oldConfig.shares.publicKeys.x25519);

    // The hospital registers a new record: it wraps the key to the emergency key in force and posts it.
    const [added] = await registerDrafts(drafts.slice(4, 5));
    const posted = await lc.publicClient.getContractEvents({ ...chains.patient.emergencyAccess, eventName: "EmergencyKeyPosted", args: { recordId: added! }, fromBlock: 0n });
    assert.equal(posted.length, 1);
    assert.equal(posted[0]!.args.configVersion, 2);
    const fresh = await rebuildFromConfig(2);
    const key = await openEnvelope({ envelope: hexToBytes(posted[0]!.args.envelope!), recipientKeyPair: fresh, binding: emergencyBinding(chains.doctor, patientAddress(), added!, 2) });
    assert.equal(key.length, 32);
    // Rebuild the old key from the two old shares the doctor received: it cannot open the new envelope.
    const oldKeys = await rebuildOld();
    await assert.rejects(
      openEnvelope({ envelope: hexToBytes(posted[0]!.args.envelope!), recipientKeyPair: oldKeys, binding: emergencyBinding(chains.doctor, patientAddress(), added!, 2) }),
      EnvelopeWrongRecipientError,
    );
  });

  it("a contact posting a corrupted share cannot veto: the third contact approves after the grant and the doctor rebuilds from the two good shares", async () => {
    const { round } = await requestEmergencyAccess({ chain: chains.doctor, patient: patientAddress(), justification: "UNCONSCIOUS", durationSeconds: 4 * HOUR });
    assert.equal(round, 2);
    // otherPatient (malicious) opens their real Shamir share, corrupts it and seals it to the doctor properly.
    const config = await readEmergencyConfig(chains.otherPatient, store, patientAddress());
    const base = { chainId: lc.deployment.chainId, emergencyAccess: chains.otherPatient.emergencyAccess.address, patient: patientAddress(), keyId: emergencyKeyId(emergencyPublicKeys(config.shares)) };
    const mine = config.shares.shares.find((s) => s.contact === lc.accounts.otherPatient.address)!;
    const corrupted = await openShare(hexToBytes(mine.envelope), identities.otherPatient, { ...base, recipient: lc.accounts.otherPatient.address, round: 0 });
    corrupted[3]! ^= 0xff;
    const doctorKeys = await chains.otherPatient.readKeys(doctorAddress());
    const sealed = await sealShare(corrupted, { x25519: hexToBytes(doctorKeys.x25519), xwing: doctorKeys.xwing ? hexToBytes(doctorKeys.xwing) : undefined }, { ...base, recipient: doctorAddress(), round });
    await chains.otherPatient.write(chains.otherPatient.emergencyAccess, "approve", [patientAddress(), doctorAddress(), bytesToHex(sealed)]);
    // An honest contact approves: the grant opens, yet these two shares do not rebuild the key.
    await approveEmergency({ chain: chains.auditor, store, keys: identities.auditor, patient: patientAddress(), doctor: doctorAddress() });
    assert.equal((await emergencyRequestOf(chains.doctor, patientAddress(), doctorAddress())).status, "Granted");
    await assert.rejects(unlockEmergency({ chain: chains.doctor, store, keys: identities.doctor, patient: patientAddress(), doctor: doctorAddress() }), code("EMERGENCY_SHARES_INVALID"));
    // The third contact still approves after the grant; the doctor rebuilds from the two good shares among three.
    await approveEmergency({ chain: chains.relayer, store, keys: identities.relayer, patient: patientAddress(), doctor: doctorAddress() });
    const state = await emergencyRequestOf(chains.doctor, patientAddress(), doctorAddress());
    assert.equal(state.status, "Granted");
    assert.equal(state.approvals, 3);
    const unlocked = await unlockEmergency({ chain: chains.doctor, store, keys: identities.doctor, patient: patientAddress(), doctor: doctorAddress() });
    assert.equal(bytesToHex(unlocked.keys.x25519.publicKey), config.shares.publicKeys.x25519);
    const opened = await openEmergencyRecord(chains.doctor, store, unlocked, recordIds[0]!);
    assert.deepEqual(await collectBytes(opened.body), drafts[0]!.bytes);
  });

  it("puts no fixture plaintext and no key material on-chain", async () => {
    await assertNothingOnChain(lc.publicClient, [
      ...sensitiveStrings(bundle),
      ...Object.values(identities).map((identity) => identity.x25519.privateKey),
    ]);
  });
});

/** The current emergency key, rebuilt from the patient's contacts' own shares (what two contacts could do together). */
async function rebuildFromConfig(version: number) {
  const { openShare, rebuildEmergencyKey, emergencyKeyId } = await import("../../src/emergency/key.ts");
  const config = await readEmergencyConfig(chains.patient, store, patientAddress(), version);
  const publicKeys = emergencyPublicKeys(config.shares);
  const holders = [["otherPatient", 0], ["auditor", 1]] as const;
  const shares = await Promise.all(
    holders.map(([role, i]) =>
      openShare(hexToBytes(config.shares.shares[i]!.envelope), identities[role], {
        chainId: lc.deployment.chainId,
        emergencyAccess: chains.patient.emergencyAccess.address,
        patient: patientAddress(),
        keyId: emergencyKeyId(publicKeys),
        recipient: lc.accounts[role].address,
        round: 0,
      }),
    ),
  );
  return rebuildEmergencyKey(shares, 2, publicKeys);
}

/** The doctor's view of round 1's shares, rebuilt with the old configuration (what a doctor could have kept). */
async function rebuildOld() {
  const { openShare, rebuildEmergencyKey, emergencyKeyId } = await import("../../src/emergency/key.ts");
  const config = await readEmergencyConfig(chains.doctor, store, patientAddress(), 1);
  const publicKeys = emergencyPublicKeys(config.shares);
  const logs = await lc.publicClient.getContractEvents({ ...chains.doctor.emergencyAccess, eventName: "EmergencyApproved", args: { patient: patientAddress(), doctor: doctorAddress() }, fromBlock: 0n });
  const binding = { chainId: lc.deployment.chainId, emergencyAccess: chains.doctor.emergencyAccess.address, patient: patientAddress(), keyId: emergencyKeyId(publicKeys), recipient: doctorAddress(), round: 1 };
  const shares = await Promise.all(logs.map((l) => openShare(hexToBytes(l.args.share!), identities.doctor, binding)));
  return rebuildEmergencyKey(shares, 2, publicKeys);
}
