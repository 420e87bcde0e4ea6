/** Purposes, roles and rights in words (the dictionary holds the words; this maps codes to keys). */
import type { Hex } from "viem";
import { Role, type PurposeName, type RoleName } from "@caduceus/sdk/chain/roles";
import type { MessageKey } from "../../i18n/en.ts";
import type { Translate } from "../../i18n/i18n.tsx";

export const PURPOSES: readonly PurposeName[] = ["TREAT", "ETREAT", "CAREMGT", "HRESCH", "HPAYMT", "PUBHLTH", "HOPERAT", "PATRQT"];
export const ROLES: readonly RoleName[] = ["DOCTOR", "HOSPITAL", "RESEARCHER", "AUDITOR", "PAYER", "PUBLIC_HEALTH"];

export const purposeWords = (t: Translate, purpose: PurposeName) => t(`purpose.${purpose}` as MessageKey);
export const roleWords = (t: Translate, role: RoleName) => t(`role.${role}` as MessageKey);

/** The role a policy's `role` field names, or undefined for a policy bound to one account. */
export function roleOf(hash: Hex): RoleName | undefined {
  return (Object.keys(Role) as RoleName[]).find((name) => Role[name].toLowerCase() === hash.toLowerCase());
}

export const shortAddress = (address: string) => `${address.slice(0, 6)}…${address.slice(-4)}`;

export function formatTime(seconds: number, locale: string): string {
  return new Intl.DateTimeFormat(locale, { dateStyle: "medium", timeStyle: "short" }).format(new Date(seconds * 1000));
}
