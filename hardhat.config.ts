import { createRequire } from "node:module";
import hardhatToolboxViemPlugin from "@nomicfoundation/hardhat-toolbox-viem";
import hardhatEthers from "@nomicfoundation/hardhat-ethers";
import hardhatTypechain from "@nomicfoundation/hardhat-typechain";
import { configVariable, defineConfig } from "hardhat/config";
import type { HardhatPlugin } from "hardhat/types/plugins";

// Offline builds: solc comes from the npm `solc` package (pinned to exactly this version in
// package.json) instead of Hardhat's compiler download, which these machines cannot reach.
const SOLC_VERSION = "0.8.28";
const solcjs = createRequire(import.meta.url).resolve("solc/soljson.js");

// One EVM version everywhere: Cancun. Sepolia, Base Sepolia and Hyperledger Besu (the consortium
// chain) all run it, and nothing here needs Prague's additions, so one bytecode deploys anywhere.
const EVM_VERSION = "cancun";

// typechain writes typechain-types/index.ts and hardhat.d.ts in the order Hardhat lists the artifacts,
// which is the directory listing's order and differs between machines and builds; the files are
// committed, so a build must not reorder them. This hook runs before typechain's (plugins run in
// the order listed) on the same list and sorts it, so the generated files come out byte-identical.
const sortedTypechainInput: HardhatPlugin = {
  id: "caduceus-sorted-typechain-input",
  hookHandlers: {
    solidity: async () => ({
      default: async () => ({
        processArtifactsAfterSuccessfulBuild: async (_context, artifactPaths) => {
          (artifactPaths as string[]).sort();
        },
      }),
    }),
  },
};

export default defineConfig({
  plugins: [hardhatToolboxViemPlugin, hardhatEthers, sortedTypechainInput, hardhatTypechain],
  solidity: {
    profiles: {
      default: {
        version: SOLC_VERSION,
        path: solcjs,
        settings: { evmVersion: EVM_VERSION, optimizer: { enabled: true, runs: 1000 } },
      },
      production: {
        version: SOLC_VERSION,
        path: solcjs,
        settings: { evmVersion: EVM_VERSION, optimizer: { enabled: true, runs: 1000 } },
      },
    },
  },
  typechain: {
    outDir: "typechain-types",
  },
  networks: {
    hardhatMainnet: { type: "edr-simulated", chainType: "l1", hardfork: EVM_VERSION },
    localhost: { type: "http", chainType: "l1", url: "http://127.0.0.1:8545" },
    // `npm start`'s node (`hardhat --network stack node`). Its clock starts a week back so the demo
    // seed can lay history out over days (a study funded in steps) and then catch up with the
    // present (scripts/stack/scenarios.ts).
    stack: {
      type: "edr-simulated",
      chainType: "l1",
      hardfork: EVM_VERSION,
      initialDate: new Date(Date.now() - 7 * 24 * 3600 * 1000),
    },
    sepolia: {
      type: "http",
      chainType: "l1",
      url: configVariable("SEPOLIA_RPC_URL"),
      accounts: [configVariable("SEPOLIA_PRIVATE_KEY")],
    },
    baseSepolia: {
      type: "http",
      chainType: "op",
      url: configVariable("BASE_SEPOLIA_RPC_URL"),
      accounts: [configVariable("BASE_SEPOLIA_PRIVATE_KEY")],
    },
    // A member hospital's node on the consortium's Besu QBFT chain (docs/deploy.md, section 3).
    besu: {
      type: "http",
      chainType: "l1",
      url: configVariable("BESU_RPC_URL"),
      accounts: [configVariable("BESU_DEPLOYER_KEY")],
    },
  },
  // Sourcify and Blockscout need no key; Etherscan's v2 key (one for Sepolia and Base Sepolia) is
  // read from the keystore only when a verification actually goes to Etherscan.
  verify: {
    etherscan: { apiKey: configVariable("ETHERSCAN_API_KEY") },
  },
  test: {
    solidity: { fuzz: { runs: 256 } },
  },
});
