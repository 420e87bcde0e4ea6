import assert from "node:assert/strict";
import { readdir, readFile, unlink, writeFile } from "node:fs/promises";
import { basename, join } from "node:path";
import { describe, it } from "node:test";
import { CID } from "../../src/storage/cid.ts";
import { ContentMismatchError, ContentNotFoundError, InvalidCidError } from "../../src/storage/errors.ts";
import { FsBlockstore, FsContentStore } from "../../src/storage/node/fs-blockstore.ts";
import { createHash } from "node:crypto";
import { collect, EDGE_SIZES, liveBytes, MiB, pieces, randomBytes, repeatingSource, tempDir } from "./helpers.ts";

async function leafOf(store: FsContentStore, root: CID): Promise<CID> {
  // The first link of a dag-pb root is a raw leaf: tamper with it, not with the root.
  const dagPb = await import("@ipld/dag-pb");
  const node = dagPb.decode((await store.blockstore.get(root)) as Uint8Array);
  return CID.decode(node.Links[1].Hash.bytes);
}

describe("disk content store", () => {
  for (const size of EDGE_SIZES) {
    it(`round-trips ${size} random bytes`, async (t) => {
      const store = new FsContentStore(await tempDir(t));
      const bytes = randomBytes(size);
      const stored = await store.put(pieces(bytes));
      assert.equal(stored.size, size);
      assert.ok(await store.has(stored.cid));
      assert.deepEqual(await collect(store.get(stored.cid.toString())), bytes);
    });
  }

  it("is idempotent: the same bytes twice give the same CID and the same blocks", async (t) => {
    const dir = await tempDir(t);
    const store = new FsContentStore(dir);
    const bytes = randomBytes(2 * MiB + 5);
    const first = await store.put([bytes]);
    const countBlocks = async () => (await readdir(join(dir, "blocks"), { recursive: true })).filter((n) => basename(n).startsWith("baf")).length;
    const blocksBefore = await countBlocks();
    const second = await store.put(pieces(bytes, 77_777));
    assert.equal(second.cid.toString(), first.cid.toString());
    assert.equal(second.contentDigest, first.contentDigest);
    assert.equal(await countBlocks(), blocksBefore);
    assert.equal(blocksBefore, 4, "3 leaves and a root");
    assert.deepEqual(await readdir(join(dir, "tmp")), [], "no temporary file is left behind");
  });

  it("refuses a block tampered with on disk, naming its CID", async (t) => {
    const store = new FsContentStore(await tempDir(t));
    const bytes = randomBytes(3 * MiB);
    const { cid } = await store.put([bytes]);
    const leaf = await leafOf(store, cid);
    const path = store.blockstore.pathOf(leaf);
    const tampered = await readFile(path);
    tampered[100] ^= 1;
    await writeFile(path, tampered);
    const received: Uint8Array[] = [];
    await assert.rejects(
      async () => {
        for await (const part of store.get(cid)) received.push(part);
      },
      (error: unknown) => error instanceof ContentMismatchError && error.cid === leaf.toString() && error.message.includes(leaf.toString()),
    );
    // Only the leaf before the tampered one was handed out; nothing from the bad block.
    assert.equal(received.length, 1);
    assert.deepEqual(received[0], bytes.subarray(0, MiB));
  });

  it("refuses a tampered single-block (raw) file", async (t) => {
    const store = new FsContentStore(await tempDir(t));
    const { cid } = await store.put([randomBytes(1000)]);
    const path = store.blockstore.pathOf(cid);
    await writeFile(path, randomBytes(1000));
    await assert.rejects(collect(store.get(cid)), ContentMismatchError);
  });

  it("reports missing content and a missing leaf as ContentNotFoundError", async (t) => {
    const store = new FsContentStore(await tempDir(t));
    const other = new FsContentStore(await tempDir(t));
    const { cid: absent } = await other.put([randomBytes(10)]);
    await assert.rejects(collect(store.get(absent)), (e: unknown) => e instanceof ContentNotFoundError && e.cid === absent.toString());
    assert.equal(await store.has(absent), false);

    const { cid } = await store.put([randomBytes(2 * MiB + 1)]);
    const leaf = await leafOf(store, cid);
    await unlink(store.blockstore.pathOf(leaf));
    await assert.rejects(collect(store.get(cid)), (e: unknown) => e instanceof ContentNotFoundError && e.cid === leaf.toString());
  });

  it("rejects a malformed CID before touching the disk", async (t) => {
    const store = new FsContentStore(await tempDir(t));
    assert.throws(() => store.get("bafy-nope"), InvalidCidError);
  });

  it("makes a batch visible only on commit, and a discarded batch leaves nothing", async (t) => {
    const dir = await tempDir(t);
    const blocks = new FsBlockstore(dir);
    const source = new FsContentStore(await tempDir(t));
    const { cid } = await source.put([randomBytes(10)]);
    const bytes = (await source.blockstore.get(cid)) as Uint8Array;
    const discarded = await blocks.batch();
    await discarded.put(cid, bytes);
    assert.equal(await discarded.has(cid), true);
    assert.equal(await blocks.has(cid), false);
    await discarded.discard();
    assert.equal(await blocks.has(cid), false);
    const committed = await blocks.batch();
    await committed.put(cid, bytes);
    await committed.commit();
    assert.deepEqual(await blocks.get(cid), bytes);
    assert.deepEqual(await readdir(join(dir, "tmp")), []);
  });

  it("streams 64 MiB in and out in constant memory", async (t) => {
    const store = new FsContentStore(await tempDir(t));
    const total = 64 * MiB;
    const base = liveBytes();
    let peak = 0;
    const probe = () => {
      peak = Math.max(peak, liveBytes() - base);
    };
    // One 1 MiB + 7 byte unit repeated: cheap to generate, yet the leaves differ (offsets shift).
    const unit = randomBytes(MiB + 7);
    const { cid, size } = await store.put(repeatingSource(total, unit, probe)());
    assert.equal(size, total);
    const expected = createHash("sha256");
    for (const part of repeatingSource(total, unit)()) expected.update(part);
    const check = createHash("sha256");
    let read = 0;
    let sinceProbe = 0;
    for await (const part of store.get(cid)) {
      read += part.length;
      check.update(part);
      sinceProbe += part.length;
      if (sinceProbe >= 8 * MiB) {
        probe();
        sinceProbe = 0;
      }
    }
    assert.equal(read, total);
    assert.equal(check.digest("hex"), expected.digest("hex"));
    assert.ok(peak < 40 * MiB, `streaming held ${Math.round(peak / MiB)} MiB at its peak`);
  });
});
