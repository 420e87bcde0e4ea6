/**
 * A hospital corrects a record it sent: the chosen file is encrypted for the same patient in the
 * worker and registered as the record's next version (RecordRegistry.amend). The earlier version
 * stays on-chain and readable; the patient sees both.
 */
import { useQueryClient } from "@tanstack/react-query";
import { useId, useState } from "react";
import type { Address, Hex } from "viem";
import { registerPrepared, type PreparedRecord } from "@caduceus/sdk/records/upload";
import { cryptoCall } from "../../crypto/client.ts";
import { errorMessage } from "../../errors.ts";
import { useI18n } from "../../i18n/i18n.tsx";
import { TxStatus } from "../../tx/TxStatus.tsx";
import { useWriteFlow } from "../../tx/useWriteFlow.ts";

export function CorrectRecord({ recordId, patient, hospital }: { recordId: Hex; patient: Address; hospital: Address }) {
  const { t } = useI18n();
  const id = useId();
  const queryClient = useQueryClient();
  const write = useWriteFlow();
  const [encrypting, setEncrypting] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);

  async function correct(file: File) {
    setProblem(null);
    setEncrypting(true);
    let prepared: PreparedRecord[];
    try {
      prepared = await cryptoCall({ op: "prepare", writer: hospital, patient, files: [file], previousId: recordId });
    } catch (error) {
      setProblem(errorMessage(error));
      return;
    } finally {
      setEncrypting(false);
    }
    const result = await write.run((chain) => registerPrepared(chain, prepared));
    if (result.ok) await queryClient.invalidateQueries({ queryKey: ["records"] });
  }

  return (
    <details className="correct" data-testid="correct-record">
      <summary>{t("sent.correctShort")}</summary>
      <label htmlFor={`${id}-file`}>{t("sent.correct")}</label>
      <input
        id={`${id}-file`}
        type="file"
        disabled={encrypting || write.busy}
        onChange={(e) => {
          const file = e.target.files?.[0];
          e.target.value = "";
          if (file) void correct(file);
        }}
      />
      {encrypting && (
        <p role="status">
          <span className="spinner" aria-hidden="true" /> {t("sent.encrypting")}
        </p>
      )}
      {problem && <p role="alert">{problem}</p>}
      <TxStatus state={write.state} />
    </details>
  );
}
