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

describe("error messages", () => {
  it("read in Chinese by code when Chinese is chosen, and keep the library's sentence in English", async () => {
    const { errorMessage, setErrorLocalizer } = await import("../../src/errors.ts");
    const { zhError } = await import("../../src/i18n/zh-errors.ts");
    const error = Object.assign(new Error("The content store at http://x is not reachable."), { code: "STORAGE_UNAVAILABLE" });
    expect(errorMessage(error)).toBe("The content store at http://x is not reachable.");
    setErrorLocalizer(zhError);
    try {
      expect(errorMessage(error)).toBe("无法连接内容存储服务，请确认它正在运行后重试。");
      const revert = Object.assign(new Error("The contract rejected the call: Foo(1)."), { code: "REVERT_Foo" });
      expect(errorMessage(revert)).toMatch(/^合约拒绝了此操作（Foo）/);
      expect(errorMessage(Object.assign(new Error("odd"), { code: "SOMETHING_NEW" }))).toBe("odd");
    } finally {
      setErrorLocalizer(undefined);
    }
  });
});
