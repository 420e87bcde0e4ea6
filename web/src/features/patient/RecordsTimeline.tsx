/** The patient's records as a timeline by encounter, newest first, each readable and downloadable. */
import { useMemo } from "react";
import type { Address } from "viem";
import type { PatientRecord } from "@caduceus/sdk/query/types";
import type { OpenedPlaintext } from "../../crypto/protocol.ts";
import { errorMessage } from "../../errors.ts";
import { renderPlaintext, type RenderedRecord } from "../../fhir/render.ts";
import { categoryKey } from "../../i18n/en.ts";
import { useI18n } from "../../i18n/i18n.tsx";
import { useIdentity } from "../../identity/context.tsx";
import { RecordBody, download, formatDate } from "./RecordBody.tsx";
import { useOpenedRecords, usePatientRecords } from "./useRecords.ts";
import { VersionHistory } from "./VersionHistory.tsx";

interface Entry {
  record: PatientRecord;
  opened?: OpenedPlaintext;
  rendered?: RenderedRecord;
  error?: string;
  loading: boolean;
}

export function RecordsTimeline({ patient }: { patient: Address }) {
  const { t, locale } = useI18n();
  const { unlocked } = useIdentity();
  const isUnlocked = unlocked(patient) !== undefined;
  const records = usePatientRecords(patient);
  const opened = useOpenedRecords(patient, records.data, isUnlocked);

  const entries = useMemo<Entry[]>(() => {
    const list = (records.data ?? []).map((record, i): Entry => {
      const q = opened[i];
      if (!q?.data) return { record, loading: q?.isFetching ?? false, error: q?.error ? errorMessage(q.error) : undefined };
      try {
        return { record, opened: q.data, rendered: renderPlaintext(q.data.mediaType, new Uint8Array(q.data.body), locale), loading: false };
      } catch (error) {
        return { record, opened: q.data, error: errorMessage(error), loading: false };
      }
    });
    // Newest encounter first; records with no clinical date (directory data) after every dated one.
    const key = (e: Entry) => e.rendered?.date ?? (e.rendered ? "" : new Date(e.record.latest.registered.timestamp * 1000).toISOString());
    return list.sort((a, b) => key(b).localeCompare(key(a)));
  }, [records.data, opened, locale]);

  if (records.isPending) {
    return (
      <p role="status">
        <span className="spinner" aria-hidden="true" /> {t("records.loading")}
      </p>
    );
  }
  if (records.isError) return <p role="alert">{errorMessage(records.error)}</p>;
  if (entries.length === 0) return <p data-testid="no-records">{t("records.none")}</p>;

  const done = opened.filter((q) => q.data !== undefined || q.isError).length;
  const about = entries.find((e) => e.rendered?.patient);
  return (
    <section aria-labelledby="records-title">
      <h2 id="records-title">{t("records.title", { count: entries.length })}</h2>
      {isUnlocked && done < entries.length && (
        <p role="status">
          <span className="spinner" aria-hidden="true" /> {t("records.decrypting", { done, total: entries.length })}
        </p>
      )}
      {about?.rendered?.patient && (
        <p className="about" data-testid="about-patient">
          {[
            about.rendered.patient.name,
            about.rendered.patient.birthDate && t("records.born", { date: formatDate(about.rendered.patient.birthDate, locale) }),
            about.rendered.patient.gender,
          ]
            .filter(Boolean)
            .join(" · ")}
        </p>
      )}
      <ol className="timeline">
        {entries
          .filter((e) => e !== about)
          .map((entry) => (
            <li key={entry.record.latest.recordId} className="timeline-entry">
              <article aria-label={entry.rendered?.encounter?.title ?? t("records.record")} data-testid="record">
                <header>
                  <h3>
                    {entry.rendered?.date && <time dateTime={entry.rendered.date}>{formatDate(entry.rendered.date, locale)}</time>}{" "}
                    {entry.rendered?.encounter?.title ?? (entry.rendered ? t("records.unlinked") : t(categoryKey(entry.record.latest.category)))}
                  </h3>
                  <p className="meta">
                    {t(categoryKey(entry.record.latest.category))}
                    {entry.rendered?.encounter?.setting && ` · ${entry.rendered.encounter.setting}`}
                    {entry.rendered?.encounter?.reason && ` · ${t("records.reason", { reason: entry.rendered.encounter.reason })}`}
                    {entry.record.latest.version > 1 && ` · ${t("records.version", { version: entry.record.latest.version })}`}
                  </p>
                </header>
                {!isUnlocked && <p className="note">{t("records.locked")}</p>}
                {entry.loading && (
                  <p role="status">
                    <span className="spinner" aria-hidden="true" /> {t("records.opening")}
                  </p>
                )}
                {entry.error && (
                  <p role="alert" data-testid="record-error">
                    {entry.error}
                  </p>
                )}
                {entry.rendered && <RecordBody rendered={entry.rendered} />}
                {entry.opened && !entry.rendered && !entry.error && <p>{t("records.binary", { type: entry.opened.mediaType })}</p>}
                {entry.opened && (
                  <button type="button" onClick={() => download(entry.opened!, entry.record.latest.recordId)}>
                    {t("records.download")}
                  </button>
                )}
                {isUnlocked && <VersionHistory record={entry.record} reader={patient} />}
              </article>
            </li>
          ))}
      </ol>
    </section>
  );
}
