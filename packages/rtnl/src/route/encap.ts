/**
 * Lightweight tunnel encapsulations (`<linux/lwtunnel.h>` and friends): the
 * payload of `RTA_ENCAP` and `NHA_ENCAP`, chosen by the sibling
 * `RTA_ENCAP_TYPE`/`NHA_ENCAP_TYPE` (`LWTUNNEL_ENCAP_*`).
 */
import {
  NlDecodeError, attrs, binary, copyBytes, cstring, describe, encodeFail, enumOf, flagsOf, formatIPv6,
  ipv4, ipv6, nest, parseIPv6, s32, toHex, u16, u16be, u32, u32be, u64, u64be, u8, variant,
  type Codec,
} from '@nlkit/core';
import { ipv6Text, uintOf, type ArbitraryOf } from './arbitraries.js';
import { mplsLabels } from './codecs.js';

/** `LWTUNNEL_ENCAP_*` (`RTA_ENCAP_TYPE`, `NHA_ENCAP_TYPE`). */
export const encapTypes = {
  none: 0, mpls: 1, ip: 2, ila: 3, ip6: 4, seg6: 5, bpf: 6, seg6Local: 7, rpl: 8, ioam6: 9, xfrm: 10,
} as const;

/** `RTA_ENCAP_TYPE`/`NHA_ENCAP_TYPE`: a `u16` `LWTUNNEL_ENCAP_*`, decoded by name. */
export const encapType = enumOf(u16, encapTypes);

// ---------------------------------------------------------------------------
// MPLS

/** `MPLS_IPTUNNEL_*` (`<linux/mpls_iptunnel.h>`): `encap mpls`. */
export const mplsIptunnelAttrs = attrs('MPLS_IPTUNNEL_', {
  dst: { nla: 1, codec: mplsLabels },
  ttl: { nla: 2, codec: u8 },
}, { name: 'mpls-iptunnel-attrs' });

// ---------------------------------------------------------------------------
// IP / IP6 (metadata tunnels)

/** `LWTUNNEL_IP_OPT_GENEVE_*`: one Geneve option. */
export const geneveOptAttrs = attrs('LWTUNNEL_IP_OPT_GENEVE_', {
  class: { nla: 1, codec: u16be },
  type: { nla: 2, codec: u8 },
  data: { nla: 3, codec: binary() },
}, { name: 'lwtunnel-ip-opt-geneve-attrs' });

/** `LWTUNNEL_IP_OPT_VXLAN_*`. */
export const vxlanOptAttrs = attrs('LWTUNNEL_IP_OPT_VXLAN_', {
  gbp: { nla: 1, codec: u32 },
}, { name: 'lwtunnel-ip-opt-vxlan-attrs' });

/** `LWTUNNEL_IP_OPT_ERSPAN_*`. */
export const erspanOptAttrs = attrs('LWTUNNEL_IP_OPT_ERSPAN_', {
  ver: { nla: 1, codec: u8 },
  index: { nla: 2, codec: u32be },
  dir: { nla: 3, codec: u8 },
  hwid: { nla: 4, codec: u8 },
}, { name: 'lwtunnel-ip-opt-erspan-attrs' });

/** `LWTUNNEL_IP_OPTS_*`: tunnel options; several Geneve options may follow each other. */
export const lwtIpOptsAttrs = attrs('LWTUNNEL_IP_OPTS_', {
  geneve: { nla: 1, codec: nest(geneveOptAttrs), multi: true },
  vxlan: { nla: 2, codec: nest(vxlanOptAttrs) },
  erspan: { nla: 3, codec: nest(erspanOptAttrs) },
}, { name: 'lwtunnel-ip-opts-attrs' });

/** `LWTUNNEL_IP_*`: `encap ip` (collect-metadata IPv4 tunnels). `id` is the tunnel key, sent big-endian. */
export const lwtIpAttrs = attrs('LWTUNNEL_IP_', {
  id: { nla: 1, codec: u64be },
  dst: { nla: 2, codec: ipv4 },
  src: { nla: 3, codec: ipv4 },
  ttl: { nla: 4, codec: u8 },
  tos: { nla: 5, codec: u8 },
  flags: { nla: 6, codec: u16be },
  pad: { nla: 7, codec: binary() },
  opts: { nla: 8, codec: nest(lwtIpOptsAttrs) },
}, { name: 'lwtunnel-ip-attrs' });

