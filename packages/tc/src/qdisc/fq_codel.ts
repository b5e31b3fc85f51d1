import { attrs, nest, struct, u32, u8 } from '@nlkit/core';

/** `TCA_FQ_CODEL_*` (`tc-fq-codel-attrs`); times in microseconds. */
export const fqCodelAttrs = attrs('TCA_FQ_CODEL_', {
  target: { nla: 1, codec: u32 },
  limit: { nla: 2, codec: u32 },
  interval: { nla: 3, codec: u32 },
  ecn: { nla: 4, codec: u32 },
  flows: { nla: 5, codec: u32 },
  quantum: { nla: 6, codec: u32 },
  ceThreshold: { nla: 7, codec: u32 },
  dropBatchSize: { nla: 8, codec: u32 },
  memoryLimit: { nla: 9, codec: u32 },
  ceThresholdSelector: { nla: 10, codec: u8 },
  ceThresholdMask: { nla: 11, codec: u8 },
}, { name: 'tc-fq-codel-attrs' });

/** `TCA_OPTIONS` of kind `fq_codel` (sch_fq_codel). */
export const fqCodelOptions = nest(fqCodelAttrs);

/** `struct tc_fq_codel_xstats` as a qdisc sends it (`type` 0, `struct tc_fq_codel_qd_stats`). */
export const tcFqCodelXstats = struct('tc_fq_codel_xstats', '', {
  type: u32,
  maxpacket: u32,
  dropOverlimit: u32,
  ecnMark: u32,
  newFlowCount: u32,
  newFlowsLen: u32,
  oldFlowsLen: u32,
  ceMark: u32,
  memoryUsage: u32,
  dropOvermemory: u32,
});
