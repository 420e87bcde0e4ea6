import { zeroAddress } from "viem";
import { RejectReason } from "@caduceus/sdk/chain/research";
import { Category } from "../../helpers/records.js";
import { addressOf, by, cid, FINNEY, revert, T, who, type Actor, type ContractRows, type Fixture } from "./fixture.js";

/** Functions of a study's own researcher. */
const studyResearcherOnly = (study: keyof Fixture["studies"]) => (c: Fixture, a: Actor) =>
  revert("ResearchNotStudyResearcher", who(c, a), c.studies[study]);

export const researchPoolRows: ContractRows = {
  contract: "researchPool",
  name: "ResearchPool",
  rows: [
    {
      fn: "acceptContribution(uint256,address)",
      allowed: ["researcher"],
      call: (c, a) => c.researchPool.write.acceptContribution([c.studies.funded, c.otherPatientAddress], by(c, a)),
      refused: studyResearcherOnly("funded"),
    },
    {
      fn: "cancelStudy(uint256)",
      allowed: ["researcher"],
      call: (c, a) => c.researchPool.write.cancelStudy([c.studies.funding], by(c, a)),
      refused: studyResearcherOnly("funding"),
    },
    {
      fn: "claimReward(uint256,address)",
      allowed: ["patient"],
      call: (c, a) => c.researchPool.write.claimReward([c.studies.funded, who(c, a)], by(c, a)),
      refused: (c, a) => revert("ResearchWrongDataStatus", c.studies.funded, who(c, a)),
    },
    {
      fn: "closeStudy(uint256,address)",
      allowed: ["researcher"],
      call: (c, a) => c.researchPool.write.closeStudy([c.studies.ended, who(c, a)], by(c, a)),
      refused: studyResearcherOnly("ended"),
    },
    {
      fn: "contribute(uint256,uint256)",
      allowed: "everyone",
      why: "anyone may fund a study",
      call: (c, a) => c.researchPool.write.contribute([c.studies.funding, FINNEY], { ...by(c, a), value: FINNEY }),
      fails: {
        researcher: {
          because: "a researcher's own money does not count toward its study's goal",
          outcome: (c) => revert("ResearchSelfFunding", c.studies.funding, who(c, "researcher")),
        },
      },
    },
    {
      fn: `createStudy(${T.StudyParams})`,
      allowed: ["researcher"],
      call: (c, a) =>
        c.researchPool.write.createStudy(
          [
            {
              token: zeroAddress,
              goal: 3n * FINNEY,
              deadline: c.terms.treat.validFrom + 30 * 86_400,
              reward: FINNEY,
              maxContributions: 3,
              categories: 1 << Category.Lab,
              protocolCid: cid("protocol"),
            },
          ],
          by(c, a),
        ),
      refused: (c, a) => revert("ResearchNotResearcher", who(c, a)),
    },
    {
      fn: "refund(uint256,address)",
      allowed: ["donor"],
      call: (c, a) => c.researchPool.write.refund([c.studies.cancelled, who(c, a)], by(c, a)),
      refused: (c, a) => revert("ResearchNothingToRefund", c.studies.cancelled, who(c, a)),
    },
    {
      fn: "rejectContribution(uint256,address,uint8)",
      allowed: ["researcher"],
      call: (c, a) =>
        c.researchPool.write.rejectContribution(
          [c.studies.funded, c.otherPatientAddress, RejectReason.OTHER],
          by(c, a),
        ),
      refused: studyResearcherOnly("funded"),
    },
    {
      fn: "setTokenAllowed(address,bool)",
      allowed: ["governance"],
      call: (c, a) => c.researchPool.write.setTokenAllowed([addressOf("token"), true], by(c, a)),
      refused: (c, a) => revert("ResearchNotGovernance", who(c, a)),
    },
    {
      fn: "submitData(uint256,bytes32)",
      case: "the patient's record",
      allowed: ["patient"],
      call: (c, a) => c.researchPool.write.submitData([c.studies.open, c.hospitalRecord.id], by(c, a)),
      refused: (c) => revert("ResearchIneligibleRecord", c.hospitalRecord.id),
    },
    {
      fn: "withdraw(uint256,address)",
      allowed: ["researcher"],
      call: (c, a) => c.researchPool.write.withdraw([c.studies.ended, who(c, a)], by(c, a)),
      refused: studyResearcherOnly("ended"),
    },
  ],
};
