/**
 * A ContentStore over HTTP (browser-safe, `fetch` only): reads from any IPFS trustless gateway by
 * fetching raw blocks and verifying each against its CID; uploads to the Caduceus local gateway
 * (`POST /api/v0/upload`) as CAR shards of bounded size, so memory stays bounded and browsers,
 * which cannot stream a request body over HTTP/1.1, can upload files of any size.
 */
import { writeCar, CAR_CONTENT_TYPE, RAW_CONTENT_TYPE } from "./car.ts";
import { encodeFile, parseCid, type Block, type ByteSource, type CID, type EncodedFile } from "./cid.ts";
import type { ContentStore } from "./content-store.ts";
import { StorageRejectedError, StorageUnavailableError } from "./errors.ts";
import type { Sha256Engine } from "./hasher.ts";
import { readFile } from "./verified-read.ts";

export interface GatewayContentStoreOptions {
  /** Base URL, e.g. `http://127.0.0.1:8180` (no trailing `/ipfs`). */
  url: string;
  hasher?: Sha256Engine;
  /** Upload shard size; each shard is held in memory while it is sent. Default 32 MiB. */
  shardBytes?: number;
  /** Blocks fetched ahead while reading. Default 8. */
  prefetch?: number;
  fetch?: typeof fetch;
}

/** The local gateway's answer to an upload. */
export interface UploadResponse {
  cid: string | null;
  roots: string[];
  blocks: number;
}

export class GatewayContentStore implements ContentStore {
  readonly url: string;
  readonly #fetch: typeof fetch;

  constructor(readonly options: GatewayContentStoreOptions) {
    this.url = options.url.replace(/\/+$/, "");
    this.#fetch = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
  }

  async put(source: ByteSource): Promise<EncodedFile> {
    const shardBytes = this.options.shardBytes ?? 32 * 1024 * 1024;
    const encoding = encodeFile(source, { hasher: this.options.hasher });
    let shard: Block[] = [];
    let shardSize = 0;
    for await (const block of encoding.blocks) {
      if (shardSize + block.bytes.length > shardBytes && shard.length > 0) {
        await this.#upload([], shard);
        shard = [];
        shardSize = 0;
      }
      shard.push(block);
      shardSize += block.bytes.length;
    }
    const encoded = await encoding.done;
    // The root is the last block, so the last shard is never empty; naming the root there makes
    // the gateway check that the whole DAG is stored.
    const answer = await this.#upload([encoded.cid], shard);
    if (answer.cid !== encoded.cid.toString()) {
      throw new StorageRejectedError(`The gateway at ${this.url} stored ${answer.cid} but the content's CID is ${encoded.cid}; the upload is not trusted.`);
    }
    return encoded;
  }

  get(cid: CID | string): AsyncIterable<Uint8Array> {
    const root = parseCid(cid);
    return readFile(root, (c) => this.getBlock(c), {
      hasher: this.options.hasher,
      prefetch: this.options.prefetch,
      sourceName: `the gateway at ${this.url}`,
    });
  }

  async has(cid: CID | string): Promise<boolean> {
    const response = await this.#request(`/ipfs/${parseCid(cid)}?format=raw`, { method: "HEAD", headers: { Accept: RAW_CONTENT_TYPE } });
    if (response.status === 404) return false;
    if (response.ok) return true;
    throw await this.#failure(response);
  }

  /** One block as served (unverified), or undefined if the gateway does not have it. */
  async getBlock(cid: CID): Promise<Uint8Array | undefined> {
    const response = await this.#request(`/ipfs/${cid}?format=raw`, { headers: { Accept: RAW_CONTENT_TYPE } });
    if (response.status === 404) return undefined;
    if (!response.ok) throw await this.#failure(response);
    try {
      return new Uint8Array(await response.arrayBuffer());
    } catch (cause) {
      throw new StorageUnavailableError(this.url, { cause });
    }
  }

  async #upload(roots: CID[], blocks: Block[]): Promise<UploadResponse> {
    const parts: Uint8Array<ArrayBuffer>[] = [];
    for await (const chunk of writeCar(roots, blocks)) parts.push(chunk as Uint8Array<ArrayBuffer>);
    const response = await this.#request("/api/v0/upload", {
      method: "POST",
      headers: { "Content-Type": CAR_CONTENT_TYPE },
      body: new Blob(parts, { type: CAR_CONTENT_TYPE }),
    });
    if (!response.ok) throw await this.#failure(response);
    return (await response.json()) as UploadResponse;
  }

  async #request(path: string, init: RequestInit): Promise<Response> {
    try {
      return await this.#fetch(`${this.url}${path}`, init);
    } catch (cause) {
      throw new StorageUnavailableError(this.url, { cause });
    }
  }

  /** A client error (4xx) is a refusal worth showing; anything else means "try again later". */
  async #failure(response: Response): Promise<Error> {
    const text = (await response.text().catch(() => "")).trim();
    if (response.status >= 400 && response.status < 500) {
      return new StorageRejectedError(`The gateway at ${this.url} refused the request (${response.status}): ${text || response.statusText}`);
    }
    return new StorageUnavailableError(this.url, { cause: new Error(`HTTP ${response.status} ${text || response.statusText}`) });
  }
}
