/**
 * A policer computed as `tc ... police ...` computes it (iproute2's m_police.c):
 * `struct tc_police` with the burst in ticks, the rate tables, the 64-bit rates
 * and the conform verdict.
 */
import type { AttrInput } from '@nlkit/core';
import type { actPoliceAttrs } from '../action/police.js';
import { TC_ACT, parseControlPair, type Control } from './control.js';
import { DEFAULT_CLOCK, calcRtable, calcXmittime, rate32, type TcClock } from './rate.js';
import { parseRate, parseRate32, parseSize, parseSizeAndCell, type Linklayer } from './units.js';

/** A policer as `tc` takes it: `police rate 1mbit burst 10k conform-exceed drop/ok`. */
export interface PoliceSpec {
  /** Rate (`'1mbit'`, or bytes/s). */
  rate?: string | number | bigint;
  /** Bucket size, optionally with a cell size (`'10k'`, `'10k/8'`). Required with `rate`. */
  burst?: string | number;
  /** Largest packet (`mtu`/`minburst`), optionally with a cell size. Required with `peakrate`. */
  mtu?: string | number;
  /** `peakrate` (`tc_police.peakrate`, `TCA_POLICE_PEAKRATE64` from 2^32 bytes/s): a tc rate string (`'10mbit'`; no unit means bit/s) or a number of bytes per second; needs `rate` and `mtu`. */
  peakrate?: string | number | bigint;
  /** Estimator-based policing rate (needs a rate estimator on the filter). */
  avrate?: string | number;
  /** `mpu`: minimum packet size the rate tables charge, a tc size (bytes). */
  mpu?: string | number;
  /** `overhead`: bytes added to each packet's size (0..65535). */
  overhead?: number;
  /** `linklayer`: `ethernet` (the default) or `atm`. */
  linklayer?: Linklayer;
  /** `conform-exceed EXCEED[/CONFORM]`: `'drop'`, `'drop/ok'`, `['pipe', 'ok']`. The default is `reclassify`. */
  conformExceed?: Control | readonly [Control, Control?];
  /** The policer's index (to share one between filters). */
  index?: number;
  /** Packets per second (`pkts_rate`), instead of `rate`. */
  pktsRate?: number | bigint;
  /** Packets in the bucket (`pkts_burst`). */
  pktsBurst?: number | bigint;
}

/** `TCA_POLICE_*` as the `police` action and a classifier's `police` take them. */
export type PoliceAttrsInput = AttrInput<typeof actPoliceAttrs.defs>;

/** The `TCA_POLICE_*` attributes `tc` sends for `spec`. */
export function policeAttrsFrom(spec: PoliceSpec, clock: TcClock = DEFAULT_CLOCK): PoliceAttrsInput {
  const rate64 = spec.rate === undefined ? 0n : parseRate(spec.rate);
  const prate64 = spec.peakrate === undefined ? 0n : parseRate(spec.peakrate);
  const avrate = spec.avrate === undefined ? 0 : parseRate32(spec.avrate);
  const burst = spec.burst === undefined ? { size: 0 } : parseSizeAndCell(spec.burst);
  const mtu = spec.mtu === undefined ? { size: 0 } : parseSizeAndCell(spec.mtu);
  const mpu = spec.mpu === undefined ? 0 : parseSize(spec.mpu);
  const overhead = spec.overhead ?? 0;
  const pps = spec.pktsRate === undefined ? 0n : BigInt(spec.pktsRate);
  const ppsBurst = spec.pktsBurst === undefined ? 0n : BigInt(spec.pktsBurst);
  if (!Number.isInteger(overhead) || overhead < 0 || overhead > 0xffff) throw new RangeError(`overhead must be 0..65535, got ${overhead}`);
  if (rate64 && avrate) throw new RangeError('police: "rate" and "avrate" exclude each other');
  if (!rate64 && !avrate && !spec.index && !mtu.size && !pps) throw new RangeError('police: "rate", "avrate", "mtu" or "pktsRate" is required');
  if (rate64 && !burst.size && !avrate) throw new RangeError('police: "rate" requires "burst"');
  if (pps && !ppsBurst) throw new RangeError('police: "pktsRate" requires "pktsBurst"');
  if (pps && rate64) throw new RangeError('police: "rate" and "pktsRate" exclude each other');
  if (prate64 && (!rate64 || !mtu.size)) throw new RangeError('police: "peakrate" requires "rate" and "mtu"');

  const control = spec.conformExceed === undefined ? { exceed: TC_ACT.RECLASSIFY } : parseControlPair(spec.conformExceed);
  const linklayer = spec.linklayer ?? 'ethernet';
  const zeroRate = { cellLog: 0, linklayer: 0, overhead: 0, cellAlign: 0, mpu: 0, rate: 0 };
  const ratespec = (rate: bigint, cellLog: number | undefined): { spec: typeof zeroRate; table: number[] } => {
    const t = calcRtable({ rate, mpu: mpu & 0xffff, ...(cellLog === undefined ? {} : { cellLog }), mtu: mtu.size, linklayer }, clock);
    return { spec: { cellLog: t.cellLog, linklayer: t.linklayer, overhead, cellAlign: t.cellAlign, mpu: mpu & 0xffff, rate: rate32(rate) }, table: t.table };
  };
  const r = rate64 ? ratespec(rate64, burst.cellLog) : undefined;
  const p = prate64 ? ratespec(prate64, mtu.cellLog) : undefined;
  const out: PoliceAttrsInput = {
    tbf: {
      index: spec.index ?? 0,
      action: control.exceed,
      limit: 0,
      burst: r ? calcXmittime(rate64, burst.size, clock) : 0,
      mtu: mtu.size,
      rate: r?.spec ?? zeroRate,
      peakrate: p?.spec ?? zeroRate,
      refcnt: 0,
      bindcnt: 0,
      capab: 0,
    },
  };
  if (r) out.rate = r.table;
  if (p) out.peakrate = p.table;
  if (avrate) out.avrate = avrate;
  if (control.conform) out.result = control.conform >>> 0;
  if (rate64 >= 1n << 32n) out.rate64 = rate64;
  if (prate64 >= 1n << 32n) out.peakrate64 = prate64;
  if (pps) {
    out.pktrate64 = pps;
    out.pktburst64 = BigInt(calcXmittime(pps, Number(ppsBurst), clock));
  }
  return out;
}
