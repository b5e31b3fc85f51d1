import { attrs, binary, nest, pad, struct, u16 } from '@nlkit/core';
import { tcGen, tcfT } from '../common.js';

/** `struct tc_connmark` (`TCA_CONNMARK_PARMS`): the conntrack zone to read the mark from. */
export const tcConnmark = struct('tc_connmark', '', { ...tcGen, zone: u16, _pad: { codec: pad(2), c: '__pad' } });

/** `TCA_CONNMARK_*` (`tc-act-connmark-attrs`). */
export const connmarkAttrs = attrs('TCA_CONNMARK_', {
  parms: { nla: 1, codec: tcConnmark },
  tm: { nla: 2, codec: tcfT },
  pad: { nla: 3, codec: binary() },
}, { name: 'tc-act-connmark-attrs' });

/** `TCA_ACT_OPTIONS` of kind `connmark` (act_connmark). */
export const connmarkOptions = nest(connmarkAttrs);
