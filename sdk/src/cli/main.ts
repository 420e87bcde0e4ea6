/**
 * `caduceus`: the hospital and operator command line. Run `caduceus --help`.
 * stdout carries the result (one JSON document with --json); progress and errors go to stderr.
 */
import { parseArgs } from "node:util";
import { CaduceusError } from "../errors.ts";
import { accessCommand, ACCESS_HELP } from "./commands/access.ts";
import { auditCommand, AUDIT_HELP } from "./commands/audit.ts";
import { emergencyCommand, EMERGENCY_HELP } from "./commands/emergency.ts";
import { keysCommand, KEYS_HELP } from "./commands/keys.ts";
import { recordsCommand, RECORDS_HELP } from "./commands/records.ts";
import { staffCommand, STAFF_HELP } from "./commands/staff.ts";
import { studyCommand, STUDY_HELP } from "./commands/study.ts";
import { CliContext, NETWORKS } from "./context.ts";
import { ExitCode, exitCodeOf, UsageError } from "./exit-codes.ts";
import { Output } from "./output.ts";

const HELP = `caduceus — encrypted medical records on Ethereum, for hospitals and operators

Usage: caduceus <command> [options]

Commands:
  keys init|publish|show     your account and encryption keys
  records upload|list|get    encrypt, store and register records; list; fetch and decrypt
  audit <recordId> [--post]  check stored ciphertext against the chain; post the outcome
  access policy|request|approve|deny|revoke|deliver|log|read
                             who may read what, for which purpose; key delivery; the access log
  emergency contacts|request|status|approve|reject|open|close|rotate
                             emergency contacts, a doctor's request, threshold key release
  study create|show|list|fund|refund|withdraw|join|contribute|accept|reject|claim|…
                             research studies: funding, refunds, consent, paid anonymized data
  staff list|propose|withdraw|accept|remove|dismiss
                             a hospital's staff: the hospital proposes, the account accepts

Options:
  --network <name|chainId>   ${Object.keys(NETWORKS).join(", ")} or a chain id (default localhost);
                             reads deployments/<chainId>.json
  --deployments <file>       a deployments file instead
  --gateway <url>            content store gateway (default: the deployments file's, else http://127.0.0.1:8180)
  --keystore <file>          encrypted keystore of your account (else CADUCEUS_PRIVATE_KEY)
  --json                     machine-readable output on stdout
  -h, --help                 help for any command

Exit codes: 0 ok, 1 error, 2 usage, 3 not found, 4 integrity failure, 5 unavailable, 6 not permitted.`;

const HELP_BY_COMMAND: Record<string, string> = { keys: KEYS_HELP, records: RECORDS_HELP, audit: AUDIT_HELP, access: ACCESS_HELP, emergency: EMERGENCY_HELP, study: STUDY_HELP, staff: STAFF_HELP };

export async function main(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        network: { type: "string", default: "localhost" },
        deployments: { type: "string" },
        gateway: { type: "string" },
        keystore: { type: "string" },
        json: { type: "boolean", default: false },
        help: { type: "boolean", short: "h", default: false },
        patient: { type: "string" },
        out: { type: "string" },
        journal: { type: "string" },
        import: { type: "boolean", default: false },
        post: { type: "boolean", default: false },
        grantee: { type: "string" },
        role: { type: "string" },
        purpose: { type: "string" },
        days: { type: "string" },
        share: { type: "boolean", default: false },
        categories: { type: "string" },
        record: { type: "string", multiple: true },
        anonymized: { type: "boolean", default: false },
        manual: { type: "boolean", default: false },
        id: { type: "string" },
        revoke: { type: "boolean", default: false },
        doctor: { type: "string" },
        threshold: { type: "string" },
        justification: { type: "string" },
        hours: { type: "string" },
        protocol: { type: "string" },
        goal: { type: "string" },
        reward: { type: "string" },
        max: { type: "string" },
        token: { type: "string" },
        amount: { type: "string" },
        reason: { type: "string" },
        to: { type: "string" },
      },
    });
  } catch (error) {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n\n${HELP}\n`);
    return ExitCode.USAGE;
  }
  const { values, positionals } = parsed;
  const [command, ...args] = positionals;
  if (values.help || !command) {
    process.stdout.write(`${(command && HELP_BY_COMMAND[command]) || HELP}\n`);
    return command || values.help ? ExitCode.OK : ExitCode.USAGE;
  }
  const out = new Output(values.json);
  const ctx = new CliContext({
    network: values.network,
    deployments: values.deployments,
    gateway: values.gateway,
    keystore: values.keystore,
    json: values.json,
  });
  try {
    if (command === "keys") await keysCommand(ctx, out, args, values);
    else if (command === "records") await recordsCommand(ctx, out, args, values);
    else if (command === "audit") return await auditCommand(ctx, out, args, values);
    else if (command === "access") await accessCommand(ctx, out, args, values);
    else if (command === "emergency") await emergencyCommand(ctx, out, args, values);
    else if (command === "study") await studyCommand(ctx, out, args, values);
    else if (command === "staff") await staffCommand(ctx, out, args);
    else throw new UsageError(`Unknown command "${command}".\n\n${HELP}`);
    return ExitCode.OK;
  } catch (error) {
    out.endProgress();
    const code = exitCodeOf(error);
    const message = error instanceof CaduceusError ? error.message : `Unexpected error: ${error instanceof Error ? error.message : String(error)}`;
    if (values.json) {
      process.stdout.write(`${JSON.stringify({ error: { code: error instanceof CaduceusError ? error.code : "UNEXPECTED", message } })}\n`);
    }
    process.stderr.write(`caduceus: ${message}\n`);
    return code;
  }
}

process.exitCode = await main(process.argv.slice(2));
