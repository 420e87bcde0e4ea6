import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { network } from "hardhat";
import { getAddress, keccak256 } from "viem";
import { seededBytes, ZERO_BYTES32 } from "../helpers/records.js";
import { deployCaduceus } from "../helpers/deploy.js";

const connection = await network.create();
const { viem, networkHelpers } = connection;

async function keyRegistryFixture() {
  return deployCaduceus(connection);
}

/** An X-Wing public key is 1,216 bytes (ML-KEM-768's 1,184 plus X25519's 32). */
const XWING_PUBLIC_KEY_BYTES = 1216;

describe("KeyRegistry", () => {
  describe("publish", () => {
    it("publishes version 1 with the X25519 key and no post-quantum key", async () => {
      const c = await networkHelpers.loadFixture(keyRegistryFixture);
      const account = getAddress(c.patient.account.address);
      const x25519 = seededBytes("x1", 32);
      assert.equal(await c.keyRegistry.read.hasKey([account]), false);
      await viem.assertions.emitWithArgs(
        c.keyRegistry.write.publish([x25519, "0x"], { account: c.patient.account }),
        c.keyRegistry,
        "KeyPublished",
        [account, 1, x25519, "0x"],
      );
      const keys = await c.keyRegistry.read.keysOf([account]);
      assert.equal(keys.x25519, x25519);
      assert.equal(keys.pqKeyHash, ZERO_BYTES32);
      assert.equal(keys.version, 1);
      assert.equal(keys.publishedAt, Number((await c.publicClient.getBlock()).timestamp));
      assert.equal(await c.keyRegistry.read.hasKey([account]), true);
    });

    it("rotates: bumps the version, stores the hybrid key's hash and emits the full key", async () => {
      const c = await networkHelpers.loadFixture(keyRegistryFixture);
      const account = getAddress(c.patient.account.address);
      await c.keyRegistry.write.publish([seededBytes("x1", 32), "0x"], { account: c.patient.account });
      const x25519 = seededBytes("x2", 32);
      const pq = seededBytes("xwing", XWING_PUBLIC_KEY_BYTES);
      await viem.assertions.emitWithArgs(
        c.keyRegistry.write.publish([x25519, pq], { account: c.patient.account }),
        c.keyRegistry,
        "KeyPublished",
        [account, 2, x25519, pq],
      );
      const keys = await c.keyRegistry.read.keysOf([account]);
      assert.equal(keys.version, 2);
      assert.equal(keys.x25519, x25519);
      assert.equal(keys.pqKeyHash, keccak256(pq));
      // Dropping the hybrid key on the next rotation clears its hash.
      await c.keyRegistry.write.publish([x25519, "0x"], { account: c.patient.account });
      assert.equal((await c.keyRegistry.read.keysOf([account])).pqKeyHash, ZERO_BYTES32);
      // Keys are per account.
      assert.equal(await c.keyRegistry.read.hasKey([c.otherPatient.account.address]), false);
    });

    it("reverts for a zero X25519 key and a post-quantum key above the maximum", async () => {
      const c = await networkHelpers.loadFixture(keyRegistryFixture);
      await viem.assertions.revertWithCustomErrorWithArgs(
        c.keyRegistry.write.publish([ZERO_BYTES32, "0x"], { account: c.patient.account }),
        c.keyRegistry,
        "KeyRegistryZeroKey",
        [],
      );
      const max = await c.keyRegistry.read.MAX_PQ_KEY();
      await viem.assertions.revertWithCustomErrorWithArgs(
        c.keyRegistry.write.publish([seededBytes("x", 32), seededBytes("big", Number(max) + 1)], { account: c.patient.account }),
        c.keyRegistry,
        "KeyRegistryPqKeyTooLong",
        [max + 1n, max],
      );
      assert.equal(await c.keyRegistry.read.hasKey([c.patient.account.address]), false);
    });
  });

  describe("keysOf", () => {
    it("reverts for an account without keys", async () => {
      const c = await networkHelpers.loadFixture(keyRegistryFixture);
      await viem.assertions.revertWithCustomErrorWithArgs(
        c.keyRegistry.read.keysOf([c.stranger.account.address]),
        c.keyRegistry,
        "KeyRegistryNoKey",
        [getAddress(c.stranger.account.address)],
      );
    });
  });
});
