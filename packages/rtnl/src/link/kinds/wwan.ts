/** `wwan` links: `IFLA_WWAN_*` (`<linux/wwan.h>`). */
import { attrs, u32 } from '@nlkit/core';

/** `IFLA_WWAN_*` (`linkinfo-wwan-attrs`): the modem's data channel. */
export const wwanAttrs = attrs('IFLA_WWAN_', {
  linkId: { nla: 1, codec: u32 },
}, { name: 'linkinfo-wwan-attrs' });
