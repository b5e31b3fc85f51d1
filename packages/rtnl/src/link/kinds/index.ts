/**
 * The link kinds this package decodes: the `IFLA_INFO_DATA` payload of each
 * `IFLA_INFO_KIND`, and the `IFLA_INFO_SLAVE_DATA` payload of each
 * `IFLA_INFO_SLAVE_KIND`. Kinds not listed decode as bytes.
 */
import { nest, type Codec } from '@nlkit/core';
import { amtAttrs } from './amt.js';
import { bareudpAttrs } from './bareudp.js';
import { batadvAttrs } from './batadv.js';
import { bondAttrs, bondSlaveAttrs } from './bond.js';
import { bridgeAttrs, bridgePortAttrs } from './bridge.js';
import { dsaAttrs } from './dsa.js';
import { geneveAttrs } from './geneve.js';
import { greAttrs } from './gre.js';
import { gtpAttrs } from './gtp.js';
import { hsrAttrs } from './hsr.js';
import { gre6Attrs } from './ip6gre.js';
import { ip6tnlAttrs } from './ip6tnl.js';
import { ipoibAttrs } from './ipoib.js';
import { iptunAttrs } from './iptun.js';
import { ipvlanAttrs } from './ipvlan.js';
import { macsecAttrs } from './macsec.js';
import { macvlanAttrs } from './macvlan.js';
import { netkitAttrsFor } from './netkit.js';
import { pppAttrs } from './ppp.js';
import { rmnetAttrs } from './rmnet.js';
import { tunAttrs } from './tun.js';
import { vethAttrsFor } from './veth.js';
import { vlanAttrs } from './vlan.js';
import { vrfAttrs, vrfPortAttrs } from './vrf.js';
import { vtiAttrs, vti6Attrs } from './vti.js';
import { vxcanAttrsFor } from './vxcan.js';
import { vxlanAttrs } from './vxlan.js';
import { wwanAttrs } from './wwan.js';
import { xfrmAttrs } from './xfrm.js';

const gre = nest(greAttrs);
const gre6 = nest(gre6Attrs);
const iptun = nest(iptunAttrs);
const macvlan = nest(macvlanAttrs);
const ipvlan = nest(ipvlanAttrs);

/** `IFLA_INFO_DATA` codecs of the kinds whose payload does not nest a link. */
export const plainLinkDataKinds = {
  amt: nest(amtAttrs),
  bareudp: nest(bareudpAttrs),
  batadv: nest(batadvAttrs),
  bond: nest(bondAttrs),
  bridge: nest(bridgeAttrs),
  dsa: nest(dsaAttrs),
  erspan: gre,
  geneve: nest(geneveAttrs),
  gre,
  gretap: gre,
  gtp: nest(gtpAttrs),
  hsr: nest(hsrAttrs),
  ip6erspan: gre6,
  ip6gre: gre6,
  ip6gretap: gre6,
  ip6tnl: nest(ip6tnlAttrs),
  ipip: iptun,
  ipoib: nest(ipoibAttrs),
  ipvlan,
  ipvtap: ipvlan,
  macsec: nest(macsecAttrs),
  macvlan,
  macvtap: macvlan,
  ppp: nest(pppAttrs),
  rmnet: nest(rmnetAttrs),
  sit: iptun,
  tun: nest(tunAttrs),
  vlan: nest(vlanAttrs),
  vrf: nest(vrfAttrs),
  vti: nest(vtiAttrs),
  vti6: nest(vti6Attrs),
  vxlan: nest(vxlanAttrs),
  wwan: nest(wwanAttrs),
  xfrm: nest(xfrmAttrs),
} as const;

/**
 * Every `IFLA_INFO_DATA` codec, given the codec of a peer device (`veth`,
 * `vxcan` and `netkit` nest one; see `linkPeer`).
 */
export function linkDataKindsFor<P extends Codec<any, any>>(peer: P) {
  return {
    ...plainLinkDataKinds,
    netkit: nest(netkitAttrsFor(peer)),
    veth: nest(vethAttrsFor(peer)),
    vxcan: nest(vxcanAttrsFor(peer)),
  } as const;
}

/** `IFLA_INFO_SLAVE_DATA` codecs, keyed by `IFLA_INFO_SLAVE_KIND` (the master's kind). */
export const linkSlaveDataKinds = {
  bond: nest(bondSlaveAttrs),
  bridge: nest(bridgePortAttrs),
  vrf: nest(vrfPortAttrs),
} as const;

/** Kinds the kernel reports with no `IFLA_INFO_DATA` at all. */
export const dataLessLinkKinds = ['dummy', 'ifb', 'nlmon', 'team', 'vcan', 'wireguard'] as const;
