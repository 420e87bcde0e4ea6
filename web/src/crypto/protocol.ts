/**
 * Messages between the page and the crypto worker. Private keys live only in the worker: the page
 * sends the wallet's signature once, the worker derives the identity and keeps it in memory.
 */
import type { Address, Hex } from "viem";
import type { Deployment } from "@caduceus/sdk/chain/deployments";
import type { EncryptionKeyTypedData } from "@caduceus/sdk/crypto/identity";
import type { PreparedRecord } from "@caduceus/sdk/records/upload";

export type WorkerRequest =
  | { op: "init"; deployment: Deployment }
  | { op: "keyRequest" }
  | { op: "identity"; address: Address; signature: Hex }
  | { op: "forget"; address: Address }
  | { op: "open"; reader: Address; recordId: Hex }
  | { op: "prepare"; patient: Address; bundle: ArrayBuffer };

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
};

/** Upload progress: `index` counts records from 0; `bytes` is ciphertext produced so far for that record. */
export type PrepareProgress =
  | { stage: "split"; total: number }
  | { stage: "encrypt"; index: number; bytes: number }
  | { stage: "upload"; index: number }
  | { stage: "stored"; index: number };

export type WorkerMessage =
  | { id: number; ok: true; result: unknown }
  | { id: number; ok: false; error: { name: string; code?: string; message: string } }
  | { id: number; progress: PrepareProgress };