/** `LWTUNNEL_IP6_*`: `encap ip6`. */
export const lwtIp6Attrs = attrs('LWTUNNEL_IP6_', {
  id: { nla: 1, codec: u64be },
  dst: { nla: 2, codec: ipv6 },
  src: { nla: 3, codec: ipv6 },
  hoplimit: { nla: 4, codec: u8 },
  tc: { nla: 5, codec: u8 },
  flags: { nla: 6, codec: u16be },
  pad: { nla: 7, codec: binary() },
  opts: { nla: 8, codec: nest(lwtIpOptsAttrs) },
}, { name: 'lwtunnel-ip6-attrs' });

// ---------------------------------------------------------------------------
// ILA

/**
 * `ILA_ATTR_*` (`<linux/ila.h>`): `encap ila`. The locator is 64 bits in
 * network byte order (`2001:db8:1:2` is `0x20010db800010002n`).
 */
export const ilaAttrs = attrs('ILA_ATTR_', {
  locator: { nla: 1, codec: u64be },
  identifier: { nla: 2, codec: u64be },
  locatorMatch: { nla: 3, codec: u64be },
  ifindex: { nla: 4, codec: s32 },
  dir: { nla: 5, codec: flagsOf(u32, { in: 1, out: 2 }) },
  pad: { nla: 6, codec: binary() },
  csumMode: { nla: 7, codec: enumOf(u8, { adjustTransport: 0, neutralMap: 1, noAction: 2, neutralMapAuto: 3 }) },
  identType: { nla: 8, codec: enumOf(u8, { iid: 0, luid: 1, virtV4: 2, virtUniV6: 3, virtMultiV6: 4, nonlocalAddr: 5, useFormat: 32 }) },
  hookType: { nla: 9, codec: enumOf(u8, { routeOutput: 0, routeInput: 1 }) },
}, { name: 'ila-attrs' });

// ---------------------------------------------------------------------------
// Segment routing (SRv6)

/** `struct ipv6_sr_hdr` (`<linux/seg6.h>`): an IPv6 segment routing header. */
export interface Ipv6SrHdr {
  /** `nexthdr`: the protocol of the header that follows. */
  nexthdr: number;
  /** Routing type (4 for SRH). */
  type: number;
  /** `segments_left`: how many segments remain to be visited. */
  segmentsLeft: number;
  /** `first_segment`: index of the last entry of `segments` (their number less one). */
  firstSegment: number;
  /** `SR6_FLAG1_*`. */
  flags: number;
  /** `tag`: a tag for the packets of a class or group. */
  tag: number;
  /** The segment list as the header holds it (the last segment of the path first). */
  segments: string[];
  /** TLVs after the segments (HMAC, padding), as bytes. */
  tlvs: Uint8Array;
}

/** What encode takes for {@link Ipv6SrHdr} (`struct ipv6_sr_hdr`): `hdrlen` is computed, `firstSegment` defaults to the number of segments less one, the rest to 0. */
export type Ipv6SrHdrInput = Partial<Omit<Ipv6SrHdr, 'segments'>> & Pick<Ipv6SrHdr, 'segments'>;

function srhSize(v: Ipv6SrHdrInput): number {
  if (typeof v !== 'object' || v === null || !Array.isArray(v.segments)) encodeFail(`ipv6_sr_hdr expects {segments, ...}, got ${describe(v)}`);
  for (const s of v.segments) if (typeof s !== 'string' || !parseIPv6(s)) encodeFail(`SRH segment expects an IPv6 address, got ${describe(s)}`);
  for (const k of ['nexthdr', 'type', 'segmentsLeft', 'firstSegment', 'flags'] as const) {
    const n = v[k];
    if (n !== undefined) u8.size(n, undefined);
  }
  if (v.tag !== undefined) u16.size(v.tag, undefined);
  const tlvs = v.tlvs ?? new Uint8Array();
  if (!(tlvs instanceof Uint8Array)) encodeFail(`SRH tlvs expects a Uint8Array, got ${describe(tlvs)}`);
  const body = v.segments.length * 16 + tlvs.length;
  if (body % 8 !== 0 || body / 8 > 255) encodeFail(`SRH segments and TLVs must fill whole 8-byte units (at most 255), got ${body} bytes`);
  return 8 + body;
}

