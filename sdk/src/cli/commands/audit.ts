import { sha256 } from "@noble/hashes/sha2.js";
import { bytesToHex, hexToBytes, isHex, type Hex } from "viem";
import type { ChainAudit } from "../../chain/client.ts";
import { CaduceusError } from "../../errors.ts";
import { cidFromBytes } from "../../storage/cid.ts";
import type { CliContext } from "../context.ts";
import { ExitCode, UsageError } from "../exit-codes.ts";
import type { Output } from "../output.ts";

export const AUDIT_HELP = `caduceus audit <recordId> [--post]

  Fetch the record's ciphertext by its CID from the content store, verify every block against the
  CID and the whole against the digest on-chain, and print the outcome: Intact, Mismatch or
  Unavailable. With --post (a verified auditor's account), store a small JSON report in the content
  store and record the outcome on-chain with its CID. Also prints the record's audits on-chain: the
  last one (any auditor) and the worst one (a Mismatch or Unavailable stays visible even after a
  later Intact). Exit code 4 on Mismatch, 5 on Unavailable.`;

const OUTCOMES = ["Intact", "Mismatch", "Unavailable"] as const;

export async function auditCommand(ctx: CliContext, out: Output, args: string[], flags: { post?: boolean }): Promise<number> {
  const recordId = args[0];
  if (!recordId || !isHex(recordId) || recordId.length !== 66) throw new UsageError("audit needs a record id (0x + 64 hex digits).");
  const chain = await ctx.chain(Boolean(flags.post));
  const store = await ctx.store();
  const record = await chain.getRecord(recordId as Hex);

  let outcome: (typeof OUTCOMES)[number] = "Intact";
  let detail = "every block matches its CID and the content matches the on-chain digest";
  try {
    const hash = sha256.create();
    for await (const chunk of store.get(cidFromBytes(hexToBytes(record.cid)))) hash.update(chunk);
    if (bytesToHex(hash.digest()) !== record.contentDigest.toLowerCase()) {
      outcome = "Mismatch";
      detail = "the content's SHA-256 differs from the on-chain digest";
    }
  } catch (error) {
    if (!(error instanceof CaduceusError)) throw error;
    outcome = error.code === "CONTENT_MISMATCH" ? "Mismatch" : "Unavailable";
    detail = error.message;
  }

  let transaction: Hex | undefined;
  let report: string | undefined;
  if (flags.post) {
    const body = new TextEncoder().encode(
      JSON.stringify({ recordId, cid: record.cid, outcome, detail, checkedAt: new Date().toISOString(), auditor: chain.account }),
    );
    const stored = await store.put([body]);
    report = stored.cid.toString();
    transaction = await chain.postAudit(recordId as Hex, OUTCOMES.indexOf(outcome), bytesToHex(stored.cid.bytes));
  }
  const onChain = await chain.audits(recordId as Hex);
  const describe = (a?: ChainAudit) => (a ? `${a.outcome} by ${a.auditor} at ${new Date(a.auditedAt * 1000).toISOString()}` : "none");
  const history =
    onChain.worst && onChain.worst.outcome !== "Intact"
      ? `\nOn-chain: last audit ${describe(onChain.last)}; worst audit ${describe(onChain.worst)}.`
      : `\nOn-chain: last audit ${describe(onChain.last)}.`;
  out.result(
    { recordId, outcome, detail, report, transaction, onChain },
    `${recordId}: ${outcome} — ${detail}${transaction ? `\nPosted on-chain in ${transaction} (report ${report}).` : ""}${history}`,
  );
  return outcome === "Intact" ? ExitCode.OK : outcome === "Mismatch" ? ExitCode.INTEGRITY : ExitCode.UNAVAILABLE;
}
