/**
 * Checks the address and route schemas against the kernel's own netlink specs
 * (`rt_addr.yaml`, `rt_route.yaml`): every attribute of every attribute set
 * must be known by kernel name, number and a compatible type, and the fixed
 * headers and enums must agree.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { attrSets, family, nestedSet, type AttrSet, type Codec, type StructCodec } from '@nlkit/core';
import { addrFlags, addrMessages, ifaCacheinfo, ifaddrmsg } from '../addr/schema.js';
import { routeMessages, routeTypes, rtaCacheinfo, rtmsg } from './schema.js';

const repoRoot = fileURLToPath(new URL('../../../../', import.meta.url));
const specPath = (file: string): string => resolve(repoRoot, '../shared/ynl', file);

interface SpecAttr { name: string; type: string; value?: number; 'byte-order'?: string; 'display-hint'?: string; struct?: string; 'nested-attributes'?: string }
interface SpecSet { name: string; 'name-prefix'?: string; attributes: SpecAttr[] }
interface SpecDef { name: string; type: string; 'name-prefix'?: string; entries?: (string | { name: string })[]; members?: { name: string; type: string }[] }
interface Spec { 'attribute-sets': SpecSet[]; definitions?: SpecDef[] }

/**
 * Where this schema knowingly departs from the 6.12 spec, because the kernel
 * sends something more specific than the spec says (newer specs agree).
 */
const REFINED: Record<string, string> = {
  'route-attrs/rta-sport': 'u16be: nla_put_be16 (byte-order: big-endian in newer specs)',
  'route-attrs/rta-dport': 'u16be: nla_put_be16 (byte-order: big-endian in newer specs)',
  'addr-attrs/ifa-target-netnsid': 's32: nla_put_s32',
};

const INT_KINDS = new Set(['u8', 'u16', 'u32', 'u64', 's8', 's16', 's32', 's64', 'uint', 'sint']);
const SIZES: Record<string, number> = { u8: 1, u16: 2, u32: 4, u64: 8, s8: 1, s16: 2, s32: 4, s64: 8 };

const cName = (specName: string): string => specName.replace(/-/g, '_');
const kernelName = (set: SpecSet, a: SpecAttr): string => ((set['name-prefix'] ?? '') + a.name).replace(/-/g, '_').toUpperCase();
const camel = (s: string): string => s.replace(/-([a-z0-9])/g, (_m, c: string) => c.toUpperCase());

/** The integer codec under an enum or flags codec, or the codec itself. */
function base(codec: Codec<any, any>): Codec<any, any> {
  return codec.kind === 'enum' || codec.kind === 'flags' ? (codec.info as { base: Codec }).base : codec;
}

/** Why a codec does not fit a spec attribute, or undefined when it does. */
function mismatch(set: SpecSet, a: SpecAttr, codec: Codec<any, any>): string | undefined {
  const b = base(codec);
  const key = `${set.name}/${a.name}`;
  if (REFINED[key]) return undefined;
  switch (a.type) {
    case 'flag':
    case 'string':
      return codec.kind === a.type ? undefined : `expected ${a.type}, got ${codec.kind}`;
    case 'nest': {
      if (codec.kind !== 'nest') return `expected nest, got ${codec.kind}`;
      const inner = nestedSet(codec)?.name;
      return inner === a['nested-attributes'] ? undefined : `nests ${inner}, spec says ${a['nested-attributes']}`;
    }
    case 'binary': {
      if (INT_KINDS.has(b.kind) || codec.kind === 'flag' || codec.kind === 'nest') return `expected bytes of some shape, got ${codec.kind}`;
      if (a.struct) {
        const s = codec as StructCodec;
        return codec.kind === 'struct' && s.name === cName(a.struct) ? undefined : `expected struct ${cName(a.struct)}, got ${codec.kind}`;
      }
      const hint = a['display-hint'];
      if ((hint === 'ipv4' || hint === 'ipv6') && !['ip', 'ipv4', 'ipv6', 'sub-message'].includes(codec.kind)) return `expected an address, got ${codec.kind}`;
      return undefined;
    }
    default: {
      if (b.kind !== a.type) return `expected ${a.type}, got ${b.kind}`;
      const bigEndian = a['byte-order'] === 'big-endian';
      return bigEndian === (b.be === true) ? undefined : `byte order: spec ${a['byte-order'] ?? 'host'}, schema ${b.be ? 'big-endian' : 'host'}`;
    }
  }
}

