/**
 * The local content store's HTTP face (node:http only). Reads follow the IPFS trustless gateway
 * spec, so any IPFS tooling can fetch and verify from it:
 *   GET|HEAD /ipfs/{cid}?format=raw   (or Accept: application/vnd.ipld.raw)  one block
 *   GET|HEAD /ipfs/{cid}?format=car   (or Accept: application/vnd.ipld.car)  the DAG as CARv1, dfs
 *   GET|HEAD /ipfs/{cid}                                                      the file's bytes
 *   POST /api/v0/upload   body: a CAR. Every block is checked against its CID and staged; only a
 *                         fully valid CAR is stored (all or nothing). Answers {cid, roots, blocks}.
 * Status codes: 400 bad CID or request, 404 not stored, 405 wrong method, 406 unsupported format,
 * 413 oversized block, 422 a block that does not match its CID or an incomplete DAG.
 * Raw and CAR responses are served as stored: verifying them is the client's job (trustless);
 * the deserialized file is verified here, and the response is cut off at the first bad block.
 */
import { once } from "node:events";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { pipeline } from "node:stream/promises";
import { CAR_CONTENT_TYPE, RAW_CONTENT_TYPE, readCar, writeCar } from "../car.ts";
import { parseCid, RAW_CODEC, type CID } from "../cid.ts";
import { CaduceusError } from "../../errors.ts";
import { ContentMismatchError, ContentNotFoundError, InvalidCidError } from "../errors.ts";
import type { Sha256Engine } from "../hasher.ts";
import { decodeFileNode, readFile, verifyBlock, walkFileBlocks, type BlockFetcher } from "../verified-read.ts";
import { FsBlockstore, type BlockBatch } from "./fs-blockstore.ts";
import { sharedNodeSha256 } from "./hasher.ts";

export const DEFAULT_GATEWAY_PORT = 8180;
/** A 1 MiB leaf plus room for a dag-pb node of 1024 links; anything larger is not ours. */
const MAX_BLOCK_BYTES = 2 * 1024 * 1024;

export interface GatewayOptions {
  /** Directory of the block store (created if missing). */
  dir: string;
  /** Default 8180; 0 picks a free port. */
  port?: number;
  /** Default 127.0.0.1: the store accepts uploads, so it is not exposed unless asked. */
  host?: string;
  /**
   * Origins allowed to read and upload from a browser: "*" or a list. Default: any
   * http://localhost, 127.0.0.1 or [::1] origin (the web app in development).
   */
  corsOrigins?: "*" | string[];
  hasher?: Sha256Engine;
}

export interface RunningGateway {
  /** e.g. http://127.0.0.1:8180 */
  url: string;
  port: number;
  blockstore: FsBlockstore;
  close(): Promise<void>;
}

export async function startGateway(options: GatewayOptions): Promise<RunningGateway> {
  const blockstore = new FsBlockstore(options.dir);
  const hasher = options.hasher ?? sharedNodeSha256();
  const host = options.host ?? "127.0.0.1";
  const handler = new GatewayHandler(blockstore, hasher, options.corsOrigins);
  const server = createServer((req, res) => {
    handler.handle(req, res).catch((error: unknown) => {
      // Headers already sent: the only honest signal left is to cut the connection.
      if (res.headersSent) res.destroy(error instanceof Error ? error : undefined);
      else sendError(res, 500, `Internal error: ${error instanceof Error ? error.message : String(error)}`);
    });
  });
  server.listen(options.port ?? DEFAULT_GATEWAY_PORT, host);
  await once(server, "listening");
  const { port } = server.address() as AddressInfo;
  const shownHost = host.includes(":") ? `[${host}]` : host;
  return {
    url: `http://${shownHost}:${port}`,
    port,
    blockstore,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
    },
  };
}

type Format = "raw" | "car" | "file";

class GatewayHandler {
  constructor(
    readonly blocks: FsBlockstore,
    readonly hasher: Sha256Engine,
    readonly corsOrigins: "*" | string[] | undefined,
  ) {}

