/**
 * Every study, newest first, with what this account can do there: fund it while it is funding, take
 * a refund when it failed or was cancelled, join it as a patient (consent to an anonymized copy for
 * its researcher) or leave it.
 */
import { useQueryClient } from "@tanstack/react-query";
import { useId, useState, type FormEvent } from "react";
import { isAddressEqual, parseUnits, type Address } from "viem";
import type { Study } from "@caduceus/sdk/query/types";
import { joinStudy, leaveStudy, studyPolicyId } from "@caduceus/sdk/research/participation";
import { fund, refund } from "@caduceus/sdk/research/studies";
import { errorMessage } from "../../errors.ts";
import { useI18n } from "../../i18n/i18n.tsx";
import { TxStatus } from "../../tx/TxStatus.tsx";
import { useWriteFlow } from "../../tx/useWriteFlow.ts";
import { useGrantsAndPolicies } from "../access/useAccess.ts";
import { useReadChain } from "../governance/useConsortium.ts";
import { WriteButton } from "../../tx/WriteButton.tsx";
import { Contribute } from "./Contribute.tsx";
import { StudyCard } from "./StudyCard.tsx";
import { RESEARCH_KEY, useDonation, useStudies, useToken } from "./useResearch.ts";
import { amountWords } from "./words.ts";

function FundForm({ study }: { study: Study }) {
  const { t } = useI18n();
  const id = useId();
  const token = useToken(study.token);
  const queryClient = useQueryClient();
  const write = useWriteFlow();
  const [amount, setAmount] = useState("");
  const [problem, setProblem] = useState<string | null>(null);
  async function submit(event: FormEvent) {
    event.preventDefault();
    setProblem(null);
    let value: bigint;
    try {
      value = parseUnits(amount, token?.decimals ?? 18);
      if (value <= 0n) throw new Error();
    } catch {
      setProblem(t("study.badAmount"));
      return;
    }
    const result = await write.run((chain) => fund(chain, study.studyId, value));
    if (result.ok) {
      setAmount("");
      await queryClient.invalidateQueries({ queryKey: [RESEARCH_KEY] });
    }
  }
  return (
    <form className="inline-form" onSubmit={submit} data-testid="fund-form">
      <div className="field">
        <label htmlFor={`${id}-amount`}>{t("study.fundAmount", { symbol: token?.symbol ?? "" })}</label>
        <input id={`${id}-amount`} inputMode="decimal" value={amount} onChange={(e) => setAmount(e.target.value.trim())} aria-invalid={problem !== null} autoComplete="off" />
        {problem && <small role="alert">{problem}</small>}
      </div>
      <button type="submit" className="primary" disabled={write.busy || amount === ""}>
        {t("study.fund")}
      </button>
      <TxStatus state={write.state} />
    </form>
  );
}

function Donation({ study, me }: { study: Study; me: Address }) {
  const { t } = useI18n();
  const token = useToken(study.token);
  const donation = useDonation(study.studyId, me);
  if (donation.isError) return <p role="alert">{errorMessage(donation.error)}</p>;
  if (!donation.data) return null;
  const refundable = study.status === "Failed" || study.status === "Cancelled";
  return (
    <div className="donation">
      <p data-testid="my-donation">{t("study.youGave", { amount: amountWords(donation.data, token) })}</p>
      {refundable && (
        <WriteButton
          label={t("study.refund", { amount: amountWords(donation.data, token) })}
          action={(chain) => refund(chain, study.studyId)}
          refresh={[RESEARCH_KEY]}
          primary
          testId="refund"
        />
      )}
    </div>
  );
}

function Participation({ study, me }: { study: Study; me: Address }) {
  const { t } = useI18n();
  const chain = useReadChain();
  const access = useGrantsAndPolicies(me);
  const policyId = studyPolicyId(chain, study.studyId);
  const joined = access.data?.policies.some((p) => p.active && p.policyId === policyId) ?? false;
  const open = !study.closed && (study.status === "Funding" || study.status === "Funded");
  if (access.isPending) return null;
  if (joined) {
    return (
      <div className="participation">
        <p data-testid="joined">{t("study.joined")}</p>
        <Contribute study={study} me={me} access={access.data!} />
        <WriteButton label={t("study.leave")} action={(c) => leaveStudy(c, study.studyId)} refresh={[RESEARCH_KEY, "access"]} />
      </div>
    );
  }
  if (!open) return null;
  return (
    <div className="participation">
      <p className="note">{t("study.joinExplain")}</p>
      <WriteButton label={t("study.join")} action={(c) => joinStudy(c, study.studyId)} refresh={[RESEARCH_KEY, "access"]} />
    </div>
  );
}

export function StudyList({ me }: { me: Address }) {
  const { t } = useI18n();
  const studies = useStudies();
  return (
    <section aria-labelledby="studies-title">
      <h2 id="studies-title">{t("study.allTitle")}</h2>
      {studies.isPending ? (
        <p role="status">
          <span className="spinner" aria-hidden="true" /> {t("study.loading")}
        </p>
      ) : studies.isError ? (
        <p role="alert">{errorMessage(studies.error)}</p>
      ) : studies.data.length === 0 ? (
        <p data-testid="no-studies">{t("study.none")}</p>
      ) : (
        studies.data.map((study) => (
          <StudyCard key={String(study.studyId)} study={study}>
            <div className="study-actions">
              {study.status === "Funding" && <FundForm study={study} />}
              <Donation study={study} me={me} />
              {!isAddressEqual(study.researcher, me) && <Participation study={study} me={me} />}
            </div>
          </StudyCard>
        ))
      )}
    </section>
  );
}
