/**
 * Research: a verified researcher's studies (create, funding chart, contributions, withdraw), every
 * study for donors (fund, refund) and patients (join, leave), and the patient's contributions and
 * rewards.
 */
import type { Address } from "viem";
import { useI18n } from "../../i18n/i18n.tsx";
import { useHoldsRole } from "../governance/useConsortium.ts";
import { MyContributions } from "./MyContributions.tsx";
import { ResearcherStudies } from "./ResearcherStudies.tsx";
import { StudyList } from "./StudyList.tsx";

export default function ResearchPage({ address }: { address: Address }) {
  const { t } = useI18n();
  const researcher = useHoldsRole("RESEARCHER", address);
  return (
    <div className="page">
      <h1>{t("research.title")}</h1>
      <p className="note">{t("research.intro")}</p>
      {researcher.data && <ResearcherStudies researcher={address} />}
      <StudyList me={address} />
      <MyContributions patient={address} />
    </div>
  );
}
