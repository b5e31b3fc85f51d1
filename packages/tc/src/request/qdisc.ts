/**
 * Qdisc requests from friendly specs (`qdiscRequest('add', { kind: 'htb',
 * index: 2, handle: '1:', parent: 'root', default: 0x10 })`), with each
 * kind's options computed as `tc qdisc add … KIND …` computes them.
 */
import type { InputOf } from '@nlkit/core';
import type { Tc } from '../family.js';
import { TC_H_INGRESS, parseParent, toHandle, type Handle } from '../util/handle.js';
import { DEFAULT_CLOCK, calcRtable, calcXmittime, rate32, type TcClock } from '../util/rate.js';
import { parseRate, parseSize, parseSizeAndCell, parseTime, type Linklayer } from '../util/units.js';
import { opFlags, opKind, type EstimatorSpec, type TcOp } from './common.js';

/** What every qdisc spec carries. */
interface QdiscCommon {
  /** The device's ifindex. */
  index: number;
  /** `handle 1:` (a qdisc handle; the minor is ignored as tc ignores it). */
  handle?: Handle;
  /** `root` (the default), `ingress`, `clsact`, or a class (`1:10`). */
  parent?: Handle;
  /** `estimator INTERVAL TIME_CONST`: a rate estimator (`TCA_RATE`). */
  estimator?: EstimatorSpec;
  /** `ingress_block N`: the shared block of the ingress hook (`TCA_INGRESS_BLOCK`; ingress, clsact). */
  ingressBlock?: number;
  /** `egress_block N`: the shared block of the egress hook (`TCA_EGRESS_BLOCK`; clsact). */
  egressBlock?: number;
}

/** `htb` qdisc: `default` class minor, `r2q`, `direct_qlen`, `offload`. */
export interface HtbQdiscSpec extends QdiscCommon {
  /** `TCA_KIND`. */
  kind: 'htb';
  /** `default N`: minor of the class unclassified traffic goes to (`TCA_HTB_INIT` `defcls`); 0, the default, sends it out directly. */
  default?: number;
  /** `r2q N`: divisor of a class's rate that gives its default quantum (`rate2quantum`); tc's default 10. */
  r2q?: number;
  /** `direct_qlen N`: length of the direct queue (`TCA_HTB_DIRECT_QLEN`), packets. */
  directQlen?: number;
  /** `offload`: offload to hardware (`TCA_HTB_OFFLOAD`). */
  offload?: boolean;
}

/** `tbf`: rate, burst and either latency or limit. */
export interface TbfSpec extends QdiscCommon {
  /** `TCA_KIND`. */
  kind: 'tbf';
  /** `rate` (`TCA_TBF_PARMS` rate, `TCA_TBF_RATE64` above 32 bits): a tc rate string (`'10mbit'`; no unit means bit/s) or a number of bytes per second. */
  rate: string | number | bigint;
  /** Bucket size, optionally with a cell size (`'32kb'`, `'32kb/8'`). */
  burst: string | number;
  /** Longest a packet may wait (`'50ms'`); sets the limit. */
  latency?: string | number;
  /** Queue limit in bytes. */
  limit?: string | number;
  /** `peakrate` (`TCA_TBF_PARMS` peakrate, `TCA_TBF_PRATE64`): a tc rate string (`'10mbit'`; no unit means bit/s) or a number of bytes per second; needs `mtu`. */
  peakrate?: string | number | bigint;
  /** Peak bucket size (needed with `peakrate`), optionally with a cell size. */
  mtu?: string | number;
  /** `mpu`: minimum packet size the rate tables charge, a tc size (bytes). */
  mpu?: string | number;
  /** `overhead`: bytes added to each packet's size by the rate tables. */
  overhead?: number;
  /** `linklayer`: `ethernet` (the default) or `atm` (sizes rounded up to 53-byte cells). */
  linklayer?: Linklayer;
}

/** A probability as tc writes it: a percentage (`1` or `'1%'` or `'0.5%'`). */
export type Percent = number | string;

