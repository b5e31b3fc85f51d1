/**
 * Reading decoded tc messages: the message types by object, the options and
 * statistics of one kind typed as that kind's schema, handles and parents
 * as tc prints them, a filter's priority and protocol, and the htb and tbf
 * parameters in the units `tc -d` shows (bursts in bytes, latency in µs).
 */
import type { AttrValues, Decoded, MessageOf } from '@nlkit/core';
import type { Tc } from './family.js';
import type { FilterKinds, actAttrs, actionKinds, classKinds, classXstatsKinds, qdiscKinds, qdiscXstatsKinds } from './kinds.js';
import { TC_H_ROOT, formatHandle } from './util/handle.js';
import { DEFAULT_CLOCK, calcXmitsize, type TcClock } from './util/rate.js';
import { formatEthertype, formatU32Handle } from './util/show.js';

/** A qdisc (`RTM_NEWQDISC`): `struct tcmsg` in `header`, `TCA_*` in `attrs`. */
export type QdiscMessage = MessageOf<Tc, 'RTM_NEWQDISC'>;
/** A class (`RTM_NEWTCLASS`). */
export type ClassMessage = MessageOf<Tc, 'RTM_NEWTCLASS'>;
/** A filter (`RTM_NEWTFILTER`). */
export type FilterMessage = MessageOf<Tc, 'RTM_NEWTFILTER'>;
/** A chain (`RTM_NEWCHAIN`). */
export type ChainMessage = MessageOf<Tc, 'RTM_NEWCHAIN'>;
/** One decoded action (`tc-act-attrs`): an entry of `TCA_ROOT_TAB` or of a filter's action list. */
export type ActionValue = AttrValues<typeof actAttrs.defs>;

/** What the readers need of a decoded tc message: its type, `struct tcmsg` and `TCA_KIND`. */
export interface TcMessageLike {
  /** `nlmsg_type` (`RTM_NEWQDISC`, `RTM_NEWTCLASS`, `RTM_NEWTFILTER`, …). */
  readonly type: number;
  /** The `struct tcmsg` fields the readers use. */
  readonly header: {
    /** `tcm_handle`. */
    readonly handle: number;
    /** `tcm_parent`. */
    readonly parent: number;
    /** `tcm_info` (a filter's priority and protocol). */
    readonly info: number;
  };
  /** The `TCA_*` attributes the readers use. */
  readonly attrs: {
    /** `TCA_KIND`. */
    readonly kind?: string;
    /** `TCA_OPTIONS`, decoded for the kind (bytes for a kind without a schema). */
    readonly options?: unknown;
    /** `TCA_XSTATS`: the kind's own statistics. */
    readonly xstats?: unknown;
    /** `TCA_STATS2`. */
    readonly stats2?: {
      /** `TCA_STATS_APP`: the kind's own statistics. */
      readonly app?: unknown;
    };
  };
}

/** What the options readers need of a decoded qdisc, class or filter: `TCA_KIND` and `TCA_OPTIONS`. */
export interface TcOptionsLike {
  /** The `TCA_*` attributes the readers use. */
  readonly attrs: {
    /** `TCA_KIND`. */
    readonly kind?: string;
    /** `TCA_OPTIONS`, decoded for the kind. */
    readonly options?: unknown;
  };
}
/** What the statistics readers need of a decoded qdisc or class: `TCA_KIND`, `TCA_XSTATS`, `TCA_STATS2`. */
export interface TcStatsLike {
  /** The `TCA_*` attributes the readers use. */
  readonly attrs: {
    /** `TCA_KIND`. */
    readonly kind?: string;
    /** `TCA_XSTATS`: the kind's own statistics. */
    readonly xstats?: unknown;
    /** `TCA_STATS2`. */
    readonly stats2?: {
      /** `TCA_STATS_APP`: the kind's own statistics (preferred to `xstats`). */
      readonly app?: unknown;
    };
  };
}

/** The options when `kind` matches and were decoded (not left as bytes). */
function optionsIf(m: TcOptionsLike, kind: string): unknown {
  const o = m.attrs.options;
  return m.attrs.kind === kind && !(o instanceof Uint8Array) ? o : undefined;
}

/** `TCA_STATS2`/`TCA_STATS_APP`, else `TCA_XSTATS`, when `kind` matches and they were decoded. */
function xstatsIf(m: TcStatsLike, kind: string): unknown {
  if (m.attrs.kind !== kind) return undefined;
  const x = m.attrs.stats2?.app ?? m.attrs.xstats;
  return x instanceof Uint8Array ? undefined : x;
}

