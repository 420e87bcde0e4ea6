/**
 * Browser throughput quoted in docs/record-format.md: `npx tsx test/crypto/browser.bench.ts [MiB]`
 * from sdk/ (default 128; needs /usr/bin/chromium).
 */
import { inChromium } from "./browser-harness.ts";

const totalMiB = Number(process.argv[2] ?? 128);
const result = await inChromium<Record<string, number | string>>(`caduceusBrowserBench(${totalMiB})`, 600_000);
console.log(`${result.userAgent}\n${totalMiB} MiB in 64 KiB chunks (ChaCha20 on at most 32 MiB)`);
for (const [name, value] of Object.entries(result)) {
  if (typeof value === "number") console.log(`${name.padEnd(24)} ${value.toFixed(0)} MiB/s`);
}
