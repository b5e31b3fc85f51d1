/**
 * Per-address-family link data: `IFLA_AF_SPEC` (keyed by address family) and
 * `IFLA_PROTINFO`, for IPv4, IPv6, MCTP and bridge ports.
 */
import {
  attrs, binary, enumOf, flagsOf, ipv6, lladdr, nest, s32, struct, u16, u32, u64, u8, variant,
  type Codec, type Decoded, type Input, type VariantCases,
} from '@nlkit/core';
import { AF } from './common.js';
import { bridgePortAttrs } from './kinds/bridge.js';

// ---------------------------------------------------------------------------
// AF_INET

/**
 * `IFLA_INET_CONF`: the IPv4 sysctls of a device (`IPV4_DEVCONF_*` - 1, one
 * u32 each, `<linux/ip.h>`). Entries a newer kernel adds stay as the struct's tail.
 */
export const ipv4Devconf = struct('ipv4_devconf', '', {
  forwarding: u32, mcForwarding: u32, proxyArp: u32, acceptRedirects: u32, secureRedirects: u32, sendRedirects: u32,
  sharedMedia: u32, rpFilter: u32, acceptSourceRoute: u32, bootpRelay: u32, logMartians: u32, tag: u32,
  arpfilter: u32, mediumId: u32, noxfrm: u32, nopolicy: u32, forceIgmpVersion: u32, arpAnnounce: u32,
  arpIgnore: u32, promoteSecondaries: u32, arpAccept: u32, arpNotify: u32, acceptLocal: u32, srcVmark: u32,
  proxyArpPvlan: u32, routeLocalnet: u32, igmpv2UnsolicitedReportInterval: u32, igmpv3UnsolicitedReportInterval: u32,
  ignoreRoutesWithLinkdown: u32, dropUnicastInL2Multicast: u32, dropGratuitousArp: u32, bcForwarding: u32,
  arpEvictNocarrier: u32,
});

/** `IFLA_INET_*` (`ifla-attrs`): the IPv4 part of `IFLA_AF_SPEC`. */
export const inetAttrs = attrs('IFLA_INET_', {
  conf: { nla: 1, codec: ipv4Devconf },
}, { name: 'ifla-attrs' });

// ---------------------------------------------------------------------------
// AF_INET6

/**
 * `IFLA_INET6_CONF`: the IPv6 sysctls of a device (`DEVCONF_*`, `<linux/ipv6.h>`).
 * The kernel writes every entry as a signed 32-bit value (-1 disables some),
 * `addr_gen_mode` included. Entries a newer kernel adds stay as the struct's tail.
 */
export const ipv6Devconf = struct('ipv6_devconf', '', {
  forwarding: s32, hoplimit: s32, mtu6: s32, acceptRa: s32, acceptRedirects: s32, autoconf: s32, dadTransmits: s32,
  rtrSolicits: s32, rtrSolicitInterval: s32, rtrSolicitDelay: s32, useTempaddr: s32, tempValidLft: s32,
  tempPreferedLft: s32, regenMaxRetry: s32, maxDesyncFactor: s32, maxAddresses: s32, forceMldVersion: s32,
  acceptRaDefrtr: s32, acceptRaPinfo: s32, acceptRaRtrPref: s32, rtrProbeInterval: s32, acceptRaRtInfoMaxPlen: s32,
  proxyNdp: s32, optimisticDad: s32, acceptSourceRoute: s32, mcForwarding: s32, disableIpv6: s32, acceptDad: s32,
  forceTllao: s32, ndiscNotify: s32, mldv1UnsolicitedReportInterval: s32, mldv2UnsolicitedReportInterval: s32,
  suppressFragNdisc: s32, acceptRaFromLocal: s32, useOptimistic: s32, acceptRaMtu: s32, stableSecret: s32,
  useOifAddrsOnly: s32, acceptRaMinHopLimit: s32, ignoreRoutesWithLinkdown: s32, dropUnicastInL2Multicast: s32,
  dropUnsolicitedNa: s32, keepAddrOnDown: s32, rtrSolicitMaxInterval: s32, seg6Enabled: s32, seg6RequireHmac: s32,
  enhancedDad: s32, addrGenMode: s32, disablePolicy: s32, acceptRaRtInfoMinPlen: s32, ndiscTclass: s32,
  rplSegEnabled: s32, raDefrtrMetric: s32, ioam6Enabled: s32, ioam6Id: s32, ioam6IdWide: s32,
  ndiscEvictNocarrier: s32, acceptUntrackedNa: s32, acceptRaMinLft: s32,
});

