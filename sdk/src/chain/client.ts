import {
  type Abi,
  keccak256,
  parseEventLogs,
  toHex,
  type Account,
  type Address,
  type Chain,
  type Hex,
  type PublicClient,
  type TransactionReceipt,
  type Transport,
  type WalletClient,
} from "viem";
import { CaduceusError } from "../errors.ts";
import {
  consentManagerAbi,
  consortiumAbi,
  emergencyAccessAbi,
  keyRegistryAbi,
  recordRegistryAbi,
  researchPoolAbi,
} from "./abis.ts";
import {
  CONTRACT_ABIS,
  ERRORS_ABI,
  toWriteRequest,
  type CaduceusContractName,
  type ChainCall,
  type ReadArgs,
  type ReadFunction,
  type ReadResult,
} from "./calls.ts";
import type { Deployment } from "./deployments.ts";
import { toChainError, WrongNetworkError } from "./errors.ts";
import { AUDIT_OUTCOME, recordIdOf, REGISTER_RECORD_TYPES, type AuditOutcomeName } from "./records.ts";

/** A registration as `RecordRegistry` takes it (see `contracts/types/Records.sol`). */
export interface NewRecordInput {
  patient: Address;
  cidDigest: Hex;
  cidCodec: number;
  contentDigest: Hex;
  category: number;
  envelope: Hex;
}

/** A record as the chain knows it: stored fields plus what only its event carries. */
export interface ChainRecord {
  recordId: Hex;
  patient: Address;
  provider: Address;
  hospitalId: number;
  registeredAt: number;
  category: number;
  cidCodec: number;
  /** The binary CIDv1 from the registration event. */
  cid: Hex;
  /** The SHA2-256 digest inside the CID; the record id commits to it. */
  cidDigest: Hex;
  /** SHA-256 of the whole ciphertext: stored for dag-pb records, the CID digest for raw ones. */
  contentDigest: Hex;
  patientAuthored: boolean;
  superseded: boolean;
  previousVersion: Hex;
  nextVersion: Hex;
  /** The record key wrapped to the patient. */
  envelope: Hex;
}

/** An integrity audit as the registry keeps it (`Audit` in Records.sol). */
export interface ChainAudit {
  auditor: Address;
  auditedAt: number;
  outcome: AuditOutcomeName;
}

/** Published encryption keys of an account (the hybrid key checked against its on-chain hash). */
export interface PublishedKeys {
  version: number;
  x25519: Hex;
  xwing?: Hex;
}

export class KeyNotPublishedError extends CaduceusError {
  constructor(readonly account: Address) {
    super(
      "KEY_NOT_PUBLISHED",
      `${account} has not published an encryption key yet, so nothing can be encrypted for them. They must open Caduceus once, or run \`caduceus keys publish\`.`,
    );
  }
}

export class KeyMismatchError extends CaduceusError {
  constructor(readonly account: Address) {
    super("KEY_MISMATCH", `The post-quantum key of ${account} read from the chain's events does not match its stored hash.`);
  }
}

const ZERO32: Hex = `0x${"00".repeat(32)}`;
export type SignerClient = WalletClient<Transport, Chain | undefined, Account>;

/**
 * Typed access to one Caduceus deployment: reads through `publicClient`, writes through
 * `walletClient` (simulate, send, wait for the receipt). Every failure becomes a CaduceusError.
 */
export class CaduceusChain {
  constructor(
    readonly deployment: Deployment,
    readonly publicClient: PublicClient,
    readonly walletClient?: SignerClient,
  ) {}

  get chainId(): number {
    return this.deployment.chainId;
  }

  get registry() {
    return { address: this.deployment.contracts.recordRegistry.address, abi: recordRegistryAbi } as const;
  }

  get keyRegistry() {
    return { address: this.deployment.contracts.keyRegistry.address, abi: keyRegistryAbi } as const;
  }

  get consortium() {
    return { address: this.deployment.contracts.consortium.address, abi: consortiumAbi } as const;
  }

  get consentManager() {
    return { address: this.deployment.contracts.consentManager.address, abi: consentManagerAbi } as const;
  }

  get emergencyAccess() {
    return { address: this.deployment.contracts.emergencyAccess.address, abi: emergencyAccessAbi } as const;
  }

