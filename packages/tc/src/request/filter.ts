/**
 * Filter and chain requests from friendly specs (`filterRequest('add', {
 * kind: 'u32', index: 2, parent: '1:', prio: 1, protocol: 'ip', match:
 * ['ip dst 10.0.0.0/8'], classid: '1:10' })`), built as `tc filter add …`
 * builds them.
 */
import type { InputOf } from '@nlkit/core';
import type { Tc } from '../family.js';
import { ETH_P_ALL, parseEthertype } from '../util/ethertype.js';
import { flowerAttrsFrom, type FlowerMatch } from '../util/flower.js';
import { TC_H_MAKE, parseClassid, parseParent, type Handle } from '../util/handle.js';
import { policeAttrsFrom, type PoliceSpec } from '../util/police.js';
import { DEFAULT_CLOCK, type TcClock } from '../util/rate.js';
import { getU32, parseU32Handle, u32HashFold, u32Selector, type U32Sel } from '../util/u32.js';
import { actionEntry, type ActionSpec } from './action.js';
import { opFlags, opKind, type EstimatorSpec, type TcOp } from './common.js';

/** What every filter spec carries. */
interface FilterCommon {
  /** The device's ifindex (omit with `block`). */
  index?: number;
  /** A shared block instead of a device (`tcm_ifindex` = `TCM_IFINDEX_MAGIC_BLOCK`, `tcm_parent` = block). */
  block?: number;
  /** `1:`, `ffff:`, `ingress`/`egress` (clsact's hooks), `root`. */
  parent?: Handle;
  /** Priority (the major half of `tcm_info`). */
  prio?: number;
  /** `ip`, `ipv6`, `all`, `802.1q`, … or an ethertype (the minor half of `tcm_info`, big-endian). */
  protocol?: string | number;
  /** The filter's handle, in the kind's notation (`800::800` for u32, a mark for fw). */
  handle?: string | number;
  /** `TCA_CHAIN`. */
  chain?: number;
  /** `estimator INTERVAL TIME_CONST`: a rate estimator (`TCA_RATE`). */
  estimator?: EstimatorSpec;
}

/** Where packets go and what happens to them, shared by most classifiers. */
interface Target {
  /** `classid`/`flowid`: the class matching packets go to. */
  classid?: Handle;
  /** `action …`: actions run on matching packets, in order (the kind's `_ACT` attribute, e.g. `TCA_U32_ACT`). */
  actions?: readonly ActionSpec[];
  /** `police …`: a policer for matching packets (the kind's `_POLICE` attribute, e.g. `TCA_U32_POLICE`). */
  police?: PoliceSpec;
}

/** The u32 classifier: selectors, hash tables, links, offsets (f_u32.c). */
export interface U32FilterSpec extends FilterCommon, Target {
  /** `TCA_KIND`. */
  kind: 'u32';
  /** What follows each `match`: `'ip dst 10.0.0.0/8'`, `'tcp dport 80 0xffff'`, `'u32 0x1 0xff at 8'`. */
  match?: string | readonly string[];
  /** Same as `classid`. */
  flowid?: Handle;
  /** Create a hash table with this many buckets (1..256, a power of two). */
  divisor?: number;
  /** The node's position in its bucket. */
  order?: number;
  /** Continue matching in this hash table (`1:`). */
  link?: string | number;
  /** Put this node in this hash table (`1:`, or `1:2:` for a bucket). */
  ht?: string | number;
  /** `sample SELECTOR [divisor N]`: put the node in the bucket the selector hashes to. */
  sample?: {
    /** The selector, as after `match` (one key). */
    match: string;
    /** `divisor N`: the table's bucket count (1..256, a power of two); default 256. */
    divisor?: number;
  };
  /** `hashkey mask MASK at AT`: which bits of the packet pick a bucket of the linked table (`tc_u32_sel.hmask`, `hoff`). */
  hashkey?: {
    /** `mask`: the bits of the 32-bit word that are hashed (`hmask`). */
    mask?: number;
    /** `at`: offset of the word (`hoff`), a multiple of 4. */
    at?: number;
  };
  /** `offset …`: how far the next header starts, for a linked table's matches (`tc_u32_sel.off`, `offoff`, `offmask`, `offshift`). */
  offset?: {
    /** `plus N`: a constant offset (`off`, flag `TC_U32_OFFSET`). */
    plus?: number;
    /** `at N`: where to read a 16-bit variable offset (`offoff`, flag `TC_U32_VAROFFSET`); even. */
    at?: number;
    /** `mask M`: mask of that 16-bit value (`offmask`). */
    mask?: number;
    /** `shift S`: right shift of that value (`offshift`). */
    shift?: number;
    /** `eat`: consume the offset, so later matches are relative to it (flag `TC_U32_EAT`). */
    eat?: boolean;
  };
  /** `indev NAME`: match packets arriving on this device only (`TCA_U32_INDEV`). */
  indev?: string;
  /** `skip_hw`: do not offload to hardware (`TCA_CLS_FLAGS_SKIP_HW`); excludes `skipSw`. */
  skipHw?: boolean;
  /** `skip_sw`: run in hardware only (`TCA_CLS_FLAGS_SKIP_SW`); excludes `skipHw`. */
  skipSw?: boolean;
}

