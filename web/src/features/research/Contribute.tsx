/**
 * A patient in a study contributes one matching record: in the crypto worker the library checks the
 * contract would take it, delivers a de-identified copy's key to the researcher and submits the
 * record; the wallet signs both transactions.
 */
import { useQueryClient } from "@tanstack/react-query";
import { isAddressEqual, type Address } from "viem";
import type { GrantsAndPolicies, Study } from "@caduceus/sdk/query/types";
import { cryptoCall } from "../../crypto/client.ts";
import { useI18n } from "../../i18n/i18n.tsx";
import { useIdentity } from "../../identity/context.tsx";
import { IdentityCard } from "../../identity/IdentityCard.tsx";
import { TxStatus } from "../../tx/TxStatus.tsx";
import { useWriteFlow } from "../../tx/useWriteFlow.ts";
import { RESEARCH_KEY, useMyContributions } from "./useResearch.ts";

export function Contribute({ study, me, access }: { study: Study; me: Address; access: GrantsAndPolicies }) {
  const { t } = useI18n();
  const { unlocked } = useIdentity();
  const queryClient = useQueryClient();
  const write = useWriteFlow();
  const contributions = useMyContributions(me);
  const admitted = access.grants.some((g) => isAddressEqual(g.grantee, study.researcher) && g.purpose === "HRESCH" && g.status === "Active");
  const mine = contributions.data?.find((c) => c.studyId === study.studyId && c.status !== "Rejected");
  if (mine || study.closed || !(study.status === "Funding" || study.status === "Funded")) return null;
  if (!admitted) return <p className="note">{t("study.waitingAdmission")}</p>;
  if (study.status === "Funding") return <p className="note">{t("study.waitingFunding")}</p>;
  if (!unlocked(me)) return <IdentityCard address={me} />;
  async function contribute() {
    const result = await write.run((chain) =>
      cryptoCall({ op: "contribute", patient: me, studyId: study.studyId }, undefined, [], (request) => chain.walletClient!.writeContract(request as never)),
    );
    if (result.ok) await Promise.all([RESEARCH_KEY, "access"].map((key) => queryClient.invalidateQueries({ queryKey: [key] })));
  }
  return (
    <div className="write-action">
      <button type="button" className="primary" onClick={contribute} disabled={write.busy}>
        {t("study.contribute")}
      </button>
      <TxStatus state={write.state} />
    </div>
  );
}
