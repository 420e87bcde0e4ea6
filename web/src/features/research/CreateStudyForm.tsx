/**
 * A verified researcher opens a study: the protocol document (public, ethics approval inside) goes
 * to the content store, the terms on-chain. The deadline counts from the chain's clock, not the
 * browser's.
 */
import { useQueryClient } from "@tanstack/react-query";
import { useId, useState, type FormEvent } from "react";
import { parseUnits, zeroAddress, type Address } from "viem";
import { RecordCategory, type RecordCategoryName } from "@caduceus/sdk/fhir/categories";
import { MAX_STUDY_DURATION } from "@caduceus/sdk/chain/research";
import { createStudy } from "@caduceus/sdk/research/studies";
import { errorMessage } from "../../errors.ts";
import { categoryKey } from "../../i18n/en.ts";
import { useI18n } from "../../i18n/i18n.tsx";
import { TxStatus } from "../../tx/TxStatus.tsx";
import { useWriteFlow } from "../../tx/useWriteFlow.ts";
import { useContentStore } from "../governance/useConsortium.ts";
import { ETH_TOKEN, RESEARCH_KEY, useFundingTokens } from "./useResearch.ts";

const CATEGORY_NAMES = Object.keys(RecordCategory) as RecordCategoryName[];
const MAX_DAYS = MAX_STUDY_DURATION / 86_400;

export function CreateStudyForm() {
  const { t } = useI18n();
  const id = useId();
  const store = useContentStore();
  const queryClient = useQueryClient();
  const write = useWriteFlow();
  const tokens = useFundingTokens();
  const [tokenAddress, setTokenAddress] = useState<Address>(zeroAddress);
  const token = tokens.data?.find((option) => option.address === tokenAddress) ?? ETH_TOKEN;
  const [protocol, setProtocol] = useState<File | null>(null);
  const [goal, setGoal] = useState("1");
  const [reward, setReward] = useState("0.01");
  const [max, setMax] = useState("10");
  const [days, setDays] = useState("30");
  const [categories, setCategories] = useState<RecordCategoryName[]>(["Lab"]);
  const [problem, setProblem] = useState<string | null>(null);
  const [created, setCreated] = useState<bigint | null>(null);

  function check(): { goal: bigint; reward: bigint; max: number; days: number } | string {
    if (!protocol) return t("study.needProtocol");
    let g: bigint, r: bigint;
    try {
      g = parseUnits(goal, token.decimals);
      r = parseUnits(reward, token.decimals);
    } catch {
      return t("study.badAmount");
    }
    const m = Number(max);
    const d = Number(days);
    if (r <= 0n || !Number.isInteger(m) || m < 1) return t("study.badRewards");
    if (g < r * BigInt(m)) return t("study.goalBelowReserve");
    if (!(d > 0 && d <= MAX_DAYS)) return t("study.badDays", { max: MAX_DAYS });
    if (categories.length === 0) return t("study.needCategory");
    return { goal: g, reward: r, max: m, days: d };
  }

  async function submit(event: FormEvent) {
    event.preventDefault();
    setCreated(null);
    const terms = check();
    if (typeof terms === "string") {
      setProblem(terms);
      return;
    }
    setProblem(null);
    const bytes = new Uint8Array(await protocol!.arrayBuffer());
    const result = await write.run(async (chain) => {
      const now = Number((await chain.publicClient.getBlock()).timestamp);
      return createStudy({
        chain,
        store,
        protocol: [bytes],
        token: token.address,
        goal: terms.goal,
        reward: terms.reward,
        maxContributions: terms.max,
        deadline: now + Math.round(terms.days * 86_400),
        categories,
      });
    });
    if (result.ok) {
      setCreated(result.value.studyId);
      await queryClient.invalidateQueries({ queryKey: [RESEARCH_KEY] });
    }
  }

  const toggle = (c: RecordCategoryName) => setCategories((list) => (list.includes(c) ? list.filter((x) => x !== c) : [...list, c]));
  return (
    <form className="card" onSubmit={submit} aria-labelledby={`${id}-title`} data-testid="create-study">
      <h3 id={`${id}-title`}>{t("study.createTitle")}</h3>
      <div className="field">
        <label htmlFor={`${id}-protocol`}>{t("study.protocolFile")}</label>
        <input id={`${id}-protocol`} type="file" onChange={(e) => setProtocol(e.target.files?.[0] ?? null)} />
        <small>{t("study.protocolHint")}</small>
      </div>
      <div className="field">
        <label htmlFor={`${id}-token`}>{t("study.token")}</label>
        <select id={`${id}-token`} value={token.address} onChange={(e) => setTokenAddress(e.target.value as Address)}>
          {(tokens.data ?? [token]).map((option) => (
            <option key={option.address} value={option.address}>
              {option.address === zeroAddress ? option.symbol : `${option.symbol} (${option.address})`}
            </option>
          ))}
        </select>
        <small>{t("study.tokenHint")}</small>
        {tokens.isError && <small role="alert">{errorMessage(tokens.error)}</small>}
      </div>
      <div className="field">
        <label htmlFor={`${id}-goal`}>{t("study.goal", { symbol: token.symbol })}</label>
        <input id={`${id}-goal`} inputMode="decimal" value={goal} onChange={(e) => setGoal(e.target.value.trim())} />
      </div>
      <div className="field">
        <label htmlFor={`${id}-reward`}>{t("study.reward", { symbol: token.symbol })}</label>
        <input id={`${id}-reward`} inputMode="decimal" value={reward} onChange={(e) => setReward(e.target.value.trim())} />
      </div>
      <div className="field">
        <label htmlFor={`${id}-max`}>{t("study.maxContributions")}</label>
        <input id={`${id}-max`} type="number" min={1} value={max} onChange={(e) => setMax(e.target.value)} />
        <small>{t("study.reserveHint")}</small>
      </div>
      <div className="field">
        <label htmlFor={`${id}-days`}>{t("study.days")}</label>
        <input id={`${id}-days`} type="number" min={1} max={MAX_DAYS} value={days} onChange={(e) => setDays(e.target.value)} />
      </div>
      <fieldset>
        <legend>{t("study.categories")}</legend>
        <div className="checks">
          {CATEGORY_NAMES.map((c) => (
            <label key={c}>
              <input type="checkbox" checked={categories.includes(c)} onChange={() => toggle(c)} /> {t(categoryKey(c))}
            </label>
          ))}
        </div>
      </fieldset>
      {problem && <p role="alert">{problem}</p>}
      <button type="submit" className="primary" disabled={write.busy}>
        {t("study.create")}
      </button>
      <TxStatus state={write.state} />
      {created !== null && (
        <p role="status" data-testid="study-created">
          {t("study.created", { id: String(created) })}
        </p>
      )}
    </form>
  );
}
