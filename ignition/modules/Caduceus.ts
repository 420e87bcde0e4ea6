import { buildModule } from "@nomicfoundation/hardhat-ignition/modules";
import KeyRegistryModule from "./KeyRegistry.js";
import ConsentManagerModule from "./ConsentManager.js";

/** Everything Caduceus deploys; later modules (research) join here. */
export default buildModule("Caduceus", (m) => {
  const { keyRegistry } = m.useModule(KeyRegistryModule);
  const { consortium, recordRegistry, emergencyAccess, consentManager } = m.useModule(ConsentManagerModule);
  return { consortium, keyRegistry, recordRegistry, consentManager, emergencyAccess };
});
