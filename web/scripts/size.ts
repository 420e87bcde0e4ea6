/**
 * `npm run size --workspace web`: builds the app and records how much a first visit downloads.
 * Writes `web` into bench/results.json (merged: other keys are kept), with `entryChunkGzipKB` —
 * the entry chunk, gzip level 9 — and the sizes of the lazy chunks and the crypto worker.
 * Fails when the entry chunk exceeds the budget (150 kB gzip).
 */
import { mkdtemp, readFile, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import { build } from "vite";

const BUDGET_KB = 150;
const WEB_ROOT = fileURLToPath(new URL("../", import.meta.url));
const RESULTS = fileURLToPath(new URL("../../bench/results.json", import.meta.url));

interface ManifestChunk {
  file: string;
  isEntry?: boolean;
  isDynamicEntry?: boolean;
  imports?: string[];
  name?: string;
}

const kb = (bytes: number) => Math.round((bytes / 1024) * 10) / 10;

const outDir = await mkdtemp(join(tmpdir(), "caduceus-web-size-"));
try {
  await build({ root: WEB_ROOT, logLevel: "error", build: { outDir, emptyOutDir: true, manifest: true } });
  const manifest = JSON.parse(await readFile(join(outDir, ".vite/manifest.json"), "utf8")) as Record<string, ManifestChunk>;
  const gz = async (file: string) => {
    const bytes = await readFile(join(outDir, file));
    return { raw: bytes.length, gzip: gzipSync(bytes, { level: 9 }).length };
  };
  const entryKey = Object.keys(manifest).find((k) => manifest[k]!.isEntry)!;
  const entry = manifest[entryKey]!;
  // What the first page load fetches: the entry and every chunk it imports statically.
  const initial = new Set<string>();
  const walk = (key: string) => {
    const chunk = manifest[key]!;
    if (initial.has(chunk.file)) return;
    initial.add(chunk.file);
    for (const next of chunk.imports ?? []) walk(next);
  };
  walk(entryKey);
  let initialGzip = 0;
  for (const file of initial) initialGzip += (await gz(file)).gzip;

  // Role pages load when first opened; shared chunks load with the first page that needs them.
  const lazy: Record<string, number> = {};
  const shared: Record<string, number> = {};
  for (const chunk of Object.values(manifest)) {
    if (initial.has(chunk.file) || !chunk.file.endsWith(".js")) continue;
    (chunk.isDynamicEntry ? lazy : shared)[chunk.name ?? chunk.file] = kb((await gz(chunk.file)).gzip);
  }
  const assets = await readdir(join(outDir, "assets"));
  const workerFile = assets.find((f) => /^worker-.*\.js$/.test(f));
  const worker = workerFile ? await gz(`assets/${workerFile}`) : undefined;
  const entrySize = await gz(entry.file);

  const web = {
    date: new Date().toISOString(),
    what: "vite build of web/ (production); gzip level 9 of the emitted files",
    entryChunkGzipKB: kb(entrySize.gzip),
    entryChunkRawKB: kb(entrySize.raw),
    initialLoadGzipKB: kb(initialGzip),
    budgetKB: BUDGET_KB,
    lazyChunksGzipKB: lazy,
    sharedChunksGzipKB: shared,
    ...(worker ? { cryptoWorkerGzipKB: kb(worker.gzip) } : {}),
  };
  // Read just before writing: other benchmarks may have written meanwhile.
  const results = JSON.parse(await readFile(RESULTS, "utf8").catch(() => "{}")) as Record<string, unknown>;
  results.web = web;
  await writeFile(RESULTS, `${JSON.stringify(results, null, 2)}\n`);
  console.log(JSON.stringify(web, null, 2));
  if (web.entryChunkGzipKB > BUDGET_KB) {
    console.error(`entry chunk is ${web.entryChunkGzipKB} kB gzip, over the ${BUDGET_KB} kB budget`);
    process.exitCode = 1;
  }
} finally {
  await rm(outDir, { recursive: true, force: true });
}