/**
 * `IFLA_INET6_STATS`: the device's IPv6 counters (`IPSTATS_MIB_*`,
 * `<linux/snmp.h>`). Slot 0 holds the number of counters the kernel sent.
 */
export const inet6Stats = struct('ifla_inet6_stats', '', {
  num: u64, inpkts: u64, inoctets: u64, indelivers: u64, outforwdatagrams: u64, outrequests: u64, outoctets: u64,
  inhdrerrors: u64, intoobigerrors: u64, innoroutes: u64, inaddrerrors: u64, inunknownprotos: u64,
  intruncatedpkts: u64, indiscards: u64, outdiscards: u64, outnoroutes: u64, reasmtimeout: u64, reasmreqds: u64,
  reasmoks: u64, reasmfails: u64, fragoks: u64, fragfails: u64, fragcreates: u64, inmcastpkts: u64,
  outmcastpkts: u64, inbcastpkts: u64, outbcastpkts: u64, inmcastoctets: u64, outmcastoctets: u64,
  inbcastoctets: u64, outbcastoctets: u64, csumerrors: u64, noectpkts: u64, ect1Pkts: u64, ect0Pkts: u64,
  cepkts: u64, reasmOverlaps: u64, outpkts: u64,
});

/** `IFLA_INET6_ICMP6STATS`: ICMPv6 counters (`ICMP6_MIB_*`); slot 0 holds their number. */
export const icmp6Stats = struct('ifla_icmp6_stats', '', {
  num: u64, inmsgs: u64, inerrors: u64, outmsgs: u64, outerrors: u64, csumerrors: u64, ratelimithost: u64,
});

/** `struct ifla_cacheinfo` (`IFLA_INET6_CACHEINFO`): times in milliseconds, stamp in hundredths of seconds. */
export const iflaCacheinfo = struct('ifla_cacheinfo', '', {
  maxReasmLen: u32, tstamp: u32, reachableTime: u32, retransTime: u32,
});

/** `IN6_ADDR_GEN_MODE_*` (`IFLA_INET6_ADDR_GEN_MODE`): how link-local addresses are made. */
export const in6AddrGenMode = enumOf(u8, { eui64: 0, none: 1, stablePrivacy: 2, random: 3 });

/** `IF_RA_*`, `IF_RS_SENT`, `IF_READY` (`IFLA_INET6_FLAGS`): the IPv6 state of a device (kernel `net/if_inet6.h`). */
export const inet6Flags = flagsOf(u32, { rsVsent: 0x10, raRcvd: 0x20, raManaged: 0x40, raOtherconf: 0x80, ready: 0x80000000 });

/** `IFLA_INET6_*` (`ifla6-attrs`): the IPv6 part of `IFLA_AF_SPEC`, and `IFLA_PROTINFO` of `AF_INET6` dumps. */
export const inet6Attrs = attrs('IFLA_INET6_', {
  flags: { nla: 1, codec: inet6Flags },
  conf: { nla: 2, codec: ipv6Devconf },
  stats: { nla: 3, codec: inet6Stats },
  mcast: { nla: 4, codec: binary() },
  cacheinfo: { nla: 5, codec: iflaCacheinfo },
  icmp6Stats: { nla: 6, codec: icmp6Stats, name: 'IFLA_INET6_ICMP6STATS' },
  token: { nla: 7, codec: ipv6 },
  addrGenMode: { nla: 8, codec: in6AddrGenMode },
  raMtu: { nla: 9, codec: u32 },
}, { name: 'ifla6-attrs' });

