/**
 * The web app's build. The deployments file (chain id, RPC URL, contract addresses, the content
 * gateway) is served at `/deployment.json` by the dev and preview servers and copied into the build,
 * so one build runs against whatever `npm start` (or a public deployment) wrote.
 *
 *   CADUCEUS_DEPLOYMENT=path/to/<chainId>.json   default: ../deployments/31337.json
 */
import { existsSync, readFileSync } from "node:fs";
import type { IncomingMessage, ServerResponse } from "node:http";
import { fileURLToPath } from "node:url";
import react from "@vitejs/plugin-react";
import { defineConfig, type Plugin } from "vite";

const deploymentFile = () =>
  process.env.CADUCEUS_DEPLOYMENT ?? fileURLToPath(new URL("../deployments/31337.json", import.meta.url));

function serveDeployment(_req: IncomingMessage, res: ServerResponse): void {
  const file = deploymentFile();
  res.setHeader("Cache-Control", "no-store");
  res.setHeader("Content-Type", "application/json");
  if (!existsSync(file)) {
    res.statusCode = 404;
    res.end(JSON.stringify({ error: `${file} does not exist: run \`npm start\` first` }));
    return;
  }
  res.end(readFileSync(file));
}

function deployment(): Plugin {
  return {
    name: "caduceus-deployment",
    configureServer(server) {
      server.middlewares.use("/deployment.json", serveDeployment);
    },
    configurePreviewServer(server) {
      server.middlewares.use("/deployment.json", serveDeployment);
    },
    generateBundle() {
      const file = deploymentFile();
      if (existsSync(file)) this.emitFile({ type: "asset", fileName: "deployment.json", source: readFileSync(file) });
    },
  };
}

export default defineConfig({
  plugins: [react(), deployment()],
  build: { target: "es2022", sourcemap: false, chunkSizeWarningLimit: 2048 },
  worker: { format: "es" },
  server: { host: "127.0.0.1" },
});
