/**
 * The patient names emergency contacts and how many must agree. In the crypto worker the library
 * creates a new emergency key, seals one share to each contact, proposes the configuration and
 * wraps every record key to the new emergency key; the wallet signs each transaction.
 */
import { useQueryClient } from "@tanstack/react-query";
import { useId, useState, type FormEvent } from "react";
import { getAddress, isAddress, type Address } from "viem";
import { MAX_CONTACTS } from "@caduceus/sdk/chain/emergency";
import type { EmergencyContactsConfig } from "@caduceus/sdk/query/types";
import { cryptoCall } from "../../crypto/client.ts";
import type { PrepareProgress } from "../../crypto/protocol.ts";
import { errorMessage } from "../../errors.ts";
import type { MessageKey } from "../../i18n/en.ts";
import { useI18n } from "../../i18n/i18n.tsx";
import { useIdentity } from "../../identity/context.tsx";
import { TxStatus } from "../../tx/TxStatus.tsx";
import { useWriteFlow } from "../../tx/useWriteFlow.ts";
import { formatTime } from "../access/words.ts";
import { useEmergencyOverview } from "./useEmergency.ts";

type Step = Extract<PrepareProgress, { stage: "emergency" }>;

function ConfigWords({ config, pending }: { config: EmergencyContactsConfig; pending?: boolean }) {
  const { t, locale } = useI18n();
  return (
    <div data-testid={pending ? "contacts-pending" : "contacts-current"}>
      <p>
        {pending
          ? t("contacts.pending", { threshold: config.threshold, count: config.contacts.length, when: formatTime(config.activatesAt, locale) })
          : t("contacts.current", { threshold: config.threshold, count: config.contacts.length })}
      </p>
      <ul className="terms">
        {config.contacts.map((c) => (
          <li key={c}>
            <code>{c}</code>
          </li>
        ))}
      </ul>
    </div>
  );
}

export function PatientContacts({ patient }: { patient: Address }) {
  const { t } = useI18n();
  const id = useId();
  const { unlocked } = useIdentity();
  const queryClient = useQueryClient();
  const overview = useEmergencyOverview(patient);
  const write = useWriteFlow();
  const [contacts, setContacts] = useState<string[]>(["", ""]);
  const [threshold, setThreshold] = useState(2);
  const [problem, setProblem] = useState<string | null>(null);
  const [step, setStep] = useState<Step | null>(null);
  const [wrapped, setWrapped] = useState<number | null>(null);
  // The form starts from the configuration in force (or waiting), so saving it unchanged rotates the key.
  const latest = overview.data?.pending ?? overview.data?.current;
  const [seededFrom, setSeededFrom] = useState<number | null>(null);
  if (latest && seededFrom !== latest.version && contacts.every((c) => c === "")) {
    setSeededFrom(latest.version);
    setContacts([...latest.contacts]);
    setThreshold(latest.threshold);
  }

  const setContact = (i: number, value: string) => setContacts((list) => list.map((c, j) => (j === i ? value.trim() : c)));

  async function submit(event: FormEvent) {
    event.preventDefault();
    setWrapped(null);
    const bad = contacts.findIndex((c) => !isAddress(c));
    if (bad >= 0) {
      setProblem(t("contacts.badAddress", { n: bad + 1 }));
      return;
    }
    setProblem(null);
    const result = await write.run((chain) =>
      cryptoCall(
        { op: "emergencyContacts", patient, contacts: contacts.map((c) => getAddress(c)), threshold },
        (p) => p.stage === "emergency" && setStep(p),
        [],
        (request) => chain.walletClient!.writeContract(request as never),
      ),
    );
    setStep(null);
    if (result.ok) {
      setWrapped(result.value.wrapped);
      await queryClient.invalidateQueries({ queryKey: ["emergency"] });
    }
  }

  return (
    <section className="card" aria-labelledby={`${id}-title`} data-testid="patient-contacts">
      <h2 id={`${id}-title`}>{t("contacts.title")}</h2>
      <p className="note">{t("contacts.intro")}</p>
      {overview.isPending ? (
        <p role="status">{t("contacts.loading")}</p>
      ) : overview.isError ? (
        <p role="alert">{errorMessage(overview.error)}</p>
      ) : (
        <>
          {overview.data.current ? <ConfigWords config={overview.data.current} /> : <p data-testid="no-contacts">{t("contacts.none")}</p>}
          {overview.data.pending && <ConfigWords config={overview.data.pending} pending />}
        </>
      )}
      {!unlocked(patient) ? (
        <p className="note">{t("contacts.unlockFirst")}</p>
      ) : (
        <form onSubmit={submit}>
          <fieldset>
            <legend>{t("contacts.formTitle")}</legend>
            {contacts.map((c, i) => (
              <div className="field" key={i}>
                <label htmlFor={`${id}-c${i}`}>{t("contacts.contact", { n: i + 1 })}</label>
                <input id={`${id}-c${i}`} value={c} onChange={(e) => setContact(i, e.target.value)} placeholder="0x…" spellCheck={false} autoComplete="off" aria-invalid={c !== "" && !isAddress(c)} />
              </div>
            ))}
            <div className="revoke">
              <button type="button" onClick={() => setContacts((l) => [...l, ""])} disabled={contacts.length >= MAX_CONTACTS}>
                {t("contacts.add")}
              </button>
              <button
                type="button"
                onClick={() => {
                  setContacts((l) => l.slice(0, -1));
                  setThreshold((n) => Math.min(n, contacts.length - 1));
                }}
                disabled={contacts.length <= 2}
              >
                {t("contacts.remove")}
              </button>
            </div>
            <div className="field">
              <label htmlFor={`${id}-threshold`}>{t("contacts.threshold")}</label>
              <input id={`${id}-threshold`} type="number" min={2} max={contacts.length} value={threshold} onChange={(e) => setThreshold(Number(e.target.value))} />
              <small>{t("contacts.thresholdHint", { count: contacts.length })}</small>
            </div>
          </fieldset>
          {problem && <p role="alert">{problem}</p>}
          <button type="submit" className="primary" disabled={write.busy}>
            {t("contacts.save")}
          </button>
          {step && write.busy && (
            <p role="status">
              <span className="spinner" aria-hidden="true" /> {t(`contacts.step.${step.step}` as MessageKey, { done: step.done, total: step.total })}
            </p>
          )}
          <TxStatus state={write.state} />
          {wrapped !== null && (
            <p role="status" data-testid="contacts-saved">
              {t("contacts.saved", { count: wrapped })}
            </p>
          )}
        </form>
      )}
    </section>
  );
}
