import { by, id, type ContractRows } from "./fixture.js";

export const keyRegistryRows: ContractRows = {
  contract: "keyRegistry",
  name: "KeyRegistry",
  rows: [
    {
      fn: "publish(bytes32,bytes)",
      allowed: "everyone",
      why: "an account publishes its own public keys; nobody else's can be changed",
      call: (c, a) => c.keyRegistry.write.publish([id(`key:${a}`), "0x"], by(c, a)),
    },
  ],
};
