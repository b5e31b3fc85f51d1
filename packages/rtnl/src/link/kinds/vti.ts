/** `vti` and `vti6` links: `IFLA_VTI_*` (`<linux/if_tunnel.h>`). */
import { attrs, ipv4, ipv6, u32, u32be } from '@nlkit/core';

/** `IFLA_VTI_*` (`linkinfo-vti-attrs`) for `vti` (IPv4). Keys are big-endian. */
export const vtiAttrs = attrs('IFLA_VTI_', {
  link: { nla: 1, codec: u32 },
  ikey: { nla: 2, codec: u32be },
  okey: { nla: 3, codec: u32be },
  local: { nla: 4, codec: ipv4 },
  remote: { nla: 5, codec: ipv4 },
  fwmark: { nla: 6, codec: u32 },
}, { name: 'linkinfo-vti-attrs' });

/** `IFLA_VTI_*` (`linkinfo-vti6-attrs`) for `vti6` (IPv6). */
export const vti6Attrs = attrs('IFLA_VTI_', {
  link: { nla: 1, codec: u32 },
  ikey: { nla: 2, codec: u32be },
  okey: { nla: 3, codec: u32be },
  local: { nla: 4, codec: ipv6 },
  remote: { nla: 5, codec: ipv6 },
  fwmark: { nla: 6, codec: u32 },
}, { name: 'linkinfo-vti6-attrs' });
