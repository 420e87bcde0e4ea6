import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import { getAddress, isAddress, type Address } from "viem";
import { Justification, JUSTIFICATION_TEXT, type JustificationName } from "../../chain/emergency.ts";
import {
  approveEmergency,
  closeEmergency,
  emergencyRequestOf,
  openEmergencyRecord,
  readEmergencyConfig,
  rejectEmergency,
  requestEmergencyAccess,
  rotateEmergencyKey,
  setEmergencyContacts,
  unlockEmergency,
  type SetContactsResult,
} from "../../emergency/index.ts";
import type { CliContext } from "../context.ts";
import { writeVerified } from "../files.ts";
import { UsageError } from "../exit-codes.ts";
import { progressBar, type Output } from "../output.ts";

export const EMERGENCY_HELP = `caduceus emergency <contacts|request|status|approve|reject|open|close|rotate>

As the patient:
  emergency contacts set <address,address,…> --threshold <t>
      Name 2–10 emergency contacts, t of whom (2 ≤ t) must approve a doctor's emergency request.
      Creates a new emergency key, seals one key share to each contact (they need published
      keys), and wraps every record key to the emergency key. Counts after the deployment's
      security delay (none locally).
  emergency rotate
      After an emergency: a new emergency key and shares for the same contacts; every record is
      wrapped again, so shares a doctor received earlier open nothing new.
  emergency close --doctor <address>
      Cancel a doctor's open request or end their emergency access now.
Anyone:
  emergency contacts show [--patient <address>]
  emergency status --patient <address> --doctor <address>
As a doctor of an active hospital:
  emergency request --patient <address> --justification <CODE> [--hours <n>]
      Ask the patient's contacts for emergency access (ETREAT) for n hours (default 4). One
      request per patient per cooldown from all doctors of a hospital; other patients are not held back.
  emergency open --patient <address> --out <directory>
      Once enough contacts approved: rebuild the emergency key from their shares and decrypt
      every record into the directory (files appear only once verified). Any t good shares
      among those posted will do: if one is bad, run it again after another contact approves.
As an emergency contact:
  emergency approve|reject --patient <address> --doctor <address>
      Approve (your key share is sealed to the doctor and posted) or reject the request.
      Approving still works after access is granted, until it ends: the doctor may need your
      share if another contact's was bad. Rejecting works only while the request is open.

Justification codes: ${Object.entries(JUSTIFICATION_TEXT).map(([code, text]) => `${code} (${text})`).join("; ")}.`;

export interface EmergencyFlags {
  patient?: string;
  doctor?: string;
  threshold?: string;
  justification?: string;
  hours?: string;
  out?: string;
}

const address = (value: string | undefined, what: string): Address => {
  if (!value || !isAddress(value)) throw new UsageError(`${what} must be an address.`);
  return getAddress(value);
};

const when = (seconds: number) => new Date(seconds * 1000).toISOString();

export async function emergencyCommand(ctx: CliContext, out: Output, args: string[], flags: EmergencyFlags): Promise<void> {
  const [sub, action, list] = args;
  switch (sub) {
    case "contacts":
      if (action === "set") return setContacts(ctx, out, list, flags);
      if (action === "show") return showContacts(ctx, out, flags);
      throw new UsageError(`Use "emergency contacts set" or "emergency contacts show".\n\n${EMERGENCY_HELP}`);
    case "rotate": {
      const chain = await ctx.chain(true);
      const result = await rotateEmergencyKey({ chain, store: await ctx.store(), keys: await ctx.identity(), onProgress: progress(out) });
      out.endProgress();
      return reportConfig(out, result, "New emergency key and shares for the same contacts");
    }
    case "request":
      return request(ctx, out, flags);
    case "status": {
      const chain = await ctx.chain(false);
      const state = await emergencyRequestOf(chain, address(flags.patient, "--patient"), address(flags.doctor, "--doctor"));
      const text =
        state.status === "None"
          ? "No emergency request from this doctor for this patient."
          : `Round ${state.round}: ${state.status}, ${state.approvals}/${state.threshold} approvals, ${state.rejections} rejection(s)` +
            (state.status === "Granted" ? `; access until ${when(state.durationOrExpiry)}.` : state.status === "Open" ? `; approvals close ${when(state.approveBy)}.` : ".");
      return out.result(state, text);
    }
    case "approve":
    case "reject":
      return vote(ctx, out, sub, flags);
    case "open":
      return openAll(ctx, out, flags);
    case "close": {
      const chain = await ctx.chain(true);
      const doctor = address(flags.doctor, "--doctor");
      const patient = flags.patient ? address(flags.patient, "--patient") : chain.account;
      await closeEmergency(chain, patient, doctor);
      return out.result({ patient, doctor, closed: true }, `Closed ${doctor}'s emergency request or access for ${patient}.`);
    }
    default:
      throw new UsageError(`Unknown emergency command "${sub ?? ""}".\n\n${EMERGENCY_HELP}`);
  }
}

function progress(out: Output) {
  return (step: "shares" | "propose" | "wrap", done: number, total: number) => {
    if (step === "wrap") out.progress(`${progressBar(done, total)} wrapped ${done}/${total} record keys to the emergency key`);
    else out.progress(step === "shares" ? "sealed a key share for each contact" : "contacts recorded on-chain");
  };
}

