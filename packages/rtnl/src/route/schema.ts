import { attrs, binary, cstring, enumOf, flagsOf, ip, nest, s32, struct, u16be, u32, u32be, u64, u8 } from '@nlkit/core';
import { routeAddr, rtvia } from './codecs.js';
import { encapType, lwtEncap } from './encap.js';
import { multipath } from './multipath.js';

/** `struct rtmsg` (`<linux/rtnetlink.h>`): the fixed header of `RTM_*ROUTE`. */
export const rtmsg = struct('rtmsg', 'rtm_', {
  family: u8,
  dstLen: u8,
  srcLen: u8,
  tos: u8,
  /** `RT_TABLE_*`, or `RT_TABLE_UNSPEC` with the id in `RTA_TABLE` beyond 255. */
  table: u8,
  /** `RTPROT_*`. */
  protocol: u8,
  /** `RT_SCOPE_*`. */
  scope: u8,
  /** `RTN_*`. */
  type: u8,
  /** `RTM_F_*` with `RTNH_F_*` in the low byte. */
  flags: u32,
});

/** `RTN_*` (`rtm_type`). */
export const routeTypes = {
  unspec: 0, unicast: 1, local: 2, broadcast: 3, anycast: 4, multicast: 5,
  blackhole: 6, unreachable: 7, prohibit: 8, throw: 9, nat: 10, xresolve: 11,
} as const;

/** `RTPROT_*` (`rtm_protocol`, also `FRA_PROTOCOL`, `NDA_PROTOCOL`, `nh_protocol`): who installed the object. */
export const routeProtocols = {
  unspec: 0, redirect: 1, kernel: 2, boot: 3, static: 4, gated: 8, ra: 9, mrt: 10, zebra: 11, bird: 12,
  dnrouted: 13, xorp: 14, ntk: 15, dhcp: 16, mrouted: 17, keepalived: 18, babel: 42, ovn: 84, openr: 99,
  bgp: 186, isis: 187, ospf: 188, rip: 189, eigrp: 192,
} as const;

/** `RT_SCOPE_*` (`rtm_scope`, `ifa_scope`, `nh_scope`). */
export const routeScopes = { universe: 0, site: 200, link: 253, host: 254, nowhere: 255 } as const;

/** `RT_TABLE_*` (`rtm_table`, `RTA_TABLE`, `FRA_TABLE`): the reserved table ids. */
export const routeTables = { unspec: 0, compat: 252, default: 253, main: 254, local: 255 } as const;

/** `RTM_F_*` (`rtm_flags`, above the `RTNH_F_*` byte). */
export const routeMsgFlags = {
  notify: 0x100, cloned: 0x200, equalize: 0x400, prefix: 0x800, lookupTable: 0x1000, fibMatch: 0x2000,
  offload: 0x4000, trap: 0x8000, offloadFailed: 0x20000000,
} as const;

/** `RTPROT_*` as a `u8` attribute, decoded by name (`FRA_PROTOCOL`, `NDA_PROTOCOL`, ...). */
export const routeProtocol = enumOf(u8, routeProtocols);

/** `struct rta_cacheinfo` (`RTA_CACHEINFO`). */
export const rtaCacheinfo = struct('rta_cacheinfo', 'rta_', {
  clntref: u32, lastuse: u32, expires: s32, error: u32, used: u32, id: u32, ts: u32, tsage: u32,
});

/** `struct rta_mfc_stats` (`RTA_MFC_STATS`): multicast forwarding cache counters. */
export const rtaMfcStats = struct('rta_mfc_stats', 'mfcs_', {
  packets: u64, bytes: u64, wrongIf: u64,
});

/** The `RTAX_*` numbers, for `RTAX_LOCK`: locking metric `n` sets bit `1 << n`. */
const RTAX = {
  mtu: 2, window: 3, rtt: 4, rttvar: 5, ssthresh: 6, cwnd: 7, advmss: 8, reordering: 9, hoplimit: 10,
  initcwnd: 11, features: 12, rtoMin: 13, initrwnd: 14, quickack: 15, ccAlgo: 16, fastopenNoCookie: 17,
} as const;

/** `RTAX_LOCK`: the metrics locked against updates (`mtu lock 1400`), one bit per `RTAX_*` number. */
export const metricLocks = flagsOf(u32, Object.fromEntries(Object.entries(RTAX).map(([k, n]) => [k, 1 << n])) as { [K in keyof typeof RTAX]: number });

