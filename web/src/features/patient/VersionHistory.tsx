/**
 * A record's earlier versions (a hospital's amendments supersede, never erase): when and by whom
 * each was registered, and its original to download — opened in the crypto worker like the latest.
 */
import { useState } from "react";
import type { Address } from "viem";
import type { PatientRecord, RecordVersion } from "@caduceus/sdk/query/types";
import { cryptoCall } from "../../crypto/client.ts";
import { errorMessage } from "../../errors.ts";
import { useI18n } from "../../i18n/i18n.tsx";
import { formatTime, shortAddress } from "../access/words.ts";
import { download } from "./RecordBody.tsx";

function EarlierVersion({ version, reader }: { version: RecordVersion; reader: Address }) {
  const { t, locale } = useI18n();
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  async function save() {
    setBusy(true);
    setProblem(null);
    try {
      download(await cryptoCall({ op: "open", reader, recordId: version.recordId }), version.recordId);
    } catch (error) {
      setProblem(errorMessage(error));
    } finally {
      setBusy(false);
    }
  }
  const by = version.patientAuthored ? t("records.byYou") : t("records.byHospital", { id: version.hospitalId, account: shortAddress(version.provider) });
  return (
    <li data-testid="earlier-version">
      {t("records.versionLine", { version: version.version, date: formatTime(version.registered.timestamp, locale), by })}{" "}
      <button type="button" onClick={save} disabled={busy}>
        {busy && <span className="spinner" aria-hidden="true" />} {t("records.downloadVersion", { version: version.version })}
      </button>
      {problem && <small role="alert">{problem}</small>}
    </li>
  );
}

/** Nothing for a record never amended. `reader` must be able to open the record (the patient, unlocked). */
export function VersionHistory({ record, reader }: { record: PatientRecord; reader: Address }) {
  const { t } = useI18n();
  const earlier = record.versions.filter((v) => v.recordId !== record.latest.recordId).reverse();
  if (earlier.length === 0) return null;
  return (
    <details className="versions" data-testid="versions">
      <summary>{t("records.earlierVersions", { count: earlier.length })}</summary>
      <ol>
        {earlier.map((version) => (
          <EarlierVersion key={version.recordId} version={version} reader={reader} />
        ))}
      </ol>
    </details>
  );
}
