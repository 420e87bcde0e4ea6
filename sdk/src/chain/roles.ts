import { keccak256, toBytes, type Hex } from "viem";
import { Justification, type JustificationName } from "./emergency.ts";

/**
 * Consortium role ids and HL7 PurposeOfUse codes, mirroring `contracts/types/Roles.sol` and
 * `contracts/types/Purposes.sol` (a contract test checks both sides agree).
 */
export const Role = {
  HOSPITAL: keccak256(toBytes("caduceus.role.HOSPITAL")),
  DOCTOR: keccak256(toBytes("caduceus.role.DOCTOR")),
  RESEARCHER: keccak256(toBytes("caduceus.role.RESEARCHER")),
  AUDITOR: keccak256(toBytes("caduceus.role.AUDITOR")),
  PAYER: keccak256(toBytes("caduceus.role.PAYER")),
  PUBLIC_HEALTH: keccak256(toBytes("caduceus.role.PUBLIC_HEALTH")),
} as const satisfies Record<string, Hex>;

export type RoleName = keyof typeof Role;

/** PurposeOfUse codes as bit positions of a purpose set. */
export const Purpose = {
  TREAT: 0,
  ETREAT: 1,
  HRESCH: 2,
  HPAYMT: 3,
  PUBHLTH: 4,
  PATRQT: 5,
  HOPERAT: 6,
  CAREMGT: 7,
} as const;

export type PurposeName = keyof typeof Purpose;

/** The bitmap of a set of purposes. */
export function purposeSet(...purposes: PurposeName[]): bigint {
  return purposes.reduce((set, p) => set | (1n << BigInt(Purpose[p])), 0n);
}

/** The purposes in a bitmap, by name. */
export function purposeNames(set: bigint): PurposeName[] {
  return (Object.keys(Purpose) as PurposeName[]).filter((p) => (set >> BigInt(Purpose[p])) & 1n);
}

/** The name of one purpose code (a bit position, as events carry it). */
export function purposeName(code: number): PurposeName {
  return purposeNames(1n << BigInt(code))[0];
}

const JUSTIFICATION_NAMES = Object.fromEntries(
  Object.entries(Justification).map(([name, code]) => [code, name]),
) as Record<number, JustificationName>;

/** The name of an emergency request's justification code (as events carry it). */
export function justificationName(code: number): JustificationName {
  return JUSTIFICATION_NAMES[code];
}

/**
 * The default binding of roles to the purposes they may declare, deployed by the Ignition modules.
 * Governance changes it later with `setRolePurposes`.
 */
export const DEFAULT_ROLE_PURPOSES: ReadonlyArray<readonly [RoleName, bigint]> = [
  ["DOCTOR", purposeSet("TREAT", "ETREAT", "CAREMGT")],
  ["HOSPITAL", purposeSet("TREAT", "HPAYMT", "HOPERAT", "CAREMGT")],
  ["RESEARCHER", purposeSet("HRESCH")],
  ["AUDITOR", purposeSet("HOPERAT")],
  ["PAYER", purposeSet("HPAYMT")],
  ["PUBLIC_HEALTH", purposeSet("PUBHLTH")],
];
