/** The registry driven through the ethers-v6 typechain bindings, as a hospital back end would. */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { network } from "hardhat";
import { getAddress } from "ethers";
import { RecordRegistry__factory } from "../../typechain-types/index.js";
import { registerThroughRelayer } from "../../scripts/examples/hospital-backend.js";
import { deployCaduceus } from "../helpers/deploy.js";
import { binaryCid, idOf, newRecord } from "../helpers/records.js";

const connection = await network.create();
const { ethers, networkHelpers } = connection;

async function ethersFixture() {
  return deployCaduceus(connection);
}

describe("typechain ethers-v6 bindings", () => {
  it("register, read back and parse the typed event with the generated contract", async () => {
    const c = await networkHelpers.loadFixture(ethersFixture);
    const hospital = await ethers.getSigner(c.hospital.account.address);
    const registry = RecordRegistry__factory.connect(c.recordRegistry.address, hospital);
    const record = newRecord(c.patient.account.address, "ethers");

    const receipt = await (await registry.register(record)).wait();
    const event = receipt!.logs.map((log) => registry.interface.parseLog(log)).find((e) => e?.name === "RecordRegistered");
    assert.equal(event!.args.recordId, idOf(c.hospital.account.address, record));
    assert.equal(event!.args.patient, getAddress(record.patient));
    assert.equal(event!.args.cid, binaryCid(record));
    assert.equal(event!.args.envelope, record.envelope);

    const stored = await registry.getRecord(idOf(c.hospital.account.address, record));
    assert.equal(stored.patient, getAddress(record.patient));
    assert.equal(stored.provider, getAddress(c.hospital.account.address));
    assert.equal(stored.category, BigInt(record.category));
    assert.equal(await registry.recordCount(record.patient), 1n);
  });

  it("relays a hospital's EIP-712 signature like the example back end (scripts/examples)", async () => {
    const c = await networkHelpers.loadFixture(ethersFixture);
    const hospital = await ethers.getSigner(c.hospital.account.address);
    const relayer = await ethers.getSigner(c.relayer.account.address);
    const record = newRecord(c.patient.account.address, "ethers-relayed");

    const result = await registerThroughRelayer(c.recordRegistry.address, hospital, relayer, record);
    assert.equal(result.recordId, idOf(c.hospital.account.address, record));
    assert.equal(result.provider, getAddress(c.hospital.account.address));
    const tx = await ethers.provider.getTransaction(result.transactionHash);
    assert.equal(tx!.from, getAddress(c.relayer.account.address), "the relayer paid");
    assert.equal(await RecordRegistry__factory.connect(c.recordRegistry.address, relayer).nonces(hospital.address), 1n);
  });

  it("surfaces the registry's custom error through the typed interface", async () => {
    const c = await networkHelpers.loadFixture(ethersFixture);
    const stranger = await ethers.getSigner(c.stranger.account.address);
    const registry = RecordRegistry__factory.connect(c.recordRegistry.address, stranger);
    await assert.rejects(registry.register(newRecord(c.patient.account.address, "nope")), (error: { data?: string }) => {
      const decoded = registry.interface.parseError(error.data!);
      assert.equal(decoded?.name, "RecordRegistryUnknownHospital");
      assert.equal(decoded?.args[0], getAddress(c.stranger.account.address));
      return true;
    });
  });
});
