import {
  attrs, binary, cstring, enumOf, flag, lladdr, nest, pad, s32, struct, u16, u32, u64, u8, variant,
  type Codec,
} from '@nlkit/core';

/** `struct ifinfomsg` (`<linux/rtnetlink.h>`): the fixed header of `RTM_*LINK`. */
export const ifinfomsg = struct('ifinfomsg', 'ifi_', {
  family: u8,
  _pad: { codec: pad(1), c: '__ifi_pad' },
  type: u16,
  index: s32,
  flags: u32,
  change: u32,
});

/** `struct rtnl_link_stats` (`IFLA_STATS`): 32-bit counters. */
export const rtnlLinkStats = struct('rtnl_link_stats', '', {
  rxPackets: u32, txPackets: u32, rxBytes: u32, txBytes: u32, rxErrors: u32, txErrors: u32,
  rxDropped: u32, txDropped: u32, multicast: u32, collisions: u32,
  rxLengthErrors: u32, rxOverErrors: u32, rxCrcErrors: u32, rxFrameErrors: u32, rxFifoErrors: u32, rxMissedErrors: u32,
  txAbortedErrors: u32, txCarrierErrors: u32, txFifoErrors: u32, txHeartbeatErrors: u32, txWindowErrors: u32,
  rxCompressed: u32, txCompressed: u32, rxNohandler: u32,
});

/** `struct rtnl_link_stats64` (`IFLA_STATS64`). A longer one from a newer kernel keeps its tail. */
export const rtnlLinkStats64 = struct('rtnl_link_stats64', '', {
  rxPackets: u64, txPackets: u64, rxBytes: u64, txBytes: u64, rxErrors: u64, txErrors: u64,
  rxDropped: u64, txDropped: u64, multicast: u64, collisions: u64,
  rxLengthErrors: u64, rxOverErrors: u64, rxCrcErrors: u64, rxFrameErrors: u64, rxFifoErrors: u64, rxMissedErrors: u64,
  txAbortedErrors: u64, txCarrierErrors: u64, txFifoErrors: u64, txHeartbeatErrors: u64, txWindowErrors: u64,
  rxCompressed: u64, txCompressed: u64, rxNohandler: u64, rxOtherhostDropped: u64,
});

/** `struct rtnl_link_ifmap` (`IFLA_MAP`), padded to its 8-byte alignment. */
export const rtnlLinkIfmap = struct('rtnl_link_ifmap', '', {
  memStart: u64, memEnd: u64, baseAddr: u64, irq: u16, dma: u8, port: u8,
  _pad: { codec: pad(4), c: '__pad' },
});

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

/** `IFLA_XDP_*`. */
export const xdpAttrs = attrs('IFLA_XDP_', {
  fd: { nla: 1, codec: s32 },
  attached: { nla: 2, codec: enumOf(u8, { none: 0, drv: 1, skb: 2, hw: 3, multi: 4 }) },
  flags: { nla: 3, codec: u32 },
  progId: { nla: 4, codec: u32, name: 'IFLA_XDP_PROG_ID' },
  drvProgId: { nla: 5, codec: u32 },
  skbProgId: { nla: 6, codec: u32 },
  hwProgId: { nla: 7, codec: u32 },
  expectedFd: { nla: 8, codec: s32 },
}, { name: 'xdp-attrs' });

/** `IFLA_PROP_LIST` entries: alternative names. */
export const propListAttrs = attrs('IFLA_', {
  altIfname: { nla: 53, codec: cstring({ max: 127 }), multi: true },
}, { name: 'prop-list-link-attrs' });

/** `IFLA_PROTO_DOWN_REASON_*`. */
export const protoDownReasonAttrs = attrs('IFLA_PROTO_DOWN_REASON_', {
  mask: { nla: 1, codec: u32 },
  value: { nla: 2, codec: u32 },
}, { name: 'proto-down-reason-attrs' });

