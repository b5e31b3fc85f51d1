import { attrs, nest, pad, s32, struct, u8 } from '@nlkit/core';

/** `struct tc_cbs_qopt` (`TCA_CBS_PARMS`): credit-based shaper slopes (kbit/s) and credits (bytes). */
export const tcCbsQopt = struct('tc_cbs_qopt', '', {
  offload: u8,
  _pad: { codec: pad(3), c: '_pad' },
  hicredit: s32,
  locredit: s32,
  idleslope: s32,
  sendslope: s32,
});

/** `TCA_CBS_*` (`tc-cbs-attrs`). */
export const cbsAttrs = attrs('TCA_CBS_', {
  parms: { nla: 1, codec: tcCbsQopt },
}, { name: 'tc-cbs-attrs' });

/** `TCA_OPTIONS` of kind `cbs` (sch_cbs). */
export const cbsOptions = nest(cbsAttrs);
