/** Every access decision about the patient, newest first, as a timeline and a chart of events per day. */
import type { Address } from "viem";
import type { LogEntry } from "@caduceus/sdk/query/types";
import { errorMessage } from "../../errors.ts";
import { useI18n, type Translate } from "../../i18n/i18n.tsx";
import { useAccessLog } from "./useAccess.ts";
import { formatTime, purposeWords, shortAddress } from "./words.ts";

/** One entry in words. */
export function describe(t: Translate, e: LogEntry, locale: string): string {
  switch (e.kind) {
    case "PolicySet":
      return t("log.PolicySet", { version: e.version, purposes: e.purposes.map((p) => purposeWords(t, p)).join(", ") });
    case "PolicyRevoked":
      return t("log.PolicyRevoked", { version: e.version });
    case "AccessRequested":
      return t("log.AccessRequested", { who: shortAddress(e.requester), purpose: purposeWords(t, e.purpose), outcome: e.outcome, reason: e.reason === "None" ? "" : ` (${e.reason})` });
    case "AccessDecided":
      return t(e.approved ? "log.AccessApproved" : "log.AccessDenied", { who: shortAddress(e.requester), purpose: purposeWords(t, e.purpose) });
    case "AccessRevoked":
      return t("log.AccessRevoked", { who: shortAddress(e.grantee), purpose: purposeWords(t, e.purpose), by: shortAddress(e.by) });
    case "AccessShared":
      return t("log.AccessShared", { who: shortAddress(e.sharer), to: shortAddress(e.recipient), purpose: purposeWords(t, e.purpose) });
    case "KeyDelivered":
      return t(e.deidentifiedCopy ? "log.KeyDeliveredDeidentified" : "log.KeyDelivered", { who: shortAddress(e.grantee), id: `${e.recordId.slice(0, 10)}…`, purpose: purposeWords(t, e.purpose) });
    case "EmergencyRequested":
      return t("log.EmergencyRequested", { who: shortAddress(e.doctor), why: e.justification });
    case "EmergencyGranted":
      return t("log.EmergencyGranted", { who: shortAddress(e.doctor), until: formatTime(e.expiresAt, locale) });
    case "EmergencyClosed":
      return t("log.EmergencyClosed", { who: shortAddress(e.doctor), status: e.status });
  }
}

/** Events per day, as bars: an accessible SVG with a text alternative. */
function Chart({ entries }: { entries: LogEntry[] }) {
  const { t, locale } = useI18n();
  const days = new Map<string, number>();
  for (const e of entries) {
    const day = new Date(e.timestamp * 1000).toISOString().slice(0, 10);
    days.set(day, (days.get(day) ?? 0) + 1);
  }
  const bars = [...days.entries()].sort(([a], [b]) => a.localeCompare(b)).slice(-30);
  if (bars.length === 0) return null;
  const max = Math.max(...bars.map(([, n]) => n));
  const width = 24;
  const summary = bars.map(([d, n]) => `${d}: ${n}`).join(", ");
  return (
    <figure className="chart">
      <svg role="img" aria-label={t("log.chartLabel", { summary })} viewBox={`0 0 ${bars.length * width} 110`} width="100%" height="120" preserveAspectRatio="xMinYMax meet">
        {bars.map(([day, n], i) => {
          const h = Math.max(4, (n / max) * 90);
          return (
            <g key={day}>
              <rect x={i * width + 4} y={95 - h} width={width - 8} height={h} fill="#0b5cad">
                <title>{`${new Intl.DateTimeFormat(locale, { dateStyle: "medium", timeZone: "UTC" }).format(new Date(day))}: ${n}`}</title>
              </rect>
              <text x={i * width + width / 2} y={108} fontSize="8" textAnchor="middle" fill="#4a5565">
                {n}
              </text>
            </g>
          );
        })}
      </svg>
      <figcaption className="note">{t("log.chartCaption")}</figcaption>
    </figure>
  );
}

export function AccessLog({ patient }: { patient: Address }) {
  const { t, locale } = useI18n();
  const log = useAccessLog(patient);
  if (log.isPending) {
    return (
      <p role="status">
        <span className="spinner" aria-hidden="true" /> {t("log.loading")}
      </p>
    );
  }
  if (log.isError) return <p role="alert">{errorMessage(log.error)}</p>;
  const entries = log.data.pages.flatMap((p) => p.items);
  return (
    <section className="card" aria-labelledby="log-title">
      <h2 id="log-title">{t("log.title")}</h2>
      <p className="note">{t("log.intro")}</p>
      {entries.length === 0 ? (
        <p>{t("log.empty")}</p>
      ) : (
        <>
          <Chart entries={entries} />
          <ol className="log" data-testid="access-log">
            {entries.map((e) => (
              <li key={`${e.transactionHash}-${e.logIndex}`} data-kind={e.kind}>
                <time dateTime={new Date(e.timestamp * 1000).toISOString()}>{formatTime(e.timestamp, locale)}</time> {describe(t, e, locale)}
              </li>
            ))}
          </ol>
          {log.hasNextPage && (
            <button type="button" onClick={() => log.fetchNextPage()} disabled={log.isFetchingNextPage}>
              {t("log.more")}
            </button>
          )}
        </>
      )}
    </section>
  );
}
