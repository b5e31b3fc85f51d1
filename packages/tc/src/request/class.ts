/**
 * Class requests from friendly specs (`classRequest('add', { kind: 'htb',
 * index: 2, parent: '1:', classid: '1:10', rate: '10mbit', ceil: '20mbit' })`),
 * with htb's rates, bursts and rate tables computed as `tc class add … htb …`
 * computes them (q_htb.c).
 */
import type { InputOf } from '@nlkit/core';
import type { Tc } from '../family.js';
import { parseClassid, parseParent, type Handle } from '../util/handle.js';
import { DEFAULT_CLOCK, calcRtable, calcXmittime, rate32, type TcClock } from '../util/rate.js';
import { parseRate, parseSizeAndCell, type Linklayer } from '../util/units.js';
import { opFlags, opKind, type EstimatorSpec, type TcOp } from './common.js';

/** What every class spec carries. */
interface ClassCommon {
  /** The device's ifindex. */
  index: number;
  /** The parent qdisc or class (`1:`, `1:1`). */
  parent?: Handle;
  /** This class (`1:10`). */
  classid?: Handle;
  /** `estimator INTERVAL TIME_CONST`: a rate estimator (`TCA_RATE`). */
  estimator?: EstimatorSpec;
}

/** An htb class: tc's `rate`, `ceil`, `burst`, `cburst`, `prio`, `quantum`, `mtu`, `mpu`, `overhead`, `linklayer`. */
export interface HtbClassSpec extends ClassCommon {
  /** `TCA_KIND`. */
  kind: 'htb';
  /** `rate` (`TCA_HTB_PARMS` rate, `TCA_HTB_RATE64` from 2^32 bytes/s): a tc rate string (`'10mbit'`; no unit means bit/s) or a number of bytes per second. Required. */
  rate: string | number | bigint;
  /** Defaults to the rate. */
  ceil?: string | number | bigint;
  /** Bytes (`'15k'`, optionally `/cell`); default rate/hz + mtu. */
  burst?: string | number;
  /** `cburst`: the burst at ceil rate, bytes (`'15k'`, optionally `/cell`); default ceil/hz + mtu. */
  cburst?: string | number;
  /** `prio N`: priority for spare bandwidth, lower first (`tc_htb_opt.prio`); default 0. */
  prio?: number;
  /** `quantum BYTES` (`tc_htb_opt.quantum`); 0, the default, lets the kernel derive it from the rate and `r2q`. */
  quantum?: number;
  /** Largest packet the rate tables cover (tc's default 1600). */
  mtu?: number;
  /** `mpu`: minimum packet size the rate tables charge, bytes (0..65535). */
  mpu?: number;
  /** `overhead`: bytes added to each packet's size (0..65535). */
  overhead?: number;
  /** `linklayer`: `ethernet` (the default) or `atm`. */
  linklayer?: Linklayer;
}

/** A drr class: its quantum in bytes. */
export interface DrrClassSpec extends ClassCommon {
  /** `TCA_KIND`. */
  kind: 'drr';
  /** `quantum BYTES` (`TCA_DRR_QUANTUM`); the kernel's default (the device MTU) when omitted. */
  quantum?: number;
}

/** A qfq class: weight and largest packet. */
export interface QfqClassSpec extends ClassCommon {
  /** `TCA_KIND`. */
  kind: 'qfq';
  /** `weight N` (`TCA_QFQ_WEIGHT`). */
  weight?: number;
  /** `maxpkt BYTES`: largest packet of the class (`TCA_QFQ_LMAX`). */
  maxpkt?: number;
}

/** Any other kind: its `TCA_OPTIONS` as the schema takes them. An empty kind sends no `TCA_KIND`. */
export interface RawClassSpec extends ClassCommon {
  /** `TCA_KIND`; empty to send none. */
  kind: string;
  /** `TCA_OPTIONS`, as the kind's schema takes them; omitted when undefined. */
  options?: unknown;
}

/** A class as the builders take it. */
export type ClassSpec = HtbClassSpec | DrrClassSpec | QfqClassSpec | RawClassSpec;

/** A class request, ready for `encodeMessage(tc, …)`. */
export type ClassRequest = InputOf<Tc, 'RTM_NEWTCLASS' | 'RTM_DELTCLASS' | 'RTM_GETTCLASS'>;

