/**
 * `caduceus staff`: a hospital's staff, appointed in two steps. The hospital proposes an account;
 * the account accepts from its own keystore; nobody becomes a hospital's doctor without that.
 */
import { getAddress, isAddress, type Address } from "viem";
import { chainCall } from "../../chain/calls.ts";
import { RpcQueryBackend } from "../../query/rpc.ts";
import type { CliContext } from "../context.ts";
import { UsageError } from "../exit-codes.ts";
import type { Output } from "../output.ts";

export const STAFF_HELP = `caduceus staff list|propose|withdraw|accept|remove|dismiss

  list [<hospital>]          the hospital's staff and the proposals still waiting (default: your account)
  propose <account>          as an active hospital: propose the account for your staff
  withdraw <account>         as the hospital: withdraw a proposal that was not accepted yet
  accept <hospital>          as the proposed account: accept the hospital's proposal and join its staff
  remove <account>           as the hospital: remove the account from your staff
  dismiss <account>          as governance: remove the account from whichever hospital employs it`;

const address = (value: string | undefined, what: string): Address => {
  if (!value || !isAddress(value)) throw new UsageError(`${what} must be an account address (0x + 40 hex digits).`);
  return getAddress(value);
};

const WRITES = {
  propose: { fn: "proposeStaff", says: (a: Address) => `Proposed ${a}; they join when they run \`caduceus staff accept <hospital>\`.` },
  withdraw: { fn: "withdrawStaffProposal", says: (a: Address) => `Withdrew the proposal to ${a}.` },
  accept: { fn: "acceptStaff", says: (a: Address) => `You are now on the staff of hospital ${a}.` },
  remove: { fn: "removeStaff", says: (a: Address) => `Removed ${a} from your staff.` },
  dismiss: { fn: "dismissStaff", says: (a: Address) => `Dismissed ${a} from its hospital's staff.` },
} as const;

export async function staffCommand(ctx: CliContext, out: Output, args: string[]): Promise<void> {
  const [sub, target] = args;
  if (sub === "list") {
    const chain = await ctx.chain(false);
    const hospital = target ? address(target, "the hospital") : (await ctx.account()).address;
    const found = await RpcQueryBackend.fromChain(chain).hospitalStaff(hospital);
    if (!found) throw new UsageError(`${hospital} is not an admitted hospital.`);
    const lines = [
      `${found.name} (${hospital})${found.suspended ? " — suspended" : ""}`,
      ...found.staff.map((s) => `  staff     ${s.account}`),
      ...found.proposals.map((p) => `  proposed  ${p.account} (waiting for their acceptance)`),
    ];
    out.result(found, lines.join("\n"));
    return;
  }
  if (!sub || !(sub in WRITES)) throw new UsageError(`Unknown staff command "${sub ?? ""}".\n\n${STAFF_HELP}`);
  const { fn, says } = WRITES[sub as keyof typeof WRITES];
  const account = address(target, sub === "accept" ? "the hospital" : "the account");
  const chain = await ctx.chain(true);
  const { hash } = await chain.submit(chainCall("consortium", fn, [account]));
  out.result({ action: sub, account, transaction: hash }, says(account));
}