// ---------------------------------------------------------------------------
// AF_MCTP

/** `IFLA_MCTP_*` (`mctp-attrs`): the MCTP part of `IFLA_AF_SPEC`. */
export const mctpAttrs = attrs('IFLA_MCTP_', {
  net: { nla: 1, codec: u32 },
}, { name: 'mctp-attrs' });

// ---------------------------------------------------------------------------
// AF_BRIDGE

/** `BRIDGE_FLAGS_*` (`IFLA_BRIDGE_FLAGS`): whether a request is for the bridge (master) or the port device (self). */
export const bridgeFlags = flagsOf(u16, { master: 1, self: 2 });

/** `BRIDGE_MODE_*` (`IFLA_BRIDGE_MODE`): the hardware switch's forwarding mode. */
export const bridgeMode = enumOf(u16, { veb: 0, vepa: 1, undef: 0xffff });

/** `BRIDGE_VLAN_INFO_*` flags of {@link bridgeVlanInfo}. */
export const bridgeVlanInfoFlags = flagsOf(u16, {
  master: 0x1, pvid: 0x2, untagged: 0x4, rangeBegin: 0x8, rangeEnd: 0x10, brentry: 0x20, onlyOpts: 0x40,
});

/** `struct bridge_vlan_info` (`IFLA_BRIDGE_VLAN_INFO`): one VLAN of a port, or the start or end of a range. */
export const bridgeVlanInfo = struct('bridge_vlan_info', '', {
  flags: bridgeVlanInfoFlags,
  vid: u16,
});

/** `IFLA_BRIDGE_VLAN_TUNNEL_*`: a VLAN to tunnel-id mapping (`IFLA_BRIDGE_VLAN_TUNNEL_INFO`). */
export const bridgeVlanTunnelAttrs = attrs('IFLA_BRIDGE_VLAN_TUNNEL_', {
  id: { nla: 1, codec: u32 },
  vid: { nla: 2, codec: u16 },
  flags: { nla: 3, codec: bridgeVlanInfoFlags },
}, { name: 'bridge-vlan-tunnel-attrs' });

/** `IFLA_BRIDGE_MRP_INSTANCE_*`: a Media Redundancy Protocol ring instance. */
export const mrpInstanceAttrs = attrs('IFLA_BRIDGE_MRP_INSTANCE_', {
  ringId: { nla: 1, codec: u32 },
  pIfindex: { nla: 2, codec: u32 },
  sIfindex: { nla: 3, codec: u32 },
  prio: { nla: 4, codec: u16 },
}, { name: 'bridge-mrp-instance-attrs' });

/** `IFLA_BRIDGE_MRP_PORT_STATE_*`. */
export const mrpPortStateAttrs = attrs('IFLA_BRIDGE_MRP_PORT_STATE_', {
  state: { nla: 1, codec: u32 },
}, { name: 'bridge-mrp-port-state-attrs' });

/** `IFLA_BRIDGE_MRP_PORT_ROLE_*`. */
export const mrpPortRoleAttrs = attrs('IFLA_BRIDGE_MRP_PORT_ROLE_', {
  role: { nla: 1, codec: u32 },
}, { name: 'bridge-mrp-port-role-attrs' });

/** `IFLA_BRIDGE_MRP_RING_STATE_*`. */
export const mrpRingStateAttrs = attrs('IFLA_BRIDGE_MRP_RING_STATE_', {
  ringId: { nla: 1, codec: u32 },
  state: { nla: 2, codec: u32 },
}, { name: 'bridge-mrp-ring-state-attrs' });

/** `IFLA_BRIDGE_MRP_RING_ROLE_*`. */
export const mrpRingRoleAttrs = attrs('IFLA_BRIDGE_MRP_RING_ROLE_', {
  ringId: { nla: 1, codec: u32 },
  role: { nla: 2, codec: u32 },
}, { name: 'bridge-mrp-ring-role-attrs' });

