import { buildModule } from "@nomicfoundation/hardhat-ignition/modules";
import KeyRegistryModule from "./KeyRegistry.js";
import RecordRegistryModule from "./RecordRegistry.js";

/** Everything Caduceus deploys; later modules (access control, emergency, research) join here. */
export default buildModule("Caduceus", (m) => {
  const { keyRegistry } = m.useModule(KeyRegistryModule);
  const { consortium, recordRegistry } = m.useModule(RecordRegistryModule);
  return { consortium, keyRegistry, recordRegistry };
});
