/**
 * Governance of the consortium: admit hospitals, suspend them (their staff lose every power at
 * once) and reinstate them; verify researchers, auditors, payers and public-health bodies, or
 * withdraw a verification; allow the ERC-20s studies may raise. Only the governance account may
 * act; everyone else reads.
 */
import { useQueryClient } from "@tanstack/react-query";
import { useId, useState, type FormEvent, type ReactNode } from "react";
import { getAddress, isAddress, type Address } from "viem";
import type { CaduceusChain } from "@caduceus/sdk/chain/client";
import { Role, type RoleName } from "@caduceus/sdk/chain/roles";
import type { HospitalStaff } from "@caduceus/sdk/query/types";
import { tokenInfo } from "@caduceus/sdk/research/studies";
import { errorMessage } from "../../errors.ts";
import { useI18n } from "../../i18n/i18n.tsx";
import { TxStatus } from "../../tx/TxStatus.tsx";
import { useWriteFlow } from "../../tx/useWriteFlow.ts";
import { formatTime, roleWords, shortAddress } from "../access/words.ts";
import { GOVERNANCE_KEY, useHospitals, useIsGovernance, useRoleHolders, VERIFIED_ROLES } from "./useGovernance.ts";
import { WriteButton } from "../../tx/WriteButton.tsx";
import { RESEARCH_KEY, useAllowedTokens, useToken } from "../research/useResearch.ts";

const REFRESH = [GOVERNANCE_KEY];

/** An address field and one tracked write; the address is checked before anything is simulated. */
function AccountForm({
  title,
  fieldLabel,
  submitLabel,
  extra,
  check,
  action,
  onDone,
  testId,
}: {
  title: string;
  /** What the address is, when not an account. */
  fieldLabel?: string;
  submitLabel: string;
  extra?: ReactNode;
  /** The other fields' problem in words, or null when they are fine. */
  check?: () => string | null;
  onDone?: () => void;
  action: (account: Address) => (chain: CaduceusChain) => Promise<unknown>;
  testId: string;
}) {
  const { t } = useI18n();
  const id = useId();
  const queryClient = useQueryClient();
  const write = useWriteFlow();
  const [account, setAccount] = useState("");
  const [problem, setProblem] = useState<string | null>(null);
  async function submit(event: FormEvent) {
    event.preventDefault();
    const wrong = isAddress(account) ? (check?.() ?? null) : t("gov.badAddress");
    setProblem(wrong);
    if (wrong) return;
    const result = await write.run(action(getAddress(account)));
    if (result.ok) {
      setAccount("");
      onDone?.();
      await queryClient.invalidateQueries({ queryKey: REFRESH });
    }
  }
  return (
    <form onSubmit={submit} data-testid={testId} aria-labelledby={`${id}-title`}>
      <h3 id={`${id}-title`}>{title}</h3>
      <div className="field">
        <label htmlFor={`${id}-account`}>{fieldLabel ?? t("gov.account")}</label>
        <input id={`${id}-account`} value={account} onChange={(e) => setAccount(e.target.value.trim())} placeholder="0x…" spellCheck={false} autoComplete="off" aria-invalid={account !== "" && !isAddress(account)} />
      </div>
      {extra}
      {problem && <p role="alert">{problem}</p>}
      <button type="submit" className="primary" disabled={write.busy || account === ""}>
        {submitLabel}
      </button>
      <TxStatus state={write.state} />
    </form>
  );
}

