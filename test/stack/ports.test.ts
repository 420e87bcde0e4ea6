import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { describe, it } from "node:test";
import { isPortFree, portOwner } from "../../scripts/stack/ports.js";

/** A process that holds `port` (0: any free one) until killed; resolves with it and its port. */
async function holdPort(port: number): Promise<{ child: ChildProcess; port: number }> {
  const child = spawn(
    process.execPath,
    ["-e", `const s = require("node:net").createServer().listen(${port}, "127.0.0.1", () => console.log(s.address().port)); setInterval(() => {}, 1e6);`],
    { stdio: ["ignore", "pipe", "inherit"] },
  );
  const [line] = (await once(child.stdout!, "data")) as [Buffer];
  return { child, port: Number(line.toString().trim()) };
}

const gatewayPortFree = await isPortFree(8180);
const chainPortFree = await isPortFree(8545);

/** `npm start -- --check` (scripts/start.ts), its exit code and output. */
async function start(): Promise<{ code: number; output: string }> {
  const child = spawn("npx", ["tsx", "scripts/start.ts", "--check"], { stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  child.stdout.on("data", (b) => (output += b));
  child.stderr.on("data", (b) => (output += b));
  const [code] = (await once(child, "exit")) as [number];
  return { code, output };
}

describe("npm start's ports", () => {
  it("names the process that holds a port", async () => {
    const { child, port } = await holdPort(0);
    try {
      assert.equal(await isPortFree(port), false);
      const owner = await portOwner(port);
      // The command line is cut at 120 characters, so a long install path (a fresh clone's
      // .toolchain/) may leave only the Node binary's path.
      assert.ok(owner?.startsWith(`process ${child.pid} (${process.execPath.slice(0, 100)}`), owner ?? "no owner");
    } finally {
      child.kill();
    }
    await once(child, "exit");
    assert.equal(await portOwner(port), null, "nothing listens once it is gone");
  });

  it("npm start refuses a taken content-store port, saying which port and by what", { skip: !gatewayPortFree && "8180 is in use here", timeout: 120_000 }, async () => {
    const { child } = await holdPort(8180);
    try {
      const { code, output } = await start();
      assert.equal(code, 1, output);
      assert.match(
        output,
        new RegExp(`npm start failed: port 8180 \\(the content store\\) is taken by process ${child.pid} \\(.*\\): stop it \\(\`kill ${child.pid}\`\\), then run \`npm start\` again\\.`),
      );
      assert.doesNotMatch(output, /compiling contracts/, "refused before starting anything");
    } finally {
      child.kill();
    }
  });

  it("npm start refuses a chain port held by something that is not a node, saying which port and by what", { skip: !chainPortFree && "8545 is in use here", timeout: 300_000 }, async () => {
    const { child } = await holdPort(8545);
    try {
      const { code, output } = await start();
      assert.equal(code, 1, output);
      assert.match(
        output,
        new RegExp(`npm start failed: port 8545 \\(the chain's JSON-RPC\\) is taken by process ${child.pid} \\(.*\\): stop it \\(\`kill ${child.pid}\`\\), then run \`npm start\` again\\.`),
      );
    } finally {
      child.kill();
    }
  });
});
