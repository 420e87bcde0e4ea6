/**
 * The write and read workflows end to end: a real Hardhat node with the contracts, the real local
 * gateway on loopback with its disk store, and the library's own crypto. No mocks.
 */
import assert from "node:assert/strict";
import { mkdtemp, readFile, rm, writeFile, readdir } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import type { Hex } from "viem";
import { CaduceusChain } from "../../src/chain/client.ts";
import { deriveIdentity, type EncryptionIdentity } from "../../src/crypto/identity.ts";
import { collectBytes } from "../../src/crypto/byte-source.ts";
import { sensitiveStrings, splitBundle } from "../../src/fhir/index.ts";
import { openRecord } from "../../src/records/open.ts";
import { prepareRecord, registerPrepared, toNewRecord, uploadRecord, type PreparedRecord } from "../../src/records/upload.ts";
import { recordIdOf } from "../../src/chain/records.ts";
import { GatewayContentStore } from "../../src/storage/gateway-client.ts";
import { parseCid } from "../../src/storage/cid.ts";
import { startGateway, type RunningGateway } from "../../src/storage/node/gateway-server.ts";
import { startLocalChain, type LocalChain } from "../helpers/local-chain.ts";
import { assertNothingOnChain } from "../helpers/privacy.ts";

const FIXTURE = new URL("../../../../shared/fixtures/fhir/Cris921_Rath779_d4519c92-d241-b2b2-7360-291d60be699e.json", import.meta.url);
const utf8 = (text: string) => new TextEncoder().encode(text);

let lc: LocalChain;
let gateway: RunningGateway;
let gatewayDir: string;
let store: GatewayContentStore;
let hospital: CaduceusChain;
let patientIdentity: EncryptionIdentity;

before(async () => {
  lc = await startLocalChain();
  gatewayDir = await mkdtemp(join(tmpdir(), "caduceus-gw-"));
  gateway = await startGateway({ dir: gatewayDir, port: 0 });
  store = new GatewayContentStore({ url: gateway.url });
  hospital = lc.as(lc.accounts.hospital);
  patientIdentity = await deriveIdentity(lc.accounts.patient, lc.deployment.chainId);
  await lc.as(lc.accounts.patient).publishKeys(patientIdentity.x25519.publicKey, patientIdentity.xwing.publicKey);
});

after(async () => {
  await gateway?.close();
  await lc?.stop();
  if (gatewayDir) await rm(gatewayDir, { recursive: true, force: true });
});

const patient = () => lc.accounts.patient.address;
const meta = { mediaType: "application/fhir+json" };

async function readAsPatient(recordId: Hex) {
  const opened = await openRecord({ chain: lc.as(lc.accounts.patient), store, recordId, reader: patient(), keys: patientIdentity });
  return { ...opened, bytes: await collectBytes(opened.body) };
}

