/**
 * Links (`RTM_*LINK`): the `ifinfomsg` header, `IFLA_*` attributes, every
 * known kind's `IFLA_INFO_DATA`, and the per-family and SR-IOV nests.
 *
 * @packageDocumentation
 */
export * from './common.js';
export * from './structs.js';
export * from './af-spec.js';
export * from './vf.js';
export * from './peer.js';
export * from './schema.js';
export * from './kinds/index.js';
export * from './kinds/amt.js';
export * from './kinds/bareudp.js';
export * from './kinds/batadv.js';
export * from './kinds/bond.js';
export * from './kinds/bridge.js';
export * from './kinds/dsa.js';
export * from './kinds/geneve.js';
export * from './kinds/gre.js';
export * from './kinds/gtp.js';
export * from './kinds/hsr.js';
export * from './kinds/ip6gre.js';
export * from './kinds/ip6tnl.js';
export * from './kinds/ipoib.js';
export * from './kinds/iptun.js';
export * from './kinds/ipvlan.js';
export * from './kinds/macsec.js';
export * from './kinds/macvlan.js';
export * from './kinds/netkit.js';
export * from './kinds/ppp.js';
export * from './kinds/rmnet.js';
export * from './kinds/tun.js';
export * from './kinds/veth.js';
export * from './kinds/vlan.js';
export * from './kinds/vrf.js';
export * from './kinds/vti.js';
export * from './kinds/vxcan.js';
export * from './kinds/vxlan.js';
export * from './kinds/wwan.js';
export * from './kinds/xfrm.js';
