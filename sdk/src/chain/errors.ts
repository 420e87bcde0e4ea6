import { BaseError, ContractFunctionRevertedError, UserRejectedRequestError } from "viem";
import { CaduceusError } from "../errors.ts";

/** The wallet (or RPC) is on another chain than the deployment the client was configured for. */
export class WrongNetworkError extends CaduceusError {
  constructor(
    readonly actualChainId: number,
    readonly expectedChainId: number,
  ) {
    super(
      "WRONG_NETWORK",
      `Your wallet is connected to chain ${actualChainId}, but this Caduceus deployment is on chain ${expectedChainId}. Switch the wallet's network and try again.`,
    );
  }
}

/** A contract call reverted with one of the contracts' custom errors. */
export class ContractRevertError extends CaduceusError {
  constructor(
    readonly errorName: string,
    readonly args: readonly unknown[],
    message: string,
    cause: unknown,
  ) {
    super(`REVERT_${errorName}`, message, { cause });
  }
}

/** The person declined to sign or send in their wallet. */
export class SignatureRejectedError extends CaduceusError {
  constructor(cause: unknown) {
    super("USER_REJECTED", "The request was rejected in the wallet; nothing was sent.", { cause });
  }
}

/** The chain could not be reached or answered with an unexpected failure. */
export class ChainUnavailableError extends CaduceusError {
  constructor(message: string, cause: unknown) {
    super("CHAIN_UNAVAILABLE", `The chain could not complete the request: ${message}`, { cause });
  }
}

const short = (value: unknown) => (typeof value === "string" && value.length > 14 ? `${value.slice(0, 10)}…` : String(value));

/** Sentences for the reverts a person is likely to meet; `docs/errors.md` lists all of them. */
const EXPLANATIONS: Record<string, (args: readonly unknown[]) => string> = {
  RecordRegistryUnknownHospital: ([a]) => `${short(a)} is not an admitted hospital, so it cannot register records.`,
  RecordRegistryHospitalSuspended: ([a]) => `Hospital ${short(a)} is suspended by the consortium and cannot write until reinstated.`,
  RecordRegistryDuplicateRecord: ([id]) => `Record ${short(id)} is already registered (the same ciphertext cannot be registered twice).`,
  RecordRegistryUnknownRecord: ([id]) => `No record ${short(id)} exists on this chain.`,
  RecordRegistryRecordSuperseded: ([id, next]) => `Record ${short(id)} was already amended by ${short(next)}; amend the latest version.`,
  RecordRegistryNotAuthor: ([who, id]) => `${short(who)} did not write record ${short(id)} and may not amend it.`,
  RecordRegistryNotPatient: ([who, p]) => `${short(who)} may only register its own records, not ${short(p)}'s.`,
  RecordRegistryExpiredSignature: ([d]) => `The hospital's signature expired at ${new Date(Number(d) * 1000).toISOString()}; sign again.`,
  RecordRegistryInvalidSignature: ([h]) => `The signature is not a valid signature of hospital ${short(h)} for this record, chain and nonce (replayed or wrong signer?).`,
  RecordRegistryNotAuditor: ([a]) => `${short(a)} is not a verified auditor.`,
  RecordRegistryInvalidEnvelope: ([len, max]) => `The key envelope is ${len} bytes; it must be between 1 and ${max}.`,
  KeyRegistryNoKey: ([a]) => `${short(a)} has not published an encryption key yet.`,
  ConsortiumHospitalSuspended: ([a]) => `Hospital ${short(a)} is suspended.`,
  ConsortiumUnknownHospital: ([a]) => `${short(a)} is not an admitted hospital.`,
  ConsortiumNoStaffProposal: ([h, a]) => `Hospital ${short(h)} has no pending staff proposal for ${short(a)}.`,
  ConsortiumStaffAlreadyProposed: ([h, a]) => `Hospital ${short(h)} already proposed ${short(a)}; the proposal waits for their acceptance.`,
  ConsentNotGrantee: ([who]) => `The policy is for someone else, or for a role ${short(who)} does not hold; nothing was logged.`,
  ConsentUnknownPolicy: ([p, id]) => `Patient ${short(p)} has no policy ${short(id)} in force with these terms (it was revoked or changed).`,
  AccessControlUnauthorizedAccount: ([a, role]) => `${short(a)} lacks the role ${short(role)} this action needs.`,
};

/**
 * Turns whatever viem threw into a Caduceus error a person understands: a named contract revert,
 * a wallet rejection, or an unreachable chain. Other errors pass through unchanged.
 */
export function toChainError(error: unknown): unknown {
  if (error instanceof CaduceusError || !(error instanceof BaseError)) return error;
  const rejected = error.walk((e) => e instanceof UserRejectedRequestError);
  if (rejected) return new SignatureRejectedError(error);
  const revert = error.walk((e) => e instanceof ContractFunctionRevertedError);
  if (revert instanceof ContractFunctionRevertedError && revert.data?.errorName) {
    const { errorName, args = [] } = revert.data;
    const explain = EXPLANATIONS[errorName];
    const message = explain ? explain(args) : `The contract rejected the call: ${errorName}(${args.map(String).join(", ")}).`;
    return new ContractRevertError(errorName, args, message, error);
  }
  return new ChainUnavailableError(error.shortMessage, error);
}
