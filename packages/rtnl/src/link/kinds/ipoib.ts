/** `ipoib` links: `IFLA_IPOIB_*` (`<linux/if_link.h>`), IP over InfiniBand child devices. */
import { attrs, enumOf, u16 } from '@nlkit/core';

/** `IPOIB_MODE_*` (`IFLA_IPOIB_MODE`). */
export const ipoibMode = enumOf(u16, { datagram: 0, connected: 1 });

/** `IFLA_IPOIB_*` (`linkinfo-ipoib-attrs`). */
export const ipoibAttrs = attrs('IFLA_IPOIB_', {
  pkey: { nla: 1, codec: u16 },
  mode: { nla: 2, codec: ipoibMode },
  umcast: { nla: 3, codec: u16 },
}, { name: 'linkinfo-ipoib-attrs' });