/** The flower classifier: keys as tc names them. */
export interface FlowerFilterSpec extends FilterCommon, Omit<FlowerMatch, 'classid'>, Target {
  /** `TCA_KIND`. */
  kind: 'flower';
}

/** The matchall classifier. */
export interface MatchallFilterSpec extends FilterCommon, Omit<Target, 'police'> {
  /** `TCA_KIND`. */
  kind: 'matchall';
  /** `skip_hw`: do not offload to hardware (`TCA_CLS_FLAGS_SKIP_HW`); excludes `skipSw`. */
  skipHw?: boolean;
  /** `skip_sw`: run in hardware only (`TCA_CLS_FLAGS_SKIP_SW`); excludes `skipHw`. */
  skipSw?: boolean;
}

/** The fw classifier: the handle is the firewall mark. */
export interface FwFilterSpec extends FilterCommon, Target {
  /** `TCA_KIND`. */
  kind: 'fw';
  /** Mask applied to the mark before comparing. */
  mask?: number;
  /** `indev NAME`: match packets arriving on this device only (`TCA_FW_INDEV`). */
  indev?: string;
}

/** One classic BPF instruction (`struct sock_filter`). */
export interface SockFilter {
  /** `code`: the opcode (16 bits). */
  code: number;
  /** `jt`: instructions to skip when the condition is true (8 bits). */
  jt: number;
  /** `jf`: instructions to skip when it is false (8 bits). */
  jf: number;
  /** `k`: the operand (32 bits). */
  k: number;
}

/**
 * The bpf classifier with an eBPF program by fd (`obj`/`fd` in tc), or a
 * classic BPF program (`bytecode '4,40 0 0 12,21 0 1 2048,6 0 0 262144,6 0 0 0'`).
 */
export interface BpfFilterSpec extends FilterCommon, Target {
  /** `TCA_KIND`. */
  kind: 'bpf';
  /** An eBPF program of type `BPF_PROG_TYPE_SCHED_CLS` (`TCA_BPF_FD`). */
  fd?: number;
  /** A classic BPF program (`TCA_BPF_OPS_LEN`, `TCA_BPF_OPS`): tc's `bytecode` text (the count, then `code jt jf k` per instruction, comma-separated), or the instructions. */
  bytecode?: string | readonly SockFilter[];
  /** A name for the program, shown by `tc filter show` (`TCA_BPF_NAME`). */
  name?: string;
  /** `da`: the program's return code is the verdict. */
  directAction?: boolean;
  /** `skip_hw`: do not offload to hardware (`TCA_CLS_FLAGS_SKIP_HW`); excludes `skipSw`. */
  skipHw?: boolean;
  /** `skip_sw`: run in hardware only (`TCA_CLS_FLAGS_SKIP_SW`); excludes `skipHw`. */
  skipSw?: boolean;
}

/** Any other kind (and basic with its ematch tree): its `TCA_OPTIONS` as the schema takes them. */
export interface RawFilterSpec extends FilterCommon {
  /** `TCA_KIND`; empty to send none. */
  kind: string;
  /** `TCA_OPTIONS`, as the kind's schema takes them. */
  options?: unknown;
}

/** A filter as the builders take it. */
export type FilterSpec = U32FilterSpec | FlowerFilterSpec | MatchallFilterSpec | FwFilterSpec | BpfFilterSpec | RawFilterSpec;

/** A filter request, ready for `encodeMessage(tc, …)`. */
export type FilterRequest = InputOf<Tc, 'RTM_NEWTFILTER' | 'RTM_DELTFILTER' | 'RTM_GETTFILTER'>;

