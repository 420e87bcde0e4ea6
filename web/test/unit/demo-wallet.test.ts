import { recoverMessageAddress, recoverTypedDataAddress, toHex, type Address } from "viem";
import { mnemonicToAccount } from "viem/accounts";
import { describe, expect, it } from "vitest";
import type { Deployment } from "@caduceus/sdk/chain/deployments";
import { DEMO, DEV_MNEMONIC, demoRoles } from "../../../scripts/stack/demo-roles.ts";
import { createDemoSigner, type Forward } from "../../src/wallet/demo-signer.ts";
import { DEMO_WALLET_ID, demoWallet, demoWalletAllowed } from "../../src/wallet/demo-wallet.ts";
import { deploymentChain, makeWagmiConfig } from "../../src/wagmi.ts";

const contract = (n: number) => ({ address: `0x${n.toString(16).padStart(40, "0")}` as Address, deployBlock: 0 });
const deployment = (chainId: number): Deployment => ({
  chainId,
  rpcUrl: "http://127.0.0.1:1",
  contracts: {
    consortium: contract(1),
    keyRegistry: contract(2),
    recordRegistry: contract(3),
    consentManager: contract(4),
    emergencyAccess: contract(5),
    researchPool: contract(6),
  },
  services: {},
});
const devAddress = (index: number) => mnemonicToAccount(DEV_MNEMONIC, { addressIndex: index }).address;
/** A node that answers only its chain id. */
const node =
  (chainId: number): Forward =>
  async (method) => {
    if (method === "eth_chainId") return toHex(chainId);
    throw new Error(`unexpected ${method}`);
  };

describe("demo wallet chain-id gating", () => {
  it("is offered on the local development chain (31337)", () => {
    expect(demoWalletAllowed({ chainId: 31337 })).toBe(true);
    const ids = makeWagmiConfig(deployment(31337)).connectors.map((c) => c.id);
    expect(ids).toContain(DEMO_WALLET_ID);
  });

  it.each([1, 11155111, 137, 31338])("does not exist when the deployment is on chain %i", (chainId) => {
    expect(demoWalletAllowed({ chainId })).toBe(false);
    const ids = makeWagmiConfig(deployment(chainId)).connectors.map((c) => c.id);
    expect(ids).not.toContain(DEMO_WALLET_ID);
    expect(ids).toContain("injected");
    expect(() => demoWallet(deployment(chainId), deploymentChain(deployment(chainId)))).toThrow(
      /local development chain only/,
    );
  });

  it("refuses to sign when the node behind a 31337 deployment is another chain", async () => {
    const chain = deploymentChain(deployment(31337));
    await expect(createDemoSigner({ chain, index: DEMO.firstPatient, forward: node(1) })).rejects.toThrow(
      /this node is chain 1\b/,
    );
    await expect(
      createDemoSigner({ chain: deploymentChain(deployment(1)), index: DEMO.firstPatient, forward: node(1) }),
    ).rejects.toThrow(/not on chain 1\b/);
  });
});

describe("demo wallet signer", () => {
  const chain = deploymentChain(deployment(31337));

  it("signs typed data and messages locally as the chosen development account, and switches accounts", async () => {
    const signer = await createDemoSigner({ chain, index: DEMO.firstPatient, forward: node(31337) });
    const patient = devAddress(DEMO.firstPatient);
    expect(await signer.request({ method: "eth_requestAccounts" })).toEqual([patient]);
    expect(await signer.request({ method: "eth_chainId" })).toBe("0x7a69");

    const typedData = {
      domain: { name: "Caduceus", version: "1", chainId: 31337 },
      types: {
        Key: [
          { name: "purpose", type: "string" },
          { name: "nonce", type: "uint256" },
        ],
      },
      primaryType: "Key" as const,
      message: { purpose: "encryption identity", nonce: "7" },
    };
    // As viem (and MetaMask) pass it: a JSON string, numbers as decimal strings.
    const signature = (await signer.request({
      method: "eth_signTypedData_v4",
      params: [patient, JSON.stringify(typedData)],
    })) as `0x${string}`;
    expect(
      await recoverTypedDataAddress({ ...typedData, message: { ...typedData.message, nonce: 7n }, signature }),
    ).toBe(patient);

    const doctor = signer.use(DEMO.doctors[0]);
    expect(doctor).toBe(devAddress(DEMO.doctors[0]));
    const signed = (await signer.request({
      method: "personal_sign",
      params: [toHex("hello"), doctor],
    })) as `0x${string}`;
    expect(await recoverMessageAddress({ message: "hello", signature: signed })).toBe(doctor);
  });

  it("refuses to sign for an account it does not hold", async () => {
    const signer = await createDemoSigner({ chain, index: DEMO.firstPatient, forward: node(31337) });
    await expect(
      signer.request({ method: "personal_sign", params: [toHex("hello"), devAddress(DEMO.governance)] }),
    ).rejects.toMatchObject({ code: 4100 });
  });
});

describe("demo roles", () => {
  it("list every seeded role once, on distinct development accounts below 20", () => {
    const roles = demoRoles();
    expect(roles.map((r) => r.label)).toEqual(
      expect.arrayContaining(["governance", "patient 1", "doctor 1 (hospital 1)", "emergency contact 2", "researcher"]),
    );
    const indices = roles.map((r) => r.index);
    expect(new Set(indices).size).toBe(indices.length);
    expect(Math.max(...indices)).toBeLessThan(20);
  });
});
