/**
 * Messages between the page and the crypto worker. Private keys live only in the worker: the page
 * sends the wallet's signature once, the worker derives the identity and keeps it in memory.
 */
import type { Address, Hex } from "viem";
import type { Deployment } from "@caduceus/sdk/chain/deployments";
import type { PurposeName } from "@caduceus/sdk/chain/roles";
import type { EncryptionKeyTypedData } from "@caduceus/sdk/crypto/identity";
import type { PreparedRecord } from "@caduceus/sdk/records/upload";

export type WorkerRequest =
  | { op: "init"; deployment: Deployment }
  | { op: "keyRequest" }
  | { op: "identity"; address: Address; signature: Hex }
  | { op: "forget"; address: Address }
  | { op: "open"; reader: Address; recordId: Hex }
  /**
   * FHIR bundles (JSON) are split into one record per encounter; any other file (PDF, DICOM, image)
   * is one record, streamed from the File (a 1 GiB study is never held in memory whole).
   */
  /** `writer`: the hospital account that will register the records (their ids bind it). */
  | { op: "prepare"; writer: Address; patient: Address; files: File[]; /** Amend this record: the files must hold exactly one record. */ previousId?: Hex }
  /** The patient wraps record keys to a grantee; the page's wallet signs the delivery transactions. */
  | { op: "deliver"; patient: Address; grantee: Address; purpose: PurposeName; recordIds: Hex[] }
  /** A grantee opens a record whose key the patient delivered. */
  | { op: "openDelivered"; reader: Address; recordId: Hex; purpose: PurposeName }
  /** A contact opens their key share, re-seals it to the doctor and approves (the page's wallet signs). */
  | { op: "emergencyApprove"; contact: Address; patient: Address; doctor: Address }
  /** A doctor with a granted emergency request rebuilds the emergency key and opens the records. */
  | { op: "emergencyOpen"; doctor: Address; patient: Address }
  /** The patient names emergency contacts: new emergency key, sealed shares, record keys wrapped (the page's wallet signs). */
  | { op: "emergencyContacts"; patient: Address; contacts: Address[]; threshold: number }
  /** A patient in a study delivers a de-identified copy of a matching record and submits it (the page's wallet signs). */
  | { op: "contribute"; patient: Address; studyId: bigint };

export interface IdentityPublic {
  x25519: Hex;
  xwing: Hex;
}

export interface OpenedPlaintext {
  mediaType: string;
  fileName?: string;
  body: ArrayBuffer;
}

export type WorkerResults = {
  init: null;
  keyRequest: EncryptionKeyTypedData;
  identity: IdentityPublic;
  forget: null;
  open: OpenedPlaintext;
  prepare: PreparedRecord[];
  deliver: Hex[];
  openDelivered: OpenedPlaintext & { deidentified: boolean };
  emergencyApprove: Hex;
  emergencyOpen: Array<OpenedPlaintext & { recordId: Hex }>;
  emergencyContacts: { version: number; activatesAt: number; wrapped: number };
  contribute: { recordId: Hex; hash: Hex };
};

/** Upload progress: `index` counts records from 0; `bytes` is ciphertext produced so far for that record. */
export type PrepareProgress =
  | { stage: "split"; total: number }
  | { stage: "encrypt"; index: number; bytes: number }
  | { stage: "upload"; index: number }
  | { stage: "stored"; index: number }
  | { stage: "deliver"; done: number; total: number }
  | { stage: "emergency"; step: "shares" | "propose" | "wrap"; done: number; total: number };

export type WorkerMessage =
  | { id: number; ok: true; result: unknown }
  | { id: number; ok: false; error: { name: string; code?: string; message: string } }
  | { id: number; progress: PrepareProgress }
  /** The worker asks the page's wallet to send a transaction (simulated already); the page answers with `SignerReply`. */
  | { id: number; sign: { seq: number; request: unknown } };

export type SignerReply = { seq: number; hash: Hex } | { seq: number; error: { message: string; code?: number } };
