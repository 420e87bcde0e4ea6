import { buildModule } from "@nomicfoundation/hardhat-ignition/modules";
import ConsortiumModule from "./Consortium.js";

export default buildModule("RecordRegistry", (m) => {
  const { consortium } = m.useModule(ConsortiumModule);
  const recordRegistry = m.contract("RecordRegistry", [consortium]);
  return { consortium, recordRegistry };
});
