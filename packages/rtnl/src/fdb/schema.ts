import { attrs, flag, flagsOf, u8 } from '@nlkit/core';

/** `AF_BRIDGE`: the `ndm_family` of bridge and VXLAN forwarding database entries. */
export const AF_BRIDGE = 7;

/** `FDB_NOTIFY_*_BIT` (`NFEA_ACTIVITY_NOTIFY`): notify on activity and expiry; the entry is marked inactive. */
export const fdbNotifyBits = { notify: 1, inactive: 2 } as const;

/** `NFEA_*` (`NDA_FDB_EXT_ATTRS`): bridge FDB entry extensions. */
export const fdbExtAttrs = attrs('NFEA_', {
  activityNotify: { nla: 1, codec: flagsOf(u8, fdbNotifyBits) },
  dontRefresh: { nla: 2, codec: flag },
}, { name: 'fdb-ext-attrs' });
