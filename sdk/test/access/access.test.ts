/**
 * Access control end to end on the fixtures: a real Hardhat node with the contracts, the real local
 * gateway, the library's crypto. A hospital registers a patient's FHIR records; the patient grants
 * a doctor TREAT for 24 hours and delivers the keys; the doctor decrypts; a researcher's anonymized
 * HRESCH grant yields de-identified copies only; after revocation the doctor is refused and cannot
 * read a new version; nothing on-chain holds fixture plaintext.
 */
import assert from "node:assert/strict";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import type { Hex } from "viem";
import {
  accessLog,
  approve,
  canAccess,
  currentPolicy,
  deliverKeys,
  grantOf,
  openDelivered,
  policyIdFromLabel,
  policyTerms,
  relayPolicy,
  requestAccess,
  revoke,
  setPolicy,
  signPolicy,
  type Deidentifier,
} from "../../src/access/index.ts";
import { Role } from "../../src/chain/roles.ts";
import type { CaduceusChain } from "../../src/chain/client.ts";
import { collectBytes } from "../../src/crypto/byte-source.ts";
import { deriveIdentity, type EncryptionIdentity } from "../../src/crypto/identity.ts";
import { deidentify } from "../../src/fhir/deidentify.ts";
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
let recordIds: Hex[];
let drafts: ReturnType<typeof splitBundle>;
const identities = {} as Record<"patient" | "doctor" | "researcher", EncryptionIdentity>;
let patient: CaduceusChain;
let doctor: CaduceusChain;
let researcher: CaduceusChain;

/** The de-identifier the patient's client uses for anonymized grants (a fixed per-grant secret here). */
const deidentifyRecord: Deidentifier = (plaintext) =>
  new TextEncoder().encode(JSON.stringify(deidentify(JSON.parse(new TextDecoder().decode(plaintext)), { level: "deidentified", secret: new Uint8Array(32).fill(7), dateShiftDays: -17 })));

before(async () => {
  lc = await startLocalChain();
  gatewayDir = await mkdtemp(join(tmpdir(), "caduceus-access-"));
  gateway = await startGateway({ dir: gatewayDir, port: 0 });
  store = new GatewayContentStore({ url: gateway.url });
  patient = lc.as(lc.accounts.patient);
  doctor = lc.as(lc.accounts.doctor);
  researcher = lc.as(lc.accounts.stranger);
  // The stranger account becomes a verified researcher.
  const { consortiumAbi } = await import("../../src/chain/abis.ts");
  const governance = lc.as(lc.accounts.governance);
  await governance.write({ address: governance.consortium.address, abi: consortiumAbi }, "grantRole", [Role.RESEARCHER, lc.accounts.stranger.address]);
  for (const [name, account] of [["patient", lc.accounts.patient], ["doctor", lc.accounts.doctor], ["researcher", lc.accounts.stranger]] as const) {
    identities[name] = await deriveIdentity(account, lc.deployment.chainId);
    await lc.as(account).publishKeys(identities[name].x25519.publicKey, identities[name].xwing.publicKey);
  }
  bundle = new Uint8Array(await readFile(FIXTURE));
  drafts = splitBundle(bundle);
  const hospital = lc.as(lc.accounts.hospital);
  const prepared = [];
  for (const draft of drafts.slice(0, 4)) {
    prepared.push(
      await prepareRecord({ chain: hospital, store, patient: lc.accounts.patient.address, body: [draft.bytes], meta: { mediaType: draft.mediaType }, category: draft.category }),
    );
  }
  recordIds = (await registerPrepared(hospital, prepared)).map((r) => r.recordId);
});

after(async () => {
  await gateway?.close();
  await lc?.stop();
  if (gatewayDir) await rm(gatewayDir, { recursive: true, force: true });
});

const now = async () => Number((await lc.publicClient.getBlock()).timestamp);

