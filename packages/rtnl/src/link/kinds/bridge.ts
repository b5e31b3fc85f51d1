/** `bridge` links: `IFLA_BR_*` (`IFLA_INFO_DATA`) and `IFLA_BRPORT_*` (port options). */
import { attrs, binary, enumOf, flag, flagsOf, ipv4, ipv6, lladdr, nest, struct, u16, u32, u64, u8 } from '@nlkit/core';
import { iflaBridgeId, vlanProtocol } from '../common.js';

/** `BR_STATE_*` (`IFLA_BRPORT_STATE`): a port's spanning-tree state. */
export const bridgePortState = enumOf(u8, { disabled: 0, listening: 1, learning: 2, forwarding: 3, blocking: 4 });

/** `IFLA_BR_STP_STATE`: 0 no STP, 1 kernel STP, 2 user-space STP. */
export const bridgeStpState = enumOf(u32, { off: 0, kernel: 1, user: 2 });

/** `MDB_RTR_TYPE_*` (`IFLA_BR_MCAST_ROUTER`, `IFLA_BRPORT_MULTICAST_ROUTER`). */
export const mcastRouterType = enumOf(u8, { disabled: 0, tempQuery: 1, perm: 2, temp: 3 });

/** `BR_BOOLOPT_*` as bits (`1 << BR_BOOLOPT_NO_LL_LEARN`, ...). */
export const bridgeBoolopts = flagsOf(u32, { noLlLearn: 1 << 0, mcastVlanSnooping: 1 << 1, mstEnable: 1 << 2 });

/** `struct br_boolopt_multi` (`IFLA_BR_MULTI_BOOLOPT`): bridge booleans and which of them to change. */
export const brBooloptMulti = struct('br_boolopt_multi', '', {
  optval: bridgeBoolopts,
  optmask: bridgeBoolopts,
});

/** `BRIDGE_QUERIER_*` (`IFLA_BR_MCAST_QUERIER_STATE`): the multicast querier the bridge elected. */
export const bridgeQuerierAttrs = attrs('BRIDGE_QUERIER_', {
  ipAddress: { nla: 1, codec: ipv4 },
  ipPort: { nla: 2, codec: u32 },
  ipOtherTimer: { nla: 3, codec: u64 },
  pad: { nla: 4, codec: binary() },
  ipv6Address: { nla: 5, codec: ipv6 },
  ipv6Port: { nla: 6, codec: u32 },
  ipv6OtherTimer: { nla: 7, codec: u64 },
}, { name: 'bridge-querier-attrs' });

/** `IFLA_BR_*` (`linkinfo-bridge-attrs`): bridge options. Timers and intervals are in hundredths of seconds. */
export const bridgeAttrs = attrs('IFLA_BR_', {
  forwardDelay: { nla: 1, codec: u32 },
  helloTime: { nla: 2, codec: u32 },
  maxAge: { nla: 3, codec: u32 },
  ageingTime: { nla: 4, codec: u32 },
  stpState: { nla: 5, codec: bridgeStpState },
  priority: { nla: 6, codec: u16 },
  vlanFiltering: { nla: 7, codec: u8 },
  vlanProtocol: { nla: 8, codec: vlanProtocol },
  groupFwdMask: { nla: 9, codec: u16 },
  rootId: { nla: 10, codec: iflaBridgeId },
  bridgeId: { nla: 11, codec: iflaBridgeId },
  rootPort: { nla: 12, codec: u16 },
  rootPathCost: { nla: 13, codec: u32 },
  topologyChange: { nla: 14, codec: u8 },
  topologyChangeDetected: { nla: 15, codec: u8 },
  helloTimer: { nla: 16, codec: u64 },
  tcnTimer: { nla: 17, codec: u64 },
  topologyChangeTimer: { nla: 18, codec: u64 },
  gcTimer: { nla: 19, codec: u64 },
  groupAddr: { nla: 20, codec: lladdr },
  fdbFlush: { nla: 21, codec: binary() },
  mcastRouter: { nla: 22, codec: mcastRouterType },
  mcastSnooping: { nla: 23, codec: u8 },
  mcastQueryUseIfaddr: { nla: 24, codec: u8 },
  mcastQuerier: { nla: 25, codec: u8 },
  mcastHashElasticity: { nla: 26, codec: u32 },
  mcastHashMax: { nla: 27, codec: u32 },
  mcastLastMemberCnt: { nla: 28, codec: u32 },
  mcastStartupQueryCnt: { nla: 29, codec: u32 },
  mcastLastMemberIntvl: { nla: 30, codec: u64 },
  mcastMembershipIntvl: { nla: 31, codec: u64 },
  mcastQuerierIntvl: { nla: 32, codec: u64 },
  mcastQueryIntvl: { nla: 33, codec: u64 },
  mcastQueryResponseIntvl: { nla: 34, codec: u64 },
  mcastStartupQueryIntvl: { nla: 35, codec: u64 },
  nfCallIptables: { nla: 36, codec: u8 },
  nfCallIp6tables: { nla: 37, codec: u8 },
  nfCallArptables: { nla: 38, codec: u8 },
  vlanDefaultPvid: { nla: 39, codec: u16 },
  pad: { nla: 40, codec: binary() },
  vlanStatsEnabled: { nla: 41, codec: u8 },
  mcastStatsEnabled: { nla: 42, codec: u8 },
  mcastIgmpVersion: { nla: 43, codec: u8 },
  mcastMldVersion: { nla: 44, codec: u8 },
  vlanStatsPerPort: { nla: 45, codec: u8 },
  multiBoolopt: { nla: 46, codec: brBooloptMulti },
  mcastQuerierState: { nla: 47, codec: nest(bridgeQuerierAttrs) },
  fdbNLearned: { nla: 48, codec: u32, name: 'IFLA_BR_FDB_N_LEARNED' },
  fdbMaxLearned: { nla: 49, codec: u32 },
}, { name: 'linkinfo-bridge-attrs' });

