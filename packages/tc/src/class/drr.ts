import { attrs, nest, struct, u32 } from '@nlkit/core';

/** `TCA_DRR_*` (`tc-drr-attrs`): a drr class's quantum. The drr qdisc itself takes none. */
export const drrAttrs = attrs('TCA_DRR_', {
  quantum: { nla: 1, codec: u32 },
}, { name: 'tc-drr-attrs' });

/** `TCA_OPTIONS` of kind `drr`. */
export const drrOptions = nest(drrAttrs);

/** `struct tc_drr_stats`: a drr class's `TCA_STATS_APP`. */
export const tcDrrStats = struct('tc_drr_stats', '', { deficit: u32 });
