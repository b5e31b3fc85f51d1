import {
  HOST_LE, attrs, badLength, binary, describe, encodeFail, enumOf, flag, flagsOf, ip, nest, pad, struct, u16, u32, u64, u8, uint,
  type Codec,
} from '@nlkit/core';
import { uintOf, type ArbitraryOf } from '../route/arbitraries.js';
import { encapType, lwtEncap } from '../route/encap.js';

/** `struct nhmsg` (`<linux/nexthop.h>`): the fixed header of `RTM_*NEXTHOP` and `RTM_*NEXTHOPBUCKET`. */
export const nhmsg = struct('nhmsg', 'nh_', {
  family: u8,
  /** `RT_SCOPE_*`, set by the kernel in replies. */
  scope: u8,
  /** `RTPROT_*`. */
  protocol: u8,
  _resvd: { codec: pad(1), c: 'resvd' },
  /** `RTNH_F_*`. */
  flags: u32,
});

/** One member of a nexthop group (`struct nexthop_grp`). */
export interface NexthopGrp {
  /** The member nexthop's id. */
  id: number;
  /** The low 8 bits of the weight less one (`weight 1` is 0). */
  weight: number;
  /** The high 8 bits of the weight less one (meaningful when the reply's `NHA_OP_FLAGS` has `respGrpResvd0`; reserved before 6.12). */
  weightHigh: number;
}

/** The weight of a group member as `ip nexthop` shows it: `((weightHigh << 8) | weight) + 1`. */
export function groupWeight(g: NexthopGrp): number {
  return ((g.weightHigh << 8) | g.weight) + 1;
}

/** A group member (`struct nexthop_grp`) `{ id, weight, weightHigh }` for a weight of 1 to 65536. */
export function groupMember(id: number, weight = 1): NexthopGrp {
  if (!Number.isInteger(weight) || weight < 1 || weight > 0x10000) encodeFail(`nexthop group weight expects an integer in 1..65536, got ${describe(weight)}`);
  return { id, weight: (weight - 1) & 0xff, weightHigh: (weight - 1) >> 8 };
}

const NEXTHOP_GRP_SIZE = 8;

/**
 * `NHA_GROUP`: an array of `struct nexthop_grp` (`u32 id; u8 weight; u8
 * weight_high; u16 resvd2`), decoded as `[{ id, weight, weightHigh }]`.
 */
export const nexthopGroup: Codec<NexthopGrp[], Array<Partial<NexthopGrp> & Pick<NexthopGrp, 'id'>>> = {
  kind: 'custom',
  info: {
    doc: 'array of struct nexthop_grp',
    arbitrary: ((fc) =>
      fc.array(fc.record({ id: uintOf(fc, 32), weight: uintOf(fc, 8), weightHigh: uintOf(fc, 8) }), { maxLength: 4 })) satisfies ArbitraryOf<NexthopGrp[]>,
  },
  size(value) {
    if (!Array.isArray(value)) encodeFail(`NHA_GROUP expects an array of {id, weight}, got ${describe(value)}`);
    for (const g of value) {
      if (typeof g !== 'object' || g === null) encodeFail(`nexthop_grp expects {id, weight, weightHigh}, got ${describe(g)}`);
      u32.size(g.id, undefined);
      u8.size(g.weight ?? 0, undefined);
      u8.size(g.weightHigh ?? 0, undefined);
    }
    return value.length * NEXTHOP_GRP_SIZE;
  },
  write(value, view, offset) {
    value.forEach((g, i) => {
      const o = offset + i * NEXTHOP_GRP_SIZE;
      view.setUint32(o, g.id, HOST_LE);
      view.setUint8(o + 4, g.weight ?? 0);
      view.setUint8(o + 5, g.weightHigh ?? 0);
      view.setUint16(o + 6, 0, HOST_LE);
    });
  },
  read(view, offset, length) {
    if (length % NEXTHOP_GRP_SIZE !== 0) badLength('NHA_GROUP', `a multiple of ${NEXTHOP_GRP_SIZE}`, length, offset);
    const out: NexthopGrp[] = [];
    for (let o = offset; o < offset + length; o += NEXTHOP_GRP_SIZE) {
      out.push({ id: view.getUint32(o, HOST_LE), weight: view.getUint8(o + 4), weightHigh: view.getUint8(o + 5) });
    }
    return out;
  },
  lossy: true,
  exact(view, offset, length) {
    for (let o = offset; o < offset + length; o += NEXTHOP_GRP_SIZE) if (view.getUint16(o + 6, HOST_LE) !== 0) return false;
    return true;
  },
  json: (v) => v.map((g) => ({ id: g.id, weight: g.weight, weight_high: g.weightHigh })),
};

