/** The page's side of the crypto worker: one worker per page, started on first use. */
import type { Deployment } from "@caduceus/sdk/chain/deployments";
import { BaseError, type Hex } from "viem";
import { errorMessage } from "../errors.ts";
import type { PrepareProgress, SignerReply, WorkerMessage, WorkerRequest, WorkerResults } from "./protocol.ts";

/** An error that crossed the worker boundary, with the client library's code when it had one. */
export class WorkerError extends Error {
  constructor(
    name: string,
    message: string,
    readonly code?: string,
  ) {
    super(message);
    this.name = name;
  }
}

/** Sends a transaction the worker simulated (the page's wallet signs); resolves with its hash. */
export type PageSigner = (request: unknown) => Promise<Hex>;

type Pending = {
  resolve: (value: unknown) => void;
  reject: (error: Error) => void;
  progress?: (p: PrepareProgress) => void;
  signer?: PageSigner;
};

let worker: Worker | undefined;
let deploymentForWorker: Deployment | undefined;
let initialised: Promise<unknown> | undefined;
let nextId = 1;
const pending = new Map<number, Pending>();

function start(): Worker {
  if (worker) return worker;
  worker = new Worker(new URL("./worker.ts", import.meta.url), { type: "module", name: "caduceus-crypto" });
  worker.onmessage = (event: MessageEvent<WorkerMessage>) => {
    const message = event.data;
    const entry = pending.get(message.id);
    if (!entry) return;
    if ("progress" in message) {
      entry.progress?.(message.progress);
      return;
    }
    if ("sign" in message) {
      const { seq, request } = message.sign;
      const reply = (signerReply: SignerReply) => worker!.postMessage({ signerReply });
      if (!entry.signer) {
        reply({ seq, error: { message: "This action cannot send transactions." } });
        return;
      }
      entry.signer(request).then(
        (hash) => reply({ seq, hash }),
        (error: unknown) => {
          const code = (error as { code?: unknown }).code;
          const rejected = error instanceof BaseError && error.walk((e) => (e as { code?: unknown }).code === 4001);
          reply({ seq, error: { message: errorMessage(error), code: rejected ? 4001 : typeof code === "number" ? code : undefined } });
        },
      );
      return;
    }
    pending.delete(message.id);
    if (message.ok) entry.resolve(message.result);
    else entry.reject(new WorkerError(message.error.name, message.error.message, message.error.code));
  };
  worker.onerror = (event) => {
    const error = new WorkerError("WorkerError", event.message || "The crypto worker failed to start.");
    for (const entry of pending.values()) entry.reject(error);
    pending.clear();
  };
  return worker;
}

function send<R extends WorkerRequest>(
  request: R,
  progress?: (p: PrepareProgress) => void,
  transfer: Transferable[] = [],
  signer?: PageSigner,
): Promise<WorkerResults[R["op"]]> {
  const id = nextId++;
  return new Promise((resolve, reject) => {
    pending.set(id, { resolve: resolve as (v: unknown) => void, reject, progress, signer });
    start().postMessage({ id, request }, transfer);
  });
}

/** Names the deployment; the worker (and its crypto code) loads on the first call that needs it. */
export function initCrypto(deployment: Deployment): void {
  if (deploymentForWorker && deploymentForWorker !== deployment) initialised = undefined;
  deploymentForWorker = deployment;
}

export async function cryptoCall<R extends WorkerRequest>(
  request: R,
  progress?: (p: PrepareProgress) => void,
  transfer?: Transferable[],
  signer?: PageSigner,
): Promise<WorkerResults[R["op"]]> {
  if (!deploymentForWorker) throw new Error("initCrypto(deployment) must be called first");
  initialised ??= send({ op: "init", deployment: deploymentForWorker });
  await initialised;
  return send(request, progress, transfer, signer);
}
