/**
 * Derives the GraphQL API that graph-node serves for subgraph/schema.graphql and writes it to
 * subgraph/generated-api.graphql. graph-cli cannot emit this schema; the rules below follow
 * graph-node's own derivation (graph/src/schema/api.rs): per entity a by-id field and a collection
 * field on Query (skip, first, orderBy, orderDirection, where, block, subgraphError), an
 * `<Entity>_orderBy` enum (fields, plus `field__child` for the scalar fields of a single-entity
 * field), an `<Entity>_filter` input (per-type operators, `field_` child filters, `and`, `or`,
 * `_change_block`), collection arguments on every list-of-entity field, and `_meta`.
 * Left out: fulltext fields (the schema has none), aggregations (none) and graph-node's
 * experimental `_sql` field.
 *
 * Run: `tsx scripts/subgraph/api-schema.ts [--check]`; `--check` fails if the file is stale.
 */
import { readFile, writeFile } from "node:fs/promises";
import {
  Kind,
  buildSchema,
  parse,
  printSchema,
  type EnumTypeDefinitionNode,
  type FieldDefinitionNode,
  type ObjectTypeDefinitionNode,
  type TypeNode,
} from "graphql";

const BUILTINS = `
"Marks the GraphQL type as an indexable entity."
directive @entity(immutable: Boolean, timeseries: Boolean) on OBJECT
"A virtual field filled from the entities whose \`field\` points at this one."
directive @derivedFrom(field: String!) on FIELD_DEFINITION
"Identifies the subgraph an object type comes from."
directive @subgraphId(id: String!) on OBJECT

"Arbitrary-size integer, as a decimal string."
scalar BigInt
"Arbitrary-precision decimal, as a string."
scalar BigDecimal
"Byte array, as a 0x-prefixed hex string."
scalar Bytes
"8-byte signed integer."
scalar Int8
"Microseconds since the Unix epoch."
scalar Timestamp

"Defines the order direction, either ascending or descending."
enum OrderDirection {
  asc
  desc
}

enum _SubgraphErrorPolicy_ {
  "Data will be returned even if the subgraph has indexing errors."
  allow
  "If the subgraph has indexing errors, data will be omitted. The default."
  deny
}

"The block at which the query should be executed."
input Block_height {
  "Value containing a block hash."
  hash: Bytes
  "Value containing a block number."
  number: Int
  "Value containing the minimum block number: the query runs on the latest block once the subgraph has reached it."
  number_gte: Int
}

input BlockChangedFilter {
  number_gte: Int!
}

"The type for the top-level _meta field."
type _Meta_ {
  "The block the data is from (hash null when the query asked for a block number)."
  block: _Block_!
  "The deployment ID."
  deployment: String!
  "If true, the subgraph encountered indexing errors at some past block."
  hasIndexingErrors: Boolean!
}

type _Block_ {
  "The hash of the block."
  hash: Bytes
  "The block number."
  number: Int!
  "Integer representation of the timestamp stored in blocks for the chain."
  timestamp: Int
  "The hash of the parent block."
  parentHash: Bytes
}
`;

const SCALAR_OPS: Record<string, string[]> = {
  BigInt: ["", "not", "gt", "lt", "gte", "lte", "in", "not_in"],
  BigDecimal: ["", "not", "gt", "lt", "gte", "lte", "in", "not_in"],
  Int: ["", "not", "gt", "lt", "gte", "lte", "in", "not_in"],
  Int8: ["", "not", "gt", "lt", "gte", "lte", "in", "not_in"],
  Timestamp: ["", "not", "gt", "lt", "gte", "lte", "in", "not_in"],
  ID: ["", "not", "gt", "lt", "gte", "lte", "in", "not_in"],
  Boolean: ["", "not", "in", "not_in"],
  Bytes: ["", "not", "gt", "lt", "gte", "lte", "in", "not_in", "contains", "not_contains"],
  String: [
    "", "not", "gt", "lt", "gte", "lte", "in", "not_in", "contains", "contains_nocase", "not_contains",
    "not_contains_nocase", "starts_with", "starts_with_nocase", "not_starts_with", "not_starts_with_nocase",
    "ends_with", "ends_with_nocase", "not_ends_with", "not_ends_with_nocase",
  ],
};
const LIST_OPS = ["", "not", "contains", "contains_nocase", "not_contains", "not_contains_nocase"];
const ENUM_OPS = ["", "not", "in", "not_in"];

