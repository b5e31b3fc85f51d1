import { attrs, binary, nest, struct, u32, u64 } from '@nlkit/core';
import { arrayOf } from '../codecs.js';
import { tcRatespec } from '../common.js';

/** `struct tc_tbf_qopt` (`TCA_TBF_PARMS`): rate, peak rate, queue limit in bytes, bucket sizes in ticks. */
export const tcTbfQopt = struct('tc_tbf_qopt', '', {
  rate: tcRatespec,
  peakrate: tcRatespec,
  limit: u32,
  buffer: u32,
  mtu: u32,
});

/** `TCA_TBF_*` (`tc-tbf-attrs`). */
export const tbfAttrs = attrs('TCA_TBF_', {
  parms: { nla: 1, codec: tcTbfQopt },
  rtab: { nla: 2, codec: arrayOf(u32, { max: 4 }), doc: 'Rate table (`__u32[256]`).' },
  ptab: { nla: 3, codec: arrayOf(u32, { max: 4 }), doc: 'Peak-rate table (`__u32[256]`).' },
  rate64: { nla: 4, codec: u64 },
  prate64: { nla: 5, codec: u64 },
  burst: { nla: 6, codec: u32, doc: 'Bucket size in bytes.' },
  pburst: { nla: 7, codec: u32, doc: 'Peak bucket size (the mtu) in bytes.' },
  pad: { nla: 8, codec: binary() },
}, { name: 'tc-tbf-attrs' });

/** `TCA_OPTIONS` of kind `tbf` (sch_tbf). */
export const tbfOptions = nest(tbfAttrs);
