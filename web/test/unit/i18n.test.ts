import { describe, expect, it } from "vitest";
import { en } from "../../src/i18n/en.ts";
import { zh } from "../../src/i18n/zh.ts";
import { translate } from "../../src/i18n/i18n.tsx";

const placeholders = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe("dictionaries", () => {
  it("Chinese has every English key, translated, with the same placeholders", () => {
    expect(Object.keys(zh).sort()).toEqual(Object.keys(en).sort());
    for (const key of Object.keys(en) as (keyof typeof en)[]) {
      expect(placeholders(zh[key]), key).toEqual(placeholders(en[key]));
    }
  });
  it("fills placeholders and leaves unknown ones visible", () => {
    expect(translate("en", "records.title", { count: 3 })).toBe("Your records (3)");
    expect(translate("zh", "records.title", { count: 3 })).toBe("您的记录（3）");
    expect(translate("en", "records.title")).toBe("Your records ({count})");
  });
});