/** Pluralises an entity name as graph-node's inflector does for the names this schema uses. */
export function plural(name: string): string {
  if (/[^aeiou]y$/i.test(name)) return `${name.slice(0, -1)}ies`;
  if (/(s|x|z|ch|sh)$/i.test(name)) return `${name}es`;
  return `${name}s`;
}
const lowerFirst = (s: string) => s[0].toLowerCase() + s.slice(1);

function namedType(t: TypeNode): string {
  return t.kind === Kind.NAMED_TYPE ? t.name.value : namedType(t.type);
}
function isList(t: TypeNode): boolean {
  if (t.kind === Kind.NON_NULL_TYPE) return isList(t.type);
  return t.kind === Kind.LIST_TYPE;
}
const isDerived = (f: FieldDefinitionNode) => (f.directives ?? []).some((d) => d.name.value === "derivedFrom");

const COLLECTION_ARGS = (entity: string) =>
  `skip: Int = 0, first: Int = 100, orderBy: ${entity}_orderBy, orderDirection: OrderDirection, where: ${entity}_filter`;
const BLOCK_ARG = `"The block at which the query should be executed (a hash, a number, or a minimum number); the latest block when omitted." block: Block_height`;
const ERROR_ARG = `"Set to \`allow\` to receive data even if the subgraph has skipped over errors while syncing." subgraphError: _SubgraphErrorPolicy_! = deny`;

