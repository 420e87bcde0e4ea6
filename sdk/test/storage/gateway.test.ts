import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { readFile, writeFile } from "node:fs/promises";
import { after, before, describe, it } from "node:test";
import * as dagPb from "@ipld/dag-pb";
import { readCar, writeCar } from "../../src/storage/car.ts";
import { CID, encodeFile, type Block } from "../../src/storage/cid.ts";
import { ContentMismatchError, ContentNotFoundError, StorageRejectedError, StorageUnavailableError } from "../../src/storage/errors.ts";
import { GatewayContentStore } from "../../src/storage/gateway-client.ts";
import { toHex } from "../../src/storage/hasher.ts";
import { startGateway, type RunningGateway } from "../../src/storage/node/gateway-server.ts";
import { nodeSha256 } from "../../src/storage/node/hasher.ts";
import { collect, EDGE_SIZES, liveBytes, MiB, pieces, randomBytes, repeatingSource, tempDir } from "./helpers.ts";

const hasher = nodeSha256();
let gateway: RunningGateway;
let store: GatewayContentStore;

before(async () => {
  const dir = await tempDir({ after });
  gateway = await startGateway({ dir, port: 0, hasher });
  store = new GatewayContentStore({ url: gateway.url, hasher });
});
after(async () => {
  await gateway.close();
  await hasher.close?.();
});

async function blocksOf(bytes: Uint8Array): Promise<{ root: CID; blocks: Block[] }> {
  const encoding = encodeFile([bytes], { hasher });
  const blocks: Block[] = [];
  for await (const block of encoding.blocks) blocks.push(block);
  return { root: (await encoding.done).cid, blocks };
}

async function carBody(roots: CID[], blocks: Block[]): Promise<Blob> {
  const parts: Uint8Array<ArrayBuffer>[] = [];
  for await (const chunk of writeCar(roots, blocks)) parts.push(chunk as Uint8Array<ArrayBuffer>);
  return new Blob(parts);
}

function sha256(bytes: Uint8Array): string {
  return createHash("sha256").update(bytes).digest("hex");
}

describe("gateway content store (client + local gateway)", () => {
  for (const size of EDGE_SIZES) {
    it(`round-trips ${size} random bytes`, async () => {
      const bytes = randomBytes(size);
      const stored = await store.put(pieces(bytes));
      assert.equal(stored.size, size);
      assert.equal(await store.has(stored.cid), true);
      assert.deepEqual(await collect(store.get(stored.cid)), bytes);
    });
  }

  it("uploads in several CAR shards and the gateway checks the whole DAG on the last", async () => {
    const small = new GatewayContentStore({ url: gateway.url, hasher, shardBytes: 2 * MiB });
    const bytes = randomBytes(7 * MiB + 3);
    const { cid } = await small.put(pieces(bytes));
    assert.equal(sha256(await collect(store.get(cid))), sha256(bytes));
  });

  it("streams 64 MiB up and down in bounded memory", async () => {
    const total = 64 * MiB;
    const unit = randomBytes(MiB + 13);
    const base = liveBytes();
    let peak = 0;
    const probe = () => {
      peak = Math.max(peak, liveBytes() - base);
    };
    const shards = new GatewayContentStore({ url: gateway.url, hasher, shardBytes: 8 * MiB });
    const { cid, contentDigest } = await shards.put(repeatingSource(total, unit, probe)());
    const check = createHash("sha256");
    let read = 0;
    let sinceProbe = 0;
    for await (const part of shards.get(cid)) {
      check.update(part);
      read += part.length;
      sinceProbe += part.length;
      if (sinceProbe >= 8 * MiB) {
        probe();
        sinceProbe = 0;
      }
    }
    assert.equal(read, total);
    assert.equal(`0x${check.digest("hex")}`, contentDigest);
    // The gateway runs in this process too: the bound covers client shards and server staging.
    assert.ok(peak < 64 * MiB, `streaming held ${Math.round(peak / MiB)} MiB at its peak`);
  });

  it("is idempotent: storing the same bytes twice gives the same CID without error", async () => {
    const bytes = randomBytes(3 * MiB);
    const first = await store.put([bytes]);
    const second = await store.put(pieces(bytes, 12345));
    assert.equal(second.cid.toString(), first.cid.toString());
    assert.equal(second.contentDigest, first.contentDigest);
  });

  it("refuses a block tampered with on the gateway's disk, naming it", async () => {
    const bytes = randomBytes(2 * MiB + 10);
    const { cid } = await store.put([bytes]);
    const root = dagPb.decode((await gateway.blockstore.get(cid)) as Uint8Array);
    const leaf = CID.decode(root.Links[2].Hash.bytes);
    const path = gateway.blockstore.pathOf(leaf);
    const tampered = await readFile(path);
    tampered[0] ^= 0xff;
    await writeFile(path, tampered);
    await assert.rejects(collect(store.get(cid)), (e: unknown) => e instanceof ContentMismatchError && e.message.includes(leaf.toString()));
    // The deserializing endpoint verifies too: it cuts the response off rather than serve it.
    const response = await fetch(`${gateway.url}/ipfs/${cid}`);
    assert.equal(response.status, 200);
    await assert.rejects(response.arrayBuffer());
  });

  it("reports content the gateway does not hold as ContentNotFoundError", async () => {
    const { root } = await blocksOf(randomBytes(100));
    await assert.rejects(collect(store.get(root)), (e: unknown) => e instanceof ContentNotFoundError && e.cid === root.toString());
    assert.equal(await store.has(root), false);
  });

  it("reports a gateway that is down as StorageUnavailableError on put, get and has", async (t) => {
    const down = await startGateway({ dir: await tempDir(t), port: 0, hasher });
    await down.close();
    const unreachable = new GatewayContentStore({ url: down.url, hasher });
    const { root } = await blocksOf(randomBytes(10));
    await assert.rejects(unreachable.put([randomBytes(10)]), StorageUnavailableError);
    await assert.rejects(collect(unreachable.get(root)), (e: unknown) => e instanceof StorageUnavailableError && e.code === "STORAGE_UNAVAILABLE");
    await assert.rejects(unreachable.has(root), StorageUnavailableError);
  });
});