/** `netem`: delay, jitter, loss, duplication, rate. */
export interface NetemSpec extends QdiscCommon {
  /** `TCA_KIND`. */
  kind: 'netem';
  /** Packets (tc's default 1000). */
  limit?: number;
  /** `delay TIME`: added latency (`tc_netem_qopt.latency`), a tc time (`'100ms'`; a number is µs). */
  delay?: string | number;
  /** `delay TIME JITTER`: random variation of the delay (`tc_netem_qopt.jitter`), a tc time. */
  jitter?: string | number;
  /** Correlation of successive delays (`TCA_NETEM_CORR` `delay_corr`). */
  delayCorrelation?: Percent;
  /** `loss random PERCENT`: probability of dropping a packet (`tc_netem_qopt.loss`). */
  loss?: Percent;
  /** Correlation of successive losses (`TCA_NETEM_CORR` `loss_corr`). */
  lossCorrelation?: Percent;
  /** `duplicate PERCENT`: probability of duplicating a packet (`tc_netem_qopt.duplicate`). */
  duplicate?: Percent;
  /** Correlation of successive duplications (`TCA_NETEM_CORR` `dup_corr`). */
  duplicateCorrelation?: Percent;
  /** `rate RATE` (`TCA_NETEM_RATE`, `TCA_NETEM_RATE64` above 32 bits): a tc rate string (`'10mbit'`; no unit means bit/s) or a number of bytes per second. */
  rate?: string | number | bigint;
}

/** `fq_codel`. Times like `'5ms'`, sizes like `'1514'` or `'32mb'`. */
export interface FqCodelSpec extends QdiscCommon {
  /** `TCA_KIND`. */
  kind: 'fq_codel';
  /** `limit N`: queue limit in packets (`TCA_FQ_CODEL_LIMIT`). */
  limit?: number;
  /** `flows N`: number of flow queues (`TCA_FQ_CODEL_FLOWS`). */
  flows?: number;
  /** `target TIME`: acceptable minimum queue delay (`TCA_FQ_CODEL_TARGET`, µs). */
  target?: string | number;
  /** `interval TIME`: the CoDel interval (`TCA_FQ_CODEL_INTERVAL`, µs). */
  interval?: string | number;
  /** `quantum BYTES`: bytes dequeued per flow per round (`TCA_FQ_CODEL_QUANTUM`). */
  quantum?: string | number;
  /** `ce_threshold TIME`: delay above which ECT packets are CE-marked (`TCA_FQ_CODEL_CE_THRESHOLD`, µs). */
  ceThreshold?: string | number;
  /** `memory_limit BYTES`: memory the queues may use (`TCA_FQ_CODEL_MEMORY_LIMIT`). */
  memoryLimit?: string | number;
  /** `drop_batch N`: packets dropped at once when over limit (`TCA_FQ_CODEL_DROP_BATCH_SIZE`). */
  dropBatch?: number;
  /** `ecn`/`noecn`: mark instead of drop (`TCA_FQ_CODEL_ECN`). */
  ecn?: boolean;
}

/** `prio` and `pfifo_fast`: bands and the priority map (tc's defaults: 3 bands, the standard map). */
export interface PrioSpec extends QdiscCommon {
  /** `TCA_KIND`. */
  kind: 'prio' | 'pfifo_fast';
  /** `bands N` (`tc_prio_qopt.bands`); default 3. */
  bands?: number;
  /** `priomap P0 … P15`: the band of each `TC_PRIO_*` priority (`tc_prio_qopt.priomap`, 16 entries). */
  priomap?: readonly number[];
}

/** `pfifo`, `bfifo`, `pfifo_head_drop`: the limit (packets, bytes for bfifo). */
export interface FifoSpec extends QdiscCommon {
  /** `TCA_KIND`. */
  kind: 'pfifo' | 'bfifo' | 'pfifo_head_drop';
  /** `limit N` (`tc_fifo_qopt.limit`): packets, or a tc size in bytes for `bfifo`; the kernel's default when omitted. */
  limit?: string | number;
}

