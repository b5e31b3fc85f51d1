/** `ipip` and `sit` links: `IFLA_IPTUN_*` over IPv4 (`<linux/if_tunnel.h>`). */
import { attrs, enumOf, flag, flagsOf, ipv4, ipv6, u16, u16be, u32, u8 } from '@nlkit/core';
import { tunnelEncapFlags, tunnelEncapType } from '../common.js';

/** `IFLA_IPTUN_FLAGS` of `sit`: `SIT_ISATAP`. */
export const sitFlags = flagsOf(u16, { isatap: 0x1 });

/** IP protocol numbers an IP tunnel carries (`IFLA_IPTUN_PROTO`): 0 for any. */
export const tunnelProto = enumOf(u8, { any: 0, ipip: 4, ipv6: 41, mpls: 137 });

/** `IFLA_IPTUN_*` (`linkinfo-iptun-attrs`) for `ipip` and `sit`; the `6rd` ones are `sit`'s. */
export const iptunAttrs = attrs('IFLA_IPTUN_', {
  link: { nla: 1, codec: u32 },
  local: { nla: 2, codec: ipv4 },
  remote: { nla: 3, codec: ipv4 },
  ttl: { nla: 4, codec: u8 },
  tos: { nla: 5, codec: u8 },
  encapLimit: { nla: 6, codec: u8 },
  flowinfo: { nla: 7, codec: u32 },
  flags: { nla: 8, codec: sitFlags },
  proto: { nla: 9, codec: tunnelProto },
  pmtudisc: { nla: 10, codec: u8 },
  prefix6rd: { nla: 11, codec: ipv6, name: 'IFLA_IPTUN_6RD_PREFIX' },
  relayPrefix6rd: { nla: 12, codec: ipv4, name: 'IFLA_IPTUN_6RD_RELAY_PREFIX' },
  prefixlen6rd: { nla: 13, codec: u16, name: 'IFLA_IPTUN_6RD_PREFIXLEN' },
  relayPrefixlen6rd: { nla: 14, codec: u16, name: 'IFLA_IPTUN_6RD_RELAY_PREFIXLEN' },
  encapType: { nla: 15, codec: tunnelEncapType },
  encapFlags: { nla: 16, codec: tunnelEncapFlags },
  encapSport: { nla: 17, codec: u16be },
  encapDport: { nla: 18, codec: u16be },
  collectMetadata: { nla: 19, codec: flag },
  fwmark: { nla: 20, codec: u32 },
}, { name: 'linkinfo-iptun-attrs' });
