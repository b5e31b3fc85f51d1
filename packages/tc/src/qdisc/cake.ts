import { attrs, binary, enumOf, indexedArray, nest, s32, u32, u64 } from '@nlkit/core';

/** `CAKE_DIFFSERV_*`. */
export const cakeDiffservMode = enumOf(u32, { diffserv3: 0, diffserv4: 1, diffserv8: 2, besteffort: 3, precedence: 4 });
/** `CAKE_FLOW_*`. */
export const cakeFlowMode = enumOf(u32, {
  flowblind: 0, srchost: 1, dsthost: 2, hosts: 3, flows: 4, dualSrchost: 5, dualDsthost: 6, tripleIsolate: 7,
});
/** `CAKE_ATM_*`. */
export const cakeAtm = enumOf(u32, { noatm: 0, atm: 1, ptm: 2 });
/** `CAKE_ACK_*`. */
export const cakeAckFilter = enumOf(u32, { none: 0, filter: 1, aggressive: 2 });

/** `TCA_CAKE_*` (`tc-cake-attrs`). `TCA_CAKE_OVERHEAD` is signed, as the kernel reads it. */
export const cakeAttrs = attrs('TCA_CAKE_', {
  pad: { nla: 1, codec: binary() },
  baseRate64: { nla: 2, codec: u64 },
  diffservMode: { nla: 3, codec: cakeDiffservMode },
  atm: { nla: 4, codec: cakeAtm },
  flowMode: { nla: 5, codec: cakeFlowMode },
  overhead: { nla: 6, codec: s32 },
  rtt: { nla: 7, codec: u32 },
  target: { nla: 8, codec: u32 },
  autorate: { nla: 9, codec: u32 },
  memory: { nla: 10, codec: u32 },
  nat: { nla: 11, codec: u32 },
  raw: { nla: 12, codec: u32 },
  wash: { nla: 13, codec: u32 },
  mpu: { nla: 14, codec: u32 },
  ingress: { nla: 15, codec: u32 },
  ackFilter: { nla: 16, codec: cakeAckFilter },
  splitGso: { nla: 17, codec: u32 },
  fwmark: { nla: 18, codec: u32 },
}, { name: 'tc-cake-attrs' });

/** `TCA_OPTIONS` of kind `cake` (sch_cake). */
export const cakeOptions = nest(cakeAttrs);

/** `TCA_CAKE_TIN_STATS_*` (`tc-cake-tin-stats-attrs`): one priority tin. */
export const cakeTinStatsAttrs = attrs('TCA_CAKE_TIN_STATS_', {
  pad: { nla: 1, codec: binary() },
  sentPackets: { nla: 2, codec: u32 },
  sentBytes64: { nla: 3, codec: u64 },
  droppedPackets: { nla: 4, codec: u32 },
  droppedBytes64: { nla: 5, codec: u64 },
  acksDroppedPackets: { nla: 6, codec: u32 },
  acksDroppedBytes64: { nla: 7, codec: u64 },
  ecnMarkedPackets: { nla: 8, codec: u32 },
  ecnMarkedBytes64: { nla: 9, codec: u64 },
  backlogPackets: { nla: 10, codec: u32 },
  backlogBytes: { nla: 11, codec: u32 },
  thresholdRate64: { nla: 12, codec: u64 },
  targetUs: { nla: 13, codec: u32 },
  intervalUs: { nla: 14, codec: u32 },
  wayIndirectHits: { nla: 15, codec: u32 },
  wayMisses: { nla: 16, codec: u32 },
  wayCollisions: { nla: 17, codec: u32 },
  peakDelayUs: { nla: 18, codec: u32 },
  avgDelayUs: { nla: 19, codec: u32 },
  baseDelayUs: { nla: 20, codec: u32 },
  sparseFlows: { nla: 21, codec: u32 },
  bulkFlows: { nla: 22, codec: u32 },
  unresponsiveFlows: { nla: 23, codec: u32 },
  maxSkblen: { nla: 24, codec: u32 },
  flowQuantum: { nla: 25, codec: u32 },
}, { name: 'tc-cake-tin-stats-attrs' });

/** `TCA_CAKE_STATS_*` (`tc-cake-stats-attrs`): cake's `TCA_STATS_APP`, for the qdisc and for a flow class. */
export const cakeStatsAttrs = attrs('TCA_CAKE_STATS_', {
  pad: { nla: 1, codec: binary() },
  capacityEstimate64: { nla: 2, codec: u64 },
  memoryLimit: { nla: 3, codec: u32 },
  memoryUsed: { nla: 4, codec: u32 },
  avgNetoff: { nla: 5, codec: u32 },
  minNetlen: { nla: 6, codec: u32 },
  maxNetlen: { nla: 7, codec: u32 },
  minAdjlen: { nla: 8, codec: u32 },
  maxAdjlen: { nla: 9, codec: u32 },
  tinStats: { nla: 10, codec: indexedArray(nest(cakeTinStatsAttrs)) },
  deficit: { nla: 11, codec: s32 },
  cobaltCount: { nla: 12, codec: u32 },
  dropping: { nla: 13, codec: u32 },
  dropNextUs: { nla: 14, codec: s32 },
  pDrop: { nla: 15, codec: u32 },
  blueTimerUs: { nla: 16, codec: s32 },
}, { name: 'tc-cake-stats-attrs' });

/** cake's statistics payload. */
export const cakeStats = nest(cakeStatsAttrs);
