import { attrs, binary, flagsOf, ipv4, nest, struct, u32 } from '@nlkit/core';
import { tcGen, tcfT } from '../common.js';

/** `struct tc_nat` (`TCA_NAT_PARMS`): stateless NAT of one prefix. `flags` has `TCA_NAT_FLAG_EGRESS`. */
export const tcNat = struct('tc_nat', '', {
  ...tcGen,
  oldAddr: ipv4,
  newAddr: ipv4,
  mask: ipv4,
  flags: flagsOf(u32, { egress: 1 }),
});

/** `TCA_NAT_*` (`tc-act-nat-attrs`). */
export const natAttrs = attrs('TCA_NAT_', {
  parms: { nla: 1, codec: tcNat },
  tm: { nla: 2, codec: tcfT },
  pad: { nla: 3, codec: binary() },
}, { name: 'tc-act-nat-attrs' });

/** `TCA_ACT_OPTIONS` of kind `nat` (act_nat). */
export const natOptions = nest(natAttrs);