function reportConfig(out: Output, result: SetContactsResult, what: string): void {
  out.result(
    result,
    `${what}: configuration ${result.version}, shares object ${result.sharesCid}, ${result.wrapped} record key(s) wrapped; in force from ${when(result.activatesAt)}.`,
  );
}

async function setContacts(ctx: CliContext, out: Output, list: string | undefined, flags: EmergencyFlags): Promise<void> {
  if (!list) throw new UsageError("emergency contacts set needs a comma-separated list of contact addresses.");
  const contacts = list.split(",").map((a) => address(a.trim(), `Contact "${a}"`));
  const threshold = Number(flags.threshold);
  if (!Number.isInteger(threshold)) throw new UsageError("--threshold <t> is required: how many contacts must approve (at least 2).");
  const chain = await ctx.chain(true);
  const result = await setEmergencyContacts({ chain, store: await ctx.store(), keys: await ctx.identity(), contacts, threshold, onProgress: progress(out) });
  out.endProgress();
  reportConfig(out, result, `Emergency contacts set (${threshold} of ${contacts.length} must approve)`);
}

async function showContacts(ctx: CliContext, out: Output, flags: EmergencyFlags): Promise<void> {
  const chain = await ctx.chain(false);
  const patient = flags.patient ? address(flags.patient, "--patient") : (await ctx.account()).address;
  const config = await readEmergencyConfig(chain, await ctx.store(), patient);
  const { shares, ...summary } = config;
  out.result(
    { ...summary, publicKeys: shares.publicKeys },
    `${patient}: ${config.threshold} of ${config.contacts.length} contacts must approve (configuration ${config.version}, since ${when(config.activatesAt)}):\n  ${config.contacts.join("\n  ")}`,
  );
}

async function request(ctx: CliContext, out: Output, flags: EmergencyFlags): Promise<void> {
  const patient = address(flags.patient, "--patient");
  const code = flags.justification?.toUpperCase();
  if (!code || !(code in Justification)) throw new UsageError(`--justification is required: one of ${Object.keys(Justification).join(", ")}.`);
  const hours = flags.hours === undefined ? 4 : Number(flags.hours);
  if (!(hours > 0)) throw new UsageError(`--hours must be a positive number, not "${flags.hours}".`);
  const chain = await ctx.chain(true);
  const result = await requestEmergencyAccess({ chain, patient, justification: code as JustificationName, durationSeconds: Math.round(hours * 3600) });
  out.result(
    { patient, ...result },
    `Emergency request ${result.round} sent to ${patient}'s contacts; they can approve until ${when(result.approveBy)}. Check with "caduceus emergency status".`,
  );
}

async function vote(ctx: CliContext, out: Output, sub: "approve" | "reject", flags: EmergencyFlags): Promise<void> {
  const patient = address(flags.patient, "--patient");
  const doctor = address(flags.doctor, "--doctor");
  const chain = await ctx.chain(true);
  if (sub === "approve") await approveEmergency({ chain, store: await ctx.store(), keys: await ctx.identity(), patient, doctor });
  else await rejectEmergency(chain, patient, doctor);
  const state = await emergencyRequestOf(chain, patient, doctor);
  out.result(
    { patient, doctor, vote: sub, status: state.status, approvals: state.approvals, threshold: state.threshold },
    `${sub === "approve" ? "Approved; your key share is sealed to the doctor" : "Rejected"}. The request is ${state.status.toLowerCase()} (${state.approvals}/${state.threshold} approvals).`,
  );
}

async function openAll(ctx: CliContext, out: Output, flags: EmergencyFlags): Promise<void> {
  const patient = address(flags.patient, "--patient");
  if (!flags.out) throw new UsageError("emergency open needs --out <directory>.");
  const chain = await ctx.chain(false);
  const store = await ctx.store();
  const doctor = (await ctx.account()).address;
  const unlocked = await unlockEmergency({ chain, store, keys: await ctx.identity(), patient, doctor });
  await mkdir(flags.out, { recursive: true, mode: 0o700 });
  const files: Array<{ recordId: string; file: string; mediaType: string }> = [];
  // In an emergency one damaged record must not hide the others: go on, report, then fail.
  const failed: Array<{ recordId: string; error: Error }> = [];
  const total = unlocked.envelopes.size;
  for (const recordId of unlocked.envelopes.keys()) {
    try {
      const opened = await openEmergencyRecord(chain, store, unlocked, recordId);
      const file = join(flags.out, `${recordId}${opened.meta.mediaType.includes("json") ? ".json" : ".bin"}`);
      await writeVerified(file, opened.body);
      files.push({ recordId, file, mediaType: opened.meta.mediaType });
    } catch (error) {
      failed.push({ recordId, error: error instanceof Error ? error : new Error(String(error)) });
    }
    const done = files.length + failed.length;
    out.progress(`${progressBar(done, total)} decrypted ${files.length}/${total} records${failed.length ? `, ${failed.length} failed` : ""}`);
  }
  out.endProgress();
  out.result(
    { patient, files, failed: failed.map((f) => ({ recordId: f.recordId, error: f.error.message })) },
    `Decrypted ${files.length} record(s) of ${patient} into ${flags.out}. Access is logged on-chain and ends by itself.` +
      failed.map((f) => `\n  could not open ${f.recordId}: ${f.error.message}`).join(""),
  );
  if (failed.length > 0) throw failed[0]!.error;
}
