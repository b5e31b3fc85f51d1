import { attrs, binary, cstring, flagsOf, ip, lladdr, nest, pad, s32, struct, u16, u16be, u32, u64, u8 } from '@nlkit/core';
import { fdbExtAttrs } from '../fdb/schema.js';
import { routeProtocol } from '../route/schema.js';

/** `struct ndmsg` (`<linux/neighbour.h>`): the fixed header of `RTM_*NEIGH` (neighbours and FDB entries). */
export const ndmsg = struct('ndmsg', 'ndm_', {
  family: u8,
  _pad1: { codec: pad(1), c: 'ndm_pad1' },
  _pad2: { codec: pad(2), c: 'ndm_pad2' },
  ifindex: s32,
  /** `NUD_*`. */
  state: u16,
  /** `NTF_*`. */
  flags: u8,
  /** `RTN_*` (`unicast` for neighbours, `local` or `unicast` for some FDB entries). */
  type: u8,
});

/** `NUD_*` (`ndm_state`, `NDA_NDM_STATE_MASK`): neighbour states, one bit each; `none` is 0. */
export const neighStates = {
  incomplete: 0x01, reachable: 0x02, stale: 0x04, delay: 0x08, probe: 0x10, failed: 0x20, noarp: 0x40, permanent: 0x80,
} as const;

/** `NTF_*` (`ndm_flags`, `NDA_NDM_FLAGS_MASK`). */
export const neighFlags = {
  use: 0x01, self: 0x02, master: 0x04, proxy: 0x08, extLearned: 0x10, offloaded: 0x20, sticky: 0x40, router: 0x80,
} as const;

/** `NTF_EXT_*` (`NDA_FLAGS_EXT`). */
export const neighExtFlags = { managed: 0x01, locked: 0x02, extValidated: 0x04 } as const;

/** `struct nda_cacheinfo` (`NDA_CACHEINFO`): ages in clock ticks (`USER_HZ`, hundredths of a second). */
export const ndaCacheinfo = struct('nda_cacheinfo', 'ndm_', {
  confirmed: u32, used: u32, updated: u32, refcnt: u32,
});

/**
 * `NDA_*` (`neighbour-attrs`): the attributes of `RTM_*NEIGH`, for IP
 * neighbours and bridge/VXLAN FDB entries (`ndm_family` `AF_BRIDGE`) alike.
 */
export const neighAttrs = attrs('NDA_', {
  dst: { nla: 1, codec: ip },
  lladdr: { nla: 2, codec: lladdr },
  cacheinfo: { nla: 3, codec: ndaCacheinfo },
  probes: { nla: 4, codec: u32 },
  vlan: { nla: 5, codec: u16 },
  port: { nla: 6, codec: u16be },
  vni: { nla: 7, codec: u32 },
  ifindex: { nla: 8, codec: u32 },
  master: { nla: 9, codec: u32 },
  linkNetnsid: { nla: 10, codec: s32 },
  srcVni: { nla: 11, codec: u32 },
  protocol: { nla: 12, codec: routeProtocol },
  nhId: { nla: 13, codec: u32 },
  fdbExtAttrs: { nla: 14, codec: nest(fdbExtAttrs) },
  flagsExt: { nla: 15, codec: flagsOf(u32, neighExtFlags) },
  ndmStateMask: { nla: 16, codec: flagsOf(u16, neighStates) },
  ndmFlagsMask: { nla: 17, codec: flagsOf(u8, neighFlags) },
}, { name: 'neighbour-attrs' });

/** `struct ndtmsg`: the fixed header of `RTM_*NEIGHTBL`. */
export const ndtmsg = struct('ndtmsg', 'ndtm_', {
  family: u8,
  _pad1: { codec: pad(1), c: 'ndtm_pad1' },
  _pad2: { codec: pad(2), c: 'ndtm_pad2' },
});

/** `struct ndt_config` (`NDTA_CONFIG`): a neighbour table's configuration, read-only. */
export const ndtConfig = struct('ndt_config', 'ndtc_', {
  keyLen: u16, entrySize: u16, entries: u32, lastFlush: u32, lastRand: u32,
  hashRnd: u32, hashMask: u32, hashChainGc: u32, proxyQlen: u32,
});

/** `struct ndt_stats` (`NDTA_STATS`): a neighbour table's counters. */
export const ndtStats = struct('ndt_stats', 'ndts_', {
  allocs: u64, destroys: u64, hashGrows: u64, resFailed: u64, lookups: u64, hits: u64,
  rcvProbesMcast: u64, rcvProbesUcast: u64, periodicGcRuns: u64, forcedGcRuns: u64, tableFulls: u64,
});

/** `NDTPA_*` (`ndtpa-attrs`): a parameter set, the table's default or a device's (`ifindex`). Times in milliseconds. */
export const ndtParmsAttrs = attrs('NDTPA_', {
  ifindex: { nla: 1, codec: u32 },
  refcnt: { nla: 2, codec: u32 },
  reachableTime: { nla: 3, codec: u64 },
  baseReachableTime: { nla: 4, codec: u64 },
  retransTime: { nla: 5, codec: u64 },
  gcStaletime: { nla: 6, codec: u64 },
  delayProbeTime: { nla: 7, codec: u64 },
  queueLen: { nla: 8, codec: u32 },
  appProbes: { nla: 9, codec: u32 },
  ucastProbes: { nla: 10, codec: u32 },
  mcastProbes: { nla: 11, codec: u32 },
  anycastDelay: { nla: 12, codec: u64 },
  proxyDelay: { nla: 13, codec: u64 },
  proxyQlen: { nla: 14, codec: u32 },
  locktime: { nla: 15, codec: u64 },
  queueLenbytes: { nla: 16, codec: u32 },
  mcastReprobes: { nla: 17, codec: u32 },
  pad: { nla: 18, codec: binary() },
  intervalProbeTimeMs: { nla: 19, codec: u64 },
}, { name: 'ndtpa-attrs' });

/** `NDTA_*` (`ndt-attrs`): the attributes of `RTM_*NEIGHTBL`. */
export const neighTableAttrs = attrs('NDTA_', {
  name: { nla: 1, codec: cstring() },
  thresh1: { nla: 2, codec: u32 },
  thresh2: { nla: 3, codec: u32 },
  thresh3: { nla: 4, codec: u32 },
  config: { nla: 5, codec: ndtConfig },
  parms: { nla: 6, codec: nest(ndtParmsAttrs) },
  stats: { nla: 7, codec: ndtStats },
  gcInterval: { nla: 8, codec: u64 },
  pad: { nla: 9, codec: binary() },
}, { name: 'ndt-attrs' });

const neigh = { header: ndmsg, attrs: neighAttrs } as const;
const neighTable = { header: ndtmsg, attrs: neighTableAttrs } as const;

/**
 * The neighbour messages: `RTM_NEWNEIGH`/`DELNEIGH`/`GETNEIGH` (ARP/ND
 * entries, and with `ndm_family` `AF_BRIDGE` the bridge/VXLAN FDB) and the
 * neighbour-table messages `RTM_NEWNEIGHTBL`/`GETNEIGHTBL`/`SETNEIGHTBL`.
 */
export const neighMessages = {
  RTM_NEWNEIGH: { type: 28, ...neigh },
  RTM_DELNEIGH: { type: 29, ...neigh },
  RTM_GETNEIGH: { type: 30, ...neigh },
  RTM_NEWNEIGHTBL: { type: 64, ...neighTable },
  RTM_GETNEIGHTBL: { type: 66, ...neighTable },
  RTM_SETNEIGHTBL: { type: 67, ...neighTable },
} as const;
