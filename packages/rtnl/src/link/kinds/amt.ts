/** `amt` links: `IFLA_AMT_*` (`<linux/amt.h>`), Automatic Multicast Tunneling. */
import { attrs, enumOf, ipv4, u16be, u32 } from '@nlkit/core';

/** `AMT_MODE_*` (`IFLA_AMT_MODE`). */
export const amtMode = enumOf(u32, { gateway: 0, relay: 1 });

/** `IFLA_AMT_*` (`linkinfo-amt-attrs`). Ports are big-endian. */
export const amtAttrs = attrs('IFLA_AMT_', {
  mode: { nla: 1, codec: amtMode },
  relayPort: { nla: 2, codec: u16be },
  gatewayPort: { nla: 3, codec: u16be },
  link: { nla: 4, codec: u32 },
  localIp: { nla: 5, codec: ipv4 },
  remoteIp: { nla: 6, codec: ipv4 },
  discoveryIp: { nla: 7, codec: ipv4 },
  maxTunnels: { nla: 8, codec: u32 },
}, { name: 'linkinfo-amt-attrs' });