function Hospitals({ governs }: { governs: boolean }) {
  const { t, locale } = useI18n();
  const hospitals = useHospitals();
  const id = useId();
  const [name, setName] = useState("");
  return (
    <section className="card" aria-labelledby="hospitals-title">
      <h2 id="hospitals-title">{t("gov.hospitalsTitle")}</h2>
      {hospitals.isPending ? (
        <p role="status">
          <span className="spinner" aria-hidden="true" /> {t("gov.loading")}
        </p>
      ) : hospitals.isError ? (
        <p role="alert">{errorMessage(hospitals.error)}</p>
      ) : hospitals.data.length === 0 ? (
        <p>{t("gov.noHospitals")}</p>
      ) : (
        <table>
          <caption className="visually-hidden">{t("gov.hospitalsTitle")}</caption>
          <thead>
            <tr>
              <th scope="col">{t("gov.hospital")}</th>
              <th scope="col">{t("gov.admitted")}</th>
              <th scope="col">{t("gov.staff")}</th>
              <th scope="col">{t("gov.state")}</th>
              {governs && <th scope="col">{t("gov.action")}</th>}
            </tr>
          </thead>
          <tbody>
            {hospitals.data.map((h) => (
              <HospitalRow key={h.hospital} h={h} governs={governs} admitted={formatTime(h.admittedAt, locale)} />
            ))}
          </tbody>
        </table>
      )}
      {governs && (
        <AccountForm
          title={t("gov.admitTitle")}
          submitLabel={t("gov.admit")}
          testId="admit-hospital"
          check={() => (name.trim() === "" ? t("gov.needName") : null)}
          onDone={() => setName("")}
          extra={
            <div className="field">
              <label htmlFor={`${id}-name`}>{t("gov.hospitalName")}</label>
              <input id={`${id}-name`} value={name} onChange={(e) => setName(e.target.value)} autoComplete="off" />
              <small>{t("gov.hospitalNameHint")}</small>
            </div>
          }
          action={(account) => (chain) => chain.write(chain.consortium, "admitHospital", [account, name.trim(), "0x"])}
        />
      )}
    </section>
  );
}

function HospitalRow({ h, governs, admitted }: { h: HospitalStaff; governs: boolean; admitted: string }) {
  const { t } = useI18n();
  return (
    <tr data-testid="hospital" data-account={h.hospital}>
      <td>
        {h.name} <code>{h.hospital}</code>
      </td>
      <td>{admitted}</td>
      <td>
        {h.staff.length}
        {governs && h.staff.length > 0 && (
          <details data-testid="dismiss-staff">
            <summary>{t("gov.dismissTitle")}</summary>
            <ul>
              {h.staff.map(({ account }) => (
                <li key={account}>
                  <code title={account}>{shortAddress(account)}</code>{" "}
                  <WriteButton label={t("gov.dismiss")} action={(c) => c.write(c.consortium, "dismissStaff", [account])} refresh={[...REFRESH, "staff"]} />
                </li>
              ))}
            </ul>
          </details>
        )}
      </td>
      <td>{h.suspended ? t("gov.suspended") : t("gov.active")}</td>
      {governs && (
        <td>
          {h.suspended ? (
            <WriteButton key="reinstate" label={t("gov.reinstate")} action={(c) => c.write(c.consortium, "reinstateHospital", [h.hospital])} refresh={REFRESH} />
          ) : (
            <WriteButton key="suspend" label={t("gov.suspend")} action={(c) => c.write(c.consortium, "suspendHospital", [h.hospital])} refresh={REFRESH} />
          )}
        </td>
      )}
    </tr>
  );
}

