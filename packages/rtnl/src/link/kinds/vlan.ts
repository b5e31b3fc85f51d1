/** `vlan` links: `IFLA_VLAN_*` (`<linux/if_link.h>`). */
import { attrs, flagsOf, nest, struct, u16, u32 } from '@nlkit/core';
import { vlanProtocol } from '../common.js';

/** `VLAN_FLAG_*` (`<linux/if_vlan.h>`). */
export const vlanFlagBits = flagsOf(u32, { reorderHdr: 0x1, gvrp: 0x2, looseBinding: 0x4, mvrp: 0x8, bridgeBinding: 0x10 });

/** `struct ifla_vlan_flags` (`IFLA_VLAN_FLAGS`): flag values and the mask of those to change. */
export const iflaVlanFlags = struct('ifla_vlan_flags', '', {
  flags: vlanFlagBits,
  mask: vlanFlagBits,
});

/** `struct ifla_vlan_qos_mapping`: a skb priority to 802.1p priority mapping (or back). */
export const iflaVlanQosMapping = struct('ifla_vlan_qos_mapping', '', {
  from: u32,
  to: u32,
});

/** `IFLA_VLAN_QOS_*` (`ifla-vlan-qos`): the priority maps of `IFLA_VLAN_EGRESS_QOS` and `IFLA_VLAN_INGRESS_QOS`. */
export const vlanQosAttrs = attrs('IFLA_VLAN_QOS_', {
  mapping: { nla: 1, codec: iflaVlanQosMapping, multi: true },
}, { name: 'ifla-vlan-qos' });

/** `IFLA_VLAN_*` (`linkinfo-vlan-attrs`): 802.1Q / 802.1ad VLAN devices. */
export const vlanAttrs = attrs('IFLA_VLAN_', {
  id: { nla: 1, codec: u16 },
  flags: { nla: 2, codec: iflaVlanFlags },
  egressQos: { nla: 3, codec: nest(vlanQosAttrs) },
  ingressQos: { nla: 4, codec: nest(vlanQosAttrs) },
  protocol: { nla: 5, codec: vlanProtocol },
}, { name: 'linkinfo-vlan-attrs' });
