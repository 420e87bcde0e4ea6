import { getAddress, isAddress, isHex, type Address, type Hex } from "viem";
import {
  accessLog,
  approve,
  canAccess,
  deliverKeys,
  deny,
  DENY_EXPLANATIONS,
  grantDeidentifier,
  grantOf,
  newPolicyId,
  openDelivered,
  policyIdFromLabel,
  policyTerms,
  requestAccess,
  revoke,
  revokePolicy,
  setPolicy,
} from "../../access/index.ts";
import { Purpose, Role, type PurposeName, type RoleName } from "../../chain/roles.ts";
import type { CliContext } from "../context.ts";
import { writeVerified } from "../files.ts";
import { UsageError } from "../exit-codes.ts";
import { progressBar, type Output } from "../output.ts";

export const ACCESS_HELP = `caduceus access <policy|request|approve|deny|revoke|deliver|log|read>

As the patient:
  access policy (--grantee <address> | --role <ROLE>) --purpose <CODE[,CODE…]> [--days <n>]
                [--share] [--categories <visit,lab,…> | --record <recordId>] [--anonymized]
                [--manual] [--id <label|0x…>]
      Set (create or replace) a policy; prints its id and version. Default: 30 days, every
      category, READ only, granted at once (--manual: each request waits for your approval).
  access policy --revoke --id <label|0x…>
      Withdraw a policy: later requests citing it are denied (grants already made stay until revoked).
  access approve|deny <requester> --purpose <CODE>
      Decide a pending request.
  access revoke <grantee> --purpose <CODE> [--patient <address>]
      End a grant now (a sharer passes --patient to end what it shared). Revocation is forward-only:
      keys already delivered cannot be taken back; amending a record re-keys its new version.
  access deliver <grantee> --purpose <CODE> [--record <recordId> …]
      Wrap the record keys to the grantee's published key (all your records in the grant's scope by
      default); anonymized grants receive de-identified copies.
As a requester:
  access request --patient <address> --id <label|0x…> --purpose <CODE> [--share] [--days <n>]
      Ask for access under the patient's policy: granted, pending, or denied with a reason.
  access read <recordId> --purpose <CODE> --out <file>
      Open a record delivered to you under a grant in force; the file appears only once verified.
Anyone:
  access log [--patient <address>]
      The patient's access log from the chain: policies, requests, decisions, shares, revocations,
      key deliveries (yours by default).

Purpose codes: ${Object.keys(Purpose).join(", ")}. Roles: ${Object.keys(Role).join(", ")}.`;

const CATEGORY_NAMES = ["visit", "lab", "imaging", "medication", "immunization", "document", "other"];
const DAY = 86_400;

export interface AccessFlags {
  patient?: string;
  out?: string;
  grantee?: string;
  role?: string;
  purpose?: string;
  days?: string;
  share?: boolean;
  categories?: string;
  record?: string[];
  anonymized?: boolean;
  manual?: boolean;
  id?: string;
  revoke?: boolean;
}

const address = (value: string | undefined, what: string): Address => {
  if (!value || !isAddress(value)) throw new UsageError(`${what} must be an address.`);
  return getAddress(value);
};

function purposes(value: string | undefined): PurposeName[] {
  if (!value) throw new UsageError(`--purpose is required: one of ${Object.keys(Purpose).join(", ")}.`);
  return value.split(",").map((p) => {
    const code = p.trim().toUpperCase();
    if (!(code in Purpose)) throw new UsageError(`Unknown purpose "${p}": use ${Object.keys(Purpose).join(", ")}.`);
    return code as PurposeName;
  });
}

function onePurpose(value: string | undefined): PurposeName {
  const [first, ...more] = purposes(value);
  if (more.length > 0) throw new UsageError("Give one --purpose here.");
  return first;
}

function policyId(value: string | undefined): Hex {
  if (!value) throw new UsageError("--id <label|0x…> is required.");
  return isHex(value) && value.length === 66 ? value : policyIdFromLabel(value);
}

function days(value: string | undefined, fallback?: number): number | undefined {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!(n > 0)) throw new UsageError(`--days must be a positive number, not "${value}".`);
  return n;
}

