import type { Address } from "viem";
import { useI18n } from "../../i18n/i18n.tsx";

export default function AccessPage(_: { address: Address }) {
  const { t } = useI18n();
  return (
    <div className="page">
      <h1>{t("access.title")}</h1>
    </div>
  );
}
