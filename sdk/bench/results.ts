/**
 * bench/results.json at the repository root: every benchmark merges its own keys in, so that one
 * benchmark (or a quick run at another size) never destroys the committed figures of another.
 */
import { existsSync } from "node:fs";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { dirname, resolve } from "node:path";

export const RESULTS_PATH = resolve(import.meta.dirname, "../../bench/results.json");

const COMMENT =
  "Written by `npm run bench` (sdk/bench/run.ts, sdk/bench/dashboard.ts); see docs/benchmarks.md and docs/query.md. Keys are named for the file size; other sizes are merged in; `dashboard` is the query layer's.";

/** Merges `results` into bench/results.json (keys sorted, `$comment` first); returns the path. */
export async function mergeResults(results: Record<string, unknown>): Promise<string> {
  let existing: Record<string, unknown> = {};
  if (existsSync(RESULTS_PATH)) existing = JSON.parse(await readFile(RESULTS_PATH, "utf8")) as Record<string, unknown>;
  const merged = Object.fromEntries(
    Object.entries({ ...existing, ...results, $comment: COMMENT }).sort(([a], [b]) =>
      a === "$comment" ? -1 : b === "$comment" ? 1 : a.localeCompare(b),
    ),
  );
  await mkdir(dirname(RESULTS_PATH), { recursive: true });
  await writeFile(RESULTS_PATH, `${JSON.stringify(merged, null, 2)}\n`);
  return RESULTS_PATH;
}
