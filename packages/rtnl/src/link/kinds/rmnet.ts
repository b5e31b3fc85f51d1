/** `rmnet` links: `IFLA_RMNET_*` (`<linux/if_link.h>`), Qualcomm multiplexed modem data. */
import { attrs, flagsOf, struct, u16, u32 } from '@nlkit/core';

/** `RMNET_FLAGS_*`. */
export const rmnetFlagBits = flagsOf(u32, {
  ingressDeaggregation: 1 << 0, ingressMapCommands: 1 << 1, ingressMapCksumv4: 1 << 2, egressMapCksumv4: 1 << 3,
  ingressMapCksumv5: 1 << 4, egressMapCksumv5: 1 << 5,
});

/** `struct ifla_rmnet_flags` (`IFLA_RMNET_FLAGS`): flag values and the mask of those to change. */
export const iflaRmnetFlags = struct('ifla_rmnet_flags', '', {
  flags: rmnetFlagBits,
  mask: rmnetFlagBits,
});

/** `IFLA_RMNET_*` (`linkinfo-rmnet-attrs`). */
export const rmnetAttrs = attrs('IFLA_RMNET_', {
  muxId: { nla: 1, codec: u16 },
  flags: { nla: 2, codec: iflaRmnetFlags },
}, { name: 'linkinfo-rmnet-attrs' });
