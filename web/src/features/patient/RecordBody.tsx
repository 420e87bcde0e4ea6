import { ITEM_ORDER, type RenderedItem, type RenderedRecord } from "../../fhir/render.ts";
import type { OpenedPlaintext } from "../../crypto/protocol.ts";
import { useI18n } from "../../i18n/i18n.tsx";

export function formatDate(iso: string, locale: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  // A bare date (YYYY-MM-DD) is a calendar day: show it as such, not shifted by the time zone.
  const dayOnly = /^\d{4}-\d{2}-\d{2}$/.test(iso);
  return new Intl.DateTimeFormat(locale, { dateStyle: "medium", ...(dayOnly ? { timeZone: "UTC" } : {}) }).format(date);
}

/** Saves the decrypted original as the hospital sent it. */
export function download(opened: OpenedPlaintext, recordId: string): void {
  const extension = /json/.test(opened.mediaType) ? "json" : "bin";
  const name = opened.fileName ?? `caduceus-record-${recordId.slice(2, 10)}.${extension}`;
  const url = URL.createObjectURL(new Blob([opened.body], { type: opened.mediaType }));
  const link = document.createElement("a");
  link.href = url;
  link.download = name;
  link.click();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

function Item({ item }: { item: RenderedItem }) {
  const { t, locale } = useI18n();
  return (
    <li>
      <span className="item-title">{item.title}</span>
      {item.value && <span className="item-value"> — {item.value}</span>}
      {item.status && <span className="item-status"> ({item.status})</span>}
      {item.date && item.kind === "condition" && (
        <span className="item-date">
          {" "}
          · {t("records.since", { date: formatDate(item.date, locale) })}
          {item.end && ` – ${formatDate(item.end, locale)}`}
        </span>
      )}
    </li>
  );
}

export function RecordBody({ rendered }: { rendered: RenderedRecord }) {
  const { t, locale } = useI18n();
  const hidden = Object.values(rendered.hidden).reduce((a, b) => a + b, 0);
  const person = rendered.patient;
  return (
    <div className="record-body">
      {person && (
        <p className="about">
          {[person.name, person.birthDate && t("records.born", { date: formatDate(person.birthDate, locale) }), person.gender]
            .filter(Boolean)
            .join(" · ")}
        </p>
      )}
      {ITEM_ORDER.map((kind) => {
        const items = rendered.items.filter((i) => i.kind === kind);
        if (items.length === 0) return null;
        return (
          <section key={kind} className={`kind kind-${kind}`}>
            <h4>{t(`kind.${kind}`)}</h4>
            <ul>
              {items.map((item, i) => (
                <Item key={i} item={item} />
              ))}
            </ul>
          </section>
        );
      })}
      {rendered.items.length === 0 && !rendered.patient && <p className="note">{t("records.nothingClinical")}</p>}
      {hidden > 0 && <p className="note">{t("records.hidden", { count: hidden })}</p>}
    </div>
  );
}