/**
 * A qdisc's `TCA_OPTIONS` typed as kind `kind`'s, or undefined when the
 * qdisc is of another kind (or has none).
 *
 * ```ts
 * const htb = qdiscOptionsOf(q, 'htb');
 * if (htb) console.log(htb.init?.defcls, htb.directQlen); // TCA_HTB_INIT, TCA_HTB_DIRECT_QLEN
 * ```
 */
export function qdiscOptionsOf<K extends keyof typeof qdiscKinds>(qdisc: TcOptionsLike, kind: K): Decoded<(typeof qdiscKinds)[K]> | undefined {
  return optionsIf(qdisc, kind) as Decoded<(typeof qdiscKinds)[K]> | undefined;
}

/**
 * A class's `TCA_OPTIONS` typed as kind `kind`'s (the kind of its qdisc).
 *
 * ```ts
 * const o = classOptionsOf(c, 'htb');
 * o?.parms?.prio; // TCA_HTB_PARMS
 * ```
 */
export function classOptionsOf<K extends keyof typeof classKinds>(cls: TcOptionsLike, kind: K): Decoded<(typeof classKinds)[K]> | undefined {
  return optionsIf(cls, kind) as Decoded<(typeof classKinds)[K]> | undefined;
}

/**
 * A filter's `TCA_OPTIONS` typed as classifier `kind`'s.
 *
 * ```ts
 * const u32 = filterOptionsOf(f, 'u32');
 * u32?.sel?.keys; // TCA_U32_SEL
 * ```
 */
export function filterOptionsOf<K extends keyof FilterKinds>(filter: TcOptionsLike, kind: K): Decoded<FilterKinds[K]> | undefined {
  return optionsIf(filter, kind) as Decoded<FilterKinds[K]> | undefined;
}

/**
 * An action's `TCA_ACT_OPTIONS` typed as kind `kind`'s. An action is one
 * `tc-act-attrs` entry (of `TCA_ROOT_TAB`, or of a filter's action list), not a message.
 *
 * ```ts
 * const m = actionOptionsOf(a, 'mirred');
 * m?.parms?.ifindex; // TCA_MIRRED_PARMS
 * ```
 */
export function actionOptionsOf<K extends keyof typeof actionKinds>(action: { readonly kind?: string; readonly options?: unknown }, kind: K): Decoded<(typeof actionKinds)[K]> | undefined {
  return optionsIf({ attrs: action }, kind) as Decoded<(typeof actionKinds)[K]> | undefined;
}

/**
 * An action's index: `TCA_ACT_INDEX` when the kernel sent it (terse dumps),
 * else the `index` of its parameters (`tc_gen`'s, or `struct tc_police`'s),
 * where full dumps carry it.
 *
 * ```ts
 * for (const a of actions) console.log(a.kind, actionIndex(a));
 * ```
 */
export function actionIndex(action: { readonly index?: number; readonly options?: unknown }): number | undefined {
  if (action.index !== undefined) return action.index;
  const o = action.options as { parms?: { index?: unknown }; tbf?: { index?: unknown } } | undefined;
  const i = o?.parms?.index ?? o?.tbf?.index;
  return typeof i === 'number' ? i : undefined;
}

/**
 * A qdisc's kind-specific statistics (`TCA_STATS_APP` in `TCA_STATS2`, else
 * `TCA_XSTATS`) typed as kind `kind`'s.
 *
 * ```ts
 * qdiscXstatsOf(q, 'fq_codel')?.qdiscStats?.dropOverlimit;
 * ```
 */
export function qdiscXstatsOf<K extends keyof typeof qdiscXstatsKinds>(qdisc: TcStatsLike, kind: K): Decoded<(typeof qdiscXstatsKinds)[K]> | undefined {
  return xstatsIf(qdisc, kind) as Decoded<(typeof qdiscXstatsKinds)[K]> | undefined;
}

/**
 * A class's kind-specific statistics typed as kind `kind`'s (`struct
 * tc_htb_xstats` for htb: lends, borrows, giants, tokens, ctokens).
 *
 * ```ts
 * classXstatsOf(c, 'htb')?.tokens;
 * ```
 */
