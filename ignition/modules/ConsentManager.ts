import { buildModule } from "@nomicfoundation/hardhat-ignition/modules";
import RecordRegistryModule from "./RecordRegistry.js";

export default buildModule("ConsentManager", (m) => {
  const { consortium, recordRegistry } = m.useModule(RecordRegistryModule);
  const consentManager = m.contract("ConsentManager", [consortium, recordRegistry]);
  return { consortium, recordRegistry, consentManager };
});
