/** The patient's home: unlock the encryption key, then the records timeline (and, in its tab, access). */
import type { Address } from "viem";
import { IdentityCard } from "../../identity/IdentityCard.tsx";
import { useI18n } from "../../i18n/i18n.tsx";
import { RecordsTimeline } from "./RecordsTimeline.tsx";

export default function PatientPage({ address }: { address: Address }) {
  const { t } = useI18n();
  return (
    <div className="page">
      <h1>{t("patient.title")}</h1>
      <IdentityCard address={address} />
      <RecordsTimeline patient={address} />
    </div>
  );
}
