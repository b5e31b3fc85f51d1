/** `tun` links (tun and tap devices): `IFLA_TUN_*` (`<linux/if_link.h>`), read-only. */
import { attrs, enumOf, u32, u8 } from '@nlkit/core';

/** `IFF_TUN`, `IFF_TAP` (`IFLA_TUN_TYPE`, `<linux/if_tun.h>`). */
export const tunType = enumOf(u8, { tun: 1, tap: 2 });

/** `IFLA_TUN_*` (`linkinfo-tun-attrs`). Owner and group are a uid and gid. */
export const tunAttrs = attrs('IFLA_TUN_', {
  owner: { nla: 1, codec: u32 },
  group: { nla: 2, codec: u32 },
  type: { nla: 3, codec: tunType },
  pi: { nla: 4, codec: u8 },
  vnetHdr: { nla: 5, codec: u8 },
  persist: { nla: 6, codec: u8 },
  multiQueue: { nla: 7, codec: u8 },
  numQueues: { nla: 8, codec: u32 },
  numDisabledQueues: { nla: 9, codec: u32 },
}, { name: 'linkinfo-tun-attrs' });
