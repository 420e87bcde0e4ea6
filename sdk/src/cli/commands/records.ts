import { readFile } from "node:fs/promises";
import { basename, resolve } from "node:path";
import { getAddress, isAddress, isHex, type Address, type Hex } from "viem";
import { CaduceusError } from "../../errors.ts";
import { binaryRecord, detectMediaType, splitBundle, type RecordDraft } from "../../fhir/index.ts";
import { openRecord } from "../../records/open.ts";
import { prepareRecord, registerPrepared, type PreparedRecord } from "../../records/upload.ts";
import type { CliContext } from "../context.ts";
import { writeVerified } from "../files.ts";
import { UsageError } from "../exit-codes.ts";
import { UploadJournal } from "../journal.ts";
import { formatBytes, progressBar, type Output } from "../output.ts";

export const RECORDS_HELP = `caduceus records <upload|amend|list|get|cancel-signatures>

  records upload --patient <address> <file …> [--journal <file>]
      Encrypt, store and register records for a patient (as a hospital). A FHIR R4 bundle (.json)
      becomes one record per encounter plus demographics; any other file (PDF, DICOM, image) is
      one binary record. Registration runs in batches. Interrupted uploads resume from the journal
      (default .caduceus/uploads/<chainId>-<patient>.jsonl) without duplicates.
  records amend <recordId> <file>
      Register <file> as the corrected version of a record your hospital wrote (or, as the
      patient, one you wrote). The old version stays readable; keys delivered for it do not open
      the new one, so deliver again to whoever should read the correction.
  records list --patient <address>
      The patient's records: id, category, provider, time, version state.
  records get <recordId> --out <file>
      Fetch, verify against the chain, decrypt with your key (as the patient) and write <file>.
      The file appears only after the whole record verified.
  records cancel-signatures
      Void every registration your hospital signed for a relayer that nobody submitted yet: its
      signing nonce moves past them (RecordRegistry.invalidateNonces). Sign again afterwards.`;

const CATEGORY_NAMES = ["visit", "lab", "imaging", "medication", "immunization", "document", "other"];
const BATCH = 50;

function parsePatient(value: string | undefined): Address {
  if (!value || !isAddress(value)) throw new UsageError("--patient <address> is required and must be an address.");
  return getAddress(value);
}

async function draftsOf(file: string): Promise<RecordDraft[]> {
  const bytes = await readFile(file).catch((cause: unknown) => {
    throw new CaduceusError("FILE_NOT_FOUND", `Cannot read ${file}.`, { cause });
  });
  const mediaType = detectMediaType(basename(file), bytes.subarray(0, 512));
  if (mediaType === "application/fhir+json" || mediaType === "application/json") {
    return splitBundle(new Uint8Array(bytes));
  }
  return [binaryRecord(new Uint8Array(bytes), mediaType, basename(file))];
}

export async function recordsCommand(
  ctx: CliContext,
  out: Output,
  args: string[],
  flags: { patient?: string; out?: string; journal?: string },
): Promise<void> {
  const [sub, ...rest] = args;
  if (sub === "upload") return upload(ctx, out, rest, parsePatient(flags.patient), flags.journal);
  if (sub === "amend") return amend(ctx, out, rest[0], rest[1]);
  if (sub === "list") return list(ctx, out, parsePatient(flags.patient));
  if (sub === "get") return get(ctx, out, rest[0], flags.out);
  if (sub === "cancel-signatures") return cancelSignatures(ctx, out);
  throw new UsageError(`Unknown records command "${sub ?? ""}".\n\n${RECORDS_HELP}`);
}

async function upload(ctx: CliContext, out: Output, files: string[], patient: Address, journalFile?: string): Promise<void> {
  if (files.length === 0) throw new UsageError("records upload needs at least one file.");
  const chain = await ctx.chain(true);
  await chain.assertNetwork();
  const store = await ctx.store();
  const journal = await UploadJournal.open(journalFile ?? `.caduceus/uploads/${chain.chainId}-${patient.toLowerCase()}.jsonl`);

  const work: Array<{ key: string; draft: RecordDraft }> = [];
  for (const file of files) {
    const drafts = await draftsOf(file);
    drafts.forEach((draft, i) => work.push({ key: UploadJournal.keyOf(resolve(file), i, draft.bytes), draft }));
  }
  const totalBytes = work.reduce((n, w) => n + w.draft.bytes.length, 0);
  const prepared: PreparedRecord[] = [];
  let bytesDone = 0;
  let resumed = 0;
  for (const [i, { key, draft }] of work.entries()) {
    const known = journal.get(key);
    // An entry prepared for another account (or before ids bound the writer) is prepared again.
    if (known && known.writer?.toLowerCase() === chain.account.toLowerCase() && (await store.has(known.cid))) {
      prepared.push(known);
      resumed++;
    } else {
      const p = await prepareRecord({ chain, store, patient, body: [draft.bytes], meta: { mediaType: draft.mediaType, fileName: draft.fileName }, category: draft.category });
      await journal.add(key, p);
      prepared.push(p);
    }
    bytesDone += draft.bytes.length;
    out.progress(`${progressBar(bytesDone, totalBytes)} encrypted and stored ${i + 1}/${work.length} records, ${formatBytes(bytesDone)} of ${formatBytes(totalBytes)}`);
  }
  out.endProgress();

  const results = [];
  for (let i = 0; i < prepared.length; i += BATCH) {
    results.push(...(await registerPrepared(chain, prepared.slice(i, i + BATCH))));
    out.progress(`${progressBar(Math.min(i + BATCH, prepared.length), prepared.length)} registered ${Math.min(i + BATCH, prepared.length)}/${prepared.length} records`);
  }
  out.endProgress();
  const created = results.filter((r) => r.created).length;
  out.result(
    { patient, records: results.map((r, i) => ({ ...r, cid: prepared[i].cid, category: CATEGORY_NAMES[prepared[i].category] })), created, resumed },
    `Uploaded ${results.length} records for ${patient}: ${created} new, ${results.length - created} already registered${resumed ? `, ${resumed} resumed from the journal` : ""}.`,
  );
}

