/**
 * Runnable example: `npx hardhat run scripts/examples/hospital-ethers.ts` deploys Caduceus on the
 * in-process network, admits a hospital and registers one (opaque, demo) record through a relayer
 * with the ethers-v6 bindings. See hospital-backend.ts for the integration itself.
 */
import { network } from "hardhat";
import { keccak256, toUtf8Bytes, ZeroHash } from "ethers";
import CaduceusModule from "../../ignition/modules/Caduceus.js";
import { RecordRegistry__factory } from "../../typechain-types/index.js";
import { registerThroughRelayer } from "./hospital-backend.js";

const { ethers, ignition } = await network.create();
const [governance, hospital, relayer, patient] = await ethers.getSigners();
const { consortium, recordRegistry } = await ignition.deploy(CaduceusModule);
await consortium.write.admitHospital([(await hospital.getAddress()) as `0x${string}`, "Example Hospital", "0x"], {
  account: (await governance.getAddress()) as `0x${string}`,
});

const result = await registerThroughRelayer(recordRegistry.address, hospital, relayer, {
  patient: await patient.getAddress(),
  cidDigest: keccak256(toUtf8Bytes("demo ciphertext")), // the client library computes the real CID
  cidCodec: 0x55,
  contentDigest: ZeroHash,
  category: 1,
  envelope: "0x01deadbeef", // in production: the record key wrapped to the patient's published key
});
const stored = await RecordRegistry__factory.connect(recordRegistry.address, relayer).getRecord(result.recordId);
console.log(`registered ${result.recordId} for ${stored.patient} by ${result.provider} in ${result.transactionHash}`);
