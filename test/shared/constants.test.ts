import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { describe, it } from "node:test";
import { keccak256, toBytes } from "viem";
import { Purpose, Role } from "@caduceus/sdk/chain/roles";

/** `name => value` of every `<type> internal constant NAME = <expr>;` in a Solidity library. */
async function solidityConstants(file: string): Promise<Map<string, string>> {
  const source = await readFile(file, "utf8");
  const constants = new Map<string, string>();
  for (const [, name, expr] of source.matchAll(/internal constant (\w+) = ([^;]+);/g)) constants.set(name, expr.trim());
  return constants;
}

describe("constants shared by the contracts and the client library", () => {
  it("role ids in sdk/src/chain/roles.ts equal contracts/types/Roles.sol", async () => {
    const solidity = await solidityConstants("contracts/types/Roles.sol");
    for (const [name, id] of Object.entries(Role)) {
      const expr = solidity.get(name);
      assert.ok(expr, `Roles.${name} is missing in Solidity`);
      const label = /^keccak256\("([^"]+)"\)$/.exec(expr)?.[1];
      assert.ok(label, `Roles.${name} is not keccak256("…")`);
      assert.equal(keccak256(toBytes(label)), id, `Roles.${name}`);
    }
  });

  it("purpose bits in sdk/src/chain/roles.ts equal contracts/types/Purposes.sol", async () => {
    const solidity = await solidityConstants("contracts/types/Purposes.sol");
    for (const [name, bit] of Object.entries(Purpose)) {
      assert.equal(solidity.get(name), String(bit), `Purposes.${name}`);
    }
    assert.equal(solidity.get("MAX"), "CAREMGT");
    assert.equal(Math.max(...Object.values(Purpose)), Purpose.CAREMGT);
  });
});
