import { attrs, binary, enumOf, flagsOf, nest, pad, struct, u16, u32, u64, u8 } from '@nlkit/core';
import { bridgeQuerierAttrs } from '../link/kinds/bridge.js';
import { bridgeVlanInfo } from '../link/af-spec.js';
import { mdbRouterAttrs, mdbRouterType } from '../mdb/schema.js';

/** `struct br_vlan_msg` (`<linux/if_bridge.h>`): the fixed header of `RTM_*VLAN`. */
export const brVlanMsg = struct('br_vlan_msg', '', {
  family: u8,
  _reserved1: { codec: pad(1), c: 'reserved1' },
  _reserved2: { codec: pad(2), c: 'reserved2' },
  ifindex: u32,
});

/** `struct bridge_vlan_info` (`BRIDGE_VLANDB_ENTRY_INFO`): the same struct as `IFLA_BRIDGE_VLAN_INFO` carries. */
export const vlandbEntryInfo = bridgeVlanInfo;

/** `BR_STATE_*`: STP port states (`BRIDGE_VLANDB_ENTRY_STATE`). */
export const brStates = { disabled: 0, listening: 1, learning: 2, forwarding: 3, blocking: 4 } as const;

/** `BRIDGE_VLANDB_TINFO_*`: a VLAN's tunnel mapping. */
export const vlandbTunnelInfoAttrs = attrs('BRIDGE_VLANDB_TINFO_', {
  id: { nla: 1, codec: u32 },
  /** `RTM_SETLINK` (19) to map, `RTM_DELLINK` (17) to unmap. */
  cmd: { nla: 2, codec: u32 },
}, { name: 'bridge-vlandb-tinfo-attrs' });

/** `BRIDGE_VLANDB_STATS_*`: per-VLAN counters (dumps with `BRIDGE_VLANDB_DUMPF_STATS`). */
export const vlandbStatsAttrs = attrs('BRIDGE_VLANDB_STATS_', {
  rxBytes: { nla: 1, codec: u64 },
  rxPackets: { nla: 2, codec: u64 },
  txBytes: { nla: 3, codec: u64 },
  txPackets: { nla: 4, codec: u64 },
  pad: { nla: 5, codec: binary() },
}, { name: 'bridge-vlandb-stats-attrs' });

/** `BRIDGE_VLANDB_ENTRY_*`: one VLAN (or range) of a port or bridge, and its options. */
export const vlandbEntryAttrs = attrs('BRIDGE_VLANDB_ENTRY_', {
  info: { nla: 1, codec: vlandbEntryInfo },
  /** The last VID of a range starting at `info.vid`. */
  range: { nla: 2, codec: u16 },
  state: { nla: 3, codec: enumOf(u8, brStates) },
  tunnelInfo: { nla: 4, codec: nest(vlandbTunnelInfoAttrs) },
  stats: { nla: 5, codec: nest(vlandbStatsAttrs) },
  mcastRouter: { nla: 6, codec: mdbRouterType },
  mcastNGroups: { nla: 7, codec: u32 },
  mcastMaxGroups: { nla: 8, codec: u32 },
  neighSuppress: { nla: 9, codec: u8 },
}, { name: 'bridge-vlandb-entry-attrs' });

/** `BRIDGE_VLANDB_GOPTS_*`: a bridge VLAN's global (multicast, MST) options. Intervals in hundredths of a second. */
export const vlandbGlobalOptsAttrs = attrs('BRIDGE_VLANDB_GOPTS_', {
  id: { nla: 1, codec: u16 },
  range: { nla: 2, codec: u16 },
  mcastSnooping: { nla: 3, codec: u8 },
  mcastIgmpVersion: { nla: 4, codec: u8 },
  mcastMldVersion: { nla: 5, codec: u8 },
  mcastLastMemberCnt: { nla: 6, codec: u32 },
  mcastStartupQueryCnt: { nla: 7, codec: u32 },
  mcastLastMemberIntvl: { nla: 8, codec: u64 },
  pad: { nla: 9, codec: binary() },
  mcastMembershipIntvl: { nla: 10, codec: u64 },
  mcastQuerierIntvl: { nla: 11, codec: u64 },
  mcastQueryIntvl: { nla: 12, codec: u64 },
  mcastQueryResponseIntvl: { nla: 13, codec: u64 },
  mcastStartupQueryIntvl: { nla: 14, codec: u64 },
  mcastQuerier: { nla: 15, codec: u8 },
  mcastRouterPorts: { nla: 16, codec: nest(mdbRouterAttrs) },
  mcastQuerierState: { nla: 17, codec: nest(bridgeQuerierAttrs) },
  msti: { nla: 18, codec: u16 },
}, { name: 'bridge-vlandb-gopts-attrs' });

/** `BRIDGE_VLANDB_*`: the attributes of `RTM_NEWVLAN`/`RTM_DELVLAN` (and the replies to `RTM_GETVLAN`). */
export const vlandbAttrs = attrs('BRIDGE_VLANDB_', {
  entry: { nla: 1, codec: nest(vlandbEntryAttrs), multi: true },
  globalOptions: { nla: 2, codec: nest(vlandbGlobalOptsAttrs), multi: true },
}, { name: 'bridge-vlandb-attrs' });

/** `BRIDGE_VLANDB_DUMPF_*` (`BRIDGE_VLANDB_DUMP_FLAGS`). */
export const vlandbDumpFlags = { stats: 1, global: 2 } as const;

/** `BRIDGE_VLANDB_DUMP_*`: the attributes of an `RTM_GETVLAN` dump request. */
export const vlandbDumpAttrs = attrs('BRIDGE_VLANDB_DUMP_', {
  flags: { nla: 1, codec: flagsOf(u32, vlandbDumpFlags) },
}, { name: 'bridge-vlandb-dump-attrs' });

/** The bridge VLAN database messages (`RTM_NEWVLAN`/`DELVLAN`/`GETVLAN`); replies to `RTM_GETVLAN` come as `RTM_NEWVLAN`. */
export const vlanMessages = {
  RTM_NEWVLAN: { type: 112, header: brVlanMsg, attrs: vlandbAttrs },
  RTM_DELVLAN: { type: 113, header: brVlanMsg, attrs: vlandbAttrs },
  RTM_GETVLAN: { type: 114, header: brVlanMsg, attrs: vlandbDumpAttrs },
} as const;
