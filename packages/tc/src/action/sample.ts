import { attrs, binary, nest, struct, u32 } from '@nlkit/core';
import { tcGen, tcfT } from '../common.js';

/** `struct tc_sample` (`TCA_SAMPLE_PARMS`). */
export const tcSample = struct('tc_sample', '', { ...tcGen });

/** `TCA_SAMPLE_*` (`tc-act-sample-attrs`): sample 1 in `rate` packets to a psample group. */
export const sampleAttrs = attrs('TCA_SAMPLE_', {
  tm: { nla: 1, codec: tcfT },
  parms: { nla: 2, codec: tcSample },
  rate: { nla: 3, codec: u32 },
  truncSize: { nla: 4, codec: u32 },
  psampleGroup: { nla: 5, codec: u32 },
  pad: { nla: 6, codec: binary() },
}, { name: 'tc-act-sample-attrs' });

/** `TCA_ACT_OPTIONS` of kind `sample` (act_sample). */
export const sampleOptions = nest(sampleAttrs);
