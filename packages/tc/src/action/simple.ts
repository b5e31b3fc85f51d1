import { attrs, binary, cstring, nest, struct } from '@nlkit/core';
import { tcGen, tcfT } from '../common.js';

/** `struct tc_defact` (`TCA_DEF_PARMS`). */
export const tcDefact = struct('tc_defact', '', { ...tcGen });

/** `TCA_DEF_*` (`tc-act-simple-attrs`): log a string for each packet. */
export const simpleAttrs = attrs('TCA_DEF_', {
  tm: { nla: 1, codec: tcfT },
  parms: { nla: 2, codec: tcDefact },
  data: { nla: 3, codec: cstring() },
  pad: { nla: 4, codec: binary() },
}, { name: 'tc-act-simple-attrs' });

/** `TCA_ACT_OPTIONS` of kind `simple` (act_simple). */
export const simpleOptions = nest(simpleAttrs);
