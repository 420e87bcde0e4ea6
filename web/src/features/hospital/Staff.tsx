/**
 * The hospital's staff: doctors it vouches for (they may declare treatment purposes). The hospital
 * proposes an account here; the account joins when it accepts on its own doctor page. Pending
 * proposals can be withdrawn, staff removed.
 */
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useId, useState, type FormEvent } from "react";
import { getAddress, isAddress, type Address } from "viem";
import { useDeployment } from "../../chain/public-client.ts";
import { errorMessage } from "../../errors.ts";
import { useI18n } from "../../i18n/i18n.tsx";
import { TxStatus } from "../../tx/TxStatus.tsx";
import { useWriteFlow } from "../../tx/useWriteFlow.ts";
import { WriteButton } from "../../tx/WriteButton.tsx";
import { useQueryBackend } from "../patient/useRecords.ts";

export function Staff({ hospital }: { hospital: Address }) {
  const { t } = useI18n();
  const id = useId();
  const query = useQueryBackend();
  const { deployment } = useDeployment();
  const queryClient = useQueryClient();
  const add = useWriteFlow();
  const [input, setInput] = useState("");
  const staff = useQuery({
    queryKey: ["staff", deployment.chainId, hospital],
    queryFn: () => query.hospitalStaff(hospital),
  });

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (!isAddress(input)) return;
    const result = await add.run((chain) => chain.write(chain.consortium, "proposeStaff", [getAddress(input)]));
    if (result.ok) {
      setInput("");
      await queryClient.invalidateQueries({ queryKey: ["staff"] });
    }
  }

  return (
    <section className="card" aria-labelledby={`${id}-title`} data-testid="staff">
      <h2 id={`${id}-title`}>{t("staff.title")}</h2>
      {staff.isPending ? (
        <p role="status">{t("app.loading")}</p>
      ) : staff.isError ? (
        <p role="alert">{errorMessage(staff.error)}</p>
      ) : !staff.data || staff.data.staff.length === 0 ? (
        <p>{t("staff.none")}</p>
      ) : (
        <ul className="policies">
          {staff.data.staff.map(({ account }) => (
            <li key={account} className="policy" data-testid="staff-member">
              <code>{account}</code>
              <WriteButton label={t("staff.remove")} refresh={["staff"]} action={(chain) => chain.write(chain.consortium, "removeStaff", [account])} />
            </li>
          ))}
        </ul>
      )}
      {staff.data && staff.data.proposals.length > 0 && (
        <>
          <h3>{t("staff.proposals")}</h3>
          <ul className="policies">
            {staff.data.proposals.map(({ account }) => (
              <li key={account} className="policy" data-testid="staff-proposal">
                <code>{account}</code>
                <WriteButton
                  label={t("staff.withdraw")}
                  refresh={["staff"]}
                  action={(chain) => chain.write(chain.consortium, "withdrawStaffProposal", [account])}
                />
              </li>
            ))}
          </ul>
        </>
      )}
      <form onSubmit={submit}>
        <div className="field">
          <label htmlFor={`${id}-add`}>{t("staff.add")}</label>
          <input id={`${id}-add`} value={input} onChange={(e) => setInput(e.target.value.trim())} placeholder="0x…" spellCheck={false} autoComplete="off" aria-invalid={input !== "" && !isAddress(input)} />
          <small>{input !== "" && !isAddress(input) ? t("hospital.patientInvalid") : t("staff.addHint")}</small>
        </div>
        <button type="submit" disabled={!isAddress(input) || add.busy}>
          {t("staff.addButton")}
        </button>
      </form>
      <TxStatus state={add.state} label={t("staff.addButton")} />
    </section>
  );
}
