/**
 * The typed chain seam on a real Hardhat node: a prepared call is plain data, `submit` sends it and
 * decodes any contract's revert by name, `read` returns viem's typed result. The `@ts-expect-error`
 * lines are the compile-time half: `npm run typecheck --workspace sdk` fails if they compile.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { chainCall, ERRORS_ABI, toWriteRequest } from "../../src/chain/calls.ts";
import { ContractRevertError } from "../../src/chain/errors.ts";
import { startLocalChain, type LocalChain } from "../helpers/local-chain.ts";

let lc: LocalChain;
before(async () => {
  lc = await startLocalChain();
});
after(() => lc?.stop());

describe("chainCall / submit / read", () => {
  it("a prepared call is data: contract, function and arguments, no signer", () => {
    const call = chainCall("consortium", "acceptStaff", [lc.accounts.hospital.address]);
    assert.deepEqual(call, { contract: "consortium", functionName: "acceptStaff", args: [lc.accounts.hospital.address] });
    const request = toWriteRequest(lc.deployment, call);
    assert.equal(request.address, lc.deployment.contracts.consortium.address);
    assert.ok(request.abi.some((i) => i.type === "function" && i.name === "acceptStaff"));
    // Every contract's errors ride along, so a revert from a contract the call reaches decodes too.
    assert.ok(request.abi.some((i) => i.type === "error" && i.name === "ResearchSelfFunding"));
    assert.equal(new Set(ERRORS_ABI.map((e) => e.name)).size, ERRORS_ABI.length);
  });

  it("submit sends the call and read sees its effect", async () => {
    const chain = lc.as(lc.accounts.patient);
    const before = await chain.read("recordRegistry", "nonces", [lc.accounts.patient.address]);
    assert.equal(typeof before, "bigint");
    const { receipt } = await chain.submit(chainCall("recordRegistry", "invalidateNonces", [before + 7n]));
    assert.equal(receipt.status, "success");
    assert.equal(await chain.read("recordRegistry", "nonces", [lc.accounts.patient.address]), before + 7n);
  });

  it("submit refuses by the contract's error name and arguments before anything is sent", async () => {
    const stranger = lc.as(lc.accounts.stranger);
    const nonce = await lc.publicClient.getTransactionCount({ address: lc.accounts.stranger.address });
    await assert.rejects(
      stranger.submit(chainCall("consortium", "acceptStaff", [lc.accounts.hospital.address])),
      (e: unknown) =>
        e instanceof ContractRevertError &&
        e.errorName === "ConsortiumNoStaffProposal" &&
        e.args[0] === lc.accounts.hospital.address &&
        e.args[1] === lc.accounts.stranger.address,
    );
    assert.equal(await lc.publicClient.getTransactionCount({ address: lc.accounts.stranger.address }), nonce);
  });

  it("misspelt functions and wrong arguments do not compile", () => {
    const call = () => {
      // @ts-expect-error: no such function on the Consortium
      chainCall("consortium", "acceptStaf", [lc.accounts.hospital.address]);
      // @ts-expect-error: acceptStaff takes an address, not a number
      chainCall("consortium", "acceptStaff", [1n]);
      // @ts-expect-error: nonces is a view, not a write
      chainCall("recordRegistry", "nonces", [lc.accounts.hospital.address]);
      // @ts-expect-error: a write is not a read
      return lc.as(lc.accounts.patient).read("recordRegistry", "invalidateNonces", [1n]);
    };
    assert.equal(typeof call, "function");
  });
});
