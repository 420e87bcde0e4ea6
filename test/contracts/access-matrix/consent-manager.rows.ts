import { Rights } from "@caduceus/sdk/chain/access";
import { Purpose } from "@caduceus/sdk/chain/roles";
import { signPolicy, terms } from "../../helpers/consent.js";
import { seededBytes } from "../../helpers/records.js";
import { addressOf, by, id, POLICY, revert, T, who, type ContractRows, type Fixture } from "./fixture.js";

const envelope = seededBytes("matrix:envelope", 85);
const otherDoctor = (c: Fixture) => c.otherDoctor.account.address;
/** Terms for an account nobody controls, valid from the fixture's policies' start. */
const freshTerms = (c: Fixture) => terms(c.terms.treat.validFrom, { grantee: addressOf("policy-grantee") });

export const consentManagerRows: ContractRows = {
  contract: "consentManager",
  name: "ConsentManager",
  rows: [
    {
      fn: "approve(address,uint8)",
      allowed: ["patient"],
      call: (c, a) => c.consentManager.write.approve([otherDoctor(c), Purpose.TREAT], by(c, a)),
      refused: (c, a) => revert("ConsentGrantNotFound", who(c, a), c.otherDoctor.account.address, Purpose.TREAT),
    },
    {
      fn: `deliverKeys(address,address,uint8,${T.KeyDelivery}[])`,
      allowed: ["patient", "hospital"],
      call: (c, a) =>
        c.consentManager.write.deliverKeys(
          [
            c.patientAddress,
            c.doctor.account.address,
            Purpose.TREAT,
            [{ recordId: c.hospitalRecord.id, copyCid: "0x", envelope }],
          ],
          by(c, a),
        ),
      refused: (c, a) => revert("ConsentNotKeyCustodian", who(c, a), c.hospitalRecord.id),
    },
    {
      fn: "deny(address,uint8)",
      allowed: ["patient"],
      call: (c, a) => c.consentManager.write.deny([otherDoctor(c), Purpose.TREAT], by(c, a)),
      refused: (c, a) => revert("ConsentGrantNotFound", who(c, a), c.otherDoctor.account.address, Purpose.TREAT),
    },
    {
      fn: `requestAccess(address,bytes32,${T.PolicyTerms},uint8,uint8,uint48)`,
      case: "the patient's policy for every active doctor",
      allowed: ["doctor"],
      call: (c, a) =>
        c.consentManager.write.requestAccess(
          [c.patientAddress, POLICY.role, c.terms.role, Purpose.TREAT, Rights.READ, 0],
          by(c, a),
        ),
      // Finding 9: a requester the policy does not address is refused outright, so nobody can fill
      // a patient's access log with denials.
      refused: (c, a) => revert("ConsentNotGrantee", who(c, a), c.patientAddress, POLICY.role),
    },
    {
      fn: "revoke(address,address,uint8)",
      case: "the patient's grant to the doctor",
      allowed: ["patient"],
      call: (c, a) =>
        c.consentManager.write.revoke([c.patientAddress, c.doctor.account.address, Purpose.TREAT], by(c, a)),
      refused: (c, a) => revert("ConsentNotGrantor", who(c, a)),
    },
    {
      fn: "revoke(address,address,uint8)",
      case: "the doctor's shared grant to the hospital",
      allowed: ["patient", "doctor"],
      call: (c, a) =>
        c.consentManager.write.revoke([c.patientAddress, c.hospital.account.address, Purpose.TREAT], by(c, a)),
      refused: (c, a) => revert("ConsentNotGrantor", who(c, a)),
    },
    {
      fn: "revokePolicy(bytes32)",
      allowed: ["patient"],
      call: (c, a) => c.consentManager.write.revokePolicy([POLICY.treat], by(c, a)),
      refused: (c, a) => revert("ConsentUnknownPolicy", who(c, a), POLICY.treat),
    },
    {
      fn: `setPolicy(bytes32,${T.PolicyTerms})`,
      allowed: "everyone",
      why: "a policy speaks only for the caller's own records",
      call: (c, a) => c.consentManager.write.setPolicy([id("policy:new"), freshTerms(c)], by(c, a)),
    },
    {
      fn: `setPolicyWithSig(address,bytes32,${T.PolicyTerms},uint256,bytes)`,
      allowed: "everyone",
      why: "the patient's EIP-712 signature authorizes the policy; any relayer may submit it",
      call: async (c, a) => {
        const policy = freshTerms(c);
        const deadline = BigInt(2 ** 40);
        const signature = await signPolicy(c.patient, c.consentManager.address, id("policy:new"), 1, policy, deadline);
        return c.consentManager.write.setPolicyWithSig(
          [c.patientAddress, id("policy:new"), policy, deadline, signature],
          by(c, a),
        );
      },
    },
    {
      fn: "share(address,address,uint8,uint48)",
      allowed: ["doctor"],
      call: (c, a) =>
        c.consentManager.write.share([c.patientAddress, c.hospital.account.address, Purpose.TREAT, 0], by(c, a)),
      refused: (c, a) => revert("ConsentCannotShare", who(c, a), who(c, "hospital"), Purpose.TREAT),
    },
  ],
};
