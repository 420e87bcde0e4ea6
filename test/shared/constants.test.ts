import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { describe, it } from "node:test";
import { keccak256, toBytes } from "viem";
import { ALL_CATEGORIES, DENY_REASON, GRANT_STATUS, REQUEST_OUTCOME, Rights, SET_POLICY_TYPES } from "@caduceus/sdk/chain/access";
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

  it("access enums, rights and EIP-712 types in sdk/src/chain/access.ts equal the Solidity ones", async () => {
    const access = await readFile("contracts/types/Access.sol", "utf8");
    const members = (name: string) =>
      /enum (\w+) \{([^}]*)\}/g
        .exec(access.slice(access.indexOf(`enum ${name} {`)))![2]
        .split("\n")
        .map((line) => line.replace(/\/\/.*$/, "").trim().replace(/,$/, ""))
        .filter(Boolean);
    assert.deepEqual(members("GrantStatus"), [...GRANT_STATUS]);
    assert.deepEqual(members("RequestOutcome"), [...REQUEST_OUTCOME]);
    assert.deepEqual(members("DenyReason"), [...DENY_REASON]);
    const rights = await solidityConstants("contracts/types/Access.sol");
    assert.equal(rights.get("READ"), String(Rights.READ));
    assert.equal(rights.get("SHARE"), String(Rights.SHARE));

    const records = await readFile("contracts/types/Records.sol", "utf8");
    const categories = /enum Category \{([^}]*)\}/.exec(records)![1].split(",").filter((m) => m.trim()).length;
    assert.equal(ALL_CATEGORIES, (1 << categories) - 1);

    const encode = (type: keyof typeof SET_POLICY_TYPES) => `${type}(${SET_POLICY_TYPES[type].map((f) => `${f.type} ${f.name}`).join(",")})`;
    const consent = await readFile("contracts/ConsentManager.sol", "utf8");
    assert.ok(consent.includes(`"${encode("PolicyTerms")}"`), "TERMS_TYPEHASH string differs");
    assert.ok(consent.includes(`"${encode("SetPolicy")}${encode("PolicyTerms")}"`), "SET_POLICY_TYPEHASH string differs");
  });
});
