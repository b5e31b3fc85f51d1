/** `macvlan` and `macvtap` links: `IFLA_MACVLAN_*` (`<linux/if_link.h>`). */
import { attrs, enumOf, flagsOf, lladdr, nest, s32, u16, u32 } from '@nlkit/core';

/** `MACVLAN_MODE_*` (`IFLA_MACVLAN_MODE`). */
export const macvlanMode = enumOf(u32, { private: 1, vepa: 2, bridge: 4, passthru: 8, source: 16 });

/** `MACVLAN_FLAG_*` (`IFLA_MACVLAN_FLAGS`). */
export const macvlanFlags = flagsOf(u16, { nopromisc: 1, nodst: 2 });

/** `MACVLAN_MACADDR_*` (`IFLA_MACVLAN_MACADDR_MODE`): what to do with the source-mode address list. */
export const macvlanMacaddrMode = enumOf(u32, { add: 0, del: 1, flush: 2, set: 3 });

/** `IFLA_MACVLAN_MACADDR_DATA`: the source-mode address list, as repeated `IFLA_MACVLAN_MACADDR`. */
export const macvlanMacaddrDataAttrs = attrs('IFLA_MACVLAN_', {
  macaddr: { nla: 4, codec: lladdr, multi: true },
}, { name: 'linkinfo-macvlan-macaddr-data-attrs' });

/** `IFLA_MACVLAN_*` (`linkinfo-macvlan-attrs`). */
export const macvlanAttrs = attrs('IFLA_MACVLAN_', {
  mode: { nla: 1, codec: macvlanMode },
  flags: { nla: 2, codec: macvlanFlags },
  macaddrMode: { nla: 3, codec: macvlanMacaddrMode },
  macaddr: { nla: 4, codec: lladdr },
  macaddrData: { nla: 5, codec: nest(macvlanMacaddrDataAttrs) },
  macaddrCount: { nla: 6, codec: u32 },
  bcQueueLen: { nla: 7, codec: u32 },
  bcQueueLenUsed: { nla: 8, codec: u32 },
  bcCutoff: { nla: 9, codec: s32 },
}, { name: 'linkinfo-macvlan-attrs' });