describe("local gateway HTTP interface (trustless gateway spec)", () => {
  let cid: CID;
  let bytes: Uint8Array;
  let blocks: Block[];
  before(async () => {
    bytes = randomBytes(3 * MiB + 1);
    ({ blocks } = await blocksOf(bytes));
    cid = (await store.put([bytes])).cid;
  });

  it("serves one block for format=raw and for Accept: application/vnd.ipld.raw", async () => {
    for (const [query, accept] of [["?format=raw", "*/*"], ["", "application/vnd.ipld.raw"]]) {
      const response = await fetch(`${gateway.url}/ipfs/${cid}${query}`, { headers: { Accept: accept } });
      assert.equal(response.status, 200);
      assert.equal(response.headers.get("content-type"), "application/vnd.ipld.raw");
      assert.equal(response.headers.get("x-content-type-options"), "nosniff");
      const block = new Uint8Array(await response.arrayBuffer());
      assert.equal(`0x${sha256(block)}`, toHex(cid.multihash.digest));
    }
  });

  it("serves the DAG as a CARv1 in depth-first order for format=car and Accept: application/vnd.ipld.car", async () => {
    for (const [query, accept] of [["?format=car", "*/*"], ["", "application/vnd.ipld.car"]]) {
      const response = await fetch(`${gateway.url}/ipfs/${cid}${query}`, { headers: { Accept: accept } });
      assert.equal(response.status, 200);
      assert.match(response.headers.get("content-type") ?? "", /^application\/vnd\.ipld\.car; version=1; order=dfs; dups=y$/);
      const car = await readCar(response.body as unknown as AsyncIterable<Uint8Array>);
      assert.deepEqual(car.roots.map(String), [cid.toString()]);
      const received: string[] = [];
      for await (const block of car.blocks) {
        assert.equal(`0x${sha256(block.bytes)}`, toHex(block.cid.multihash.digest));
        received.push(block.cid.toString());
      }
      // Depth-first: the root, then its leaves in the order the root links them.
      const links = dagPb.decode(blocks.at(-1)?.bytes as Uint8Array).Links.map((link) => link.Hash.toString());
      const expected = [cid.toString(), ...links];
      assert.deepEqual(received, expected);
    }
    const onlyRoot = await fetch(`${gateway.url}/ipfs/${cid}?format=car&dag-scope=block`);
    let count = 0;
    for await (const _ of (await readCar(onlyRoot.body as unknown as AsyncIterable<Uint8Array>)).blocks) count++;
    assert.equal(count, 1);
  });

  it("serves the file itself without a format, and HEAD answers headers only", async () => {
    const response = await fetch(`${gateway.url}/ipfs/${cid}`);
    assert.equal(response.status, 200);
    assert.equal(response.headers.get("content-type"), "application/octet-stream");
    assert.equal(Number(response.headers.get("content-length")), bytes.length);
    assert.equal(sha256(new Uint8Array(await response.arrayBuffer())), sha256(bytes));
    const head = await fetch(`${gateway.url}/ipfs/${cid}`, { method: "HEAD" });
    assert.equal(head.status, 200);
    assert.equal(Number(head.headers.get("content-length")), bytes.length);
    assert.equal((await head.arrayBuffer()).byteLength, 0);
    const headRaw = await fetch(`${gateway.url}/ipfs/${cid}?format=raw`, { method: "HEAD" });
    assert.equal(headRaw.headers.get("content-type"), "application/vnd.ipld.raw");
  });

  it("answers 400 for a bad CID, 404 for a missing one, 406 for formats it cannot serve, 405 for other methods", async () => {
    const status = async (path: string, init?: RequestInit) => (await fetch(`${gateway.url}${path}`, init)).status;
    assert.equal(await status("/ipfs/not-a-cid?format=raw"), 400);
    assert.equal(await status("/ipfs/QmbWqxBEKC3P8tqsKc98xmWNzrzDtRLMiMPL8wBuTGsMnR"), 400);
    assert.equal(await status(`/ipfs/${cid}/some/path`), 400);
    const { root: absent } = await blocksOf(randomBytes(5));
    assert.equal(await status(`/ipfs/${absent}?format=raw`), 404);
    assert.equal(await status(`/ipfs/${absent}?format=car`), 404);
    assert.equal(await status(`/ipfs/${absent}`, { method: "HEAD" }), 404);
    assert.equal(await status(`/ipfs/${cid}?format=dag-json`), 406);
    assert.equal(await status(`/ipfs/${cid}`, { headers: { Accept: "application/vnd.ipld.dag-json" } }), 406);
    assert.equal(await status(`/ipfs/${cid}?format=car&dag-scope=nonsense`), 400);
    assert.equal(await status(`/ipfs/${cid}`, { method: "DELETE" }), 405);
    assert.equal(await status("/api/v0/upload"), 405);
    assert.equal(await status("/elsewhere"), 404);
  });

  it("rejects an uploaded CAR with a block that does not match its CID, and stores none of it", async () => {
    const { root, blocks: good } = await blocksOf(randomBytes(3 * MiB + 5));
    const forged = good.map((block, i) => (i === 1 ? { cid: block.cid, bytes: randomBytes(block.bytes.length) } : block));
    const response = await fetch(`${gateway.url}/api/v0/upload`, { method: "POST", body: await carBody([root], forged) });
    assert.equal(response.status, 422);
    assert.match(await response.text(), new RegExp(`${forged[1].cid}.*nothing was stored`, "s"));
    for (const block of good) assert.equal(await gateway.blockstore.has(block.cid), false, `${block.cid} must not be stored`);
  });

  it("rejects an upload whose named root is missing blocks, and stores none of it", async () => {
    const { root, blocks: all } = await blocksOf(randomBytes(2 * MiB + 5));
    const withoutLeaf = all.filter((_, i) => i !== 0);
    const response = await fetch(`${gateway.url}/api/v0/upload`, { method: "POST", body: await carBody([root], withoutLeaf) });
    assert.equal(response.status, 422);
    assert.match(await response.text(), new RegExp(all[0].cid.toString()));
    assert.equal(await gateway.blockstore.has(root), false);
  });

  it("rejects a body that is not a CAR", async () => {
    const response = await fetch(`${gateway.url}/api/v0/upload`, { method: "POST", body: "hello" });
    assert.equal(response.status, 400);
  });

  it("reports a refused upload to the client as StorageRejectedError", async () => {
    const lying = new GatewayContentStore({
      url: gateway.url,
      hasher,
      // A client whose CAR bytes get corrupted in transit.
      fetch: async (input, init) => {
        if (init?.body instanceof Blob) {
          const body = new Uint8Array(await init.body.arrayBuffer());
          body[body.length - 10] ^= 1;
          return fetch(input, { ...init, body });
        }
        return fetch(input, init);
      },
    });
    await assert.rejects(lying.put([randomBytes(1000)]), (e: unknown) => e instanceof StorageRejectedError && /422/.test(e.message));
  });

  it("allows the web app's local origin (CORS) and no other by default", async () => {
    const preflight = await fetch(`${gateway.url}/api/v0/upload`, {
      method: "OPTIONS",
      headers: { Origin: "http://localhost:5173", "Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "content-type" },
    });
    assert.equal(preflight.status, 204);
    assert.equal(preflight.headers.get("access-control-allow-origin"), "http://localhost:5173");
    assert.match(preflight.headers.get("access-control-allow-methods") ?? "", /POST/);
    assert.match(preflight.headers.get("access-control-allow-headers") ?? "", /Content-Type/i);
    const read = await fetch(`${gateway.url}/ipfs/${cid}?format=raw`, { headers: { Origin: "http://127.0.0.1:3000" } });
    assert.equal(read.headers.get("access-control-allow-origin"), "http://127.0.0.1:3000");
    assert.match(read.headers.get("access-control-expose-headers") ?? "", /Content-Length/);
    const foreign = await fetch(`${gateway.url}/ipfs/${cid}?format=raw`, { headers: { Origin: "https://evil.example" } });
    assert.equal(foreign.headers.get("access-control-allow-origin"), null);
  });
});
