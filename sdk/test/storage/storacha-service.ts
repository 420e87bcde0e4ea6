/**
 * An in-process Storacha upload service on loopback for end-to-end tests: the real
 * `@storacha/upload-api` service (its in-memory test stores and simulated storage nodes, which
 * accept real HTTP PUTs), served over HTTP, plus the small receipts endpoint the client polls.
 * A space is provisioned for a fresh agent, and the agent gets its key and a base64 delegation
 * exactly as an operator would from `storacha key create` / `storacha delegation create --base64`.
 */
import { once } from "node:events";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { Message, delegate } from "@ucanto/core";
import { Absentee, ed25519 } from "@ucanto/principal";
import { CAR } from "@ucanto/transport";
import * as HTTP from "@ucanto/transport/http";
import { createServer as createUploadServer, connect } from "@storacha/upload-api";
import { cleanupContext, createContext } from "@storacha/upload-api/test/context";
import { provisionProvider } from "@storacha/upload-api/test/utils";
import { base64 } from "multiformats/bases/base64";
import { CID } from "multiformats/cid";
import { identity } from "multiformats/hashes/identity";
import type { StorachaCredentials } from "../../src/storage/storacha-store.ts";

type Context = Awaited<ReturnType<typeof createContext>>;

export interface LocalStoracha {
  url: URL;
  context: Context;
  credentials: StorachaCredentials;
  spaceDid: string;
  /** The bytes of a stored blob (a CAR shard), fetched from the storage node that holds it. */
  readBlob(multihash: Uint8Array): Promise<Uint8Array>;
  close(): Promise<void>;
}

const CAR_CODEC = 0x0202;

export async function startLocalStoracha(): Promise<LocalStoracha> {
  const context = await createContext({ http, requirePaymentPlan: false });
  const service = createUploadServer(context as unknown as Parameters<typeof createUploadServer>[0]);

  const server = http.createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      res.writeHead(500).end(String(error));
    });
  });
  async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const path = new URL(req.url ?? "/", "http://service").pathname;
    if (req.method === "GET" && path.startsWith("/receipt/")) {
      // The client polls here for receipts of tasks the service ran (blob/accept and others).
      const task = CID.parse(path.slice("/receipt/".length));
      const found = await context.agentStore.receipts.get(task as never);
      if (found.error) return void res.writeHead(404).end();
      const message = await Message.build({ receipts: [found.ok] } as never);
      const encoded = CAR.request.encode(message as never);
      res.writeHead(200, encoded.headers as http.OutgoingHttpHeaders).end(encoded.body);
      return;
    }
    if (req.method === "POST") {
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      const response = await service.request({ headers: req.headers as Record<string, string>, body: new Uint8Array(Buffer.concat(chunks)) });
      res.writeHead(response.status ?? 200, response.headers as http.OutgoingHttpHeaders).end(response.body);
      return;
    }
    res.writeHead(404).end();
  }
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const url = new URL(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);

  // A space, provisioned by an account at this service, delegated to a fresh agent.
  const agent = await ed25519.generate();
  const space = await ed25519.generate();
  const account = Absentee.from({ id: "did:mailto:example.org:operator" });
  const provisioned = await provisionProvider({
    service: context.service,
    agent,
    space,
    account,
    connection: context.connection,
  } as unknown as Parameters<typeof provisionProvider>[0]);
  if (provisioned.out.error) throw new Error(`provisioning failed: ${provisioned.out.error.message}`);
  const abilities = ["space/blob/add", "space/index/add", "filecoin/offer", "upload/add", "upload/get", "upload/list"];
  const delegation = await delegate({
    issuer: space,
    audience: agent,
    capabilities: abilities.map((can) => ({ with: space.did(), can })) as never,
    expiration: Infinity,
  });
  const archive = await delegation.archive();
  if (archive.error) throw archive.error;
  const proof = CID.createV1(CAR_CODEC, identity.digest(archive.ok)).toString(base64);

  const connection = connect({ id: context.id, channel: HTTP.open({ url, method: "POST" }) } as never);
  const serviceConf = { access: connection, upload: connection, filecoin: connection, gateway: connection };

  return {
    url,
    context,
    spaceDid: space.did(),
    credentials: {
      key: ed25519.format(agent),
      proof,
      serviceConf: serviceConf as unknown as StorachaCredentials["serviceConf"],
      receiptsEndpoint: new URL("/receipt/", url),
    },
    async readBlob(multihash) {
      const { Digest } = await import("multiformats/hashes/digest").then((m) => ({ Digest: m }));
      const found = await context.blobRetriever.stream(Digest.decode(multihash) as never);
      if (found.error) throw new Error(`blob not found: ${found.error.message}`);
      const parts: Uint8Array[] = [];
      for await (const part of found.ok as unknown as AsyncIterable<Uint8Array>) parts.push(part);
      return new Uint8Array(Buffer.concat(parts));
    },
    async close() {
      server.closeAllConnections();
      server.close();
      await cleanupContext(context);
    },
  };
}