describe("access control end to end", () => {
  it("a doctor granted TREAT for 24 hours reads exactly what the hospital registered", async () => {
    const policyId = policyIdFromLabel("care-team");
    const terms = policyTerms({ grantee: lc.accounts.doctor.address, purposes: ["TREAT"], validUntil: (await now()) + 24 * HOUR }, await now());
    assert.equal(await setPolicy(patient, policyId, terms), 1);
    assert.deepEqual(await currentPolicy(patient, lc.accounts.patient.address, policyId), { ...terms, version: 1 });

    const result = await requestAccess(doctor, { patient: lc.accounts.patient.address, policyId, purpose: "TREAT" });
    assert.equal(result.outcome, "Granted");
    assert.equal(result.reason, "None");
    assert.equal(result.expiresAt, terms.validUntil);

    // Before delivery the doctor has access but no key.
    await assert.rejects(
      openDelivered({ chain: doctor, store, reader: lc.accounts.doctor.address, keys: identities.doctor, recordId: recordIds[0], purpose: "TREAT" }),
      (e: Error & { code?: string }) => e.code === "KEY_NOT_DELIVERED",
    );
    const progress: number[] = [];
    const hashes = await deliverKeys({
      chain: patient,
      store,
      keys: identities.patient,
      grantee: lc.accounts.doctor.address,
      purpose: "TREAT",
      recordIds,
      onProgress: (done) => progress.push(done),
    });
    assert.equal(hashes.length, 1);
    assert.deepEqual(progress, [1, 2, 3, 4]);
    for (const [i, recordId] of recordIds.entries()) {
      const opened = await openDelivered({ chain: doctor, store, reader: lc.accounts.doctor.address, keys: identities.doctor, recordId, purpose: "TREAT" });
      assert.equal(opened.deidentified, false);
      assert.deepEqual(await collectBytes(opened.body), drafts[i].bytes, `record ${i} round-trips`);
    }
  });

  it("a patient without ETH consents by signature, relayed by the hospital", async () => {
    const policyId = policyIdFromLabel("relayed");
    const terms = policyTerms({ grantee: lc.accounts.doctor.address, purposes: ["CAREMGT"], validUntil: (await now()) + HOUR, autoApprove: false }, await now());
    const signed = await signPolicy(patient, policyId, terms, BigInt((await now()) + 600));
    assert.equal(signed.version, 1);
    assert.equal(await relayPolicy(lc.as(lc.accounts.relayer), signed), 1);
    await assert.rejects(relayPolicy(lc.as(lc.accounts.relayer), signed), (e: Error & { code?: string }) => e.code === "REVERT_ConsentInvalidSignature");
    const pending = await requestAccess(doctor, { patient: lc.accounts.patient.address, policyId, purpose: "CAREMGT" });
    assert.equal(pending.outcome, "Pending");
    await approve(patient, lc.accounts.doctor.address, "CAREMGT");
    assert.equal((await grantOf(patient, lc.accounts.patient.address, lc.accounts.doctor.address, "CAREMGT")).inForce, true);
  });

  it("a researcher's anonymized HRESCH grant yields de-identified copies only", async () => {
    const policyId = policyIdFromLabel("research");
    const terms = policyTerms({ role: "RESEARCHER", purposes: ["HRESCH"], validUntil: (await now()) + 30 * 24 * HOUR, anonymizedOnly: true }, await now());
    await setPolicy(patient, policyId, terms);
    assert.equal((await requestAccess(researcher, { patient: lc.accounts.patient.address, policyId, purpose: "HRESCH" })).outcome, "Granted");
    await assert.rejects(
      deliverKeys({ chain: patient, store, keys: identities.patient, grantee: lc.accounts.stranger.address, purpose: "HRESCH", recordIds }),
      (e: Error & { code?: string }) => e.code === "DEIDENTIFIER_REQUIRED",
    );
    await deliverKeys({ chain: patient, store, keys: identities.patient, grantee: lc.accounts.stranger.address, purpose: "HRESCH", recordIds, deidentify: deidentifyRecord });

    const identifying = sensitiveStrings(bundle);
    assert.ok(identifying.length > 5, "the fixture has identifying strings to look for");
    for (const [i, recordId] of recordIds.entries()) {
      const opened = await openDelivered({ chain: researcher, store, reader: lc.accounts.stranger.address, keys: identities.researcher, recordId, purpose: "HRESCH" });
      assert.equal(opened.deidentified, true);
      const text = new TextDecoder().decode(await collectBytes(opened.body));
      assert.deepEqual(JSON.parse(text), JSON.parse(new TextDecoder().decode(await deidentifyRecord(drafts[i].bytes, { mediaType: drafts[i].mediaType }))));
      for (const secret of identifying) assert.ok(!text.includes(secret), `record ${i} leaks "${secret}"`);
    }
  });

  it("after revocation the doctor is refused, and cannot read a new version", async () => {
    await revoke(patient, lc.accounts.patient.address, lc.accounts.doctor.address, "TREAT");
    assert.equal(await canAccess(doctor, lc.accounts.doctor.address, recordIds[0], "TREAT"), false);
    await assert.rejects(
      openDelivered({ chain: doctor, store, reader: lc.accounts.doctor.address, keys: identities.doctor, recordId: recordIds[0], purpose: "TREAT" }),
      (e: Error & { code?: string }) => e.code === "GRANT_NOT_IN_FORCE",
    );
    // The hospital amends the record: a fresh key the doctor never received.
    const hospital = lc.as(lc.accounts.hospital);
    const amended = await prepareRecord({
      chain: hospital,
      store,
      patient: lc.accounts.patient.address,
      body: [drafts[0].bytes, new TextEncoder().encode(" ")],
      meta: { mediaType: drafts[0].mediaType },
      category: drafts[0].category,
      previousId: recordIds[0],
    });
    await registerPrepared(hospital, [amended]);
    assert.equal(await canAccess(doctor, lc.accounts.doctor.address, amended.recordId, "TREAT"), false);
    await assert.rejects(
      deliverKeys({ chain: patient, store, keys: identities.patient, grantee: lc.accounts.doctor.address, purpose: "TREAT", recordIds: [amended.recordId] }),
      (e: Error & { code?: string }) => e.code === "GRANT_NOT_IN_FORCE",
    );
  });

  it("keeps an access log the patient can read, and no fixture plaintext anywhere on-chain", async () => {
    const log = await accessLog(patient, lc.accounts.patient.address);
    const kinds = log.map((entry) => entry.kind);
    for (const kind of ["PolicySet", "AccessRequested", "AccessDecided", "KeyDelivered", "AccessRevoked"]) assert.ok(kinds.includes(kind as never), `log has ${kind}`);
    assert.equal(log.filter((e) => e.kind === "KeyDelivered").length, recordIds.length * 2);
    const revoked = log.find((e) => e.kind === "AccessRevoked");
    assert.deepEqual(revoked && { grantee: revoked.grantee, purpose: revoked.purpose }, { grantee: lc.accounts.doctor.address, purpose: "TREAT" });

    // Every transaction input and every log of the scenario, decoded as text, holds no identifier.
    await assertNothingOnChain(lc.publicClient, sensitiveStrings(bundle));
  });
});
