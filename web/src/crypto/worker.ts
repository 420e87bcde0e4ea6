/**
 * The crypto worker: derives the encryption identity, encrypts and uploads records, fetches and
 * decrypts them — all with the client library, off the page's main thread. Chain reads go straight
 * to the deployment's RPC endpoint; nothing here signs a transaction.
 */
import { createPublicClient, http, toHex, UserRejectedRequestError, type Address, type Hex, type PublicClient } from "viem";
import { deliverKeys, openDelivered } from "@caduceus/sdk/access/delivery";
import { openEmergencyRecord, unlockEmergency } from "@caduceus/sdk/emergency/open";
import { setEmergencyContacts } from "@caduceus/sdk/emergency/contacts";
import { contributeData } from "@caduceus/sdk/research/participation";
import { approveEmergency } from "@caduceus/sdk/emergency/requests";
import { CaduceusChain, type SignerClient } from "@caduceus/sdk/chain/client";
import type { Deployment } from "@caduceus/sdk/chain/deployments";
import { deriveIdentity, encryptionKeyTypedData, type EncryptionIdentity } from "@caduceus/sdk/crypto/identity";
import { binaryRecord, detectMediaType } from "@caduceus/sdk/fhir/binary";
import { splitBundle } from "@caduceus/sdk/fhir/split";
import type { RecordDraft } from "@caduceus/sdk/fhir/types";
import type { ByteSource } from "@caduceus/sdk/crypto/record";
import { CaduceusError } from "@caduceus/sdk/errors";
import { openRecord } from "@caduceus/sdk/records/open";
import { prepareRecord, type PreparedRecord } from "@caduceus/sdk/records/upload";
import type { ContentStore } from "@caduceus/sdk/storage/content-store";
import { GatewayContentStore } from "@caduceus/sdk/storage/gateway-client";
import type { PrepareProgress, SignerReply, WorkerMessage, WorkerRequest, WorkerResults } from "./protocol.ts";

type Incoming = { id: number; request: WorkerRequest } | { signerReply: SignerReply };

interface Scope {
  postMessage(message: WorkerMessage, transfer?: Transferable[]): void;
  onmessage: ((event: MessageEvent<Incoming>) => void) | null;
}
const scope = self as unknown as Scope;

let chain: CaduceusChain | undefined;
let store: GatewayContentStore | undefined;
const identities = new Map<string, EncryptionIdentity>();

let nextSeq = 1;
const signerWaits = new Map<number, { resolve: (hash: Hex) => void; reject: (error: Error) => void }>();

/**
 * A wallet client whose only power is to ask the page: the library simulates here, the page's wallet
 * signs and sends, and the receipt is awaited here. Keys never leave the worker; signing never enters it.
 */
function pageSigner(callId: number, account: Address, chainId: number): SignerClient {
  return {
    account: { address: account, type: "json-rpc" },
    getChainId: async () => chainId,
    writeContract: (request: unknown) =>
      new Promise<Hex>((resolve, reject) => {
        const seq = nextSeq++;
        signerWaits.set(seq, { resolve, reject });
        scope.postMessage({ id: callId, sign: { seq, request } });
      }),
  } as unknown as SignerClient;
}

function settleSigner(reply: SignerReply): void {
  const wait = signerWaits.get(reply.seq);
  if (!wait) return;
  signerWaits.delete(reply.seq);
  if ("hash" in reply) wait.resolve(reply.hash);
  else if (reply.error.code === 4001) wait.reject(new UserRejectedRequestError(new Error(reply.error.message)));
  else wait.reject(new Error(reply.error.message));
}

/** The chain acting as `account` (the page's wallet signs for it), and the store. */
function signing(callId: number, account: Address): { chain: CaduceusChain; store: GatewayContentStore } {
  const { chain: reader, store } = ready();
  return { chain: new CaduceusChain(reader.deployment, reader.publicClient, pageSigner(callId, account, reader.chainId)), store };
}

function ready(): { chain: CaduceusChain; store: GatewayContentStore } {
  if (!chain || !store) throw new Error("The crypto worker was not initialised with a deployment.");
  return { chain, store };
}

