/** `vxlan` links: `IFLA_VXLAN_*` (`<linux/if_link.h>`). */
import { attrs, enumOf, flag, ipv4, ipv6, struct, u16be, u32, u32be, u8 } from '@nlkit/core';
import { flagOrU8 } from '../common.js';

/** `struct ifla_vxlan_port_range` (`IFLA_VXLAN_PORT_RANGE`): UDP source ports, big-endian. */
export const iflaVxlanPortRange = struct('ifla_vxlan_port_range', '', {
  low: u16be,
  high: u16be,
});

/** `VXLAN_DF_*` (`IFLA_VXLAN_DF`): the outer header's Don't Fragment bit. */
export const vxlanDf = enumOf(u8, { unset: 0, set: 1, inherit: 2 });

/** `VXLAN_LABEL_*` (`IFLA_VXLAN_LABEL_POLICY`): where the IPv6 flow label comes from. */
export const vxlanLabelPolicy = enumOf(u32, { fixed: 0, inherit: 1 });

/**
 * `IFLA_VXLAN_*` (`linkinfo-vxlan-attrs`). Ports and the flow label are
 * big-endian; `ttlInherit` is a flag when requested and a u8 in dumps.
 */
export const vxlanAttrs = attrs('IFLA_VXLAN_', {
  id: { nla: 1, codec: u32 },
  group: { nla: 2, codec: ipv4 },
  link: { nla: 3, codec: u32 },
  local: { nla: 4, codec: ipv4 },
  ttl: { nla: 5, codec: u8 },
  tos: { nla: 6, codec: u8 },
  learning: { nla: 7, codec: u8 },
  ageing: { nla: 8, codec: u32 },
  limit: { nla: 9, codec: u32 },
  portRange: { nla: 10, codec: iflaVxlanPortRange },
  proxy: { nla: 11, codec: u8 },
  rsc: { nla: 12, codec: u8 },
  l2miss: { nla: 13, codec: u8 },
  l3miss: { nla: 14, codec: u8 },
  port: { nla: 15, codec: u16be },
  group6: { nla: 16, codec: ipv6 },
  local6: { nla: 17, codec: ipv6 },
  udpCsum: { nla: 18, codec: u8 },
  udpZeroCsum6Tx: { nla: 19, codec: u8 },
  udpZeroCsum6Rx: { nla: 20, codec: u8 },
  remcsumTx: { nla: 21, codec: u8 },
  remcsumRx: { nla: 22, codec: u8 },
  gbp: { nla: 23, codec: flag },
  remcsumNopartial: { nla: 24, codec: flag },
  collectMetadata: { nla: 25, codec: u8 },
  label: { nla: 26, codec: u32be },
  gpe: { nla: 27, codec: flag },
  ttlInherit: { nla: 28, codec: flagOrU8 },
  df: { nla: 29, codec: vxlanDf },
  vnifilter: { nla: 30, codec: u8 },
  localbypass: { nla: 31, codec: u8 },
  labelPolicy: { nla: 32, codec: vxlanLabelPolicy },
}, { name: 'linkinfo-vxlan-attrs' });
