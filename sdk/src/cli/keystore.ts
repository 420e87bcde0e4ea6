/**
 * The operator's account key: an encrypted keystore file (Web3 Secret Storage v3, scrypt + AES, the
 * format every Ethereum wallet reads) or `CADUCEUS_PRIVATE_KEY`. The key is never printed or logged.
 */
import { readFile, writeFile } from "node:fs/promises";
import { Wallet } from "ethers";
import { privateKeyToAccount, type PrivateKeyAccount } from "viem/accounts";
import type { Hex } from "viem";
import { CaduceusError } from "../errors.ts";

export const PRIVATE_KEY_ENV = "CADUCEUS_PRIVATE_KEY";
export const PASSWORD_ENV = "CADUCEUS_KEYSTORE_PASSWORD";

class KeystoreError extends CaduceusError {
  constructor(code: string, message: string, cause?: unknown) {
    super(`KEYSTORE_${code}`, message, { cause });
  }
}

/** The password from the environment, or asked on the terminal without echo. */
export async function readPassword(prompt: string): Promise<string> {
  const fromEnv = process.env[PASSWORD_ENV];
  if (fromEnv) return fromEnv;
  if (!process.stdin.isTTY) {
    throw new KeystoreError("NO_PASSWORD", `No keystore password: set ${PASSWORD_ENV} or run in a terminal.`);
  }
  process.stderr.write(prompt);
  process.stdin.setRawMode(true);
  process.stdin.resume();
  let password = "";
  return new Promise((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      for (const char of chunk.toString("utf8")) {
        if (char === "\r" || char === "\n") {
          process.stdin.setRawMode(false);
          process.stdin.pause();
          process.stdin.off("data", onData);
          process.stderr.write("\n");
          return resolve(password);
        }
        if (char === "\u0003") return reject(new KeystoreError("CANCELLED", "Cancelled."));
        password = char === "\u007f" ? password.slice(0, -1) : password + char;
      }
    };
    process.stdin.on("data", onData);
  });
}

export async function createKeystore(file: string, importedKey?: Hex): Promise<string> {
  const password = await readPassword(`Password for the new keystore ${file}: `);
  if (password.length < 8) throw new KeystoreError("WEAK_PASSWORD", "Choose a keystore password of at least 8 characters.");
  const wallet = importedKey ? new Wallet(importedKey) : Wallet.createRandom();
  await writeFile(file, await wallet.encrypt(password), { flag: "wx", mode: 0o600 }).catch((cause: NodeJS.ErrnoException) => {
    if (cause.code === "EEXIST") throw new KeystoreError("EXISTS", `${file} exists already; choose another path or remove it.`, cause);
    throw cause;
  });
  return wallet.address;
}

/** The account from `--keystore` (decrypted with the password) or from `CADUCEUS_PRIVATE_KEY`. */
export async function loadAccount(keystore: string | undefined): Promise<PrivateKeyAccount> {
  if (keystore) {
    const json = await readFile(keystore, "utf8").catch((cause: unknown) => {
      throw new KeystoreError("NOT_FOUND", `Cannot read the keystore ${keystore}.`, cause);
    });
    const password = await readPassword(`Password for ${keystore}: `);
    const wallet = await Wallet.fromEncryptedJson(json, password).catch((cause: unknown) => {
      throw new KeystoreError("WRONG_PASSWORD", `Cannot decrypt ${keystore}: wrong password or not a keystore file.`, cause);
    });
    return privateKeyToAccount(wallet.privateKey as Hex);
  }
  const key = process.env[PRIVATE_KEY_ENV];
  if (!key) throw new CaduceusError("NO_SIGNER", `This command needs an account: pass --keystore <file> or set ${PRIVATE_KEY_ENV}.`);
  if (!/^0x[0-9a-fA-F]{64}$/.test(key)) throw new KeystoreError("BAD_KEY", `${PRIVATE_KEY_ENV} is not a 32-byte hex private key.`);
  return privateKeyToAccount(key as Hex);
}
