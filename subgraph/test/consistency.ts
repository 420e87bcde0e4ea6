/**
 * Checks subgraph.yaml against the compiled contract ABIs: every handled event signature must
 * exist in its contract's ABI, and every event a contract can emit must be handled or listed in
 * ignored-events.json with a reason. Pure functions over parsed inputs, so tests can feed doctored
 * manifests and ABIs.
 */

/** The part of an ABI this check reads. */
export interface AbiParam {
  type: string;
  indexed?: boolean;
  components?: AbiParam[];
}
export interface AbiItem {
  type: string;
  name?: string;
  inputs?: AbiParam[];
}

/** The part of subgraph.yaml this check reads. */
export interface Manifest {
  dataSources: {
    name: string;
    source: { abi: string };
    mapping: { file: string; abis: { name: string; file: string }[]; eventHandlers?: { event: string; handler: string }[] };
  }[];
}

/** Contract name → event signature → reason. */
export type IgnoredEvents = Record<string, Record<string, string>>;

export interface Inputs {
  manifest: Manifest;
  /** Compiled ABI per data-source ABI name. */
  abis: Record<string, AbiItem[]>;
  ignored: IgnoredEvents;
  /** Mapping file path (as in the manifest) → its source, to check handlers are exported. */
  mappingSources?: Record<string, string>;
  /** Contracts that must have a data source. */
  requiredContracts?: readonly string[];
}

/** Solidity type as graph-cli writes it in an event signature: tuples expand to `(a,b)`. */
function paramType(p: AbiParam): string {
  if (p.type.startsWith("tuple")) return `(${(p.components ?? []).map(paramType).join(",")})${p.type.slice(5)}`;
  return p.type;
}

/** The manifest form of an ABI event: `Name(indexed address,uint256,(uint48,uint48))`. */
export function eventSignature(event: AbiItem): string {
  const params = (event.inputs ?? []).map((p) => `${p.indexed ? "indexed " : ""}${paramType(p)}`);
  return `${event.name}(${params.join(",")})`;
}

/** Every problem found, as sentences naming the contract and event; empty when consistent. */
export function checkConsistency(inputs: Inputs): string[] {
  const problems: string[] = [];
  const { manifest, abis, ignored } = inputs;
  const seen = new Set<string>();

  for (const ds of manifest.dataSources) {
    const abiName = ds.source.abi;
    seen.add(abiName);
    const abi = abis[abiName];
    if (!abi) {
      problems.push(`${ds.name}: no compiled ABI named ${abiName}`);
      continue;
    }
    if (!ds.mapping.abis.some((a) => a.name === abiName)) {
      problems.push(`${ds.name}: mapping.abis does not list its source ABI ${abiName}`);
    }
    const emitted = new Set(abi.filter((i) => i.type === "event").map(eventSignature));
    const handled = new Map<string, string>();
    const source = inputs.mappingSources?.[ds.mapping.file];
    for (const { event, handler } of ds.mapping.eventHandlers ?? []) {
      const signature = event.replace(/\s*,\s*/g, ",").replace(/\(\s+/g, "(").replace(/\s+\)/g, ")");
      if (!emitted.has(signature)) {
        problems.push(`${ds.name}: subgraph.yaml handles ${signature}, which is not an event of the compiled ${abiName} ABI`);
      }
      if (handled.has(signature)) problems.push(`${ds.name}: ${signature} is handled twice`);
      handled.set(signature, handler);
      if (source !== undefined && !new RegExp(`export\\s+function\\s+${handler}\\s*\\(`).test(source)) {
        problems.push(`${ds.name}: handler ${handler} is not exported by ${ds.mapping.file}`);
      }
    }
    const skip = ignored[abiName] ?? {};
    for (const signature of emitted) {
      if (handled.has(signature)) {
        if (signature in skip) problems.push(`${ds.name}: ${signature} is both handled and listed as ignored`);
      } else if (!(signature in skip)) {
        problems.push(`${ds.name}: the contract emits ${signature}, which no handler takes and ignored-events.json does not list`);
      } else if (!skip[signature]?.trim()) {
        problems.push(`${ds.name}: ignored event ${signature} has no reason`);
      }
    }
    for (const signature of Object.keys(skip)) {
      if (!emitted.has(signature)) problems.push(`${ds.name}: ignored-events.json lists ${signature}, which the contract does not emit`);
    }
  }
  for (const name of Object.keys(ignored)) {
    if (!name.startsWith("$") && !seen.has(name)) problems.push(`ignored-events.json names ${name}, which has no data source`);
  }
  for (const name of inputs.requiredContracts ?? []) {
    if (!seen.has(name)) problems.push(`${name}: no data source indexes this contract`);
  }
  return problems;
}