/** `IFLA_BRIDGE_MRP_START_TEST_*`. */
export const mrpStartTestAttrs = attrs('IFLA_BRIDGE_MRP_START_TEST_', {
  ringId: { nla: 1, codec: u32 },
  interval: { nla: 2, codec: u32 },
  maxMiss: { nla: 3, codec: u32 },
  period: { nla: 4, codec: u32 },
  monitor: { nla: 5, codec: u32 },
}, { name: 'bridge-mrp-start-test-attrs' });

/** `IFLA_BRIDGE_MRP_INFO_*`: the state of one MRP instance, as dumped. */
export const mrpInfoAttrs = attrs('IFLA_BRIDGE_MRP_INFO_', {
  ringId: { nla: 1, codec: u32 },
  pIfindex: { nla: 2, codec: u32 },
  sIfindex: { nla: 3, codec: u32 },
  prio: { nla: 4, codec: u16 },
  ringState: { nla: 5, codec: u32 },
  ringRole: { nla: 6, codec: u32 },
  testInterval: { nla: 7, codec: u32 },
  testMaxMiss: { nla: 8, codec: u32 },
  testMonitor: { nla: 9, codec: u32 },
  iIfindex: { nla: 10, codec: u32 },
  inState: { nla: 11, codec: u32 },
  inRole: { nla: 12, codec: u32 },
  inTestInterval: { nla: 13, codec: u32 },
  inTestMaxMiss: { nla: 14, codec: u32 },
}, { name: 'bridge-mrp-info-attrs' });

/** `IFLA_BRIDGE_MRP_IN_ROLE_*`: an interconnect role. */
export const mrpInRoleAttrs = attrs('IFLA_BRIDGE_MRP_IN_ROLE_', {
  ringId: { nla: 1, codec: u32 },
  inId: { nla: 2, codec: u16 },
  role: { nla: 3, codec: u32 },
  iIfindex: { nla: 4, codec: u32 },
}, { name: 'bridge-mrp-in-role-attrs' });

/** `IFLA_BRIDGE_MRP_IN_STATE_*`: an interconnect state. */
export const mrpInStateAttrs = attrs('IFLA_BRIDGE_MRP_IN_STATE_', {
  inId: { nla: 1, codec: u32 },
  state: { nla: 2, codec: u32 },
}, { name: 'bridge-mrp-in-state-attrs' });

/** `IFLA_BRIDGE_MRP_START_IN_TEST_*`. */
export const mrpStartInTestAttrs = attrs('IFLA_BRIDGE_MRP_START_IN_TEST_', {
  inId: { nla: 1, codec: u32 },
  interval: { nla: 2, codec: u32 },
  maxMiss: { nla: 3, codec: u32 },
  period: { nla: 4, codec: u32 },
}, { name: 'bridge-mrp-start-in-test-attrs' });

/** `IFLA_BRIDGE_MRP_*` (`IFLA_BRIDGE_MRP`): Media Redundancy Protocol requests and dumps. */
export const mrpAttrs = attrs('IFLA_BRIDGE_MRP_', {
  instance: { nla: 1, codec: nest(mrpInstanceAttrs) },
  portState: { nla: 2, codec: nest(mrpPortStateAttrs) },
  portRole: { nla: 3, codec: nest(mrpPortRoleAttrs) },
  ringState: { nla: 4, codec: nest(mrpRingStateAttrs) },
  ringRole: { nla: 5, codec: nest(mrpRingRoleAttrs) },
  startTest: { nla: 6, codec: nest(mrpStartTestAttrs) },
  info: { nla: 7, codec: nest(mrpInfoAttrs), multi: true },
  inRole: { nla: 8, codec: nest(mrpInRoleAttrs) },
  inState: { nla: 9, codec: nest(mrpInStateAttrs) },
  startInTest: { nla: 10, codec: nest(mrpStartInTestAttrs) },
}, { name: 'bridge-mrp-attrs' });

