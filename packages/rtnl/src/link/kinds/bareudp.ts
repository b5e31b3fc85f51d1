/** `bareudp` links: `IFLA_BAREUDP_*` (`<linux/if_link.h>`), L3 protocols over UDP. */
import { attrs, flag, u16, u16be } from '@nlkit/core';

/** `IFLA_BAREUDP_*` (`linkinfo-bareudp-attrs`). The port and ethertype are big-endian. */
export const bareudpAttrs = attrs('IFLA_BAREUDP_', {
  port: { nla: 1, codec: u16be },
  ethertype: { nla: 2, codec: u16be },
  srcportMin: { nla: 3, codec: u16 },
  multiprotoMode: { nla: 4, codec: flag },
}, { name: 'linkinfo-bareudp-attrs' });
