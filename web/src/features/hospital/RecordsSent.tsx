/**
 * What this hospital registered, newest first: patient, kind and time — the chain's view; the
 * contents stay encrypted. A record's latest version can be corrected from here.
 */
import { useQuery } from "@tanstack/react-query";
import { useId } from "react";
import type { Address } from "viem";
import { recordRegistryAbi } from "@caduceus/sdk/chain/abis";
import { recordCategoryName } from "@caduceus/sdk/fhir/categories";
import { useDeployment } from "../../chain/public-client.ts";
import { errorMessage } from "../../errors.ts";
import { categoryKey } from "../../i18n/en.ts";
import { useI18n } from "../../i18n/i18n.tsx";
import { formatTime, shortAddress } from "../access/words.ts";
import { CorrectRecord } from "./CorrectRecord.tsx";

const NO_RECORD = `0x${"00".repeat(32)}`;

export function RecordsSent({ hospital }: { hospital: Address }) {
  const { t, locale } = useI18n();
  const id = useId();
  const { deployment, publicClient } = useDeployment();
  const sent = useQuery({
    queryKey: ["records", deployment.chainId, "sentBy", hospital],
    queryFn: async () => {
      const logs = await publicClient.getContractEvents({
        address: deployment.contracts.recordRegistry.address,
        abi: recordRegistryAbi,
        eventName: "RecordRegistered",
        args: { provider: hospital },
        fromBlock: BigInt(deployment.contracts.recordRegistry.deployBlock),
      });
      const blocks = new Map<bigint, number>();
      for (const log of logs) {
        if (!blocks.has(log.blockNumber)) blocks.set(log.blockNumber, Number((await publicClient.getBlock({ blockNumber: log.blockNumber })).timestamp));
      }
      // A hospital amends only its own records, so its own log says which versions are superseded.
      const superseded = new Set(logs.map((log) => log.args.previousVersion));
      return logs
        .map((log) => ({
          recordId: log.args.recordId!,
          patient: log.args.patient!,
          category: recordCategoryName(Number(log.args.category)),
          amendment: log.args.previousVersion !== NO_RECORD,
          latest: !superseded.has(log.args.recordId),
          time: blocks.get(log.blockNumber)!,
        }))
        .reverse();
    },
  });
  return (
    <section className="card" aria-labelledby={`${id}-title`} data-testid="records-sent">
      <h2 id={`${id}-title`}>{t("sent.title")}</h2>
      {sent.isPending ? (
        <p role="status">{t("app.loading")}</p>
      ) : sent.isError ? (
        <p role="alert">{errorMessage(sent.error)}</p>
      ) : sent.data.length === 0 ? (
        <p>{t("sent.none")}</p>
      ) : (
        <table>
          <caption className="visually-hidden">{t("sent.title")}</caption>
          <thead>
            <tr>
              <th scope="col">{t("sent.when")}</th>
              <th scope="col">{t("sent.patient")}</th>
              <th scope="col">{t("sent.kind")}</th>
              <th scope="col">{t("sent.record")}</th>
              <th scope="col">{t("sent.correction")}</th>
            </tr>
          </thead>
          <tbody>
            {sent.data.slice(0, 200).map((r) => (
              <tr key={r.recordId} data-record={r.recordId}>
                <td>{formatTime(r.time, locale)}</td>
                <td title={r.patient}>{shortAddress(r.patient)}</td>
                <td>
                  {t(categoryKey(r.category))}
                  {r.amendment && ` · ${t("sent.amendment")}`}
                </td>
                <td>
                  <code title={r.recordId}>{r.recordId.slice(0, 10)}…</code>
                </td>
                <td>{r.latest ? <CorrectRecord recordId={r.recordId} patient={r.patient} /> : t("sent.superseded")}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
