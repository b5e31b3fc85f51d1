/** `ipvlan` and `ipvtap` links: `IFLA_IPVLAN_*` (`<linux/if_link.h>`). */
import { attrs, enumOf, flagsOf, u16 } from '@nlkit/core';

/** `IPVLAN_MODE_*` (`IFLA_IPVLAN_MODE`). */
export const ipvlanMode = enumOf(u16, { l2: 0, l3: 1, l3s: 2 });

/** `IPVLAN_F_*` (`IFLA_IPVLAN_FLAGS`). */
export const ipvlanFlags = flagsOf(u16, { private: 0x1, vepa: 0x2 });

/** `IFLA_IPVLAN_*` (`linkinfo-ipvlan-attrs`). */
export const ipvlanAttrs = attrs('IFLA_IPVLAN_', {
  mode: { nla: 1, codec: ipvlanMode },
  flags: { nla: 2, codec: ipvlanFlags },
}, { name: 'linkinfo-ipvlan-attrs' });
