/**
 * The link schema: `RTM_NEWLINK`/`RTM_DELLINK`/`RTM_GETLINK`/`RTM_SETLINK`
 * bodies (`struct ifinfomsg` + `IFLA_*`), after the kernel's `rt_link.yaml`
 * spec (`link-attrs` and the sets it nests) and `<linux/if_link.h>`.
 */
import {
  attrs, binary, cstring, enumOf, flagsOf, lladdr, nest, s32, u16, u32, u8, uint, variant,
  type AttrInput, type AttrDef, type AttrSet, type AttrValues, type Codec,
} from '@nlkit/core';
import { afSpec, protinfo } from './af-spec.js';
import { linkDataKindsFor, linkSlaveDataKinds } from './kinds/index.js';
import { linkPeer, type IfinfomsgInput, type IfinfomsgValue } from './peer.js';
import { rtnlLinkIfmap, rtnlLinkStats, rtnlLinkStats64 } from './structs.js';
import { vfPortsAttrs, vfinfoListAttrs, portSelfAttrs } from './vf.js';

export { ifinfomsg } from './common.js';
export { rtnlLinkIfmap, rtnlLinkStats, rtnlLinkStats64 } from './structs.js';

/** RFC 2863 operational state (`IF_OPER_*`, `IFLA_OPERSTATE`). */
export const operState = enumOf(u8, {
  unknown: 0, notpresent: 1, down: 2, lowerlayerdown: 3, testing: 4, dormant: 5, up: 6,
});

/** `IFLA_LINKMODE` (`IF_LINK_MODE_*`). */
export const linkMode = enumOf(u8, { default: 0, dormant: 1, testing: 2 });

/** `IFLA_EVENT` (`IFLA_EVENT_*`): why an `RTM_NEWLINK` notification was sent. */
export const linkEvent = enumOf(u32, {
  none: 0, reboot: 1, features: 2, bondingFailover: 3, notifyPeers: 4, igmpResend: 5, bondingOptions: 6,
});

/** `RTEXT_FILTER_*` (`IFLA_EXT_MASK`): what a link dump should include. */
export const rtextFilter = flagsOf(u32, {
  vf: 1 << 0, brvlan: 1 << 1, brvlanCompressed: 1 << 2, skipStats: 1 << 3, mrp: 1 << 4, cfmConfig: 1 << 5,
  cfmStatus: 1 << 6, mst: 1 << 7,
});

/** `XDP_ATTACHED_*` (`IFLA_XDP_ATTACHED`). */
export const xdpAttached = enumOf(u8, { none: 0, drv: 1, skb: 2, hw: 3, multi: 4 });

/** `XDP_FLAGS_*` (`IFLA_XDP_FLAGS`). */
export const xdpFlags = flagsOf(u32, { updateIfNoexist: 1 << 0, skbMode: 1 << 1, drvMode: 1 << 2, hwMode: 1 << 3, replace: 1 << 4 });

/** `IFLA_XDP_*` (`xdp-attrs`): the XDP programs of a device, or one to attach. */
export const xdpAttrs = attrs('IFLA_XDP_', {
  fd: { nla: 1, codec: s32 },
  attached: { nla: 2, codec: xdpAttached },
  flags: { nla: 3, codec: xdpFlags },
  progId: { nla: 4, codec: u32 },
  drvProgId: { nla: 5, codec: u32 },
  skbProgId: { nla: 6, codec: u32 },
  hwProgId: { nla: 7, codec: u32 },
  expectedFd: { nla: 8, codec: s32 },
}, { name: 'xdp-attrs' });

/** `IFLA_PROP_LIST` (`prop-list-link-attrs`): alternative names, added or removed by `RTM_NEWLINKPROP`/`RTM_DELLINKPROP`. */
export const propListAttrs = attrs('IFLA_', {
  altIfname: { nla: 53, codec: cstring({ max: 127 }), multi: true },
}, { name: 'prop-list-link-attrs' });

/** `IFLA_PROTO_DOWN_REASON_*`: reason bits for `IFLA_PROTO_DOWN`. */
export const protoDownReasonAttrs = attrs('IFLA_PROTO_DOWN_REASON_', {
  mask: { nla: 1, codec: u32 },
  value: { nla: 2, codec: u32 },
}, { name: 'proto-down-reason-attrs' });

