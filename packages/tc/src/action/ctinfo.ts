import { attrs, binary, nest, struct, u16, u32, u64 } from '@nlkit/core';
import { tcGen, tcfT } from '../common.js';

/** `struct tc_ctinfo` (`TCA_CTINFO_ACT`). */
export const tcCtinfo = struct('tc_ctinfo', '', { ...tcGen });

/** `TCA_CTINFO_*` (`tc-act-ctinfo-attrs`): copy conntrack mark bits into DSCP or the skb mark. */
export const ctinfoAttrs = attrs('TCA_CTINFO_', {
  pad: { nla: 1, codec: binary() },
  tm: { nla: 2, codec: tcfT },
  act: { nla: 3, codec: tcCtinfo },
  zone: { nla: 4, codec: u16 },
  parmsDscpMask: { nla: 5, codec: u32 },
  parmsDscpStatemask: { nla: 6, codec: u32 },
  parmsCpmarkMask: { nla: 7, codec: u32 },
  statsDscpSet: { nla: 8, codec: u64 },
  statsDscpError: { nla: 9, codec: u64 },
  statsCpmarkSet: { nla: 10, codec: u64 },
}, { name: 'tc-act-ctinfo-attrs' });

/** `TCA_ACT_OPTIONS` of kind `ctinfo` (act_ctinfo). */
export const ctinfoOptions = nest(ctinfoAttrs);
