import {
  HOST_LE, NlDecodeError, align4, attrs, describe, encodeFail, flagsOf, ip, u32, u8, viewOf,
  type AttrInput, type AttrValues, type Codec, type Json,
} from '@nlkit/core';
import { ipValue, uintOf, type ArbitraryOf } from './arbitraries.js';
import { routeAddr, rtvia } from './codecs.js';
import { encapType, lwtEncap } from './encap.js';

/** `RTNH_F_*`: next-hop flags (`rtnh_flags`, `nh_flags`, and the low byte of `rtm_flags`). */
export const nexthopFlags = {
  dead: 1, pervasive: 2, onlink: 4, offload: 8, linkdown: 16, unresolved: 32, trap: 64,
} as const;

/** `rtnh_flags` as names. */
export const nexthopFlagsCodec = flagsOf(u8, nexthopFlags);

/**
 * The `RTA_*` attributes that follow a `struct rtnexthop` inside
 * `RTA_MULTIPATH` (the kernel reads and writes these per path).
 */
export const rtnexthopAttrs = attrs('RTA_', {
  gateway: { nla: 5, codec: ip },
  flow: { nla: 11, codec: u32 },
  via: { nla: 18, codec: rtvia },
  newdst: { nla: 19, codec: routeAddr },
  encapType: { nla: 21, codec: encapType },
  encap: { nla: 22, codec: lwtEncap },
}, { name: 'rta-nexthop-attrs' });

/** The attribute declarations of a path (`RTA_*` inside `struct rtnexthop`). @inline */
type NexthopDefs = typeof rtnexthopAttrs.defs;

/** One path of a multipath route: `struct rtnexthop` and its attributes. */
export interface NextHop {
  /** `rtnh_flags` (`RTNH_F_*`). */
  flags: Array<keyof typeof nexthopFlags | number>;
  /** `rtnh_hops`: the weight less one for unicast routes (`weight 2` is `hops: 1`); the TTL threshold for multicast. */
  hops: number;
  /** `rtnh_ifindex`: the output device. */
  ifindex: number;
  /** `RTA_GATEWAY`, `RTA_VIA`, `RTA_NEWDST`, `RTA_ENCAP_TYPE`/`RTA_ENCAP`, `RTA_FLOW`. */
  attrs: AttrValues<NexthopDefs>;
}

/** What encode takes for a {@link NextHop} (`struct rtnexthop` and its attributes): everything optional (zero, no attributes). */
export interface NextHopInput {
  /** `rtnh_flags` (`RTNH_F_*`), by name or number. */
  flags?: Array<keyof typeof nexthopFlags | number>;
  /** `rtnh_hops`: the weight less one for unicast routes; the TTL threshold for multicast. */
  hops?: number;
  /** `rtnh_ifindex`: the output device. */
  ifindex?: number;
  /** `RTA_GATEWAY`, `RTA_VIA`, `RTA_NEWDST`, `RTA_ENCAP_TYPE`/`RTA_ENCAP`, `RTA_FLOW`. */
  attrs?: AttrInput<NexthopDefs>;
}

const RTNH_HDRLEN = 8;

const nextHopArbitrary: ArbitraryOf<NextHop> = (fc) => {
  const flags = uintOf(fc, 8).map((n) => nexthopFlagsCodec.read(viewOf(Uint8Array.of(n)), 0, 1, undefined));
  const mplsEncap = fc.record({
    encapType: fc.constant('mpls' as const),
    encap: fc.record({ dst: fc.array(fc.integer({ min: 0, max: 0xfffff }), { maxLength: 3 }), ttl: uintOf(fc, 8) }, { requiredKeys: [] }),
  });
  const base = fc.record(
    { gateway: ipValue(fc), flow: uintOf(fc, 32), via: fc.record({ family: uintOf(fc, 16), addr: ipValue(fc) }) },
    { requiredKeys: [] },
  );
  const nhAttrs = fc.oneof(base, fc.tuple(base, mplsEncap).map(([b, e]) => ({ ...b, ...e })));
  return fc.record({ flags, hops: uintOf(fc, 8), ifindex: fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }), attrs: nhAttrs });
};

