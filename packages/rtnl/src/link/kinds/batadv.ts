/** `batadv` links: `IFLA_BATADV_*` (`<linux/batman_adv.h>`), B.A.T.M.A.N. Advanced mesh interfaces. */
import { attrs, cstring } from '@nlkit/core';

/** `IFLA_BATADV_*` (`linkinfo-batadv-attrs`). */
export const batadvAttrs = attrs('IFLA_BATADV_', {
  algoName: { nla: 1, codec: cstring() },
}, { name: 'linkinfo-batadv-attrs' });
