import { spawn, type ChildProcess } from "node:child_process";
import { createWriteStream } from "node:fs";
import { readFile, rm, writeFile } from "node:fs/promises";
import { createPublicClient, http, type PublicClient } from "viem";
import { hardhat } from "viem/chains";
import { assertPortFree, portOwner } from "./ports.js";

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
 * A node a previous `npm start` left behind (it was killed before it could stop its node): found
 * by the process id it wrote next to its log, and only if that process is still our
 * `hardhat node` on this port. Stops it and waits for the port; returns whether there was one.
 */
async function stopLeftoverNode(pidFile: string): Promise<boolean> {
  const pid = Number(await readFile(pidFile, "utf8").catch(() => ""));
  if (!Number.isSafeInteger(pid) || pid <= 0) return false;
  const cmdline = await readFile(`/proc/${pid}/cmdline`, "utf8").catch(() => "");
  if (!(cmdline.includes("hardhat") && cmdline.includes("node") && cmdline.includes(String(CHAIN_PORT)))) return false;
  try {
    process.kill(-pid, "SIGTERM");
  } catch {
    return false;
  }
  const deadline = Date.now() + 10_000;
  while ((await probeRpc()) !== null && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
  await rm(pidFile, { force: true });
  console.log(`stopped the Hardhat node an earlier start left running (process ${pid})`);
  return true;
}

/**
 * Starts `hardhat node` on 127.0.0.1:8545 with its output in `logFile` (its process id in
 * `<logFile>.pid`), and waits until it answers. A node left by an earlier start that died is
 * stopped first; any other process on the port is refused: two stacks would fight over the
 * deployments file.
 */
export async function startHardhatNode(logFile: string): Promise<{ process: ChildProcess; client: PublicClient }> {
  const pidFile = `${logFile}.pid`;
  if ((await probeRpc()) !== null && !(await stopLeftoverNode(pidFile))) {
    const owner = (await portOwner(CHAIN_PORT)) ?? "another process";
    const pid = /^process (\d+)/.exec(owner)?.[1];
    throw new Error(
      `port ${CHAIN_PORT} (the chain) is taken by ${owner}, which already answers JSON-RPC on ${RPC_URL} (another \`npm start\`?): ` +
        `stop it${pid ? ` (\`kill ${pid}\`)` : ""}, then run \`npm start\` again.`,
    );
  }
  // Something that is not a node (or not answering) on the port: hardhat node would only say EADDRINUSE.
  await assertPortFree(CHAIN_PORT, "the chain's JSON-RPC", 5_000);
  const log = createWriteStream(logFile);
  // Its own process group, so stopping the stack stops every process the node started.
  const child = spawn("node_modules/.bin/hardhat", ["--network", "stack", "node", "--hostname", CHAIN_HOST, "--port", String(CHAIN_PORT)], {
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  await writeFile(pidFile, String(child.pid));
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

/**
 * Mines a block at `timestamp` (seconds) if the node's clock is behind it; later blocks follow on
 * from there. The stack's chain starts in the past (`stack` in hardhat.config.ts), so the seed moves
 * it forward in steps to give the demo a history, and finally to the present.
 */
export async function mineAt(client: PublicClient, timestamp: number): Promise<void> {
  if (timestamp <= Number((await client.getBlock()).timestamp)) return;
  const rpc = client.request as (args: { method: string; params: unknown[] }) => Promise<unknown>;
  await rpc({ method: "evm_setNextBlockTimestamp", params: [timestamp] });
  await rpc({ method: "evm_mine", params: [] });
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
