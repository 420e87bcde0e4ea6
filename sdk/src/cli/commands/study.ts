import { readFile } from "node:fs/promises";
import { formatUnits, getAddress, isAddress, isHex, parseUnits, zeroAddress, type Address, type Hex } from "viem";
import type { CaduceusChain } from "../../chain/client.ts";
import { RejectReason, REJECT_REASON_TEXT, type RejectReasonName } from "../../chain/research.ts";
import { CaduceusError } from "../../errors.ts";
import { RecordCategory } from "../../fhir/categories.ts";
import {
  acceptContribution,
  admitParticipants,
  cancelStudy,
  claimReward,
  closeStudy,
  contributeData,
  createStudy,
  fund,
  getStudy,
  joinStudy,
  leaveStudy,
  listContributions,
  listStudies,
  openContribution,
  refund,
  rejectContribution,
  tokenInfo,
  withdraw,
  type Study,
} from "../../research/index.ts";
import type { CliContext } from "../context.ts";
import { writeVerified } from "../files.ts";
import { UsageError } from "../exit-codes.ts";
import type { Output } from "../output.ts";

export const STUDY_HELP = `caduceus study <create|show|list|fund|refund|withdraw|cancel|close|join|leave|admit|contribute|contributions|open|accept|reject|claim>

As a verified researcher:
  study create --protocol <file> --goal <amount> --reward <amount> --max <n>
               --categories <visit,lab,…> [--days <n>] [--token <address>]
      Open a study: the protocol document (ethics approval inside) goes to the content store and
      its CID on-chain. Funding runs n days (default 30, at most 180), in ETH or an allowed ERC-20;
      amounts are in the token's units (1.5 = 1.5 ETH). The goal must cover reward × max.
  study admit <id>            Take up the consent of every patient who joined (an HRESCH request each).
  study contributions <id>    Who submitted what, and its state.
  study open <id> --patient <address> --out <file>
      Decrypt the de-identified copy a patient delivered (the record itself is never opened).
  study accept <id> --patient <address>
  study reject <id> --patient <address> --reason <CODE>
      Decide a contribution; an accepted one pays the patient the reward.
  study withdraw <id> [--to <address>]
      The funds of a funded study minus the reward reserve, once, after its funding deadline.
  study cancel <id>           Cancel a study still funding (donors get refunds).
  study close <id> [--to <address>]
      After the funding deadline, end data collection; the reserve of slots neither accepted nor
      waiting for your answer comes back (again later for submissions you reject after closing).
As a donor (anyone):
  study fund <id> --amount <amount>   ERC-20 studies: the pool is approved for the amount first.
  study refund <id> [--to <address>]
      Take back what you paid into a failed or cancelled study.
As a patient:
  study join <id> [--days <n>]
      Consent to the study: an anonymized-only HRESCH policy for its researcher, in its
      categories, until n days from now (default: a year after the funding deadline).
  study leave <id>            Withdraw consent for the future (copies delivered before stay readable).
  study contribute <id> [--record <recordId>]
      Deliver a de-identified copy of one matching record (the first that qualifies by default)
      and submit it to the study.
  study claim <id> [--to <address>]
      Pull the reward of your accepted contribution (or of one left unanswered for 30 days).
Payments go to your own address unless --to names another (e.g. when you act from a contract).
Anyone:
  study list                  Every study, newest first, with its funding progress.
  study show <id>

Reject reasons: ${Object.entries(REJECT_REASON_TEXT).map(([code, text]) => `${code} (${text})`).join("; ")}.
Categories: ${Object.keys(RecordCategory).join(", ")}.`;

export interface StudyFlags {
  patient?: string;
  out?: string;
  days?: string;
  categories?: string;
  record?: string[];
  protocol?: string;
  goal?: string;
  reward?: string;
  max?: string;
  token?: string;
  amount?: string;
  reason?: string;
  to?: string;
}

const DAY = 86_400;

const address = (value: string | undefined, what: string): Address => {
  if (!value || !isAddress(value)) throw new UsageError(`${what} must be an address.`);
  return getAddress(value);
};

/** `--to <address>` names who is paid; the caller's own address by default. */
const recipient = (flags: StudyFlags, self: Address): Address => (flags.to === undefined ? self : address(flags.to, "--to"));

function studyId(value: string | undefined, sub: string): bigint {
  if (!value || !/^[1-9]\d*$/.test(value)) throw new UsageError(`study ${sub} needs a study id (a positive integer).`);
  return BigInt(value);
}

function positiveNumber(value: string | undefined, what: string): number {
  const n = Number(value);
  if (value === undefined || !(n > 0)) throw new UsageError(`${what} must be a positive number${value === undefined ? "" : `, not "${value}"`}.`);
  return n;
}

function amount(value: string | undefined, what: string, decimals: number): bigint {
  if (!value || !/^\d+(\.\d+)?$/.test(value)) throw new UsageError(`${what} must be an amount such as 1.5, not "${value ?? ""}".`);
  return parseUnits(value, decimals);
}

