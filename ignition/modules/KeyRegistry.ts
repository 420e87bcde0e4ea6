import { buildModule } from "@nomicfoundation/hardhat-ignition/modules";

export default buildModule("KeyRegistry", (m) => {
  const keyRegistry = m.contract("KeyRegistry");
  return { keyRegistry };
});
