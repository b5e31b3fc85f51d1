import { attrs, binary, enumOf, nest, s32, struct, u32 } from '@nlkit/core';
import { tcGen, tcfT } from '../common.js';

/** `TCA_EGRESS_REDIR`, `TCA_EGRESS_MIRROR`, `TCA_INGRESS_REDIR`, `TCA_INGRESS_MIRROR`. */
export const mirredAction = enumOf(s32, { egressRedir: 1, egressMirror: 2, ingressRedir: 3, ingressMirror: 4 });

/** `struct tc_mirred` (`TCA_MIRRED_PARMS`): what to do and to which device. */
export const tcMirred = struct('tc_mirred', '', { ...tcGen, eaction: mirredAction, ifindex: u32 });

/** `TCA_MIRRED_*` (`tc-act-mirred-attrs`). */
export const mirredAttrs = attrs('TCA_MIRRED_', {
  tm: { nla: 1, codec: tcfT },
  parms: { nla: 2, codec: tcMirred },
  pad: { nla: 3, codec: binary() },
  blockid: { nla: 4, codec: u32 },
}, { name: 'tc-act-mirred-attrs' });

/** `TCA_ACT_OPTIONS` of kind `mirred` (act_mirred: redirect or mirror to a device). */
export const mirredOptions = nest(mirredAttrs);
