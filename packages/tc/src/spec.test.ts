/**
 * Coverage of the kernel's tc spec (`tc.yaml`): every attribute of every
 * attribute set, every sub-message format and every struct the spec names
 * must be known here by name, number and type. Prints the figure and fails
 * below 100%.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { AttrSet, Codec, MessageDef, StructCodec } from '@nlkit/core';
import { tc } from './family.js';

const repoRoot = fileURLToPath(new URL('../../..', import.meta.url));
const specPath = path.resolve(repoRoot, '../shared/ynl/tc.yaml');

interface SpecAttr { name: string; type: string; value?: number; 'byte-order'?: string; 'display-hint'?: string; struct?: string; 'nested-attributes'?: string; 'sub-type'?: string; selector?: string; enum?: string }
interface SpecMember { name: string; type: string; len?: number; struct?: string }
interface SpecDef { name: string; type: string; members?: SpecMember[] }
interface SpecFormat { value: string; 'attribute-set'?: string; 'fixed-header'?: string }
interface Spec {
  definitions: SpecDef[];
  'attribute-sets': { name: string; attributes: SpecAttr[] }[];
  'sub-messages': { name: string; formats: SpecFormat[] }[];
}

/**
 * Where tc.yaml (linux 6.12) disagrees with the kernel's code and UAPI
 * headers, the schema follows the kernel. Each entry says why.
 */
const SPEC_ERRATA: Record<string, string> = {
  // act_vlan reads the protocol with nla_get_be16; tc sends htons(ETH_P_8021Q).
  'tc-act-vlan-attrs.push-vlan-protocol': 'big-endian u16, spec says host order',
  // act_tunnel_key: policy NLA_U32, read with nla_get_be32 (the VNI); tc sends 4 bytes.
  'tc-act-tunnel-key-attrs.enc-key-id': 'big-endian u32, spec says big-endian u64',
  // cls_flower reads VLAN ids with nla_get_u16 and the MPLS label with nla_get_u32; tc sends host order.
  'tc-flower-attrs.key-vlan-id': 'host-order u16, spec says big-endian',
  'tc-flower-attrs.key-cvlan-id': 'host-order u16, spec says big-endian',
  'tc-flower-attrs.key-mpls-label': 'host-order u32, spec says big-endian',
  // cls_flower nests TCA_FLOWER_KEY_MPLS_OPTS_LSE entries, each holding TCA_FLOWER_KEY_MPLS_OPT_LSE_*.
  'tc-flower-attrs.key-mpls-opts': 'nest of TCA_FLOWER_KEY_MPLS_OPTS_LSE entries, spec skips that level',
  // cls_flower: nla_get_be16 / nla_get_be32.
  'tc-flower-key-enc-opt-geneve-attrs.class': 'big-endian u16, spec says host order',
  'tc-flower-key-enc-opt-erspan-attrs.index': 'big-endian u32, spec says host order',
  // sch_cake: policy NLA_S32 (negative overheads are valid).
  'tc-cake-attrs.overhead': 's32, spec says u32',
  // sch_sfb and tc put struct tc_sfb_qopt inside TCA_SFB_PARMS.
  'tc-options-msg.sfb': 'nest with TCA_SFB_PARMS, spec says a bare struct',
};

/** Member types the spec gets wrong in `struct tc_ratespec` (<linux/pkt_sched.h>: u16 overhead, s16 cell_align, u16 mpu). */
const STRUCT_MEMBER_ERRATA: Record<string, Record<string, string>> = {
  'tc-ratespec': { overhead: 'u16', 'cell-align': 's16', mpu: 'u16' },
};

/** Spec struct names that are not the C names. */
const STRUCT_ALIASES: Record<string, string[]> = {
  'gnet-estimator': ['tc_estimator'],
  'tc-gen': ['tc_gact', 'tc_sample'],
};

const INT_SIZES: Record<string, number> = { u8: 1, s8: 1, u16: 2, s16: 2, u32: 4, s32: 4, u64: 8, s64: 8 };

function upper(name: string): string {
  return name.toUpperCase().replace(/-/g, '_');
}

/** Size of a spec struct laid out as C would (natural alignment, tail padding). */
function specLayout(spec: Spec, name: string): { size: number; align: number } {
  const def = spec.definitions.find((d) => d.name === name);
  if (!def?.members) throw new Error(`spec has no struct ${name}`);
  let off = 0;
  let maxAlign = 1;
  for (const m of def.members) {
    const type = STRUCT_MEMBER_ERRATA[name]?.[m.name] ?? m.type;
    let size: number;
    let align: number;
    if (type === 'pad') [size, align] = [m.len!, 1];
    else if (type === 'binary' && m.struct) ({ size, align } = specLayout(spec, m.struct));
    else if (type === 'binary') [size, align] = [m.len ?? 0, 1];
    else [size, align] = [INT_SIZES[type]!, INT_SIZES[type]!];
    off = Math.ceil(off / align) * align + size;
    maxAlign = Math.max(maxAlign, align);
  }
  return { size: Math.ceil(off / maxAlign) * maxAlign, align: maxAlign };
}

