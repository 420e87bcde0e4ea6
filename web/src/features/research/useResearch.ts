/** Research reads: studies, a researcher's studies and contributions, a patient's contributions, a donor's gift. */
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { zeroAddress, type Address } from "viem";
import type { CaduceusChain } from "@caduceus/sdk/chain/client";
import type { QueryBackend } from "@caduceus/sdk/query/types";
import { contributionOf, tokenInfo } from "@caduceus/sdk/research/studies";
import { useDeployment } from "../../chain/public-client.ts";
import { useQueryBackend } from "../patient/useRecords.ts";
import { useReadChain } from "../governance/useConsortium.ts";

/** Every key starts with this, so one invalidation after a research write refreshes the page. */
export const RESEARCH_KEY = "research";

export function useStudies() {
  const query = useQueryBackend();
  const { deployment } = useDeployment();
  return useQuery({
    queryKey: [RESEARCH_KEY, deployment.chainId, "studies"],
    queryFn: async () => (await query.studies({ first: 100 })).items,
  });
}

export function useResearcherOverview(researcher: Address) {
  const query = useQueryBackend();
  const { deployment } = useDeployment();
  return useQuery({
    queryKey: [RESEARCH_KEY, deployment.chainId, "researcher", researcher],
    queryFn: () => query.researcher(researcher),
  });
}

export function useMyContributions(patient: Address) {
  const query = useQueryBackend();
  const { deployment } = useDeployment();
  return useQuery({
    queryKey: [RESEARCH_KEY, deployment.chainId, "contributions", patient],
    queryFn: () => query.contributions(patient),
  });
}

/** What `donor` paid into a study and has not taken back. */
export function useDonation(studyId: bigint, donor: Address) {
  const chain = useReadChain();
  return useQuery({
    queryKey: [RESEARCH_KEY, chain.chainId, "donation", String(studyId), donor],
    queryFn: () => contributionOf(chain, studyId, donor),
  });
}

const ETH = { symbol: "ETH", decimals: 18 };

/** One cache entry per token for its symbol and decimals, shared by every hook below. */
const tokenInfoQuery = (chain: CaduceusChain, token: Address) => ({
  queryKey: ["token", chain.chainId, token],
  staleTime: Infinity,
  queryFn: () => tokenInfo(chain, token),
});

/** Symbol and decimals of a study's token; ETH needs no read. */
export function useToken(token: Address) {
  const chain = useReadChain();
  return useQuery({
    ...tokenInfoQuery(chain, token),
    enabled: token !== zeroAddress,
    placeholderData: token === zeroAddress ? ETH : undefined,
  }).data ?? (token === zeroAddress ? ETH : undefined);
}

const allowedTokensQuery = (query: QueryBackend, chainId: number) => ({
  queryKey: [RESEARCH_KEY, chainId, "allowed-tokens"],
  queryFn: () => query.fundingTokens(),
});

/** The ERC-20s governance allows as funding tokens, as the chain lists them (governance's view). */
export function useAllowedTokens() {
  const query = useQueryBackend();
  const { deployment } = useDeployment();
  return useQuery(allowedTokensQuery(query, deployment.chainId));
}

export interface FundingToken {
  address: Address;
  symbol: string;
  decimals: number;
}

/** ETH, which every study may raise. */
export const ETH_TOKEN: FundingToken = { address: zeroAddress, ...ETH };

/** What a new study may raise: ETH first, then the ERC-20s governance allows, with symbol and decimals. */
export function useFundingTokens() {
  const query = useQueryBackend();
  const chain = useReadChain();
  const queryClient = useQueryClient();
  return useQuery({
    queryKey: [RESEARCH_KEY, chain.chainId, "tokens"],
    queryFn: async (): Promise<FundingToken[]> => {
      // Through the cache shared with useAllowedTokens and useToken (a token's details are read once).
      const tokens = await queryClient.fetchQuery(allowedTokensQuery(query, chain.chainId));
      // An allowed address that does not answer as an ERC-20 cannot be priced, so it is not offered.
      const infos = await Promise.allSettled(tokens.map((address) => queryClient.fetchQuery(tokenInfoQuery(chain, address))));
      return [
        ETH_TOKEN,
        ...tokens.flatMap((address, i) => {
          const info = infos[i]!;
          return info.status === "fulfilled" ? [{ address, ...info.value }] : [];
        }),
      ];
    },
  });
}

/** A study's funding over time: the running total after each contribution, with its block's time. */
export function useFundingHistory(studyId: bigint) {
  const query = useQueryBackend();
  const { deployment } = useDeployment();
  return useQuery({
    queryKey: [RESEARCH_KEY, deployment.chainId, "history", String(studyId)],
    queryFn: async (): Promise<Array<{ at: number; raised: bigint }>> =>
      (await query.fundingHistory(studyId)).map((step) => ({ at: step.at.timestamp, raised: step.raised })),
  });
}