/** `IFLA_DPLL_PIN` (`link-dpll-pin-attrs`): the DPLL pin feeding the device's clock, by `DPLL_A_PIN_ID`. */
export const linkDpllPinAttrs = attrs('DPLL_A_PIN_', {
  id: { nla: 1, codec: u32 },
}, { name: 'link-dpll-pin-attrs' });

/** `IFLA_INFO_DATA` / `IFLA_INFO_SLAVE_DATA` codecs keyed by kind (see `kinds/index.ts`). */
export type KindTable = Record<string, Codec<any, any>>;

/**
 * `IFLA_INFO_*` (`linkinfo-attrs`) for the given kind tables: `data` is
 * chosen by `kind`, `slaveData` by `slaveKind`; kinds not in the tables stay bytes.
 */
export function linkinfoAttrsFor<const D extends KindTable, const S extends KindTable>(data: D, slaveData: S) {
  return attrs('IFLA_INFO_', {
    kind: { nla: 1, codec: cstring() },
    data: { nla: 2, codec: variant('kind', data) },
    xstats: { nla: 3, codec: binary() },
    slaveKind: { nla: 4, codec: cstring() },
    slaveData: { nla: 5, codec: slaveDataVariant(slaveData) },
  }, { name: 'linkinfo-attrs' });
}

/**
 * `IFLA_INFO_SLAVE_DATA`, chosen by `IFLA_INFO_SLAVE_KIND` (`bridge`, as the
 * kernel reports it) or, in requests without one, by an `IFLA_INFO_KIND` of
 * `<kind>_slave` (what `ip link set DEV type bridge_slave ...` sends).
 */
function slaveDataVariant<const S extends KindTable>(table: S) {
  const byRequestKind: KindTable = {};
  for (const [k, codec] of Object.entries(table)) byRequestKind[`${k}_slave`] = codec;
  // core's variant types its fallback as bytes; this one is itself a variant over the same codecs.
  return variant('slaveKind', table, variant('kind', byRequestKind) as Codec<Uint8Array>);
}

