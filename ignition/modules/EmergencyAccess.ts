import { buildModule } from "@nomicfoundation/hardhat-ignition/modules";
import RecordRegistryModule from "./RecordRegistry.js";

const HOUR = 60n * 60n;

/**
 * Emergency rescue. Locally contacts changes count at once (securityDelay 0); public networks
 * pass a day, so a hijacked wallet cannot swap in accomplices before the patient notices.
 */
export default buildModule("EmergencyAccess", (m) => {
  const { consortium, recordRegistry } = m.useModule(RecordRegistryModule);
  const securityDelay = m.getParameter("securityDelay", 0n);
  const limits = {
    maxGrantDuration: m.getParameter("maxGrantDuration", 24n * HOUR),
    approvalWindow: m.getParameter("approvalWindow", 2n * HOUR),
    cooldown: m.getParameter("cooldown", 10n * 60n),
  };
  const emergencyAccess = m.contract("EmergencyAccess", [consortium, recordRegistry, securityDelay, limits]);
  return { consortium, recordRegistry, emergencyAccess };
});