export function classXstatsOf<K extends keyof typeof classXstatsKinds>(cls: TcStatsLike, kind: K): Decoded<(typeof classXstatsKinds)[K]> | undefined {
  return xstatsIf(cls, kind) as Decoded<(typeof classXstatsKinds)[K]> | undefined;
}

const isQdisc = (t: number): boolean => t >= 36 && t <= 38;
const isClass = (t: number): boolean => t >= 40 && t <= 42;

/**
 * The handle of a qdisc, class or filter as tc prints it: a qdisc's major
 * (`1:`, `ffff:`, `0:` for a default qdisc), a class id (`1:10`), a filter's
 * handle in its classifier's notation (`800::800` for u32, hex for the
 * others, `0x1`). A filter message with handle 0 (the header of a priority
 * band) gives `''`.
 *
 * ```ts
 * handleOf(qdisc);  // '1:'
 * handleOf(cls);    // '1:10'
 * handleOf(filter); // '800::800'
 * ```
 */
export function handleOf(m: TcMessageLike): string {
  const h = m.header.handle >>> 0;
  if (isQdisc(m.type)) return `${(h >>> 16).toString(16)}:`;
  if (isClass(m.type)) return formatHandle(h);
  if (h === 0) return '';
  return m.attrs.kind === 'u32' ? formatU32Handle(h) : `0x${h.toString(16)}`;
}

/**
 * The parent as tc prints it: `root` (`TC_H_ROOT`), else a class id
 * (`1:`, `1:10`, `ffff:fff1` for the ingress and clsact qdiscs).
 *
 * ```ts
 * parentOf(cls); // '1:1' (or 'root' for a top-level class)
 * ```
 */
export function parentOf(m: TcMessageLike): string {
  const p = m.header.parent >>> 0;
  return p === TC_H_ROOT ? 'root' : formatHandle(p);
}

/** A filter's priority (`pref`): the major half of `tcm_info`. */
export function filterPrio(f: { readonly header: { readonly info: number } }): number {
  return f.header.info >>> 16;
}

/** A filter's protocol as an ethertype in host order: the minor half of `tcm_info`, which is big-endian. */
export function filterProtocol(f: { readonly header: { readonly info: number } }): number {
  const be = f.header.info & 0xffff;
  return ((be & 0xff) << 8) | (be >>> 8);
}

/**
 * A filter's protocol as tc prints it (`ip`, `ipv6`, `all`, `802.1Q`, `[N]`).
 *
 * ```ts
 * filterProtocolName(f); // 'ip'
 * ```
 */
export function filterProtocolName(f: { readonly header: { readonly info: number } }): string {
  return formatEthertype(filterProtocol(f));
}

/** `TC_LINKLAYER_*` by name, as tc prints them. */
function linklayerName(l: number): 'unaware' | 'ethernet' | 'atm' | `${number}` {
  const n = l & 0x0f;
  return n === 0 ? 'unaware' : n === 1 ? 'ethernet' : n === 2 ? 'atm' : `${n}`;
}

/** An htb class's parameters in the units `tc -d class show` prints them. */
export interface HtbClassParams {
  /** Bytes per second (`TCA_HTB_RATE64` when present, else the 32-bit rate). */
  rate: bigint;
  /** Bytes per second. */
  ceil: bigint;
  /** Bytes: the bucket of `rate`, from `buffer` ticks (`tc_calc_xmitsize`). */
  burst: number;
  /** Bytes: the bucket of `ceil`. */
  cburst: number;
  /** The raw bucket sizes in scheduler ticks (`TCA_HTB_PARMS` `buffer`, `cbuffer`). */
  buffer: number;
  /** The ceil bucket in scheduler ticks (`TCA_HTB_PARMS` `cbuffer`). */
  cbuffer: number;
  /** Cell sizes of the rate and ceil tables (`1 << cell_log`), shown after the bursts (`1593b/1`). */
  cell: number;
  /** Cell size of the ceil table. */
  ccell: number;
  /** `prio`: priority for spare bandwidth (`tc_htb_opt.prio`). */
  prio: number;
  /** `quantum`, bytes (`tc_htb_opt.quantum`). */
  quantum: number;
  /** 0 for a leaf; an inner class is 7 when idle. */
  level: number;
  /** `mpu` of the rate table, bytes. */
  mpu: number;
  /** `mpu` of the ceil table, bytes. */
  cmpu: number;
  /** `overhead` of the rate table, bytes. */
  overhead: number;
  /** The rate table's link layer, as tc names it (`ethernet`, `atm`). */
  linklayer: string;
}