/** `TCM_IFINDEX_MAGIC_BLOCK`: `tcm_ifindex` of a request about a shared block. */
export const TCM_IFINDEX_MAGIC_BLOCK = 0xffffffff;

function classidOf(h: Handle): number {
  return typeof h === 'number' ? h : parseClassid(h);
}

function clsFlagsOf(s: { skipHw?: boolean; skipSw?: boolean }): string[] {
  if (s.skipHw && s.skipSw) throw new RangeError('skip_hw and skip_sw exclude each other');
  return [...(s.skipHw ? ['skipHw'] : []), ...(s.skipSw ? ['skipSw'] : [])];
}

function target(s: Target, clock: TcClock): Record<string, unknown> {
  const o: Record<string, unknown> = {};
  if (s.classid !== undefined) o.classid = classidOf(s.classid);
  if (s.police) o.police = policeAttrsFrom(s.police, clock);
  if (s.actions?.length) o.act = s.actions.map((a) => actionEntry(a, clock));
  return o;
}

/** `TCA_OPTIONS` of u32 and the node handle, as `u32_parse_opt` builds them. */
export function u32OptionsFrom(s: Omit<U32FilterSpec, keyof FilterCommon | 'kind'>, handle = 0, clock: TcClock = DEFAULT_CLOCK): {
  /** The filter handle, with `order` merged into its node bits. */
  handle: number;
  /** `TCA_OPTIONS` (`TCA_U32_*`). */
  options: Record<string, unknown>;
} {
  const o: Record<string, unknown> = {};
  const { sel, mark } = u32Selector(s.match ?? []);
  const flags = new Set<U32Sel['flags'][number]>();
  const classid = s.classid ?? s.flowid;
  if (classid !== undefined) {
    o.classid = classidOf(classid);
    flags.add('terminal');
  }
  if (s.divisor !== undefined) {
    const d = s.divisor;
    if (!Number.isInteger(d) || d < 1 || d > 0x100 || (d & (d - 1)) !== 0) throw new RangeError(`u32: illegal divisor ${d}`);
    o.divisor = d;
  }
  if (s.link !== undefined) {
    const link = typeof s.link === 'number' ? s.link : parseU32Handle(s.link);
    if (link & 0xfff) throw new RangeError('u32: "link" must be a hash table');
    o.link = link;
  }
  let htid = 0;
  if (s.ht !== undefined) {
    const ht = typeof s.ht === 'number' ? s.ht : parseU32Handle(s.ht);
    if (handle && ht & 0xfff) throw new RangeError('u32: "ht" must be a hash table');
    htid = (ht & 0xfffff000) >>> 0;
  }
  if (s.sample) {
    const sample = u32Selector(s.sample.match).sel;
    if (sample.keys.length !== 1) throw new RangeError('u32: "sample" must contain exactly one key');
    const divisor = s.sample.divisor ?? 0x100;
    if (divisor < 1 || divisor > 0x100 || (divisor & (divisor - 1)) !== 0) throw new RangeError(`u32: illegal sample divisor ${divisor}`);
    htid = (((u32HashFold(sample.keys[0]!) % divisor) << 12) | (htid & 0xfff00000)) >>> 0;
  }
  if (s.offset) {
    const off = s.offset;
    if (off.plus !== undefined) {
      sel.off = off.plus;
      flags.add('offset');
    }
    if (off.at !== undefined) {
      if (off.at % 2) throw new RangeError('u32: offset "at" must be even');
      sel.offoff = off.at;
      flags.add('varoffset');
    }
    if (off.mask !== undefined) {
      sel.offmask = off.mask;
      flags.add('varoffset');
    }
    if (off.shift !== undefined) {
      sel.offshift = off.shift;
      flags.add('varoffset');
    }
    if (off.eat) flags.add('eat');
  }
  if (s.hashkey) {
    if (s.hashkey.mask !== undefined) sel.hmask = s.hashkey.mask >>> 0;
    if (s.hashkey.at !== undefined) {
      if (s.hashkey.at % 4) throw new RangeError('u32: hashkey "at" must be a multiple of 4');
      sel.hoff = s.hashkey.at;
    }
  }
  if (s.indev !== undefined) o.indev = s.indev;
  if (s.actions?.length) o.act = s.actions.map((a) => actionEntry(a, clock));
  if (s.police) o.police = policeAttrsFrom(s.police, clock);
  if (o.act || o.police) flags.add('terminal');
  if (mark) o.mark = mark;
  let node = handle;
  if (s.order !== undefined) {
    if (node & 0xfff && s.order !== (node & 0xfff)) throw new RangeError('u32: "order" contradicts "handle"');
    node = (node | s.order) >>> 0;
  }
  if (htid) o.hash = htid;
  if (s.match !== undefined && (typeof s.match === 'string' || s.match.length)) {
    o.sel = { ...sel, flags: (['terminal', 'offset', 'varoffset', 'eat'] as const).filter((f) => flags.has(f)) };
  }
  const cls = clsFlagsOf(s);
  if (cls.length) o.flags = cls;
  return { handle: node, options: o };
}

