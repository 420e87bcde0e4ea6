import { newRecord } from "../../helpers/records.js";
import { signRegistration } from "../../helpers/signatures.js";
import { by, revert, T, who, type Actor, type ContractRows, type Fixture } from "./fixture.js";

/** A record's writer must be an active hospital: a suspended one is told so with its id (2). */
const activeHospitalOnly = (c: Fixture, a: Actor) =>
  a === "suspendedHospital"
    ? revert("RecordRegistryHospitalSuspended", who(c, a), 2)
    : revert("RecordRegistryUnknownHospital", who(c, a));

export const recordRegistryRows: ContractRows = {
  contract: "recordRegistry",
  name: "RecordRegistry",
  rows: [
    {
      fn: `amend(bytes32,${T.NewRecord})`,
      case: "a hospital's record",
      allowed: ["hospital"],
      call: (c, a) =>
        c.recordRegistry.write.amend([c.hospitalRecord.id, newRecord(c.patientAddress, `amend:${a}`)], by(c, a)),
      refused: (c, a) => revert("RecordRegistryNotAuthor", who(c, a), c.hospitalRecord.id),
    },
    {
      fn: "invalidateNonces(uint256)",
      allowed: "everyone",
      why: "it voids only the caller's own outstanding registration signatures",
      call: (c, a) => c.recordRegistry.write.invalidateNonces([1n], by(c, a)),
    },
    {
      fn: "postAudit(bytes32,uint8,bytes)",
      allowed: ["auditor"],
      call: (c, a) => c.recordRegistry.write.postAudit([c.hospitalRecord.id, 0, "0x"], by(c, a)),
      refused: (c, a) => revert("RecordRegistryNotAuditor", who(c, a)),
    },
    {
      fn: `register(${T.NewRecord})`,
      allowed: ["hospital"],
      call: (c, a) => c.recordRegistry.write.register([newRecord(c.patientAddress, `register:${a}`)], by(c, a)),
      refused: activeHospitalOnly,
    },
    {
      fn: `registerBatch(${T.NewRecord}[])`,
      allowed: ["hospital"],
      call: (c, a) => c.recordRegistry.write.registerBatch([[newRecord(c.patientAddress, `batch:${a}`)]], by(c, a)),
      refused: activeHospitalOnly,
    },
    {
      fn: `registerOwn(${T.NewRecord})`,
      case: "a record of the patient",
      allowed: ["patient"],
      call: (c, a) => c.recordRegistry.write.registerOwn([newRecord(c.patientAddress, `own:${a}`)], by(c, a)),
      refused: (c, a) => revert("RecordRegistryNotPatient", who(c, a), c.patientAddress),
    },
    {
      fn: `registerOwn(${T.NewRecord})`,
      case: "a record of the caller",
      allowed: "everyone",
      why: "anyone may keep records of their own: the record's patient must be the caller",
      call: (c, a) => c.recordRegistry.write.registerOwn([newRecord(who(c, a), `own:${a}`)], by(c, a)),
    },
    {
      fn: `registerWithSig(${T.NewRecord},address,uint256,bytes)`,
      allowed: "everyone",
      why: "the active hospital's EIP-712 signature authorizes the record; any relayer may submit it",
      call: async (c, a) => {
        const record = newRecord(c.patientAddress, "with-sig");
        const deadline = BigInt(2 ** 40);
        const signature = await signRegistration(c, c.hospital, record, deadline);
        return c.recordRegistry.write.registerWithSig(
          [record, c.hospital.account.address, deadline, signature],
          by(c, a),
        );
      },
    },
  ],
};