/**
 * The kinds whose `IFLA_INFO_DATA` and `IFLA_INFO_SLAVE_DATA` this build
 * decodes. A variant keyed by `IFLA_INFO_KIND`; unknown kinds stay bytes.
 * Pass a wider table to {@link linkinfoAttrsFor} to decode more.
 */
export type KindTable = Record<string, Codec<any, any>>;

/** `IFLA_INFO_*` for the given kind tables (data keyed by `kind`, slave data by `slaveKind`). */
export function linkinfoAttrsFor<const D extends KindTable, const S extends KindTable>(data: D, slaveData: S) {
  return attrs('IFLA_INFO_', {
    kind: { nla: 1, codec: cstring() },
    data: { nla: 2, codec: variant('kind', data) },
    xstats: { nla: 3, codec: binary() },
    slaveKind: { nla: 4, codec: cstring() },
    slaveData: { nla: 5, codec: variant('slaveKind', slaveData) },
  }, { name: 'linkinfo-attrs' });
}

/** `IFLA_*` (`link-attrs`), with `IFLA_LINKINFO` built from `linkinfo`. */
export function linkAttrsFor<L extends ReturnType<typeof linkinfoAttrsFor>>(linkinfo: L) {
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
    wireless: { nla: 11, codec: binary() },
    protinfo: { nla: 12, codec: binary() },
    txqlen: { nla: 13, codec: u32 },
    map: { nla: 14, codec: rtnlLinkIfmap },
    weight: { nla: 15, codec: u32 },
    operstate: { nla: 16, codec: operState },
    linkmode: { nla: 17, codec: linkMode },
    linkinfo: { nla: 18, codec: nest(linkinfo) },
    netNsPid: { nla: 19, codec: u32 },
    ifalias: { nla: 20, codec: cstring({ max: 255 }) },
    numVf: { nla: 21, codec: u32 },
    vfinfoList: { nla: 22, codec: binary() },
    stats64: { nla: 23, codec: rtnlLinkStats64 },
    vfPorts: { nla: 24, codec: binary() },
    portSelf: { nla: 25, codec: binary() },
    afSpec: { nla: 26, codec: binary() },
    group: { nla: 27, codec: u32 },
    netNsFd: { nla: 28, codec: s32 },
    extMask: { nla: 29, codec: u32 },
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
    targetNetnsid: { nla: 46, codec: s32, name: 'IFLA_IF_NETNSID' },
    carrierUpCount: { nla: 47, codec: u32 },
    carrierDownCount: { nla: 48, codec: u32 },
    newIfindex: { nla: 49, codec: s32 },
    minMtu: { nla: 50, codec: u32 },
    maxMtu: { nla: 51, codec: u32 },
    propList: { nla: 52, codec: nest(propListAttrs) },
    altIfname: { nla: 53, codec: cstring({ max: 127 }), multi: true },
    permAddress: { nla: 54, codec: lladdr },
    protoDownReason: { nla: 55, codec: nest(protoDownReasonAttrs) },
    parentDevName: { nla: 56, codec: cstring() },
    parentDevBusName: { nla: 57, codec: cstring() },
    groMaxSize: { nla: 58, codec: u32 },
    tsoMaxSize: { nla: 59, codec: u32 },
    tsoMaxSegs: { nla: 60, codec: u32 },
    allmulti: { nla: 61, codec: u32 },
    devlinkPort: { nla: 62, codec: binary() },
    gsoIpv4MaxSize: { nla: 63, codec: u32 },
    groIpv4MaxSize: { nla: 64, codec: u32 },
    dpllPin: { nla: 65, codec: binary() },
    maxPacingOffloadHorizon: { nla: 66, codec: u32 },
    netnsImmutable: { nla: 67, codec: u8 },
    headroom: { nla: 68, codec: u16 },
    tailroom: { nla: 69, codec: u16 },
  }, { name: 'link-attrs' });
}

/** `IFLA_INFO_*` with no kind-specific payloads decoded (they stay bytes). */
export const linkinfoAttrs = linkinfoAttrsFor({}, {});
/** `IFLA_*` with no kind-specific payloads decoded. */
export const linkAttrs = linkAttrsFor(linkinfoAttrs);