/** `sfq`. */
export interface SfqSpec extends QdiscCommon {
  /** `TCA_KIND`. */
  kind: 'sfq';
  /** `quantum BYTES`: bytes dequeued per flow per round (`tc_sfq_qopt.quantum`; 0: the device MTU). */
  quantum?: string | number;
  /** Seconds between hash perturbations. */
  perturb?: number;
  /** `limit N`: queue limit in packets (`tc_sfq_qopt.limit`; 0: the kernel's default). */
  limit?: number;
  /** `divisor N`: hash table size (`tc_sfq_qopt.divisor`; 0: the kernel's default). */
  divisor?: number;
  /** `flows N`: number of flows (`tc_sfq_qopt.flows`; 0: the kernel's default). */
  flows?: number;
  /** `depth N`: packets per flow (`tc_sfq_qopt_v1.depth`; 0: the kernel's default). */
  depth?: number;
  /** `headdrop`: drop from the head of a full flow instead of the tail. */
  headdrop?: boolean;
}

/** `ingress` and `clsact` (parent and handle are implied). */
export interface IngressSpec extends QdiscCommon {
  /** `TCA_KIND`. */
  kind: 'ingress' | 'clsact';
}

/** Any other kind: its `TCA_OPTIONS` as the schema takes them. An empty kind sends no `TCA_KIND` (for `del`, `get`, `dump`). */
export interface RawQdiscSpec extends QdiscCommon {
  /** `TCA_KIND`; empty to send none. */
  kind: string;
  /** `TCA_OPTIONS`, as the kind's schema takes them; omitted when undefined. */
  options?: unknown;
}

/** A qdisc as the builders take it. */
export type QdiscSpec = HtbQdiscSpec | TbfSpec | NetemSpec | FqCodelSpec | PrioSpec | FifoSpec | SfqSpec | IngressSpec | RawQdiscSpec;

/** A qdisc request, ready for `encodeMessage(tc, …)`. */
export type QdiscRequest = InputOf<Tc, 'RTM_NEWQDISC' | 'RTM_DELQDISC' | 'RTM_GETQDISC'>;

/** The standard priority map of `prio` and `pfifo_fast` (`TC_PRIO_*` → band). */
const PRIOMAP = [1, 2, 2, 2, 1, 2, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1] as const;

/** `TCA_OPTIONS` of an htb qdisc: `TCA_HTB_INIT` (version 3, r2q 10 unless given), direct queue length, offload. */
export function htbQdiscOptionsFrom(s: Omit<HtbQdiscSpec, keyof QdiscCommon | 'kind'>): Record<string, unknown> {
  const o: Record<string, unknown> = {
    init: { version: 3, rate2quantum: s.r2q ?? 10, defcls: s.default ?? 0, debug: 0, directPkts: 0 },
  };
  if (s.directQlen !== undefined) o.directQlen = s.directQlen;
  if (s.offload) o.offload = true;
  return o;
}

