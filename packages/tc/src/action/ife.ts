import { attrs, binary, lladdr, nest, pad, struct, u16 } from '@nlkit/core';
import { tcGen, tcfT } from '../common.js';

/** `struct tc_ife` (`TCA_IFE_PARMS`): `flags` bit 0 is encode (`IFE_ENCODE`), else decode. */
export const tcIfe = struct('tc_ife', '', { ...tcGen, flags: u16, _pad: { codec: pad(2), c: '__pad' } });

/** `TCA_IFE_*` (`tc-act-ife-attrs`): inter-FE metadata encapsulation. */
export const ifeAttrs = attrs('TCA_IFE_', {
  parms: { nla: 1, codec: tcIfe },
  tm: { nla: 2, codec: tcfT },
  dmac: { nla: 3, codec: lladdr },
  smac: { nla: 4, codec: lladdr },
  type: { nla: 5, codec: u16 },
  metalst: { nla: 6, codec: binary(), doc: '`IFE_META_*` attributes; each is empty ("allow") or carries a value ("use").' },
  pad: { nla: 7, codec: binary() },
}, { name: 'tc-act-ife-attrs' });

/** `TCA_ACT_OPTIONS` of kind `ife` (act_ife). */
export const ifeOptions = nest(ifeAttrs);