function srhWrite(v: Ipv6SrHdrInput, view: DataView, offset: number): void {
  const tlvs = v.tlvs ?? new Uint8Array();
  view.setUint8(offset, v.nexthdr ?? 0);
  view.setUint8(offset + 1, (v.segments.length * 16 + tlvs.length) / 8);
  view.setUint8(offset + 2, v.type ?? 0);
  view.setUint8(offset + 3, v.segmentsLeft ?? 0);
  view.setUint8(offset + 4, v.firstSegment ?? Math.max(0, v.segments.length - 1));
  view.setUint8(offset + 5, v.flags ?? 0);
  view.setUint16(offset + 6, v.tag ?? 0, false);
  v.segments.forEach((s, i) => new Uint8Array(view.buffer, view.byteOffset + offset + 8 + 16 * i, 16).set(parseIPv6(s)!));
  new Uint8Array(view.buffer, view.byteOffset + offset + 8 + 16 * v.segments.length, tlvs.length).set(tlvs);
}

function srhRead(view: DataView, offset: number, length: number): Ipv6SrHdr {
  if (length < 8) throw new NlDecodeError(`ipv6_sr_hdr needs at least 8 bytes, got ${length}`, offset);
  const firstSegment = view.getUint8(offset + 4);
  const count = Math.min(firstSegment + 1, Math.floor((length - 8) / 16));
  const segments: string[] = [];
  for (let i = 0; i < count; i++) segments.push(formatIPv6(view, offset + 8 + 16 * i));
  const rest = offset + 8 + 16 * count;
  return {
    nexthdr: view.getUint8(offset),
    type: view.getUint8(offset + 2),
    segmentsLeft: view.getUint8(offset + 3),
    firstSegment,
    flags: view.getUint8(offset + 5),
    tag: view.getUint16(offset + 6, false),
    segments,
    tlvs: copyBytes(view, rest, offset + length - rest),
  };
}

/** Whether re-encoding a decoded header gives its bytes back (`hdrlen` and `first_segment` agree with the length). */
function srhExact(view: DataView, offset: number, length: number, v: Ipv6SrHdr): boolean {
  return length === 8 + view.getUint8(offset + 1) * 8 && v.segments.length === v.firstSegment + 1;
}

const srhArbitrary: ArbitraryOf<Ipv6SrHdr> = (fc) =>
  fc
    .record({
      nexthdr: uintOf(fc, 8), type: uintOf(fc, 8), segmentsLeft: uintOf(fc, 8), flags: uintOf(fc, 8), tag: uintOf(fc, 16),
      segments: fc.array(ipv6Text(fc), { minLength: 1, maxLength: 3 }),
      tlvs: fc.oneof(fc.constant(new Uint8Array()), fc.uint8Array({ minLength: 8, maxLength: 8 })),
    })
    .map((r) => ({ ...r, firstSegment: r.segments.length - 1 }));

function srhJson(v: Ipv6SrHdr) {
  return {
    nexthdr: v.nexthdr, type: v.type, segments_left: v.segmentsLeft, first_segment: v.firstSegment,
    flags: v.flags, tag: v.tag, segments: v.segments, tlvs: toHex(v.tlvs),
  };
}

/** `struct ipv6_sr_hdr` with its segments (`SEG6_LOCAL_SRH`), and TLVs as bytes. */
export const ipv6SrHdr: Codec<Ipv6SrHdr, Ipv6SrHdrInput> = {
  kind: 'custom',
  info: { doc: 'struct ipv6_sr_hdr', arbitrary: srhArbitrary },
  size: (v) => srhSize(v),
  write: (v, view, offset) => srhWrite(v, view, offset),
  read: srhRead,
  lossy: true,
  exact: srhExact,
  json: srhJson,
};

/** `SEG6_IPTUN_MODE_*`: how `encap seg6` applies the header. */
export const seg6Modes = { inline: 0, encap: 1, l2encap: 2, encapRed: 3, l2encapRed: 4 } as const;
const seg6Mode = enumOf(s32, seg6Modes);

/** `struct seg6_iptunnel_encap` (`SEG6_IPTUNNEL_SRH`): an `int` mode and the segment routing header. */
export interface Seg6IptunnelEncap {
  /** `mode`: `SEG6_IPTUN_MODE_*`, by name ({@link seg6Modes}) or number. */
  mode: keyof typeof seg6Modes | number;
  /** `srh`: the segment routing header to insert or encapsulate with. */
  srh: Ipv6SrHdr;
}

