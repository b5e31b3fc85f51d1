/**
 * Checks the link and stats schemas against the kernel's own description of
 * rtnetlink links, `rt_link.yaml` (the YNL spec, in `shared/ynl/` beside the
 * repository), and against the UAPI headers installed on the machine: every
 * attribute set, attribute number, kernel name and type, every sub-message
 * format, every struct layout and named enum value.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { attrSets, family, nestedSet, type AttrSet, type Codec, type Family, type StructCodec } from '@nlkit/core';
import { ifStatsMsg, statsAttrs, statsGetsetAttrs } from '../stats/index.js';
import { ifinfomsg, linkAttrs } from './index.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');
const specPath = path.resolve(repoRoot, '../shared/ynl/rt_link.yaml');

interface SpecAttr {
  name: string;
  type: string;
  value?: number;
  'multi-attr'?: boolean;
  struct?: string;
  'display-hint'?: string;
  'byte-order'?: string;
  enum?: string;
  'enum-as-flags'?: boolean;
  'nested-attributes'?: string;
  'sub-type'?: string;
  'sub-message'?: string;
}
interface SpecSet { name: string; 'name-prefix'?: string; 'subset-of'?: string; attributes: SpecAttr[] }
interface SpecDef { name: string; type: string; entries?: (string | { name: string; value?: number })[]; members?: SpecAttr[] & { len?: number }[] }
interface Spec {
  definitions: SpecDef[];
  'attribute-sets': SpecSet[];
  'sub-messages': { name: string; formats: { value: string; 'attribute-set': string }[] }[];
}

/** Kernel-name prefixes of the spec's sets that have no (usable) `name-prefix`. */
const PREFIX: Record<string, string> = {
  'af-spec-attrs': 'AF_',
  'vfinfo-list-attrs': 'IFLA_VF_',
  'vfinfo-attrs': 'IFLA_VF_',
  'vf-stats-attrs': 'IFLA_VF_STATS_',
  'vf-vlan-attrs': 'IFLA_VF_VLAN_',
  'linkinfo-attrs': 'IFLA_INFO_',
  'xdp-attrs': 'IFLA_XDP_',
  'ifla-attrs': 'IFLA_INET_',
  'ifla6-attrs': 'IFLA_INET6_',
  'link-offload-xstats': 'IFLA_OFFLOAD_XSTATS_',
  'hw-s-info-one': 'IFLA_OFFLOAD_XSTATS_HW_S_INFO_',
  'link-dpll-pin-attrs': 'DPLL_A_PIN_',
  // The spec's name-prefix, "ifla-vlan-qos", lacks its trailing dash.
  'ifla-vlan-qos': 'IFLA_VLAN_QOS_',
};

/** Spec attribute names whose UAPI spelling is not prefix + the name. */
const KERNEL_NAME: Record<string, string> = {
  'ifla6-attrs.icmp6-stats': 'IFLA_INET6_ICMP6STATS',
  'linkinfo-vlan-attrs.flag': 'IFLA_VLAN_FLAGS',
  'linkinfo-bridge-attrs.nf-call-ip6-tables': 'IFLA_BR_NF_CALL_IP6TABLES',
};

/**
 * Where these schemas deliberately differ from the spec's type, because the
 * kernel's code (6.12) puts something else on the wire or a richer type
 * than the spec's applies. `ours` is the type we use, as `typeOf` prints it.
 */