describe("write workflow", () => {
  it("encrypts, stores, wraps to the patient and registers; the patient reads back the same bytes", async () => {
    const body = utf8(JSON.stringify({ resourceType: "Bundle", type: "collection", entry: [] }));
    const result = await uploadRecord({ chain: hospital, store, patient: patient(), body: [body], meta, category: 0 });
    assert.equal(result.created, true);
    assert.equal(result.recordId, result.prepared.recordId);
    assert.equal(await store.has(result.prepared.cid), true, "stored before registration");

    const opened = await readAsPatient(result.recordId);
    assert.deepEqual(opened.bytes, body);
    assert.equal(opened.meta.mediaType, "application/fhir+json");
    assert.equal(opened.record.provider, lc.accounts.hospital.address);
    assert.equal(opened.record.category, 0);
    // The default envelope suite is the hybrid X-Wing one: the patient published a PQ key.
    assert.equal(opened.record.envelope.slice(0, 4), "0x02");
  });

  it("is idempotent: registering the same prepared record again returns the id with created=false", async () => {
    const prepared = await prepareRecord({ chain: hospital, store, patient: patient(), body: [utf8("twice")], meta, category: 1 });
    const countBefore = await hospital.recordCount(patient());
    const [first] = await registerPrepared(hospital, [prepared]);
    const [second] = await registerPrepared(hospital, [prepared]);
    assert.deepEqual(first, { recordId: prepared.recordId, created: true });
    assert.deepEqual(second, { recordId: prepared.recordId, created: false });
    assert.equal(await hospital.recordCount(patient()), countBefore + 1);
  });

  it("completes on retry after the transaction failed, without a duplicate", async () => {
    const prepared = await prepareRecord({ chain: hospital, store, patient: patient(), body: [utf8("retry")], meta, category: 1 });
    const countBefore = await hospital.recordCount(patient());
    const governance = lc.as(lc.accounts.governance);
    const suspend = (fn: "suspendHospital" | "reinstateHospital") =>
      governance.walletClient!.writeContract({ ...governance.consortium, functionName: fn, args: [lc.accounts.hospital.address], chain: null });
    await lc.publicClient.waitForTransactionReceipt({ hash: await suspend("suspendHospital") });
    await assert.rejects(registerPrepared(hospital, [prepared]), { code: "REVERT_RecordRegistryHospitalSuspended" });
    assert.equal(await hospital.exists(prepared.recordId), false);
    await lc.publicClient.waitForTransactionReceipt({ hash: await suspend("reinstateHospital") });
    const [result] = await registerPrepared(hospital, [prepared]);
    assert.equal(result.created, true);
    assert.equal(await hospital.recordCount(patient()), countBefore + 1);
  });

  it("registers nothing when storage is unreachable", async () => {
    const countBefore = await hospital.recordCount(patient());
    const down = new GatewayContentStore({ url: "http://127.0.0.1:9" });
    await assert.rejects(
      uploadRecord({ chain: hospital, store: down, patient: patient(), body: [utf8("lost")], meta, category: 1 }),
      { code: "STORAGE_UNAVAILABLE" },
    );
    assert.equal(await hospital.recordCount(patient()), countBefore);
  });

  it("refuses a patient without a published key before storing anything", async () => {
    const blocksBefore = await countBlocks();
    await assert.rejects(
      uploadRecord({ chain: hospital, store, patient: lc.accounts.otherPatient.address, body: [utf8("no key")], meta, category: 1 }),
      { code: "KEY_NOT_PUBLISHED" },
    );
    assert.equal(await countBlocks(), blocksBefore);
  });

  it("registers through a relayer with the hospital's EIP-712 signature", async () => {
    const relayer = lc.as(lc.accounts.relayer);
    const result = await uploadRecord({
      chain: hospital,
      store,
      patient: patient(),
      body: [utf8("relayed")],
      meta,
      category: 2,
      mode: { kind: "relayed", relayer },
    });
    const record = await hospital.getRecord(result.recordId);
    assert.equal(record.provider, lc.accounts.hospital.address);
    const log = await lc.publicClient.getContractEvents({ ...hospital.registry, eventName: "RecordRegistered", args: { recordId: result.recordId } });
    const tx = await lc.publicClient.getTransaction({ hash: log[0].transactionHash });
    assert.equal(tx.from.toLowerCase(), lc.accounts.relayer.address.toLowerCase(), "the relayer paid the gas");
  });

  it("amends: the new version supersedes the old one and opens with its own envelope binding", async () => {
    const v1 = await uploadRecord({ chain: hospital, store, patient: patient(), body: [utf8("v1")], meta, category: 1 });
    const v2 = await uploadRecord({ chain: hospital, store, patient: patient(), body: [utf8("v2")], meta, category: 1, previousId: v1.recordId });
    assert.equal((await hospital.getRecord(v1.recordId)).nextVersion, v2.recordId);
    assert.deepEqual((await readAsPatient(v2.recordId)).bytes, utf8("v2"));
    assert.deepEqual((await readAsPatient(v1.recordId)).bytes, utf8("v1"), "history stays readable");
  });
});