/** `SEG6_IPTUNNEL_SRH`: `struct seg6_iptunnel_encap`. */
export const seg6IptunnelEncap: Codec<Seg6IptunnelEncap, {
  /** As {@link Seg6IptunnelEncap.mode}. */
  mode: Seg6IptunnelEncap['mode'];
  /** As {@link Seg6IptunnelEncap.srh}; lengths and `first_segment` are computed. */
  srh: Ipv6SrHdrInput;
}> = {
  kind: 'custom',
  info: {
    doc: 'struct seg6_iptunnel_encap',
    arbitrary: ((fc, opts) =>
      fc.record({ mode: fc.oneof(...Object.keys(seg6Modes).map((k) => fc.constant(k as keyof typeof seg6Modes)), fc.integer({ min: 5, max: 2 ** 31 - 1 })), srh: srhArbitrary(fc, opts) })) satisfies ArbitraryOf<Seg6IptunnelEncap>,
  },
  size(v) {
    if (typeof v !== 'object' || v === null) encodeFail(`seg6_iptunnel_encap expects {mode, srh}, got ${describe(v)}`);
    return seg6Mode.size(v.mode, undefined) + srhSize(v.srh);
  },
  write(v, view, offset) {
    seg6Mode.write(v.mode, view, offset, undefined);
    srhWrite(v.srh, view, offset + 4);
  },
  read(view, offset, length) {
    if (length < 4) throw new NlDecodeError(`seg6_iptunnel_encap needs at least 4 bytes, got ${length}`, offset);
    return { mode: seg6Mode.read(view, offset, 4, undefined), srh: srhRead(view, offset + 4, length - 4) };
  },
  lossy: true,
  exact: (view, offset, length, v) => srhExact(view, offset + 4, length - 4, v.srh),
  json: (v) => ({ mode: v.mode, srh: srhJson(v.srh) }),
};

/** `SEG6_IPTUNNEL_*` (`<linux/seg6_iptunnel.h>`): `encap seg6`. */
export const seg6IptunnelAttrs = attrs('SEG6_IPTUNNEL_', {
  srh: { nla: 1, codec: seg6IptunnelEncap },
}, { name: 'seg6-iptunnel-attrs' });

/** `SEG6_LOCAL_BPF_PROG_*`. */
export const seg6LocalBpfAttrs = attrs('SEG6_LOCAL_BPF_PROG_', {
  prog: { nla: 1, codec: u32, name: 'SEG6_LOCAL_BPF_PROG' },
  name: { nla: 2, codec: cstring() },
}, { name: 'seg6-local-bpf-prog-attrs' });

/** `SEG6_LOCAL_CNT_*`: behaviour counters. */
export const seg6LocalCounterAttrs = attrs('SEG6_LOCAL_CNT_', {
  pad: { nla: 1, codec: binary() },
  packets: { nla: 2, codec: u64 },
  bytes: { nla: 3, codec: u64 },
  errors: { nla: 4, codec: u64 },
}, { name: 'seg6-local-counters-attrs' });

/** `SEG6_LOCAL_FLV_OP_*` as the bits of `SEG6_LOCAL_FLV_OPERATION` (bit n = operation n). */
export const seg6LocalFlavorOps = { psp: 1 << 1, usp: 1 << 2, usd: 1 << 3, nextCsid: 1 << 4 } as const;

/** `SEG6_LOCAL_FLV_*`: End behaviour flavours. */
export const seg6LocalFlavorAttrs = attrs('SEG6_LOCAL_FLV_', {
  operation: { nla: 1, codec: flagsOf(u32, seg6LocalFlavorOps) },
  lcblockBits: { nla: 2, codec: u8 },
  lcnodeFnBits: { nla: 3, codec: u8 },
}, { name: 'seg6-local-flavors-attrs' });

/** `SEG6_LOCAL_ACTION_*`: SRv6 behaviours. */
export const seg6LocalActions = {
  unspec: 0, end: 1, endX: 2, endT: 3, endDx2: 4, endDx6: 5, endDx4: 6, endDt6: 7, endDt4: 8,
  endB6: 9, endB6Encap: 10, endBm: 11, endS: 12, endAs: 13, endAm: 14, endBpf: 15, endDt46: 16,
} as const;

