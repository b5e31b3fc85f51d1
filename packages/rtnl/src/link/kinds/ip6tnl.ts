/** `ip6tnl` links: `IFLA_IPTUN_*` over IPv6 (`<linux/if_tunnel.h>`). */
import { attrs, flag, ipv6, u16be, u32, u32be, u8 } from '@nlkit/core';
import { tunnelEncapFlags, tunnelEncapType } from '../common.js';
import { ip6TunnelFlags } from './ip6gre.js';
import { tunnelProto } from './iptun.js';

/**
 * `IFLA_IPTUN_*` (`linkinfo-ip6tnl-attrs`) for `ip6tnl`: IPv6 endpoints, a
 * big-endian flow label, `IP6_TNL_F_*` flags; `IFLA_IPTUN_TTL` is the hop limit.
 */
export const ip6tnlAttrs = attrs('IFLA_IPTUN_', {
  link: { nla: 1, codec: u32 },
  local: { nla: 2, codec: ipv6 },
  remote: { nla: 3, codec: ipv6 },
  ttl: { nla: 4, codec: u8 },
  tos: { nla: 5, codec: u8 },
  encapLimit: { nla: 6, codec: u8 },
  flowinfo: { nla: 7, codec: u32be },
  flags: { nla: 8, codec: ip6TunnelFlags },
  proto: { nla: 9, codec: tunnelProto },
  encapType: { nla: 15, codec: tunnelEncapType },
  encapFlags: { nla: 16, codec: tunnelEncapFlags },
  encapSport: { nla: 17, codec: u16be },
  encapDport: { nla: 18, codec: u16be },
  collectMetadata: { nla: 19, codec: flag },
  fwmark: { nla: 20, codec: u32 },
}, { name: 'linkinfo-ip6tnl-attrs' });
