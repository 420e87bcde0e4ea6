/**
 * The real `caduceus` CLI, spawned as a process, against a real Hardhat node and the real local
 * gateway: keys, the whole FHIR fixture set uploaded and read back, resume without duplicates,
 * audits, exit codes, and keys never printed.
 */
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import type { Hex } from "viem";
import { collectBytes } from "../../src/crypto/byte-source.ts";
import { deriveIdentity } from "../../src/crypto/identity.ts";
import { joinRecords, sensitiveStrings, splitBundle } from "../../src/fhir/index.ts";
import { openRecord } from "../../src/records/open.ts";
import { parseCid } from "../../src/storage/cid.ts";
import { GatewayContentStore } from "../../src/storage/gateway-client.ts";
import { startGateway, type RunningGateway } from "../../src/storage/node/gateway-server.ts";
import { startLocalChain, type LocalChain } from "../helpers/local-chain.ts";

const MAIN = fileURLToPath(new URL("../../src/cli/main.ts", import.meta.url));
// Resolved here: the CLI runs in a temp directory, where a bare "tsx" would not resolve.
const TSX = import.meta.resolve("tsx");
const FIXTURES = fileURLToPath(new URL("../../../../shared/fixtures/fhir/", import.meta.url));

let lc: LocalChain;
let gateway: RunningGateway;
let dir: string;
let deploymentsFile: string;
let bundles: string[];

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function cli(args: string[], env: Record<string, string> = {}): Promise<Run> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ["--import", TSX, MAIN, "--deployments", deploymentsFile, ...args], {
      cwd: dir,
      env: { ...process.env, CADUCEUS_PRIVATE_KEY: "", CADUCEUS_KEYSTORE_PASSWORD: "", ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (b) => (stdout += b));
    child.stderr.on("data", (b) => (stderr += b));
    child.once("exit", (code) => resolve({ code, stdout, stderr }));
  });
}

const as = (role: keyof LocalChain["privateKeys"]) => ({ CADUCEUS_PRIVATE_KEY: lc.privateKeys[role] });
const json = (run: Run) => JSON.parse(run.stdout) as Record<string, unknown>;

before(async () => {
  lc = await startLocalChain();
  dir = await mkdtemp(join(tmpdir(), "caduceus-cli-"));
  gateway = await startGateway({ dir: join(dir, "store"), port: 0 });
  deploymentsFile = join(dir, "deployment.json");
  await writeFile(deploymentsFile, JSON.stringify({ ...lc.deployment, services: { gateway: gateway.url } }));
  bundles = (await readdir(FIXTURES)).filter((f) => f.endsWith(".json") && !/Information/.test(f)).map((f) => join(FIXTURES, f));
});

