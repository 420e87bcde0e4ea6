/**
 * Which process holds a TCP port, so that `npm start` can say what is in its way instead of failing
 * with EADDRINUSE. Linux only (reads /proc); elsewhere it still says the port is taken.
 */
import { createServer } from "node:net";
import { readdir, readFile, readlink } from "node:fs/promises";

/** Whether 127.0.0.1:`port` can be listened on right now. */
export function isPortFree(port: number, host = "127.0.0.1"): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once("error", () => resolve(false));
    server.listen({ port, host, exclusive: true }, () => server.close(() => resolve(true)));
  });
}

/** Socket inodes listening on `port` (IPv4 and IPv6), from /proc/net/tcp{,6}. */
async function listeningInodes(port: number): Promise<Set<string>> {
  const inodes = new Set<string>();
  const hexPort = port.toString(16).toUpperCase().padStart(4, "0");
  for (const table of ["/proc/net/tcp", "/proc/net/tcp6"]) {
    const text = await readFile(table, "utf8").catch(() => "");
    for (const line of text.split("\n").slice(1)) {
      const fields = line.trim().split(/\s+/);
      // local_address is "ADDR:PORT"; state 0A is LISTEN; the inode is the tenth field.
      if (fields.length > 9 && fields[1]?.endsWith(`:${hexPort}`) && fields[3] === "0A") inodes.add(fields[9]!);
    }
  }
  return inodes;
}

/**
 * The process listening on `port`: "process 1234 (python3 -m http.server 8180)", or a sentence
 * saying it cannot be seen (another user's process), or null when nothing listens there.
 */
export async function portOwner(port: number): Promise<string | null> {
  const inodes = await listeningInodes(port);
  if (inodes.size === 0) return (await isPortFree(port)) ? null : "a process this system does not name";
  const targets = new Set([...inodes].map((inode) => `socket:[${inode}]`));
  for (const pid of await readdir("/proc").catch(() => [] as string[])) {
    if (!/^\d+$/.test(pid)) continue;
    const fds = await readdir(`/proc/${pid}/fd`).catch(() => [] as string[]);
    for (const fd of fds) {
      const link = await readlink(`/proc/${pid}/fd/${fd}`).catch(() => "");
      if (!targets.has(link)) continue;
      const cmdline = (await readFile(`/proc/${pid}/cmdline`, "utf8").catch(() => "")).split("\0").filter(Boolean).join(" ");
      return `process ${pid} (${cmdline.length > 120 ? `${cmdline.slice(0, 117)}…` : cmdline || "unknown command"})`;
    }
  }
  return "a process of another user (`sudo ss -ltnp 'sport = :" + port + "'` names it)";
}

/**
 * Throws the sentence `npm start` prints when `port` is taken: which port, what for, by what, and
 * how to free it. Waits up to `waitMs` for a process that is stopping to let go of it.
 */
export async function assertPortFree(port: number, purpose: string, waitMs = 0): Promise<void> {
  const deadline = Date.now() + waitMs;
  while (!(await isPortFree(port))) {
    if (Date.now() >= deadline) break;
    await new Promise((r) => setTimeout(r, 200));
  }
  if (await isPortFree(port)) return;
  const owner = (await portOwner(port)) ?? "another process";
  const pid = /^process (\d+)/.exec(owner)?.[1];
  throw new Error(
    `port ${port} (${purpose}) is taken by ${owner}: stop it${pid ? ` (\`kill ${pid}\`)` : ""}, then run \`npm start\` again.`,
  );
}
