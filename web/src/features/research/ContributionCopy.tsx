/**
 * The researcher reads the de-identified copy a patient delivered with a contribution (decrypted in
 * the crypto worker, rendered from FHIR). A key that opens the identified record is refused unread.
 */
import { useMutation } from "@tanstack/react-query";
import type { Address } from "viem";
import type { DataContribution } from "@caduceus/sdk/query/types";
import { cryptoCall } from "../../crypto/client.ts";
import { errorMessage } from "../../errors.ts";
import { renderPlaintext } from "../../fhir/render.ts";
import { useI18n } from "../../i18n/i18n.tsx";
import { useIdentity } from "../../identity/context.tsx";
import { RecordBody } from "../patient/RecordBody.tsx";

export function ContributionCopy({ contribution, researcher }: { contribution: DataContribution; researcher: Address }) {
  const { t, locale } = useI18n();
  const { unlocked } = useIdentity();
  const open = useMutation({
    mutationFn: async () => {
      const copy = await cryptoCall({ op: "openDelivered", reader: researcher, recordId: contribution.recordId, purpose: "HRESCH" });
      if (!copy.deidentified) throw new Error(t("study.notDeidentified"));
      return renderPlaintext(copy.mediaType, new Uint8Array(copy.body), locale) ?? copy.mediaType;
    },
  });
  if (!unlocked(researcher)) return null;
  return (
    <div className="copy" data-testid="contribution-copy">
      {!open.data && (
        <button type="button" onClick={() => open.mutate()} disabled={open.isPending}>
          {open.isPending && <span className="spinner" aria-hidden="true" />} {t("study.readCopy")}
        </button>
      )}
      {open.error && <p role="alert">{errorMessage(open.error)}</p>}
      {typeof open.data === "string" && <p>{t("records.binary", { type: open.data })}</p>}
      {open.data && typeof open.data !== "string" && <RecordBody rendered={open.data} />}
    </div>
  );
}
