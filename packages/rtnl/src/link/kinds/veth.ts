/** `veth` links: `VETH_INFO_*` (`<linux/veth.h>`). */
import { attrs, type Codec } from '@nlkit/core';

/**
 * `VETH_INFO_*` (`linkinfo-veth-attrs`): the other end of the pair, given
 * when creating it (`ip link add a type veth peer name b`). `peer` is the
 * codec of a nested `ifinfomsg` plus link attributes (see `linkPeer`).
 */
export function vethAttrsFor<P extends Codec<any, any>>(peer: P) {
  return attrs('VETH_INFO_', {
    peer: { nla: 1, codec: peer },
  }, { name: 'linkinfo-veth-attrs' });
}