describe("record ids and retries", () => {
  it("computes the record id as the registry does: recordIdOf(writer, patient, cidDigest)", async () => {
    const prepared = await prepareRecord({ chain: hospital, store, patient: patient(), body: [utf8("id")], meta, category: 1 });
    assert.equal(prepared.writer, lc.accounts.hospital.address);
    assert.equal(prepared.recordId, recordIdOf(prepared.writer, prepared.patient, prepared.cidDigest));
    const onChain = await lc.publicClient.readContract({
      ...hospital.registry,
      functionName: "recordIdOf",
      args: [prepared.writer, prepared.patient, prepared.cidDigest],
    });
    assert.equal(onChain, prepared.recordId);
    const [result] = await registerPrepared(hospital, [prepared]);
    assert.equal(result.recordId, prepared.recordId);
    assert.equal((await hospital.getRecord(prepared.recordId)).cidDigest, prepared.cidDigest);
  });

  it("a stranger front-running with registerOwn for the same CID digest does not block the hospital's upload", async () => {
    const prepared = await prepareRecord({ chain: hospital, store, patient: patient(), body: [utf8("front-run")], meta, category: 1 });
    const stranger = lc.as(lc.accounts.otherPatient);
    await stranger.registerOwn({ ...toNewRecord(prepared), patient: lc.accounts.otherPatient.address });
    const [result] = await registerPrepared(hospital, [prepared]);
    assert.deepEqual(result, { recordId: prepared.recordId, created: true });
    assert.equal((await hospital.getRecord(prepared.recordId)).provider, lc.accounts.hospital.address);
  });

  for (const [field, change] of [
    ["envelope", (p: PreparedRecord) => ({ ...p, envelope: `${p.envelope.slice(0, -2)}00` as Hex })],
    ["category", (p: PreparedRecord) => ({ ...p, category: p.category + 1 })],
  ] as const) {
    it(`reports a record with the same id but another ${field} as a conflict, not as already registered`, async () => {
      const prepared = await prepareRecord({ chain: hospital, store, patient: patient(), body: [utf8(`conflict-${field}`)], meta, category: 1 });
      // The same writer registered this ciphertext for this patient, with other fields.
      await hospital.register(toNewRecord(change(prepared)));
      await assert.rejects(registerPrepared(hospital, [prepared]), (error: { code: string; fields: string[]; message: string }) => {
        assert.equal(error.code, "RECORD_CONFLICT");
        assert.deepEqual(error.fields, [field]);
        assert.match(error.message, new RegExp(`its ${field} differ`));
        return true;
      });
    });
  }

  it("refuses to register a record prepared for another writer", async () => {
    const prepared = await prepareRecord({ chain: hospital, store, patient: patient(), body: [utf8("other writer")], meta, category: 1 });
    await assert.rejects(registerPrepared(lc.as(lc.accounts.relayer), [prepared]), { code: "WRONG_WRITER" });
    assert.equal(await hospital.exists(prepared.recordId), false);
  });

  it("voids a signature handed to a relayer once the hospital invalidates its signatures", async () => {
    const prepared = await prepareRecord({ chain: hospital, store, patient: patient(), body: [utf8("cancelled")], meta, category: 1 });
    const latest = await lc.publicClient.getBlock();
    const signature = await hospital.signRegistration(toNewRecord(prepared), latest.timestamp + 3600n);
    const { nonce } = await hospital.invalidateSignatures();
    assert.equal(
      await lc.publicClient.readContract({ ...hospital.registry, functionName: "nonces", args: [lc.accounts.hospital.address] }),
      nonce,
    );
    await assert.rejects(
      lc.as(lc.accounts.relayer).registerWithSig(toNewRecord(prepared), lc.accounts.hospital.address, latest.timestamp + 3600n, signature),
      { code: "REVERT_RecordRegistryInvalidSignature" },
    );
  });
});

