/**
 * Runs the local content gateway until interrupted:
 *   tsx src/storage/node/gateway-main.ts [--dir .caduceus/blocks] [--port 8180] [--host 127.0.0.1]
 */
import { parseArgs } from "node:util";
import { DEFAULT_GATEWAY_PORT, startGateway } from "./gateway-server.ts";

const { values } = parseArgs({
  options: {
    dir: { type: "string", default: ".caduceus/blocks" },
    port: { type: "string", default: String(DEFAULT_GATEWAY_PORT) },
    host: { type: "string", default: "127.0.0.1" },
  },
});
const gateway = await startGateway({ dir: values.dir, port: Number(values.port), host: values.host });
console.log(`Caduceus content gateway on ${gateway.url} (blocks in ${values.dir})`);
const stop = () => {
  gateway.close().then(() => process.exit(0));
};
process.once("SIGINT", stop);
process.once("SIGTERM", stop);
