import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { describe, it, after } from "node:test";
import { encodeFile as storachaEncodeFile } from "@storacha/upload-client/unixfs";
import { createFileEncoderStream } from "ipfs-car";
import { importBytes } from "ipfs-unixfs-importer";
import { fixedSize } from "ipfs-unixfs-importer/chunker";
import { balanced } from "ipfs-unixfs-importer/layout";
import {
  CID,
  cidFromBytes,
  cidFromRegistry,
  computeCid,
  DAG_PB_CODEC,
  encodeFile,
  parseCid,
  RAW_CODEC,
  registryFieldsFromCid,
} from "../../src/storage/cid.ts";
import { InvalidCidError } from "../../src/storage/errors.ts";
import { toHex, webCryptoSha256 } from "../../src/storage/hasher.ts";
import { nodeSha256 } from "../../src/storage/node/hasher.ts";
import { EDGE_SIZES, MiB, pieces, randomBytes } from "./helpers.ts";

const hasher = nodeSha256();
after(() => hasher.close?.());

async function ipfsCarCid(bytes: Uint8Array): Promise<string> {
  let last: { cid: { toString(): string } } | undefined;
  const blocks = createFileEncoderStream(new Blob([bytes as Uint8Array<ArrayBuffer>]));
  for await (const block of blocks as unknown as AsyncIterable<{ cid: { toString(): string } }>) last = block;
  assert.ok(last, "ipfs-car produced no block");
  return last.cid.toString();
}

/** A third, independent encoder (Helia's) told the same settings: guards against a shared bug. */
async function importerCid(bytes: Uint8Array): Promise<string> {
  const { cid } = await importBytes(bytes, { put: async (c) => c }, {
    cidVersion: 1,
    rawLeaves: true,
    reduceSingleLeafToSelf: true,
    chunker: fixedSize({ chunkSize: MiB }),
    layout: balanced({ maxChildrenPerNode: 1024 }),
  });
  return cid.toString();
}

describe("CID computation", () => {
  for (const size of [...EDGE_SIZES, 6 * MiB]) {
    it(`equals ipfs-car's, Storacha's and the unixfs importer's CID for ${size} bytes`, async () => {
      const bytes = randomBytes(size);
      const mine = await computeCid(pieces(bytes), { hasher });
      assert.equal(mine.cid.toString(), await ipfsCarCid(bytes));
      assert.equal(mine.cid.toString(), (await storachaEncodeFile(new Blob([bytes as Uint8Array<ArrayBuffer>]))).cid.toString());
      assert.equal(mine.cid.toString(), await importerCid(bytes));
      assert.equal(mine.size, size);
      assert.equal(mine.contentDigest, toHex(createHash("sha256").update(bytes).digest()));
      assert.equal(mine.cid.version, 1);
      if (size <= MiB) {
        // One chunk: the CID is the raw leaf, and its digest is the content's SHA-256.
        assert.equal(mine.cid.code, RAW_CODEC);
        assert.equal(toHex(mine.cid.multihash.digest), mine.contentDigest);
      } else {
        assert.equal(mine.cid.code, DAG_PB_CODEC);
        assert.notEqual(toHex(mine.cid.multihash.digest), mine.contentDigest);
      }
    });
  }

  it("gives the same result with every hasher and however the input is split", async () => {
    const bytes = randomBytes(5 * MiB + 3);
    const expected = await computeCid([bytes], { hasher: nodeSha256({ contentWorker: false }) });
    const engines = [
      [webCryptoSha256(), 1000],
      [hasher, 4096],
      [nodeSha256({ contentWorker: false, workers: 2 }), 3 * MiB],
      [nodeSha256({ contentWorker: true, workers: 2 }), 7 * MiB],
    ] as const;
    for (const [engine, split] of engines) {
      const got = await computeCid(pieces(bytes, split), { hasher: engine, batchBytes: 2 * MiB });
      assert.deepEqual({ ...got, cid: got.cid.toString() }, { ...expected, cid: expected.cid.toString() });
    }
    await Promise.all(engines.slice(2).map(([engine]) => engine.close?.()));
  });

  it("streams each block once with the root last, in bounded pieces", async () => {
    const bytes = randomBytes(4 * MiB + 1);
    const encoding = encodeFile(pieces(bytes), { hasher });
    const seen: CID[] = [];
    for await (const block of encoding.blocks) {
      assert.ok(block.bytes.length <= MiB + 1024);
      const digest = createHash("sha256").update(block.bytes).digest();
      assert.equal(toHex(block.cid.multihash.digest), toHex(digest), "block bytes must hash to their CID");
      seen.push(block.cid);
    }
    const done = await encoding.done;
    assert.equal(seen.length, 6, "5 leaves and one root");
    assert.equal(seen.at(-1)?.toString(), done.cid.toString());
  });

  it("fails the encoding when the source fails", async () => {
    async function* broken(): AsyncGenerator<Uint8Array> {
      yield randomBytes(3 * MiB);
      throw new Error("disk read failed");
    }
    const encoding = encodeFile(broken(), { hasher });
    await assert.rejects(async () => {
      for await (const _ of encoding.blocks);
    }, /disk read failed/);
    await assert.rejects(encoding.done, /disk read failed/);
  });
});

describe("registry fields", () => {
  it("round-trips raw and dag-pb CIDs through codec + digest", async () => {
    for (const size of [10, 2 * MiB]) {
      const { cid } = await computeCid([randomBytes(size)], { hasher });
      const fields = registryFieldsFromCid(cid);
      assert.equal(fields.codec, size <= MiB ? 0x55 : 0x70);
      assert.match(fields.digest, /^0x[0-9a-f]{64}$/);
      assert.equal(cidFromRegistry(fields.codec, fields.digest).toString(), cid.toString());
      assert.equal(registryFieldsFromCid(cid.toString()).digest, fields.digest);
      assert.equal(cidFromBytes(cid.bytes).toString(), cid.toString());
    }
  });

  it("refuses CIDv0, other hashes, other codecs and wrong digest lengths with a clear error", () => {
    const v0 = "QmbWqxBEKC3P8tqsKc98xmWNzrzDtRLMiMPL8wBuTGsMnR";
    assert.throws(() => registryFieldsFromCid(v0), (e: unknown) => e instanceof InvalidCidError && /CIDv1/.test(e.message));
    // bafyrei… is dag-cbor.
    const dagCbor = "bafyreidykglsfhoixmivffc5uwhcgshx4j465xwqntbmu43nb2dzqwfvae";
    assert.throws(() => parseCid(dagCbor), /neither raw \(0x55\) nor dag-pb/);
    const identity = CID.createV1(RAW_CODEC, { code: 0x00, size: 3, digest: new Uint8Array([1, 2, 3]), bytes: new Uint8Array([0, 3, 1, 2, 3]) });
    assert.throws(() => parseCid(identity.toString()), /not sha2-256/);
    assert.throws(() => cidFromRegistry(0x71, `0x${"11".repeat(32)}`), InvalidCidError);
    assert.throws(() => cidFromRegistry(0x55, "0x1234"), /32 bytes/);
    assert.throws(() => parseCid("not-a-cid"), (e: unknown) => e instanceof InvalidCidError && e.code === "INVALID_CID");
  });
});
