/**
 * The doctor: look up a patient, request access under one of their policies with a declared
 * purpose, and read the records whose keys the patient delivered — decrypted in the worker.
 */
import { useQueries, useQuery, useQueryClient } from "@tanstack/react-query";
import { useId, useState, type FormEvent } from "react";
import { getAddress, isAddress, isAddressEqual, zeroAddress, type Address, type Hex } from "viem";
import { DENY_EXPLANATIONS, requestAccess, type RequestResult } from "@caduceus/sdk/access/requests";
import type { PurposeName } from "@caduceus/sdk/chain/roles";
import type { PolicyView } from "@caduceus/sdk/query/types";
import { useDeployment } from "../../chain/public-client.ts";
import { cryptoCall } from "../../crypto/client.ts";
import { errorMessage } from "../../errors.ts";
import { renderPlaintext } from "../../fhir/render.ts";
import { useI18n } from "../../i18n/i18n.tsx";
import { IdentityCard } from "../../identity/IdentityCard.tsx";
import { useIdentity } from "../../identity/context.tsx";
import { TxStatus } from "../../tx/TxStatus.tsx";
import { useWriteFlow } from "../../tx/useWriteFlow.ts";
import { useGrantsAndPolicies } from "../access/useAccess.ts";
import { formatTime, purposeWords, roleOf, roleWords } from "../access/words.ts";
import { RecordBody, download } from "../patient/RecordBody.tsx";
import { useQueryBackend } from "../patient/useRecords.ts";
import { Appointments } from "./Appointments.tsx";
import { EmergencySection } from "./EmergencySection.tsx";

function RequestButton({ patient, policy, purpose }: { patient: Address; policy: PolicyView; purpose: PurposeName }) {
  const { t, locale } = useI18n();
  const queryClient = useQueryClient();
  const write = useWriteFlow();
  const [result, setResult] = useState<RequestResult | null>(null);
  async function ask() {
    setResult(null);
    const outcome = await write.run((chain) => requestAccess(chain, { patient, policyId: policy.policyId, purpose }));
    if (outcome.ok) {
      setResult(outcome.value);
      await queryClient.invalidateQueries({ queryKey: ["access"] });
    }
  }
  return (
    <div className="request">
      <button type="button" onClick={ask} disabled={write.busy}>
        {t("doctor.request", { purpose: purposeWords(t, purpose) })}
      </button>
      <TxStatus state={write.state} />
      {result && (
        <p role="status" data-testid="request-outcome">
          {result.outcome === "Granted"
            ? t("doctor.granted", { until: formatTime(result.expiresAt, locale) })
            : result.outcome === "Pending"
              ? t("doctor.pending")
              : t("doctor.denied", { reason: DENY_EXPLANATIONS[result.reason] })}
        </p>
      )}
    </div>
  );
}

/** Records whose keys were delivered to `reader` by `patient`, each once with its latest purpose. */
function useDeliveredToMe(patient: Address, reader: Address) {
  const query = useQueryBackend();
  const { deployment } = useDeployment();
  return useQuery({
    queryKey: ["access", deployment.chainId, patient, "delivered", reader],
    queryFn: async () => {
      const seen = new Map<Hex, PurposeName>();
      for (const delivery of await query.deliveredTo(patient, reader)) seen.set(delivery.recordId, delivery.purpose);
      return [...seen.entries()].map(([recordId, purpose]) => ({ recordId, purpose }));
    },
  });
}