function filterOptions(spec: FilterSpec, handle: string | number | undefined, clock: TcClock): { handle: number; options: unknown } {
  const num = (h: string | number | undefined): number => (h === undefined ? 0 : typeof h === 'number' ? h : getU32(h, 0));
  switch (spec.kind) {
    case 'u32':
      return u32OptionsFrom(spec as U32FilterSpec, handle === undefined ? 0 : typeof handle === 'number' ? handle : parseU32Handle(handle), clock);
    case 'flower': {
      const { classid, actions, police, ...match } = spec as FlowerFilterSpec;
      const options: Record<string, unknown> = { ...flowerAttrsFrom({ ...match, ...(classid === undefined ? {} : { classid }) }, spec.protocol ?? 'all'), ...target({ ...(actions ? { actions } : {}), ...(police ? { police } : {}) }, clock) };
      return { handle: num(handle), options };
    }
    case 'matchall': {
      const s = spec as MatchallFilterSpec;
      const options = target(s, clock);
      const flags = clsFlagsOf(s);
      if (flags.length) options.flags = flags;
      return { handle: num(handle), options };
    }
    case 'fw': {
      const s = spec as FwFilterSpec;
      const options = target(s, clock);
      if (s.indev !== undefined) options.indev = s.indev;
      if (s.mask !== undefined) options.mask = s.mask;
      return { handle: num(handle), options };
    }
    case 'bpf': {
      const s = spec as BpfFilterSpec;
      if ((s.fd === undefined) === (s.bytecode === undefined)) throw new RangeError('bpf: give one of "fd" (eBPF) and "bytecode" (classic BPF)');
      const ops = s.bytecode === undefined ? undefined : typeof s.bytecode === 'string' ? parseBpfBytecode(s.bytecode) : s.bytecode.map((i) => ({ ...i }));
      const options: Record<string, unknown> = ops ? { opsLen: ops.length, ops, ...target(s, clock) } : { ...target(s, clock), fd: s.fd };
      if (s.name !== undefined) options.name = s.name;
      if (s.directAction) options.flags = ['actDirect'];
      const flags = clsFlagsOf(s);
      if (flags.length) options.flagsGen = flags;
      return { handle: num(handle), options };
    }
    default:
      return { handle: num(handle), options: (spec as RawFilterSpec).options };
  }
}

/**
 * A classic BPF program as tc's `bytecode` reads it (`bpf_parse_string`):
 * the instruction count, then `code jt jf k` for each, all comma-separated
 * (the output of `tcpdump -ddd` with its lines joined by commas).
 *
 * ```ts
 * parseBpfBytecode('1,6 0 0 4294967295'); // [{ code: 6, jt: 0, jf: 0, k: 4294967295 }]
 * ```
 */
export function parseBpfBytecode(text: string): SockFilter[] {
  const parts = text.split(',').map((p) => p.trim());
  if (parts.length > 0 && parts[parts.length - 1] === '') parts.pop();
  const count = parts[0] !== undefined && /^\d+$/.test(parts[0]) ? Number(parts[0]) : NaN;
  if (!(count >= 1 && count <= 4096)) throw new RangeError(`bpf: bytecode must start with the instruction count (1..4096), got "${parts[0] ?? ''}"`);
  if (parts.length - 1 !== count) throw new RangeError(`bpf: bytecode announces ${count} instructions but has ${parts.length - 1}`);
  return parts.slice(1).map((p, i) => {
    const w = p.split(/\s+/);
    const n = w.map(Number);
    const ok = w.length === 4 && w.every((x) => /^\d+$/.test(x)) && n[0]! <= 0xffff && n[1]! <= 0xff && n[2]! <= 0xff && n[3]! <= 0xffffffff;
    if (!ok) throw new RangeError(`bpf: instruction ${i + 1} is not "code jt jf k": "${p}"`);
    return { code: n[0]!, jt: n[1]!, jf: n[2]!, k: n[3]! };
  });
}

