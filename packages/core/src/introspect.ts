import type { AttrSet } from './attrs.js';
import type { Codec } from './codec.js';
import type { Family, MessageDef } from './family.js';
import type { StructCodec } from './struct.js';

/** One row of a name↔number table. */
export interface AttrRow {
  /** Kernel name (`IFLA_MTU`). */
  name: string;
  /** Friendly name (`mtu`). */
  key: string;
  /** The attribute number. */
  nla: number;
  /** The codec's kind (`u32`, `string`, `nest`, …). */
  type: string;
  /** Whether the attribute repeats. */
  multi: boolean;
  /** For nests: the name of the nested set. */
  nested?: string;
}

/** The name↔number table of an attribute set, in number order. */
export function attrTable(set: AttrSet<any>): AttrRow[] {
  return [...set.attrs]
    .sort((a, b) => a.nla - b.nla)
    .map((a) => {
      const row: AttrRow = { name: a.name, key: a.key, nla: a.nla, type: typeName(a.codec), multi: a.multi };
      const inner = nestedSet(a.codec);
      if (inner) row.nested = inner.name;
      return row;
    });
}

/** The attribute set a codec carries (a nest, or an indexed array of nests), if any. */
export function nestedSet(codec: Codec<any, any>): AttrSet<any> | undefined {
  const info = codec.info as { set?: AttrSet<any>; item?: Codec<any, any> } | undefined;
  if (info?.set) return info.set;
  if (info?.item) return nestedSet(info.item);
  return undefined;
}

function typeName(codec: Codec<any, any>): string {
  if (codec.kind === 'struct') return `struct ${(codec as StructCodec).name}`;
  if (codec.kind === 'enum' || codec.kind === 'flags') return `${codec.kind}(${(codec.info as { base: Codec }).base.kind})`;
  return codec.be ? `${codec.kind}be` : codec.kind;
}

/**
 * Every attribute set reachable from a family's messages, by name, found by
 * walking nests, indexed arrays and the cases (and fallbacks) of
 * kind-dependent payloads.
 */
export function attrSets(fam: Family<any>): Map<string, AttrSet<any>> {
  const out = new Map<string, AttrSet<any>>();
  const seen = new Set<AttrSet<any>>();
  const visit = (set: AttrSet<any>): void => {
    if (seen.has(set)) return;
    seen.add(set);
    // Distinct sets may share a spec name (a family builds one per message group): number the later ones.
    let name = set.name;
    for (let i = 2; out.has(name); i++) name = `${set.name}#${i}`;
    out.set(name, set);
    for (const a of set.attrs) visitCodec(a.codec);
  };
  const visitCodec = (c: Codec<any, any>): void => {
    const inner = nestedSet(c);
    if (inner) visit(inner);
    const info = c.info as { cases?: Record<string, Codec<any, any>>; fallback?: Codec<any, any>; item?: Codec<any, any> } | undefined;
    if (info?.cases) for (const k of Object.values(info.cases)) visitCodec(k);
    if (info?.fallback) visitCodec(info.fallback);
  };
  for (const def of Object.values(fam.messages) as MessageDef[]) if (def.attrs) visit(def.attrs);
  return out;
}

/** A message table row. */
export interface MessageRow {
  /** The message name (`RTM_NEWLINK`). */
  name: string;
  /** Its `nlmsg_type` number. */
  type: number;
  /** The C name of its fixed header struct (`ifinfomsg`), if it has one. */
  header?: string;
  /** The name of its attribute set, if it has one. */
  attrs?: string;
}

/** The message types of a family, in number order. */
export function messageTable(fam: Family<any>): MessageRow[] {
  return (Object.entries(fam.messages) as [string, MessageDef][])
    .map(([name, d]) => {
      const row: MessageRow = { name, type: d.type };
      if (d.header) row.header = d.header.name;
      if (d.attrs) row.attrs = d.attrs.name;
      return row;
    })
    .sort((a, b) => a.type - b.type);
}
