import { attrs, binary, cstring, enumOf, ip, nest, s32, struct, u16, u16be, u32, u32be, u8 } from '@nlkit/core';

/** `struct rtmsg` (`<linux/rtnetlink.h>`): the fixed header of `RTM_*ROUTE`. */
export const rtmsg = struct('rtmsg', 'rtm_', {
  family: u8,
  dstLen: u8,
  srcLen: u8,
  tos: u8,
  table: u8,
  protocol: u8,
  scope: u8,
  type: u8,
  flags: u32,
});

/** `struct rta_cacheinfo` (`RTA_CACHEINFO`). */
export const rtaCacheinfo = struct('rta_cacheinfo', 'rta_', {
  clntref: u32, lastuse: u32, expires: s32, error: u32, used: u32, id: u32, ts: u32, tsage: u32,
});

/** `RTAX_*` (`RTA_METRICS`). */
export const metricsAttrs = attrs('RTAX_', {
  lock: { nla: 1, codec: u32 },
  mtu: { nla: 2, codec: u32 },
  window: { nla: 3, codec: u32 },
  rtt: { nla: 4, codec: u32 },
  rttvar: { nla: 5, codec: u32 },
  ssthresh: { nla: 6, codec: u32 },
  cwnd: { nla: 7, codec: u32 },
  advmss: { nla: 8, codec: u32 },
  reordering: { nla: 9, codec: u32 },
  hoplimit: { nla: 10, codec: u32 },
  initcwnd: { nla: 11, codec: u32 },
  features: { nla: 12, codec: u32 },
  rtoMin: { nla: 13, codec: u32 },
  initrwnd: { nla: 14, codec: u32 },
  quickack: { nla: 15, codec: u32 },
  ccAlgo: { nla: 16, codec: cstring() },
  fastopenNoCookie: { nla: 17, codec: u32 },
}, { name: 'rta-metrics' });

/** `RTA_PREF` (`ICMPV6_ROUTER_PREF_*`). */
export const routePref = enumOf(u8, { medium: 0, high: 1, invalid: 2, low: 3 });

/** `RTA_*` (`route-attrs`). */
export const routeAttrs = attrs('RTA_', {
  dst: { nla: 1, codec: ip },
  src: { nla: 2, codec: ip },
  iif: { nla: 3, codec: u32 },
  oif: { nla: 4, codec: u32 },
  gateway: { nla: 5, codec: ip },
  priority: { nla: 6, codec: u32 },
  prefsrc: { nla: 7, codec: ip },
  metrics: { nla: 8, codec: nest(metricsAttrs) },
  multipath: { nla: 9, codec: binary() },
  protoinfo: { nla: 10, codec: binary() },
  flow: { nla: 11, codec: u32 },
  cacheinfo: { nla: 12, codec: rtaCacheinfo },
  session: { nla: 13, codec: binary() },
  mpAlgo: { nla: 14, codec: binary() },
  table: { nla: 15, codec: u32 },
  mark: { nla: 16, codec: u32 },
  mfcStats: { nla: 17, codec: binary() },
  via: { nla: 18, codec: binary() },
  newdst: { nla: 19, codec: binary() },
  pref: { nla: 20, codec: routePref },
  encapType: { nla: 21, codec: u16 },
  encap: { nla: 22, codec: binary() },
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
