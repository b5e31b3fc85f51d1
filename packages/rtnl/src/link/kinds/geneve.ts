/** `geneve` links: `IFLA_GENEVE_*` (`<linux/if_link.h>`). */
import { attrs, enumOf, flag, ipv4, ipv6, u16be, u32, u32be, u8 } from '@nlkit/core';

/** `GENEVE_DF_*` (`IFLA_GENEVE_DF`). */
export const geneveDf = enumOf(u8, { unset: 0, set: 1, inherit: 2 });

/** `IFLA_GENEVE_*` (`linkinfo-geneve-attrs`). The port and flow label are big-endian. */
export const geneveAttrs = attrs('IFLA_GENEVE_', {
  id: { nla: 1, codec: u32 },
  remote: { nla: 2, codec: ipv4 },
  ttl: { nla: 3, codec: u8 },
  tos: { nla: 4, codec: u8 },
  port: { nla: 5, codec: u16be },
  collectMetadata: { nla: 6, codec: flag },
  remote6: { nla: 7, codec: ipv6 },
  udpCsum: { nla: 8, codec: u8 },
  udpZeroCsum6Tx: { nla: 9, codec: u8 },
  udpZeroCsum6Rx: { nla: 10, codec: u8 },
  label: { nla: 11, codec: u32be },
  ttlInherit: { nla: 12, codec: u8 },
  df: { nla: 13, codec: geneveDf },
  innerProtoInherit: { nla: 14, codec: flag },
}, { name: 'linkinfo-geneve-attrs' });