/** `SEG6_LOCAL_*` (`<linux/seg6_local.h>`): `encap seg6local`. */
export const seg6LocalAttrs = attrs('SEG6_LOCAL_', {
  action: { nla: 1, codec: enumOf(u32, seg6LocalActions) },
  srh: { nla: 2, codec: ipv6SrHdr },
  table: { nla: 3, codec: u32 },
  nh4: { nla: 4, codec: ipv4 },
  nh6: { nla: 5, codec: ipv6 },
  iif: { nla: 6, codec: u32 },
  oif: { nla: 7, codec: u32 },
  bpf: { nla: 8, codec: nest(seg6LocalBpfAttrs) },
  vrftable: { nla: 9, codec: u32 },
  counters: { nla: 10, codec: nest(seg6LocalCounterAttrs) },
  flavors: { nla: 11, codec: nest(seg6LocalFlavorAttrs) },
}, { name: 'seg6-local-attrs' });

// ---------------------------------------------------------------------------
// BPF, RPL, IOAM6, XFRM

/** `LWT_BPF_PROG_*`: one program (the kernel reports its name). */
export const lwtBpfProgAttrs = attrs('LWT_BPF_PROG_', {
  fd: { nla: 1, codec: u32 },
  name: { nla: 2, codec: cstring() },
}, { name: 'lwt-bpf-prog-attrs' });

/** `LWT_BPF_*`: `encap bpf`. */
export const lwtBpfAttrs = attrs('LWT_BPF_', {
  in: { nla: 1, codec: nest(lwtBpfProgAttrs) },
  out: { nla: 2, codec: nest(lwtBpfProgAttrs) },
  xmit: { nla: 3, codec: nest(lwtBpfProgAttrs) },
  xmitHeadroom: { nla: 4, codec: u32 },
}, { name: 'lwt-bpf-attrs' });

/** `RPL_IPTUNNEL_*` (`<linux/rpl_iptunnel.h>`): `encap rpl`; the compressed routing header stays bytes. */
export const rplIptunnelAttrs = attrs('RPL_IPTUNNEL_', {
  srh: { nla: 1, codec: binary() },
}, { name: 'rpl-iptunnel-attrs' });

/** `IOAM6_IPTUNNEL_*` (`<linux/ioam6_iptunnel.h>`): `encap ioam6`; the trace header (`struct ioam6_trace_hdr`) stays bytes. */
export const ioam6IptunnelAttrs = attrs('IOAM6_IPTUNNEL_', {
  mode: { nla: 1, codec: enumOf(u8, { inline: 1, encap: 2, auto: 3 }) },
  dst: { nla: 2, codec: ipv6 },
  trace: { nla: 3, codec: binary() },
  freqK: { nla: 4, codec: u32 },
  freqN: { nla: 5, codec: u32 },
  src: { nla: 6, codec: ipv6 },
}, { name: 'ioam6-iptunnel-attrs' });

/** `LWT_XFRM_*`: `encap xfrm`. */
export const lwtXfrmAttrs = attrs('LWT_XFRM_', {
  ifId: { nla: 1, codec: u32 },
  link: { nla: 2, codec: u32 },
}, { name: 'lwt-xfrm-attrs' });

/** The attribute set of each lightweight tunnel encapsulation (`RTA_ENCAP`), by its `encapType` name (`LWTUNNEL_ENCAP_MPLS` is `mpls`, ...). */
export const encapCases = {
  mpls: nest(mplsIptunnelAttrs),
  ip: nest(lwtIpAttrs),
  ila: nest(ilaAttrs),
  ip6: nest(lwtIp6Attrs),
  seg6: nest(seg6IptunnelAttrs),
  bpf: nest(lwtBpfAttrs),
  seg6Local: nest(seg6LocalAttrs),
  rpl: nest(rplIptunnelAttrs),
  ioam6: nest(ioam6IptunnelAttrs),
  xfrm: nest(lwtXfrmAttrs),
} as const;

/**
 * `RTA_ENCAP`/`NHA_ENCAP`: the encapsulation's attributes, chosen by the
 * sibling `encapType`; an unknown type stays bytes.
 */
export const lwtEncap = variant('encapType', encapCases);
