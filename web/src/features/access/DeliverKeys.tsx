/**
 * The patient delivers record keys to a grantee: the crypto worker opens the patient's envelopes and
 * wraps each key to the grantee's published key; the wallet signs the delivery transaction(s).
 */
import { useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import type { Address, Hex } from "viem";
import { ALL_CATEGORIES } from "@caduceus/sdk/chain/access";
import { RecordCategory } from "@caduceus/sdk/fhir/categories";
import type { GrantSummary, PatientRecord, PolicyView } from "@caduceus/sdk/query/types";
import { cryptoCall } from "../../crypto/client.ts";
import { useI18n } from "../../i18n/i18n.tsx";
import { useIdentity } from "../../identity/context.tsx";
import { TxStatus } from "../../tx/TxStatus.tsx";
import { useWriteFlow } from "../../tx/useWriteFlow.ts";
import { usePatientRecords } from "../patient/useRecords.ts";

/** The latest versions of the records a policy covers. */
export function recordsInScope(records: PatientRecord[], policy: PolicyView | undefined): Hex[] {
  if (!policy) return [];
  const { categories, recordId } = policy.terms;
  if (categories === 0) return records.filter((r) => r.versions.some((v) => v.recordId === recordId)).map((r) => r.latest.recordId);
  return records
    .filter((r) => categories === ALL_CATEGORIES || (categories & (1 << RecordCategory[r.latest.category])) !== 0)
    .map((r) => r.latest.recordId);
}

export function DeliverKeys({ patient, grant, policy }: { patient: Address; grant: GrantSummary; policy: PolicyView | undefined }) {
  const { t } = useI18n();
  const { unlocked } = useIdentity();
  const queryClient = useQueryClient();
  const records = usePatientRecords(patient);
  const write = useWriteFlow();
  const [progress, setProgress] = useState<{ done: number; total: number } | null>(null);
  const [delivered, setDelivered] = useState<number | null>(null);
  const ids = recordsInScope(records.data ?? [], policy);

  if (!unlocked(patient)) return <p className="note">{t("deliver.unlockFirst")}</p>;

  async function deliver() {
    setDelivered(null);
    setProgress({ done: 0, total: ids.length });
    const result = await write.run((chain) =>
      cryptoCall(
        { op: "deliver", patient, grantee: grant.grantee, purpose: grant.purpose, recordIds: ids },
        (p) => p.stage === "deliver" && setProgress({ done: p.done, total: p.total }),
        [],
        (request) => chain.walletClient!.writeContract(request as never),
      ),
    );
    setProgress(null);
    if (result.ok) {
      setDelivered(ids.length);
      await queryClient.invalidateQueries({ queryKey: ["access"] });
    }
  }

  return (
    <div className="deliver">
      <button type="button" onClick={deliver} disabled={write.busy || ids.length === 0} data-testid="deliver-keys">
        {t("deliver.button", { count: ids.length })}
      </button>
      {progress && write.busy && (
        <p role="status">
          <span className="spinner" aria-hidden="true" /> {t("deliver.progress", progress)}
        </p>
      )}
      <TxStatus state={write.state} />
      {delivered !== null && (
        <p role="status" data-testid="delivered">
          {t("deliver.done", { count: delivered })}
        </p>
      )}
    </div>
  );
}
