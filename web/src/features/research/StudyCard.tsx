/** One study as everyone sees it: state, scope, deadline, funding progress (chart and words), protocol. */
import { useState, type ReactNode } from "react";
import { hexToBytes } from "viem";
import type { Study } from "@caduceus/sdk/query/types";
import { readProtocol } from "@caduceus/sdk/research/studies";
import { collectBytes } from "@caduceus/sdk/crypto/byte-source";
import { cidFromBytes } from "@caduceus/sdk/storage/cid";
import { errorMessage } from "../../errors.ts";
import { useI18n } from "../../i18n/i18n.tsx";
import { formatTime, shortAddress } from "../access/words.ts";
import { download } from "../patient/RecordBody.tsx";
import { useContentStore } from "../governance/useConsortium.ts";
import { FundingChart } from "./FundingChart.tsx";
import { useToken } from "./useResearch.ts";
import { amountWords, categoriesWords, studyStatusWords } from "./words.ts";

function ProtocolLink({ study }: { study: Study }) {
  const { t } = useI18n();
  const store = useContentStore();
  const [state, setState] = useState<{ busy: boolean; error?: string }>({ busy: false });
  async function fetchProtocol() {
    setState({ busy: true });
    try {
      const cid = cidFromBytes(hexToBytes(study.protocolCid)).toString();
      const bytes = await collectBytes(readProtocol(store, { protocolCid: cid }));
      download({ mediaType: "application/octet-stream", fileName: `study-${study.studyId}-protocol`, body: bytes.buffer }, cid);
      setState({ busy: false });
    } catch (error) {
      setState({ busy: false, error: errorMessage(error) });
    }
  }
  return (
    <>
      <button type="button" onClick={fetchProtocol} disabled={state.busy}>
        {state.busy && <span className="spinner" aria-hidden="true" />} {t("study.protocol")}
      </button>
      {state.error && <p role="alert">{state.error}</p>}
    </>
  );
}

export function StudyCard({ study, children }: { study: Study; children?: ReactNode }) {
  const { t, locale } = useI18n();
  const token = useToken(study.token);
  const facts = {
    raised: amountWords(study.raised, token),
    goal: amountWords(study.goal, token),
    percent: study.fundedPercent,
    funders: study.funders,
  };
  return (
    <article className="card study" data-testid="study" data-study={String(study.studyId)} aria-labelledby={`study-${study.studyId}`}>
      <h3 id={`study-${study.studyId}`}>
        {t("study.title", { id: String(study.studyId) })} <span className={`badge status-${study.status}`}>{studyStatusWords(t, study.status)}</span>
        {study.closed && <span className="badge">{t("study.closed")}</span>}
      </h3>
      <p className="meta">
        {t("study.meta", {
          researcher: shortAddress(study.researcher),
          categories: categoriesWords(t, study.categories),
          deadline: formatTime(study.deadline, locale),
        })}
      </p>
      <FundingChart study={study} label={t("study.chartLabel", facts)} />
      <p data-testid="study-funding">{t("study.funding", facts)}</p>
      <p className="note">
        {t("study.rewards", {
          reward: amountWords(study.reward, token),
          max: study.maxContributions,
          accepted: study.dataAccepted,
        })}
        {study.refunded > 0n && ` ${t("study.refunded", { amount: amountWords(study.refunded, token) })}`}
        {study.withdrawn > 0n && ` ${t("study.withdrawnAmount", { amount: amountWords(study.withdrawn, token) })}`}
      </p>
      <ProtocolLink study={study} />
      {children}
    </article>
  );
}
