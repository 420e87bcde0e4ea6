import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { describe, it } from "node:test";
import { keccak256, toBytes } from "viem";
import { ALL_CATEGORIES, DENY_REASON, GRANT_STATUS, REQUEST_OUTCOME, Rights, SET_POLICY_TYPES } from "@caduceus/sdk/chain/access";
import { DATA_STATUS, MAX_STUDY_DURATION, RejectReason, STUDY_STATUS } from "@caduceus/sdk/chain/research";
import { AUDIT_OUTCOME, REGISTER_RECORD_TYPES } from "@caduceus/sdk/chain/records";
import { Purpose, Role } from "@caduceus/sdk/chain/roles";

/** `name => value` of every `<type> internal constant NAME = <expr>;` in a Solidity library. */
async function solidityConstants(file: string): Promise<Map<string, string>> {
  const source = await readFile(file, "utf8");
  const constants = new Map<string, string>();
  for (const [, name, expr] of source.matchAll(/internal constant (\w+) = ([^;]+);/g)) constants.set(name, expr.trim());
  return constants;
}

/** Member names of `enum <name> { … }` in a Solidity file, comments stripped. */
async function solidityEnum(file: string, name: string): Promise<string[]> {
  const source = await readFile(file, "utf8");
  const body = new RegExp(`enum ${name} \\{([^}]*)\\}`).exec(source)?.[1];
  assert.ok(body, `enum ${name} is missing in ${file}`);
  return body
    .split("\n")
    .map((line) => line.replace(/\/\/.*$/, "").trim().replace(/,$/, ""))
    .filter(Boolean);
}

describe("constants shared by the contracts and the client library", () => {
  it("the audit outcomes and the RegisterRecord EIP-712 type in sdk/src/chain/records.ts equal the Solidity ones", async () => {
    assert.deepEqual(await solidityEnum("contracts/types/Records.sol", "AuditOutcome"), [...AUDIT_OUTCOME]);
    const fields = REGISTER_RECORD_TYPES.RegisterRecord.map((f) => `${f.type} ${f.name}`).join(",");
    const registry = await readFile("contracts/RecordRegistry.sol", "utf8");
    assert.ok(registry.includes(`"RegisterRecord(${fields})"`), "REGISTER_TYPEHASH string differs");
  });

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
    const members = (name: string) => solidityEnum("contracts/types/Access.sol", name);
    assert.deepEqual(await members("GrantStatus"), [...GRANT_STATUS]);
    assert.deepEqual(await members("RequestOutcome"), [...REQUEST_OUTCOME]);
    assert.deepEqual(await members("DenyReason"), [...DENY_REASON]);
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

  it("research enums, reject reasons and the study duration in sdk/src/chain/research.ts equal the Solidity ones", async () => {
    assert.deepEqual(await solidityEnum("contracts/types/Research.sol", "StudyStatus"), [...STUDY_STATUS]);
    assert.deepEqual(await solidityEnum("contracts/types/Research.sol", "DataStatus"), [...DATA_STATUS]);
    const reasons = await solidityConstants("contracts/types/Research.sol");
    for (const [name, code] of Object.entries(RejectReason)) assert.equal(reasons.get(name), String(code), `RejectReason.${name}`);
    assert.equal(reasons.get("MAX"), "OTHER");
    const pool = await readFile("contracts/ResearchPool.sol", "utf8");
    assert.match(pool, /MAX_DURATION = 180 days;/);
    assert.equal(MAX_STUDY_DURATION, 180 * 24 * 60 * 60);
  });
});
