/**
 * The researcher's view of funding over time: the running total as a step line from the study's
 * opening to its deadline, with the goal as a dashed line. Plain SVG; the numbers are also in words.
 */
import type { Study } from "@caduceus/sdk/query/types";
import { errorMessage } from "../../errors.ts";
import { useI18n } from "../../i18n/i18n.tsx";
import { useFundingHistory } from "./useResearch.ts";

const W = 300;
const H = 90;
const PAD = 4;

export function FundingHistory({ study }: { study: Study }) {
  const { t } = useI18n();
  const history = useFundingHistory(study.studyId);
  if (history.isPending) return null;
  if (history.isError) return <p role="alert">{errorMessage(history.error)}</p>;
  const points = history.data;
  const top = points.reduce((m, p) => (p.raised > m ? p.raised : m), study.goal) || 1n;
  const start = study.createdAt;
  const span = Math.max(1, study.deadline - start);
  const x = (at: number) => PAD + ((W - 2 * PAD) * Math.min(1, Math.max(0, (at - start) / span)));
  const y = (v: bigint) => H - PAD - ((H - 2 * PAD) * Number((v * 1000n) / top)) / 1000;
  let path = `M ${x(start)} ${y(0n)}`;
  for (const p of points) path += ` H ${x(p.at)} V ${y(p.raised)}`;
  const last = points.at(-1);
  const now = study.status === "Funding" ? Math.min(Date.now() / 1000, study.deadline) : (last?.at ?? start);
  path += ` H ${x(Math.max(now, last?.at ?? start))}`;
  return (
    <figure className="funding-history">
      <svg viewBox={`0 0 ${W} ${H}`} width="100%" role="img" aria-label={t("study.historyLabel", { count: points.length })} data-testid="funding-history">
        <rect x="0" y="0" width={W} height={H} fill="#f7f8fa" stroke="#c9d1dc" />
        <line x1={PAD} x2={W - PAD} y1={y(study.goal)} y2={y(study.goal)} stroke="#1d6b35" strokeDasharray="4 3" />
        <path d={path} fill="none" stroke="#0b5cad" strokeWidth="2" />
        {points.map((p, i) => (
          <circle key={i} cx={x(p.at)} cy={y(p.raised)} r="3" fill="#0b5cad" />
        ))}
      </svg>
      <figcaption className="note">{t("study.historyCaption")}</figcaption>
    </figure>
  );
}