/** `TCA_OPTIONS` of tbf as `tc qdisc add … tbf …` computes them (q_tbf.c). */
export function tbfOptionsFrom(s: Omit<TbfSpec, keyof QdiscCommon | 'kind'>, clock: TcClock = DEFAULT_CLOCK): Record<string, unknown> {
  const rate64 = parseRate(s.rate);
  const prate64 = s.peakrate === undefined ? 0n : parseRate(s.peakrate);
  const burst = parseSizeAndCell(s.burst);
  const mtu = s.mtu === undefined ? { size: 0 } : parseSizeAndCell(s.mtu);
  const mpu = s.mpu === undefined ? 0 : parseSize(s.mpu);
  const overhead = s.overhead ?? 0;
  if (!rate64) throw new RangeError('tbf: "rate" is required');
  if (!burst.size) throw new RangeError('tbf: "burst" is required');
  if (prate64 && !mtu.size) throw new RangeError('tbf: "peakrate" requires "mtu"');
  if ((s.latency === undefined) === (s.limit === undefined)) throw new RangeError('tbf: give one of "latency" and "limit"');
  let limit = s.limit === undefined ? 0 : parseSize(s.limit);
  if (s.latency !== undefined) {
    const latency = parseTime(s.latency);
    let lim = (Number(rate64) * latency) / 1e6 + burst.size;
    if (prate64) lim = Math.min(lim, (Number(prate64) * latency) / 1e6 + mtu.size);
    limit = u32Trunc(lim);
  }
  const linklayer = s.linklayer ?? 'ethernet';
  const spec = (rate: number, cellLog: number | undefined): { r: Record<string, number>; table: number[] } => {
    const t = calcRtable({ rate, mpu: mpu & 0xffff, ...(cellLog === undefined ? {} : { cellLog }), mtu: mtu.size, linklayer }, clock);
    return { r: { cellLog: t.cellLog, linklayer: t.linklayer, overhead, cellAlign: t.cellAlign, mpu: mpu & 0xffff, rate }, table: t.table };
  };
  const rate = spec(rate32(rate64), burst.cellLog);
  const peak = prate64 ? spec(rate32(prate64), mtu.cellLog) : undefined;
  const o: Record<string, unknown> = {
    parms: {
      rate: rate.r,
      peakrate: peak?.r ?? { cellLog: 0, linklayer: 0, overhead: 0, cellAlign: 0, mpu: 0, rate: 0 },
      limit,
      buffer: calcXmittime(rate32(rate64), burst.size, clock),
      mtu: peak ? calcXmittime(rate32(prate64), mtu.size, clock) : 0,
    },
    burst: burst.size,
    rtab: rate.table,
  };
  if (rate64 >= 1n << 32n) o.rate64 = rate64;
  if (peak) {
    if (prate64 >= 1n << 32n) o.prate64 = prate64;
    o.pburst = mtu.size;
    o.ptab = peak.table;
  }
  return o;
}

/** A C `(unsigned int)` of a non-negative double. */
function u32Trunc(x: number): number {
  return x >= 0 && x < 2 ** 63 ? Number(BigInt.asUintN(32, BigInt(Math.trunc(x)))) : 0;
}

/** A percentage as netem scales it: `rint(p / 100 * UINT32_MAX)`. */
export function netemProbability(p: Percent): number {
  const n = typeof p === 'number' ? p : Number(p.replace(/%$/, ''));
  if (!(n >= 0 && n <= 100)) throw new RangeError(`percentage must be 0..100, got ${p}`);
  return roundHalfEven((n / 100) * 0xffffffff);
}

/** C `rint` in the default rounding mode (ties to even). */
function roundHalfEven(x: number): number {
  const f = Math.floor(x);
  const d = x - f;
  return d > 0.5 || (d === 0.5 && f % 2 !== 0) ? f + 1 : f;
}

/** `TCA_OPTIONS` of netem as tc computes them: times in scheduler ticks, probabilities scaled to 2^32-1. */
export function netemOptionsFrom(s: Omit<NetemSpec, keyof QdiscCommon | 'kind'>, clock: TcClock = DEFAULT_CLOCK): Record<string, unknown> {
  const ticks = (t: string | number): number => u32Trunc(parseTime(t) * clock.tickInUsec);
  const header = {
    latency: s.delay === undefined ? 0 : ticks(s.delay),
    limit: s.limit ?? 1000,
    loss: s.loss === undefined ? 0 : netemProbability(s.loss),
    gap: 0,
    duplicate: s.duplicate === undefined ? 0 : netemProbability(s.duplicate),
    jitter: s.jitter === undefined ? 0 : ticks(s.jitter),
  };
  const attrs: Record<string, unknown> = {};
  if (s.delayCorrelation !== undefined || s.lossCorrelation !== undefined || s.duplicateCorrelation !== undefined) {
    attrs.corr = {
      delayCorr: s.delayCorrelation === undefined ? 0 : netemProbability(s.delayCorrelation),
      lossCorr: s.lossCorrelation === undefined ? 0 : netemProbability(s.lossCorrelation),
      dupCorr: s.duplicateCorrelation === undefined ? 0 : netemProbability(s.duplicateCorrelation),
    };
  }
  if (s.rate !== undefined) {
    const r = parseRate(s.rate);
    if (r >= 1n << 32n) attrs.rate64 = r;
    attrs.rate = { rate: rate32(r), packetOverhead: 0, cellSize: 0, cellOverhead: 0 };
  }
  return { header, attrs };
}

