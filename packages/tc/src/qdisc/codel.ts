import { attrs, nest, s32, struct, u32 } from '@nlkit/core';

/** `TCA_CODEL_*` (`tc-codel-attrs`); times in microseconds. */
export const codelAttrs = attrs('TCA_CODEL_', {
  target: { nla: 1, codec: u32 },
  limit: { nla: 2, codec: u32 },
  interval: { nla: 3, codec: u32 },
  ecn: { nla: 4, codec: u32 },
  ceThreshold: { nla: 5, codec: u32 },
}, { name: 'tc-codel-attrs' });

/** `TCA_OPTIONS` of kind `codel` (sch_codel). */
export const codelOptions = nest(codelAttrs);

/** `struct tc_codel_xstats`. */
export const tcCodelXstats = struct('tc_codel_xstats', '', {
  maxpacket: u32,
  count: u32,
  lastcount: u32,
  ldelay: u32,
  dropNext: s32,
  dropOverlimit: u32,
  ecnMark: u32,
  dropping: u32,
  ceMark: u32,
});
