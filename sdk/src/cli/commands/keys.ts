import { bytesToHex, getAddress, isAddress, type Hex } from "viem";
import { KeyNotPublishedError } from "../../chain/client.ts";
import type { CliContext } from "../context.ts";
import { UsageError } from "../exit-codes.ts";
import { createKeystore, PRIVATE_KEY_ENV } from "../keystore.ts";
import type { Output } from "../output.ts";

export const KEYS_HELP = `caduceus keys <init|publish|show>

  keys init --keystore <file> [--import]
      Create an encrypted keystore (Web3 Secret Storage v3) with a new random account, or with the
      key in ${PRIVATE_KEY_ENV} when --import is given. The password comes from
      CADUCEUS_KEYSTORE_PASSWORD or is asked on the terminal.
  keys publish
      Derive your encryption identity (X25519 and the X-Wing post-quantum hybrid) by signing a fixed
      EIP-712 message with your account, and publish its public keys to the KeyRegistry.
      Does nothing when the published keys are already these.
  keys show [address]
      Print the published encryption keys of an account (yours by default).`;

export async function keysCommand(ctx: CliContext, out: Output, args: string[], flags: { import?: boolean }): Promise<void> {
  const [sub, arg] = args;
  if (sub === "init") {
    if (!ctx.options.keystore) throw new UsageError("keys init needs --keystore <file>: where to write the new keystore.");
    const imported = flags.import ? (process.env[PRIVATE_KEY_ENV] as Hex | undefined) : undefined;
    if (flags.import && !imported) throw new UsageError(`--import takes the key from ${PRIVATE_KEY_ENV}, which is not set.`);
    const address = await createKeystore(ctx.options.keystore, imported);
    return out.result({ address, keystore: ctx.options.keystore }, `Created ${ctx.options.keystore} for account ${address}.`);
  }
  if (sub === "publish") {
    const identity = await ctx.identity();
    const chain = await ctx.chain(true);
    const x25519 = bytesToHex(identity.x25519.publicKey);
    const xwing = bytesToHex(identity.xwing.publicKey);
    const current = await chain.readKeys(chain.account).catch((e: unknown) => {
      if (e instanceof KeyNotPublishedError) return undefined;
      throw e;
    });
    if (current?.x25519 === x25519 && current.xwing === xwing) {
      return out.result({ account: chain.account, version: current.version, published: false }, `Your keys are already published (version ${current.version}).`);
    }
    const { version, hash } = await chain.publishKeys(identity.x25519.publicKey, identity.xwing.publicKey);
    return out.result(
      { account: chain.account, version, published: true, transaction: hash, x25519 },
      `Published encryption keys version ${version} for ${chain.account} (X25519 + X-Wing) in ${hash}.`,
    );
  }
  if (sub === "show") {
    const chain = await ctx.chain(false);
    if (arg !== undefined && !isAddress(arg)) throw new UsageError(`"${arg}" is not an address.`);
    const account = arg ? getAddress(arg) : (await ctx.account()).address;
    const keys = await chain.readKeys(account);
    return out.result(
      { account, version: keys.version, x25519: keys.x25519, hybrid: keys.xwing !== undefined },
      `${account}: version ${keys.version}, X25519 ${keys.x25519}, post-quantum hybrid ${keys.xwing ? "yes (X-Wing)" : "no"}`,
    );
  }
  throw new UsageError(`Unknown keys command "${sub ?? ""}".\n\n${KEYS_HELP}`);
}