/** `BR_CFM_PORT`, `BR_CFM_VLAN` (`<linux/cfm_bridge.h>`): a maintenance end point's domain. */
export const cfmDomain = enumOf(u32, { port: 0, vlan: 1 });

/** `BR_CFM_MEP_DIRECTION_*`. */
export const cfmMepDirection = enumOf(u32, { down: 0, up: 1 });

/** `BR_CFM_CCM_INTERVAL_*`: continuity check message intervals. */
export const cfmCcmInterval = enumOf(u32, {
  none: 0, '3.3ms': 1, '10ms': 2, '100ms': 3, '1s': 4, '10s': 5, '1min': 6, '10min': 7,
});

/** `IFLA_BRIDGE_CFM_MEP_CREATE_*`: a Connectivity Fault Management end point (`MEP_CREATE`, and `MEP_CREATE_INFO` in dumps). */
export const cfmMepCreateAttrs = attrs('IFLA_BRIDGE_CFM_MEP_CREATE_', {
  instance: { nla: 1, codec: u32 },
  domain: { nla: 2, codec: cfmDomain },
  direction: { nla: 3, codec: cfmMepDirection },
  ifindex: { nla: 4, codec: u32 },
}, { name: 'bridge-cfm-mep-create-attrs' });

/** `IFLA_BRIDGE_CFM_MEP_DELETE_*`. */
export const cfmMepDeleteAttrs = attrs('IFLA_BRIDGE_CFM_MEP_DELETE_', {
  instance: { nla: 1, codec: u32 },
}, { name: 'bridge-cfm-mep-delete-attrs' });

/** `IFLA_BRIDGE_CFM_MEP_CONFIG_*` (`MEP_CONFIG`, `MEP_CONFIG_INFO`). */
export const cfmMepConfigAttrs = attrs('IFLA_BRIDGE_CFM_MEP_CONFIG_', {
  instance: { nla: 1, codec: u32 },
  unicastMac: { nla: 2, codec: lladdr },
  mdlevel: { nla: 3, codec: u32 },
  mepid: { nla: 4, codec: u32 },
}, { name: 'bridge-cfm-mep-config-attrs' });

/** `IFLA_BRIDGE_CFM_CC_CONFIG_*` (`CC_CONFIG`, `CC_CONFIG_INFO`): continuity check settings; the MAID is 48 bytes. */
export const cfmCcConfigAttrs = attrs('IFLA_BRIDGE_CFM_CC_CONFIG_', {
  instance: { nla: 1, codec: u32 },
  enable: { nla: 2, codec: u32 },
  expInterval: { nla: 3, codec: cfmCcmInterval },
  expMaid: { nla: 4, codec: binary({ max: 48 }) },
}, { name: 'bridge-cfm-cc-config-attrs' });

/** `IFLA_BRIDGE_CFM_CC_PEER_MEP_*` (`CC_PEER_MEP_ADD`, `CC_PEER_MEP_REMOVE`, `CC_PEER_MEP_INFO`). */
export const cfmCcPeerMepAttrs = attrs('IFLA_BRIDGE_CFM_CC_PEER_', {
  instance: { nla: 1, codec: u32, name: 'IFLA_BRIDGE_CFM_CC_PEER_MEP_INSTANCE' },
  mepid: { nla: 2, codec: u32 },
}, { name: 'bridge-cfm-cc-peer-mep-attrs' });

/** `IFLA_BRIDGE_CFM_CC_RDI_*` (`CC_RDI`, `CC_RDI_INFO`): the Remote Defect Indication to send. */
export const cfmCcRdiAttrs = attrs('IFLA_BRIDGE_CFM_CC_RDI_', {
  instance: { nla: 1, codec: u32 },
  rdi: { nla: 2, codec: u32 },
}, { name: 'bridge-cfm-cc-rdi-attrs' });

