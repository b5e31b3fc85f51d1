import { attrs, nest, struct, u32, u64 } from '@nlkit/core';

/** `TCA_PIE_*` (`tc-pie-attrs`). */
export const pieAttrs = attrs('TCA_PIE_', {
  target: { nla: 1, codec: u32 },
  limit: { nla: 2, codec: u32 },
  tupdate: { nla: 3, codec: u32 },
  alpha: { nla: 4, codec: u32 },
  beta: { nla: 5, codec: u32 },
  ecn: { nla: 6, codec: u32 },
  bytemode: { nla: 7, codec: u32 },
  dqRateEstimator: { nla: 8, codec: u32 },
}, { name: 'tc-pie-attrs' });

/** `TCA_OPTIONS` of kind `pie` (sch_pie). */
export const pieOptions = nest(pieAttrs);

/** `struct tc_pie_xstats`. */
export const tcPieXstats = struct('tc_pie_xstats', '', {
  prob: u64,
  delay: u32,
  avgDqRate: u32,
  dqRateEstimating: u32,
  packetsIn: u32,
  dropped: u32,
  overlimit: u32,
  maxq: u32,
  ecnMark: u32,
});