/** `NEXTHOP_GRP_TYPE_*` (`NHA_GROUP_TYPE`). */
export const nexthopGroupType = enumOf(u16, { mpath: 0, resilient: 1 });

/**
 * `NHA_OP_FLAG_*` (`NHA_OP_FLAGS`): in requests, what to dump; in replies,
 * `NHA_OP_FLAG_RESP_GRP_RESVD_0` says `weightHigh` of the group members is meaningful.
 */
export const nexthopOpFlags = { dumpStats: 1, dumpHwStats: 2, respGrpResvd0: 0x80000000 } as const;

/** `NHA_RES_GROUP_*`: a resilient group's parameters. Timers in clock ticks (hundredths of a second). */
export const nexthopResGroupAttrs = attrs('NHA_RES_GROUP_', {
  pad: { nla: 0, codec: binary() },
  buckets: { nla: 1, codec: u16 },
  idleTimer: { nla: 2, codec: u32 },
  unbalancedTimer: { nla: 3, codec: u32 },
  unbalancedTime: { nla: 4, codec: u64 },
}, { name: 'nha-res-group-attrs' });

/** `NHA_RES_BUCKET_*`: one bucket of a resilient group (`RTM_*NEXTHOPBUCKET`). */
export const nexthopResBucketAttrs = attrs('NHA_RES_BUCKET_', {
  pad: { nla: 0, codec: binary() },
  index: { nla: 1, codec: u16 },
  idleTime: { nla: 2, codec: u64 },
  nhId: { nla: 3, codec: u32 },
}, { name: 'nha-res-bucket-attrs' });

/** `NHA_GROUP_STATS_ENTRY_*`: one member's packet counters. */
export const nexthopGroupStatsEntryAttrs = attrs('NHA_GROUP_STATS_ENTRY_', {
  id: { nla: 1, codec: u32 },
  packets: { nla: 2, codec: uint },
  packetsHw: { nla: 3, codec: uint },
}, { name: 'nha-group-stats-entry-attrs' });

/** `NHA_GROUP_STATS_*` (dumps with `NHA_OP_FLAG_DUMP_STATS`). */
export const nexthopGroupStatsAttrs = attrs('NHA_GROUP_STATS_', {
  entry: { nla: 1, codec: nest(nexthopGroupStatsEntryAttrs), multi: true },
}, { name: 'nha-group-stats-attrs' });

/** `NHA_*` (`nexthop-attrs`): the attributes of `RTM_*NEXTHOP` and `RTM_*NEXTHOPBUCKET`. */
export const nexthopAttrs = attrs('NHA_', {
  id: { nla: 1, codec: u32 },
  group: { nla: 2, codec: nexthopGroup },
  groupType: { nla: 3, codec: nexthopGroupType },
  blackhole: { nla: 4, codec: flag },
  oif: { nla: 5, codec: u32 },
  gateway: { nla: 6, codec: ip },
  encapType: { nla: 7, codec: encapType },
  encap: { nla: 8, codec: lwtEncap },
  groups: { nla: 9, codec: flag, doc: 'dump filter: groups only' },
  master: { nla: 10, codec: u32, doc: 'dump filter: nexthops on devices enslaved to this one' },
  fdb: { nla: 11, codec: flag },
  resGroup: { nla: 12, codec: nest(nexthopResGroupAttrs) },
  resBucket: { nla: 13, codec: nest(nexthopResBucketAttrs) },
  opFlags: { nla: 14, codec: flagsOf(u32, nexthopOpFlags) },
  groupStats: { nla: 15, codec: nest(nexthopGroupStatsAttrs) },
  hwStatsEnable: { nla: 16, codec: u32 },
  hwStatsUsed: { nla: 17, codec: u32 },
}, { name: 'nexthop-attrs' });

const nexthop = { header: nhmsg, attrs: nexthopAttrs } as const;

/**
 * The nexthop object messages (`RTM_NEWNEXTHOP`/`DELNEXTHOP`/`GETNEXTHOP`)
 * and the resilient-group bucket messages (`RTM_*NEXTHOPBUCKET`, with `NHA_RES_BUCKET`).
 */
export const nexthopMessages = {
  RTM_NEWNEXTHOP: { type: 104, ...nexthop },
  RTM_DELNEXTHOP: { type: 105, ...nexthop },
  RTM_GETNEXTHOP: { type: 106, ...nexthop },
  RTM_NEWNEXTHOPBUCKET: { type: 116, ...nexthop },
  RTM_DELNEXTHOPBUCKET: { type: 117, ...nexthop },
  RTM_GETNEXTHOPBUCKET: { type: 118, ...nexthop },
} as const;