const DEVIATIONS: Record<string, { ours: string; reason: string }> = {
  'link-attrs.wireless': { ours: 'binary', reason: 'iw_event records, not text (spec: string)' },
  'link-attrs.protinfo': { ours: 'sub-message', reason: 'a nest chosen by ifi_family: IFLA_BRPORT_* for AF_BRIDGE, IFLA_INET6_* for AF_INET6 (spec: string)' },
  'link-attrs.af-spec': { ours: 'sub-message', reason: 'AF_BRIDGE messages carry IFLA_BRIDGE_* directly; others the af-spec-attrs nest' },
  'link-attrs.proto-down-reason': { ours: 'nest proto-down-reason-attrs', reason: 'the kernel nests IFLA_PROTO_DOWN_REASON_MASK/VALUE (spec: string)' },
  'linkinfo-bridge-attrs.vlan-protocol': { ours: 'enum u16be', reason: 'nla_put_be16 (br_netlink.c)' },
  'linkinfo-bridge-attrs.mcast-querier-state': { ours: 'nest bridge-querier-attrs', reason: 'BRIDGE_QUERIER_* nest (br_multicast_dump_querier_state)' },
  'linkinfo-gre-attrs.iflags': { ours: 'flags u16be', reason: 'GRE header flags, nla_put_be16 (ip_gre.c)' },
  'linkinfo-gre-attrs.oflags': { ours: 'flags u16be', reason: 'GRE header flags, nla_put_be16 (ip_gre.c)' },
  'linkinfo-gre-attrs.ikey': { ours: 'u32be', reason: 'nla_put_be32 (ip_gre.c)' },
  'linkinfo-gre-attrs.okey': { ours: 'u32be', reason: 'nla_put_be32 (ip_gre.c)' },
  'linkinfo-gre-attrs.encap-sport': { ours: 'u16be', reason: 'nla_put_be16 (ip_gre.c)' },
  'linkinfo-gre-attrs.encap-dport': { ours: 'u16be', reason: 'nla_put_be16 (ip_gre.c)' },
  'linkinfo-iptun-attrs.encap-sport': { ours: 'u16be', reason: 'nla_put_be16 (ipip.c, sit.c)' },
  'linkinfo-iptun-attrs.encap-dport': { ours: 'u16be', reason: 'nla_put_be16 (ipip.c, sit.c)' },
  'linkinfo-geneve-attrs.port': { ours: 'u16be', reason: 'nla_put_be16 (geneve.c)' },
  'linkinfo-geneve-attrs.label': { ours: 'u32be', reason: 'nla_put_be32 (geneve.c)' },
  'ifla6-attrs.token': { ours: 'ipv6', reason: 'an in6_addr' },
  'stats-attrs.link-xstats': { ours: 'nest link-xstats-attrs', reason: 'LINK_XSTATS_TYPE_* nests (rtnl_fill_statsinfo)' },
  'stats-attrs.link-xstats-slave': { ours: 'nest link-xstats-attrs', reason: 'LINK_XSTATS_TYPE_* nests (rtnl_fill_statsinfo)' },
  'stats-attrs.af-spec': { ours: 'nest stats-af-spec-attrs', reason: 'one nest per address family (AF_MPLS: MPLS_STATS_*)' },
  'link-offload-xstats.cpu-hit': { ours: 'struct rtnl_link_stats64', reason: 'documented as struct rtnl_link_stats64 in if_link.h' },
  'link-offload-xstats.l3-stats': { ours: 'struct rtnl_hw_stats64', reason: 'documented as struct rtnl_hw_stats64 in if_link.h' },
  'link-offload-xstats.hw-s-info': { ours: 'nest hw-s-info-attrs', reason: 'entries are numbered by stats type (IFLA_OFFLOAD_XSTATS_L3_STATS = 3), not from 1' },
  'linkinfo-netkit-attrs.peer-info': { ours: 'custom', reason: 'a struct ifinfomsg followed by IFLA_* attributes (the peer device)' },
};

/** Struct members that differ from the spec's, with the kernel fact behind each. */
const STRUCT_DEVIATIONS: Record<string, { extra?: string[]; renamed?: Record<string, string>; retyped?: Record<string, string>; reason: string }> = {
  'ifla-inet6-stats': { extra: ['num', 'outpkts'], renamed: { outrequests: 'outpkts' }, reason: 'slot 0 is the count (IPSTATS_MIB_NUM); 6.3 renamed OUTPKTS to OUTREQUESTS and added OUTPKTS last' },
  'ifla-icmp6-stats': { extra: ['num'], reason: 'slot 0 is the count (ICMP6_MIB_NUM)' },
  'ipv6-devconf': { extra: ['acceptRaMinLft'], retyped: { addrGenMode: 's32' }, reason: 'every DEVCONF_* is written as an s32; 6.12 adds ACCEPT_RA_MIN_LFT' },
  'ifla-vf-vlan-info': { retyped: { vlanProto: 'enum u16be' }, reason: 'vlan_proto is __be16 (followed by 2 bytes of padding)' },
  'ifla-bridge-id': { retyped: { prio: 'u16be' }, reason: 'prio is __u8[2] holding the big-endian priority' },
};

