import { keccak256 } from "viem";
import { EMERGENCY_APPROVAL_TYPES, emergencyDomain, Justification } from "@caduceus/sdk/chain/emergency";
import { seededBytes } from "../../helpers/records.js";
import { by, cid, HOUR, LIMITS, revert, T, who, type ContractRows } from "./fixture.js";

const OPEN = 1; // EmergencyStatus.Open
const share = seededBytes("matrix:share", 86);

export const emergencyAccessRows: ContractRows = {
  contract: "emergencyAccess",
  name: "EmergencyAccess",
  rows: [
    {
      fn: "approve(address,address,bytes)",
      allowed: ["contact"],
      call: (c, a) => c.emergencyAccess.write.approve([c.patientAddress, c.doctor.account.address, share], by(c, a)),
      refused: (c, a) => revert("EmergencyNotContact", who(c, a)),
    },
    {
      fn: "cancelContactsChange()",
      case: "on a deployment with a security delay, where the patient's change is pending",
      allowed: ["patient"],
      call: (c, a) => c.delayedEmergency.write.cancelContactsChange(by(c, a)),
      refused: (c, a) => revert("EmergencyNoPendingChange", who(c, a)),
    },
    {
      fn: "close(address,address)",
      allowed: ["patient", "doctor"],
      call: (c, a) => c.emergencyAccess.write.close([c.patientAddress, c.doctor.account.address], by(c, a)),
      refused: (c, a) => revert("EmergencyCannotClose", who(c, a), OPEN),
    },
    {
      fn: `postKeys(address,uint32,${T.EmergencyKey}[])`,
      allowed: ["patient", "hospital"],
      call: (c, a) =>
        c.emergencyAccess.write.postKeys(
          [c.patientAddress, 1, [{ recordId: c.hospitalRecord.id, envelope: share }]],
          by(c, a),
        ),
      refused: (c, a) => revert("EmergencyNotKeyCustodian", who(c, a), c.hospitalRecord.id),
    },
    {
      fn: "proposeContacts(address[],uint8,bytes)",
      allowed: "everyone",
      why: "the contacts are the caller's own",
      call: (c, a) =>
        c.emergencyAccess.write.proposeContacts(
          [[c.wallets.contact.account.address, c.contact2.account.address], 2, cid("new-shares")],
          by(c, a),
        ),
      fails: {
        contact: {
          because: "nobody is their own emergency contact",
          outcome: (c) => revert("EmergencyInvalidContact", who(c, "contact")),
        },
      },
    },
    {
      fn: "reject(address,address)",
      allowed: ["contact"],
      call: (c, a) => c.emergencyAccess.write.reject([c.patientAddress, c.doctor.account.address], by(c, a)),
      refused: (c, a) => revert("EmergencyNotContact", who(c, a)),
    },
    {
      fn: "request(address,uint8,bytes,uint48)",
      case: "for the other patient",
      allowed: ["doctor"],
      call: (c, a) =>
        c.emergencyAccess.write.request(
          [c.otherPatientAddress, Justification.UNCONSCIOUS, cid("note"), HOUR],
          by(c, a),
        ),
      refused: (c, a) => revert("EmergencyNotDoctor", who(c, a)),
    },
    {
      fn: `setLimits(${T.EmergencyLimits})`,
      allowed: ["governance"],
      call: (c, a) => c.emergencyAccess.write.setLimits([LIMITS], by(c, a)),
      refused: (c, a) => revert("EmergencyNotGovernance", who(c, a)),
    },
    {
      fn: `submitSignedApprovals(address,address,${T.SignedApproval}[])`,
      allowed: "everyone",
      why: "the contact's EIP-712 signature authorizes the approval; any relayer may submit it",
      call: async (c, a) => {
        const signature = await c.contact2.signTypedData({
          account: c.contact2.account,
          domain: emergencyDomain(await c.contact2.getChainId(), c.emergencyAccess.address),
          types: EMERGENCY_APPROVAL_TYPES,
          primaryType: "EmergencyApproval",
          message: {
            patient: c.patientAddress,
            doctor: c.doctor.account.address,
            contact: c.contact2.account.address,
            round: 1,
            shareHash: keccak256(share),
          },
        });
        return c.emergencyAccess.write.submitSignedApprovals(
          [c.patientAddress, c.doctor.account.address, [{ contact: c.contact2.account.address, share, signature }]],
          by(c, a),
        );
      },
    },
  ],
};
