/**
 * Cheap chain state for the query tests and the dashboard benchmark: records whose "ciphertext"
 * is a random CID (nothing is stored; the query layer never reads content), and key deliveries with
 * a one-byte envelope. Writes go through `CaduceusChain.write` (simulate → send → receipt).
 */
import { randomBytes } from "node:crypto";
import { concat, toHex, type Address, type Hex } from "viem";
import { consentWriteAbi } from "../../src/access/policies.ts";
import type { CaduceusChain, NewRecordInput } from "../../src/chain/client.ts";
import { Purpose, type PurposeName } from "../../src/chain/roles.ts";

const ZERO32: Hex = `0x${"00".repeat(32)}`;

/** A binary CIDv1 (raw, SHA2-256) around `digest`. */
export function rawCid(digest: Hex = toHex(randomBytes(32))): Hex {
  return concat(["0x01551220", digest]);
}

/** A registration of a raw-CID record with a random digest. */
export function fakeRecord(patient: Address, category: number): NewRecordInput {
  return {
    patient,
    cidDigest: toHex(randomBytes(32)),
    cidCodec: 0x55,
    contentDigest: ZERO32,
    category,
    envelope: "0x01",
  };
}

/** Posts one-byte key envelopes for `recordIds` (a de-identified copy CID each when `anonymized`). */
export async function deliverFakeKeys(
  chain: CaduceusChain,
  patient: Address,
  grantee: Address,
  purpose: PurposeName,
  recordIds: Hex[],
  anonymized = false,
): Promise<void> {
  const deliveries = recordIds.map((recordId) => ({
    recordId,
    copyCid: anonymized ? rawCid() : "0x",
    envelope: "0x01",
  }));
  await chain.write(consentWriteAbi(chain), "deliverKeys", [patient, grantee, Purpose[purpose], deliveries]);
}