/** Every attribute set reachable from a family, through nests, arrays and every case and fallback of variants. */
function collectSets(fam: Family<any>): Map<string, AttrSet<any>> {
  const out = attrSets(fam);
  const seen = new Set<Codec<any, any>>();
  const visit = (c: Codec<any, any>): void => {
    if (seen.has(c)) return;
    seen.add(c);
    const info = (c.info ?? {}) as { set?: AttrSet<any>; item?: Codec; cases?: Record<string, Codec>; fallback?: Codec };
    const set = nestedSet(c);
    if (set && !out.has(set.name)) out.set(set.name, set);
    if (set) for (const a of set.attrs) visit(a.codec);
    if (info.item) visit(info.item);
    for (const k of Object.values(info.cases ?? {})) visit(k);
    if (info.fallback) visit(info.fallback);
  };
  for (const set of [...out.values()]) for (const a of set.attrs) visit(a.codec);
  return out;
}

const camel = (s: string): string => s.replace(/-([a-z0-9])/g, (_m, c: string) => c.toUpperCase());
const snakeUp = (s: string): string => s.replace(/-/g, '_').toUpperCase();
const WIDTH: Record<string, number> = { u8: 1, s8: 1, u16: 2, s16: 2, u32: 4, s32: 4, u64: 8, s64: 8 };

/** The type of a codec in the form the deviation lists use. */
function typeOf(c: Codec<any, any>): string {
  const info = (c.info ?? {}) as { base?: Codec; set?: AttrSet; name?: string };
  switch (c.kind) {
    case 'enum':
    case 'flags':
      return `${c.kind} ${typeOf(info.base!)}`;
    case 'nest':
      return `nest ${info.set!.name}`;
    case 'struct':
      return `struct ${(c as StructCodec).name}`;
    default:
      return c.be ? `${c.kind}be` : c.kind;
  }
}

function base(c: Codec<any, any>): Codec<any, any> {
  return c.kind === 'enum' || c.kind === 'flags' ? (c.info as { base: Codec }).base : c;
}

