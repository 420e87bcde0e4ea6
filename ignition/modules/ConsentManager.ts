import { buildModule } from "@nomicfoundation/hardhat-ignition/modules";
import EmergencyAccessModule from "./EmergencyAccess.js";

export default buildModule("ConsentManager", (m) => {
  const { consortium, recordRegistry, emergencyAccess } = m.useModule(EmergencyAccessModule);
  const consentManager = m.contract("ConsentManager", [consortium, recordRegistry, emergencyAccess]);
  return { consortium, recordRegistry, emergencyAccess, consentManager };
});
