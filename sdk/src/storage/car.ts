/** CARv1 in and out as streams (browser-safe): the upload body and the `?format=car` response. */
import { CarBlockIterator } from "@ipld/car/iterator";
import { CarWriter } from "@ipld/car/writer";
import type { Block, CID } from "./cid.ts";

export const CAR_CONTENT_TYPE = "application/vnd.ipld.car";
export const RAW_CONTENT_TYPE = "application/vnd.ipld.raw";

/** A CAR of `blocks` under `roots`, produced as it is read (the writer waits for the reader). */
export async function* writeCar(roots: CID[], blocks: AsyncIterable<Block> | Iterable<Block>): AsyncGenerator<Uint8Array> {
  const { writer, out } = CarWriter.create(roots);
  let failure: { error: unknown } | undefined;
  const pump = (async () => {
    try {
      for await (const block of blocks) await writer.put(block);
    } catch (error) {
      failure = { error };
    } finally {
      await writer.close();
    }
  })();
  for await (const chunk of out) yield chunk;
  await pump;
  // A truncated CAR must not look complete: the reader sees the failure after the last chunk.
  if (failure) throw failure.error;
}

/** Reads a CAR stream: its roots, then its blocks (unverified: callers check each one). */
export async function readCar(source: AsyncIterable<Uint8Array>): Promise<{ roots: CID[]; blocks: AsyncIterable<Block> }> {
  const iterator = await CarBlockIterator.fromIterable(source);
  const roots = (await iterator.getRoots()) as CID[];
  async function* blocks(): AsyncGenerator<Block> {
    for await (const block of iterator) yield { cid: block.cid as CID, bytes: block.bytes };
  }
  return { roots, blocks: blocks() };
}
