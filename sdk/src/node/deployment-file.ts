import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { CaduceusError } from "../errors.ts";
import { parseDeployment, type Deployment } from "../chain/deployments.ts";

/** Default folder of deployments files, relative to the repository root. */
export const DEPLOYMENTS_DIR = "deployments";

/** Reads and validates `deployments/<chainId>.json` (or the file given). */
export async function readDeploymentFile(chainIdOrPath: number | string, dir = DEPLOYMENTS_DIR): Promise<Deployment> {
  const file = typeof chainIdOrPath === "number" ? join(dir, `${chainIdOrPath}.json`) : chainIdOrPath;
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (cause) {
    throw new CaduceusError(
      "DEPLOYMENT_NOT_FOUND",
      `No deployments file at ${file}. Start the local stack with \`npm start\`, or pass the file of your network.`,
      { cause },
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (cause) {
    throw new CaduceusError("DEPLOYMENT_INVALID", `${file} is not valid JSON.`, { cause });
  }
  return parseDeployment(json, file);
}