/** The C struct a codec carries (a struct, or a struct with a trailing array or attributes). */
function structOf(codec: Codec<any, any>): { name: string; size: number } | undefined {
  if (codec.kind === 'struct') return { name: (codec as StructCodec).name, size: codec.fixed! };
  const info = codec.info as { struct?: StructCodec; each?: Codec<any, any>; header?: StructCodec } | undefined;
  if (info?.struct) return { name: info.struct.name, size: info.struct.fixed + (info.each?.fixed ?? 0) };
  return undefined;
}

function structMatches(spec: Spec, specName: string, codec: Codec<any, any>): string | undefined {
  const ours = structOf(codec);
  if (!ours) return `expected struct ${specName}, got ${codec.kind}`;
  const names = STRUCT_ALIASES[specName] ?? [specName.replace(/-/g, '_')];
  if (!names.includes(ours.name)) return `expected struct ${names.join('|')}, got ${ours.name}`;
  const want = specLayout(spec, specName).size;
  if (ours.size !== want) return `struct ${ours.name} is ${ours.size} bytes, spec lays out ${want}`;
  return undefined;
}

/** Why our codec does not fit the spec's type, or undefined when it does. */
function typeMismatch(spec: Spec, a: SpecAttr, codec: Codec<any, any>): string | undefined {
  const base = codec.kind === 'enum' || codec.kind === 'flags' ? (codec.info as { base: Codec }).base : codec;
  const be = a['byte-order'] === 'big-endian';
  switch (a.type) {
    case 'u8': case 'u16': case 'u32': case 'u64': case 's8': case 's16': case 's32': case 's64':
      if (codec.kind === 'ipv4' && a.type === 'u32' && be) return undefined;
      if (base.kind !== a.type) return `expected ${a.type}, got ${base.kind}`;
      if (!!base.be !== be) return `expected ${be ? 'big-endian' : 'host order'}`;
      return undefined;
    case 'string': return codec.kind === 'string' ? undefined : `expected string, got ${codec.kind}`;
    case 'flag': return codec.kind === 'flag' ? undefined : `expected flag, got ${codec.kind}`;
    case 'bitfield32': return codec.kind === 'bitfield32' ? undefined : `expected bitfield32, got ${codec.kind}`;
    case 'pad': return codec.kind === 'binary' ? undefined : `expected pad bytes, got ${codec.kind}`;
    case 'binary':
      if (a.struct) return structMatches(spec, a.struct, codec);
      if (a['display-hint'] === 'mac' && codec.kind !== 'lladdr') return `expected a MAC address, got ${codec.kind}`;
      if (a['display-hint'] === 'ipv6' && codec.kind !== 'ipv6') return `expected an IPv6 address, got ${codec.kind}`;
      return undefined; // opaque in the spec: any reading of the bytes refines it
    case 'nest': {
      const set = (codec.info as { set?: AttrSet<any> } | undefined)?.set;
      if (codec.kind !== 'nest' || !set) return `expected nest, got ${codec.kind}`;
      return set.name === a['nested-attributes'] ? undefined : `expected nest of ${a['nested-attributes']}, got ${set.name}`;
    }
    case 'indexed-array': {
      const item = (codec.info as { item?: Codec<any, any> } | undefined)?.item;
      const set = (item?.info as { set?: AttrSet<any> } | undefined)?.set;
      if (codec.kind !== 'indexed-array' || !set) return `expected indexed array of nests, got ${codec.kind}`;
      return set.name === a['nested-attributes'] ? undefined : `expected entries of ${a['nested-attributes']}, got ${set.name}`;
    }
    case 'sub-message': {
      const sel = (codec.info as { selector?: string } | undefined)?.selector;
      if (codec.kind !== 'sub-message') return `expected sub-message, got ${codec.kind}`;
      return sel === a.selector ? undefined : `expected selector ${a.selector}, got ${sel}`;
    }
    default:
      return `unhandled spec type ${a.type}`;
  }
}

/** Every attribute set reachable from the family, by name (several instances may share one: tc-attrs per message type). */
function reachableSets(): Map<string, Set<AttrSet<any>>> {
  const out = new Map<string, Set<AttrSet<any>>>();
  const seen = new Set<unknown>();
  const visitSet = (set: AttrSet<any>): void => {
    if (seen.has(set)) return;
    seen.add(set);
    (out.get(set.name) ?? out.set(set.name, new Set()).get(set.name)!).add(set);
    for (const a of set.attrs) visitCodec(a.codec);
  };
  const visitCodec = (c: Codec<any, any>): void => {
    if (seen.has(c)) return;
    seen.add(c);
    const info = (c.info ?? {}) as { set?: AttrSet<any>; item?: Codec<any, any>; cases?: Record<string, Codec<any, any>> };
    if (info.set) visitSet(info.set);
    if (info.item) visitCodec(info.item);
    if (info.cases) for (const k of Object.values(info.cases)) visitCodec(k);
  };
  for (const def of Object.values(tc.messages) as MessageDef[]) if (def.attrs) visitSet(def.attrs);
  return out;
}

