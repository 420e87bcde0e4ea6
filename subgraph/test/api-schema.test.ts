// The derived API schema is up to date, and the example queries in queries/ are valid against it.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, readdirSync } from "node:fs";
import { buildSchema, parse, validate } from "graphql";
import { deriveApiSchema, plural } from "../../scripts/subgraph/api-schema.ts";

const here = new URL("../", import.meta.url);
const read = (path: string) => readFileSync(new URL(path, here), "utf8");
const api = buildSchema(read("generated-api.graphql"));

describe("generated-api.graphql", () => {
  it("matches what scripts/subgraph/api-schema.ts derives from schema.graphql", () => {
    assert.equal(read("generated-api.graphql"), deriveApiSchema(read("schema.graphql")));
  });

  it("has a by-id and a collection query per entity, with graph-node's arguments", () => {
    const query = api.getQueryType()!.getFields();
    for (const name of ["Study", "Policy", "AccessEvent", "EmergencyLimitsChange", "Record"]) {
      const single = name[0].toLowerCase() + name.slice(1);
      const many = plural(single);
      assert.ok(query[single], single);
      assert.deepEqual(
        query[many].args.map((a) => a.name),
        ["skip", "first", "orderBy", "orderDirection", "where", "block", "subgraphError"],
      );
    }
    assert.ok(query.studies && query.policies && query.emergencyLimitsChanges && query._meta);
  });

  for (const file of readdirSync(new URL("queries/", here)).filter((f) => f.endsWith(".graphql"))) {
    it(`validates queries/${file}`, () => {
      const errors = validate(api, parse(read(`queries/${file}`)));
      assert.deepEqual(errors.map((e) => e.message), []);
    });
  }

  it("rejects a query that uses a field or filter the subgraph does not have", () => {
    const errors = validate(api, parse(`{ records(where: { plaintext_contains: "x" }) { id patientName } }`));
    assert.equal(errors.length, 2, errors.map((e) => e.message).join("\n"));
  });
});
