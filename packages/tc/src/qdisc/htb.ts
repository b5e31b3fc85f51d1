import { attrs, binary, flag, nest, struct, u32, u64 } from '@nlkit/core';
import { arrayOf } from '../codecs.js';
import { tcRatespec } from '../common.js';

/** `struct tc_htb_glob` (`TCA_HTB_INIT`): qdisc-wide HTB parameters (`default`, `r2q`). */
export const tcHtbGlob = struct('tc_htb_glob', '', {
  version: u32,
  rate2quantum: u32,
  defcls: u32,
  debug: u32,
  directPkts: u32,
});

/** `struct tc_htb_opt` (`TCA_HTB_PARMS`): a class's rate, ceil, and bursts in ticks. */
export const tcHtbOpt = struct('tc_htb_opt', '', {
  rate: tcRatespec,
  ceil: tcRatespec,
  buffer: u32,
  cbuffer: u32,
  quantum: u32,
  level: u32,
  prio: u32,
});

/**
 * `TCA_HTB_*` (`tc-htb-attrs`): the qdisc sends `TCA_HTB_INIT` (and
 * `TCA_HTB_DIRECT_QLEN`, `TCA_HTB_OFFLOAD`); a class sends `TCA_HTB_PARMS`,
 * the rate tables and, for rates of 2^32 bytes/s and more, the 64-bit rates.
 */
export const htbAttrs = attrs('TCA_HTB_', {
  parms: { nla: 1, codec: tcHtbOpt },
  init: { nla: 2, codec: tcHtbGlob },
  ctab: { nla: 3, codec: arrayOf(u32, { max: 4 }), doc: 'Ceil rate table (`__u32[256]`, ticks per size cell).' },
  rtab: { nla: 4, codec: arrayOf(u32, { max: 4 }), doc: 'Rate table (`__u32[256]`, ticks per size cell).' },
  directQlen: { nla: 5, codec: u32 },
  rate64: { nla: 6, codec: u64 },
  ceil64: { nla: 7, codec: u64 },
  pad: { nla: 8, codec: binary() },
  offload: { nla: 9, codec: flag },
}, { name: 'tc-htb-attrs' });

/** `TCA_OPTIONS` of kind `htb`, qdisc and class alike (sch_htb). */
export const htbOptions = nest(htbAttrs);