/**
 * The parameters of an htb class (`TCA_HTB_PARMS`, `TCA_HTB_RATE64`,
 * `TCA_HTB_CEIL64`) as `tc -d class show` computes them; undefined for a
 * class of another kind. `clock` must be the kernel's (`/proc/net/psched`,
 * see `clockFromPsched`) for the bursts to match tc's.
 *
 * ```ts
 * const p = htbClassParams(cls);
 * console.log(formatRate(p.rate), formatSize(p.burst)); // '30Mbit' '1593b'
 * ```
 */
export function htbClassParams(cls: TcOptionsLike, clock: TcClock = DEFAULT_CLOCK): HtbClassParams | undefined {
  const o = classOptionsOf(cls, 'htb');
  const p = o?.parms;
  if (!o || !p) return undefined;
  const rate = o.rate64 ?? BigInt(p.rate.rate);
  const ceil = o.ceil64 ?? BigInt(p.ceil.rate);
  return {
    rate,
    ceil,
    burst: calcXmitsize(rate, p.buffer, clock),
    cburst: calcXmitsize(ceil, p.cbuffer, clock),
    buffer: p.buffer,
    cbuffer: p.cbuffer,
    cell: 2 ** p.rate.cellLog,
    ccell: 2 ** p.ceil.cellLog,
    prio: p.prio,
    quantum: p.quantum,
    level: p.level,
    mpu: p.rate.mpu,
    cmpu: p.ceil.mpu,
    overhead: p.rate.overhead,
    linklayer: linklayerName(p.rate.linklayer),
  };
}

/** A tbf qdisc's parameters in the units `tc -d qdisc show` prints them. */
export interface TbfParams {
  /** Bytes per second. */
  rate: bigint;
  /** Bytes: the bucket, from `buffer` ticks. */
  burst: number;
  /** The bucket in scheduler ticks (`burst_raw` with `tc -r`). */
  buffer: number;
  /** Cell size of the rate table. */
  cell: number;
  /** Queue limit in bytes. */
  limit: number;
  /** Microseconds a packet may wait, as tc derives it from the limit (tc's `lat`); negative when the limit is below the burst. */
  latency: number;
  /** `mpu` of the rate table, bytes. */
  mpu: number;
  /** The rate table's link layer, as tc names it (`ethernet`, `atm`). */
  linklayer: string;
  /** Bytes per second of the peak rate, when one is set. */
  peakrate?: bigint;
  /** Bytes: the peak bucket, when a peak rate is set. */
  mtu?: number;
}

/**
 * The parameters of a tbf qdisc (`TCA_TBF_PARMS`, `TCA_TBF_RATE64`,
 * `TCA_TBF_PRATE64`) as `tc -d qdisc show` computes them; undefined for a
 * qdisc of another kind.
 *
 * ```ts
 * const t = tbfParams(q); // { rate: 125000n, burst: 32768, limit: 39018, latency: 50000, ... }
 * ```
 */
export function tbfParams(qdisc: TcOptionsLike, clock: TcClock = DEFAULT_CLOCK): TbfParams | undefined {
  const o = qdiscOptionsOf(qdisc, 'tbf');
  const p = o?.parms;
  if (!o || !p) return undefined;
  const rate = o.rate64 ?? BigInt(p.rate.rate);
  const prate = o.prate64 ?? BigInt(p.peakrate.rate);
  const tick2time = (t: number): number => (clock.rounding === 'ceil' ? t / clock.tickInUsec : Math.trunc(t / clock.tickInUsec));
  let latency = (1e6 * p.limit) / Number(rate) - tick2time(p.buffer);
  if (prate) latency = Math.max(latency, (1e6 * p.limit) / Number(prate) - tick2time(p.mtu));
  const out: TbfParams = {
    rate,
    burst: calcXmitsize(rate, p.buffer, clock),
    buffer: p.buffer,
    cell: 2 ** p.rate.cellLog,
    limit: p.limit,
    latency,
    mpu: p.rate.mpu,
    linklayer: linklayerName(p.rate.linklayer),
  };
  if (prate) {
    out.peakrate = prate;
    out.mtu = calcXmitsize(prate, p.mtu, clock);
  }
  return out;
}