function SharedRecords({ patient, reader }: { patient: Address; reader: Address }) {
  const { t, locale } = useI18n();
  const { unlocked } = useIdentity();
  const delivered = useDeliveredToMe(patient, reader);
  const isUnlocked = unlocked(reader) !== undefined;
  const opened = useQueries({
    queries: (delivered.data ?? []).map(({ recordId, purpose }) => ({
      queryKey: ["openedDelivered", recordId, reader, purpose],
      enabled: isUnlocked,
      retry: false,
      staleTime: 60_000,
      queryFn: () => cryptoCall({ op: "openDelivered", reader, recordId, purpose }),
    })),
  });
  if (delivered.isPending) return <p role="status">{t("doctor.loadingShared")}</p>;
  if (delivered.isError) return <p role="alert">{errorMessage(delivered.error)}</p>;
  if (delivered.data.length === 0) return <p data-testid="no-shared">{t("doctor.noShared")}</p>;
  return (
    <ol className="timeline" data-testid="shared-records">
      {delivered.data.map(({ recordId }, i) => {
        const q = opened[i]!;
        let body = null;
        if (q.data) {
          try {
            const rendered = renderPlaintext(q.data.mediaType, new Uint8Array(q.data.body), locale);
            body = rendered ? (
              <>
                <h3>{rendered.encounter?.title ?? t("records.record")}</h3>
                {q.data.deidentified && <p className="note">{t("doctor.deidentified")}</p>}
                <RecordBody rendered={rendered} />
              </>
            ) : (
              <p>{t("records.binary", { type: q.data.mediaType })}</p>
            );
          } catch (error) {
            body = <p role="alert">{errorMessage(error)}</p>;
          }
        }
        return (
          <li key={recordId} className="timeline-entry">
            <article data-testid="shared-record">
              {!isUnlocked && <p className="note">{t("records.locked")}</p>}
              {q.isFetching && (
                <p role="status">
                  <span className="spinner" aria-hidden="true" /> {t("records.opening")}
                </p>
              )}
              {q.error && <p role="alert">{errorMessage(q.error)}</p>}
              {body}
              {q.data && (
                <button type="button" onClick={() => download(q.data!, recordId)}>
                  {t("records.download")}
                </button>
              )}
            </article>
          </li>
        );
      })}
    </ol>
  );
}

function PatientAccess({ patient, me }: { patient: Address; me: Address }) {
  const { t } = useI18n();
  const data = useGrantsAndPolicies(patient);
  if (data.isPending) return <p role="status">{t("access.loading")}</p>;
  if (data.isError) return <p role="alert">{errorMessage(data.error)}</p>;
  const mine = data.data.policies.filter(
    (p) => p.active && (isAddressEqual(p.terms.grantee, me) || (isAddressEqual(p.terms.grantee, zeroAddress) && roleOf(p.terms.role))),
  );
  const grants = data.data.grants.filter((g) => isAddressEqual(g.grantee, me));
  return (
    <>
      <section className="card" aria-labelledby="policies-title">
        <h2 id="policies-title">{t("doctor.policiesTitle")}</h2>
        {mine.length === 0 ? (
          <p data-testid="no-policy-for-me">{t("doctor.noPolicy")}</p>
        ) : (
          <ul className="policies">
            {mine.map((p) => {
              const role = roleOf(p.terms.role);
              return (
                <li key={p.policyId} className="policy" data-testid="policy-for-me">
                  <p>{role ? t("access.everyRole", { role: roleWords(t, role) }) : t("doctor.forYou")}</p>
                  {p.purposes.map((purpose) => (
                    <RequestButton key={purpose} patient={patient} policy={p} purpose={purpose} />
                  ))}
                </li>
              );
            })}
          </ul>
        )}
        {grants.length > 0 && (
          <p>
            {t("doctor.yourGrants")}{" "}
            {grants.map((g) => `${purposeWords(t, g.purpose)}: ${t(`grant.${g.status}`)}`).join("; ")}
          </p>
        )}
      </section>
      <section className="card" aria-labelledby="shared-title">
        <h2 id="shared-title">{t("doctor.sharedTitle")}</h2>
        <SharedRecords patient={patient} reader={me} />
      </section>
      <EmergencySection patient={patient} me={me} />
    </>
  );
}

export default function DoctorPage({ address }: { address: Address }) {
  const { t } = useI18n();
  const id = useId();
  const [input, setInput] = useState("");
  const [patient, setPatient] = useState<Address | null>(null);
  function lookUp(event: FormEvent) {
    event.preventDefault();
    if (isAddress(input)) setPatient(getAddress(input));
  }
  return (
    <div className="page">
      <h1>{t("doctor.title")}</h1>
      <IdentityCard address={address} />
      <Appointments address={address} />
      <form className="card" onSubmit={lookUp}>
        <div className="field">
          <label htmlFor={`${id}-patient`}>{t("doctor.patient")}</label>
          <input id={`${id}-patient`} value={input} onChange={(e) => setInput(e.target.value.trim())} placeholder="0x…" spellCheck={false} autoComplete="off" aria-invalid={input !== "" && !isAddress(input)} />
          <small>{input !== "" && !isAddress(input) ? t("hospital.patientInvalid") : t("doctor.patientHint")}</small>
        </div>
        <button type="submit" className="primary" disabled={!isAddress(input)}>
          {t("doctor.lookUp")}
        </button>
      </form>
      {patient && <PatientAccess key={patient} patient={patient} me={address} />}
    </div>
  );
}
