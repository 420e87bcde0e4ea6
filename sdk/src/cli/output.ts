/** What commands print: human text on stdout (or one JSON document with --json), progress on stderr. */
export class Output {
  constructor(readonly json: boolean) {}

  /** The command's result: `text` for people, `data` for scripts. */
  result(data: unknown, text: string): void {
    process.stdout.write(this.json ? `${JSON.stringify(data, jsonReplacer, 2)}\n` : `${text}\n`);
  }

  /** A progress line on stderr, redrawn in place on a terminal; silent with --json. */
  progress(line: string): void {
    if (this.json) return;
    if (process.stderr.isTTY) process.stderr.write(`\r\u001b[2K${line}`);
    else process.stderr.write(`${line}\n`);
  }

  endProgress(): void {
    if (!this.json && process.stderr.isTTY) process.stderr.write("\n");
  }
}

function jsonReplacer(_key: string, value: unknown): unknown {
  return typeof value === "bigint" ? value.toString() : value;
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 ** 2) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${(bytes / 1024 ** 2).toFixed(1)} MiB`;
}

/** A text progress bar, e.g. `[##########··········]  50%`. */
export function progressBar(done: number, total: number, width = 20): string {
  const fraction = total > 0 ? Math.min(1, done / total) : 1;
  const filled = Math.round(fraction * width);
  return `[${"#".repeat(filled)}${"·".repeat(width - filled)}] ${String(Math.floor(fraction * 100)).padStart(3)}%`;
}