const when = (seconds: number) => new Date(seconds * 1000).toISOString();

async function money(chain: CaduceusChain, token: Address) {
  const { symbol, decimals } = await tokenInfo(chain, token);
  return (value: bigint) => `${formatUnits(value, decimals)} ${symbol}`;
}

async function summary(chain: CaduceusChain, study: Study): Promise<string> {
  const fmt = await money(chain, study.token);
  const state = study.closed ? `${study.status}, closed` : study.withdrawn ? `${study.status}, withdrawn` : study.status;
  return (
    `Study ${study.studyId} (${state}) by ${study.researcher}\n` +
    `  raised ${fmt(study.raised)} of ${fmt(study.goal)} (${study.percentFunded}%), deadline ${when(study.deadline)}\n` +
    `  reward ${fmt(study.reward)} per accepted contribution, ${study.accepted}/${study.maxContributions} accepted\n` +
    `  categories ${study.categories.join(", ")}; protocol ${study.protocolCid}`
  );
}

export async function studyCommand(ctx: CliContext, out: Output, args: string[], flags: StudyFlags): Promise<void> {
  const [sub, target] = args;
  switch (sub) {
    case "create":
      return create(ctx, out, flags);
    case "list": {
      const chain = await ctx.chain(false);
      const studies = await listStudies(chain);
      const lines = await Promise.all(studies.map((s) => summary(chain, s)));
      return out.result({ studies }, lines.length ? lines.join("\n") : "No studies yet.");
    }
    case "show": {
      const id = studyId(target, sub);
      const chain = await ctx.chain(false);
      const study = await getStudy(chain, id);
      return out.result(study, await summary(chain, study));
    }
    case "fund": {
      const id = studyId(target, sub);
      const chain = await ctx.chain(true);
      const study = await getStudy(chain, id);
      const { decimals } = await tokenInfo(chain, study.token);
      const result = await fund(chain, id, amount(flags.amount, "--amount", decimals));
      const fmt = await money(chain, study.token);
      return out.result(
        { studyId: id, ...result },
        `Funded study ${id}: raised ${fmt(result.raised)} of ${fmt(study.goal)}${result.funded ? " — the goal is reached" : ""}.`,
      );
    }
    case "refund":
    case "withdraw":
    case "claim": {
      const id = studyId(target, sub);
      const chain = await ctx.chain(true);
      const pay = sub === "refund" ? refund : sub === "withdraw" ? withdraw : claimReward;
      const result = await pay(chain, id, recipient(flags, chain.account));
      const fmt = await money(chain, (await getStudy(chain, id)).token);
      const what = { refund: "Refunded", withdraw: "Withdrew", claim: "Claimed a reward of" }[sub];
      const toWhom = result.to === chain.account ? "" : ` to ${result.to}`;
      return out.result({ studyId: id, ...result }, `${what} ${fmt(result.amount)} from study ${id}${toWhom}.`);
    }
    case "cancel": {
      const id = studyId(target, sub);
      const result = await cancelStudy(await ctx.chain(true), id);
      return out.result({ studyId: id, ...result }, `Study ${id} cancelled: donors can take their money back with "caduceus study refund ${id}".`);
    }
    case "close": {
      const id = studyId(target, sub);
      const chain = await ctx.chain(true);
      const result = await closeStudy(chain, id, recipient(flags, chain.account));
      const fmt = await money(chain, (await getStudy(chain, id)).token);
      const toWhom = result.to === chain.account ? "you" : result.to;
      return out.result({ studyId: id, ...result }, `Study ${id} closed to data contributions; ${fmt(result.reserveReleased)} of unused reserve went to ${toWhom}.`);
    }
    case "join": {
      const id = studyId(target, sub);
      const result = await joinStudy(await ctx.chain(true), id, { days: flags.days === undefined ? undefined : positiveNumber(flags.days, "--days") });
      return out.result(
        { studyId: id, ...result },
        `Joined study ${id}: its researcher may receive de-identified copies of your records in its categories until ${when(result.validUntil)}. Withdraw with "caduceus study leave ${id}".`,
      );
    }
    case "leave": {
      const id = studyId(target, sub);
      const result = await leaveStudy(await ctx.chain(true), id);
      return out.result(
        { studyId: id, ...result },
        `Left study ${id}: nothing more reaches its researcher. Copies delivered before cannot be taken back.`,
      );
    }
    case "admit": {
      const id = studyId(target, sub);
      const results = await admitParticipants(await ctx.chain(true), id);
      const granted = results.filter((r) => r.outcome === "Granted").length;
      const lines = results.map((r) => `  ${r.patient}: ${r.outcome}${r.outcome === "Denied" ? ` (${r.reason})` : ""}`);
      return out.result({ studyId: id, results }, `Took up ${granted} new consent(s) to study ${id}.${lines.length ? `\n${lines.join("\n")}` : ""}`);
    }
    case "contribute":
      return contribute(ctx, out, studyId(target, sub), flags);
    case "contributions": {
      const id = studyId(target, sub);
      const contributions = await listContributions(await ctx.chain(false), id);
      const lines = contributions.map(
        (c) => `  ${c.patient}: record ${c.recordId.slice(0, 10)}… ${c.status}${c.rejectReason ? ` (${c.rejectReason})` : ""}`,
      );
      return out.result({ studyId: id, contributions }, lines.length ? `Study ${id}:\n${lines.join("\n")}` : `No data submitted to study ${id} yet.`);
    }
    case "open":
      return open(ctx, out, studyId(target, sub), flags);
    case "accept":
    case "reject":
      return decide(ctx, out, sub, studyId(target, sub), flags);
    default:
      throw new UsageError(`Unknown study command "${sub ?? ""}".\n\n${STUDY_HELP}`);
  }
}