  get researchPool() {
    return { address: this.deployment.contracts.researchPool.address, abi: researchPoolAbi } as const;
  }

  /** The account that signs writes. */
  get account(): Address {
    return this.signer().account.address;
  }

  /** Fails with WrongNetworkError unless the RPC and the wallet are on the deployment's chain. */
  async assertNetwork(): Promise<void> {
    const rpcChain = await this.call(() => this.publicClient.getChainId());
    if (rpcChain !== this.chainId) throw new WrongNetworkError(rpcChain, this.chainId);
    if (this.walletClient) {
      const walletChain = await this.call(() => this.walletClient!.getChainId());
      if (walletChain !== this.chainId) throw new WrongNetworkError(walletChain, this.chainId);
    }
  }

  // ------------------------------------------------------------------ keys

  async publishKeys(x25519: Uint8Array, xwing?: Uint8Array): Promise<{ version: number; hash: Hex }> {
    const { receipt, hash } = await this.write(this.keyRegistry, "publish", [toHex(x25519), xwing ? toHex(xwing) : "0x"]);
    const [event] = parseEventLogs({ abi: keyRegistryAbi, logs: receipt.logs, eventName: "KeyPublished" });
    return { version: event.args.version, hash };
  }

  /** The account's current keys; the hybrid key comes from its `KeyPublished` event. */
  async readKeys(account: Address): Promise<PublishedKeys> {
    const has = await this.call(() => this.publicClient.readContract({ ...this.keyRegistry, functionName: "hasKey", args: [account] }));
    if (!has) throw new KeyNotPublishedError(account);
    const keys = await this.call(() =>
      this.publicClient.readContract({ ...this.keyRegistry, functionName: "keysOf", args: [account] }),
    );
    if (keys.pqKeyHash === ZERO32) return { version: keys.version, x25519: keys.x25519 };
    const logs = await this.call(() =>
      this.publicClient.getContractEvents({
        ...this.keyRegistry,
        eventName: "KeyPublished",
        args: { account, version: keys.version },
        fromBlock: BigInt(this.deployment.contracts.keyRegistry.deployBlock),
      }),
    );
    const pqKey = logs[0]?.args.pqKey;
    if (!pqKey || keccak256(pqKey) !== keys.pqKeyHash) throw new KeyMismatchError(account);
    return { version: keys.version, x25519: keys.x25519, xwing: pqKey };
  }

  // ------------------------------------------------------------------ records

  /** Registers `record` as this account (an active hospital); returns its id. */
  async register(record: NewRecordInput): Promise<Hex> {
    await this.write(this.registry, "register", [record]);
    return recordIdOf(this.account, record.patient, record.cidDigest);
  }

  async registerBatch(records: NewRecordInput[]): Promise<Hex[]> {
    await this.write(this.registry, "registerBatch", [records]);
    return records.map((r) => recordIdOf(this.account, r.patient, r.cidDigest));
  }

  async registerOwn(record: NewRecordInput): Promise<Hex> {
    await this.write(this.registry, "registerOwn", [record]);
    return recordIdOf(this.account, record.patient, record.cidDigest);
  }

  async amend(previousId: Hex, record: NewRecordInput): Promise<Hex> {
    await this.write(this.registry, "amend", [previousId, record]);
    return recordIdOf(this.account, record.patient, record.cidDigest);
  }

  /** The EIP-712 signature a hospital gives a relayer for `registerWithSig`. */
  async signRegistration(record: NewRecordInput, deadline: bigint): Promise<Hex> {
    const signer = this.signer();
    const nonce = await this.call(() =>
      this.publicClient.readContract({ ...this.registry, functionName: "nonces", args: [signer.account.address] }),
    );
    return this.call(() =>
      signer.signTypedData({
        account: signer.account,
        domain: { name: "Caduceus RecordRegistry", version: "1", chainId: this.chainId, verifyingContract: this.registry.address },
        types: REGISTER_RECORD_TYPES,
        primaryType: "RegisterRecord",
        message: { hospital: signer.account.address, ...record, envelopeHash: keccak256(record.envelope), nonce, deadline },
      }),
    );
  }

  async registerWithSig(record: NewRecordInput, hospital: Address, deadline: bigint, signature: Hex): Promise<Hex> {
    await this.write(this.registry, "registerWithSig", [record, hospital, deadline, signature]);
    return recordIdOf(hospital, record.patient, record.cidDigest);
  }

