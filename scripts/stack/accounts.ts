/**
 * The demo cast of the local stack: Hardhat's public development accounts (funded on every Hardhat
 * node), one fixed index per role so that the same addresses come back on every start. Their keys
 * are published test keys — for importing into MetaMask on the local chain, never on a real network.
 */
import { createWalletClient, http, type Address, type Hex, type PublicClient } from "viem";
import { mnemonicToAccount, privateKeyToAccount, type PrivateKeyAccount } from "viem/accounts";
import { hardhat } from "viem/chains";
import { CaduceusChain, type SignerClient } from "@caduceus/sdk/chain/client";
import type { Deployment } from "@caduceus/sdk/chain/deployments";
import { DEMO, DEV_MNEMONIC, demoRoles, HOSPITAL_NAMES } from "./demo-roles.js";

// The role → account list lives in demo-roles.ts, shared with the web app's demo wallet.
export { DEMO, HOSPITAL_NAMES };

export function devPrivateKey(index: number): Hex {
  const key = mnemonicToAccount(DEV_MNEMONIC, { addressIndex: index }).getHdKey().privateKey!;
  return `0x${Buffer.from(key).toString("hex")}`;
}

/** A development account as a local signer (demo only). */
export function devAccount(index: number): PrivateKeyAccount {
  return privateKeyToAccount(devPrivateKey(index));
}

/** The client library acting as a development account. */
export function demoChain(deployment: Deployment, client: PublicClient, account: PrivateKeyAccount): CaduceusChain {
  return new CaduceusChain(
    deployment,
    client,
    createWalletClient({ account, chain: hardhat, transport: http(deployment.rpcUrl) }) as SignerClient,
  );
}

export interface DemoAccountRow {
  role: string;
  address: Address;
  privateKey: Hex;
  /** What the seed gave this account, if anything worth knowing. */
  note: string;
}

/** Every demo account with what it is for, in the order the table lists them. */
export function demoAccounts(patients: number, notes: Record<number, string> = {}): DemoAccountRow[] {
  return demoRoles(patients).map(({ label: role, index }) => ({
    role,
    address: devAccount(index).address,
    privateKey: devPrivateKey(index),
    note: notes[index] ?? "",
  }));
}

/** The rows as a plain-text table. */
export function formatTable(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join("  ").trimEnd();
  return [line(header), line(widths.map((w) => "-".repeat(w))), ...rows.map(line)].join("\n");
}
