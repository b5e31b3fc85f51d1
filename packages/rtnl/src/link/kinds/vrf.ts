/** `vrf` links: `IFLA_VRF_*` (`IFLA_INFO_DATA`) and `IFLA_VRF_PORT_*` (enslaved devices). */
import { attrs, u32 } from '@nlkit/core';

/** `IFLA_VRF_*` (`linkinfo-vrf-attrs`). */
export const vrfAttrs = attrs('IFLA_VRF_', {
  table: { nla: 1, codec: u32 },
}, { name: 'linkinfo-vrf-attrs' });

/** `IFLA_VRF_PORT_*` (`linkinfo-vrf-port-attrs`): `IFLA_INFO_SLAVE_DATA` of a device in a VRF. */
export const vrfPortAttrs = attrs('IFLA_VRF_PORT_', {
  table: { nla: 1, codec: u32 },
}, { name: 'linkinfo-vrf-port-attrs' });
