/**
 * The emergency contact: every open request of a patient who named them, with who asks and why;
 * approving re-seals their key share to the doctor (in the crypto worker) and posts it. A granted
 * request still takes approvals until the grant ends (no rejection): a late share lets the doctor
 * rebuild the key when another contact's share is bad.
 */
import { useQueryClient } from "@tanstack/react-query";
import { isAddressEqual, type Address } from "viem";
import { rejectEmergency, takesApprovals } from "@caduceus/sdk/emergency/requests";
import type { EmergencyRequestSummary } from "@caduceus/sdk/query/types";
import { cryptoCall } from "../../crypto/client.ts";
import { errorMessage } from "../../errors.ts";
import { useI18n } from "../../i18n/i18n.tsx";
import { useIdentity } from "../../identity/context.tsx";
import { IdentityCard } from "../../identity/IdentityCard.tsx";
import { TxStatus } from "../../tx/TxStatus.tsx";
import { useWriteFlow } from "../../tx/useWriteFlow.ts";
import { formatTime, shortAddress } from "../access/words.ts";
import { PatientContacts } from "./PatientContacts.tsx";
import { useEmergencyOverview, usePatientsNaming } from "./useEmergency.ts";

export function hours(seconds: number): string {
  return (Math.round((seconds / 3600) * 10) / 10).toString();
}

function Vote({ me, patient, request, threshold }: { me: Address; patient: Address; request: EmergencyRequestSummary; threshold: number }) {
  const { t, locale } = useI18n();
  const { unlocked } = useIdentity();
  const queryClient = useQueryClient();
  const approve = useWriteFlow();
  const reject = useWriteFlow();
  const voted = request.votes.find((v) => isAddressEqual(v.contact, me));
  const granted = request.status === "Granted";
  const done = async (ok: boolean) => ok && (await queryClient.invalidateQueries({ queryKey: ["emergency"] }));
  return (
    <li className="policy" data-testid="emergency-request">
      <p>
        <strong>{t("emergency.asks", { doctor: shortAddress(request.doctor), patient: shortAddress(patient) })}</strong>
      </p>
      <ul className="terms">
        <li>{t("emergency.why", { why: t(`justification.${request.justification}`) })}</li>
        <li>{t("emergency.duration", { hours: hours(request.duration) })}</li>
        <li>{t("emergency.approveBy", { time: formatTime(request.approveBy, locale) })}</li>
        <li data-testid="emergency-count">{t("emergency.count", { approvals: request.approvals, threshold })}</li>
      </ul>
      {granted && !voted && request.expiresAt !== undefined && (
        <p className="note" data-testid="emergency-granted-already">
          {t("emergency.grantedAlready", { time: formatTime(request.expiresAt, locale) })}
        </p>
      )}
      {voted ? (
        <p role="status">{voted.approved ? t("emergency.youApproved") : t("emergency.youRejected")}</p>
      ) : !unlocked(me) ? (
        <p className="note">{t("emergency.unlockFirst")}</p>
      ) : (
        <div className="revoke">
          <button
            type="button"
            className="primary"
            disabled={approve.busy || reject.busy}
            onClick={async () =>
              done(
                (
                  await approve.run((chain) =>
                    cryptoCall({ op: "emergencyApprove", contact: me, patient, doctor: request.doctor }, undefined, [], (r) =>
                      chain.walletClient!.writeContract(r as never),
                    ),
                  )
                ).ok,
              )
            }
          >
            {t("emergency.approve")}
          </button>
          {!granted && (
            <button
              type="button"
              disabled={approve.busy || reject.busy}
              onClick={async () => done((await reject.run((chain) => rejectEmergency(chain, patient, request.doctor))).ok)}
            >
              {t("emergency.reject")}
            </button>
          )}
        </div>
      )}
      <TxStatus state={approve.state} label={t("emergency.approve")} />
      <TxStatus state={reject.state} label={t("emergency.reject")} />
    </li>
  );
}

function PatientRequests({ me, patient }: { me: Address; patient: Address }) {
  const { t } = useI18n();
  const overview = useEmergencyOverview(patient);
  if (overview.isPending) return null;
  if (overview.isError) return <p role="alert">{errorMessage(overview.error)}</p>;
  // Open requests, and granted ones (they still take approvals until the grant ends).
  const open = overview.data.requests.filter((r) => takesApprovals(r.status));
  const config = overview.data.configs.find((c) => c.version === open[0]?.configVersion) ?? overview.data.current;
  if (open.length === 0) return <li className="note">{t("emergency.nothingOpen", { patient: shortAddress(patient) })}</li>;
  return (
    <>
      {open.map((r) => (
        <Vote key={`${r.doctor}-${r.round}`} me={me} patient={patient} request={r} threshold={config?.threshold ?? 0} />
      ))}
    </>
  );
}

export default function ContactPage({ address }: { address: Address }) {
  const { t } = useI18n();
  const patients = usePatientsNaming(address);
  return (
    <div className="page">
      <h1>{t("emergency.title")}</h1>
      <p>{t("emergency.intro")}</p>
      <IdentityCard address={address} />
      <PatientContacts patient={address} />
      <section className="card" aria-labelledby="requests-title">
        <h2 id="requests-title">{t("emergency.requestsTitle")}</h2>
        {patients.isPending ? (
          <p role="status">{t("app.loading")}</p>
        ) : patients.isError ? (
          <p role="alert">{errorMessage(patients.error)}</p>
        ) : patients.data.length === 0 ? (
          <p>{t("emergency.notAContact")}</p>
        ) : (
          <ul className="policies">
            {patients.data.map((p) => (
              <PatientRequests key={p} me={address} patient={p} />
            ))}
          </ul>
        )}
      </section>
    </div>
  );
}
