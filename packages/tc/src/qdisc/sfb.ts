import { attrs, nest, struct, u32 } from '@nlkit/core';

/** `struct tc_sfb_qopt` (`TCA_SFB_PARMS`). */
export const tcSfbQopt = struct('tc_sfb_qopt', '', {
  rehashInterval: u32,
  warmupTime: u32,
  max: u32,
  binSize: u32,
  increment: u32,
  decrement: u32,
  limit: u32,
  penaltyRate: u32,
  penaltyBurst: u32,
});

/** `TCA_SFB_*`: sfb nests its struct in `TCA_SFB_PARMS` (as `tc` sends and the kernel dumps it). */
export const sfbAttrs = attrs('TCA_SFB_', {
  parms: { nla: 1, codec: tcSfbQopt },
}, { name: 'tc-sfb-attrs' });

/** `TCA_OPTIONS` of kind `sfb` (sch_sfb). */
export const sfbOptions = nest(sfbAttrs);

/** `struct tc_sfb_xstats`. */
export const tcSfbXstats = struct('tc_sfb_xstats', '', {
  earlydrop: u32,
  penaltydrop: u32,
  bucketdrop: u32,
  queuedrop: u32,
  childdrop: u32,
  marked: u32,
  maxqlen: u32,
  maxprob: u32,
  avgprob: u32,
});
