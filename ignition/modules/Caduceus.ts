import { buildModule } from "@nomicfoundation/hardhat-ignition/modules";
import KeyRegistryModule from "./KeyRegistry.js";
import ConsentManagerModule from "./ConsentManager.js";

/** Everything Caduceus deploys; later modules (emergency, research) join here. */
export default buildModule("Caduceus", (m) => {
  const { keyRegistry } = m.useModule(KeyRegistryModule);
  const { consortium, recordRegistry, consentManager } = m.useModule(ConsentManagerModule);
  return { consortium, keyRegistry, recordRegistry, consentManager };
});
