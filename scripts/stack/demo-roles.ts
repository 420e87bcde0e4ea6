/**
 * The demo cast of the local stack as plain data: which of Hardhat's public development accounts
 * plays which role. One list for the stack (`accounts.ts` seeds and prints it) and for the web app's
 * demo wallet (which offers the same accounts on the local chain). No imports, so both the Node
 * scripts and the browser bundle can load it.
 */

/** Hardhat's public development mnemonic: its keys are published, never use them on a real network. */
export const DEV_MNEMONIC = "test test test test test test test test test test test junk";

/** The chain id of a local Hardhat node, the only chain the demo accounts are offered on. */
export const DEV_CHAIN_ID = 31337;

/** Development account index of each demo role (a `hardhat node` funds indices 0–19). */
export const DEMO = {
  governance: 0,
  hospital: 1,
  doctors: [2, 3],
  secondHospital: 4,
  /** Six fixture patients: 5–10. */
  firstPatient: 5,
  secondHospitalDoctor: 11,
  contacts: [12, 13, 14],
  researcher: 15,
  donors: [16, 17],
} as const;

/** How many fixture patients the seed registers (indices `firstPatient` … `firstPatient + 5`). */
export const DEMO_PATIENTS = 6;

export const HOSPITAL_NAMES = ["Caduceus Demo Hospital", "Riverside Demo Clinic"] as const;

export type DemoRoleKind = "governance" | "hospital" | "doctor" | "patient" | "contact" | "researcher" | "donor";

export interface DemoRole {
  kind: DemoRoleKind;
  /** 1-based number within its kind ("patient 3"); 1 for the single roles. */
  n: number;
  /** Hardhat development account index. */
  index: number;
  /** The label the stack prints, e.g. "doctor 1 (hospital 1)". */
  label: string;
}

/** Every demo role in the order the stack's table lists them. */
export function demoRoles(patients: number = DEMO_PATIENTS): DemoRole[] {
  const role = (kind: DemoRoleKind, n: number, index: number, label: string): DemoRole => ({ kind, n, index, label });
  return [
    role("governance", 1, DEMO.governance, "governance"),
    role("hospital", 1, DEMO.hospital, `hospital 1 (${HOSPITAL_NAMES[0]})`),
    role("doctor", 1, DEMO.doctors[0], "doctor 1 (hospital 1)"),
    role("doctor", 2, DEMO.doctors[1], "doctor 2 (hospital 1)"),
    role("hospital", 2, DEMO.secondHospital, `hospital 2 (${HOSPITAL_NAMES[1]})`),
    role("doctor", 3, DEMO.secondHospitalDoctor, "doctor 3 (hospital 2)"),
    ...Array.from({ length: patients }, (_, i) => role("patient", i + 1, DEMO.firstPatient + i, `patient ${i + 1}`)),
    ...DEMO.contacts.map((index, i) => role("contact", i + 1, index, `emergency contact ${i + 1}`)),
    role("researcher", 1, DEMO.researcher, "researcher"),
    ...DEMO.donors.map((index, i) => role("donor", i + 1, index, `donor ${i + 1}`)),
  ];
}
