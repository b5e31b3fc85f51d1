/** `gre`, `gretap` and `erspan` links: `IFLA_GRE_*` over IPv4 (`<linux/if_tunnel.h>`). */
import { attrs, enumOf, flag, flagsOf, ipv4, u16, u16be, u32, u32be, u8 } from '@nlkit/core';
import { tunnelEncapFlags, tunnelEncapType } from '../common.js';

/** `GRE_*` header flags (`IFLA_GRE_IFLAGS`, `IFLA_GRE_OFLAGS`), big-endian as in the GRE header. */
export const greFlags = flagsOf(u16be, { csum: 0x8000, routing: 0x4000, key: 0x2000, seq: 0x1000, strict: 0x0800, ack: 0x0080 });

/** `IFLA_GRE_ERSPAN_DIR`: the mirrored traffic's direction (ERSPAN v2). */
export const erspanDir = enumOf(u8, { ingress: 0, egress: 1 });

/**
 * `IFLA_GRE_ENCAP_*` through `IFLA_GRE_ERSPAN_HWID` (14–24): the same for the
 * IPv4 and IPv6 kinds, spread into {@link greAttrs} and `gre6Attrs`.
 */
export const greTailDefs = {
  encapType: { nla: 14, codec: tunnelEncapType },
  encapFlags: { nla: 15, codec: tunnelEncapFlags },
  encapSport: { nla: 16, codec: u16be },
  encapDport: { nla: 17, codec: u16be },
  collectMetadata: { nla: 18, codec: flag },
  ignoreDf: { nla: 19, codec: u8 },
  fwmark: { nla: 20, codec: u32 },
  erspanIndex: { nla: 21, codec: u32 },
  erspanVer: { nla: 22, codec: u8 },
  erspanDir: { nla: 23, codec: erspanDir },
  erspanHwid: { nla: 24, codec: u16 },
} as const;

/**
 * `IFLA_GRE_*` (`linkinfo-gre-attrs`) for the IPv4 kinds. Keys and flags are
 * in network byte order, as iproute2 and the kernel put them.
 */
export const greAttrs = attrs('IFLA_GRE_', {
  link: { nla: 1, codec: u32 },
  iflags: { nla: 2, codec: greFlags },
  oflags: { nla: 3, codec: greFlags },
  ikey: { nla: 4, codec: u32be },
  okey: { nla: 5, codec: u32be },
  local: { nla: 6, codec: ipv4 },
  remote: { nla: 7, codec: ipv4 },
  ttl: { nla: 8, codec: u8 },
  tos: { nla: 9, codec: u8 },
  pmtudisc: { nla: 10, codec: u8 },
  encapLimit: { nla: 11, codec: u32 },
  flowinfo: { nla: 12, codec: u32 },
  flags: { nla: 13, codec: u32 },
  ...greTailDefs,
}, { name: 'linkinfo-gre-attrs' });
