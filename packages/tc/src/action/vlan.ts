import { attrs, binary, enumOf, lladdr, nest, s32, struct, u16, u16be, u8 } from '@nlkit/core';
import { tcGen, tcfT } from '../common.js';

/** `TCA_VLAN_ACT_*`. */
export const vlanAction = enumOf(s32, { pop: 1, push: 2, modify: 3, popEth: 4, pushEth: 5 });

/** `struct tc_vlan` (`TCA_VLAN_PARMS`). */
export const tcVlan = struct('tc_vlan', '', { ...tcGen, vAction: vlanAction });

/** `TCA_VLAN_*` (`tc-act-vlan-attrs`): push, pop or modify a VLAN tag. The protocol is big-endian. */
export const vlanAttrs = attrs('TCA_VLAN_', {
  tm: { nla: 1, codec: tcfT },
  parms: { nla: 2, codec: tcVlan },
  pushVlanId: { nla: 3, codec: u16 },
  pushVlanProtocol: { nla: 4, codec: u16be },
  pad: { nla: 5, codec: binary() },
  pushVlanPriority: { nla: 6, codec: u8 },
  pushEthDst: { nla: 7, codec: lladdr },
  pushEthSrc: { nla: 8, codec: lladdr },
}, { name: 'tc-act-vlan-attrs' });

/** `TCA_ACT_OPTIONS` of kind `vlan` (act_vlan). */
export const vlanOptions = nest(vlanAttrs);
