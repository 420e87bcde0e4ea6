import { buildModule } from "@nomicfoundation/hardhat-ignition/modules";
import ConsentManagerModule from "./ConsentManager.js";

/**
 * Research pool: crowdfunded studies and paid data contributions. Checks researchers and hospitals
 * against the consortium, records against the registry and HRESCH consent against ConsentManager.
 * ERC-20 funding tokens are allowed afterwards by governance (`setTokenAllowed`); ETH always works.
 */
export default buildModule("ResearchPool", (m) => {
  const { consortium, recordRegistry, emergencyAccess, consentManager } = m.useModule(ConsentManagerModule);
  const researchPool = m.contract("ResearchPool", [consortium, recordRegistry, consentManager]);
  return { consortium, recordRegistry, emergencyAccess, consentManager, researchPool };
});
