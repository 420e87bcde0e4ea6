/**
 * The typed seam between the code and the chain. A workflow *prepares* a `ChainCall` (pure: which
 * contract, which function, which arguments, all checked against the `as const` ABIs at compile
 * time) and one path *submits* it: `CaduceusChain.submit` through a wallet or the CLI's account,
 * `toWriteRequest` for wagmi in the web app, or a relayer as a signed request.
 */
import {
  erc20Abi,
  parseAbi,
  type Abi,
  type Address,
  type ContractFunctionArgs,
  type ContractFunctionName,
  type ContractFunctionReturnType,
} from "viem";
import {
  consentManagerAbi,
  consortiumAbi,
  emergencyAccessAbi,
  keyRegistryAbi,
  recordRegistryAbi,
  researchPoolAbi,
} from "./abis.ts";
import type { Deployment } from "./deployments.ts";

/** Every contract the client calls, by the name the deployment file uses. */
export const CONTRACT_ABIS = {
  consortium: consortiumAbi,
  keyRegistry: keyRegistryAbi,
  recordRegistry: recordRegistryAbi,
  consentManager: consentManagerAbi,
  emergencyAccess: emergencyAccessAbi,
  researchPool: researchPoolAbi,
  /** A study's ERC-20 token: not ours, so a call to it names its address (`ChainCall.address`). */
  erc20: erc20Abi,
} as const;

export type ContractName = keyof typeof CONTRACT_ABIS;
export type CaduceusContractName = Exclude<ContractName, "erc20">;
export type AbiOf<C extends ContractName> = (typeof CONTRACT_ABIS)[C];

type Writes = "nonpayable" | "payable";
type Reads = "view" | "pure";
export type WriteFunction<C extends ContractName> = ContractFunctionName<AbiOf<C>, Writes>;
export type ReadFunction<C extends ContractName> = ContractFunctionName<AbiOf<C>, Reads>;
export type WriteArgs<C extends ContractName, F extends WriteFunction<C>> = ContractFunctionArgs<AbiOf<C>, Writes, F>;
export type ReadArgs<C extends ContractName, F extends ReadFunction<C>> = ContractFunctionArgs<AbiOf<C>, Reads, F>;
export type ReadResult<C extends ContractName, F extends ReadFunction<C>> = ContractFunctionReturnType<
  AbiOf<C>,
  Reads,
  F,
  ReadArgs<C, F>
>;

/** A prepared write: nothing signed, nothing sent; any submit path can carry it. */
export interface ChainCall<C extends ContractName = ContractName, F extends WriteFunction<C> = WriteFunction<C>> {
  readonly contract: C;
  readonly functionName: F;
  readonly args: WriteArgs<C, F>;
  /** Wei sent with a payable call. */
  readonly value?: bigint;
  /** Only for contracts outside the deployment (`erc20`): where the call goes. */
  readonly address?: Address;
}

/** Builds a typed `ChainCall`: a misspelt function or a wrong argument fails to compile. */
export function chainCall<C extends ContractName, const F extends WriteFunction<C>>(
  contract: C,
  functionName: F,
  args: WriteArgs<C, F>,
  options: { value?: bigint; address?: Address } = {},
): ChainCall<C, F> {
  return { contract, functionName, args, ...options };
}

type AbiError = Extract<Abi[number], { type: "error" }>;

/** Errors of the tokens and libraries the contracts call, so their reverts decode by name too. */
const EXTERNAL_ERRORS = parseAbi([
  "error SafeERC20FailedOperation(address token)",
  "error ERC20InsufficientBalance(address sender, uint256 balance, uint256 needed)",
  "error ERC20InsufficientAllowance(address spender, uint256 allowance, uint256 needed)",
]);

/** Every custom error any call can surface, once each: appended to the ABI a call is simulated with. */
export const ERRORS_ABI: readonly AbiError[] = (() => {
  const seen = new Map<string, AbiError>();
  for (const item of [...Object.values(CONTRACT_ABIS).flat(), ...EXTERNAL_ERRORS] as readonly Abi[number][]) {
    if (item.type === "error") seen.set(`${item.name}(${item.inputs.map((i) => i.type).join(",")})`, item);
  }
  return [...seen.values()];
})();

/** The address a call goes to on `deployment`. */
export function addressOf(deployment: Deployment, call: Pick<ChainCall, "contract" | "address">): Address {
  if (call.address) return call.address;
  if (call.contract === "erc20") throw new TypeError("An erc20 call must name the token's address.");
  return deployment.contracts[call.contract].address;
}

/**
 * The call as viem's `simulateContract` / wagmi's `writeContract` take it, with every error
 * appended so reverts decode by name. The ABI is widened to `Abi` here, once: the call itself was
 * type-checked when it was built.
 */
export function toWriteRequest(deployment: Deployment, call: ChainCall) {
  return {
    address: addressOf(deployment, call),
    abi: [...(CONTRACT_ABIS[call.contract] as Abi), ...ERRORS_ABI] as Abi,
    functionName: call.functionName as string,
    args: call.args as readonly unknown[],
    ...(call.value ? { value: call.value } : {}),
  };
}