/** `RTAX_FEATURE_*` (`RTAX_FEATURES`). */
export const metricFeatures = flagsOf(u32, { ecn: 1, sack: 2, timestamp: 4, allfrag: 8, tcpUsecTs: 16 });

/** `RTAX_*` (`rta-metrics`): the route metrics in `RTA_METRICS`. */
export const metricsAttrs = attrs('RTAX_', {
  lock: { nla: 1, codec: metricLocks },
  mtu: { nla: RTAX.mtu, codec: u32 },
  window: { nla: RTAX.window, codec: u32 },
  rtt: { nla: RTAX.rtt, codec: u32 },
  rttvar: { nla: RTAX.rttvar, codec: u32 },
  ssthresh: { nla: RTAX.ssthresh, codec: u32 },
  cwnd: { nla: RTAX.cwnd, codec: u32 },
  advmss: { nla: RTAX.advmss, codec: u32 },
  reordering: { nla: RTAX.reordering, codec: u32 },
  hoplimit: { nla: RTAX.hoplimit, codec: u32 },
  initcwnd: { nla: RTAX.initcwnd, codec: u32 },
  features: { nla: RTAX.features, codec: metricFeatures },
  rtoMin: { nla: RTAX.rtoMin, codec: u32 },
  initrwnd: { nla: RTAX.initrwnd, codec: u32 },
  quickack: { nla: RTAX.quickack, codec: u32 },
  ccAlgo: { nla: RTAX.ccAlgo, codec: cstring({ max: 15 }) },
  fastopenNoCookie: { nla: RTAX.fastopenNoCookie, codec: u32 },
}, { name: 'rta-metrics' });

/** `RTA_PREF`: IPv6 router preference (`ICMPV6_ROUTER_PREF_*`). */
export const routePref = enumOf(u8, { medium: 0, high: 1, invalid: 2, low: 3 });

/** `RTA_*` (`route-attrs`): the attributes of `RTM_*ROUTE`. */
export const routeAttrs = attrs('RTA_', {
  dst: { nla: 1, codec: routeAddr },
  src: { nla: 2, codec: ip },
  iif: { nla: 3, codec: u32 },
  oif: { nla: 4, codec: u32 },
  gateway: { nla: 5, codec: ip },
  priority: { nla: 6, codec: u32 },
  prefsrc: { nla: 7, codec: ip },
  metrics: { nla: 8, codec: nest(metricsAttrs) },
  multipath: { nla: 9, codec: multipath },
  protoinfo: { nla: 10, codec: binary(), doc: 'no longer used' },
  flow: { nla: 11, codec: u32 },
  cacheinfo: { nla: 12, codec: rtaCacheinfo },
  session: { nla: 13, codec: binary(), doc: 'struct rta_session; no longer used' },
  mpAlgo: { nla: 14, codec: binary(), doc: 'no longer used' },
  table: { nla: 15, codec: u32 },
  mark: { nla: 16, codec: u32 },
  mfcStats: { nla: 17, codec: rtaMfcStats },
  via: { nla: 18, codec: rtvia },
  newdst: { nla: 19, codec: routeAddr },
  pref: { nla: 20, codec: routePref },
  encapType: { nla: 21, codec: encapType },
  encap: { nla: 22, codec: lwtEncap },
  expires: { nla: 23, codec: u32 },
  pad: { nla: 24, codec: binary() },
  uid: { nla: 25, codec: u32 },
  ttlPropagate: { nla: 26, codec: u8 },
  ipProto: { nla: 27, codec: u8 },
  sport: { nla: 28, codec: u16be },
  dport: { nla: 29, codec: u16be },
  nhId: { nla: 30, codec: u32 },
  flowlabel: { nla: 31, codec: u32be },
}, { name: 'route-attrs' });

const route = { header: rtmsg, attrs: routeAttrs } as const;

/** The route messages (`RTM_NEWROUTE`/`DELROUTE`/`GETROUTE`), to spread into a family. */
export const routeMessages = {
  RTM_NEWROUTE: { type: 24, ...route },
  RTM_DELROUTE: { type: 25, ...route },
  RTM_GETROUTE: { type: 26, ...route },
} as const;
