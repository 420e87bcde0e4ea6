/** Who may read the patient's records and why: policies in force, grants made under them, and revoking both. */
import type { Address } from "viem";
import { revokePolicy } from "@caduceus/sdk/access/policies";
import { approve, deny, revoke } from "@caduceus/sdk/access/requests";
import { ALL_CATEGORIES, Rights } from "@caduceus/sdk/chain/access";
import { recordCategoryName } from "@caduceus/sdk/fhir/categories";
import type { GrantSummary, PolicyView } from "@caduceus/sdk/query/types";
import { errorMessage } from "../../errors.ts";
import { categoryKey, type MessageKey } from "../../i18n/en.ts";
import { useI18n, type Translate } from "../../i18n/i18n.tsx";
import { IdentityCard } from "../../identity/IdentityCard.tsx";
import { WriteButton } from "../../tx/WriteButton.tsx";
import { DeliverKeys } from "./DeliverKeys.tsx";
import { useGrantsAndPolicies } from "./useAccess.ts";
import { formatTime, purposeWords, roleOf, roleWords, shortAddress } from "./words.ts";

/** What a revoke, approve or deny changes: the access page's queries. */
const ACCESS = ["access"] as const;

function whoWords(t: Translate, policy: PolicyView): string {
  const role = roleOf(policy.terms.role);
  return role ? t("access.everyRole", { role: roleWords(t, role) }) : shortAddress(policy.terms.grantee);
}

function scopeWords(t: Translate, policy: PolicyView): string {
  const { categories, recordId } = policy.terms;
  if (categories === 0) return t("access.oneRecord", { id: `${recordId.slice(0, 10)}…` });
  if (categories === ALL_CATEGORIES) return t("access.allRecords");
  const names = [];
  for (let c = 0; c < 7; c++) if (categories & (1 << c)) names.push(t(categoryKey(recordCategoryName(c))));
  return names.join(", ");
}

function PolicyRow({ policy }: { policy: PolicyView }) {
  const { t, locale } = useI18n();
  const { terms } = policy;
  return (
    <li className="policy" data-testid="policy">
      <p>
        <strong>{whoWords(t, policy)}</strong> — {policy.purposes.map((p) => purposeWords(t, p)).join(", ")}
      </p>
      <ul className="terms">
        <li>{terms.rights & Rights.SHARE ? t("access.readShare") : t("access.readOnly")}</li>
        <li>{t("access.window", { from: formatTime(terms.validFrom, locale), until: formatTime(terms.validUntil, locale) })}</li>
        <li>{scopeWords(t, policy)}</li>
        {terms.anonymizedOnly && <li>{t("access.anonymizedOnly")}</li>}
        <li>{terms.autoApprove ? t("access.autoApprove") : t("access.manualApprove")}</li>
      </ul>
      {policy.active ? (
        <WriteButton label={t("access.revokePolicy")} testId="revoke-policy" refresh={ACCESS} action={(chain) => revokePolicy(chain, policy.policyId)} />
      ) : (
        <p className="note">{t("access.revoked")}</p>
      )}
    </li>
  );
}

const GRANT_STATUS: Record<GrantSummary["status"], MessageKey> = {
  None: "grant.None",
  Pending: "grant.Pending",
  Active: "grant.Active",
  Denied: "grant.Denied",
  Revoked: "grant.Revoked",
  Expired: "grant.Expired",
};

function GrantRow({ patient, grant, policy }: { patient: Address; grant: GrantSummary; policy: PolicyView | undefined }) {
  const { t, locale } = useI18n();
  return (
    <tr data-testid="grant">
      <td title={grant.grantee}>{shortAddress(grant.grantee)}</td>
      <td>{purposeWords(t, grant.purpose)}</td>
      <td>
        {t(GRANT_STATUS[grant.status])}
        {grant.sharedBy && <div className="note">{t("access.sharedBy", { who: shortAddress(grant.sharedBy) })}</div>}
      </td>
      <td>{grant.expiresAt > 0 ? formatTime(grant.expiresAt, locale) : "—"}</td>
      <td>
        {grant.status === "Pending" && (
          <div className="revoke">
            <WriteButton refresh={ACCESS} label={t("access.approve")} testId="approve-request" action={(chain) => approve(chain, grant.grantee, grant.purpose)} />
            <WriteButton refresh={ACCESS} label={t("access.deny")} testId="deny-request" action={(chain) => deny(chain, grant.grantee, grant.purpose)} />
          </div>
        )}
        {grant.status === "Active" && (
          <>
            {policy && <DeliverKeys patient={patient} grant={grant} policy={policy} />}
            <WriteButton refresh={ACCESS} label={t("access.revokeGrant")} testId="revoke-grant" action={(chain) => revoke(chain, patient, grant.grantee, grant.purpose)} />
          </>
        )}
      </td>
    </tr>
  );
}

export function WhoHasAccess({ patient }: { patient: Address }) {
  const { t } = useI18n();
  const data = useGrantsAndPolicies(patient);
  if (data.isPending) {
    return (
      <p role="status">
        <span className="spinner" aria-hidden="true" /> {t("access.loading")}
      </p>
    );
  }
  if (data.isError) return <p role="alert">{errorMessage(data.error)}</p>;
  const active = data.data.policies.filter((p) => p.active);
  const past = data.data.policies.filter((p) => !p.active);
  return (
    <section className="card" aria-labelledby="who-title">
      <h2 id="who-title">{t("access.whoTitle")}</h2>
      <p className="note">{t("access.forwardOnly")}</p>
      <h3>{t("access.policies")}</h3>
      {active.length === 0 ? <p data-testid="no-policies">{t("access.noPolicies")}</p> : <ul className="policies">{active.map((p) => <PolicyRow key={p.policyId} policy={p} />)}</ul>}
      <h3>{t("access.grants")}</h3>
      {data.data.grants.some((g) => g.status === "Active" && g.policyId) && <IdentityCard address={patient} />}
      {data.data.grants.length === 0 ? (
        <p>{t("access.noGrants")}</p>
      ) : (
        <table>
          <thead>
            <tr>
              <th scope="col">{t("access.colWho")}</th>
              <th scope="col">{t("access.colPurpose")}</th>
              <th scope="col">{t("access.colStatus")}</th>
              <th scope="col">{t("access.colUntil")}</th>
              <th scope="col">
                <span className="visually-hidden">{t("access.colActions")}</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {data.data.grants.map((g) => (
              <GrantRow
                key={`${g.grantee}-${g.purpose}`}
                patient={patient}
                grant={g}
                policy={data.data.policies.find((p) => p.active && p.policyId === g.policyId)}
              />
            ))}
          </tbody>
        </table>
      )}
      {past.length > 0 && (
        <details>
          <summary>{t("access.pastPolicies", { count: past.length })}</summary>
          <ul className="policies">
            {past.map((p) => (
              <PolicyRow key={p.policyId} policy={p} />
            ))}
          </ul>
        </details>
      )}
    </section>
  );
}
