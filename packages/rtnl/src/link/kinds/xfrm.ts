/** `xfrm` links (XFRM interfaces): `IFLA_XFRM_*` (`<linux/if_link.h>`). */
import { attrs, flag, u32 } from '@nlkit/core';

/** `IFLA_XFRM_*` (`linkinfo-xfrm-attrs`). */
export const xfrmAttrs = attrs('IFLA_XFRM_', {
  link: { nla: 1, codec: u32 },
  ifId: { nla: 2, codec: u32 },
  collectMetadata: { nla: 3, codec: flag },
}, { name: 'linkinfo-xfrm-attrs' });