describe("read workflow", () => {
  it("says a record that does not exist is not found", async () => {
    const missing = `0x${"ab".repeat(32)}` as Hex;
    await assert.rejects(readAsPatient(missing), { code: "RECORD_NOT_FOUND" });
  });

  it("refuses a reader who holds no envelope", async () => {
    const { recordId } = await uploadRecord({ chain: hospital, store, patient: patient(), body: [utf8("mine")], meta, category: 1 });
    const stranger = await deriveIdentity(lc.accounts.stranger, lc.deployment.chainId);
    await assert.rejects(
      openRecord({ chain: lc.as(lc.accounts.stranger), store, recordId, reader: lc.accounts.stranger.address, keys: stranger }),
      { code: "NOT_A_RECIPIENT" },
    );
  });

  it("detects stored ciphertext that no longer matches the chain", async () => {
    const { recordId, prepared } = await uploadRecord({ chain: hospital, store, patient: patient(), body: [utf8("tamper me")], meta, category: 1 });
    const file = gateway.blockstore.pathOf(parseCid(prepared.cid));
    const bytes = await readFile(file);
    bytes[bytes.length - 1] ^= 1;
    await writeFile(file, bytes);
    await assert.rejects(readAsPatient(recordId), { code: "CONTENT_MISMATCH" });
  });

  it("says the stored ciphertext is missing, and the store unreachable", async () => {
    const { recordId, prepared } = await uploadRecord({ chain: hospital, store, patient: patient(), body: [utf8("gone")], meta, category: 1 });
    await rm(gateway.blockstore.pathOf(parseCid(prepared.cid)));
    await assert.rejects(readAsPatient(recordId), { code: "CONTENT_NOT_FOUND" });
    const down = new GatewayContentStore({ url: "http://127.0.0.1:9" });
    await assert.rejects(
      openRecord({ chain: lc.as(lc.accounts.patient), store: down, recordId, reader: patient(), keys: patientIdentity }).then((o) => collectBytes(o.body)),
      { code: "STORAGE_UNAVAILABLE" },
    );
  });

  it("refuses a wallet on another network", async () => {
    const elsewhere = new CaduceusChain({ ...lc.deployment, chainId: 11155111 }, lc.publicClient, lc.as(lc.accounts.hospital).walletClient);
    await assert.rejects(elsewhere.assertNetwork(), { code: "WRONG_NETWORK" });
    await assert.rejects(elsewhere.publishKeys(new Uint8Array(32).fill(1)), { code: "WRONG_NETWORK" });
  });
});

describe("privacy", () => {
  it("puts no fixture plaintext on-chain: no name, identifier or address in any transaction or event", async () => {
    const bundle = await readFile(FIXTURE);
    const drafts = splitBundle(bundle);
    const prepared = [];
    for (const d of drafts) {
      prepared.push(await prepareRecord({ chain: hospital, store, patient: patient(), body: [d.bytes], meta: { mediaType: d.mediaType }, category: d.category }));
    }
    await registerPrepared(hospital, prepared);
    // Every record of the bundle decrypts back to exactly what went in.
    for (const [i, p] of prepared.entries()) assert.deepEqual((await readAsPatient(p.recordId)).bytes, drafts[i].bytes);

    const secrets = sensitiveStrings(bundle);
    assert.ok(secrets.length > 5, "the fixture has identifying strings to look for");
    await assertNothingOnChain(lc.publicClient, secrets);
  });
});

async function countBlocks(): Promise<number> {
  const dir = join(gatewayDir, "blocks");
  const shards = await readdir(dir).catch(() => [] as string[]);
  let n = 0;
  for (const shard of shards) n += (await readdir(join(dir, shard))).length;
  return n;
}