/** The API schema SDL for an input schema SDL. */
export function deriveApiSchema(inputSdl: string): string {
  const doc = parse(inputSdl);
  const entities = new Map<string, ObjectTypeDefinitionNode>();
  const enums = new Map<string, EnumTypeDefinitionNode>();
  for (const def of doc.definitions) {
    if (def.kind === Kind.OBJECT_TYPE_DEFINITION && (def.directives ?? []).some((d) => d.name.value === "entity")) {
      entities.set(def.name.value, def);
    } else if (def.kind === Kind.ENUM_TYPE_DEFINITION) {
      enums.set(def.name.value, def);
    } else {
      throw new Error(`api-schema: unsupported definition ${def.kind} (interfaces, unions and aggregations are not handled)`);
    }
  }
  const idScalar = (entity: string) => {
    const id = entities.get(entity)!.fields!.find((f) => f.name.value === "id");
    return id && namedType(id.type) === "Int8" ? "Int" : "String";
  };

  const out: string[] = [BUILTINS];
  for (const def of doc.definitions) {
    if (def.kind === Kind.ENUM_TYPE_DEFINITION) out.push(printNode(inputSdl, def));
  }
  for (const [name, entity] of entities) {
    // The entity type itself, with collection arguments on list-of-entity fields.
    const fields = entity.fields!.map((f) => {
      const desc = f.description ? `${JSON.stringify(f.description.value)} ` : "";
      const target = namedType(f.type);
      const args = entities.has(target) && isList(f.type) ? `(${COLLECTION_ARGS(target)})` : "";
      const directive = isDerived(f) ? ` @derivedFrom(field: ${JSON.stringify(fieldArg(f))})` : "";
      return `  ${desc}${f.name.value}${args}: ${typeText(f.type)}${directive}`;
    });
    const desc = entity.description ? `${JSON.stringify(entity.description.value)}\n` : "";
    const immutable = (entity.directives ?? [])
      .find((d) => d.name.value === "entity")!
      .arguments?.find((a) => a.name.value === "immutable");
    const entityArgs = immutable ? `(immutable: ${immutable.value.kind === Kind.BOOLEAN ? immutable.value.value : false})` : "";
    out.push(`${desc}type ${name} @entity${entityArgs} {\n${fields.join("\n")}\n}`);

    // <Entity>_orderBy
    const order: string[] = [];
    for (const f of entity.fields!) {
      order.push(f.name.value);
      const target = namedType(f.type);
      if (entities.has(target) && !isList(f.type)) {
        for (const child of entities.get(target)!.fields!) {
          if (!isList(child.type) && !entities.has(namedType(child.type))) order.push(`${f.name.value}__${child.name.value}`);
        }
      }
    }
    out.push(`enum ${name}_orderBy {\n${order.map((v) => `  ${v}`).join("\n")}\n}`);

    // <Entity>_filter
    const filter: string[] = [];
    const ops = (field: string, operators: string[], valueType: string, listValue: boolean) => {
      for (const op of operators) {
        const inList = op === "in" || op === "not_in";
        const t = listValue ? `[${valueType}!]` : inList ? `[${valueType}!]` : valueType;
        filter.push(`  ${op ? `${field}_${op}` : field}: ${t}`);
      }
    };
    for (const f of entity.fields!) {
      const field = f.name.value;
      const target = namedType(f.type);
      if (entities.has(target)) {
        if (!isDerived(f)) ops(field, isList(f.type) ? LIST_OPS : SCALAR_OPS[idScalar(target)], idScalar(target), isList(f.type));
        filter.push(`  ${field}_: ${target}_filter`);
      } else if (isList(f.type)) {
        ops(field, LIST_OPS, target, true);
      } else if (enums.has(target)) {
        ops(field, ENUM_OPS, target, false);
      } else {
        const scalarOps = SCALAR_OPS[target];
        if (!scalarOps) throw new Error(`api-schema: ${name}.${field} has unknown type ${target}`);
        ops(field, scalarOps, target, false);
      }
    }
    filter.push(`  "Filter for the block changed event." _change_block: BlockChangedFilter`);
    filter.push(`  and: [${name}_filter]`, `  or: [${name}_filter]`);
    out.push(`input ${name}_filter {\n${filter.join("\n")}\n}`);
  }

  const query: string[] = [];
  for (const name of entities.keys()) {
    query.push(`  ${lowerFirst(name)}(id: ID!, ${BLOCK_ARG}, ${ERROR_ARG}): ${name}`);
    query.push(`  ${lowerFirst(plural(name))}(${COLLECTION_ARGS(name)}, ${BLOCK_ARG}, ${ERROR_ARG}): [${name}!]!`);
  }
  query.push(`  "Access to subgraph metadata." _meta(block: Block_height): _Meta_`);
  out.push(`type Query {\n${query.join("\n")}\n}`);
  out.push(`type Subscription {\n${query.join("\n")}\n}`);

  // Validate with graphql-js and print canonically.
  const header =
    "# Generated by scripts/subgraph/api-schema.ts from subgraph/schema.graphql: the GraphQL API graph-node\n" +
    "# derives from the subgraph schema. Do not edit by hand; run `npm run api-schema --workspace subgraph`.\n\n";
  return header + printSchema(buildSchema(out.join("\n\n"))) + "\n";
}

function fieldArg(f: FieldDefinitionNode): string {
  const d = f.directives!.find((x) => x.name.value === "derivedFrom")!;
  const v = d.arguments![0].value;
  if (v.kind !== Kind.STRING) throw new Error("api-schema: @derivedFrom(field:) must be a string");
  return v.value;
}

function typeText(t: TypeNode): string {
  if (t.kind === Kind.NON_NULL_TYPE) return `${typeText(t.type)}!`;
  if (t.kind === Kind.LIST_TYPE) return `[${typeText(t.type)}]`;
  return t.name.value;
}

function printNode(source: string, node: { loc?: { start: number; end: number } }): string {
  return source.slice(node.loc!.start, node.loc!.end);
}

const OUT = new URL("../../subgraph/generated-api.graphql", import.meta.url);
const INPUT = new URL("../../subgraph/schema.graphql", import.meta.url);

if (import.meta.url === `file://${process.argv[1]}`) {
  const api = deriveApiSchema(await readFile(INPUT, "utf8"));
  const previous = await readFile(OUT, "utf8").catch(() => "");
  if (process.argv.includes("--check")) {
    if (previous !== api) {
      console.error("api-schema: subgraph/generated-api.graphql is stale; run `npm run api-schema --workspace subgraph`");
      process.exit(1);
    }
  } else if (previous !== api) {
    await writeFile(OUT, api);
    console.log("api-schema: wrote subgraph/generated-api.graphql");
  }
}
