import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { network } from "hardhat";
import { getAddress, hashTypedData, keccak256, parseSignature, serializeSignature, type Hex } from "viem";
import { deployCaduceus } from "../helpers/deploy.js";
import { binaryCid, idOf, newRecord, ZERO_BYTES32 } from "../helpers/records.js";
import { REGISTER_TYPES, signTypedRegistration } from "../helpers/signatures.js";

const connection = await network.create();
const { viem, networkHelpers } = connection;

/** secp256k1 group order: a signature (r, s) is malleable into (r, n - s). */
const SECP256K1_N = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;

async function relayFixture() {
  const c = await deployCaduceus(connection);
  const deadline = (await c.publicClient.getBlock()).timestamp + 3600n;
  return { ...c, deadline };
}

describe("RecordRegistry.registerWithSig", () => {
  it("registers a hospital-signed record relayed by a stranger and consumes the nonce", async () => {
    const c = await networkHelpers.loadFixture(relayFixture);
    const hospital = getAddress(c.hospital.account.address);
    const record = newRecord(c.patient.account.address, "relayed");
    const signature = await signTypedRegistration(c.hospital, c.recordRegistry, record, c.deadline);

    await viem.assertions.emitWithArgs(
      c.recordRegistry.write.registerWithSig([record, hospital, c.deadline, signature], { account: c.stranger.account }),
      c.recordRegistry,
      "RecordRegistered",
      [idOf(hospital, record), record.patient, hospital, 1, binaryCid(record), record.cidDigest, record.category, ZERO_BYTES32, record.envelope],
    );
    assert.equal(await c.recordRegistry.read.nonces([hospital]), 1n);
    assert.equal((await c.recordRegistry.read.getRecord([idOf(hospital, record)])).provider, hospital, "the signer, not the relayer, is the writer");
  });

  it("exposes the digest the hospital signs, equal to viem's EIP-712 hash", async () => {
    const c = await networkHelpers.loadFixture(relayFixture);
    const record = newRecord(c.patient.account.address, "digest");
    const expected = hashTypedData({
      domain: { name: "Caduceus RecordRegistry", version: "1", chainId: await c.publicClient.getChainId(), verifyingContract: c.recordRegistry.address },
      types: REGISTER_TYPES,
      primaryType: "RegisterRecord",
      message: { hospital: c.hospital.account.address, ...record, envelopeHash: keccak256(record.envelope), nonce: 7n, deadline: c.deadline },
    });
    assert.equal(await c.recordRegistry.read.registerDigest([record, c.hospital.account.address, 7n, c.deadline]), expected);
  });

  it("reverts when the same signature is replayed", async () => {
    const c = await networkHelpers.loadFixture(relayFixture);
    const hospital = c.hospital.account.address;
    const record = newRecord(c.patient.account.address, "replay");
    const signature = await signTypedRegistration(c.hospital, c.recordRegistry, record, c.deadline);
    await c.recordRegistry.write.registerWithSig([record, hospital, c.deadline, signature], { account: c.relayer.account });
    // Neither for the same record nor for another one: the nonce moved on, so the digest differs.
    for (const body of [record, newRecord(c.patient.account.address, "replay-2")]) {
      await viem.assertions.revertWithCustomErrorWithArgs(
        c.recordRegistry.write.registerWithSig([body, hospital, c.deadline, signature], { account: c.relayer.account }),
        c.recordRegistry,
        "RecordRegistryInvalidSignature",
        [getAddress(hospital)],
      );
    }
  });

  const domainCases: Array<[string, (c: Awaited<ReturnType<typeof relayFixture>>) => Promise<Parameters<typeof signTypedRegistration>[4]>]> = [
    ["another chain id", async () => ({ chainId: 1 })],
    ["another verifying contract", async (c) => ({ verifyingContract: c.keyRegistry.address })],
    ["a future nonce", async () => ({ nonce: 1n })],
  ];
  for (const [label, overrides] of domainCases) {
    it(`reverts for a signature bound to ${label}`, async () => {
      const c = await networkHelpers.loadFixture(relayFixture);
      const record = newRecord(c.patient.account.address, `domain-${label}`);
      const signature = await signTypedRegistration(c.hospital, c.recordRegistry, record, c.deadline, await overrides(c));
      await viem.assertions.revertWithCustomErrorWithArgs(
        c.recordRegistry.write.registerWithSig([record, c.hospital.account.address, c.deadline, signature], { account: c.relayer.account }),
        c.recordRegistry,
        "RecordRegistryInvalidSignature",
        [getAddress(c.hospital.account.address)],
      );
      assert.equal(await c.recordRegistry.read.exists([idOf(c.hospital.account.address, record)]), false);
    });
  }

  it("reverts when a field of the record differs from what was signed (the envelope)", async () => {
    const c = await networkHelpers.loadFixture(relayFixture);
    const record = newRecord(c.patient.account.address, "tamper");
    const signature = await signTypedRegistration(c.hospital, c.recordRegistry, record, c.deadline);
    const tampered = { ...record, envelope: `${record.envelope.slice(0, -2)}00` as Hex };
    await viem.assertions.revertWithCustomErrorWithArgs(
      c.recordRegistry.write.registerWithSig([tampered, c.hospital.account.address, c.deadline, signature], { account: c.relayer.account }),
      c.recordRegistry,
      "RecordRegistryInvalidSignature",
      [getAddress(c.hospital.account.address)],
    );
  });

  it("reverts after the deadline, and accepts at the deadline itself", async () => {
    const c = await networkHelpers.loadFixture(relayFixture);
    const record = newRecord(c.patient.account.address, "deadline");
    const deadline = (await c.publicClient.getBlock()).timestamp + 100n;
    const signature = await signTypedRegistration(c.hospital, c.recordRegistry, record, deadline);
    await networkHelpers.time.setNextBlockTimestamp(deadline + 1n);
    await viem.assertions.revertWithCustomErrorWithArgs(
      c.recordRegistry.write.registerWithSig([record, c.hospital.account.address, deadline, signature], { account: c.relayer.account }),
      c.recordRegistry,
      "RecordRegistryExpiredSignature",
      [deadline],
    );

    const onTime = newRecord(c.patient.account.address, "deadline-ok");
    const later = (await c.publicClient.getBlock()).timestamp + 100n;
    const ok = await signTypedRegistration(c.hospital, c.recordRegistry, onTime, later);
    await networkHelpers.time.setNextBlockTimestamp(later);
    await c.recordRegistry.write.registerWithSig([onTime, c.hospital.account.address, later, ok], { account: c.relayer.account });
    assert.equal(await c.recordRegistry.read.exists([idOf(c.hospital.account.address, onTime)]), true);
  });

  it("rejects the malleable (high-s) twin of a valid signature", async () => {
    const c = await networkHelpers.loadFixture(relayFixture);
    const record = newRecord(c.patient.account.address, "malleable");
    const signature = await signTypedRegistration(c.hospital, c.recordRegistry, record, c.deadline);
    const { r, s, yParity } = parseSignature(signature);
    const highS = `0x${(SECP256K1_N - BigInt(s)).toString(16).padStart(64, "0")}` as Hex;
    const twin = serializeSignature({ r, s: highS, yParity: yParity === 0 ? 1 : 0 });
    await viem.assertions.revertWithCustomErrorWithArgs(
      c.recordRegistry.write.registerWithSig([record, c.hospital.account.address, c.deadline, twin], { account: c.relayer.account }),
      c.recordRegistry,
      "RecordRegistryInvalidSignature",
      [getAddress(c.hospital.account.address)],
    );
    // The canonical signature still works: the rejection was about malleability, not the signer.
    await c.recordRegistry.write.registerWithSig([record, c.hospital.account.address, c.deadline, signature], { account: c.relayer.account });
  });

  it("reverts when the signer is not the named hospital, or the hospital is unknown or suspended", async () => {
    const c = await networkHelpers.loadFixture(relayFixture);
    const record = newRecord(c.patient.account.address, "signer");
    const byDoctor = await signTypedRegistration(c.doctor, c.recordRegistry, record, c.deadline, { owner: c.hospital.account.address });
    await viem.assertions.revertWithCustomErrorWithArgs(
      c.recordRegistry.write.registerWithSig([record, c.hospital.account.address, c.deadline, byDoctor], { account: c.relayer.account }),
      c.recordRegistry,
      "RecordRegistryInvalidSignature",
      [getAddress(c.hospital.account.address)],
    );
    const selfSigned = await signTypedRegistration(c.stranger, c.recordRegistry, record, c.deadline);
    await viem.assertions.revertWithCustomErrorWithArgs(
      c.recordRegistry.write.registerWithSig([record, c.stranger.account.address, c.deadline, selfSigned], { account: c.relayer.account }),
      c.recordRegistry,
      "RecordRegistryUnknownHospital",
      [getAddress(c.stranger.account.address)],
    );
    const signature = await signTypedRegistration(c.hospital, c.recordRegistry, record, c.deadline);
    await c.consortium.write.suspendHospital([c.hospital.account.address]);
    await viem.assertions.revertWithCustomErrorWithArgs(
      c.recordRegistry.write.registerWithSig([record, c.hospital.account.address, c.deadline, signature], { account: c.relayer.account }),
      c.recordRegistry,
      "RecordRegistryHospitalSuspended",
      [getAddress(c.hospital.account.address), 1],
    );
  });

  it("accepts an ERC-1271 contract wallet (a hospital's Safe) and rejects a signature by another key", async () => {
    const c = await networkHelpers.loadFixture(relayFixture);
    const owner = c.otherDoctor; // any EOA: the wallet's single owner
    const wallet = await viem.deployContract("MockERC1271Wallet", [owner.account.address]);
    await c.consortium.write.admitHospital([wallet.address, "Safe-run Hospital", "0x"]);

    const record = newRecord(c.patient.account.address, "erc1271");
    const wrong = await signTypedRegistration(c.stranger, c.recordRegistry, record, c.deadline, { owner: wallet.address });
    await viem.assertions.revertWithCustomErrorWithArgs(
      c.recordRegistry.write.registerWithSig([record, wallet.address, c.deadline, wrong], { account: c.relayer.account }),
      c.recordRegistry,
      "RecordRegistryInvalidSignature",
      [getAddress(wallet.address)],
    );

    const signature = await signTypedRegistration(owner, c.recordRegistry, record, c.deadline, { owner: wallet.address });
    await viem.assertions.emitWithArgs(
      c.recordRegistry.write.registerWithSig([record, wallet.address, c.deadline, signature], { account: c.relayer.account }),
      c.recordRegistry,
      "RecordRegistered",
      [idOf(wallet.address, record), record.patient, getAddress(wallet.address), 3, binaryCid(record), record.cidDigest, record.category, ZERO_BYTES32, record.envelope],
    );
    assert.equal(await c.recordRegistry.read.nonces([wallet.address]), 1n);
  });

  it("a signature made for ERC-1271 wallet A is refused for wallet B with the same owner", async () => {
    const c = await networkHelpers.loadFixture(relayFixture);
    const owner = c.otherDoctor; // one key owns both hospitals' wallets
    const walletA = await viem.deployContract("MockERC1271Wallet", [owner.account.address]);
    const walletB = await viem.deployContract("MockERC1271Wallet", [owner.account.address]);
    await c.consortium.write.admitHospital([walletA.address, "Hospital A", "0x"]);
    await c.consortium.write.admitHospital([walletB.address, "Hospital B", "0x"]);
    assert.equal(await c.recordRegistry.read.nonces([walletA.address]), await c.recordRegistry.read.nonces([walletB.address]));

    const record = newRecord(c.patient.account.address, "wallet-a");
    const forA = await signTypedRegistration(owner, c.recordRegistry, record, c.deadline, { owner: walletA.address });
    await viem.assertions.revertWithCustomErrorWithArgs(
      c.recordRegistry.write.registerWithSig([record, walletB.address, c.deadline, forA], { account: c.relayer.account }),
      c.recordRegistry,
      "RecordRegistryInvalidSignature",
      [getAddress(walletB.address)],
    );
    assert.equal(await c.recordRegistry.read.exists([idOf(walletB.address, record)]), false);
    assert.equal(await c.recordRegistry.read.nonces([walletB.address]), 0n, "nothing consumed");
    // The signature still serves the wallet it was made for.
    await c.recordRegistry.write.registerWithSig([record, walletA.address, c.deadline, forA], { account: c.relayer.account });
    assert.equal((await c.recordRegistry.read.getRecord([idOf(walletA.address, record)])).provider, getAddress(walletA.address));
  });

  it("a stranger front-running a relayed registration with registerOwn for the same digest cannot take the hospital's record", async () => {
    const c = await networkHelpers.loadFixture(relayFixture);
    const hospital = getAddress(c.hospital.account.address);
    const record = newRecord(c.patient.account.address, "mempool");
    const signature = await signTypedRegistration(c.hospital, c.recordRegistry, record, c.deadline);
    // The stranger copies the CID digest out of the pending message and registers it first.
    const squat = { ...record, patient: getAddress(c.stranger.account.address) };
    await c.recordRegistry.write.registerOwn([squat], { account: c.stranger.account });

    await viem.assertions.emitWithArgs(
      c.recordRegistry.write.registerWithSig([record, hospital, c.deadline, signature], { account: c.relayer.account }),
      c.recordRegistry,
      "RecordRegistered",
      [idOf(hospital, record), record.patient, hospital, 1, binaryCid(record), record.cidDigest, record.category, ZERO_BYTES32, record.envelope],
    );
    const stored = await c.recordRegistry.read.getRecord([idOf(hospital, record)]);
    assert.equal(stored.provider, hospital);
    assert.equal(stored.patient, getAddress(record.patient));
    assert.notEqual(idOf(squat.patient, squat), idOf(hospital, record), "the stranger's record has its own id");
  });

  describe("invalidateNonces", () => {
    it("a hospital that invalidates its nonces voids the signature it handed out, and emits NoncesInvalidated", async () => {
      const c = await networkHelpers.loadFixture(relayFixture);
      const hospital = getAddress(c.hospital.account.address);
      const record = newRecord(c.patient.account.address, "cancelled");
      const signature = await signTypedRegistration(c.hospital, c.recordRegistry, record, c.deadline);
      const later = await signTypedRegistration(c.hospital, c.recordRegistry, newRecord(c.patient.account.address, "cancelled-2"), c.deadline, { nonce: 1n });

      await viem.assertions.emitWithArgs(
        c.recordRegistry.write.invalidateNonces([2n], { account: c.hospital.account }),
        c.recordRegistry,
        "NoncesInvalidated",
        [hospital, 0n, 2n],
      );
      assert.equal(await c.recordRegistry.read.nonces([hospital]), 2n);
      for (const [body, sig] of [[record, signature], [newRecord(c.patient.account.address, "cancelled-2"), later]] as const) {
        await viem.assertions.revertWithCustomErrorWithArgs(
          c.recordRegistry.write.registerWithSig([body, hospital, c.deadline, sig], { account: c.relayer.account }),
          c.recordRegistry,
          "RecordRegistryInvalidSignature",
          [hospital],
        );
      }
      assert.equal(await c.recordRegistry.read.exists([idOf(hospital, record)]), false);
      // A signature at the new nonce works.
      const fresh = await signTypedRegistration(c.hospital, c.recordRegistry, record, c.deadline);
      await c.recordRegistry.write.registerWithSig([record, hospital, c.deadline, fresh], { account: c.relayer.account });
      assert.equal(await c.recordRegistry.read.nonces([hospital]), 3n);
    });

    it("reverts when the new nonce does not move forward or jumps more than MAX_NONCE_STEP", async () => {
      const c = await networkHelpers.loadFixture(relayFixture);
      const max = await c.recordRegistry.read.MAX_NONCE_STEP();
      assert.equal(max, 65535n);
      await c.recordRegistry.write.invalidateNonces([5n], { account: c.hospital.account });
      for (const newNonce of [5n, 4n, 5n + max + 1n]) {
        await viem.assertions.revertWithCustomErrorWithArgs(
          c.recordRegistry.write.invalidateNonces([newNonce], { account: c.hospital.account }),
          c.recordRegistry,
          "RecordRegistryInvalidNonce",
          [5n, newNonce],
        );
      }
      await c.recordRegistry.write.invalidateNonces([5n + max], { account: c.hospital.account });
      assert.equal(await c.recordRegistry.read.nonces([c.hospital.account.address]), 5n + max);
    });
  });
});
