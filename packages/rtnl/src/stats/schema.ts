/**
 * Link statistics (`RTM_GETSTATS`, `RTM_NEWSTATS`, `RTM_SETSTATS`): `struct
 * if_stats_msg` and `IFLA_STATS_*`, after the kernel's `rt_link.yaml`
 * (`stats-attrs`) and `<linux/if_link.h>`.
 */
import { attrs, binary, fixedArray, flagsOf, nest, pad, struct, u16, u32, u64, u8 } from '@nlkit/core';
import { bridgeVlanInfoFlags } from '../link/af-spec.js';
import { AF } from '../link/common.js';
import { rtnlHwStats64, rtnlLinkStats64 } from '../link/structs.js';

/** `IFLA_STATS_FILTER_BIT(IFLA_STATS_*)`: which groups a stats request asks for (`filter_mask`). */
export const statsFilter = flagsOf(u32, { link64: 1 << 0, linkXstats: 1 << 1, linkXstatsSlave: 1 << 2, linkOffloadXstats: 1 << 3, afSpec: 1 << 4 });

/** `struct if_stats_msg`: the fixed header of `RTM_*STATS`. */
export const ifStatsMsg = struct('if_stats_msg', '', {
  family: u8,
  _pad1: { codec: pad(1), c: 'pad1' },
  _pad2: { codec: pad(2), c: 'pad2' },
  ifindex: u32,
  filterMask: { codec: statsFilter, c: 'filter_mask' },
});

// ---------------------------------------------------------------------------
// IFLA_STATS_LINK_XSTATS(_SLAVE): per-kind extended stats

/** `struct bridge_vlan_xstats` (`BRIDGE_XSTATS_VLAN`): the counters of one VLAN. */
export const bridgeVlanXstats = struct('bridge_vlan_xstats', '', {
  rxBytes: u64, rxPackets: u64, txBytes: u64, txPackets: u64, vid: u16, flags: bridgeVlanInfoFlags,
  _pad2: { codec: pad(4), c: 'pad2' },
});

const rxTx = fixedArray(u64, 2);

/** `struct br_mcast_stats` (`BRIDGE_XSTATS_MCAST`): IGMP/MLD counters, pairs are `[rx, tx]` (`BR_MCAST_DIR_*`). */
export const brMcastStats = struct('br_mcast_stats', '', {
  igmpV1queries: rxTx, igmpV2queries: rxTx, igmpV3queries: rxTx, igmpLeaves: rxTx,
  igmpV1reports: rxTx, igmpV2reports: rxTx, igmpV3reports: rxTx, igmpParseErrors: u64,
  mldV1queries: rxTx, mldV2queries: rxTx, mldLeaves: rxTx, mldV1reports: rxTx, mldV2reports: rxTx,
  mldParseErrors: u64, mcastBytes: rxTx, mcastPackets: rxTx,
});

/** `struct bridge_stp_xstats` (`BRIDGE_XSTATS_STP`): a port's STP counters. */
export const bridgeStpXstats = struct('bridge_stp_xstats', '', {
  transitionBlk: u64, transitionFwd: u64, rxBpdu: u64, txBpdu: u64, rxTcn: u64, txTcn: u64,
});

/** `BRIDGE_XSTATS_*` (`<linux/if_bridge.h>`): a bridge's or bridge port's extended stats. */
export const bridgeXstatsAttrs = attrs('BRIDGE_XSTATS_', {
  vlan: { nla: 1, codec: bridgeVlanXstats, multi: true },
  mcast: { nla: 2, codec: brMcastStats },
  pad: { nla: 3, codec: binary() },
  stp: { nla: 4, codec: bridgeStpXstats },
}, { name: 'bridge-xstats-attrs' });

/** `BOND_3AD_STAT_*` (`<linux/if_bonding.h>`): LACP counters, numbered from 0. */
export const bond3adStatsAttrs = attrs('BOND_3AD_STAT_', {
  lacpduRx: { nla: 0, codec: u64 },
  lacpduTx: { nla: 1, codec: u64 },
  lacpduUnknownRx: { nla: 2, codec: u64 },
  lacpduIllegalRx: { nla: 3, codec: u64 },
  markerRx: { nla: 4, codec: u64 },
  markerTx: { nla: 5, codec: u64 },
  markerRespRx: { nla: 6, codec: u64 },
  markerRespTx: { nla: 7, codec: u64 },
  markerUnknownRx: { nla: 8, codec: u64 },
  pad: { nla: 9, codec: binary() },
}, { name: 'bond-3ad-stats-attrs' });

/** `BOND_XSTATS_*` (`<linux/if_bonding.h>`): a bond's or bond port's extended stats. */
export const bondXstatsAttrs = attrs('BOND_XSTATS_', {
  stats3ad: { nla: 1, codec: nest(bond3adStatsAttrs), name: 'BOND_XSTATS_3AD' },
}, { name: 'bond-xstats-attrs' });

