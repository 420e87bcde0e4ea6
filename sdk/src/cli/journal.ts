/**
 * Resumable uploads. Each record prepared (encrypted and stored) is appended to a journal file
 * before anything is registered, keyed by source file, record index and the SHA-256 of the
 * record's plaintext. A rerun after an interruption reuses the stored ciphertext instead of
 * re-encrypting (a new key would give a new CID and a duplicate), and the registry's idempotence
 * does the rest. The journal holds public data only (CIDs, digests, envelopes) — never a key or
 * plaintext — and stays on the operator's machine next to the plaintext it describes.
 */
import { appendFile, mkdir, readFile } from "node:fs/promises";
import { dirname } from "node:path";
import { createHash } from "node:crypto";
import type { PreparedRecord } from "../records/upload.ts";

export class UploadJournal {
  readonly #entries = new Map<string, PreparedRecord>();

  private constructor(readonly file: string) {}

  static async open(file: string): Promise<UploadJournal> {
    const journal = new UploadJournal(file);
    const text = await readFile(file, "utf8").catch(() => "");
    for (const line of text.split("\n")) {
      if (!line.trim()) continue;
      try {
        const { key, prepared } = JSON.parse(line) as { key: string; prepared: PreparedRecord };
        journal.#entries.set(key, prepared);
      } catch {
        // A line cut by a crash mid-write: that record is simply prepared again.
      }
    }
    return journal;
  }

  static keyOf(source: string, index: number, plaintext: Uint8Array): string {
    return createHash("sha256").update(`${source}\0${index}\0`).update(plaintext).digest("hex");
  }

  get(key: string): PreparedRecord | undefined {
    return this.#entries.get(key);
  }

  async add(key: string, prepared: PreparedRecord): Promise<void> {
    this.#entries.set(key, prepared);
    await mkdir(dirname(this.file), { recursive: true });
    await appendFile(this.file, `${JSON.stringify({ key, prepared })}\n`);
  }
}