/**
 * `RTA_MULTIPATH`: the paths of a multipath route, each a `struct rtnexthop`
 * (`rtnh_len` covering its attributes too) followed by its `RTA_*` attributes,
 * decoded as `[{ flags, hops, ifindex, attrs: { gateway, ... } }]`.
 */
export const multipath: Codec<NextHop[], NextHopInput[]> = {
  kind: 'custom',
  info: {
    doc: 'array of struct rtnexthop, each followed by its attributes',
    set: rtnexthopAttrs,
    arbitrary: ((fc) => fc.array(nextHopArbitrary(fc, { maxDepth: 1, maxBytes: 0 }), { maxLength: 3 })) satisfies ArbitraryOf<NextHop[]>,
  },
  size(value, scope) {
    if (!Array.isArray(value)) encodeFail(`RTA_MULTIPATH expects an array of next hops, got ${describe(value)}`);
    let n = 0;
    for (const nh of value) {
      if (typeof nh !== 'object' || nh === null) encodeFail(`next hop expects {flags, hops, ifindex, attrs}, got ${describe(nh)}`);
      for (const k of Object.keys(nh)) if (!['flags', 'hops', 'ifindex', 'attrs'].includes(k)) encodeFail(`unknown next-hop field "${k}"; known: flags, hops, ifindex, attrs`);
      nexthopFlagsCodec.size(nh.flags ?? [], undefined);
      u8.size(nh.hops ?? 0, undefined);
      const ifindex = nh.ifindex ?? 0;
      if (!Number.isInteger(ifindex) || ifindex < -(2 ** 31) || ifindex >= 2 ** 31) encodeFail(`rtnh_ifindex expects a 32-bit integer, got ${describe(ifindex)}`);
      const len = RTNH_HDRLEN + rtnexthopAttrs.size(nh.attrs ?? {}, scope);
      if (len > 0xffff) encodeFail(`next hop of ${len} bytes does not fit rtnh_len`);
      n += align4(len);
    }
    return n;
  },
  write(value, view, offset, scope) {
    let pos = offset;
    for (const nh of value) {
      const a = nh.attrs ?? {};
      const len = RTNH_HDRLEN + rtnexthopAttrs.size(a, scope);
      view.setUint16(pos, len, HOST_LE);
      nexthopFlagsCodec.write(nh.flags ?? [], view, pos + 2, undefined);
      view.setUint8(pos + 3, nh.hops ?? 0);
      view.setInt32(pos + 4, nh.ifindex ?? 0, HOST_LE);
      rtnexthopAttrs.write(a, view, pos + RTNH_HDRLEN, scope);
      for (let i = len; i < align4(len); i++) view.setUint8(pos + i, 0);
      pos += align4(len);
    }
  },
  read(view, offset, length, scope) {
    const out: NextHop[] = [];
    const end = offset + length;
    let pos = offset;
    while (end - pos >= RTNH_HDRLEN) {
      const len = view.getUint16(pos, HOST_LE);
      if (len < RTNH_HDRLEN || len > end - pos) throw new NlDecodeError(`rtnh_len ${len} is out of bounds (${end - pos} bytes left)`, pos).within(`[${out.length}]`);
      let a: AttrValues<NexthopDefs>;
      try {
        a = rtnexthopAttrs.decode(view, pos + RTNH_HDRLEN, len - RTNH_HDRLEN, scope);
      } catch (e) {
        if (e instanceof NlDecodeError) throw e.within(`[${out.length}]`);
        throw e;
      }
      out.push({
        flags: nexthopFlagsCodec.read(view, pos + 2, 1, undefined),
        hops: view.getUint8(pos + 3),
        ifindex: view.getInt32(pos + 4, HOST_LE),
        attrs: a,
      });
      pos += align4(len);
    }
    if (pos < end) throw new NlDecodeError(`${end - pos} stray bytes after the last rtnexthop`, pos);
    return out;
  },
  json: (v, scope) =>
    v.map((nh): Json => ({ rtnh_flags: nh.flags, rtnh_hops: nh.hops, rtnh_ifindex: nh.ifindex, attrs: rtnexthopAttrs.json(nh.attrs, scope) })),
};
