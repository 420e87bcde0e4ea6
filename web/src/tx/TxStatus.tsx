import type { TxState } from "./useWriteFlow.ts";
import { useI18n } from "../i18n/i18n.tsx";

const short = (hash: string) => `${hash.slice(0, 10)}…${hash.slice(-6)}`;

/** One line that says where a write stands; announced to screen readers. */
export function TxStatus({ state, label }: { state: TxState; label?: string }) {
  const { t } = useI18n();
  if (state.status === "idle") return null;
  const prefix = label ? `${label}: ` : "";
  if (state.status === "failed") {
    return (
      <p className="tx tx-failed" role="alert" data-tx="failed">
        {prefix}
        {t("tx.failed")} {state.message}
      </p>
    );
  }
  const text =
    state.status === "checking"
      ? t("tx.checking")
      : state.status === "signing"
        ? t("tx.signing")
        : state.status === "pending"
          ? t("tx.pending", { hash: short(state.hash) })
          : state.hash
            ? t("tx.confirmedHash", { hash: short(state.hash) })
            : t("tx.confirmed");
  const spinning = state.status !== "confirmed";
  return (
    <p className={`tx tx-${state.status}`} role="status" aria-live="polite" data-tx={state.status}>
      {spinning && <span className="spinner" aria-hidden="true" />}
      {prefix}
      {text}
    </p>
  );
}
