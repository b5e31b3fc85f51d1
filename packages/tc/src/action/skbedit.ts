import { attrs, binary, nest, struct, u16, u32, u64 } from '@nlkit/core';
import { tcGen, tcfT } from '../common.js';

/** `struct tc_skbedit` (`TCA_SKBEDIT_PARMS`). */
export const tcSkbedit = struct('tc_skbedit', '', { ...tcGen });

/** `TCA_SKBEDIT_*` (`tc-act-skbedit-attrs`): set priority, queue, mark or packet type. */
export const skbeditAttrs = attrs('TCA_SKBEDIT_', {
  tm: { nla: 1, codec: tcfT },
  parms: { nla: 2, codec: tcSkbedit },
  priority: { nla: 3, codec: u32 },
  queueMapping: { nla: 4, codec: u16 },
  mark: { nla: 5, codec: u32 },
  pad: { nla: 6, codec: binary() },
  ptype: { nla: 7, codec: u16 },
  mask: { nla: 8, codec: u32 },
  flags: { nla: 9, codec: u64, doc: '`SKBEDIT_F_INHERITDSFIELD` (1), `SKBEDIT_F_TXQ_SKBHASH` (2).' },
  queueMappingMax: { nla: 10, codec: u16 },
}, { name: 'tc-act-skbedit-attrs' });

/** `TCA_ACT_OPTIONS` of kind `skbedit` (act_skbedit). */
export const skbeditOptions = nest(skbeditAttrs);
