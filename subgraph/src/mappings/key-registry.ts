// KeyRegistry: every published version of an account's encryption public keys.
import { BigInt } from "@graphprotocol/graph-ts";
import { KeyPublished } from "../../generated/KeyRegistry/KeyRegistry";
import { EncryptionKey } from "../../generated/schema";
import { ensureAccount, eventId } from "../helpers";

export function handleKeyPublished(event: KeyPublished): void {
  const account = ensureAccount(event.params.account);
  const key = new EncryptionKey(eventId(event));
  key.account = account.id;
  key.version = event.params.version;
  key.x25519 = event.params.x25519;
  key.pqKey = event.params.pqKey;
  key.blockNumber = event.block.number;
  key.blockTimestamp = event.block.timestamp;
  key.transactionHash = event.transaction.hash;
  key.save();

  account.currentKey = key.id;
  account.save();
}
