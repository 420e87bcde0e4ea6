/**
 * What this hospital registered, newest first: patient, kind and time — the chain's view; the
 * contents stay encrypted. A record's latest version can be corrected from here.
 */
import { useQuery } from "@tanstack/react-query";
import { useId } from "react";
import type { Address } from "viem";
import { useDeployment } from "../../chain/public-client.ts";
import { errorMessage } from "../../errors.ts";
import { categoryKey } from "../../i18n/en.ts";
import { useI18n } from "../../i18n/i18n.tsx";
import { formatTime, shortAddress } from "../access/words.ts";
import { useQueryBackend } from "../patient/useRecords.ts";
import { CorrectRecord } from "./CorrectRecord.tsx";

/** The newest this many versions are listed. */
const SHOWN = 200;

export function RecordsSent({ hospital }: { hospital: Address }) {
  const { t, locale } = useI18n();
  const id = useId();
  const { deployment } = useDeployment();
  const query = useQueryBackend();
  const sent = useQuery({
    queryKey: ["records", deployment.chainId, "sentBy", hospital],
    queryFn: () => query.recordsSent(hospital, { first: SHOWN }),
  });
  return (
    <section className="card" aria-labelledby={`${id}-title`} data-testid="records-sent">
      <h2 id={`${id}-title`}>{t("sent.title")}</h2>
      {sent.isPending ? (
        <p role="status">{t("app.loading")}</p>
      ) : sent.isError ? (
        <p role="alert">{errorMessage(sent.error)}</p>
      ) : sent.data.length === 0 ? (
        <p>{t("sent.none")}</p>
      ) : (
        <table>
          <caption className="visually-hidden">{t("sent.title")}</caption>
          <thead>
            <tr>
              <th scope="col">{t("sent.when")}</th>
              <th scope="col">{t("sent.patient")}</th>
              <th scope="col">{t("sent.kind")}</th>
              <th scope="col">{t("sent.record")}</th>
              <th scope="col">{t("sent.correction")}</th>
            </tr>
          </thead>
          <tbody>
            {sent.data.map((r) => (
              <tr key={r.recordId} data-record={r.recordId}>
                <td>{formatTime(r.registered.timestamp, locale)}</td>
                <td title={r.patient}>{shortAddress(r.patient)}</td>
                <td>
                  {t(categoryKey(r.category))}
                  {r.previousVersion && ` · ${t("sent.amendment")}`}
                </td>
                <td>
                  <code title={r.recordId}>{r.recordId.slice(0, 10)}…</code>
                </td>
                <td>{r.nextVersion ? t("sent.superseded") : <CorrectRecord recordId={r.recordId} patient={r.patient} hospital={hospital} />}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
