/**
 * Runs code in headless Chromium through the DevTools protocol (Node 22's built-in WebSocket), so
 * the browser claims of the crypto layer are checked in a real browser without extra packages.
 * Needs `/usr/bin/chromium` (Debian: `apt-get install -y chromium`).
 */
import { spawn } from "node:child_process";
import { createServer } from "node:http";
import { once } from "node:events";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

export const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
export const chromiumAvailable = () => existsSync(CHROMIUM);

async function bundleEntry(): Promise<string> {
  const result = await build({
    entryPoints: [fileURLToPath(new URL("browser-entry.ts", import.meta.url))],
    bundle: true,
    platform: "browser",
    format: "iife",
    write: false,
    logLevel: "silent",
  });
  return result.outputFiles[0]!.text;
}

/** Chromium's helper processes may still write for a moment after the browser exits: retry, then give up quietly. */
async function removeProfile(profile: string): Promise<void> {
  for (let attempt = 0; attempt < 10; attempt++) {
    try {
      rmSync(profile, { recursive: true, force: true });
      return;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
}

/** Evaluates `expression` (which may await `caduceusBrowser*` functions) in a fresh page; returns its JSON value. */
export async function inChromium<T>(expression: string, timeoutMs = 120_000): Promise<T> {
  const script = await bundleEntry();
  // WebCrypto's subtle API exists only in secure contexts: http://127.0.0.1 is one, about:blank is not.
  const server = createServer((_, response) => response.end("<!doctype html><title>caduceus crypto</title>"));
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const address = server.address();
  const pageUrl = `http://127.0.0.1:${typeof address === "object" && address !== null ? address.port : 0}/`;
  const profile = mkdtempSync(join(tmpdir(), "caduceus-chromium-"));
  const browser = spawn(
    CHROMIUM,
    [
      "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-quic",
      "--no-first-run", "--disable-component-update", "--disable-sync", "--remote-debugging-port=0",
      `--user-data-dir=${profile}`, pageUrl,
    ],
    { stdio: ["ignore", "ignore", "pipe"] },
  );
  try {
    const endpoint = await new Promise<string>((resolve, reject) => {
      let log = "";
      const timer = setTimeout(() => reject(new Error(`Chromium did not start:\n${log}`)), 30_000);
      browser.stderr!.on("data", (chunk: Buffer) => {
        log += chunk.toString();
        const match = /DevTools listening on (ws:\/\/\S+)/.exec(log);
        if (match) {
          clearTimeout(timer);
          resolve(match[1]!);
        }
      });
      browser.on("exit", (code) => reject(new Error(`Chromium exited with ${code}:\n${log}`)));
    });
    const port = new URL(endpoint).port;
    const pages = (await (await fetch(`http://127.0.0.1:${port}/json/list`)).json()) as { type: string; url: string; webSocketDebuggerUrl: string }[];
    const page = pages.find((p) => p.type === "page" && p.url.startsWith(pageUrl))!;
    const socket = new WebSocket(page.webSocketDebuggerUrl);
    await new Promise((resolve, reject) => {
      socket.onopen = resolve;
      socket.onerror = reject;
    });
    let nextId = 0;
    const call = (method: string, params: object) =>
      new Promise<{ result?: { result: { value?: unknown }; exceptionDetails?: { exception?: { description?: string } } } }>(
        (resolve, reject) => {
          const id = ++nextId;
          const timer = setTimeout(() => reject(new Error(`${method} timed out`)), timeoutMs);
          socket.addEventListener("message", function onMessage(event) {
            const message = JSON.parse(String(event.data));
            if (message.id !== id) return;
            clearTimeout(timer);
            socket.removeEventListener("message", onMessage);
            resolve(message);
          });
          socket.send(JSON.stringify({ id, method, params }));
        },
      );
    // Inject only once our page (not the initial about:blank, which is no secure context) has
    // loaded, or the load would replace the injected globals.
    const ready = `location.href === ${JSON.stringify(pageUrl)} && document.readyState === "complete" && isSecureContext`;
    for (let tries = 0; ; tries++) {
      const state = await call("Runtime.evaluate", { expression: ready, returnByValue: true });
      if (state.result?.result.value === true) break;
      if (tries > 100) throw new Error("the page did not load");
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const injected = await call("Runtime.evaluate", { expression: script });
    if (injected.result?.exceptionDetails !== undefined) throw new Error("the bundle failed to load in Chromium");
    const response = await call("Runtime.evaluate", { expression, awaitPromise: true, returnByValue: true });
    socket.close();
    const details = response.result?.exceptionDetails;
    if (details !== undefined) throw new Error(`in Chromium: ${details.exception?.description ?? JSON.stringify(details)}`);
    return response.result!.result.value as T;
  } finally {
    // Only the browser this function started; wait for it so that its profile can be removed.
    if (browser.exitCode === null) {
      const exited = once(browser, "exit");
      browser.kill();
      await exited;
    }
    server.close();
    await removeProfile(profile);
  }
}