/** `IFLA_BRIDGE_CFM_CC_CCM_TX_*` (`CC_CCM_TX`, `CC_CCM_TX_INFO`): continuity check transmission. */
export const cfmCcCcmTxAttrs = attrs('IFLA_BRIDGE_CFM_CC_CCM_TX_', {
  instance: { nla: 1, codec: u32 },
  dmac: { nla: 2, codec: lladdr },
  seqNoUpdate: { nla: 3, codec: u32 },
  period: { nla: 4, codec: u32 },
  ifTlv: { nla: 5, codec: u32 },
  ifTlvValue: { nla: 6, codec: u8 },
  portTlv: { nla: 7, codec: u32 },
  portTlvValue: { nla: 8, codec: u8 },
}, { name: 'bridge-cfm-cc-ccm-tx-attrs' });

/** `IFLA_BRIDGE_CFM_MEP_STATUS_*` (`MEP_STATUS_INFO`): what an end point has seen. */
export const cfmMepStatusAttrs = attrs('IFLA_BRIDGE_CFM_MEP_STATUS_', {
  instance: { nla: 1, codec: u32 },
  opcodeUnexpSeen: { nla: 2, codec: u32 },
  versionUnexpSeen: { nla: 3, codec: u32 },
  rxLevelLowSeen: { nla: 4, codec: u32 },
}, { name: 'bridge-cfm-mep-status-attrs' });

/** `IFLA_BRIDGE_CFM_CC_PEER_STATUS_*` (`CC_PEER_STATUS_INFO`): the state of a peer end point. */
export const cfmCcPeerStatusAttrs = attrs('IFLA_BRIDGE_CFM_CC_PEER_STATUS_', {
  instance: { nla: 1, codec: u32 },
  peerMepid: { nla: 2, codec: u32 },
  ccmDefect: { nla: 3, codec: u32 },
  rdi: { nla: 4, codec: u32 },
  portTlvValue: { nla: 5, codec: u8 },
  ifTlvValue: { nla: 6, codec: u8 },
  seen: { nla: 7, codec: u32 },
  tlvSeen: { nla: 8, codec: u32 },
  seqUnexpSeen: { nla: 9, codec: u32 },
}, { name: 'bridge-cfm-cc-peer-status-attrs' });

/** `IFLA_BRIDGE_CFM_*` (`IFLA_BRIDGE_CFM`): 802.1Q Connectivity Fault Management requests, and the `*_INFO` nests dumps repeat per end point. */
export const cfmAttrs = attrs('IFLA_BRIDGE_CFM_', {
  mepCreate: { nla: 1, codec: nest(cfmMepCreateAttrs) },
  mepDelete: { nla: 2, codec: nest(cfmMepDeleteAttrs) },
  mepConfig: { nla: 3, codec: nest(cfmMepConfigAttrs) },
  ccConfig: { nla: 4, codec: nest(cfmCcConfigAttrs) },
  ccPeerMepAdd: { nla: 5, codec: nest(cfmCcPeerMepAttrs) },
  ccPeerMepRemove: { nla: 6, codec: nest(cfmCcPeerMepAttrs) },
  ccRdi: { nla: 7, codec: nest(cfmCcRdiAttrs) },
  ccCcmTx: { nla: 8, codec: nest(cfmCcCcmTxAttrs) },
  mepCreateInfo: { nla: 9, codec: nest(cfmMepCreateAttrs), multi: true },
  mepConfigInfo: { nla: 10, codec: nest(cfmMepConfigAttrs), multi: true },
  ccConfigInfo: { nla: 11, codec: nest(cfmCcConfigAttrs), multi: true },
  ccRdiInfo: { nla: 12, codec: nest(cfmCcRdiAttrs), multi: true },
  ccCcmTxInfo: { nla: 13, codec: nest(cfmCcCcmTxAttrs), multi: true },
  ccPeerMepInfo: { nla: 14, codec: nest(cfmCcPeerMepAttrs), multi: true },
  mepStatusInfo: { nla: 15, codec: nest(cfmMepStatusAttrs), multi: true },
  ccPeerStatusInfo: { nla: 16, codec: nest(cfmCcPeerStatusAttrs), multi: true },
}, { name: 'bridge-cfm-attrs' });