export async function accessCommand(ctx: CliContext, out: Output, args: string[], flags: AccessFlags): Promise<void> {
  const [sub, target] = args;
  switch (sub) {
    case "policy":
      return flags.revoke ? withdrawPolicy(ctx, out, flags) : definePolicy(ctx, out, flags);
    case "request":
      return request(ctx, out, flags);
    case "approve":
    case "deny": {
      const chain = await ctx.chain(true);
      const requester = address(target, `access ${sub} <requester>`);
      const purpose = onePurpose(flags.purpose);
      await (sub === "approve" ? approve : deny)(chain, requester, purpose);
      return out.result({ requester, purpose, approved: sub === "approve" }, `${sub === "approve" ? "Approved" : "Denied"} ${requester}'s request for ${purpose}.`);
    }
    case "revoke": {
      const chain = await ctx.chain(true);
      const grantee = address(target, "access revoke <grantee>");
      const purpose = onePurpose(flags.purpose);
      const patient = flags.patient ? address(flags.patient, "--patient") : chain.account;
      await revoke(chain, patient, grantee, purpose);
      return out.result(
        { patient, grantee, purpose, revoked: true },
        `Revoked ${grantee}'s ${purpose} access. Keys delivered before cannot be taken back; records amended from now on use new keys it will not receive.`,
      );
    }
    case "deliver":
      return deliver(ctx, out, address(target, "access deliver <grantee>"), flags);
    case "log":
      return log(ctx, out, flags);
    case "read":
      return read(ctx, out, target, flags);
    default:
      throw new UsageError(`Unknown access command "${sub ?? ""}".\n\n${ACCESS_HELP}`);
  }
}

async function definePolicy(ctx: CliContext, out: Output, flags: AccessFlags): Promise<void> {
  const role = flags.role?.toUpperCase();
  if (role !== undefined && !(role in Role)) throw new UsageError(`Unknown role "${flags.role}": use ${Object.keys(Role).join(", ")}.`);
  const categories = flags.categories?.split(",").map((name) => {
    const index = CATEGORY_NAMES.indexOf(name.trim().toLowerCase());
    if (index < 0) throw new UsageError(`Unknown category "${name}": use ${CATEGORY_NAMES.join(", ")}.`);
    return index;
  });
  if ((flags.record?.length ?? 0) > 1) throw new UsageError("A policy covers one --record, or categories.");
  const chain = await ctx.chain(true);
  const now = Number((await chain.publicClient.getBlock()).timestamp);
  const terms = policyTerms(
    {
      grantee: flags.grantee ? address(flags.grantee, "--grantee") : undefined,
      role: role as RoleName | undefined,
      purposes: purposes(flags.purpose),
      share: flags.share,
      validUntil: now + Math.round(days(flags.days, 30)! * DAY),
      categories,
      recordId: flags.record?.[0] as Hex | undefined,
      anonymizedOnly: flags.anonymized,
      autoApprove: !flags.manual,
    },
    now,
  );
  const id = flags.id ? policyId(flags.id) : newPolicyId();
  const version = await setPolicy(chain, id, terms);
  out.result(
    { policyId: id, version, terms },
    `Policy ${id} version ${version}: ${terms.grantee !== "0x0000000000000000000000000000000000000000" ? terms.grantee : `every ${role}`} may ask for ${purposes(flags.purpose).join(", ")} until ${new Date(terms.validUntil * 1000).toISOString()}${terms.anonymizedOnly ? ", de-identified data only" : ""}${terms.autoApprove ? "" : ", each request waits for your approval"}. Give the id to the grantee.`,
  );
}

async function withdrawPolicy(ctx: CliContext, out: Output, flags: AccessFlags): Promise<void> {
  const chain = await ctx.chain(true);
  const id = policyId(flags.id);
  await revokePolicy(chain, id);
  out.result({ policyId: id, revoked: true }, `Policy ${id} withdrawn: requests citing it are denied from now on.`);
}

async function request(ctx: CliContext, out: Output, flags: AccessFlags): Promise<void> {
  const chain = await ctx.chain(true);
  const patient = address(flags.patient, "--patient");
  const purpose = onePurpose(flags.purpose);
  const duration = days(flags.days);
  const result = await requestAccess(chain, { patient, policyId: policyId(flags.id), purpose, share: flags.share, duration: duration && Math.round(duration * DAY) });
  const text =
    result.outcome === "Granted"
      ? `Granted: ${purpose} access to ${patient}'s records until ${new Date(result.expiresAt * 1000).toISOString()}. The patient (or the hospital) delivers the keys next.`
      : result.outcome === "Pending"
        ? `Pending: the patient decides on your ${purpose} request.`
        : `Denied: ${DENY_EXPLANATIONS[result.reason]}. The request is logged.`;
  out.result(result, text);
}

