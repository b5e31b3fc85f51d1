/// <reference types="node" />
/**
 * Field-by-field comparison of the client's decoded tc messages with what
 * `tc -j -s -d` (and `-r`) prints for the same objects. Each function checks
 * every field tc shows for the kinds the live tests build, and returns the
 * names it compared, so a test can see that nothing was skipped.
 */
import { readFileSync } from 'node:fs';
import { expect } from 'vitest';
import {
  actionOptionsOf, classXstatsOf, clockFromPsched, filterOptionsOf, filterPrio, filterProtocolName, formatHandle, formatSize, handleOf,
  htbClassParams, parentOf, qdiscOptionsOf, tbfParams, type TcClock,
} from '@nlkit/tc';
import type { Qdisc, TcAction, TcClass, TcFilter } from '@nlkit/client';
import { all, type TcClassText, type TcJson } from './live-util.js';

/** The kernel's scheduler clock, as tc reads it (bursts in ticks convert to bytes with it). */
export const clock: TcClock = clockFromPsched(readFileSync('/proc/net/psched', 'utf8'));

/** Device names by index, to read a mirred target as tc prints it. */
export type Names = ReadonlyMap<number, string>;

/** `%#llx` as tc prints htb's default class: `0` or `0x30`. */
const hex0 = (n: number): string => (n === 0 ? '0' : `0x${n.toString(16)}`);

type Stats2 = { basic?: { bytes: bigint; packets: number }; queue?: { qlen: number; backlog: number; drops: number; requeues: number; overlimits: number } };

/**
 * tc's statistics of a qdisc or class, from `TCA_STATS2` (`basic`,
 * `queue`); undefined when the kernel sent neither (tbf's class), as tc
 * then prints none.
 */
function statsOf(m: { attrs: { stats2?: Stats2 } }) {
  const b = m.attrs.stats2?.basic;
  const q = m.attrs.stats2?.queue;
  if (!b && !q) return undefined;
  expect(b, 'TCA_STATS_BASIC').toBeDefined();
  expect(q, 'TCA_STATS_QUEUE').toBeDefined();
  return { bytes: Number(b!.bytes), packets: b!.packets, drops: q!.drops, overlimits: q!.overlimits, requeues: q!.requeues, backlog: q!.backlog, qlen: q!.qlen };
}

/**
 * A qdisc against its entry of `tc -j -s -d -r qdisc show`: kind, handle,
 * root/parent, refcnt, the statistics, and the options of htb, tbf, the
 * fifos, pfifo_fast, ingress/clsact and mq.
 */
export function compareQdisc(ours: Qdisc, theirs: TcJson): string[] {
  const seen: string[] = [];
  const eq = (name: string, a: unknown, b: unknown): void => {
    expect(a, `${theirs.kind} ${theirs.handle} ${name}`).toEqual(b);
    seen.push(name);
  };
  eq('kind', ours.attrs.kind, theirs.kind);
  eq('handle', handleOf(ours), theirs.handle);
  if (theirs.root) eq('root', parentOf(ours), 'root');
  else eq('parent', parentOf(ours), theirs.parent);
  eq('refcnt', ours.header.info, theirs.refcnt ?? 1);
  const s = statsOf(ours);
  expect(s, `${theirs.kind} ${theirs.handle} statistics`).toBeDefined();
  for (const k of ['bytes', 'packets', 'drops', 'overlimits', 'requeues', 'backlog', 'qlen'] as const) eq(k, s![k], theirs[k]);
  const o = theirs.options as TcJson;
  switch (theirs.kind) {
    case 'htb': {
      const h = qdiscOptionsOf(ours, 'htb')!;
      eq('r2q', h.init?.rate2quantum, o.r2q);
      eq('default', hex0(h.init!.defcls), o.default);
      eq('direct_packets_stat', h.init?.directPkts, o.direct_packets_stat);
      eq('ver', `${h.init!.version >>> 16}.${h.init!.version & 0xffff}`, o.ver);
      eq('direct_qlen', h.directQlen, o.direct_qlen);
      break;
    }
    case 'tbf': {
      const t = tbfParams(ours, clock)!;
      eq('rate', Number(t.rate), o.rate);
      eq('burst', `${formatSize(t.burst)}/${t.cell}`, o.burst);
      eq('mpu', t.mpu, o.mpu);
      eq('burst_raw', t.buffer.toString(16), o.burst_raw);
      eq('lat', Math.trunc(t.latency), o.lat);
      eq('limit', t.limit, o.limit);
      eq('linklayer', t.linklayer, o.linklayer);
      break;
    }
    case 'pfifo':
    case 'bfifo':
    case 'pfifo_head_drop':
      eq('limit', qdiscOptionsOf(ours, theirs.kind as 'pfifo')?.limit, o.limit);
      break;
    case 'pfifo_fast': {
      const p = qdiscOptionsOf(ours, 'pfifo_fast')!;
      eq('bands', p.bands, o.bands);
      eq('priomap', p.priomap, o.priomap);
      eq('multiqueue', false, o.multiqueue);
      break;
    }
    case 'ingress':
    case 'clsact':
    case 'mq':
      // tc prints an empty object whether the kernel sent an empty TCA_OPTIONS (ingress, clsact) or none (mq).
      eq('options', ours.attrs.options ?? {}, o);
      break;
    default:
      break;
  }
  return seen;
}

