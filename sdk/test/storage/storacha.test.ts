/**
 * The real @storacha/client against the real @storacha/upload-api service, in process on loopback.
 * Reads go through a trustless gateway holding exactly the CAR shards the service's storage nodes
 * received, so a byte-exact read-back proves what Storacha stored.
 */
import assert from "node:assert/strict";
import { readFile, writeFile } from "node:fs/promises";
import { after, before, describe, it } from "node:test";
import * as dagPb from "@ipld/dag-pb";
import { readCar } from "../../src/storage/car.ts";
import { CID, computeCid } from "../../src/storage/cid.ts";
import { ContentMismatchError, StorageRejectedError, StorageUnavailableError } from "../../src/storage/errors.ts";
import { startGateway, type RunningGateway } from "../../src/storage/node/gateway-server.ts";
import { nodeSha256 } from "../../src/storage/node/hasher.ts";
import { StorachaContentStore, storachaClientFromCredentials } from "../../src/storage/storacha-store.ts";
import { collect, MiB, pieces, randomBytes, tempDir } from "./helpers.ts";
import { startLocalStoracha, type LocalStoracha } from "./storacha-service.ts";

type Client = Awaited<ReturnType<typeof storachaClientFromCredentials>>;

const hasher = nodeSha256();
let local: LocalStoracha;
let client: Client;
let gateway: RunningGateway;
// The service's simulated storage node destroys its socket right after writing a blob, which
// cuts off GET responses beyond ~4 MB; shards of 2 MiB keep the read-back of shards complete.
const SHARD = 2 * MiB;

before(async () => {
  local = await startLocalStoracha();
  client = await storachaClientFromCredentials(local.credentials);
  gateway = await startGateway({ dir: await tempDir({ after }), port: 0, hasher });
});
after(async () => {
  await gateway.close();
  await local.close();
  await hasher.close?.();
});

/** Copies the shards Storacha holds for `root` into the test gateway; returns how many there were. */
async function publishShards(root: CID): Promise<number> {
  // upload/get answers with the shards too (its declared type omits them).
  const upload = (await client.capability.upload.get(root as never)) as unknown as { shards?: CID[] };
  const shards = upload.shards ?? [];
  for (const shard of shards) {
    const car = await readCar((async function* () {
      yield await local.readBlob(shard.multihash.bytes);
    })());
    for await (const block of car.blocks) await gateway.blockstore.put(block.cid, block.bytes);
  }
  return shards.length;
}

describe("Storacha content store (real client, in-process upload service)", () => {
  for (const size of [0, 1, MiB + 1, 5 * MiB + 3]) {
    it(`stores ${size} bytes under the locally computed CID and reads them back verified`, async () => {
      const store = new StorachaContentStore({ client, gatewayUrl: gateway.url, hasher, shardSize: SHARD });
      const bytes = randomBytes(size);
      const stored = await store.put(pieces(bytes));
      const local = await computeCid([bytes], { hasher });
      assert.equal(stored.cid.toString(), local.cid.toString());
      assert.equal(stored.contentDigest, local.contentDigest);
      const registered = await client.capability.upload.get(stored.cid as never);
      assert.equal(registered.root.toString(), stored.cid.toString(), "the service registered the upload");
      assert.ok((await publishShards(stored.cid)) >= 1);
      assert.equal(await store.has(stored.cid), true);
      assert.deepEqual(await collect(store.get(stored.cid)), bytes);
    });
  }

  it("streams a file over several CAR shards", async () => {
    const store = new StorachaContentStore({ client, gatewayUrl: gateway.url, hasher, shardSize: SHARD });
    const bytes = randomBytes(7 * MiB);
    const { cid } = await store.put(pieces(bytes, 256 * 1024));
    assert.ok((await publishShards(cid)) >= 3, "expected at least 3 shards of 2 MiB");
    assert.deepEqual(await collect(store.get(cid)), bytes);
  });

  it("is idempotent: the same bytes twice give the same CID", async () => {
    const store = new StorachaContentStore({ client, gatewayUrl: gateway.url, hasher });
    const bytes = randomBytes(2 * MiB);
    const first = await store.put([bytes]);
    const second = await store.put(pieces(bytes));
    assert.equal(second.cid.toString(), first.cid.toString());
  });

  it("fails loudly when Storacha reports another root than the local CID", async () => {
    const other = (await computeCid([randomBytes(10)], { hasher })).cid;
    const lying = { uploadCAR: async (car: { stream(): ReadableStream<Uint8Array> }, options?: { shardSize?: number }) => (await client.uploadCAR(car as Parameters<Client["uploadCAR"]>[0], options), other) };
    const store = new StorachaContentStore({ client: lying, gatewayUrl: gateway.url, hasher });
    await assert.rejects(store.put([randomBytes(3000)]), (e: unknown) => e instanceof StorageRejectedError && e.message.includes(other.toString()));
  });

  it("refuses tampered bytes served by the gateway", async () => {
    const store = new StorachaContentStore({ client, gatewayUrl: gateway.url, hasher, shardSize: SHARD });
    const { cid } = await store.put([randomBytes(2 * MiB + 1)]);
    await publishShards(cid);
    const root = dagPb.decode((await gateway.blockstore.get(cid)) as Uint8Array);
    const leaf = CID.decode(root.Links[0].Hash.bytes);
    const path = gateway.blockstore.pathOf(leaf);
    const bytes = await readFile(path);
    bytes[7] ^= 1;
    await writeFile(path, bytes);
    await assert.rejects(collect(store.get(cid)), (e: unknown) => e instanceof ContentMismatchError && e.cid === leaf.toString());
  });

  it("reports an unreachable upload service as StorageUnavailableError", async () => {
    const down = await startLocalStoracha();
    const downClient = await storachaClientFromCredentials(down.credentials);
    await down.close();
    const store = new StorachaContentStore({ client: downClient, gatewayUrl: gateway.url, hasher });
    await assert.rejects(store.put([randomBytes(100)]), (e: unknown) => e instanceof StorageUnavailableError && /Storacha/.test(e.message));
  });
});
