import { attrs, nest, struct, u32 } from '@nlkit/core';

/** `TCA_HHF_*` (`tc-hhf-attrs`): heavy-hitter filter. */
export const hhfAttrs = attrs('TCA_HHF_', {
  backlogLimit: { nla: 1, codec: u32 },
  quantum: { nla: 2, codec: u32 },
  hhFlowsLimit: { nla: 3, codec: u32 },
  resetTimeout: { nla: 4, codec: u32 },
  admitBytes: { nla: 5, codec: u32 },
  evictTimeout: { nla: 6, codec: u32 },
  nonHhWeight: { nla: 7, codec: u32 },
}, { name: 'tc-hhf-attrs' });

/** `TCA_OPTIONS` of kind `hhf` (sch_hhf). */
export const hhfOptions = nest(hhfAttrs);

/** `struct tc_hhf_xstats`. */
export const tcHhfXstats = struct('tc_hhf_xstats', '', { dropOverlimit: u32, hhOverlimit: u32, hhTotCount: u32, hhCurCount: u32 });
