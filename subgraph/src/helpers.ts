// Shared helpers for the mappings: ids and the entities every contract touches.
import { Address, BigInt, Bytes, ethereum } from "@graphprotocol/graph-ts";
import { Account, Patient } from "../generated/schema";

/** Id of an immutable event record: transaction hash ++ log index. */
export function eventId(event: ethereum.Event): Bytes {
  return event.transaction.hash.concatI32(event.logIndex.toI32());
}

/** Block number × 2^32 + log index: an event's place in chain order, as one sortable number. */
export function position(event: ethereum.Event): BigInt {
  return event.block.number.leftShift(32).plus(event.logIndex);
}

/** Counts one more entry in `address`'s access log (and one more key delivery when `keyDelivery`). */
export function countLogEntry(address: Address, keyDelivery: boolean): void {
  const patient = ensurePatient(address);
  patient.accessLogCount = patient.accessLogCount + 1;
  if (keyDelivery) patient.keyDeliveryCount = patient.keyDeliveryCount + 1;
  patient.save();
}

/** The Account of `address`, created on first sight. */
export function ensureAccount(address: Address): Account {
  let account = Account.load(address);
  if (account == null) {
    account = new Account(address);
    account.save();
  }
  return account;
}

/** The Patient of `address` (and its Account), created on first sight. */
export function ensurePatient(address: Address): Patient {
  let patient = Patient.load(address);
  if (patient == null) {
    ensureAccount(address);
    patient = new Patient(address);
    patient.account = address;
    patient.recordCount = 0;
    patient.accessLogCount = 0;
    patient.keyDeliveryCount = 0;
    patient.save();
  }
  return patient;
}

/** A uint256 contract id as the 32-byte big-endian ABI encoding, so off-chain readers can rebuild it. */
export function uint256Id(value: BigInt): Bytes {
  return ethereum.encode(ethereum.Value.fromUnsignedBigInt(value))!;
}

/** Whether `value` is all zero bytes (a zero address or bytes32). */
export function isZero(value: Bytes): boolean {
  for (let i = 0; i < value.length; i++) {
    if (value[i] != 0) return false;
  }
  return true;
}
