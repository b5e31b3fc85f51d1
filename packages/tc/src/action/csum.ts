import { attrs, binary, flagsOf, nest, struct, u32 } from '@nlkit/core';
import { tcGen, tcfT } from '../common.js';

/** `TCA_CSUM_UPDATE_FLAG_*`: which checksums to recompute. */
export const csumUpdateFlags = flagsOf(u32, { iph: 1, icmp: 2, igmp: 4, tcp: 8, udp: 16, udplite: 32, sctp: 64 });

/** `struct tc_csum` (`TCA_CSUM_PARMS`). */
export const tcCsum = struct('tc_csum', '', { ...tcGen, updateFlags: csumUpdateFlags });

/** `TCA_CSUM_*` (`tc-act-csum-attrs`). */
export const csumAttrs = attrs('TCA_CSUM_', {
  parms: { nla: 1, codec: tcCsum },
  tm: { nla: 2, codec: tcfT },
  pad: { nla: 3, codec: binary() },
}, { name: 'tc-act-csum-attrs' });

/** `TCA_ACT_OPTIONS` of kind `csum` (act_csum). */
export const csumOptions = nest(csumAttrs);
