import { attrs, binary, bitfield32, flagsOf, nest, struct, u32, u8 } from '@nlkit/core';

/** `TC_RED_ECN`, `TC_RED_HARDDROP`, `TC_RED_ADAPTATIVE`, `TC_RED_NODROP`. */
export const redFlags = flagsOf(u8, { ecn: 1, harddrop: 2, adaptative: 4, nodrop: 8 });

/** `struct tc_red_qopt` (`TCA_RED_PARMS`, `TCA_CHOKE_PARMS`). */
export const tcRedQopt = struct('tc_red_qopt', '', {
  limit: u32,
  qthMin: u32,
  qthMax: u32,
  wlog: { codec: u8, c: 'Wlog' },
  plog: { codec: u8, c: 'Plog' },
  scellLog: { codec: u8, c: 'Scell_log' },
  flags: redFlags,
});

/** `TCA_RED_*` (`tc-red-attrs`). */
export const redAttrs = attrs('TCA_RED_', {
  parms: { nla: 1, codec: tcRedQopt },
  stab: { nla: 2, codec: binary(), doc: 'Idle-damping table (256 bytes).' },
  maxP: { nla: 3, codec: u32 },
  flags: { nla: 4, codec: bitfield32 },
  earlyDropBlock: { nla: 5, codec: u32 },
  markBlock: { nla: 6, codec: u32 },
}, { name: 'tc-red-attrs' });

/** `TCA_OPTIONS` of kind `red` (sch_red). */
export const redOptions = nest(redAttrs);

/** `struct tc_red_xstats`. */
export const tcRedXstats = struct('tc_red_xstats', '', { early: u32, pdrop: u32, other: u32, marked: u32 });