/** `TCA_OPTIONS` of fq_codel: the attributes given, times in µs, sizes in bytes. */
export function fqCodelOptionsFrom(s: Omit<FqCodelSpec, keyof QdiscCommon | 'kind'>): Record<string, unknown> {
  const o: Record<string, unknown> = {};
  if (s.limit !== undefined) o.limit = s.limit;
  if (s.flows !== undefined) o.flows = s.flows;
  if (s.quantum !== undefined) o.quantum = parseSize(s.quantum);
  if (s.dropBatch !== undefined) o.dropBatchSize = s.dropBatch;
  if (s.interval !== undefined) o.interval = parseTime(s.interval);
  if (s.target !== undefined) o.target = parseTime(s.target);
  if (s.ecn !== undefined) o.ecn = s.ecn ? 1 : 0;
  if (s.ceThreshold !== undefined) o.ceThreshold = parseTime(s.ceThreshold);
  if (s.memoryLimit !== undefined) o.memoryLimit = parseSize(s.memoryLimit);
  return o;
}

function qdiscOptions(spec: QdiscSpec, clock: TcClock): unknown {
  switch (spec.kind) {
    case 'htb': return htbQdiscOptionsFrom(spec as HtbQdiscSpec);
    case 'tbf': return tbfOptionsFrom(spec as TbfSpec, clock);
    case 'netem': return netemOptionsFrom(spec as NetemSpec, clock);
    case 'fq_codel': return fqCodelOptionsFrom(spec as FqCodelSpec);
    case 'prio':
    case 'pfifo_fast': {
      const s = spec as PrioSpec;
      return { bands: s.bands ?? 3, priomap: [...(s.priomap ?? PRIOMAP)] };
    }
    case 'pfifo':
    case 'bfifo':
    case 'pfifo_head_drop': {
      const s = spec as FifoSpec;
      return s.limit === undefined ? undefined : { limit: parseSize(s.limit) };
    }
    case 'sfq': {
      const s = spec as SfqSpec;
      return {
        v0: {
          quantum: s.quantum === undefined ? 0 : parseSize(s.quantum),
          perturbPeriod: s.perturb ?? 0,
          limit: s.limit ?? 0,
          divisor: s.divisor ?? 0,
          flows: s.flows ?? 0,
        },
        depth: s.depth ?? 0,
        headdrop: s.headdrop ? 1 : 0,
      };
    }
    case 'ingress':
    case 'clsact':
      return undefined;
    default:
      return (spec as RawQdiscSpec).options;
  }
}

/**
 * A qdisc request (`tc qdisc add dev … root handle 1: htb default 10`):
 * `struct tcmsg` with the handle and parent, `TCA_KIND`, `TCA_OPTIONS`.
 * `ingress`/`clsact` get parent `TC_H_INGRESS` and handle `ffff:` as tc gives them.
 */
export function qdiscRequest(op: TcOp, spec: QdiscSpec, clock: TcClock = DEFAULT_CLOCK): QdiscRequest {
  const ingress = spec.kind === 'ingress' || spec.kind === 'clsact';
  const header = {
    family: 0,
    ifindex: spec.index,
    handle: spec.handle !== undefined ? toHandle(spec.handle) : ingress ? 0xffff0000 : 0,
    parent: ingress ? TC_H_INGRESS : parseParent(spec.parent ?? 'root', 'qdisc'),
    info: 0,
  };
  const attrs: Record<string, unknown> = spec.kind ? { kind: spec.kind } : {};
  if (opKind(op) === 'NEW') {
    const options = qdiscOptions(spec, clock);
    if (options !== undefined) attrs.options = options;
    if (spec.estimator) attrs.rate = spec.estimator;
    if (spec.ingressBlock !== undefined) attrs.ingressBlock = spec.ingressBlock;
    if (spec.egressBlock !== undefined) attrs.egressBlock = spec.egressBlock;
  }
  return { name: `RTM_${opKind(op)}QDISC`, flags: opFlags(op), header, attrs } as QdiscRequest;
}
