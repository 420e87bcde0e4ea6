import { buildModule } from "@nomicfoundation/hardhat-ignition/modules";
import KeyRegistryModule from "./KeyRegistry.js";
import ResearchPoolModule from "./ResearchPool.js";

/** Everything Caduceus deploys. */
export default buildModule("Caduceus", (m) => {
  const { keyRegistry } = m.useModule(KeyRegistryModule);
  const { consortium, recordRegistry, emergencyAccess, consentManager, researchPool } = m.useModule(ResearchPoolModule);
  return { consortium, keyRegistry, recordRegistry, consentManager, emergencyAccess, researchPool };
});