interface Tally { total: number; known: number; problems: string[] }

function checkSpec(file: string, sets: Map<string, AttrSet<any>>): Tally {
  const spec = parse(readFileSync(specPath(file), 'utf8')) as Spec;
  const t: Tally = { total: 0, known: 0, problems: [] };
  for (const set of spec['attribute-sets']) {
    const ours = sets.get(set.name);
    let next = 1;
    for (const a of set.attributes) {
      const nla = a.value ?? next;
      next = nla + 1;
      if (a.type === 'unused') continue;
      t.total++;
      const where = `${file} ${set.name}/${a.name} (${nla})`;
      const info = ours?.byNumber(nla);
      if (!ours) t.problems.push(`${where}: no attribute set named ${set.name}`);
      else if (!info) t.problems.push(`${where}: unknown number`);
      else if (info.name !== kernelName(set, a)) t.problems.push(`${where}: named ${info.name}, kernel says ${kernelName(set, a)}`);
      else {
        const why = mismatch(set, a, info.codec);
        if (why) t.problems.push(`${where}: ${why}`);
        else t.known++;
      }
    }
  }
  return t;
}

/** The spec's struct members must be our fields, in order, with the same C names and sizes (ours may be longer). */
function checkStruct(file: string, specName: string, ours: StructCodec): void {
  const spec = parse(readFileSync(specPath(file), 'utf8')) as Spec;
  const def = spec.definitions?.find((d) => d.name === specName);
  expect(def, `${file}: struct ${specName}`).toBeDefined();
  const fields = ours.fields.filter((f) => f.codec.kind !== 'pad');
  def!.members!.forEach((m, i) => {
    expect(fields[i]?.cname, `${specName} member ${i}`).toBe(cName(m.name));
    expect(fields[i]?.size, `${specName}.${m.name} size`).toBe(SIZES[m.type]);
  });
}

function enumEntries(file: string, name: string): string[] {
  const spec = parse(readFileSync(specPath(file), 'utf8')) as Spec;
  return spec.definitions!.find((d) => d.name === name)!.entries!.map((e) => (typeof e === 'string' ? e : e.name));
}

describe('coverage of the kernel netlink specs', () => {
  const sets = attrSets(family('coverage', 0, { ...addrMessages, ...routeMessages }));

  for (const file of ['rt_addr.yaml', 'rt_route.yaml']) {
    it(`knows every attribute of ${file} by name, number and type`, () => {
      const t = checkSpec(file, sets);
      const pct = t.total ? (100 * t.known) / t.total : 0;
      console.log(`${file}: ${t.known}/${t.total} attributes known by name, number and type (${pct.toFixed(1)}%)`);
      expect(t.problems).toEqual([]);
      expect(pct).toBe(100);
    });
  }

  it('lists the refinements it accepts, each for an attribute the spec has', () => {
    const specs = ['rt_addr.yaml', 'rt_route.yaml'].map((f) => parse(readFileSync(specPath(f), 'utf8')) as Spec);
    const names = new Set(specs.flatMap((s) => s['attribute-sets'].flatMap((set) => set.attributes.map((a) => `${set.name}/${a.name}`))));
    for (const k of Object.keys(REFINED)) expect(names.has(k), k).toBe(true);
    expect(sets.get('route-attrs')!.byKey('sport')!.codec.be).toBe(true);
    expect(sets.get('addr-attrs')!.byKey('targetNetnsid')!.codec.kind).toBe('s32');
  });

  it('agrees on the fixed headers and structs', () => {
    checkStruct('rt_addr.yaml', 'ifaddrmsg', ifaddrmsg);
    checkStruct('rt_addr.yaml', 'ifa-cacheinfo', ifaCacheinfo);
    checkStruct('rt_route.yaml', 'rtmsg', rtmsg);
    checkStruct('rt_route.yaml', 'rta-cacheinfo', rtaCacheinfo);
  });

  it('agrees on the enums: RTN_* and IFA_F_*', () => {
    enumEntries('rt_route.yaml', 'rtm-type').forEach((e, i) => expect(routeTypes[camel(e) as keyof typeof routeTypes], `RTN_${e}`).toBe(i));
    enumEntries('rt_addr.yaml', 'ifa-flags').forEach((e, i) => expect(addrFlags[camel(e) as keyof typeof addrFlags], `IFA_F_${e}`).toBe(1 << i));
  });
});
