/** `netkit` links: `IFLA_NETKIT_*` (`<linux/if_link.h>`), BPF-programmable device pairs. */
import { attrs, enumOf, u32, u8, type Codec } from '@nlkit/core';

/** `IFLA_NETKIT_POLICY` / `IFLA_NETKIT_PEER_POLICY`: the default verdict without a program (`NETKIT_PASS`, `NETKIT_DROP`). */
export const netkitPolicy = enumOf(u32, { forward: 0, blackhole: 2 });

/** `NETKIT_L2`, `NETKIT_L3` (`IFLA_NETKIT_MODE`). */
export const netkitMode = enumOf(u32, { l2: 0, l3: 1 });

/** `NETKIT_SCRUB_*` (`IFLA_NETKIT_SCRUB`, `IFLA_NETKIT_PEER_SCRUB`). */
export const netkitScrub = enumOf(u32, { none: 0, default: 1 });

/**
 * `IFLA_NETKIT_*` (`linkinfo-netkit-attrs`). `peerInfo` is the peer device
 * (a nested `ifinfomsg` plus link attributes, see `linkPeer`).
 */
export function netkitAttrsFor<P extends Codec<any, any>>(peer: P) {
  return attrs('IFLA_NETKIT_', {
    peerInfo: { nla: 1, codec: peer },
    primary: { nla: 2, codec: u8 },
    policy: { nla: 3, codec: netkitPolicy },
    peerPolicy: { nla: 4, codec: netkitPolicy },
    mode: { nla: 5, codec: netkitMode },
    scrub: { nla: 6, codec: netkitScrub },
    peerScrub: { nla: 7, codec: netkitScrub },
  }, { name: 'linkinfo-netkit-attrs' });
}
