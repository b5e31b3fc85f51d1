/** `ppp` links: `IFLA_PPP_*` (`<linux/if_link.h>`). */
import { attrs, s32 } from '@nlkit/core';

/** `IFLA_PPP_*` (`linkinfo-ppp-attrs`): the `/dev/ppp` file descriptor to attach. */
export const pppAttrs = attrs('IFLA_PPP_', {
  devFd: { nla: 1, codec: s32 },
}, { name: 'linkinfo-ppp-attrs' });