after(async () => {
  await gateway?.close();
  await lc?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe("caduceus CLI", () => {
  it("prints help with exit 0 and refuses bad usage with exit 2", async () => {
    const help = await cli(["--help"]);
    assert.equal(help.code, 0);
    assert.match(help.stdout, /records upload\|list\|get/);
    assert.match((await cli(["records", "--help"])).stdout, /--patient <address>/);
    assert.equal((await cli(["frobnicate"])).code, 2);
    assert.equal((await cli(["records", "upload", "x.json"], as("hospital"))).code, 2, "missing --patient");
    assert.equal((await cli(["records", "list", "--patient", "0x1234"])).code, 2, "not an address");
    assert.equal((await cli(["--bogus-flag"])).code, 2);
  });

  it("keys: init writes an encrypted keystore, publish is idempotent, show reads them back", async () => {
    const keystore = join(dir, "operator.json");
    const init = await cli(["keys", "init", "--keystore", keystore, "--json"], { CADUCEUS_KEYSTORE_PASSWORD: "correct horse battery" });
    assert.equal(init.code, 0, init.stderr);
    const { address } = json(init) as { address: string };
    const file = JSON.parse(await readFile(keystore, "utf8")) as { crypto?: unknown; Crypto?: unknown };
    assert.ok(file.crypto ?? file.Crypto, "Web3 Secret Storage format");
    const wrong = await cli(["keys", "show", "--keystore", keystore], { CADUCEUS_KEYSTORE_PASSWORD: "wrong password!" });
    assert.equal(wrong.code, 2);
    assert.match(wrong.stderr, /wrong password/);
    const unpublished = await cli(["keys", "show", address]);
    assert.equal(unpublished.code, 3);
    assert.match(unpublished.stderr, /has not published an encryption key/);

    const first = await cli(["keys", "publish", "--json"], as("patient"));
    assert.equal(first.code, 0, first.stderr);
    assert.equal(json(first).published, true);
    const again = await cli(["keys", "publish", "--json"], as("patient"));
    assert.equal(json(again).published, false);
    const show = await cli(["keys", "show", lc.accounts.patient.address, "--json"]);
    assert.equal(json(show).hybrid, true);
    assert.equal(json(show).version, 1);
  });

  it("uploads the whole FHIR fixture set, which reads back identical, resource by resource", { timeout: 300_000 }, async () => {
    const patient = lc.accounts.patient.address;
    const upload = await cli(["records", "upload", "--patient", patient, ...bundles, "--json"], as("hospital"));
    assert.equal(upload.code, 0, upload.stderr);
    const result = json(upload) as { records: Array<{ recordId: Hex; created: boolean }>; created: number };
    const expected = await Promise.all(bundles.map(async (b) => splitBundle(await readFile(b))));
    assert.equal(result.records.length, expected.flat().length);
    assert.equal(result.created, result.records.length);

    const chain = lc.as(lc.accounts.patient);
    assert.equal(await chain.recordCount(patient), result.records.length);
    const list = await cli(["records", "list", "--patient", patient, "--json"]);
    assert.equal((json(list) as { count: number }).count, result.records.length);

    // Decrypt every record as the patient and re-join per bundle: exactly the input resources.
    const store = new GatewayContentStore({ url: gateway.url });
    const keys = await deriveIdentity(lc.accounts.patient, lc.deployment.chainId);
    let next = 0;
    for (const [i, bundle] of bundles.entries()) {
      const decrypted: Uint8Array[] = [];
      for (const _ of expected[i]) {
        const opened = await openRecord({ chain, store, recordId: result.records[next++].recordId, reader: patient, keys });
        decrypted.push(await collectBytes(opened.body));
      }
      const original = JSON.parse(await readFile(bundle, "utf8")) as { entry: Array<{ fullUrl: string; resource: unknown }> };
      const joined = joinRecords(decrypted);
      const byUrl = (entries: Array<{ fullUrl?: string; resource?: unknown }>) =>
        new Map(entries.map((e) => [e.fullUrl, e.resource]));
      assert.deepEqual(byUrl(joined.entry ?? []), byUrl(original.entry), `bundle ${i + 1} round trip`);
    }

    // And through the CLI itself, as the patient: the file appears only once verified.
    const out = join(dir, "record.json");
    const get = await cli(["records", "get", result.records[0].recordId, "--out", out, "--json"], as("patient"));
    assert.equal(get.code, 0, get.stderr);
    assert.deepEqual(new Uint8Array(await readFile(out)), expected[0][0].bytes);
    const notMine = await cli(["records", "get", result.records[0].recordId, "--out", join(dir, "x.json")], as("stranger"));
    assert.equal(notMine.code, 6);
    assert.match(notMine.stderr, /holds no key envelope/);
  });

  it("amends a record: the hospital's correction becomes version 2, both versions read back, wrong amendments refused", async () => {
    const patient = lc.accounts.patient.address;
    const pdf = (text: string) => Buffer.from(`%PDF-1.4\n% ${text}\n%%EOF\n`);
    const [first, second] = [join(dir, "letter.pdf"), join(dir, "letter-corrected.pdf")];
    await writeFile(first, pdf("discharge letter, wrong dose"));
    await writeFile(second, pdf("discharge letter, corrected dose"));
    const upload = await cli(["records", "upload", "--patient", patient, first, "--journal", join(dir, "amend.jsonl"), "--json"], as("hospital"));
    assert.equal(upload.code, 0, upload.stderr);
    const original = (json(upload) as { records: Array<{ recordId: Hex }> }).records[0]!.recordId;

    const notAuthor = await cli(["records", "amend", original, second], as("stranger"));
    assert.equal(notAuthor.code, 6);
    assert.match(notAuthor.stderr, /did not write record .* and may not amend it/);
    const several = await cli(["records", "amend", original, bundles[0]!], as("hospital"));
    assert.equal(several.code, 2);
    assert.match(several.stderr, /An amendment replaces one record, but .* holds \d+/);
    const unknown = await cli(["records", "amend", `0x${"ab".repeat(32)}`, second], as("hospital"));
    assert.equal(unknown.code, 3);

    const amended = await cli(["records", "amend", original, second, "--json"], as("hospital"));
    assert.equal(amended.code, 0, amended.stderr);
    const result = json(amended) as { previousId: Hex; recordId: Hex; version: number; category: string };
    assert.deepEqual([result.previousId, result.version, result.category], [original, 2, "document"]);
    const chain = lc.as(lc.accounts.patient);
    assert.equal((await chain.getRecord(original)).nextVersion, result.recordId);
    assert.equal((await chain.getRecord(result.recordId)).previousVersion, original);

    for (const [id, file, expected] of [[result.recordId, "v2.pdf", second], [original, "v1.pdf", first]] as const) {
      const get = await cli(["records", "get", id, "--out", join(dir, file)], as("patient"));
      assert.equal(get.code, 0, get.stderr);
      assert.deepEqual(await readFile(join(dir, file)), await readFile(expected));
    }
    const again = await cli(["records", "amend", original, second], as("hospital"));
    assert.equal(again.code, 6);
    assert.match(again.stderr, /was already amended by 0x[0-9a-f]{64}; amend the latest version/);
  });

  it("resumes an interrupted upload from the journal without duplicates", async () => {
    const patient = lc.accounts.patient.address;
    const bundle = bundles[0];
    const journal = join(dir, "resume.jsonl");
    const countBefore = await lc.as(lc.accounts.patient).recordCount(patient);
    // Interrupt after storage: the hospital is suspended, so registration fails.
    const governance = lc.as(lc.accounts.governance);
    const setSuspended = async (fn: "suspendHospital" | "reinstateHospital") =>
      lc.publicClient.waitForTransactionReceipt({
        hash: await governance.walletClient!.writeContract({ ...governance.consortium, functionName: fn, args: [lc.accounts.hospital.address], chain: null }),
      });
    // A copy of the bundle: same content under another path makes new records (new keys), as a
    // re-export would; the journal is what prevents duplicates for the *same* source.
    const copy = join(dir, "again.json");
    await writeFile(copy, await readFile(bundle));
    await setSuspended("suspendHospital");
    const failed = await cli(["records", "upload", "--patient", patient, copy, "--journal", journal, "--json"], as("hospital"));
    assert.equal(failed.code, 6);
    assert.match(failed.stderr, /suspended/);
    const journaled = (await readFile(journal, "utf8")).trim().split("\n").length;
    assert.equal(journaled, splitBundle(await readFile(bundle)).length);
    await setSuspended("reinstateHospital");

    const resumed = await cli(["records", "upload", "--patient", patient, copy, "--journal", journal, "--json"], as("hospital"));
    assert.equal(resumed.code, 0, resumed.stderr);
    const r = json(resumed) as { created: number; resumed: number };
    assert.equal(r.resumed, journaled, "nothing re-encrypted");
    assert.equal(r.created, journaled);
    const rerun = json(await cli(["records", "upload", "--patient", patient, copy, "--journal", journal, "--json"], as("hospital"))) as { created: number };
    assert.equal(rerun.created, 0);
    assert.equal(await lc.as(lc.accounts.patient).recordCount(patient), countBefore + journaled);
  });

  it("audits: Intact posted on-chain by the auditor; a tampered block is a Mismatch with exit 4", async () => {
    const patient = lc.accounts.patient.address;
    const [recordId] = await lc.as(lc.accounts.patient).listRecordIds(patient);
    const posted = await cli(["audit", recordId, "--post", "--json"], as("auditor"));
    assert.equal(posted.code, 0, posted.stderr);
    assert.equal(json(posted).outcome, "Intact");
    const audit = await lc.publicClient.readContract({ ...lc.as(lc.accounts.auditor).registry, functionName: "lastAudit", args: [recordId] });
    assert.equal(audit.outcome, 0);
    assert.equal(audit.auditor, lc.accounts.auditor.address);

    const record = await lc.as(lc.accounts.auditor).getRecord(recordId);
    const cid = parseCid(new Uint8Array(Buffer.from(record.cid.slice(2), "hex")));
    const file = gateway.blockstore.pathOf(cid);
    const bytes = await readFile(file);
    bytes[0] ^= 0xff;
    await writeFile(file, bytes);
    const mismatch = await cli(["audit", recordId, "--post", "--json"], as("auditor"));
    assert.equal(mismatch.code, 4);
    assert.equal(json(mismatch).outcome, "Mismatch");

    // The block is repaired and a later audit finds it Intact: the Mismatch stays visible as the worst audit.
    bytes[0] ^= 0xff;
    await writeFile(file, bytes);
    const repaired = await cli(["audit", recordId, "--post", "--json"], as("auditor"));
    assert.equal(repaired.code, 0, repaired.stderr);
    const { onChain } = json(repaired) as { onChain: { last: { outcome: string }; worst: { outcome: string; auditor: string } } };
    assert.equal(onChain.last.outcome, "Intact");
    assert.equal(onChain.worst.outcome, "Mismatch");
    assert.equal(onChain.worst.auditor, lc.accounts.auditor.address);
    const human = await cli(["audit", recordId]);
    assert.match(human.stdout, /worst audit Mismatch by/);
  });

  it("cancels the hospital's outstanding relayed signatures: its nonce moves past them", async () => {
    const read = () => lc.publicClient.readContract({ ...lc.as(lc.accounts.hospital).registry, functionName: "nonces", args: [lc.accounts.hospital.address] });
    const before = await read();
    const run = await cli(["records", "cancel-signatures", "--json"], as("hospital"));
    assert.equal(run.code, 0, run.stderr);
    assert.equal(json(run).nonce, String(before + 65_535n));
    assert.equal(await read(), before + 65_535n);
  });

  it("never prints the account key, on success or failure", async () => {
    const key = lc.privateKeys.hospital.slice(2).toLowerCase();
    const runs = [
      await cli(["keys", "show", lc.accounts.patient.address], as("hospital")),
      await cli(["records", "list", "--patient", lc.accounts.patient.address], as("hospital")),
      await cli(["records", "upload", "--patient", lc.accounts.patient.address, "/nonexistent.json"], as("hospital")),
    ];
    for (const run of runs) assert.equal(`${run.stdout}${run.stderr}`.toLowerCase().includes(key), false);
    assert.equal(runs[2].code, 3, "a missing file is not found");
  });
});

describe("caduceus access", () => {
  it("policy, request, deliver, read, deny, revoke and log, with exit codes", { timeout: 300_000 }, async () => {
    const patient = lc.accounts.patient.address;
    const doctor = lc.accounts.doctor.address;
    assert.equal((await cli(["keys", "publish"], as("doctor"))).code, 0);
    // The last record: the audit test above tampered with the first one's block.
    const ids = await lc.as(lc.accounts.patient).listRecordIds(patient);
    const recordId = ids[ids.length - 1];

    const badPurpose = await cli(["access", "policy", "--grantee", doctor, "--purpose", "SNOOP"], as("patient"));
    assert.equal(badPurpose.code, 2);
    assert.match(badPurpose.stderr, /Unknown purpose "SNOOP"/);

    const policy = await cli(["access", "policy", "--grantee", doctor, "--purpose", "TREAT", "--days", "1", "--id", "care-team", "--json"], as("patient"));
    assert.equal(policy.code, 0, policy.stderr);
    assert.equal(json(policy).version, 1);

    const request = await cli(["access", "request", "--patient", patient, "--id", "care-team", "--purpose", "TREAT", "--json"], as("doctor"));
    assert.equal(request.code, 0, request.stderr);
    assert.equal(json(request).outcome, "Granted");
    const denied = await cli(["access", "request", "--patient", patient, "--id", "care-team", "--purpose", "CAREMGT"], as("doctor"));
    assert.equal(denied.code, 0, "a denial is an answer, not a failure");
    assert.match(denied.stdout, /Denied: the policy does not allow this purpose/);
    const stranger = await cli(["access", "request", "--patient", patient, "--id", "care-team", "--purpose", "TREAT"], as("stranger"));
    assert.notEqual(stranger.code, 0, "a stranger's request is refused and leaves no log entry");
    assert.match(stranger.stderr, /policy is for someone else/);

    const out = join(dir, "shared.json");
    const early = await cli(["access", "read", recordId, "--purpose", "TREAT", "--out", out], as("doctor"));
    assert.equal(early.code, 3);
    assert.match(early.stderr, /has not been delivered yet/);

    const deliver = await cli(["access", "deliver", doctor, "--purpose", "TREAT", "--record", recordId], as("patient"));
    assert.equal(deliver.code, 0, deliver.stderr);
    assert.match(deliver.stdout, /Delivered 1 record key\(s\) to 0x[0-9a-fA-F]{40} for TREAT in 1 transaction/);
    assert.match(deliver.stderr, /\[#{20}\] 100% wrapped 1\/1 keys/, "a progress bar on stderr");
    const read = await cli(["access", "read", recordId, "--purpose", "TREAT", "--out", out, "--json"], as("doctor"));
    assert.equal(read.code, 0, read.stderr);
    const opened = await openRecord({
      chain: lc.as(lc.accounts.patient),
      store: new GatewayContentStore({ url: gateway.url }),
      recordId,
      reader: patient,
      keys: await deriveIdentity(lc.accounts.patient, lc.deployment.chainId),
    });
    assert.deepEqual(new Uint8Array(await readFile(out)), await collectBytes(opened.body), "the doctor reads what the patient reads");

    const revoked = await cli(["access", "revoke", doctor, "--purpose", "TREAT"], as("patient"));
    assert.equal(revoked.code, 0, revoked.stderr);
    assert.match(revoked.stdout, /cannot be taken back/);
    const refused = await cli(["access", "read", recordId, "--purpose", "TREAT", "--out", join(dir, "again.json")], as("doctor"));
    assert.equal(refused.code, 6);
    assert.match(refused.stderr, /holds no grant in force/);

    const log = await cli(["access", "log", "--patient", patient, "--json"]);
    assert.equal(log.code, 0, log.stderr);
    const kinds = (json(log).entries as Array<{ kind: string; outcome?: string }>).map((e) => (e.outcome ? `${e.kind}:${e.outcome}` : e.kind));
    assert.deepEqual(kinds, ["PolicySet", "AccessRequested:Granted", "AccessRequested:Denied", "KeyDelivered", "AccessRevoked"]);
  });
});

describe("caduceus emergency", () => {
  it("contacts, request, approvals, open, status, rotate and close, with exit codes", { timeout: 300_000 }, async () => {
    const patient = lc.accounts.otherPatient.address;
    const doctor = lc.accounts.doctor.address;
    const contacts = (["auditor", "relayer", "stranger"] as const).map((r) => lc.accounts[r].address);
    for (const role of ["otherPatient", "doctor", "auditor", "relayer", "stranger"] as const) {
      assert.equal((await cli(["keys", "publish"], as(role))).code, 0);
    }
    const bundle = bundles.find((b) => b.includes("Cris921")) ?? bundles[0];
    const upload = await cli(["records", "upload", "--patient", patient, bundle, "--json"], as("hospital"));
    assert.equal(upload.code, 0, upload.stderr);
    const recordIds = await lc.as(lc.accounts.otherPatient).listRecordIds(patient);

    const tooHigh = await cli(["emergency", "contacts", "set", contacts.join(","), "--threshold", "4"], as("otherPatient"));
    assert.equal(tooHigh.code, 2);
    assert.match(tooHigh.stderr, /threshold must be between 2 and the number of contacts \(3\)/);
    const set = await cli(["emergency", "contacts", "set", contacts.join(","), "--threshold", "2", "--json"], as("otherPatient"));
    assert.equal(set.code, 0, set.stderr);
    assert.equal(json(set).version, 1);
    assert.equal(json(set).wrapped, recordIds.length);
    const show = await cli(["emergency", "contacts", "show", "--patient", patient, "--json"]);
    assert.equal(show.code, 0, show.stderr);
    assert.deepEqual(json(show).contacts, contacts);

    const badCode = await cli(["emergency", "request", "--patient", patient, "--justification", "BORED"], as("doctor"));
    assert.equal(badCode.code, 2);
    const request = await cli(["emergency", "request", "--patient", patient, "--justification", "unconscious", "--hours", "2", "--json"], as("doctor"));
    assert.equal(request.code, 0, request.stderr);
    assert.equal(json(request).round, 1);
    const out = join(dir, "emergency");
    const early = await cli(["emergency", "open", "--patient", patient, "--out", out], as("doctor"));
    assert.equal(early.code, 6);
    assert.match(early.stderr, /holds no emergency grant in force/);

    const outsider = await cli(["emergency", "approve", "--patient", patient, "--doctor", doctor], as("otherPatient"));
    assert.equal(outsider.code, 6, "the patient is not their own contact");
    const first = await cli(["emergency", "approve", "--patient", patient, "--doctor", doctor], as("auditor"));
    assert.equal(first.code, 0, first.stderr);
    assert.match(first.stdout, /The request is open \(1\/2 approvals\)/);
    const rejected = await cli(["emergency", "reject", "--patient", patient, "--doctor", doctor], as("relayer"));
    assert.equal(rejected.code, 0, rejected.stderr);
    const second = await cli(["emergency", "approve", "--patient", patient, "--doctor", doctor], as("stranger"));
    assert.equal(second.code, 0, second.stderr);
    assert.match(second.stdout, /The request is granted \(2\/2 approvals\)/);

    const opened = await cli(["emergency", "open", "--patient", patient, "--out", out, "--json"], as("doctor"));
    assert.equal(opened.code, 0, opened.stderr);
    const files = json(opened).files as Array<{ recordId: Hex; file: string }>;
    assert.equal(files.length, recordIds.length);
    const keys = await deriveIdentity(lc.accounts.otherPatient, lc.deployment.chainId);
    for (const { recordId, file } of files) {
      const own = await openRecord({ chain: lc.as(lc.accounts.otherPatient), store: new GatewayContentStore({ url: gateway.url }), recordId, reader: patient, keys });
      assert.deepEqual(new Uint8Array(await readFile(file)), await collectBytes(own.body), "the doctor reads what the patient reads");
    }
    const status = await cli(["emergency", "status", "--patient", patient, "--doctor", doctor, "--json"]);
    assert.equal(json(status).status, "Granted");

    const rotated = await cli(["emergency", "rotate", "--json"], as("otherPatient"));
    assert.equal(rotated.code, 0, rotated.stderr);
    assert.equal(json(rotated).version, 2);
    const closed = await cli(["emergency", "close", "--doctor", doctor], as("otherPatient"));
    assert.equal(closed.code, 0, closed.stderr);
    const after = await cli(["emergency", "open", "--patient", patient, "--out", join(dir, "again")], as("doctor"));
    assert.equal(after.code, 6);
  });
});

describe("caduceus study", () => {
  it("create, fund, join, admit, contribute, open, accept, reject, claim and withdraw, with exit codes", { timeout: 300_000 }, async () => {
    const patients = [lc.accounts.patient.address, lc.accounts.otherPatient.address];
    for (const role of ["researcher", "patient", "otherPatient"] as const) assert.equal((await cli(["keys", "publish"], as(role))).code, 0);
    const help = await cli(["study", "--help"]);
    assert.equal(help.code, 0);
    assert.match(help.stdout, /study contribute <id>/);

    const protocol = join(dir, "protocol.txt");
    await writeFile(protocol, "Protocol: immunization response. Ethics approval attached.");
    const terms = ["--protocol", protocol, "--goal", "3", "--reward", "0.5", "--max", "2", "--categories", "immunization,visit", "--days", "7"];
    assert.equal((await cli(["study", "create", ...terms.slice(0, -6)], as("researcher"))).code, 2, "missing --max");
    assert.equal((await cli(["study", "create", ...terms, "--protocol", join(dir, "none.txt")], as("researcher"))).code, 3, "no protocol file");
    const notResearcher = await cli(["study", "create", ...terms], as("stranger"));
    assert.equal(notResearcher.code, 6);
    assert.match(notResearcher.stderr, /is not a verified researcher/);
    const create = await cli(["study", "create", ...terms, "--json"], as("researcher"));
    assert.equal(create.code, 0, create.stderr);
    const id = String(json(create).studyId);

    assert.equal((await cli(["study", "fund", id, "--amount", "lots"], as("stranger"))).code, 2);
    const fund1 = await cli(["study", "fund", id, "--amount", "1"], as("stranger"));
    assert.equal(fund1.code, 0, fund1.stderr);
    assert.match(fund1.stdout, /raised 1 ETH of 3 ETH\./);
    const fund2 = await cli(["study", "fund", id, "--amount", "2", "--json"], as("relayer"));
    assert.equal(json(fund2).funded, true);
    const show = await cli(["study", "show", id, "--json"]);
    assert.equal(json(show).status, "Funded");
    assert.match((await cli(["study", "list"])).stdout, /raised 3 ETH of 3 ETH \(100%\)/);
    const late = await cli(["study", "fund", id, "--amount", "1"], as("stranger"));
    assert.equal(late.code, 6);
    assert.match(late.stderr, /only a study that is still funding takes money/);
    assert.equal((await cli(["study", "show", "99"])).code, 3, "an unknown study is not found");

    const early = await cli(["study", "contribute", id], as("patient"));
    assert.equal(early.code, 6);
    assert.match(early.stderr, /You have not joined study/);
    for (const role of ["patient", "otherPatient"] as const) {
      const joined = await cli(["study", "join", id], as(role));
      assert.equal(joined.code, 0, joined.stderr);
      assert.match(joined.stdout, /de-identified copies of your records in its categories/);
    }
    const admit = await cli(["study", "admit", id, "--json"], as("researcher"));
    assert.equal(admit.code, 0, admit.stderr);
    assert.deepEqual((json(admit).results as Array<{ outcome: string }>).map((r) => r.outcome), ["Granted", "Granted"]);
    for (const role of ["patient", "otherPatient"] as const) {
      const contributed = await cli(["study", "contribute", id, "--json"], as(role));
      assert.equal(contributed.code, 0, contributed.stderr);
    }
    const listed = await cli(["study", "contributions", id, "--json"]);
    assert.deepEqual((json(listed).contributions as Array<{ patient: string; status: string }>).map((c) => [c.patient, c.status]), patients.map((p) => [p, "Submitted"]));

    const identifying = (await Promise.all(bundles.map(async (b) => sensitiveStrings(await readFile(b))))).flat();
    for (const patient of patients) {
      const out = join(dir, `contribution-${patient}.json`);
      const opened = await cli(["study", "open", id, "--patient", patient, "--out", out], as("researcher"));
      assert.equal(opened.code, 0, opened.stderr);
      const text = await readFile(out, "utf8");
      for (const secret of identifying) assert.ok(!text.includes(secret), `the researcher's copy leaks "${secret}"`);
    }

    assert.equal((await cli(["study", "reject", id, "--patient", patients[1], "--reason", "BORING"], as("researcher"))).code, 2);
    const notTheirs = await cli(["study", "accept", id, "--patient", patients[0]], as("stranger"));
    assert.equal(notTheirs.code, 6);
    for (const patient of patients) {
      const accepted = await cli(["study", "accept", id, "--patient", patient], as("researcher"));
      assert.equal(accepted.code, 0, accepted.stderr);
      assert.match(accepted.stdout, /0\.5 ETH accrued to them/);
    }
    const claim = await cli(["study", "claim", id, "--json"], as("patient"));
    assert.equal(claim.code, 0, claim.stderr);
    assert.equal(json(claim).amount, "500000000000000000");
    const twice = await cli(["study", "claim", id], as("patient"));
    assert.equal(twice.code, 6);
    assert.match(twice.stderr, /no unclaimed reward/);
    const tooEarly = await cli(["study", "withdraw", id], as("researcher"));
    assert.equal(tooEarly.code, 6);
    assert.match(tooEarly.stderr, /stays in until its funding deadline/);
    await lc.publicClient.request({ method: "evm_increaseTime" as never, params: [7 * 86_400 + 1] as never });
    await lc.publicClient.request({ method: "evm_mine" as never, params: [] as never });
    assert.equal((await cli(["study", "withdraw", id, "--to", "0x1234"], as("researcher"))).code, 2, "--to must be an address");
    const vault = lc.accounts.stranger.address;
    const withdrawn = await cli(["study", "withdraw", id, "--to", vault], as("researcher"));
    assert.equal(withdrawn.code, 0, withdrawn.stderr);
    assert.match(withdrawn.stdout, new RegExp(`Withdrew 2 ETH from study ${id} to ${vault}\\.`));
    const refund = await cli(["study", "refund", id], as("stranger"));
    assert.equal(refund.code, 6);
    assert.match(refund.stderr, /refunds are paid only by failed or cancelled studies/);
  });
});

describe("caduceus staff", () => {
  it("the hospital proposes, the account accepts, the hospital lists and removes; nothing without acceptance", { timeout: 120_000 }, async () => {
    const hospital = lc.accounts.hospital.address;
    const stranger = lc.accounts.stranger.address;
    const proposed = await cli(["staff", "propose", stranger], as("hospital"));
    assert.equal(proposed.code, 0, proposed.stderr);
    assert.match(proposed.stdout, /join when they run `caduceus staff accept <hospital>`/);
    const pending = json(await cli(["staff", "list", "--json"], as("hospital")));
    assert.deepEqual((pending.proposals as Array<{ account: string }>).map((p) => p.account), [stranger]);
    assert.ok(!(pending.staff as Array<{ account: string }>).some((s) => s.account === stranger), "a proposal is not an appointment");

    const byOther = await cli(["staff", "accept", hospital], as("researcher"));
    assert.equal(byOther.code, 6, "only the proposed account can accept");
    assert.match(byOther.stderr, /no pending staff proposal/);
    const accepted = await cli(["staff", "accept", hospital], as("stranger"));
    assert.equal(accepted.code, 0, accepted.stderr);
    const listed = await cli(["staff", "list", hospital]);
    assert.match(listed.stdout, new RegExp(`staff\\s+${stranger}`));

    assert.equal((await cli(["staff", "remove", stranger], as("hospital"))).code, 0);
    assert.doesNotMatch((await cli(["staff", "list", hospital])).stdout, new RegExp(stranger));
    assert.equal((await cli(["staff", "propose", "not-an-address"], as("hospital"))).code, 2);
  });
});
