/** `ip6gre`, `ip6gretap` and `ip6erspan` links: `IFLA_GRE_*` over IPv6 (`<linux/if_tunnel.h>`). */
import { attrs, flagsOf, ipv6, u32, u32be, u8 } from '@nlkit/core';
import { greFlags, greTailDefs } from './gre.js';

/** `IP6_TNL_F_*` (`<linux/ip6_tunnel.h>`): options of IPv6 tunnels (`IFLA_GRE_FLAGS`, `IFLA_IPTUN_FLAGS`). */
export const ip6TunnelFlags = flagsOf(u32, {
  ignEncapLimit: 0x1, useOrigTclass: 0x2, useOrigFlowlabel: 0x4, mip6Dev: 0x8, rcvDscpCopy: 0x10,
  useOrigFwmark: 0x20, allowLocalRemote: 0x40,
});

/**
 * `IFLA_GRE_*` (`linkinfo-gre6-attrs`) for the IPv6 kinds: the same numbers as
 * {@link greAttrs}, with IPv6 endpoints, a big-endian flow label and
 * `IP6_TNL_F_*` flags; `IFLA_GRE_TTL` is the hop limit.
 */
export const gre6Attrs = attrs('IFLA_GRE_', {
  link: { nla: 1, codec: u32 },
  iflags: { nla: 2, codec: greFlags },
  oflags: { nla: 3, codec: greFlags },
  ikey: { nla: 4, codec: u32be },
  okey: { nla: 5, codec: u32be },
  local: { nla: 6, codec: ipv6 },
  remote: { nla: 7, codec: ipv6 },
  ttl: { nla: 8, codec: u8 },
  tos: { nla: 9, codec: u8 },
  pmtudisc: { nla: 10, codec: u8 },
  encapLimit: { nla: 11, codec: u8 },
  flowinfo: { nla: 12, codec: u32be },
  flags: { nla: 13, codec: ip6TunnelFlags },
  ...greTailDefs,
}, { name: 'linkinfo-gre6-attrs' });