async function create(ctx: CliContext, out: Output, flags: StudyFlags): Promise<void> {
  if (!flags.protocol) throw new UsageError("study create needs --protocol <file> (the protocol document).");
  if (!flags.categories) throw new UsageError(`study create needs --categories: some of ${Object.keys(RecordCategory).join(", ")}.`);
  const max = Number(flags.max);
  if (!Number.isInteger(max) || max <= 0) throw new UsageError("--max <n> is required: the most data contributions the study pays for.");
  const days = flags.days === undefined ? 30 : positiveNumber(flags.days, "--days");
  const token = flags.token ? address(flags.token, "--token") : zeroAddress;
  const chain = await ctx.chain(true);
  const { decimals } = await tokenInfo(chain, token);
  const goal = amount(flags.goal, "--goal", decimals);
  const reward = amount(flags.reward, "--reward", decimals);
  const protocol = await readFile(flags.protocol).catch((cause: unknown) => {
    throw new CaduceusError("FILE_NOT_FOUND", `Cannot read the protocol document ${flags.protocol}.`, { cause });
  });
  const now = Number((await chain.publicClient.getBlock()).timestamp);
  const result = await createStudy({
    chain,
    store: await ctx.store(),
    protocol: [protocol],
    token,
    goal,
    deadline: now + Math.round(days * DAY),
    reward,
    maxContributions: max,
    categories: flags.categories.split(","),
  });
  out.result(result, `Study ${result.studyId} is open for funding until ${when(now + Math.round(days * DAY))}; protocol ${result.protocolCid}.`);
}

async function contribute(ctx: CliContext, out: Output, id: bigint, flags: StudyFlags): Promise<void> {
  if ((flags.record?.length ?? 0) > 1) throw new UsageError("A contribution is one --record.");
  const recordId = flags.record?.[0];
  if (recordId !== undefined && !(isHex(recordId) && recordId.length === 66)) throw new UsageError("--record needs a 32-byte record id.");
  const chain = await ctx.chain(true);
  const result = await contributeData({ chain, store: await ctx.store(), keys: await ctx.identity(), studyId: id, recordId: recordId as Hex | undefined });
  out.result(
    { studyId: id, ...result },
    `Submitted record ${result.recordId} to study ${id}; its researcher received a de-identified copy. You can claim the reward once they accept it.`,
  );
}

async function open(ctx: CliContext, out: Output, id: bigint, flags: StudyFlags): Promise<void> {
  const patient = address(flags.patient, "--patient");
  if (!flags.out) throw new UsageError("study open needs --out <file>.");
  const chain = await ctx.chain(false);
  const reader = (await ctx.account()).address;
  const opened = await openContribution({ chain, store: await ctx.store(), reader, keys: await ctx.identity(), studyId: id, patient });
  await writeVerified(flags.out, opened.body);
  out.result(
    { studyId: id, patient, recordId: opened.record.recordId, out: flags.out, mediaType: opened.meta.mediaType, deidentified: true },
    `Wrote ${flags.out} (${opened.meta.mediaType}, de-identified copy of ${patient}'s contribution).`,
  );
}

async function decide(ctx: CliContext, out: Output, sub: "accept" | "reject", id: bigint, flags: StudyFlags): Promise<void> {
  const patient = address(flags.patient, "--patient");
  const chain = await ctx.chain(true);
  if (sub === "accept") {
    const result = await acceptContribution(chain, id, patient);
    const fmt = await money(chain, (await getStudy(chain, id)).token);
    return out.result({ studyId: id, patient, ...result }, `Accepted ${patient}'s contribution to study ${id}; ${fmt(result.reward)} accrued to them.`);
  }
  const reason = flags.reason?.toUpperCase();
  if (!reason || !(reason in RejectReason)) throw new UsageError(`--reason is required: one of ${Object.keys(RejectReason).join(", ")}.`);
  const result = await rejectContribution(chain, id, patient, reason as RejectReasonName);
  out.result(
    { studyId: id, patient, reason, ...result },
    `Rejected ${patient}'s contribution to study ${id}: ${REJECT_REASON_TEXT[reason as RejectReasonName]}. They may offer another record.`,
  );
}