/**
 * A class against its entry of `tc -s -d -r class show` (text in iproute2
 * 6.1): kind, handle, parent, htb's prio, quantum, rate, ceil, linklayer,
 * burst, cburst, mpu, level, buffer and cbuffer in ticks, the statistics and
 * htb's lended/borrowed/giants/tokens/ctokens.
 */
export function compareClass(ours: TcClass, theirs: TcClassText): string[] {
  const seen: string[] = [];
  const eq = (name: string, a: unknown, b: unknown): void => {
    expect(a, `class ${theirs.kind} ${theirs.handle} ${name}`).toEqual(b);
    seen.push(name);
  };
  const p = theirs.params;
  eq('kind', ours.attrs.kind, theirs.kind);
  eq('handle', handleOf(ours), theirs.handle);
  eq('parent', parentOf(ours), theirs.parent);
  const s = statsOf(ours);
  eq('statistics', s === undefined, theirs.stats === undefined);
  if (s && theirs.stats) for (const k of ['bytes', 'packets', 'drops', 'overlimits', 'requeues', 'backlog', 'qlen'] as const) eq(k, s[k], theirs.stats[k]);
  if (theirs.kind === 'htb') {
    const h = htbClassParams(ours, clock)!;
    // tc prints prio and quantum for leaves (level 0) only.
    eq('prio', h.level === 0 ? [String(h.prio)] : undefined, p.prio);
    eq('quantum', h.level === 0 ? [String(h.quantum)] : undefined, p.quantum);
    eq('rate', h.rate, parseTcRate(p.rate![0]!));
    eq('ceil', h.ceil, parseTcRate(p.ceil![0]!));
    eq('linklayer', h.linklayer, p.linklayer?.[0]);
    eq('burst', `${formatSize(h.burst)}/${h.cell}`, p.burst?.[0]);
    eq('cburst', `${formatSize(h.cburst)}/${h.ccell}`, p.cburst?.[0]);
    eq('mpu', [formatSize(h.mpu), formatSize(h.cmpu)], p.mpu);
    eq('level', String(h.level), p.level?.[0]);
    eq('buffer', `[${h.buffer.toString(16).padStart(8, '0')}]`, p.buffer?.[0]);
    eq('cbuffer', `[${h.cbuffer.toString(16).padStart(8, '0')}]`, p.cbuffer?.[0]);
    const x = classXstatsOf(ours, 'htb')!;
    eq('lended', x.lends, theirs.xstats.lended);
    eq('borrowed', x.borrows, theirs.xstats.borrowed);
    eq('giants', x.giants, theirs.xstats.giants);
    eq('tokens', x.tokens, theirs.xstats.tokens);
    eq('ctokens', x.ctokens, theirs.xstats.ctokens);
  }
  return seen;
}

/** A rate as tc prints it (`30Mbit`), in bytes per second. */
function parseTcRate(s: string): bigint {
  const m = /^(\d+)([KMGT]?)bit$/.exec(s);
  if (!m) throw new Error(`not a tc rate: ${s}`);
  const mult = { '': 1n, K: 1000n, M: 1000_000n, G: 1000_000_000n, T: 1000_000_000_000n }[m[2] as '' | 'K'];
  return (BigInt(m[1]!) * mult) / 8n;
}

/**
 * An action against its entry in `tc -j -s` output (a filter's `actions`
 * or `tc actions ls`): order, kind, mirred's action, direction and target
 * device, the verdict, index, ref and bind counts, its statistics, and the
 * time since it was installed and last used (seconds, ±1 for the time between the two dumps).
 */
