import { attrs, nest, struct, u32 } from '@nlkit/core';

/** `TCA_QFQ_*` (`tc-qfq-attrs`): a qfq class's weight and maximum packet size. The qfq qdisc takes none. */
export const qfqAttrs = attrs('TCA_QFQ_', {
  weight: { nla: 1, codec: u32 },
  lmax: { nla: 2, codec: u32 },
}, { name: 'tc-qfq-attrs' });

/** `TCA_OPTIONS` of kind `qfq`. */
export const qfqOptions = nest(qfqAttrs);

/** `struct tc_qfq_stats`: a qfq class's `TCA_STATS_APP`. */
export const tcQfqStats = struct('tc_qfq_stats', '', { weight: u32, lmax: u32 });