  async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    this.#cors(req, res);
    const url = new URL(req.url ?? "/", "http://gateway");
    if (req.method === "OPTIONS") {
      res.writeHead(204).end();
      return;
    }
    if (url.pathname === "/api/v0/upload") {
      if (req.method !== "POST") return sendError(res, 405, "Use POST with a CAR body.", { Allow: "POST, OPTIONS" });
      return this.#upload(req, res);
    }
    if (url.pathname.startsWith("/ipfs/")) {
      if (req.method !== "GET" && req.method !== "HEAD") return sendError(res, 405, "Use GET or HEAD.", { Allow: "GET, HEAD, OPTIONS" });
      return this.#serve(req, res, url);
    }
    sendError(res, 404, "Not found. Content is under /ipfs/{cid}; uploads go to POST /api/v0/upload.");
  }

  async #serve(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const [cidText, ...path] = url.pathname.slice("/ipfs/".length).split("/");
    if (path.some((segment) => segment !== "")) return sendError(res, 400, "Paths inside a CID are not supported: records are single files.");
    let cid: CID;
    try {
      cid = parseCid(decodeURIComponent(cidText));
    } catch (error) {
      return sendError(res, 400, error instanceof InvalidCidError ? error.message : `Invalid CID: ${cidText}`);
    }
    const format = negotiate(url.searchParams.get("format"), req.headers.accept);
    if (format === undefined) {
      return sendError(res, 406, "Not acceptable: this gateway serves format=raw (application/vnd.ipld.raw), format=car (application/vnd.ipld.car) or the file itself.");
    }
    const root = await this.blocks.get(cid);
    if (root === undefined) return sendError(res, 404, new ContentNotFoundError(cid.toString(), "this gateway").message);
    const head = req.method === "HEAD";
    const common = {
      "X-Ipfs-Path": `/ipfs/${cid}`,
      "X-Ipfs-Roots": cid.toString(),
      "X-Content-Type-Options": "nosniff",
      // Content under a CID never changes.
      "Cache-Control": "public, max-age=29030400, immutable",
    };

    if (format === "raw") {
      res.writeHead(200, {
        ...common,
        "Content-Type": RAW_CONTENT_TYPE,
        "Content-Length": root.length,
        "Content-Disposition": `attachment; filename="${cid}.bin"`,
        ETag: `"${cid}.raw"`,
      });
      res.end(head ? undefined : root);
      return;
    }

    const fetchBlock: BlockFetcher = (c) => (c.equals(cid) ? Promise.resolve(root) : this.blocks.get(c));
    if (format === "car") {
      const scope = url.searchParams.get("dag-scope") ?? "all";
      if (!["all", "entity", "block"].includes(scope)) return sendError(res, 400, `Unknown dag-scope ${scope}: use all, entity or block.`);
      res.writeHead(200, {
        ...common,
        "Content-Type": `${CAR_CONTENT_TYPE}; version=1; order=dfs; dups=y`,
        "Content-Disposition": `attachment; filename="${cid}.car"`,
        ETag: `"${cid}.car.${scope}"`,
      });
      if (head) return void res.end();
      const blocks = scope === "block" ? [{ cid, bytes: root }] : walkFileBlocks(cid, fetchBlock, { verify: false, hasher: this.hasher });
      await pipeline(writeCar([cid], blocks), res);
      return;
    }

    const size = cid.code === RAW_CODEC ? root.length : decodeFileNode(cid, root).fileSize;
    res.writeHead(200, {
      ...common,
      "Content-Type": "application/octet-stream",
      "Content-Length": size,
      ETag: `"${cid}"`,
    });
    if (head) return void res.end();
    await pipeline(readFile(cid, fetchBlock, { hasher: this.hasher, sourceName: "this gateway" }), res);
  }

  async #upload(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const batch = await this.blocks.batch();
    // Kept (not destroyed on early return) so that a refused upload can be drained through it.
    const body = req.iterator({ destroyOnReturn: false });
    try {
      const answer = await this.#stage(body, batch);
      await batch.commit();
      res.writeHead(200, { "Content-Type": "application/json" }).end(JSON.stringify(answer));
    } catch (error) {
      await batch.discard();
      // Read the rest of the body so that the client sees the answer, not a reset connection.
      // (Through the same iterator: its listener would keep a plain resume() from flowing.)
      while (!(await body.next()).done);
      if (error instanceof UploadRefusal) return sendError(res, error.status, error.message);
      throw error;
    }
  }

  async #stage(body: AsyncIterable<Uint8Array>, batch: BlockBatch): Promise<{ cid: string | null; roots: string[]; blocks: number }> {
    let car: Awaited<ReturnType<typeof readCar>>;
    try {
      car = await readCar(body);
    } catch (cause) {
      throw new UploadRefusal(400, `The body is not a CAR file: ${cause instanceof Error ? cause.message : String(cause)}`);
    }
    const roots = car.roots.map((root) => parseCidOrRefuse(root.toString()));
    let count = 0;
    try {
      for await (const block of car.blocks) {
        const cid = parseCidOrRefuse(block.cid.toString());
        if (block.bytes.length > MAX_BLOCK_BYTES) throw new UploadRefusal(413, `Block ${cid} has ${block.bytes.length} bytes; blocks are at most ${MAX_BLOCK_BYTES}.`);
        await verifyBlock(cid, block.bytes, this.hasher);
        await batch.put(cid, block.bytes);
        count++;
      }
    } catch (error) {
      if (error instanceof UploadRefusal) throw error;
      if (error instanceof ContentMismatchError) throw new UploadRefusal(422, `${error.message} The upload was refused and nothing was stored.`);
      throw new UploadRefusal(400, `The CAR could not be read: ${error instanceof Error ? error.message : String(error)}`);
    }
    // A named root must be complete (counting blocks stored by earlier shards of the same file).
    for (const root of roots) {
      try {
        for await (const _ of walkFileBlocks(root, (c) => batch.get(c), { verify: false, sourceName: "the upload or the store" }));
      } catch (error) {
        if (error instanceof CaduceusError) throw new UploadRefusal(422, `The DAG under root ${root} is incomplete or not a file: ${error.message} Nothing was stored.`);
        throw error;
      }
    }
    return { cid: roots[0]?.toString() ?? null, roots: roots.map(String), blocks: count };
  }

  #cors(req: IncomingMessage, res: ServerResponse): void {
    const origin = req.headers.origin;
    if (origin === undefined || !originAllowed(origin, this.corsOrigins)) return;
    res.setHeader("Access-Control-Allow-Origin", this.corsOrigins === "*" ? "*" : origin);
    res.setHeader("Vary", "Origin");
    res.setHeader("Access-Control-Allow-Methods", "GET, HEAD, POST, OPTIONS");
    res.setHeader("Access-Control-Allow-Headers", "Accept, Content-Type");
    res.setHeader("Access-Control-Expose-Headers", "Content-Length, Content-Type, Content-Disposition, ETag, X-Ipfs-Path, X-Ipfs-Roots");
    res.setHeader("Access-Control-Max-Age", "600");
    // Chrome's Private Network Access preflight for a public page calling localhost.
    if (req.headers["access-control-request-private-network"] === "true") res.setHeader("Access-Control-Allow-Private-Network", "true");
  }
}