/** The cases of the sub-message attribute `key` across every set named `setName`. */
function casesOf(sets: Map<string, Set<AttrSet<any>>>, setName: string, key: string): Map<string, Codec<any, any>[]> {
  const out = new Map<string, Codec<any, any>[]>();
  for (const set of sets.get(setName) ?? []) {
    const cases = (set.byKey(key)?.codec.info as { cases?: Record<string, Codec<any, any>> } | undefined)?.cases ?? {};
    for (const [k, c] of Object.entries(cases)) (out.get(k) ?? out.set(k, []).get(k)!).push(c);
  }
  return out;
}

function formatMismatch(spec: Spec, f: SpecFormat, c: Codec<any, any>): string | undefined {
  const info = (c.info ?? {}) as { set?: AttrSet<any>; header?: StructCodec };
  if (f['attribute-set'] && f['fixed-header']) {
    if (!info.header || !info.set) return `expected a struct then attributes, got ${c.kind}`;
    return structMatches(spec, f['fixed-header'], info.header) ?? (info.set.name === f['attribute-set'] ? undefined : `attributes ${info.set.name}`);
  }
  if (f['attribute-set']) return c.kind === 'nest' && info.set?.name === f['attribute-set'] ? undefined : `expected nest of ${f['attribute-set']}`;
  // A struct the spec names alone may be followed by attributes the kernel also takes (mqprio).
  if (f['fixed-header']) return structMatches(spec, f['fixed-header'], info.header ?? c);
  return c.kind === 'nest' && info.set?.attrs.length === 0 ? undefined : 'expected no content';
}

describe('tc.yaml coverage', () => {
  it('knows every attribute, sub-message format and struct of the spec', () => {
    if (!existsSync(specPath)) throw new Error(`tc spec not found at ${specPath} (shared/ must sit beside the repository)`);
    const spec = parse(readFileSync(specPath, 'utf8')) as Spec;
    const sets = reachableSets();
    const problems: string[] = [];
    const errataUsed = new Set<string>();
    let total = 0;
    let known = 0;
    const check = (id: string, why: string | undefined): void => {
      total++;
      if (why === undefined) known++;
      else if (SPEC_ERRATA[id]) {
        known++;
        errataUsed.add(id);
      } else problems.push(`${id}: ${why}`);
    };

    for (const s of spec['attribute-sets']) {
      const ours = sets.get(s.name);
      let n = 0;
      for (const a of s.attributes) {
        n = a.value ?? n + 1;
        const id = `${s.name}.${a.name}`;
        if (!ours) {
          check(id, 'attribute set not declared');
          continue;
        }
        // Every instance of the set (tc-attrs exists once per message type) must agree.
        const why = [...ours].map((set) => {
          const info = set.byNumber(n);
          if (!info) return `no attribute ${n} in ${set.prefix}*`;
          if (info.name !== set.prefix + upper(a.name)) return `attribute ${n} is ${info.name}, want ${set.prefix + upper(a.name)}`;
          return typeMismatch(spec, a, info.codec);
        });
        check(id, why.find((w) => w !== undefined));
      }
    }

    const tables: Record<string, Map<string, Codec<any, any>[]>> = {
      'tc-options-msg': casesOf(sets, 'tc-attrs', 'options'),
      'tc-act-options-msg': casesOf(sets, 'tc-act-attrs', 'options'),
      'tca-stats-app-msg': casesOf(sets, 'tc-attrs', 'xstats'),
    };
    for (const sub of spec['sub-messages']) {
      const table = tables[sub.name];
      for (const f of sub.formats) {
        const id = `${sub.name}.${f.value}`;
        const cases = table?.get(f.value);
        if (!cases) check(id, 'kind not in any table');
        else check(id, cases.some((c) => formatMismatch(spec, f, c) === undefined) ? undefined : formatMismatch(spec, f, cases[0]!));
      }
    }
    // The same per-kind table decodes TCA_STATS_APP inside TCA_STATS2.
    for (const set of sets.get('tc-attrs') ?? []) {
      const xstats = set.byKey('xstats')!.codec.info as { cases: object };
      const stats2 = (set.byKey('stats2')!.codec.info as { set: AttrSet<any> }).set;
      expect((stats2.byKey('app')!.codec.info as { cases: object }).cases).toBe(xstats.cases);
    }

    const pct = ((100 * known) / total).toFixed(1);
    console.log(`tc.yaml coverage: ${known}/${total} attributes and sub-message formats known by name, number and type (${pct}%); spec errata followed: ${errataUsed.size}`);
    expect(problems).toEqual([]);
    expect([...Object.keys(SPEC_ERRATA)].filter((k) => !errataUsed.has(k))).toEqual([]);
    expect(known).toBe(total);
  });
});
