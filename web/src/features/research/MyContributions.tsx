/** A patient's contributions to studies: what became of each, the reward, and claiming it. */
import { zeroAddress, type Address } from "viem";
import type { DataContribution } from "@caduceus/sdk/query/types";
import { claimReward } from "@caduceus/sdk/research/participation";
import { errorMessage } from "../../errors.ts";
import { useI18n } from "../../i18n/i18n.tsx";
import { formatTime } from "../access/words.ts";
import { WriteButton } from "../../tx/WriteButton.tsx";
import { RESEARCH_KEY, useMyContributions, useStudies, useToken } from "./useResearch.ts";
import { amountWords, dataStatusWords, rejectReasonWords } from "./words.ts";

function ContributionRow({ c, token }: { c: DataContribution; token: Address }) {
  const { t, locale } = useI18n();
  const info = useToken(token);
  return (
    <li className="policy" data-testid="my-contribution">
      <p>
        {t("study.myContribution", { id: String(c.studyId), when: formatTime(c.submittedAt, locale), state: dataStatusWords(t, c.status) })}
        {c.rejectReason && ` — ${rejectReasonWords(t, c.rejectReason)}`}
        {c.reward !== undefined && ` · ${t("study.rewardEarned", { amount: amountWords(c.reward, info) })}`}
      </p>
      {c.status === "Accepted" && (
        <WriteButton label={t("study.claim")} action={(chain) => claimReward(chain, c.studyId)} refresh={[RESEARCH_KEY]} primary testId="claim" />
      )}
    </li>
  );
}

export function MyContributions({ patient }: { patient: Address }) {
  const { t } = useI18n();
  const contributions = useMyContributions(patient);
  const studies = useStudies();
  return (
    <section className="card" aria-labelledby="my-contributions-title">
      <h2 id="my-contributions-title">{t("study.myContributionsTitle")}</h2>
      {contributions.isPending ? (
        <p role="status">{t("study.loading")}</p>
      ) : contributions.isError ? (
        <p role="alert">{errorMessage(contributions.error)}</p>
      ) : contributions.data.length === 0 ? (
        <p data-testid="no-contributions">{t("study.noMyContributions")}</p>
      ) : (
        <ul className="policies">
          {contributions.data.map((c) => (
            <ContributionRow key={`${c.studyId}-${c.recordId}`} c={c} token={studies.data?.find((s) => s.studyId === c.studyId)?.token ?? zeroAddress} />
          ))}
        </ul>
      )}
    </section>
  );
}