class UploadRefusal extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

function parseCidOrRefuse(text: string): CID {
  try {
    return parseCid(text);
  } catch (error) {
    throw new UploadRefusal(400, error instanceof Error ? error.message : String(error));
  }
}

/** `?format=` wins over Accept (as the spec says); undefined means nothing we can serve. */
function negotiate(format: string | null, accept: string | undefined): Format | undefined {
  if (format !== null) return format === "raw" ? "raw" : format === "car" ? "car" : undefined;
  if (accept === undefined || accept.trim() === "") return "file";
  const types = accept.split(",").map((entry) => entry.split(";")[0].trim().toLowerCase());
  if (types.includes(RAW_CONTENT_TYPE)) return "raw";
  if (types.includes(CAR_CONTENT_TYPE)) return "car";
  if (types.some((type) => type === "*/*" || type === "application/*" || type === "application/octet-stream")) return "file";
  return undefined;
}

const LOOPBACK_ORIGIN = /^https?:\/\/(localhost|127\.0\.0\.1|\[::1\])(:\d+)?$/;

function originAllowed(origin: string, allowed: "*" | string[] | undefined): boolean {
  if (allowed === "*") return true;
  if (allowed === undefined) return LOOPBACK_ORIGIN.test(origin);
  return allowed.includes(origin);
}

function sendError(res: ServerResponse, status: number, message: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, { ...headers, "Content-Type": "text/plain; charset=utf-8" }).end(`${message}\n`);
}
