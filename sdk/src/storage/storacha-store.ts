/**
 * Production storage through Storacha (IPFS + Filecoin). Uploads go through the real
 * `@storacha/client` as a CAR of the blocks we encode ourselves (same settings as its uploadFile),
 * streamed so memory stays bounded by Storacha's shard size; the CID Storacha registers must equal
 * the one computed here, or the put fails. Reads go through a trustless gateway (storacha.link by
 * default) with every block verified, exactly as from the local gateway.
 */
import * as StorachaClient from "@storacha/client";
import * as Proof from "@storacha/client/proof";
import { Signer } from "@storacha/client/principal/ed25519";
import { StoreMemory } from "@storacha/client/stores/memory";
import { writeCar } from "./car.ts";
import { encodeFile, type ByteSource, type CID, type EncodedFile } from "./cid.ts";
import type { ContentStore } from "./content-store.ts";
import { StorageRejectedError, StorageUnavailableError } from "./errors.ts";
import { GatewayContentStore } from "./gateway-client.ts";
import type { Sha256Engine } from "./hasher.ts";

export const DEFAULT_STORACHA_GATEWAY = "https://storacha.link";

/** The part of `@storacha/client`'s Client this store uses (a Client with a current space). */
export interface StorachaUploader {
  uploadCAR(car: { stream(): ReadableStream<Uint8Array> }, options?: { shardSize?: number }): Promise<{ toString(): string }>;
}

export interface StorachaContentStoreOptions {
  client: StorachaUploader;
  /** Trustless gateway to read from. Default https://storacha.link. */
  gatewayUrl?: string;
  hasher?: Sha256Engine;
  /** Bytes per CAR shard sent to Storacha (held in memory while sent). Default: Storacha's (~127 MiB). */
  shardSize?: number;
  fetch?: typeof fetch;
}

export class StorachaContentStore implements ContentStore {
  readonly #reader: GatewayContentStore;

  constructor(readonly options: StorachaContentStoreOptions) {
    this.#reader = new GatewayContentStore({ url: options.gatewayUrl ?? DEFAULT_STORACHA_GATEWAY, hasher: options.hasher, fetch: options.fetch });
  }

  async put(source: ByteSource): Promise<EncodedFile> {
    const encoding = encodeFile(source, { hasher: this.options.hasher });
    // No root in the CAR header (it is known only at the end): Storacha then takes the last
    // block as the root, and the encoder emits the root last.
    const car = writeCar([], encoding.blocks);
    let stored: { toString(): string };
    try {
      stored = await this.options.client.uploadCAR({ stream: () => readableFrom(car) }, { shardSize: this.options.shardSize });
    } catch (cause) {
      // A failure of our own stream (the source) is not Storacha's: report it as it is.
      const ownFailure = await encoding.done.then(
        () => undefined,
        (error: unknown) => error,
      );
      if (ownFailure !== undefined) throw ownFailure;
      throw new StorageUnavailableError("Storacha", { cause });
    }
    const encoded = await encoding.done;
    if (stored.toString() !== encoded.cid.toString()) {
      throw new StorageRejectedError(
        `Storacha registered the upload as ${stored} but its content's CID is ${encoded.cid}. The upload cannot be trusted; do not register this record.`,
      );
    }
    return encoded;
  }

  get(cid: CID | string): AsyncIterable<Uint8Array> {
    return this.#reader.get(cid);
  }

  has(cid: CID | string): Promise<boolean> {
    return this.#reader.has(cid);
  }
}

/** Operator-provided credentials: what `storacha key create` and `storacha delegation create` print. */
export interface StorachaCredentials {
  /** The agent's private key (`storacha key create`, starts with "Mg…"). */
  key: string;
  /** A base64 delegation from the space to that agent (`storacha delegation create <agent did> --base64`). */
  proof: string;
  /** Only for tests or a private deployment: the upload service's connection and receipts URL. */
  serviceConf?: Parameters<typeof StorachaClient.create>[0] extends infer O ? (O extends { serviceConf?: infer S } ? S : never) : never;
  receiptsEndpoint?: URL;
}

/** A Storacha client acting for the delegated space, holding its keys in memory only. */
export async function storachaClientFromCredentials(credentials: StorachaCredentials): Promise<StorachaClient.Client> {
  const client = await StorachaClient.create({
    principal: Signer.parse(credentials.key),
    store: new StoreMemory(),
    serviceConf: credentials.serviceConf,
    receiptsEndpoint: credentials.receiptsEndpoint,
  });
  const space = await client.addSpace(await Proof.parse(credentials.proof));
  await client.setCurrentSpace(space.did());
  return client;
}

/** A ReadableStream over an async iterable (ReadableStream.from is missing in some browsers). */
function readableFrom(source: AsyncIterable<Uint8Array>): ReadableStream<Uint8Array> {
  const iterator = source[Symbol.asyncIterator]();
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      const next = await iterator.next();
      if (next.done) controller.close();
      else controller.enqueue(next.value);
    },
    async cancel(reason) {
      await iterator.return?.(reason);
    },
  });
}
