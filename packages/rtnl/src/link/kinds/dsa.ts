/** `dsa` links (switch user ports): `IFLA_DSA_*` (`<linux/if_link.h>`). */
import { attrs, u32 } from '@nlkit/core';

/** `IFLA_DSA_*` (`linkinfo-dsa-attrs`): the conduit device's ifindex (`IFLA_DSA_MASTER` before 6.8). */
export const dsaAttrs = attrs('IFLA_DSA_', {
  conduit: { nla: 1, codec: u32 },
}, { name: 'linkinfo-dsa-attrs' });
