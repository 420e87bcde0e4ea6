/** The patient's sharing page: who has access and why, a new policy, and the access log. */
import type { Address } from "viem";
import { useI18n } from "../../i18n/i18n.tsx";
import { AccessLog } from "./AccessLog.tsx";
import { PolicyForm } from "./PolicyForm.tsx";
import { WhoHasAccess } from "./WhoHasAccess.tsx";

export default function AccessPage({ address }: { address: Address }) {
  const { t } = useI18n();
  return (
    <div className="page">
      <h1>{t("access.title")}</h1>
      <WhoHasAccess patient={address} />
      <PolicyForm patient={address} />
      <AccessLog patient={address} />
    </div>
  );
}