function u16(n: number, what: string): number {
  if (!Number.isInteger(n) || n < 0 || n > 0xffff) throw new RangeError(`${what} must be 0..65535, got ${n}`);
  return n;
}

/**
 * `TCA_OPTIONS` of an htb class as tc computes them: `struct tc_htb_opt` with
 * the bursts in ticks (default burst: rate / hz + mtu bytes), the 256-cell
 * rate and ceil tables, and `TCA_HTB_RATE64`/`TCA_HTB_CEIL64` for rates of
 * 2^32 bytes/s and more.
 */
export function htbClassOptionsFrom(s: Omit<HtbClassSpec, keyof ClassCommon | 'kind'>, clock: TcClock = DEFAULT_CLOCK): Record<string, unknown> {
  const rate64 = parseRate(s.rate);
  if (!rate64) throw new RangeError('htb: "rate" is required');
  const ceil64 = (s.ceil === undefined ? 0n : parseRate(s.ceil)) || rate64;
  const mtu = s.mtu ?? 1600;
  const mpu = u16(s.mpu ?? 0, 'mpu');
  const overhead = u16(s.overhead ?? 0, 'overhead');
  const linklayer = s.linklayer ?? 'ethernet';
  const burst = s.burst === undefined ? { size: 0 } : parseSizeAndCell(s.burst);
  const cburst = s.cburst === undefined ? { size: 0 } : parseSizeAndCell(s.cburst);
  const defaultBurst = (r: bigint): number => Number(BigInt.asUintN(32, r / BigInt(clock.hz) + BigInt(mtu)));
  const buffer = burst.size || defaultBurst(rate64);
  const cbuffer = cburst.size || defaultBurst(ceil64);
  const table = (r: bigint, cellLog: number | undefined) => {
    const t = calcRtable({ rate: rate32(r), mpu, ...(cellLog === undefined ? {} : { cellLog }), mtu, linklayer }, clock);
    return { spec: { cellLog: t.cellLog, linklayer: t.linklayer, overhead, cellAlign: t.cellAlign, mpu, rate: rate32(r) }, table: t.table };
  };
  const rt = table(rate64, burst.cellLog);
  const ct = table(ceil64, cburst.cellLog);
  const o: Record<string, unknown> = {
    parms: {
      rate: rt.spec,
      ceil: ct.spec,
      buffer: calcXmittime(rate64, buffer, clock),
      cbuffer: calcXmittime(ceil64, cbuffer, clock),
      quantum: s.quantum ?? 0,
      level: 0,
      prio: s.prio ?? 0,
    },
    rtab: rt.table,
    ctab: ct.table,
  };
  if (rate64 >= 1n << 32n) o.rate64 = rate64;
  if (ceil64 >= 1n << 32n) o.ceil64 = ceil64;
  return o;
}

function classOptions(spec: ClassSpec, clock: TcClock): unknown {
  switch (spec.kind) {
    case 'htb': return htbClassOptionsFrom(spec as HtbClassSpec, clock);
    case 'drr': {
      const s = spec as DrrClassSpec;
      return s.quantum === undefined ? {} : { quantum: s.quantum };
    }
    case 'qfq': {
      const s = spec as QfqClassSpec;
      return { ...(s.weight === undefined ? {} : { weight: s.weight }), ...(s.maxpkt === undefined ? {} : { lmax: s.maxpkt }) };
    }
    default:
      return (spec as RawClassSpec).options;
  }
}

/** A class request (`tc class add dev … parent 1: classid 1:10 htb rate 10mbit`). */
export function classRequest(op: Exclude<TcOp, 'link'>, spec: ClassSpec, clock: TcClock = DEFAULT_CLOCK): ClassRequest {
  const header = {
    family: 0,
    ifindex: spec.index,
    handle: spec.classid === undefined ? 0 : typeof spec.classid === 'number' ? spec.classid : parseClassid(spec.classid),
    parent: spec.parent === undefined ? 0 : parseParent(spec.parent, 'qdisc'),
    info: 0,
  };
  const attrs: Record<string, unknown> = spec.kind ? { kind: spec.kind } : {};
  if (opKind(op) === 'NEW') {
    const options = classOptions(spec, clock);
    if (options !== undefined) attrs.options = options;
    if (spec.estimator) attrs.rate = spec.estimator;
  }
  return { name: `RTM_${opKind(op)}TCLASS`, flags: opFlags(op), header, attrs } as ClassRequest;
}
