import { attrs, nest, struct, u32 } from '@nlkit/core';

/** `TCA_FQ_PIE_*` (`tc-fq-pie-attrs`). */
export const fqPieAttrs = attrs('TCA_FQ_PIE_', {
  limit: { nla: 1, codec: u32 },
  flows: { nla: 2, codec: u32 },
  target: { nla: 3, codec: u32 },
  tupdate: { nla: 4, codec: u32 },
  alpha: { nla: 5, codec: u32 },
  beta: { nla: 6, codec: u32 },
  quantum: { nla: 7, codec: u32 },
  memoryLimit: { nla: 8, codec: u32 },
  ecnProb: { nla: 9, codec: u32 },
  ecn: { nla: 10, codec: u32 },
  bytemode: { nla: 11, codec: u32 },
  dqRateEstimator: { nla: 12, codec: u32 },
}, { name: 'tc-fq-pie-attrs' });

/** `TCA_OPTIONS` of kind `fq_pie` (sch_fq_pie). */
export const fqPieOptions = nest(fqPieAttrs);

/** `struct tc_fq_pie_xstats`. */
export const tcFqPieXstats = struct('tc_fq_pie_xstats', '', {
  packetsIn: u32,
  dropped: u32,
  overlimit: u32,
  overmemory: u32,
  ecnMark: u32,
  newFlowCount: u32,
  newFlowsLen: u32,
  oldFlowsLen: u32,
  memoryUsage: u32,
});