function identityOf(address: Address): EncryptionIdentity {
  const identity = identities.get(address.toLowerCase());
  if (!identity) throw new Error("Your encryption key is locked: unlock it with one signature first.");
  return identity;
}

/** A File's bytes as they are read (the whole file is never in memory at once). */
async function* fileChunks(file: Blob): AsyncGenerator<Uint8Array> {
  const reader = file.stream().getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      yield value;
    }
  } finally {
    reader.releaseLock();
  }
}

async function collect(body: AsyncIterable<Uint8Array>): Promise<ArrayBuffer> {
  const parts: Uint8Array[] = [];
  let size = 0;
  for await (const part of body) {
    parts.push(part);
    size += part.length;
  }
  const out = new Uint8Array(size);
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out.buffer;
}

/** A store that reports how far encryption has got (bytes the encryptor produced) and when the upload is done. */
function reportingStore(inner: ContentStore, index: number, progress: (p: PrepareProgress) => void): ContentStore {
  return {
    get: (cid) => inner.get(cid),
    has: (cid) => inner.has(cid),
    put: async (source) => {
      let bytes = 0;
      async function* counted() {
        for await (const chunk of source as AsyncIterable<Uint8Array>) {
          bytes += chunk.length;
          progress({ stage: "encrypt", index, bytes });
          yield chunk;
        }
        progress({ stage: "upload", index });
      }
      const stored = await inner.put(counted());
      progress({ stage: "stored", index });
      return stored;
    },
  };
}