/** `IFLA_*` (`link-attrs`), with `IFLA_LINKINFO` built from `linkinfo`. */
export function linkAttrsFor<D extends Record<string, AttrDef>>(linkinfo: AttrSet<D>) {
  return attrs('IFLA_', {
    address: { nla: 1, codec: lladdr },
    broadcast: { nla: 2, codec: lladdr },
    ifname: { nla: 3, codec: cstring({ max: 15 }) },
    mtu: { nla: 4, codec: u32 },
    link: { nla: 5, codec: u32 },
    qdisc: { nla: 6, codec: cstring() },
    stats: { nla: 7, codec: rtnlLinkStats },
    cost: { nla: 8, codec: cstring() },
    priority: { nla: 9, codec: cstring() },
    master: { nla: 10, codec: u32 },
    /** Wireless extension events (`struct iw_event`s), kept as bytes. */
    wireless: { nla: 11, codec: binary() },
    protinfo: { nla: 12, codec: protinfo },
    txqlen: { nla: 13, codec: u32 },
    map: { nla: 14, codec: rtnlLinkIfmap },
    weight: { nla: 15, codec: u32 },
    operstate: { nla: 16, codec: operState },
    linkmode: { nla: 17, codec: linkMode },
    linkinfo: { nla: 18, codec: nest(linkinfo) },
    netNsPid: { nla: 19, codec: u32 },
    ifalias: { nla: 20, codec: cstring({ max: 255 }) },
    numVf: { nla: 21, codec: u32 },
    vfinfoList: { nla: 22, codec: nest(vfinfoListAttrs) },
    stats64: { nla: 23, codec: rtnlLinkStats64 },
    vfPorts: { nla: 24, codec: nest(vfPortsAttrs) },
    portSelf: { nla: 25, codec: nest(portSelfAttrs) },
    afSpec: { nla: 26, codec: afSpec },
    group: { nla: 27, codec: u32 },
    netNsFd: { nla: 28, codec: u32 },
    extMask: { nla: 29, codec: rtextFilter },
    promiscuity: { nla: 30, codec: u32 },
    numTxQueues: { nla: 31, codec: u32 },
    numRxQueues: { nla: 32, codec: u32 },
    carrier: { nla: 33, codec: u8 },
    physPortId: { nla: 34, codec: binary() },
    carrierChanges: { nla: 35, codec: u32 },
    physSwitchId: { nla: 36, codec: binary() },
    linkNetnsid: { nla: 37, codec: s32 },
    physPortName: { nla: 38, codec: cstring() },
    protoDown: { nla: 39, codec: u8 },
    gsoMaxSegs: { nla: 40, codec: u32 },
    gsoMaxSize: { nla: 41, codec: u32 },
    pad: { nla: 42, codec: binary() },
    xdp: { nla: 43, codec: nest(xdpAttrs) },
    event: { nla: 44, codec: linkEvent },
    newNetnsid: { nla: 45, codec: s32 },
    /** `IFLA_TARGET_NETNSID`, first named `IFLA_IF_NETNSID`. */
    targetNetnsid: { nla: 46, codec: s32 },
    carrierUpCount: { nla: 47, codec: u32 },
    carrierDownCount: { nla: 48, codec: u32 },
    newIfindex: { nla: 49, codec: s32 },
    minMtu: { nla: 50, codec: u32 },
    maxMtu: { nla: 51, codec: u32 },
    propList: { nla: 52, codec: nest(propListAttrs) },
    altIfname: { nla: 53, codec: cstring({ max: 127 }) },
    permAddress: { nla: 54, codec: lladdr },
    protoDownReason: { nla: 55, codec: nest(protoDownReasonAttrs) },
    parentDevName: { nla: 56, codec: cstring() },
    parentDevBusName: { nla: 57, codec: cstring() },
    groMaxSize: { nla: 58, codec: u32 },
    tsoMaxSize: { nla: 59, codec: u32 },
    tsoMaxSegs: { nla: 60, codec: u32 },
    allmulti: { nla: 61, codec: u32 },
    /** The devlink port (`DEVLINK_ATTR_*` handle attributes), kept as bytes as the spec has it. */
    devlinkPort: { nla: 62, codec: binary() },
    gsoIpv4MaxSize: { nla: 63, codec: u32 },
    groIpv4MaxSize: { nla: 64, codec: u32 },
    dpllPin: { nla: 65, codec: nest(linkDpllPinAttrs) },
    // Attributes newer than the 6.12 spec and headers, as running kernels send them.
    /** How far ahead the device can pace packets, in nanoseconds (a variable-width uint). */
    maxPacingOffloadHorizon: { nla: 66, codec: uint },
    /** 1 when the device may not move to another network namespace. */
    netnsImmutable: { nla: 67, codec: u8 },
    /** Bytes the device needs in front of packets. */
    headroom: { nla: 68, codec: u16 },
    /** Bytes the device needs after packets. */
    tailroom: { nla: 69, codec: u16 },
  }, { name: 'link-attrs' });
}

const peer: Codec<LinkPeer, LinkPeerInputOf> = linkPeer<LinkAttrValues, LinkAttrInput>(() => linkAttrs);

/** `IFLA_INFO_DATA` codecs of every kind this package knows, keyed by `IFLA_INFO_KIND`. */
export const linkDataKinds = linkDataKindsFor(peer);

/** `IFLA_INFO_*` (`linkinfo-attrs`) with every known kind decoded. */
export const linkinfoAttrs = linkinfoAttrsFor(linkDataKinds, linkSlaveDataKinds);

/** `IFLA_*` (`link-attrs`) with every known kind decoded: the body of `RTM_*LINK`. */
export const linkAttrs = linkAttrsFor(linkinfoAttrs);

/** Decoded `IFLA_*` attributes. */
export type LinkAttrValues = AttrValues<LinkAttrDefs>;
/** What encode accepts for `IFLA_*` attributes. */
export type LinkAttrInput = AttrInput<LinkAttrDefs>;
type LinkAttrDefs = typeof linkAttrs extends AttrSet<infer D> ? D : never;

/** A peer device (`VETH_INFO_PEER`, `VXCAN_INFO_PEER`, `IFLA_NETKIT_PEER_INFO`) as decoded. */
export interface LinkPeer {
  /** The peer's `struct ifinfomsg`. */
  header: IfinfomsgValue;
  /** The peer's `IFLA_*` attributes. */
  attrs: LinkAttrValues;
}
/** A peer device as encode takes it (a missing header is all zeros). */
export interface LinkPeerInputOf {
  /** The peer's `struct ifinfomsg`; all zeros when left out. */
  header?: IfinfomsgInput;
  /** The peer's `IFLA_*` attributes (`IFLA_IFNAME`, ...). */
  attrs?: LinkAttrInput;
}
