import { pad, s32, struct, u32 } from '@nlkit/core';

/**
 * `struct tc_fq_codel_xstats` as a flow class sends it (`type` 1, `struct
 * tc_fq_codel_cl_stats`, padded to the size of the union).
 */
export const tcFqCodelClassXstats = struct('tc_fq_codel_xstats', '', {
  type: u32,
  deficit: s32,
  ldelay: u32,
  count: u32,
  lastcount: u32,
  dropping: u32,
  dropNext: s32,
  _pad: { codec: pad(12), c: '__pad' },
});