  /** Voids every registration this account signed and nobody submitted yet: its nonce moves past them. */
  async invalidateSignatures(): Promise<{ nonce: bigint; hash: Hex }> {
    const signer = this.signer();
    const current = await this.call(() =>
      this.publicClient.readContract({ ...this.registry, functionName: "nonces", args: [signer.account.address] }),
    );
    // Signatures are handed out in nonce order and rarely far ahead: the largest step covers them all.
    const nonce = current + 65_535n;
    return { nonce, hash: (await this.write(this.registry, "invalidateNonces", [nonce])).hash };
  }

  async postAudit(recordId: Hex, outcome: number, detailsCid: Hex): Promise<Hex> {
    return (await this.write(this.registry, "postAudit", [recordId, outcome, detailsCid])).hash;
  }

  /**
   * The last audit of `recordId` and its worst (Mismatch over Unavailable over Intact, the latest
   * among equals): a later Intact by another auditor never hides a failure. Undefined when never audited.
   */
  async audits(recordId: Hex): Promise<{ last?: ChainAudit; worst?: ChainAudit }> {
    const read = (functionName: "lastAudit" | "worstAudit") =>
      this.call(() => this.publicClient.readContract({ ...this.registry, functionName, args: [recordId] }));
    const [last, worst] = await Promise.all([read("lastAudit"), read("worstAudit")]);
    const toAudit = (a: { auditor: Address; auditedAt: number; outcome: number }): ChainAudit | undefined =>
      a.auditedAt === 0 ? undefined : { auditor: a.auditor, auditedAt: a.auditedAt, outcome: AUDIT_OUTCOME[a.outcome] };
    return { last: toAudit(last), worst: toAudit(worst) };
  }

  async exists(recordId: Hex): Promise<boolean> {
    return this.call(() => this.publicClient.readContract({ ...this.registry, functionName: "exists", args: [recordId] }));
  }

  /** Stored fields and the registration event of `recordId`; CaduceusError RECORD_NOT_FOUND if none. */
  async getRecord(recordId: Hex): Promise<ChainRecord> {
    if (!(await this.exists(recordId))) {
      throw new CaduceusError("RECORD_NOT_FOUND", `No record ${recordId} exists on chain ${this.chainId}.`);
    }
    const [info, logs] = await Promise.all([
      this.call(() => this.publicClient.readContract({ ...this.registry, functionName: "getRecord", args: [recordId] })),
      this.call(() =>
        this.publicClient.getContractEvents({
          ...this.registry,
          eventName: "RecordRegistered",
          args: { recordId },
          fromBlock: BigInt(this.deployment.contracts.recordRegistry.deployBlock),
        }),
      ),
    ]);
    const event = logs[0]?.args;
    if (!event?.cid || !event.envelope || !event.provider || !event.patient || !event.contentDigest) {
      throw new CaduceusError("CHAIN_UNAVAILABLE", `The node returned no registration event for record ${recordId}; is it fully synced?`);
    }
    // The id commits to writer, patient and CID digest: an event that does not hash to it is not this record's.
    const cidDigest = `0x${event.cid.slice(-64)}` as Hex;
    if (recordIdOf(event.provider, event.patient, cidDigest) !== recordId.toLowerCase()) {
      throw new CaduceusError("CHAIN_INCONSISTENT", `The registration event the node returned for record ${recordId} does not match the id; use another RPC node.`);
    }
    return {
      recordId,
      patient: info.patient,
      provider: info.provider,
      hospitalId: info.hospitalId,
      registeredAt: Number(info.registeredAt),
      category: info.category,
      cidCodec: info.cidCodec,
      cid: event.cid,
      cidDigest,
      contentDigest: event.contentDigest,
      patientAuthored: info.patientAuthored,
      superseded: info.superseded,
      previousVersion: info.previousVersion,
      nextVersion: info.nextVersion,
      envelope: event.envelope,
    };
  }

  async recordCount(patient: Address): Promise<number> {
    const count = await this.call(() =>
      this.publicClient.readContract({ ...this.registry, functionName: "recordCount", args: [patient] }),
    );
    return Number(count);
  }