async function deliver(ctx: CliContext, out: Output, grantee: Address, flags: AccessFlags): Promise<void> {
  const chain = await ctx.chain(true);
  const purpose = onePurpose(flags.purpose);
  const keys = await ctx.identity();
  const grant = await grantOf(chain, chain.account, grantee, purpose);
  let recordIds = (flags.record ?? []) as Hex[];
  if (recordIds.length === 0) {
    const all = await chain.listRecordIds(chain.account);
    const inScope = await Promise.all(all.map((id) => canAccess(chain, grantee, id, purpose)));
    recordIds = all.filter((_, i) => inScope[i]);
  }
  if (recordIds.length === 0) throw new UsageError(`None of your records is in the scope of ${grantee}'s ${purpose} grant.`);
  const hashes = await deliverKeys({
    chain,
    store: await ctx.store(),
    keys,
    grantee,
    purpose,
    recordIds,
    deidentify: grant.anonymized ? grantDeidentifier(keys, grantee, purpose) : undefined,
    onProgress: (done, total) => out.progress(`${progressBar(done, total)} wrapped ${done}/${total} keys${grant.anonymized ? " (de-identified copies)" : ""}`),
  });
  out.endProgress();
  out.result(
    { grantee, purpose, delivered: recordIds.length, deidentified: grant.anonymized, transactions: hashes },
    `Delivered ${recordIds.length} record key(s) to ${grantee} for ${purpose}${grant.anonymized ? " (de-identified copies)" : ""} in ${hashes.length} transaction(s).`,
  );
}

async function log(ctx: CliContext, out: Output, flags: AccessFlags): Promise<void> {
  const chain = await ctx.chain(false);
  const patient = flags.patient ? address(flags.patient, "--patient") : (await ctx.account()).address;
  const entries = await accessLog(chain, patient);
  const lines = entries.map((e) => {
    const at = `#${e.blockNumber}`;
    switch (e.kind) {
      case "PolicySet":
        return `${at} policy ${e.policyId.slice(0, 10)}… v${e.version}: ${e.purposes.join(",")} until ${new Date(e.validUntil * 1000).toISOString()}`;
      case "PolicyRevoked":
        return `${at} policy ${e.policyId.slice(0, 10)}… withdrawn`;
      case "AccessRequested":
        return `${at} ${e.requester} asked for ${e.purpose}: ${e.outcome}${e.outcome === "Denied" ? ` (${e.reason})` : ""}`;
      case "AccessDecided":
        return `${at} ${e.approved ? "approved" : "denied"} ${e.requester} for ${e.purpose}`;
      case "AccessRevoked":
        return `${at} revoked ${e.grantee} for ${e.purpose}`;
      case "AccessShared":
        return `${at} ${e.sharer} shared ${e.purpose} with ${e.recipient}`;
      case "KeyDelivered":
        return `${at} key of ${e.recordId.slice(0, 10)}… to ${e.grantee} for ${e.purpose}${e.deidentifiedCopy ? " (de-identified copy)" : ""}`;
    }
  });
  out.result({ patient, entries }, lines.length ? lines.join("\n") : `No access events for ${patient}.`);
}

async function read(ctx: CliContext, out: Output, recordId: string | undefined, flags: AccessFlags): Promise<void> {
  if (!recordId || !isHex(recordId) || recordId.length !== 66) throw new UsageError("access read <recordId> needs a 32-byte record id.");
  if (!flags.out) throw new UsageError("access read needs --out <file>.");
  const chain = await ctx.chain(false);
  const reader = (await ctx.account()).address;
  const opened = await openDelivered({ chain, store: await ctx.store(), reader, keys: await ctx.identity(), recordId, purpose: onePurpose(flags.purpose) });
  await writeVerified(flags.out, opened.body);
  out.result(
    { recordId, out: flags.out, mediaType: opened.meta.mediaType, deidentified: opened.deidentified },
    `Wrote ${flags.out} (${opened.meta.mediaType}${opened.deidentified ? ", de-identified copy" : ""}).`,
  );
}
