/** Hospitals, their staff and role holders, from the Consortium's events. */
import { decodeEventLog, type Address } from "viem";
import { consortiumAbi } from "../../chain/abis.ts";
import { Role, type RoleName } from "../../chain/roles.ts";
import { addressTopic } from "../logs.ts";
import { byAddress, type HospitalStaff } from "../types.ts";
import { topicOf, type LogSource } from "./source.ts";

const ROLE_GRANTED = topicOf(consortiumAbi, "RoleGranted");
const ROLE_REVOKED = topicOf(consortiumAbi, "RoleRevoked");

export async function roleHolders(source: LogSource, role: RoleName): Promise<Address[]> {
  const logs = await source.all("consortium", [[ROLE_GRANTED, ROLE_REVOKED], Role[role]]);
  const holders = new Set<Address>();
  for (const log of logs) {
    const event = decodeEventLog({ abi: consortiumAbi, data: log.data, topics: log.topics });
    if (event.eventName === "RoleGranted") holders.add(event.args.account);
    else if (event.eventName === "RoleRevoked") holders.delete(event.args.account);
  }
  return byAddress([...holders]);
}

export async function hospitalStaff(source: LogSource, hospital: Address): Promise<HospitalStaff | undefined> {
  const logs = await source.all("consortium", [null, addressTopic(hospital)]);
  return source.stamped((stamps) => {
    let result: HospitalStaff | undefined;
    const staff = new Map<Address, { account: Address; addedAt: number }>();
    const proposals = new Map<Address, { account: Address; proposedAt: number }>();
    for (const log of logs) {
      const event = decodeEventLog({ abi: consortiumAbi, data: log.data, topics: log.topics });
      switch (event.eventName) {
        case "HospitalAdmitted":
          result = {
            hospital: event.args.hospital,
            hospitalId: event.args.hospitalId,
            name: event.args.name,
            suspended: false,
            admittedAt: -1,
            staff: [],
            proposals: [],
          };
          stamps.set(log, result, "admittedAt");
          break;
        case "HospitalSuspended":
        case "HospitalReinstated":
          if (result) result.suspended = event.eventName === "HospitalSuspended";
          break;
        case "StaffProposed": // proposed again after a withdrawal: last in the order
          stamps.set(log, putLast(proposals, { account: event.args.staff, proposedAt: -1 }), "proposedAt");
          break;
        case "StaffProposalWithdrawn":
          proposals.delete(event.args.staff);
          break;
        case "StaffAdded": // accepted; re-added: last in the order
          proposals.delete(event.args.staff);
          stamps.set(log, putLast(staff, { account: event.args.staff, addedAt: -1 }), "addedAt");
          break;
        case "StaffRemoved":
          staff.delete(event.args.staff);
          break;
      }
    }
    if (!result) return undefined;
    result.staff = [...staff.values()];
    result.proposals = [...proposals.values()];
    return result;
  });
}

/** Puts `item` last in `map`'s insertion order (under its account) and returns it. */
function putLast<T extends { account: Address }>(map: Map<Address, T>, item: T): T {
  map.delete(item.account);
  map.set(item.account, item);
  return item;
}
