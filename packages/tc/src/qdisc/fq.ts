import { attrs, fixedArray, nest, pad, s32, s64, struct, u32, u64, u8 } from '@nlkit/core';
import { arrayOf } from '../codecs.js';
import { tcPrioQopt } from './prio.js';

/** `TCA_FQ_*` (`tc-fq-attrs`): fair queueing with pacing. */
export const fqAttrs = attrs('TCA_FQ_', {
  plimit: { nla: 1, codec: u32 },
  flowPlimit: { nla: 2, codec: u32 },
  quantum: { nla: 3, codec: u32 },
  initialQuantum: { nla: 4, codec: u32 },
  rateEnable: { nla: 5, codec: u32 },
  flowDefaultRate: { nla: 6, codec: u32 },
  flowMaxRate: { nla: 7, codec: u32 },
  bucketsLog: { nla: 8, codec: u32 },
  flowRefillDelay: { nla: 9, codec: u32 },
  orphanMask: { nla: 10, codec: u32 },
  lowRateThreshold: { nla: 11, codec: u32 },
  ceThreshold: { nla: 12, codec: u32 },
  timerSlack: { nla: 13, codec: u32 },
  horizon: { nla: 14, codec: u32 },
  horizonDrop: { nla: 15, codec: u8 },
  priomap: { nla: 16, codec: tcPrioQopt },
  weights: { nla: 17, codec: arrayOf(s32, { max: 3 }) },
}, { name: 'tc-fq-attrs' });

/** `TCA_OPTIONS` of kind `fq` (sch_fq). */
export const fqOptions = nest(fqAttrs);

/** `struct tc_fq_qd_stats` (fq's `TCA_STATS_APP`). */
export const tcFqQdStats = struct('tc_fq_qd_stats', '', {
  gcFlows: u64,
  highprioPackets: u64,
  tcpRetrans: u64,
  throttled: u64,
  flowsPlimit: u64,
  pktsTooLong: u64,
  allocationErrors: u64,
  timeNextDelayedFlow: s64,
  flows: u32,
  inactiveFlows: u32,
  throttledFlows: u32,
  unthrottleLatencyNs: u32,
  ceMark: u64,
  horizonDrops: u64,
  horizonCaps: u64,
  fastpathPackets: u64,
  bandDrops: fixedArray(u64, 3),
  bandPktCount: fixedArray(u32, 3),
  _pad: { codec: pad(4), c: 'pad' },
});
