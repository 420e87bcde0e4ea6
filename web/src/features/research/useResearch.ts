/** Research reads: studies, a researcher's studies and contributions, a patient's contributions, a donor's gift. */
import { useQuery } from "@tanstack/react-query";
import { zeroAddress, type Address } from "viem";
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

/** Symbol and decimals of a study's token; ETH needs no read. */
export function useToken(token: Address) {
  const chain = useReadChain();
  return useQuery({
    queryKey: ["token", chain.chainId, token],
    enabled: token !== zeroAddress,
    staleTime: Infinity,
    queryFn: () => tokenInfo(chain, token),
    placeholderData: token === zeroAddress ? ETH : undefined,
  }).data ?? (token === zeroAddress ? ETH : undefined);
}

/** The ERC-20s governance allows as funding tokens, as the chain lists them (governance's view). */
export function useAllowedTokens() {
  const query = useQueryBackend();
  const { deployment } = useDeployment();
  return useQuery({
    queryKey: [RESEARCH_KEY, deployment.chainId, "allowed-tokens"],
    queryFn: () => query.fundingTokens(),
  });
}

export interface FundingToken {
  address: Address;
  symbol: string;
  decimals: number;
}

/** What a new study may raise: ETH first, then the ERC-20s governance allows, with symbol and decimals. */
export function useFundingTokens() {
  const query = useQueryBackend();
  const chain = useReadChain();
  return useQuery({
    queryKey: [RESEARCH_KEY, chain.chainId, "tokens"],
    queryFn: async (): Promise<FundingToken[]> => {
      const tokens = await query.fundingTokens();
      // An allowed address that does not answer as an ERC-20 cannot be priced, so it is not offered.
      const infos = await Promise.allSettled(tokens.map((address) => tokenInfo(chain, address)));
      return [
        { address: zeroAddress, ...ETH },
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