describe('rt_link.yaml coverage', () => {
  const spec = parse(readFileSync(specPath, 'utf8')) as Spec;
  const defs = new Map(spec.definitions.map((d) => [d.name, d]));
  const subMessages = new Map(spec['sub-messages'].map((m) => [m.name, m]));
  const specSets = new Map(spec['attribute-sets'].map((s) => [s.name, s]));
  const fam = family('coverage', 0, {
    RTM_NEWLINK: { type: 16, header: ifinfomsg, attrs: linkAttrs },
    RTM_NEWSTATS: { type: 92, header: ifStatsMsg, attrs: statsAttrs },
    RTM_GETSTATS: { type: 94, header: ifStatsMsg, attrs: statsGetsetAttrs },
  });
  const ours = collectSets(fam);

  /** The spec's attributes of a set with their numbers, resolving `subset-of`. */
  function numbered(set: SpecSet): (SpecAttr & { value: number })[] {
    if (set['subset-of']) {
      const parent = numbered(specSets.get(set['subset-of'])!);
      return set.attributes.map((a) => ({ ...parent.find((p) => p.name === a.name)!, ...a, value: parent.find((p) => p.name === a.name)!.value }));
    }
    let next = 1;
    return set.attributes.map((a) => {
      const value = a.value ?? next;
      next = value + 1;
      return { ...a, value };
    });
  }

  function prefixOf(set: SpecSet): string {
    if (set['subset-of']) return prefixOf(specSets.get(set['subset-of'])!);
    return PREFIX[set.name] ?? snakeUp(set['name-prefix']!);
  }

  /** Why `codec` does not have the spec attribute's type, or undefined. */
  function mismatch(a: SpecAttr, codec: Codec<any, any>): string | undefined {
    const want = (cond: boolean, what: string): string | undefined => (cond ? undefined : `spec ${what}, ours ${typeOf(codec)}`);
    switch (a.type) {
      case 'u8': case 'u16': case 'u32': case 'u64': case 's8': case 's16': case 's32': case 's64': {
        const b = base(codec);
        const be = a['byte-order'] === 'big-endian';
        const problem = want(WIDTH[b.kind] === WIDTH[a.type] && !!b.be === be, `${a.type}${be ? ' big-endian' : ''}`);
        if (problem || !a.enum) return problem;
        return want(codec.kind === (a['enum-as-flags'] ? 'flags' : 'enum'), `${a.type} enum ${a.enum}`) ?? enumMismatch(a, codec);
      }
      case 'string':
        return want(codec.kind === 'string', 'string');
      case 'flag':
        return want(codec.kind === 'flag', 'flag');
      case 'pad':
        return want(codec.kind === 'binary', 'pad');
      case 'binary':
        if (a.struct) return want(codec.kind === 'struct' && (codec as StructCodec).name === a.struct.replace(/-/g, '_'), `struct ${a.struct}`);
        if (a['display-hint'] === 'mac') return want(codec.kind === 'lladdr', 'binary (mac)');
        if (a['display-hint'] === 'ipv4') return want(codec.kind === 'ipv4', 'binary (ipv4)');
        if (a['display-hint'] === 'ipv6') return want(codec.kind === 'ipv6', 'binary (ipv6)');
        return want(codec.kind === 'binary', 'binary');
      case 'nest':
        return want(codec.kind === 'nest' && nestedSet(codec)?.name === a['nested-attributes'], `nest ${a['nested-attributes']}`);
      case 'indexed-array': {
        const item = (codec.info as { item?: Codec } | undefined)?.item;
        if (codec.kind !== 'indexed-array' || !item) return `spec indexed-array, ours ${typeOf(codec)}`;
        if (a['sub-type'] === 'nest') return want(nestedSet(item)?.name === a['nested-attributes'], `indexed-array of ${a['nested-attributes']}`);
        const hint = a['display-hint'];
        return want(item.kind === (hint === 'ipv4' || hint === 'ipv6' ? hint : a['sub-type']), `indexed-array of ${a['sub-type']} (${hint})`);
      }
      case 'sub-message': {
        if (codec.kind !== 'sub-message') return `spec sub-message, ours ${typeOf(codec)}`;
        const cases = (codec.info as { cases: Record<string, Codec> }).cases;
        const missing = subMessages.get(a['sub-message']!)!.formats.filter((f) => nestedSet(cases[f.value] ?? ({} as Codec))?.name !== f['attribute-set']);
        return missing.length ? `sub-message formats without their set: ${missing.map((f) => f.value).join(', ')}` : undefined;
      }
      default:
        return `unhandled spec type ${a.type}`;
    }
  }

  function enumMismatch(a: SpecAttr, codec: Codec<any, any>): string | undefined {
    const def = defs.get(a.enum!)!;
    const info = codec.info as { names?: Record<string, number>; bits?: Record<string, number> };
    const table = info.names ?? info.bits!;
    let next = 0;
    for (const e of def.entries ?? []) {
      const entry = typeof e === 'string' ? { name: e } : e;
      const value = entry.value ?? next;
      next = value + 1;
      const expected = def.type === 'flags' ? 2 ** value : value;
      if (table[camel(entry.name)] !== expected) return `enum ${a.enum}: ${entry.name} should be ${expected}`;
    }
    return undefined;
  }

  it('knows every attribute of every set by name, number and type', () => {
    const problems: string[] = [];
    const usedDeviations = new Set<string>();
    let total = 0;
    let known = 0;
    for (const set of spec['attribute-sets']) {
      const mine = ours.get(set.name);
      if (!mine) {
        problems.push(`set ${set.name} is missing`);
        total += set.attributes.length;
        continue;
      }
      for (const a of numbered(set)) {
        total++;
        const id = `${set.name}.${a.name}`;
        const info = mine.byNumber(a.value);
        const kernelName = KERNEL_NAME[id] ?? prefixOf(set) + snakeUp(a.name);
        if (!info) {
          problems.push(`${id} (${a.value}) is missing`);
          continue;
        }
        let bad = info.name !== kernelName ? `named ${info.name}, kernel ${kernelName}` : undefined;
        if (!bad && info.multi !== (a['multi-attr'] === true)) bad = `multi-attr should be ${a['multi-attr'] === true}`;
        if (!bad) {
          const m = mismatch(a, info.codec);
          const dev = DEVIATIONS[id];
          if (m && dev && typeOf(info.codec) === dev.ours) usedDeviations.add(id);
          else if (m) bad = m;
        }
        if (bad) problems.push(`${id}: ${bad}`);
        else known++;
      }
    }
    for (const m of spec['sub-messages']) {
      for (const f of m.formats) {
        total++;
        if (ours.has(f['attribute-set'])) known++;
        else problems.push(`sub-message ${m.name} format ${f.value}: set ${f['attribute-set']} missing`);
      }
    }
    const stale = Object.keys(DEVIATIONS).filter((k) => !usedDeviations.has(k));
    console.log(`rt_link.yaml coverage: ${known}/${total} attributes and sub-message formats (${((100 * known) / total).toFixed(1)}%), ${usedDeviations.size} documented type deviations`);
    expect(problems).toEqual([]);
    expect(stale, 'deviations listed but no longer needed').toEqual([]);
    expect(known).toBe(total);
  });

  it('lays out every struct the spec describes as it does', () => {
    const problems: string[] = [];
    const structs = new Map<string, StructCodec>();
    const visit = (c: Codec<any, any>): void => {
      if (c.kind === 'struct') structs.set((c as StructCodec).name, c as StructCodec);
      if (c.kind === 'sub-message') for (const k of Object.values((c.info as { cases: Record<string, Codec> }).cases)) visit(k);
    };
    for (const set of ours.values()) for (const a of set.attrs) visit(a.codec);
    structs.set('ifinfomsg', ifinfomsg);
    structs.set('if_stats_msg', ifStatsMsg);
    for (const def of spec.definitions.filter((d) => d.type === 'struct' && d.name !== 'rtgenmsg')) {
      const mine = structs.get(def.name.replace(/-/g, '_'));
      if (!mine) {
        problems.push(`struct ${def.name} is not used`);
        continue;
      }
      const dev = STRUCT_DEVIATIONS[def.name];
      const fields = mine.fields.filter((f) => f.codec.kind !== 'pad' && !dev?.extra?.includes(f.key));
      const members = def.members!.filter((m) => m.type !== 'pad');
      if (fields.length !== members.length) problems.push(`struct ${def.name}: ${fields.length} members, spec ${members.length}`);
      members.forEach((m, i) => {
        const f = fields[i];
        if (!f) return;
        const name = dev?.renamed?.[f.key] ?? f.key;
        const width = m.type === 'binary' ? (m as { len?: number }).len : WIDTH[m.type];
        const retyped = dev?.retyped?.[f.key];
        if (name !== camel(m.name.replace(/^ifi-/, ''))) problems.push(`struct ${def.name}: member ${i} is ${f.key}, spec ${m.name}`);
        else if (retyped) expect(typeOf(f.codec), `${def.name}.${f.key}`).toBe(retyped);
        else if (f.size !== width || !!base(f.codec).be !== (m['byte-order'] === 'big-endian')) problems.push(`struct ${def.name}.${m.name}: ${typeOf(f.codec)}, spec ${m.type}`);
      });
    }
    expect(problems).toEqual([]);
  });

  it('spells and numbers every attribute as the installed UAPI headers do', () => {
    const headers = ['if_link.h', 'if_bridge.h', 'if_tunnel.h', 'veth.h', 'if_bonding.h', 'mpls.h', 'amt.h', 'batman_adv.h', 'wwan.h', 'can/vxcan.h']
      .map((h) => `/usr/include/linux/${h}`)
      .filter(existsSync);
    if (headers.length === 0) return;
    const values = new Map<string, number>();
    for (const h of headers) {
      const text = readFileSync(h, 'utf8').replace(/\/\*[\s\S]*?\*\//g, '').replace(/\/\/.*$/gm, '');
      for (const body of text.matchAll(/enum\s*\w*\s*\{([^}]*)\}/g)) {
        let next = 0;
        for (const item of body[1]!.split(',')) {
          const m = /^\s*([A-Z][A-Z0-9_]*)\s*(?:=\s*(.+?))?\s*$/.exec(item.replace(/#.*$/gm, '').trim());
          if (!m) continue;
          const expr = m[2]?.trim();
          const v = expr === undefined ? next : /^\d+$/.test(expr) ? Number(expr) : values.get(expr) ?? NaN;
          if (Number.isNaN(v)) break;
          values.set(m[1]!, v);
          next = v + 1;
        }
      }
    }
    const problems: string[] = [];
    let checked = 0;
    for (const set of ours.values()) {
      for (const a of set.attrs) {
        const v = values.get(a.name);
        if (v === undefined) continue;
        checked++;
        if (v !== a.nla) problems.push(`${set.name}: ${a.name} is ${a.nla}, the header says ${v}`);
      }
    }
    console.log(`UAPI headers: ${checked} attribute names checked against ${headers.length} headers`);
    expect(problems).toEqual([]);
  });
});
