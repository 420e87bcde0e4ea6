/**
 * The doctor's emergency request for one patient: ask with a justification, watch approvals arrive,
 * and at the quorum rebuild the emergency key in the crypto worker and read the records.
 */
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useId, useState, type FormEvent } from "react";
import { isAddressEqual, type Address } from "viem";
import { Justification, type JustificationName } from "@caduceus/sdk/chain/emergency";
import { requestEmergencyAccess } from "@caduceus/sdk/emergency/requests";
import { cryptoCall } from "../../crypto/client.ts";
import { errorMessage } from "../../errors.ts";
import { renderPlaintext } from "../../fhir/render.ts";
import { useI18n } from "../../i18n/i18n.tsx";
import { useIdentity } from "../../identity/context.tsx";
import { TxStatus } from "../../tx/TxStatus.tsx";
import { useWriteFlow } from "../../tx/useWriteFlow.ts";
import { formatTime } from "../access/words.ts";
import { useEmergencyOverview } from "../emergency/useEmergency.ts";
import { RecordBody } from "../patient/RecordBody.tsx";

const JUSTIFICATIONS = Object.keys(Justification) as JustificationName[];

function EmergencyRecords({ patient, doctor }: { patient: Address; doctor: Address }) {
  const { t, locale } = useI18n();
  const open = useMutation({ mutationFn: () => cryptoCall({ op: "emergencyOpen", doctor, patient }) });
  return (
    <div>
      <button type="button" className="primary" onClick={() => open.mutate()} disabled={open.isPending}>
        {t("emergency.open")}
      </button>
      {open.isPending && (
        <p role="status">
          <span className="spinner" aria-hidden="true" /> {t("emergency.opening")}
        </p>
      )}
      {open.error && <p role="alert">{errorMessage(open.error)}</p>}
      {open.data && (
        <ol className="timeline" data-testid="emergency-records">
          {open.data.map((r) => {
            const rendered = renderPlaintext(r.mediaType, new Uint8Array(r.body), locale);
            return (
              <li key={r.recordId} className="timeline-entry">
                <article>
                  <h3>{rendered?.encounter?.title ?? t("records.record")}</h3>
                  {rendered ? <RecordBody rendered={rendered} /> : <p>{t("records.binary", { type: r.mediaType })}</p>}
                </article>
              </li>
            );
          })}
        </ol>
      )}
    </div>
  );
}

export function EmergencySection({ patient, me }: { patient: Address; me: Address }) {
  const { t, locale } = useI18n();
  const id = useId();
  const queryClient = useQueryClient();
  const { unlocked } = useIdentity();
  const write = useWriteFlow();
  const [justification, setJustification] = useState<JustificationName>("UNCONSCIOUS");
  const [hoursText, setHoursText] = useState("4");
  const overview = useEmergencyOverview(patient, true);
  const mine = overview.data?.requests.find((r) => isAddressEqual(r.doctor, me));
  const threshold = overview.data?.configs.find((c) => c.version === mine?.configVersion)?.threshold ?? overview.data?.current?.threshold;

  async function submit(event: FormEvent) {
    event.preventDefault();
    const seconds = Math.round(Number(hoursText) * 3600);
    const result = await write.run((chain) => requestEmergencyAccess({ chain, patient, justification, durationSeconds: seconds }));
    if (result.ok) await queryClient.invalidateQueries({ queryKey: ["emergency"] });
  }

  return (
    <section className="card" aria-labelledby={`${id}-title`} data-testid="emergency-section">
      <h2 id={`${id}-title`}>{t("emergency.doctorTitle")}</h2>
      {!overview.data?.current ? (
        <p>{t("emergency.noContacts")}</p>
      ) : mine && (mine.status === "Open" || mine.status === "Granted") ? (
        <div>
          <p role="status" data-testid="emergency-status">
            {mine.status === "Open"
              ? t("emergency.waiting", { approvals: mine.approvals, threshold: threshold ?? "?", until: formatTime(mine.approveBy, locale) })
              : t("emergency.granted", { until: formatTime(mine.expiresAt ?? 0, locale) })}
          </p>
          {mine.status === "Granted" && (unlocked(me) ? <EmergencyRecords patient={patient} doctor={me} /> : <p className="note">{t("emergency.unlockFirst")}</p>)}
        </div>
      ) : (
        <form onSubmit={submit}>
          <p>{t("emergency.doctorIntro", { threshold: overview.data.current.threshold, contacts: overview.data.current.contacts.length })}</p>
          {mine && <p className="note">{t("emergency.previous", { status: mine.status })}</p>}
          <div className="field">
            <label htmlFor={`${id}-why`}>{t("emergency.justification")}</label>
            <select id={`${id}-why`} value={justification} onChange={(e) => setJustification(e.target.value as JustificationName)}>
              {JUSTIFICATIONS.map((j) => (
                <option key={j} value={j}>
                  {t(`justification.${j}`)}
                </option>
              ))}
            </select>
          </div>
          <div className="field">
            <label htmlFor={`${id}-hours`}>{t("emergency.hours")}</label>
            <input id={`${id}-hours`} type="number" min="0.5" max="24" step="0.5" value={hoursText} onChange={(e) => setHoursText(e.target.value)} />
          </div>
          <button type="submit" className="primary" disabled={write.busy}>
            {t("emergency.request")}
          </button>
        </form>
      )}
      <TxStatus state={write.state} label={t("emergency.request")} />
    </section>
  );
}
