import { createPublicClient, http } from "viem";
import { hardhat } from "viem/chains";
import { describe, expect, it } from "vitest";
import type { Deployment } from "@caduceus/sdk/chain/deployments";
import { GraphQLQueryBackend } from "@caduceus/sdk/query/graphql";
import { RpcQueryBackend } from "@caduceus/sdk/query/rpc";
import { queryBackendFor } from "../../src/chain/query-backend.ts";

const contract = (n: number) => ({ address: `0x${String(n).padStart(40, "0")}` as const, deployBlock: 1 });
const deployment = (services: Record<string, string>): Deployment => ({
  chainId: 31337,
  rpcUrl: "http://127.0.0.1:8545",
  contracts: {
    consortium: contract(1),
    keyRegistry: contract(2),
    recordRegistry: contract(3),
    consentManager: contract(4),
    emergencyAccess: contract(5),
    researchPool: contract(6),
  },
  services,
});
const publicClient = createPublicClient({ chain: hardhat, transport: http("http://127.0.0.1:8545") });

describe("queryBackendFor", () => {
  it("reads the node's logs when the deployment names no subgraph", () => {
    expect(queryBackendFor(deployment({ gateway: "http://127.0.0.1:8180" }), publicClient)).toBeInstanceOf(RpcQueryBackend);
  });

  it("reads the subgraph the deployment names", () => {
    const url = "https://api.studio.thegraph.com/query/1/caduceus/version/latest";
    const backend = queryBackendFor(deployment({ subgraph: url }), publicClient);
    expect(backend).toBeInstanceOf(GraphQLQueryBackend);
    expect((backend as GraphQLQueryBackend).url).toBe(url);
  });
});
