/** `vxcan` links: `VXCAN_INFO_*` (`<linux/can/vxcan.h>`), a CAN tunnel pair. */
import { attrs, type Codec } from '@nlkit/core';

/** `VXCAN_INFO_*` (`linkinfo-vxcan-attrs`): the other end of the pair, as for `veth`. */
export function vxcanAttrsFor<P extends Codec<any, any>>(peer: P) {
  return attrs('VXCAN_INFO_', {
    peer: { nla: 1, codec: peer },
  }, { name: 'linkinfo-vxcan-attrs' });
}
