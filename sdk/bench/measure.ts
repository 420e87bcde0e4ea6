/**
 * Runs one child process and measures it: wall time around the whole process (start-up included)
 * and the child's own peak RSS and CPU time. These come from `/usr/bin/time -f "%M %U %S"` (GNU
 * time: the child's rusage from wait4) when installed; without it, peak RSS is polled from VmHWM
 * in /proc/<pid>/status and CPU time is not recorded.
 */
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { readFile, rm } from "node:fs/promises";

export const GNU_TIME = "/usr/bin/time";
export const hasGnuTime = existsSync(GNU_TIME);

export interface Measured {
  wallSeconds: number;
  peakRssMiB: number;
  /** How peakRssMiB was obtained. */
  rssSource: "gnu-time" | "vmhwm-poll";
  /** User + system CPU seconds of the process (all threads); only with /usr/bin/time. */
  cpuSeconds?: number;
  stdout: string;
}

export async function measureProcess(command: string, args: string[], options: { cwd?: string; rssFile: string }): Promise<Measured> {
  const argv = hasGnuTime ? [GNU_TIME, "-f", "%M %U %S", "-o", options.rssFile, command, ...args] : [command, ...args];
  let polledKiB = 0;
  const started = performance.now();
  const child = spawn(argv[0], argv.slice(1), { cwd: options.cwd, stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout.setEncoding("utf8").on("data", (text: string) => (stdout += text));
  child.stderr.setEncoding("utf8").on("data", (text: string) => (stderr += text));
  const poll = hasGnuTime
    ? undefined
    : setInterval(() => {
        readFile(`/proc/${child.pid}/status`, "utf8")
          .then((status) => {
            const match = /^VmHWM:\s+(\d+)\s+kB/m.exec(status);
            if (match) polledKiB = Math.max(polledKiB, Number(match[1]));
          })
          .catch(() => {});
      }, 5);
  const code = await new Promise<number | null>((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (exitCode) => resolve(exitCode));
  });
  const wallSeconds = (performance.now() - started) / 1000;
  if (poll) clearInterval(poll);
  if (code !== 0) {
    throw new Error(`${[command, ...args].join(" ")} exited with code ${code}:\n${stderr.trim() || stdout.trim()}`);
  }
  let peakKiB = polledKiB;
  let cpuSeconds: number | undefined;
  if (hasGnuTime) {
    const text = await readFile(options.rssFile, "utf8");
    await rm(options.rssFile, { force: true });
    const [maxRss, user, system] = (text.trim().split("\n").at(-1) ?? "").split(" ").map(Number);
    if (![maxRss, user, system].every(Number.isFinite)) throw new Error(`unexpected ${GNU_TIME} output: ${text}`);
    peakKiB = maxRss;
    cpuSeconds = user + system;
  }
  return { wallSeconds, peakRssMiB: peakKiB / 1024, rssSource: hasGnuTime ? "gnu-time" : "vmhwm-poll", cpuSeconds, stdout };
}

/** The JSON report a caduceus child prints as its last stdout line. */
export function lastJsonLine<T>(stdout: string): T {
  const line = stdout.trim().split("\n").at(-1) ?? "";
  try {
    return JSON.parse(line) as T;
  } catch {
    throw new Error(`child printed no JSON report:\n${stdout}`);
  }
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}