/**
 * `IFLA_BRPORT_*` (`linkinfo-brport-attrs`): options of a bridge port, in
 * `IFLA_INFO_SLAVE_DATA` of kind `bridge` and in `IFLA_PROTINFO` of `AF_BRIDGE` messages.
 */
export const bridgePortAttrs = attrs('IFLA_BRPORT_', {
  state: { nla: 1, codec: bridgePortState },
  priority: { nla: 2, codec: u16 },
  cost: { nla: 3, codec: u32 },
  mode: { nla: 4, codec: u8 },
  guard: { nla: 5, codec: u8 },
  protect: { nla: 6, codec: u8 },
  fastLeave: { nla: 7, codec: u8 },
  learning: { nla: 8, codec: u8 },
  unicastFlood: { nla: 9, codec: u8 },
  proxyarp: { nla: 10, codec: u8 },
  learningSync: { nla: 11, codec: u8 },
  proxyarpWifi: { nla: 12, codec: u8 },
  rootId: { nla: 13, codec: iflaBridgeId },
  bridgeId: { nla: 14, codec: iflaBridgeId },
  designatedPort: { nla: 15, codec: u16 },
  designatedCost: { nla: 16, codec: u16 },
  id: { nla: 17, codec: u16 },
  no: { nla: 18, codec: u16 },
  topologyChangeAck: { nla: 19, codec: u8 },
  configPending: { nla: 20, codec: u8 },
  messageAgeTimer: { nla: 21, codec: u64 },
  forwardDelayTimer: { nla: 22, codec: u64 },
  holdTimer: { nla: 23, codec: u64 },
  flush: { nla: 24, codec: flag },
  multicastRouter: { nla: 25, codec: mcastRouterType },
  pad: { nla: 26, codec: binary() },
  mcastFlood: { nla: 27, codec: u8 },
  mcastToUcast: { nla: 28, codec: u8 },
  vlanTunnel: { nla: 29, codec: u8 },
  bcastFlood: { nla: 30, codec: u8 },
  groupFwdMask: { nla: 31, codec: u16 },
  neighSuppress: { nla: 32, codec: u8 },
  isolated: { nla: 33, codec: u8 },
  backupPort: { nla: 34, codec: u32 },
  mrpRingOpen: { nla: 35, codec: u8 },
  mrpInOpen: { nla: 36, codec: u8 },
  mcastEhtHostsLimit: { nla: 37, codec: u32 },
  mcastEhtHostsCnt: { nla: 38, codec: u32 },
  locked: { nla: 39, codec: u8 },
  mab: { nla: 40, codec: u8 },
  mcastNGroups: { nla: 41, codec: u32, name: 'IFLA_BRPORT_MCAST_N_GROUPS' },
  mcastMaxGroups: { nla: 42, codec: u32 },
  neighVlanSuppress: { nla: 43, codec: u8 },
  backupNhid: { nla: 44, codec: u32 },
}, { name: 'linkinfo-brport-attrs' });
