/**
 * The contracts the subgraph indexes: data-source name, deployments-file key, and where Hardhat
 * writes the compiled artifact. Shared by the ABI export, the networks writer and the consistency test.
 */
import { existsSync } from "node:fs";

export const ROOT = new URL("../../", import.meta.url);
export const SUBGRAPH = new URL("subgraph/", ROOT);

export interface IndexedContract {
  /** Data-source and ABI name in subgraph.yaml. */
  name: string;
  /** Key under `contracts` in deployments/<chainId>.json. */
  deploymentKey: string;
  /** Artifact of the deployable, relative to the repository root. */
  artifact: string;
  /**
   * Used while the deployable is not compiled yet: its interface declares the same events (the
   * implementation says `@inheritdoc`). The consistency test flags any event the deployable adds.
   */
  fallbackArtifact?: string;
}

export const INDEXED_CONTRACTS: readonly IndexedContract[] = [
  { name: "Consortium", deploymentKey: "consortium", artifact: "artifacts/contracts/Consortium.sol/Consortium.json" },
  { name: "KeyRegistry", deploymentKey: "keyRegistry", artifact: "artifacts/contracts/KeyRegistry.sol/KeyRegistry.json" },
  {
    name: "RecordRegistry",
    deploymentKey: "recordRegistry",
    artifact: "artifacts/contracts/RecordRegistry.sol/RecordRegistry.json",
  },
  {
    name: "ConsentManager",
    deploymentKey: "consentManager",
    artifact: "artifacts/contracts/ConsentManager.sol/ConsentManager.json",
  },
  {
    name: "EmergencyAccess",
    deploymentKey: "emergencyAccess",
    artifact: "artifacts/contracts/EmergencyAccess.sol/EmergencyAccess.json",
  },
  {
    name: "ResearchPool",
    deploymentKey: "researchPool",
    artifact: "artifacts/contracts/ResearchPool.sol/ResearchPool.json",
    fallbackArtifact: "artifacts/contracts/interfaces/IResearchPool.sol/IResearchPool.json",
  },
];

/** The artifact to read for `c`: the deployable's if compiled, else its interface's. */
export function artifactPath(c: IndexedContract): { path: URL; fallback: boolean } {
  const main = new URL(c.artifact, ROOT);
  if (existsSync(main) || !c.fallbackArtifact) return { path: main, fallback: false };
  return { path: new URL(c.fallbackArtifact, ROOT), fallback: true };
}
