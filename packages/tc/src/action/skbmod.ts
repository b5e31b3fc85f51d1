import { attrs, binary, lladdr, nest, pad, struct, u16, u64 } from '@nlkit/core';
import { tcGen, tcfT } from '../common.js';

/** `struct tc_skbmod` (`TCA_SKBMOD_PARMS`): `flags` says which fields to set (`SKBMOD_F_*`). */
export const tcSkbmod = struct('tc_skbmod', '', { ...tcGen, _pad: { codec: pad(4), c: '__pad' }, flags: u64 });

/** `TCA_SKBMOD_*` (`tc-act-skbmod-attrs`): rewrite MAC addresses and ethertype. */
export const skbmodAttrs = attrs('TCA_SKBMOD_', {
  tm: { nla: 1, codec: tcfT },
  parms: { nla: 2, codec: tcSkbmod },
  dmac: { nla: 3, codec: lladdr },
  smac: { nla: 4, codec: lladdr },
  etype: { nla: 5, codec: u16 },
  pad: { nla: 6, codec: binary() },
}, { name: 'tc-act-skbmod-attrs' });

/** `TCA_ACT_OPTIONS` of kind `skbmod` (act_skbmod). */
export const skbmodOptions = nest(skbmodAttrs);
