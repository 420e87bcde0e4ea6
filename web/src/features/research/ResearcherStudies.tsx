/**
 * A verified researcher's desk: open a study, follow each one's funding, take patients' consents
 * up, review what they contributed (accept, or reject with a reason they will read), withdraw a
 * funded study's money (less the reward reserve), close data collection, or cancel while funding.
 */
import { useId, useState } from "react";
import type { Address } from "viem";
import type { RejectReasonName } from "@caduceus/sdk/chain/research";
import type { DataContribution, Study } from "@caduceus/sdk/query/types";
import { acceptContribution, rejectContribution } from "@caduceus/sdk/research/contributions";
import { admitParticipants } from "@caduceus/sdk/research/participation";
import { cancelStudy, closeStudy, withdraw } from "@caduceus/sdk/research/studies";
import { errorMessage } from "../../errors.ts";
import { useI18n } from "../../i18n/i18n.tsx";
import { IdentityCard } from "../../identity/IdentityCard.tsx";
import { formatTime, shortAddress } from "../access/words.ts";
import { WriteButton } from "../../tx/WriteButton.tsx";
import { ContributionCopy } from "./ContributionCopy.tsx";
import { CreateStudyForm } from "./CreateStudyForm.tsx";
import { FundingHistory } from "./FundingHistory.tsx";
import { StudyCard } from "./StudyCard.tsx";
import { RESEARCH_KEY, useResearcherOverview } from "./useResearch.ts";
import { dataStatusWords, REJECT_REASONS, rejectReasonWords } from "./words.ts";

const REFRESH = [RESEARCH_KEY];

function Review({ contribution }: { contribution: DataContribution }) {
  const { t } = useI18n();
  const id = useId();
  const [reason, setReason] = useState<RejectReasonName>("OUT_OF_PROTOCOL");
  const { studyId, patient } = contribution;
  return (
    <div className="review">
      <WriteButton label={t("study.accept")} action={(c) => acceptContribution(c, studyId, patient)} refresh={REFRESH} primary testId="accept" />
      <label htmlFor={`${id}-reason`}>{t("study.rejectReason")}</label>
      <select id={`${id}-reason`} value={reason} onChange={(e) => setReason(e.target.value as RejectReasonName)}>
        {REJECT_REASONS.map((r) => (
          <option key={r} value={r}>
            {rejectReasonWords(t, r)}
          </option>
        ))}
      </select>
      <WriteButton label={t("study.reject")} action={(c) => rejectContribution(c, studyId, patient, reason)} refresh={REFRESH} testId="reject" />
    </div>
  );
}

function Contributions({ items, researcher }: { items: DataContribution[]; researcher: Address }) {
  const { t, locale } = useI18n();
  if (items.length === 0) return <p className="note">{t("study.noContributions")}</p>;
  return (
    <table data-testid="contributions">
      <caption className="visually-hidden">{t("study.contributionsTitle")}</caption>
      <thead>
        <tr>
          <th scope="col">{t("study.patient")}</th>
          <th scope="col">{t("study.submitted")}</th>
          <th scope="col">{t("study.state")}</th>
          <th scope="col">{t("study.decision")}</th>
        </tr>
      </thead>
      <tbody>
        {items.map((c) => (
          <tr key={`${c.patient}-${c.recordId}`} data-testid="contribution">
            <td>{shortAddress(c.patient)}</td>
            <td>{formatTime(c.submittedAt, locale)}</td>
            <td>
              {dataStatusWords(t, c.status)}
              {c.rejectReason && ` — ${rejectReasonWords(t, c.rejectReason)}`}
            </td>
            <td>
              {c.status === "Submitted" && <ContributionCopy contribution={c} researcher={researcher} />}
              {c.status === "Submitted" && <Review contribution={c} />}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function MyStudy({ study, contributions }: { study: Study; contributions: DataContribution[] }) {
  const { t } = useI18n();
  const id = study.studyId;
  const collecting = !study.closed && (study.status === "Funding" || study.status === "Funded");
  return (
    <StudyCard study={study}>
      <FundingHistory study={study} />
      <div className="study-actions">
        {study.status === "Funded" && study.withdrawn === 0n && (
          <WriteButton label={t("study.withdraw")} action={(c) => withdraw(c, id)} refresh={REFRESH} primary testId="withdraw" />
        )}
        {collecting && <WriteButton label={t("study.admit")} action={(c) => admitParticipants(c, id)} refresh={REFRESH} />}
        {study.status === "Funded" && !study.closed && <WriteButton label={t("study.close")} action={(c) => closeStudy(c, id)} refresh={REFRESH} />}
        {study.status === "Funding" && <WriteButton label={t("study.cancel")} action={(c) => cancelStudy(c, id)} refresh={REFRESH} />}
      </div>
      <h4>{t("study.contributionsTitle")}</h4>
      <Contributions items={contributions.filter((c) => c.studyId === id)} researcher={study.researcher} />
    </StudyCard>
  );
}

export function ResearcherStudies({ researcher }: { researcher: Address }) {
  const { t } = useI18n();
  const overview = useResearcherOverview(researcher);
  return (
    <section aria-labelledby="my-studies-title" data-testid="researcher">
      <h2 id="my-studies-title">{t("study.mineTitle")}</h2>
      <IdentityCard address={researcher} />
      <CreateStudyForm />
      {overview.isPending ? (
        <p role="status">
          <span className="spinner" aria-hidden="true" /> {t("study.loading")}
        </p>
      ) : overview.isError ? (
        <p role="alert">{errorMessage(overview.error)}</p>
      ) : overview.data.studies.length === 0 ? (
        <p>{t("study.noneMine")}</p>
      ) : (
        overview.data.studies.map((s) => <MyStudy key={String(s.studyId)} study={s} contributions={overview.data.contributions} />)
      )}
    </section>
  );
}
