import { attrs, binary, cstring, flagsOf, ipv4, ipv6, nest, struct, u16, u16be, u32, u8 } from '@nlkit/core';
import { tcGen, tcfT } from '../common.js';

/** `TCA_CT_ACT_*` (`TCA_CT_ACTION`). */
export const ctActionFlags = flagsOf(u16, { commit: 1, force: 2, clear: 4, nat: 8, natSrc: 16, natDst: 32 });

/** `struct tc_ct` (`TCA_CT_PARMS`). */
export const tcCt = struct('tc_ct', '', { ...tcGen });

/** `TCA_CT_*` (`tc-act-ct-attrs`): send packets through conntrack, commit, NAT. */
export const ctAttrs = attrs('TCA_CT_', {
  parms: { nla: 1, codec: tcCt },
  tm: { nla: 2, codec: tcfT },
  action: { nla: 3, codec: ctActionFlags },
  zone: { nla: 4, codec: u16 },
  mark: { nla: 5, codec: u32 },
  markMask: { nla: 6, codec: u32 },
  labels: { nla: 7, codec: binary({ len: 16 }) },
  labelsMask: { nla: 8, codec: binary({ len: 16 }) },
  natIpv4Min: { nla: 9, codec: ipv4 },
  natIpv4Max: { nla: 10, codec: ipv4 },
  natIpv6Min: { nla: 11, codec: ipv6 },
  natIpv6Max: { nla: 12, codec: ipv6 },
  natPortMin: { nla: 13, codec: u16be },
  natPortMax: { nla: 14, codec: u16be },
  pad: { nla: 15, codec: binary() },
  helperName: { nla: 16, codec: cstring() },
  helperFamily: { nla: 17, codec: u8 },
  helperProto: { nla: 18, codec: u8 },
}, { name: 'tc-act-ct-attrs' });

/** `TCA_ACT_OPTIONS` of kind `ct` (act_ct). */
export const ctOptions = nest(ctAttrs);