async function handle(
  request: WorkerRequest,
  progress: (p: PrepareProgress) => void,
  callId: number,
): Promise<{ result: WorkerResults[WorkerRequest["op"]]; transfer?: Transferable[] }> {
  switch (request.op) {
    case "init": {
      const deployment: Deployment = request.deployment;
      const client = createPublicClient({ transport: http(deployment.rpcUrl) }) as PublicClient;
      chain = new CaduceusChain(deployment, client);
      const gateway = deployment.services.gateway;
      if (!gateway) throw new Error("The deployments file names no content gateway (services.gateway).");
      store = new GatewayContentStore({ url: gateway });
      return { result: null };
    }
    case "keyRequest":
      return { result: encryptionKeyTypedData(ready().chain.chainId, 1) };
    case "identity": {
      const { chain } = ready();
      const identity = await deriveIdentity(
        { address: request.address, signTypedData: async () => request.signature },
        chain.chainId,
      );
      identities.set(request.address.toLowerCase(), identity);
      return { result: { x25519: toHex(identity.x25519.publicKey), xwing: toHex(identity.xwing.publicKey) } };
    }
    case "forget":
      identities.delete(request.address.toLowerCase());
      return { result: null };
    case "open": {
      const { chain, store } = ready();
      const opened = await openRecord({
        chain,
        store,
        recordId: request.recordId,
        reader: request.reader,
        keys: identityOf(request.reader),
      });
      const body = await collect(opened.body);
      return {
        result: { mediaType: opened.meta.mediaType, fileName: opened.meta.fileName, body },
        transfer: [body],
      };
    }
    case "prepare": {
      const { chain, store } = ready();
      // Drafts carry their body as a stream: a bundle's records are small, a file is read as it is encrypted.
      const drafts: Array<{ draft: RecordDraft; body: ByteSource }> = [];
      for (const file of request.files) {
        const head = new Uint8Array(await file.slice(0, 512).arrayBuffer());
        const mediaType = detectMediaType(file.name, head);
        if (mediaType === "application/json" || /\.json$/i.test(file.name)) {
          for (const draft of splitBundle(new Uint8Array(await file.arrayBuffer()))) drafts.push({ draft, body: [draft.bytes] });
        } else {
          // binaryRecord checks the media type and name; its bytes stay empty, the body streams from the file.
          drafts.push({ draft: binaryRecord(new Uint8Array(0), mediaType, file.name), body: fileChunks(file) });
        }
      }
      if (request.previousId && drafts.length !== 1) {
        throw new CaduceusError(
          "AMENDMENT_NOT_ONE_RECORD",
          `A correction replaces one record, but the file holds ${drafts.length}: choose a file with only the corrected record.`,
        );
      }
      progress({ stage: "split", total: drafts.length });
      const prepared: PreparedRecord[] = [];
      for (const [index, { draft, body }] of drafts.entries()) {
        prepared.push(
          await prepareRecord({
            chain,
            store: reportingStore(store, index, progress),
            writer: request.writer,
            patient: request.patient,
            body,
            meta: { mediaType: draft.mediaType, ...(draft.fileName ? { fileName: draft.fileName } : {}) },
            category: draft.category,
            previousId: request.previousId,
          }),
        );
      }
      return { result: prepared };
    }
    case "deliver": {
      const { chain, store } = signing(callId, request.patient);
      const hashes = await deliverKeys({
        chain,
        store,
        keys: identityOf(request.patient),
        grantee: request.grantee,
        purpose: request.purpose,
        recordIds: request.recordIds,
        onProgress: (done, total) => progress({ stage: "deliver", done, total }),
      });
      return { result: hashes };
    }
    case "openDelivered": {
      const { chain, store } = ready();
      const opened = await openDelivered({
        chain,
        store,
        reader: request.reader,
        keys: identityOf(request.reader),
        recordId: request.recordId,
        purpose: request.purpose,
      });
      const body = await collect(opened.body);
      return {
        result: { mediaType: opened.meta.mediaType, fileName: opened.meta.fileName, body, deidentified: opened.deidentified },
        transfer: [body],
      };
    }
    case "emergencyApprove": {
      const { chain, store } = signing(callId, request.contact);
      const hash = await approveEmergency({
        chain,
        store,
        keys: identityOf(request.contact),
        patient: request.patient,
        doctor: request.doctor,
      });
      return { result: hash };
    }
    case "emergencyOpen": {
      const { chain, store } = ready();
      const unlocked = await unlockEmergency({
        chain,
        store,
        keys: identityOf(request.doctor),
        patient: request.patient,
        doctor: request.doctor,
      });
      try {
        const records = [];
        for (const recordId of unlocked.envelopes.keys()) {
          const opened = await openEmergencyRecord(chain, store, unlocked, recordId);
          const body = await collect(opened.body);
          records.push({ recordId, mediaType: opened.meta.mediaType, fileName: opened.meta.fileName, body });
        }
        return { result: records, transfer: records.map((r) => r.body) };
      } finally {
        unlocked.keys.x25519.privateKey.fill(0);
        unlocked.keys.xwing.privateKey.fill(0);
      }
    }
    case "emergencyContacts": {
      const { chain, store } = signing(callId, request.patient);
      const saved = await setEmergencyContacts({
        chain,
        store,
        keys: identityOf(request.patient),
        contacts: request.contacts,
        threshold: request.threshold,
        onProgress: (step, done, total) => progress({ stage: "emergency", step, done, total }),
      });
      return { result: { version: saved.version, activatesAt: saved.activatesAt, wrapped: saved.wrapped } };
    }
    case "contribute": {
      const { chain, store } = signing(callId, request.patient);
      const { recordId, hash } = await contributeData({ chain, store, keys: identityOf(request.patient), studyId: request.studyId });
      return { result: { recordId, hash } };
    }
  }
}

scope.onmessage = (event) => {
  const data = event.data;
  if ("signerReply" in data) {
    settleSigner(data.signerReply);
    return;
  }
  const { id, request } = data;
  handle(request, (progress) => scope.postMessage({ id, progress }), id).then(
    ({ result, transfer }) => scope.postMessage({ id, ok: true, result }, transfer),
    (error: unknown) => {
      const e = error instanceof Error ? error : new Error(String(error));
      const code = (e as { code?: unknown }).code;
      scope.postMessage({
        id,
        ok: false,
        error: { name: e.name, message: e.message, ...(typeof code === "string" ? { code } : {}) },
      });
    },
  );
};
