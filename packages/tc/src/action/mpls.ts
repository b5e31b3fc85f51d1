import { attrs, binary, enumOf, nest, s32, struct, u16be, u32, u8 } from '@nlkit/core';
import { tcGen, tcfT } from '../common.js';

/** `TCA_MPLS_ACT_*`. */
export const mplsAction = enumOf(s32, { pop: 1, push: 2, modify: 3, decTtl: 4, macPush: 5 });

/** `struct tc_mpls` (`TCA_MPLS_PARMS`). */
export const tcMpls = struct('tc_mpls', '', { ...tcGen, mAction: mplsAction });

/** `TCA_MPLS_*` (`tc-act-mpls-attrs`). */
export const mplsAttrs = attrs('TCA_MPLS_', {
  tm: { nla: 1, codec: tcfT },
  parms: { nla: 2, codec: tcMpls },
  pad: { nla: 3, codec: binary() },
  proto: { nla: 4, codec: u16be },
  label: { nla: 5, codec: u32 },
  tc: { nla: 6, codec: u8 },
  ttl: { nla: 7, codec: u8 },
  bos: { nla: 8, codec: u8 },
}, { name: 'tc-act-mpls-attrs' });

/** `TCA_ACT_OPTIONS` of kind `mpls` (act_mpls). */
export const mplsOptions = nest(mplsAttrs);