export function compareAction(ours: TcAction, theirs: TcJson, order: number, names: Names): string[] {
  const seen: string[] = [];
  const eq = (name: string, a: unknown, b: unknown): void => {
    expect(a, `action ${theirs.kind} ${theirs.index} ${name}`).toEqual(b);
    seen.push(name);
  };
  eq('order', order, theirs.order);
  eq('kind', ours.kind, theirs.kind);
  if (ours.kind === 'mirred') {
    const m = actionOptionsOf(ours, 'mirred')!;
    const [direction, what] = { egressRedir: ['egress', 'redirect'], egressMirror: ['egress', 'mirror'], ingressRedir: ['ingress', 'redirect'], ingressMirror: ['ingress', 'mirror'] }[
      m.parms!.eaction as 'egressRedir'
    ]!;
    eq('mirred_action', what, theirs.mirred_action);
    eq('direction', direction, theirs.direction);
    eq('to_dev', names.get(m.parms!.ifindex), theirs.to_dev);
    eq('control_action', m.parms!.action, theirs.control_action?.type);
    eq('index', m.parms!.index, theirs.index);
    eq('ref', m.parms!.refcnt, theirs.ref);
    eq('bind', m.parms!.bindcnt, theirs.bind);
    // tcf_t is in clock_t (USER_HZ, 100 per second); tc prints whole seconds, and nothing for 0.
    const near = (name: string, ticks: bigint | undefined, secs: number | undefined): void => {
      expect(Math.abs(Number(ticks ?? 0n) / 100 - (secs ?? 0)), `action ${name}`).toBeLessThanOrEqual(1.01);
      seen.push(name);
    };
    near('installed', m.tm?.install, theirs.installed);
    near('last_used', m.tm?.lastuse, theirs.last_used);
    near('first_used', m.tm?.firstuse, theirs.first_used);
  }
  const b = ours.stats?.basic;
  const q = ours.stats?.queue;
  const st = theirs.stats as TcJson;
  eq('stats.bytes', Number(b?.bytes ?? 0n), st.bytes);
  eq('stats.packets', b?.packets, st.packets);
  for (const k of ['drops', 'overlimits', 'requeues', 'backlog', 'qlen'] as const) eq(`stats.${k}`, q?.[k], st[k]);
  return seen;
}

/**
 * A filter against its entry of `tc -j -s -d filter show`: parent,
 * protocol, pref, kind, chain; u32's fh, ht_divisor, order, key_ht, bkt,
 * flowid, not_in_hw and every match key (value, mask, offmask, off); bpf's
 * handle, flowid and bytecode; and the actions. tc leaves the parent out
 * when it is the one asked for (`tc filter show dev X ingress` of clsact):
 * pass it as `asked`.
 */
export function compareFilter(ours: TcFilter, theirs: TcJson, names: Names, asked?: string): string[] {
  const seen: string[] = [];
  const eq = (name: string, a: unknown, b: unknown): void => {
    expect(a, `filter ${theirs.kind} pref ${theirs.pref} ${theirs.options?.fh ?? theirs.options?.handle ?? ''} ${name}`).toEqual(b);
    seen.push(name);
  };
  eq('parent', parentOf(ours), theirs.parent ?? asked);
  eq('protocol', filterProtocolName(ours), theirs.protocol);
  eq('pref', filterPrio(ours), theirs.pref);
  eq('kind', ours.attrs.kind, theirs.kind);
  eq('chain', ours.attrs.chain, theirs.chain);
  const o = theirs.options as TcJson | undefined;
  if (!o) {
    eq('options', ours.attrs.options, undefined);
    return seen;
  }
  if (theirs.kind === 'u32') {
    const u = filterOptionsOf(ours, 'u32')!;
    const h = ours.header.handle >>> 0;
    eq('fh', handleOf(ours), o.fh);
    if (u.divisor !== undefined) eq('ht_divisor', u.divisor, o.ht_divisor);
    else {
      eq('order', h & 0xfff, o.order);
      eq('key_ht', (u.hash! >>> 20).toString(16), o.key_ht);
      eq('bkt', ((u.hash! >>> 12) & 0xff).toString(16), o.bkt);
      eq('flowid', u.classid === undefined ? undefined : formatHandle(u.classid), o.flowid);
      eq('not_in_hw', u.flags?.includes('notInHw') ?? false, o.not_in_hw ?? false);
      const keys = all(o, 'match');
      eq('match count', u.sel?.keys.length, keys.length);
      u.sel?.keys.forEach((k, i) => {
        eq(`match[${i}].value`, (k.val >>> 0).toString(16), keys[i].value);
        eq(`match[${i}].mask`, (k.mask >>> 0).toString(16), keys[i].mask);
        eq(`match[${i}].offmask`, k.offmask ? 'nexthdr+' : '', keys[i].offmask);
        eq(`match[${i}].off`, k.off, keys[i].off);
      });
      const acts = (o.actions ?? []) as TcJson[];
      eq('actions count', u.act?.length ?? 0, acts.length);
      u.act?.forEach((a, i) => seen.push(...compareAction(a, acts[i]!, i + 1, names).map((n) => `actions[${i}].${n}`)));
    }
  } else if (theirs.kind === 'bpf') {
    const b = filterOptionsOf(ours, 'bpf')!;
    eq('handle', handleOf(ours), o.handle);
    eq('flowid', b.classid === undefined ? undefined : formatHandle(b.classid), o.flowid);
    eq('not_in_hw', b.flagsGen?.includes('notInHw') ?? false, o.not_in_hw ?? false);
    eq('bytecode.length', b.opsLen, o.bytecode?.length);
    eq('bytecode.insns', b.ops, o.bytecode?.insns);
  }
  return seen;
}