function RoleHolders({ role, governs }: { role: RoleName; governs: boolean }) {
  const { t } = useI18n();
  const holders = useRoleHolders(role);
  return (
    <div data-testid={`holders-${role}`}>
      <h3 className="role-title">{roleWords(t, role)}</h3>
      {holders.isPending ? (
        <p role="status">{t("gov.loading")}</p>
      ) : holders.isError ? (
        <p role="alert">{errorMessage(holders.error)}</p>
      ) : holders.data.length === 0 ? (
        <p className="note">{t("gov.nobody")}</p>
      ) : (
        <ul className="policies">
          {holders.data.map((account) => (
            <li key={account} className="policy" data-testid="holder">
              <code>{account}</code>
              {governs && (
                <WriteButton label={t("gov.unverify")} action={(c) => c.write(c.consortium, "revokeRole", [Role[role], account])} refresh={REFRESH} />
              )}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

function Verification({ governs }: { governs: boolean }) {
  const { t } = useI18n();
  const id = useId();
  const [role, setRole] = useState<RoleName>("RESEARCHER");
  return (
    <section className="card" aria-labelledby="verify-title">
      <h2 id="verify-title">{t("gov.verifyTitle")}</h2>
      <p className="note">{t("gov.verifyIntro")}</p>
      {VERIFIED_ROLES.map((r) => (
        <RoleHolders key={r} role={r} governs={governs} />
      ))}
      {governs && (
        <AccountForm
          title={t("gov.verifyFormTitle")}
          submitLabel={t("gov.verify")}
          testId="verify-account"
          extra={
            <div className="field">
              <label htmlFor={`${id}-role`}>{t("gov.role")}</label>
              <select id={`${id}-role`} value={role} onChange={(e) => setRole(e.target.value as RoleName)}>
                {VERIFIED_ROLES.map((r) => (
                  <option key={r} value={r}>
                    {roleWords(t, r)}
                  </option>
                ))}
              </select>
            </div>
          }
          action={(account) => (chain) => chain.write(chain.consortium, "grantRole", [Role[role], account])}
        />
      )}
    </section>
  );
}

function TokenRow({ token, governs }: { token: Address; governs: boolean }) {
  const { t } = useI18n();
  const info = useToken(token);
  return (
    <li className="policy" data-testid="funding-token">
      <strong>{info?.symbol ?? "?"}</strong> <code>{token}</code>
      {governs && (
        <WriteButton label={t("gov.disallowToken")} action={(c) => c.write(c.researchPool, "setTokenAllowed", [token, false])} refresh={[RESEARCH_KEY]} />
      )}
    </li>
  );
}

function FundingTokens({ governs }: { governs: boolean }) {
  const { t } = useI18n();
  const queryClient = useQueryClient();
  const tokens = useAllowedTokens();
  return (
    <section className="card" aria-labelledby="tokens-title">
      <h2 id="tokens-title">{t("gov.tokensTitle")}</h2>
      <p className="note">{t("gov.tokensIntro")}</p>
      {tokens.isPending ? (
        <p role="status">{t("gov.loading")}</p>
      ) : tokens.isError ? (
        <p role="alert">{errorMessage(tokens.error)}</p>
      ) : tokens.data.length === 0 ? (
        <p className="note">{t("gov.noTokens")}</p>
      ) : (
        <ul className="policies">
          {tokens.data.map((token) => (
            <TokenRow key={token} token={token} governs={governs} />
          ))}
        </ul>
      )}
      {governs && (
        <AccountForm
          title={t("gov.allowTokenTitle")}
          fieldLabel={t("gov.tokenContract")}
          submitLabel={t("gov.allowToken")}
          testId="allow-token"
          onDone={() => void queryClient.invalidateQueries({ queryKey: [RESEARCH_KEY] })}
          action={(token) => async (chain) => {
            // Only something that prices itself as an ERC-20 can be raised and refunded in the app.
            await tokenInfo(chain, token).catch((cause: unknown) => {
              throw new Error(t("gov.notAToken", { address: token }), { cause });
            });
            return chain.write(chain.researchPool, "setTokenAllowed", [token, true]);
          }}
        />
      )}
    </section>
  );
}

export default function GovernancePage({ address }: { address: Address }) {
  const { t } = useI18n();
  const governs = useIsGovernance(address);
  return (
    <div className="page">
      <h1>{t("gov.title")}</h1>
      {governs.isError && <p role="alert">{errorMessage(governs.error)}</p>}
      {governs.data === false && <p className="note" data-testid="not-governance">{t("gov.readOnly")}</p>}
      <Hospitals governs={governs.data === true} />
      <Verification governs={governs.data === true} />
      <FundingTokens governs={governs.data === true} />
    </div>
  );
}
