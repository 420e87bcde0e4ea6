import { buildModule } from "@nomicfoundation/hardhat-ignition/modules";
import { DEFAULT_ROLE_PURPOSES, Role } from "@caduceus/sdk/chain/roles";

/** Two days: a governance transfer can be cancelled before it takes effect. */
const DEFAULT_ADMIN_TRANSFER_DELAY = 2n * 24n * 60n * 60n;

export default buildModule("Consortium", (m) => {
  // Locally the first account governs; production passes a TimelockController or Safe.
  const governance = m.getParameter("governance", m.getAccount(0));
  const adminTransferDelay = m.getParameter("adminTransferDelay", DEFAULT_ADMIN_TRANSFER_DELAY);
  const roles = DEFAULT_ROLE_PURPOSES.map(([role]) => Role[role]);
  const purposeSets = DEFAULT_ROLE_PURPOSES.map(([, purposes]) => purposes);

  const consortium = m.contract("Consortium", [governance, adminTransferDelay, roles, purposeSets]);
  return { consortium };
});
