import { open, rename, rm } from "node:fs/promises";

/**
 * Writes a decrypted body to `path` through `path.partial`, renamed only once every chunk has
 * verified (the body throws on the first bad one), so a failure never leaves a plausible file.
 * Owner-only permissions: it is health data. Returns the size written.
 */
export async function writeVerified(path: string, body: AsyncIterable<Uint8Array>): Promise<number> {
  const partial = `${path}.partial`;
  const handle = await open(partial, "w", 0o600);
  let size = 0;
  try {
    for await (const chunk of body) {
      await handle.write(chunk);
      size += chunk.length;
    }
    await handle.close();
    await rename(partial, path);
  } catch (error) {
    await handle.close().catch(() => undefined);
    await rm(partial, { force: true });
    throw error;
  }
  return size;
}
