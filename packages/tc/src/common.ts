/**
 * Structs and attribute sets shared by every tc object: rates, estimators,
 * size tables, statistics, action timestamps and verdicts
 * (`<linux/pkt_sched.h>`, `<linux/pkt_cls.h>`, `<linux/gen_stats.h>`).
 */
import {
  attrs, binary, enumOf, flagsOf, pad, s16, s32, s8, struct, u16, u32, u64, u8, variant,
  type Codec,
} from '@nlkit/core';
import { arrayOf } from './codecs.js';

/** Payload codecs keyed by kind (`htb`, `u32`, `mirred`, …): the cases of a kind-dependent attribute. */
export type KindTable = Record<string, Codec<any, any>>;

/** `struct tc_estimator` (`TCA_RATE`): rate estimator interval and averaging. */
export const tcEstimator = struct('tc_estimator', '', {
  interval: s8,
  ewmaLog: u8,
});

/** `TC_LINKLAYER_*`: the link layer a rate table was computed for (low 4 bits of `linklayer`). */
export const TC_LINKLAYER = { UNAWARE: 0, ETHERNET: 1, ATM: 2 } as const;

/** `struct tc_ratespec`: a rate in bytes/s with the cell size its table was built for. */
export const tcRatespec = struct('tc_ratespec', '', {
  cellLog: u8,
  linklayer: u8,
  overhead: u16,
  cellAlign: s16,
  mpu: u16,
  rate: u32,
});

/** `struct tc_sizespec` (`TCA_STAB_BASE`): how packet sizes are mapped by a size table. */
export const tcSizespec = struct('tc_sizespec', '', {
  cellLog: u8,
  sizeLog: u8,
  cellAlign: s16,
  overhead: s32,
  linklayer: u32,
  mpu: u32,
  mtu: u32,
  tsize: u32,
});

/** `TCA_STAB_*` (`tca-stab-attrs`): a size table. */
export const stabAttrs = attrs('TCA_STAB_', {
  base: { nla: 1, codec: tcSizespec },
  data: { nla: 2, codec: arrayOf(u16) },
}, { name: 'tca-stab-attrs' });

/** `struct tc_stats` (`TCA_STATS`), the legacy statistics; 40 bytes with the tail padding of its `__u64`. */
export const tcStats = struct('tc_stats', '', {
  bytes: u64,
  packets: u32,
  drops: u32,
  overlimits: u32,
  bps: u32,
  pps: u32,
  qlen: u32,
  backlog: u32,
  _pad: { codec: pad(4), c: '__pad' },
});

/** `struct gnet_stats_basic` (`TCA_STATS_BASIC`, `TCA_STATS_BASIC_HW`); 16 bytes as the kernel sends it. */
export const gnetStatsBasic = struct('gnet_stats_basic', '', {
  bytes: u64,
  packets: u32,
  _pad: { codec: pad(4), c: '__pad' },
});

/** `struct gnet_stats_rate_est` (`TCA_STATS_RATE_EST`). */
export const gnetStatsRateEst = struct('gnet_stats_rate_est', '', { bps: u32, pps: u32 });

/** `struct gnet_stats_rate_est64` (`TCA_STATS_RATE_EST64`). */
export const gnetStatsRateEst64 = struct('gnet_stats_rate_est64', '', { bps: u64, pps: u64 });

/** `struct gnet_stats_queue` (`TCA_STATS_QUEUE`). */
export const gnetStatsQueue = struct('gnet_stats_queue', '', {
  qlen: u32,
  backlog: u32,
  drops: u32,
  requeues: u32,
  overlimits: u32,
});

/**
 * `TCA_STATS_*` (`tca-stats-attrs`, the payload of `TCA_STATS2`), with
 * `TCA_STATS_APP` decoded per kind from `app`. The kind is `TCA_KIND` of the
 * enclosing message, found through the scope chain.
 */
export function statsAttrsFor<const A extends KindTable>(app: A) {
  return attrs('TCA_STATS_', {
    basic: { nla: 1, codec: gnetStatsBasic },
    rateEst: { nla: 2, codec: gnetStatsRateEst },
    queue: { nla: 3, codec: gnetStatsQueue },
    app: { nla: 4, codec: variant('kind', app) },
    rateEst64: { nla: 5, codec: gnetStatsRateEst64 },
    pad: { nla: 6, codec: binary() },
    basicHw: { nla: 7, codec: gnetStatsBasic },
    pkt64: { nla: 8, codec: u64 },
  }, { name: 'tca-stats-attrs' });
}

/** `TCA_STATS_*` of an action (`tc-act-stats-attrs`, in `TCA_ACT_STATS`): `TCA_STATS_APP` stays bytes. */
export const actStatsAttrs = attrs('TCA_STATS_', {
  basic: { nla: 1, codec: gnetStatsBasic },
  rateEst: { nla: 2, codec: gnetStatsRateEst },
  queue: { nla: 3, codec: gnetStatsQueue },
  app: { nla: 4, codec: binary() },
  rateEst64: { nla: 5, codec: gnetStatsRateEst64 },
  pad: { nla: 6, codec: binary() },
  basicHw: { nla: 7, codec: gnetStatsBasic },
  pkt64: { nla: 8, codec: u64 },
}, { name: 'tc-act-stats-attrs' });

/**
 * An action verdict (`TC_ACT_*`, the `action` of `tc_gen`). Decodes to the
 * kernel's name (`shot`); encode also takes `tc`'s words (`drop`, `pass`,
 * `continue`). `TC_ACT_JUMP`/`TC_ACT_GOTO_CHAIN` values stay numbers.
 */
export const tcVerdict = enumOf(s32, {
  unspec: -1, ok: 0, reclassify: 1, shot: 2, pipe: 3, stolen: 4, queued: 5, repeat: 6, redirect: 7, trap: 8,
  continue: -1, pass: 0, drop: 2,
});

/** {@link tcVerdict} carried as a `__u32` (`TCA_POLICE_RESULT`): `TC_ACT_UNSPEC` is 0xffffffff there. */
export const tcVerdictU32 = enumOf(u32, {
  unspec: 0xffffffff, ok: 0, reclassify: 1, shot: 2, pipe: 3, stolen: 4, queued: 5, repeat: 6, redirect: 7, trap: 8,
  continue: 0xffffffff, pass: 0, drop: 2,
});

/** The members of `tc_gen`, the head of every action's parameters struct. */
export const tcGen = {
  index: u32,
  capab: u32,
  action: tcVerdict,
  refcnt: s32,
  bindcnt: s32,
} as const;

/** `struct tcf_t` (`TCA_*_TM`): when an action was installed, last used, and first used (jiffies). */
export const tcfT = struct('tcf_t', '', {
  install: u64,
  lastuse: u64,
  expires: u64,
  firstuse: u64,
});

/** `TCA_CLS_FLAGS_*` (`tc-cls-flags`): a classifier's offload flags. */
export const clsFlags = flagsOf(u32, { skipHw: 1, skipSw: 2, inHw: 4, notInHw: 8, verbose: 16 });

/** The action list of a filter (`TCA_*_ACT`, `TCA_ACT_TAB`): entries numbered from 1, each `tc-act-attrs`. */
export type ActionList = Codec<any, any>;
