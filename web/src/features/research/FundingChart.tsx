/**
 * Funding progress as a small SVG: the goal is the full width, the raised amount fills it (past the
 * goal it is drawn full), the share kept back for patients' rewards is marked, refunds are hatched.
 * The same facts are given in words for screen readers.
 */
import type { Study } from "@caduceus/sdk/query/types";

const W = 300;
const H = 28;

const share = (part: bigint, whole: bigint) => (whole === 0n ? 0 : Math.min(1, Number((part * 10_000n) / whole) / 10_000));

export function FundingChart({ study, label }: { study: Study; label: string }) {
  const raised = share(study.raised, study.goal);
  const refunded = share(study.refunded, study.goal);
  const reserve = share(study.reward * BigInt(study.maxContributions), study.goal);
  return (
    <svg className="funding-chart" viewBox={`0 0 ${W} ${H}`} preserveAspectRatio="none" width="100%" height={H} role="img" aria-label={label} data-testid="funding-chart">
      <defs>
        <pattern id="refund-hatch" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">
          <line x1="0" y1="0" x2="0" y2="6" stroke="#a4161a" strokeWidth="2" />
        </pattern>
      </defs>
      <rect x="0" y="4" width={W} height={H - 8} rx="4" fill="#e3e8ef" />
      <rect x="0" y="4" width={W * raised} height={H - 8} rx="4" fill={study.status === "Funded" ? "#1d6b35" : "#0b5cad"} />
      {refunded > 0 && <rect x="0" y="4" width={W * refunded} height={H - 8} rx="4" fill="url(#refund-hatch)" />}
      <line x1={W * reserve} x2={W * reserve} y1="0" y2={H} stroke="#1b2430" strokeWidth="2" strokeDasharray="3 2" />
    </svg>
  );
}
