/** `gtp` links: `IFLA_GTP_*` (`<linux/if_link.h>`), GPRS tunnelling. */
import { attrs, enumOf, ipv4, ipv6, u32, u8 } from '@nlkit/core';

/** `GTP_ROLE_*` (`IFLA_GTP_ROLE`). */
export const gtpRole = enumOf(u32, { ggsn: 0, sgsn: 1 });

/** `IFLA_GTP_*` (`linkinfo-gtp-attrs`). `fd0`/`fd1` are the GTPv0/GTPv1-U sockets. */
export const gtpAttrs = attrs('IFLA_GTP_', {
  fd0: { nla: 1, codec: u32 },
  fd1: { nla: 2, codec: u32 },
  pdpHashsize: { nla: 3, codec: u32 },
  role: { nla: 4, codec: gtpRole },
  createSockets: { nla: 5, codec: u8 },
  restartCount: { nla: 6, codec: u8 },
  local: { nla: 7, codec: ipv4 },
  local6: { nla: 8, codec: ipv6 },
}, { name: 'linkinfo-gtp-attrs' });
