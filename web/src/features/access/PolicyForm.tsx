/** A new policy in words: who (an account or a role), for which purposes, rights, until when, which records. */
import { useQueryClient } from "@tanstack/react-query";
import { useId, useState, type FormEvent } from "react";
import { isAddress, type Address } from "viem";
import { newPolicyId, policyTerms, setPolicy } from "@caduceus/sdk/access/policies";
import type { PurposeName, RoleName } from "@caduceus/sdk/chain/roles";
import { RecordCategory } from "@caduceus/sdk/fhir/categories";
import { errorMessage } from "../../errors.ts";
import { categoryKey } from "../../i18n/en.ts";
import { useI18n } from "../../i18n/i18n.tsx";
import { TxStatus } from "../../tx/TxStatus.tsx";
import { useWriteFlow } from "../../tx/useWriteFlow.ts";
import { PURPOSES, purposeWords, ROLES, roleWords } from "./words.ts";

const CATEGORY_NAMES = Object.keys(RecordCategory) as (keyof typeof RecordCategory)[];

function inDays(days: number): string {
  return new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);
}

export function PolicyForm({ patient }: { patient: Address }) {
  const { t } = useI18n();
  const id = useId();
  const queryClient = useQueryClient();
  const write = useWriteFlow();
  const [who, setWho] = useState<"account" | "role">("account");
  const [grantee, setGrantee] = useState("");
  const [role, setRole] = useState<RoleName>("DOCTOR");
  const [purposes, setPurposes] = useState<PurposeName[]>(["TREAT"]);
  const [share, setShare] = useState(false);
  const [until, setUntil] = useState(inDays(30));
  const [scope, setScope] = useState<"all" | "categories">("all");
  const [categories, setCategories] = useState<number[]>([]);
  const [anonymized, setAnonymized] = useState(false);
  const [manual, setManual] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);

  const toggle = <T,>(list: T[], value: T) => (list.includes(value) ? list.filter((v) => v !== value) : [...list, value]);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setProblem(null);
    write.reset();
    if (who === "account" && !isAddress(grantee)) {
      setProblem(t("policy.badAddress"));
      return;
    }
    let terms;
    try {
      terms = policyTerms({
        ...(who === "account" ? { grantee: grantee as Address } : { role }),
        purposes,
        share,
        // The end of the chosen day, local time.
        validUntil: Math.floor(new Date(`${until}T23:59:59`).getTime() / 1000),
        ...(scope === "categories" ? { categories } : {}),
        anonymizedOnly: anonymized,
        autoApprove: !manual,
      });
    } catch (error) {
      setProblem(errorMessage(error));
      return;
    }
    const result = await write.run((chain) => setPolicy(chain, newPolicyId(), terms));
    if (result.ok) await queryClient.invalidateQueries({ queryKey: ["access"] });
  }

  return (
    <form className="card" onSubmit={submit} aria-labelledby={`${id}-title`} data-testid="policy-form">
      <h2 id={`${id}-title`}>{t("policy.title")}</h2>
      <p>{t("policy.intro")}</p>
      <fieldset>
        <legend>{t("policy.who")}</legend>
        <label>
          <input type="radio" name="who" checked={who === "account"} onChange={() => setWho("account")} /> {t("policy.oneAccount")}
        </label>
        <label>
          <input type="radio" name="who" checked={who === "role"} onChange={() => setWho("role")} /> {t("policy.everyRole")}
        </label>
        {who === "account" ? (
          <div className="field">
            <label htmlFor={`${id}-grantee`}>{t("policy.grantee")}</label>
            <input id={`${id}-grantee`} value={grantee} onChange={(e) => setGrantee(e.target.value.trim())} placeholder="0x…" spellCheck={false} autoComplete="off" />
          </div>
        ) : (
          <div className="field">
            <label htmlFor={`${id}-role`}>{t("policy.role")}</label>
            <select id={`${id}-role`} value={role} onChange={(e) => setRole(e.target.value as RoleName)}>
              {ROLES.map((r) => (
                <option key={r} value={r}>
                  {roleWords(t, r)}
                </option>
              ))}
            </select>
          </div>
        )}
      </fieldset>
      <fieldset>
        <legend>{t("policy.purposes")}</legend>
        <div className="checks">
          {PURPOSES.map((p) => (
            <label key={p}>
              <input type="checkbox" checked={purposes.includes(p)} onChange={() => setPurposes(toggle(purposes, p))} /> {purposeWords(t, p)}
            </label>
          ))}
        </div>
      </fieldset>
      <fieldset>
        <legend>{t("policy.records")}</legend>
        <label>
          <input type="radio" name="scope" checked={scope === "all"} onChange={() => setScope("all")} /> {t("policy.allRecords")}
        </label>
        <label>
          <input type="radio" name="scope" checked={scope === "categories"} onChange={() => setScope("categories")} /> {t("policy.someCategories")}
        </label>
        {scope === "categories" && (
          <div className="checks">
            {CATEGORY_NAMES.map((name) => (
              <label key={name}>
                <input type="checkbox" checked={categories.includes(RecordCategory[name])} onChange={() => setCategories(toggle(categories, RecordCategory[name]))} />{" "}
                {t(categoryKey(name))}
              </label>
            ))}
          </div>
        )}
      </fieldset>
      <div className="field">
        <label htmlFor={`${id}-until`}>{t("policy.until")}</label>
        <input id={`${id}-until`} type="date" value={until} min={inDays(0)} onChange={(e) => setUntil(e.target.value)} required />
      </div>
      <label>
        <input type="checkbox" checked={share} onChange={(e) => setShare(e.target.checked)} /> {t("policy.share")}
      </label>
      <br />
      <label>
        <input type="checkbox" checked={anonymized} onChange={(e) => setAnonymized(e.target.checked)} /> {t("policy.anonymized")}
      </label>
      <br />
      <label>
        <input type="checkbox" checked={manual} onChange={(e) => setManual(e.target.checked)} /> {t("policy.manual")}
      </label>
      <p className="note">{t("policy.forwardOnly")}</p>
      <button type="submit" className="primary" disabled={write.busy}>
        {t("policy.submit")}
      </button>
      {problem && (
        <p role="alert" data-testid="policy-problem">
          {problem}
        </p>
      )}
      <TxStatus state={write.state} label={t("policy.submitLabel")} />
    </form>
  );
}