/** `tcm_info` of a filter: `TC_H_MAKE(prio << 16, htons(protocol))`. */
export function filterInfo(prio: number, protocol: number): number {
  const be = ((protocol & 0xff) << 8) | (protocol >> 8);
  return TC_H_MAKE((prio << 16) >>> 0, be);
}

/**
 * A filter request (`tc filter add dev … parent 1: prio 1 protocol ip u32
 * match ip dst 10.0.0.0/8 flowid 1:10`). Like tc, `add` and `replace` without
 * a protocol match every protocol (`ETH_P_ALL`).
 */
export function filterRequest(op: Exclude<TcOp, 'link'>, spec: FilterSpec, clock: TcClock = DEFAULT_CLOCK): FilterRequest {
  const creates = op === 'add' || op === 'replace';
  const protocol = spec.protocol === undefined ? (creates ? ETH_P_ALL : 0) : parseEthertype(spec.protocol);
  const prio = spec.prio ?? 0;
  if (!Number.isInteger(prio) || prio < 0 || prio > 0xffff) throw new RangeError(`prio must be 0..65535, got ${prio}`);
  const attrs: Record<string, unknown> = spec.kind ? { kind: spec.kind } : {};
  let handle = spec.handle === undefined ? 0 : typeof spec.handle === 'number' ? spec.handle : spec.kind === 'u32' ? parseU32Handle(spec.handle) : getU32(spec.handle, 0);
  if (opKind(op) === 'NEW') {
    const built = filterOptions(spec, spec.handle, clock);
    handle = built.handle;
    if (built.options !== undefined) attrs.options = built.options;
    if (spec.estimator) attrs.rate = spec.estimator;
  }
  if (spec.chain !== undefined) attrs.chain = spec.chain;
  const header = {
    family: 0,
    ifindex: spec.block === undefined ? spec.index ?? 0 : TCM_IFINDEX_MAGIC_BLOCK,
    handle,
    parent: spec.block === undefined ? (spec.parent === undefined ? 0 : parseParent(spec.parent, 'filter')) : spec.block,
    info: filterInfo(prio, protocol),
  };
  if (spec.block === undefined && spec.index === undefined) throw new RangeError('a filter needs an ifindex or a block');
  return { name: `RTM_${opKind(op)}TFILTER`, flags: opFlags(op), header, attrs } as FilterRequest;
}

/** A chain, optionally with a filter template (the keys its filters may use). */
export interface ChainSpec {
  /** The device's ifindex (omit with `block`). */
  index?: number;
  /** A shared block instead of a device. */
  block?: number;
  /** The qdisc the chain belongs to (`ffff:`, `ingress`/`egress`, `1:`). */
  parent?: Handle;
  /** The chain's number (`TCA_CHAIN`). */
  chain: number;
  /** A filter spec whose kind and options become the chain's template. */
  template?: FilterSpec;
}

/** A chain request, ready for `encodeMessage(tc, …)`. */
export type ChainRequest = InputOf<Tc, 'RTM_NEWCHAIN' | 'RTM_DELCHAIN' | 'RTM_GETCHAIN'>;

/** A chain request (`tc chain add dev … parent ffff: chain 1 [flower …]`). */
export function chainRequest(op: Exclude<TcOp, 'link' | 'change'>, spec: ChainSpec, clock: TcClock = DEFAULT_CLOCK): ChainRequest {
  const t = spec.template;
  // Unlike a filter, a chain without a template protocol carries none (tc leaves tcm_info 0).
  const filter = filterRequest(op, {
    kind: t?.kind ?? '',
    ...t,
    protocol: t?.protocol ?? 0,
    ...(spec.index === undefined ? {} : { index: spec.index }),
    ...(spec.block === undefined ? {} : { block: spec.block }),
    ...(spec.parent === undefined ? {} : { parent: spec.parent }),
    chain: spec.chain,
  } as FilterSpec, clock);
  return { ...filter, name: `RTM_${opKind(op)}CHAIN` } as ChainRequest;
}
