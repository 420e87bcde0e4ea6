/**
 * Staff appointments waiting for this account: a hospital proposes, and only the account itself can
 * accept (nobody becomes a hospital's doctor without their own signature). Read from the contract:
 * the first page of hospitals and, for each, whether it proposed this account.
 */
import { useQuery } from "@tanstack/react-query";
import { useId } from "react";
import type { Address } from "viem";
import { errorMessage } from "../../errors.ts";
import { useI18n } from "../../i18n/i18n.tsx";
import { WriteButton } from "../../tx/WriteButton.tsx";
import { shortAddress } from "../access/words.ts";
import { useReadChain } from "../governance/useConsortium.ts";
import { useQueryBackend } from "../patient/useRecords.ts";

/** Hospitals (first 100, the contract's page limit) with a pending staff proposal for `account`. */
function usePendingAppointments(account: Address) {
  const chain = useReadChain();
  const query = useQueryBackend();
  return useQuery({
    queryKey: ["staff", chain.chainId, "appointments", account],
    queryFn: async () => {
      const { publicClient, consortium } = chain;
      const hospitals = await chain.call(() => publicClient.readContract({ ...consortium, functionName: "hospitals", args: [0n, 100n] }));
      const proposed = await Promise.all(
        hospitals.map((h) => chain.call(() => publicClient.readContract({ ...consortium, functionName: "isStaffProposed", args: [h, account] }))),
      );
      const pending = hospitals.filter((_, i) => proposed[i]);
      return Promise.all(pending.map(async (hospital) => ({ hospital, name: (await query.hospitalStaff(hospital))?.name ?? "" })));
    },
  });
}

export function Appointments({ address }: { address: Address }) {
  const { t } = useI18n();
  const id = useId();
  const pending = usePendingAppointments(address);
  if (pending.isPending || (pending.data && pending.data.length === 0)) return null;
  return (
    <section className="card" aria-labelledby={`${id}-title`} data-testid="appointments">
      <h2 id={`${id}-title`}>{t("appointments.title")}</h2>
      {pending.isError ? (
        <p role="alert">{errorMessage(pending.error)}</p>
      ) : (
        <ul className="policies">
          {pending.data.map(({ hospital, name }) => (
            <li key={hospital} className="policy" data-testid="appointment">
              <p>{t("appointments.offer", { hospital: name || shortAddress(hospital) })}</p>
              <code>{hospital}</code>
              <WriteButton
                primary
                label={t("appointments.accept")}
                testId="accept-appointment"
                refresh={["staff", "consortium"]}
                action={(chain) => chain.write(chain.consortium, "acceptStaff", [hospital])}
              />
            </li>
          ))}
        </ul>
      )}
      <p className="note">{t("appointments.hint")}</p>
    </section>
  );
}
