import { spawn, type ChildProcess } from "node:child_process";
import { createWriteStream } from "node:fs";
import { createPublicClient, http, type PublicClient } from "viem";
import { hardhat } from "viem/chains";

export const CHAIN_HOST = "127.0.0.1";
export const CHAIN_PORT = 8545;
export const RPC_URL = `http://${CHAIN_HOST}:${CHAIN_PORT}`;

/** A client for the local node, or null when nothing answers on the port. */
export async function probeRpc(url = RPC_URL): Promise<number | null> {
  try {
    const client = createPublicClient({ transport: http(url, { retryCount: 0, timeout: 1_000 }) });
    return await client.getChainId();
  } catch {
    return null;
  }
}

/**
 * Starts `hardhat node` on 127.0.0.1:8545 with its output in `logFile`, and waits until it answers.
 * Refuses to start over another node: two stacks would fight over the deployments file.
 */
export async function startHardhatNode(logFile: string): Promise<{ process: ChildProcess; client: PublicClient }> {
  if ((await probeRpc()) !== null) {
    throw new Error(
      `Something already answers JSON-RPC on ${RPC_URL} (a previous \`npm start\`?). Stop it, then run \`npm start\` again.`,
    );
  }
  const log = createWriteStream(logFile);
  // Its own process group, so stopping the stack stops every process the node started.
  const child = spawn("node_modules/.bin/hardhat", ["node", "--hostname", CHAIN_HOST, "--port", String(CHAIN_PORT)], {
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  child.stdout.pipe(log);
  child.stderr.pipe(log);
  let exited = false;
  child.once("exit", () => (exited = true));

  const deadline = Date.now() + 120_000;
  while ((await probeRpc()) === null) {
    if (exited) throw new Error(`hardhat node exited before answering; see ${logFile}`);
    if (Date.now() > deadline) throw new Error(`hardhat node did not answer on ${RPC_URL} within 120 s; see ${logFile}`);
    await new Promise((r) => setTimeout(r, 250));
  }
  const client = createPublicClient({ chain: hardhat, transport: http(RPC_URL) }) as PublicClient;
  return { process: child, client };
}

/** Stops a process started by `startHardhatNode` together with its process group. */
export function stopProcessGroup(child: ChildProcess): void {
  if (child.pid === undefined || child.exitCode !== null) return;
  try {
    process.kill(-child.pid, "SIGTERM");
  } catch {
    child.kill("SIGTERM");
  }
}

/** Runs a command to completion with inherited output; rejects on a non-zero exit. */
export function run(command: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: "inherit" });
    child.once("error", reject);
    child.once("exit", (code) =>
      code === 0 ? resolve() : reject(new Error(`\`${command} ${args.join(" ")}\` exited with code ${code}`)),
    );
  });
}
