import { attrs, binary, nest, struct, u32 } from '@nlkit/core';
import { tcRedQopt } from './red.js';

/** `TCA_CHOKE_*` (`tc-choke-attrs`); `TCA_CHOKE_PARMS` is laid out as `struct tc_red_qopt`. */
export const chokeAttrs = attrs('TCA_CHOKE_', {
  parms: { nla: 1, codec: tcRedQopt },
  stab: { nla: 2, codec: binary({ len: 256 }) },
  maxP: { nla: 3, codec: u32 },
}, { name: 'tc-choke-attrs' });

/** `TCA_OPTIONS` of kind `choke` (sch_choke). */
export const chokeOptions = nest(chokeAttrs);

/** `struct tc_choke_xstats`. */
export const tcChokeXstats = struct('tc_choke_xstats', '', { early: u32, pdrop: u32, other: u32, marked: u32, matched: u32 });
