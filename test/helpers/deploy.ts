import type { NetworkConnection } from "hardhat/types/network";
import CaduceusModule from "../../ignition/modules/Caduceus.js";
import { Role } from "@caduceus/sdk/chain/roles";

/**
 * Deploys the whole system through the Ignition modules (the real deployment path) and sets up the
 * cast every test uses: two hospitals with staff, an auditor, a verified researcher, patients and strangers.
 */
export async function deployCaduceus(connection: NetworkConnection<"generic">) {
  const { viem, ignition } = connection;
  const [governance, hospital, otherHospital, doctor, otherDoctor, patient, otherPatient, auditor, stranger, relayer] =
    await viem.getWalletClients();
  // Wallets 10–15 are taken by individual test files and the gas script; the researcher is 16.
  const researcher = (await viem.getWalletClients())[16];
  const { consortium, keyRegistry, recordRegistry, consentManager, emergencyAccess, researchPool } =
    await ignition.deploy(CaduceusModule);

  await consortium.write.admitHospital([hospital.account.address, "St. Example General", "0x01"]);
  await consortium.write.admitHospital([otherHospital.account.address, "Example Children's", "0x02"]);
  for (const member of [doctor, otherDoctor]) {
    await consortium.write.proposeStaff([member.account.address], { account: hospital.account });
    await consortium.write.acceptStaff([hospital.account.address], { account: member.account });
  }
  await consortium.write.grantRole([Role.AUDITOR, auditor.account.address]);
  await consortium.write.grantRole([Role.RESEARCHER, researcher.account.address]);

  return {
    viem,
    publicClient: await viem.getPublicClient(),
    consortium,
    keyRegistry,
    recordRegistry,
    consentManager,
    emergencyAccess,
    researchPool,
    governance,
    hospital,
    otherHospital,
    doctor,
    otherDoctor,
    patient,
    otherPatient,
    auditor,
    researcher,
    stranger,
    relayer,
  };
}