  /** Every record id of `patient`, read page by page (100 per call). */
  async listRecordIds(patient: Address): Promise<Hex[]> {
    const total = await this.recordCount(patient);
    const ids: Hex[] = [];
    for (let offset = 0; offset < total; offset += 100) {
      const page = await this.call(() =>
        this.publicClient.readContract({ ...this.registry, functionName: "records", args: [patient, BigInt(offset), 100n] }),
      );
      ids.push(...page);
    }
    return ids;
  }

  /** The version number of `recordId`: 1 for a first version, n for its (n-1)th amendment. */
  async versionOf(recordId: Hex): Promise<number> {
    const history = await this.call(() =>
      this.publicClient.readContract({ ...this.registry, functionName: "versionHistory", args: [recordId, 100n] }),
    );
    return history.length;
  }

  // ------------------------------------------------------------------ plumbing

  signer(): SignerClient {
    if (!this.walletClient) {
      throw new CaduceusError("NO_SIGNER", "This action sends a transaction and needs an account: connect a wallet or pass a key.");
    }
    return this.walletClient;
  }

  /** A typed view call on one of the deployment's contracts; failures become CaduceusErrors. */
  async read<C extends CaduceusContractName, const F extends ReadFunction<C>>(
    contract: C,
    functionName: F,
    ...[args]: ReadArgs<C, F> extends readonly [] ? [args?: ReadArgs<C, F>] : [args: ReadArgs<C, F>]
  ): Promise<ReadResult<C, F>> {
    const result = await this.call(() =>
      this.publicClient.readContract({
        address: this.deployment.contracts[contract].address,
        abi: [...(CONTRACT_ABIS[contract] as Abi), ...ERRORS_ABI] as Abi,
        functionName: functionName as string,
        args: (args ?? []) as readonly unknown[],
      }),
    );
    return result as ReadResult<C, F>;
  }

  /** Runs `call` as this account without sending it: the contract's verdict before any work is done. */
  async simulate(call: ChainCall): Promise<void> {
    const signer = this.signer();
    await this.call(() => this.publicClient.simulateContract({ ...toWriteRequest(this.deployment, call), account: signer.account }));
  }

  /**
   * Sends a prepared call from this account: simulate → write → wait, so the revert reason surfaces
   * before anything is signed. Every failure becomes a CaduceusError.
   */
  async submit(call: ChainCall): Promise<{ hash: Hex; receipt: TransactionReceipt }> {
    const signer = this.signer();
    await this.assertNetwork();
    return this.call(async () => {
      const { request } = await this.publicClient.simulateContract({
        ...toWriteRequest(this.deployment, call),
        account: signer.account,
      });
      const hash = await signer.writeContract(request);
      const receipt = await this.publicClient.waitForTransactionReceipt({ hash });
      if (receipt.status !== "success") {
        throw new CaduceusError("TX_REVERTED", `Transaction ${hash} (${call.functionName}) was mined but reverted.`);
      }
      return { hash, receipt };
    });
  }

  /**
   * @deprecated Untyped; use `submit(chainCall(...))`. Kept until every caller has moved.
   * simulate → write → wait: the revert reason surfaces before anything is signed. Used by the
   * workflow modules (records, access); `abi` may add the errors of contracts the call reaches.
   * `value` is the ETH (wei) sent with the call, for payable functions.
   */
  async write(
    contract: { address: Address; abi: Abi | readonly unknown[] },
    functionName: string,
    args: readonly unknown[],
    options: { value?: bigint } = {},
  ) {
    const signer = this.signer();
    await this.assertNetwork();
    return this.call(async () => {
      const { request } = await this.publicClient.simulateContract({
        ...contract,
        functionName,
        args,
        account: signer.account,
        ...(options.value ? { value: options.value } : {}),
      } as never);
      const hash = await signer.writeContract(request as never);
      const receipt = await this.publicClient.waitForTransactionReceipt({ hash });
      if (receipt.status !== "success") {
        throw new CaduceusError("TX_REVERTED", `Transaction ${hash} (${functionName}) was mined but reverted.`);
      }
      return { hash, receipt };
    });
  }

  /** Runs a chain read, turning whatever viem throws into a CaduceusError. */
  async call<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (error) {
      throw toChainError(error);
    }
  }
}