async function cancelSignatures(ctx: CliContext, out: Output): Promise<void> {
  const chain = await ctx.chain(true);
  const { nonce, hash } = await chain.invalidateSignatures();
  out.result(
    { account: chain.account, nonce: nonce.toString(), transaction: hash },
    `Every registration ${chain.account} signed with a nonce below ${nonce} is void (transaction ${hash}).`,
  );
}

async function amend(ctx: CliContext, out: Output, recordId: string | undefined, file: string | undefined): Promise<void> {
  if (!isRecordId(recordId) || !file) {
    throw new UsageError("records amend needs the id of the record it corrects (0x + 64 hex digits) and one file.");
  }
  const chain = await ctx.chain(true);
  await chain.assertNetwork();
  // The contract would refuse these too, but only after the ciphertext was stored: check first.
  const previous = await chain.getRecord(recordId);
  if (previous.superseded) {
    throw new CaduceusError("RECORD_SUPERSEDED", `Record ${recordId} was already amended by ${previous.nextVersion}; amend the latest version.`);
  }
  const author = previous.patientAuthored ? previous.patient : previous.provider;
  if (getAddress(author) !== getAddress(chain.account)) {
    throw new CaduceusError("NOT_RECORD_AUTHOR", `${chain.account} did not write record ${recordId} (${author} did) and may not amend it.`);
  }
  const drafts = await draftsOf(file);
  if (drafts.length !== 1) {
    throw new UsageError(`An amendment replaces one record, but ${file} holds ${drafts.length}; give a file with only the corrected record.`);
  }
  const [draft] = drafts;
  const prepared = await prepareRecord({
    chain,
    store: await ctx.store(),
    patient: previous.patient,
    body: [draft!.bytes],
    meta: { mediaType: draft!.mediaType, fileName: draft!.fileName },
    category: draft!.category,
    previousId: recordId,
  });
  const [result] = await registerPrepared(chain, [prepared]);
  const version = await chain.versionOf(result!.recordId);
  out.result(
    { previousId: recordId, recordId: result!.recordId, version, cid: prepared.cid, category: CATEGORY_NAMES[prepared.category] },
    `Amended ${recordId}: version ${version} is ${result!.recordId}. Deliver its key again to anyone who should read the correction.`,
  );
}

const isRecordId = (value: string | undefined): value is Hex => value !== undefined && isHex(value) && value.length === 66;

async function list(ctx: CliContext, out: Output, patient: Address): Promise<void> {
  const chain = await ctx.chain(false);
  const ids = await chain.listRecordIds(patient);
  const records = [];
  for (const id of ids) {
    const r = await chain.getRecord(id);
    records.push({
      recordId: id,
      category: CATEGORY_NAMES[r.category],
      provider: r.provider,
      registeredAt: new Date(r.registeredAt * 1000).toISOString(),
      patientAuthored: r.patientAuthored,
      superseded: r.superseded,
    });
  }
  const lines = records.map((r) => `${r.recordId}  ${r.category.padEnd(12)} ${r.registeredAt}  ${r.provider}${r.superseded ? "  (superseded)" : ""}`);
  out.result({ patient, count: records.length, records }, [`${records.length} records of ${patient}`, ...lines].join("\n"));
}

async function get(ctx: CliContext, out: Output, recordId: string | undefined, outFile: string | undefined): Promise<void> {
  if (!isRecordId(recordId)) throw new UsageError("records get needs a record id (0x + 64 hex digits).");
  if (!outFile) throw new UsageError("records get needs --out <file>.");
  const chain = await ctx.chain(false);
  const account = await ctx.account();
  const opened = await openRecord({ chain, store: await ctx.store(), recordId, reader: account.address, keys: await ctx.identity() });
  const size = await writeVerified(outFile, opened.body);
  out.result(
    { recordId, out: outFile, size, mediaType: opened.meta.mediaType, fileName: opened.meta.fileName },
    `Wrote ${outFile} (${formatBytes(size)}, ${opened.meta.mediaType}), verified against the chain.`,
  );
}