/** `LINK_XSTATS_TYPE_*`: `IFLA_STATS_LINK_XSTATS` and `IFLA_STATS_LINK_XSTATS_SLAVE`, one nest per link type. */
export const linkXstatsAttrs = attrs('LINK_XSTATS_TYPE_', {
  bridge: { nla: 1, codec: nest(bridgeXstatsAttrs) },
  bond: { nla: 2, codec: nest(bondXstatsAttrs) },
}, { name: 'link-xstats-attrs' });

// ---------------------------------------------------------------------------
// IFLA_STATS_LINK_OFFLOAD_XSTATS

/** `IFLA_OFFLOAD_XSTATS_HW_S_INFO_*` (`hw-s-info-one`): whether hardware stats of one type are requested and in use. */
export const hwSInfoOneAttrs = attrs('IFLA_OFFLOAD_XSTATS_HW_S_INFO_', {
  request: { nla: 1, codec: u8 },
  used: { nla: 2, codec: u8 },
}, { name: 'hw-s-info-one' });

/** `IFLA_OFFLOAD_XSTATS_HW_S_INFO`: one nest per hardware stats type, numbered by the type (`IFLA_OFFLOAD_XSTATS_L3_STATS`). */
export const hwSInfoAttrs = attrs('IFLA_OFFLOAD_XSTATS_', {
  l3Stats: { nla: 3, codec: nest(hwSInfoOneAttrs) },
}, { name: 'hw-s-info-attrs' });

/** `IFLA_OFFLOAD_XSTATS_*` (`link-offload-xstats`): stats of offloaded traffic. */
export const linkOffloadXstatsAttrs = attrs('IFLA_OFFLOAD_XSTATS_', {
  cpuHit: { nla: 1, codec: rtnlLinkStats64 },
  hwSInfo: { nla: 2, codec: nest(hwSInfoAttrs), name: 'IFLA_OFFLOAD_XSTATS_HW_S_INFO' },
  l3Stats: { nla: 3, codec: rtnlHwStats64 },
}, { name: 'link-offload-xstats' });

// ---------------------------------------------------------------------------
// IFLA_STATS_AF_SPEC

/** `struct mpls_link_stats` (`MPLS_STATS_LINK`, `<linux/mpls.h>`). */
export const mplsLinkStats = struct('mpls_link_stats', '', {
  rxPackets: u64, txPackets: u64, rxBytes: u64, txBytes: u64, rxErrors: u64, txErrors: u64,
  rxDropped: u64, txDropped: u64, rxNoroute: u64,
});

/** `MPLS_STATS_*`: the MPLS part of `IFLA_STATS_AF_SPEC`. */
export const mplsStatsAttrs = attrs('MPLS_STATS_', {
  link: { nla: 1, codec: mplsLinkStats },
}, { name: 'mpls-stats-attrs' });

/** `IFLA_STATS_AF_SPEC`: per-address-family stats, numbered by the family (`AF_MPLS` = 28). */
export const statsAfSpecAttrs = attrs('AF_', {
  mpls: { nla: AF.MPLS, codec: nest(mplsStatsAttrs) },
}, { name: 'stats-af-spec-attrs' });

// ---------------------------------------------------------------------------
// The message bodies

/** `IFLA_STATS_*` (`stats-attrs`): the body of `RTM_NEWSTATS`. */
export const statsAttrs = attrs('IFLA_STATS_', {
  link64: { nla: 1, codec: rtnlLinkStats64, name: 'IFLA_STATS_LINK_64' },
  linkXstats: { nla: 2, codec: nest(linkXstatsAttrs) },
  linkXstatsSlave: { nla: 3, codec: nest(linkXstatsAttrs) },
  linkOffloadXstats: { nla: 4, codec: nest(linkOffloadXstatsAttrs) },
  afSpec: { nla: 5, codec: nest(statsAfSpecAttrs) },
}, { name: 'stats-attrs' });

/** `IFLA_STATS_GET_FILTERS`: a filter mask per stats group, numbered by the group's `IFLA_STATS_*`. */
export const statsGetFiltersAttrs = attrs('IFLA_STATS_', {
  link64: { nla: 1, codec: u32, name: 'IFLA_STATS_LINK_64' },
  linkXstats: { nla: 2, codec: u32 },
  linkXstatsSlave: { nla: 3, codec: u32 },
  /** Which `IFLA_OFFLOAD_XSTATS_*` to include, as `1 << (type - 1)` bits. */
  linkOffloadXstats: { nla: 4, codec: u32 },
  afSpec: { nla: 5, codec: u32 },
}, { name: 'stats-get-filters-attrs' });

/** `IFLA_STATS_GETSET_*` (`stats-getset-attrs`): the body of `RTM_GETSTATS` and `RTM_SETSTATS` requests. */
export const statsGetsetAttrs = attrs('IFLA_STATS_', {
  getFilters: { nla: 1, codec: nest(statsGetFiltersAttrs) },
  setOffloadXstatsL3Stats: { nla: 2, codec: u8 },
}, { name: 'stats-getset-attrs' });