/** `IFLA_BRIDGE_MST_ENTRY_*`: the state of a port in one multiple-spanning-tree instance. */
export const mstEntryAttrs = attrs('IFLA_BRIDGE_MST_ENTRY_', {
  msti: { nla: 1, codec: u16 },
  state: { nla: 2, codec: u8 },
}, { name: 'bridge-mst-entry-attrs' });

/** `IFLA_BRIDGE_MST_*` (`IFLA_BRIDGE_MST`). */
export const mstAttrs = attrs('IFLA_BRIDGE_MST_', {
  entry: { nla: 1, codec: nest(mstEntryAttrs), multi: true },
}, { name: 'bridge-mst-attrs' });

/**
 * `IFLA_BRIDGE_*` (`<linux/if_bridge.h>`): bridge-port data in `IFLA_AF_SPEC`
 * of `AF_BRIDGE` messages (`bridge vlan`, `bridge link`), and under `AF_BRIDGE`
 * in the keyed form.
 */
export const bridgeAfSpecAttrs = attrs('IFLA_BRIDGE_', {
  flags: { nla: 0, codec: bridgeFlags },
  mode: { nla: 1, codec: bridgeMode },
  vlanInfo: { nla: 2, codec: bridgeVlanInfo, multi: true },
  vlanTunnelInfo: { nla: 3, codec: nest(bridgeVlanTunnelAttrs), multi: true },
  mrp: { nla: 4, codec: nest(mrpAttrs) },
  cfm: { nla: 5, codec: nest(cfmAttrs) },
  mst: { nla: 6, codec: nest(mstAttrs) },
}, { name: 'bridge-af-spec-attrs' });

// ---------------------------------------------------------------------------
// The keyed form and the family-dependent attributes

/**
 * `af-spec-attrs`: `IFLA_AF_SPEC` of ordinary link messages, one nest per
 * address family, numbered by the family (`AF_INET` = 2, `AF_INET6` = 10, ...).
 */
export const afSpecAttrs = attrs('AF_', {
  inet: { nla: AF.INET, codec: nest(inetAttrs) },
  bridge: { nla: AF.BRIDGE, codec: nest(bridgeAfSpecAttrs) },
  inet6: { nla: AF.INET6, codec: nest(inet6Attrs) },
  mctp: { nla: AF.MCTP, codec: nest(mctpAttrs) },
}, { name: 'af-spec-attrs' });

/**
 * A payload chosen by the message header's `ifi_family`, with `fallback` for
 * other families. Built on core's `variant`, whose declared fallback type is
 * bytes; here the fallback is a full codec, so the types are restated.
 */
function byFamily<const M extends VariantCases, F extends Codec<any, any>>(cases: M, fallback: F): Codec<Decoded<M[keyof M]> | Decoded<F>, Input<M[keyof M]> | Input<F>> {
  return variant('family', cases, fallback as unknown as Codec<Uint8Array>) as unknown as Codec<Decoded<M[keyof M]> | Decoded<F>, Input<M[keyof M]> | Input<F>>;
}

/**
 * `IFLA_AF_SPEC`: `IFLA_BRIDGE_*` directly when `ifi_family` is `AF_BRIDGE`
 * (what `bridge vlan` sends and `bridge -d link` dumps), else {@link afSpecAttrs}.
 */
export const afSpec = byFamily({ [AF.BRIDGE]: nest(bridgeAfSpecAttrs) }, nest(afSpecAttrs));

/**
 * `IFLA_PROTINFO`: bridge-port options (`IFLA_BRPORT_*`) when `ifi_family` is
 * `AF_BRIDGE`, IPv6 device data (`IFLA_INET6_*`) when it is `AF_INET6`; other
 * families stay bytes.
 */
export const protinfo = variant('family', { [AF.BRIDGE]: nest(bridgePortAttrs), [AF.INET6]: nest(inet6Attrs) });

