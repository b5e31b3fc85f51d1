/**
 * The six kinds of objects a view holds, as the store sees them: which
 * messages carry them, how they are keyed, when two records are the same
 * kernel object, and their common fields read straight from the bytes.
 */
import { HOST_LE, decodeMessageAt, encodeMessage, parseIPv4, parseIPv6, type AnyMessage } from '@nlkit/core';
import { routeRequest, rtnl, type RouteSpec, type Rtnl } from '@nlkit/rtnl';
import {
  attrIp, attrMac, attrString, attrU32, findAttr, findNested, found, ipText, putU32, sameAttr, sameBytes, sameRecord, type Loc,
} from './bytes.js';
import {
  AF_BRIDGE, AF_INET, AF_INET6, AF_UNSPEC, FRA, HDR, IFA, IFLA, IFLA_INFO, NDA, NTF, RTA, RTM, RTM_F_CLONED,
} from './constants.js';
import type { Keying } from './table.js';

/** The kinds of objects: `interface` (links), `address`, `route`, `rule`, `neighbour` (ARP/NDP) and `fdb` (bridge forwarding entries). */
export type ObjectKind = 'interface' | 'address' | 'route' | 'rule' | 'neighbour' | 'fdb';

/** Every kind, in load order (interfaces first: the others refer to them). */
export const KINDS: readonly ObjectKind[] = ['interface', 'address', 'route', 'rule', 'neighbour', 'fdb'];

/** How the store handles one kind. */
export interface KindDef extends Keying {
  readonly kind: ObjectKind;
  /** `RTM_NEW*` and `RTM_DEL*`. */
  readonly newType: number;
  readonly delType: number;
  /** Size of the fixed header. */
  readonly hdr: number;
  /** Whether a message of this kind's types belongs to it (the family, mostly). */
  accepts(r: Loc): boolean;
  /** Given equal keys: the same kernel object. */
  same(a: Loc, b: Loc): boolean;
}

const u8 = (r: Loc, at: number): number => r.b[r.off + at]!;
const u32 = (r: Loc, at: number): number => r.v.getUint32(r.off + at, HOST_LE);
const s32 = (r: Loc, at: number): number => r.v.getInt32(r.off + at, HOST_LE);

/** Appends attribute `type`'s bytes as `length, bytes...` (length 0 when absent). */
function putVar(out: Uint8Array, at: number, r: Loc, hdr: number, type: number, max = 16): number {
  const a = findAttr(r, hdr, type);
  const len = a < 0 ? 0 : Math.min(found.len, max);
  out[at++] = len;
  if (len) out.set(r.b.subarray(a, a + len), at);
  return at + len;
}

// ---------------------------------------------------------------------------
// Field accessors (payload bytes)

export const link = {
  family: (r: Loc): number => u8(r, 0),
  index: (r: Loc): number => s32(r, 4),
  flags: (r: Loc): number => u32(r, 8),
  ifname: (r: Loc): string | undefined => attrString(r, HDR.link, IFLA.IFNAME),
  mtu: (r: Loc): number | undefined => {
    const v = attrU32(r, HDR.link, IFLA.MTU, -1);
    return v < 0 ? undefined : v;
  },
  master: (r: Loc): number => attrU32(r, HDR.link, IFLA.MASTER, 0),
  link: (r: Loc): number => attrU32(r, HDR.link, IFLA.LINK, 0),
  address: (r: Loc): string | undefined => attrMac(r, HDR.link, IFLA.ADDRESS),
  kind: (r: Loc): string | undefined => {
    const at = findAttr(r, HDR.link, IFLA.LINKINFO);
    if (at < 0) return undefined;
    const k = findNested(r, at, found.len, IFLA_INFO.KIND);
    if (k < 0) return undefined;
    let end = k;
    const stop = k + found.len;
    while (end < stop && r.b[end] !== 0) end++;
    return String.fromCharCode(...r.b.subarray(k, end));
  },
};

export const addr = {
  family: (r: Loc): number => u8(r, 0),
  prefixlen: (r: Loc): number => u8(r, 1),
  scope: (r: Loc): number => u8(r, 3),
  index: (r: Loc): number => s32(r, 4),
  /** `IFA_LOCAL`, else `IFA_ADDRESS` (IPv6 has only the latter). */
  local: (r: Loc): string | undefined => attrIp(r, HDR.addr, IFA.LOCAL) ?? attrIp(r, HDR.addr, IFA.ADDRESS),
  address: (r: Loc): string | undefined => attrIp(r, HDR.addr, IFA.ADDRESS) ?? attrIp(r, HDR.addr, IFA.LOCAL),
  label: (r: Loc): string | undefined => attrString(r, HDR.addr, IFA.LABEL),
  broadcast: (r: Loc): string | undefined => attrIp(r, HDR.addr, IFA.BROADCAST),
};

export const route = {
  family: (r: Loc): number => u8(r, 0),
  dstLen: (r: Loc): number => u8(r, 1),
  srcLen: (r: Loc): number => u8(r, 2),
  tos: (r: Loc): number => u8(r, 3),
  table: (r: Loc): number => attrU32(r, HDR.route, RTA.TABLE, u8(r, 4)),
  protocol: (r: Loc): number => u8(r, 5),
  scope: (r: Loc): number => u8(r, 6),
  type: (r: Loc): number => u8(r, 7),
  flags: (r: Loc): number => u32(r, 8),
  dst: (r: Loc): string | undefined => attrIp(r, HDR.route, RTA.DST),
  src: (r: Loc): string | undefined => attrIp(r, HDR.route, RTA.SRC),
  priority: (r: Loc): number => attrU32(r, HDR.route, RTA.PRIORITY, 0),
  oif: (r: Loc): number => attrU32(r, HDR.route, RTA.OIF, 0),
  gateway: (r: Loc): string | undefined => {
    const g = attrIp(r, HDR.route, RTA.GATEWAY);
    if (g !== undefined) return g;
    const at = findAttr(r, HDR.route, RTA.VIA);
    if (at < 0 || found.len < 2) return undefined;
    return ipText(r.v, at + 2, found.len - 2);
  },
  prefsrc: (r: Loc): string | undefined => attrIp(r, HDR.route, RTA.PREFSRC),
  /** The next hops of `RTA_MULTIPATH`: device index and gateway of each. */
  nexthops: (r: Loc): { ifindex: number; gateway?: string; hops: number; flags: number }[] => {
    const at = findAttr(r, HDR.route, RTA.MULTIPATH);
    if (at < 0) return [];
    const out: { ifindex: number; gateway?: string; hops: number; flags: number }[] = [];
    const end = at + found.len;
    for (let pos = at; end - pos >= 8; ) {
      const len = r.v.getUint16(pos, HOST_LE);
      if (len < 8 || len > end - pos) break;
      const nh: { ifindex: number; gateway?: string; hops: number; flags: number } = {
        flags: r.b[pos + 2]!,
        hops: r.b[pos + 3]!,
        ifindex: r.v.getInt32(pos + 4, HOST_LE),
      };
      const sub: Loc = { b: r.b, v: r.v, off: pos + 8, len: len - 8 };
      const gw = attrIp(sub, 0, RTA.GATEWAY);
      if (gw !== undefined) nh.gateway = gw;
      else {
        const via = findAttr(sub, 0, RTA.VIA);
        if (via >= 0 && found.len > 2) nh.gateway = ipText(r.v, via + 2, found.len - 2);
      }
      out.push(nh);
      pos += (len + 3) & ~3;
    }
    return out;
  },
  /** Every device index the route goes out of: `RTA_OIF` and the next hops'. */
  oifs: (r: Loc): number[] => {
    const o = route.oif(r);
    const list = o ? [o] : [];
    for (const nh of route.nexthops(r)) if (nh.ifindex && !list.includes(nh.ifindex)) list.push(nh.ifindex);
    return list;
  },
};

export const rule = {
  family: (r: Loc): number => u8(r, 0),
  dstLen: (r: Loc): number => u8(r, 1),
  srcLen: (r: Loc): number => u8(r, 2),
  tos: (r: Loc): number => u8(r, 3),
  table: (r: Loc): number => attrU32(r, HDR.rule, FRA.TABLE, u8(r, 4)),
  action: (r: Loc): number => u8(r, 7),
  flags: (r: Loc): number => u32(r, 8),
  priority: (r: Loc): number => attrU32(r, HDR.rule, FRA.PRIORITY, 0),
};

export const neigh = {
  family: (r: Loc): number => u8(r, 0),
  ifindex: (r: Loc): number => s32(r, 4),
  state: (r: Loc): number => r.v.getUint16(r.off + 8, HOST_LE),
  flags: (r: Loc): number => u8(r, 10),
  type: (r: Loc): number => u8(r, 11),
  dst: (r: Loc): string | undefined => attrIp(r, HDR.neigh, NDA.DST),
  lladdr: (r: Loc): string | undefined => attrMac(r, HDR.neigh, NDA.LLADDR),
  master: (r: Loc): number => attrU32(r, HDR.neigh, NDA.MASTER, 0),
  vlan: (r: Loc): number | undefined => {
    const at = findAttr(r, HDR.neigh, NDA.VLAN);
    return at < 0 ? undefined : r.v.getUint16(at, HOST_LE);
  },
  vni: (r: Loc): number | undefined => {
    const v = attrU32(r, HDR.neigh, NDA.VNI, -1);
    return v < 0 ? undefined : v;
  },
};

// ---------------------------------------------------------------------------
// Kind definitions

const linkDef: KindDef = {
  kind: 'interface',
  newType: RTM.NEWLINK,
  delType: RTM.DELLINK,
  hdr: HDR.link,
  // Bridge port notifications (AF_BRIDGE) share the message types; only the device itself (AF_UNSPEC) is a link.
  accepts: (r) => r.len >= HDR.link && u8(r, 0) === AF_UNSPEC,
  key: (r, out) => putU32(out, 0, s32(r, 4)),
  same: () => true,
};

const addrDef: KindDef = {
  kind: 'address',
  newType: RTM.NEWADDR,
  delType: RTM.DELADDR,
  hdr: HDR.addr,
  accepts: (r) => r.len >= HDR.addr && (u8(r, 0) === AF_INET || u8(r, 0) === AF_INET6),
  key: (r, out) => {
    out[0] = u8(r, 0);
    out[1] = u8(r, 1);
    let at = putU32(out, 2, s32(r, 4));
    at = putVar(out, at, r, HDR.addr, IFA.LOCAL);
    return putVar(out, at, r, HDR.addr, IFA.ADDRESS);
  },
  same: () => true,
};

const routeDef: KindDef = {
  kind: 'route',
  newType: RTM.NEWROUTE,
  delType: RTM.DELROUTE,
  hdr: HDR.route,
  accepts: (r) => r.len >= HDR.route && (u8(r, 0) === AF_INET || u8(r, 0) === AF_INET6) && (u32(r, 8) & RTM_F_CLONED) === 0,
  key: (r, out) => {
    out[0] = u8(r, 0);
    out[1] = u8(r, 1);
    const at = putU32(out, 2, route.table(r));
    // A default route has no destination (the kernel sends no RTA_DST for /0; ignore one if present).
    if (u8(r, 1) === 0) {
      out[at] = 0;
      return at + 1;
    }
    return putVar(out, at, r, HDR.route, RTA.DST);
  },
  // The kernel's identity of a route within a prefix: TOS and metric (and, for IPv6, the source prefix and the next-hop class).
  same: (a, b) =>
    u8(a, 3) === u8(b, 3) &&
    route.priority(a) === route.priority(b) &&
    u8(a, 2) === u8(b, 2) &&
    sameAttr(a, b, HDR.route, RTA.SRC) &&
    (u8(a, 0) !== AF_INET6 || v6Class(a) === v6Class(b)),
};

const RTA_EXPIRES = 23;

/**
 * What tells IPv6 routes of one prefix and metric apart: routes through a
 * gateway are siblings of one multipath route (the kernel merges them and
 * reports them together), unless they expire (learnt from router
 * advertisements); routes without a gateway are one per device.
 */
function v6Class(r: Loc): string {
  if (findAttr(r, HDR.route, RTA.MULTIPATH) >= 0) return 'ecmp';
  const gw = route.gateway(r);
  if (gw !== undefined) return findAttr(r, HDR.route, RTA_EXPIRES) >= 0 ? `ra ${gw}` : 'ecmp';
  return `dev ${route.oif(r)} ${u8(r, 7)}`;
}

/** Same next hops: type, gateway, device, `RTA_VIA`, `RTA_MULTIPATH`, `RTA_NH_ID`. Tells IPv4 aliases of one key apart. */
export function sameNexthops(a: Loc, b: Loc): boolean {
  return (
    u8(a, 7) === u8(b, 7) &&
    sameAttr(a, b, HDR.route, RTA.GATEWAY) &&
    sameAttr(a, b, HDR.route, RTA.OIF) &&
    sameAttr(a, b, HDR.route, RTA.VIA) &&
    sameAttr(a, b, HDR.route, RTA.MULTIPATH) &&
    sameAttr(a, b, HDR.route, RTA.NH_ID)
  );
}

const ruleDef: KindDef = {
  kind: 'rule',
  newType: RTM.NEWRULE,
  delType: RTM.DELRULE,
  hdr: HDR.rule,
  accepts: (r) => r.len >= HDR.rule && (u8(r, 0) === AF_INET || u8(r, 0) === AF_INET6),
  key: (r, out) => {
    out[0] = u8(r, 0);
    return putU32(out, 1, rule.priority(r));
  },
  // The kernel has no key for rules: a rule is all of its selectors and action.
  same: (a, b) => sameRecord(a, b),
};

/** `NUD_NOARP`. */
const NUD_NOARP = 0x40;

/**
 * A neighbour entry the kernel makes for itself when it sends to a
 * multicast or broadcast address (state `NOARP`, a multicast or all-ones
 * link-layer address). It never announces those, so a view fed by events
 * could only hold the ones a dump happened to see: they are left out.
 */
function automatic(r: Loc): boolean {
  if (r.v.getUint16(r.off + 8, HOST_LE) !== NUD_NOARP) return false;
  const at = findAttr(r, HDR.neigh, NDA.LLADDR);
  if (at < 0 || found.len === 0) return false;
  if ((r.b[at]! & 1) === 1) return true; // multicast (and broadcast) MACs have the group bit
  return false;
}

const neighDef: KindDef = {
  kind: 'neighbour',
  newType: RTM.NEWNEIGH,
  delType: RTM.DELNEIGH,
  hdr: HDR.neigh,
  accepts: (r) => r.len >= HDR.neigh && (u8(r, 0) === AF_INET || u8(r, 0) === AF_INET6) && !automatic(r),
  key: (r, out) => {
    out[0] = u8(r, 0);
    out[1] = u8(r, 10) & NTF.PROXY ? 1 : 0;
    const at = putU32(out, 2, s32(r, 4));
    return putVar(out, at, r, HDR.neigh, NDA.DST);
  },
  same: () => true,
};

/**
 * An entry of a device's own unicast or multicast address list, which
 * `bridge fdb show` lists for devices that are no bridge port (`self
 * permanent`, no bridge, no remote): the kernel never announces changes to
 * those lists, so they are left out.
 */
function addressListEntry(r: Loc): boolean {
  return (u8(r, 10) & (NTF.SELF | NTF.MASTER)) === NTF.SELF && findAttr(r, HDR.neigh, NDA.MASTER) < 0 && findAttr(r, HDR.neigh, NDA.DST) < 0 && r.v.getUint16(r.off + 8, HOST_LE) === 0x80;
}

const fdbDef: KindDef = {
  kind: 'fdb',
  newType: RTM.NEWNEIGH,
  delType: RTM.DELNEIGH,
  hdr: HDR.neigh,
  accepts: (r) => r.len >= HDR.neigh && u8(r, 0) === AF_BRIDGE && !addressListEntry(r),
  key: (r, out) => {
    let at = putU32(out, 0, s32(r, 4));
    out[at++] = u8(r, 10) & NTF.SELF;
    at = putVar(out, at, r, HDR.neigh, NDA.LLADDR, 20);
    at = putVar(out, at, r, HDR.neigh, NDA.VLAN, 2);
    at = putVar(out, at, r, HDR.neigh, NDA.DST);
    at = putVar(out, at, r, HDR.neigh, NDA.VNI, 4);
    return putVar(out, at, r, HDR.neigh, NDA.SRC_VNI, 4);
  },
  same: () => true,
};

export const KIND_DEFS: Readonly<Record<ObjectKind, KindDef>> = {
  interface: linkDef,
  address: addrDef,
  route: routeDef,
  rule: ruleDef,
  neighbour: neighDef,
  fdb: fdbDef,
};

/** The kind a message belongs to, by its type and (for neighbours) family; undefined for anything else. */
export function kindOfMessage(type: number, r: Loc): KindDef | undefined {
  switch (type) {
    case RTM.NEWLINK:
    case RTM.DELLINK:
      return linkDef.accepts(r) ? linkDef : undefined;
    case RTM.NEWADDR:
    case RTM.DELADDR:
      return addrDef.accepts(r) ? addrDef : undefined;
    case RTM.NEWROUTE:
    case RTM.DELROUTE:
      return routeDef.accepts(r) ? routeDef : undefined;
    case RTM.NEWRULE:
    case RTM.DELRULE:
      return ruleDef.accepts(r) ? ruleDef : undefined;
    case RTM.NEWNEIGH:
    case RTM.DELNEIGH:
      return fdbDef.accepts(r) ? fdbDef : neighDef.accepts(r) ? neighDef : undefined;
    default:
      return undefined;
  }
}

// ---------------------------------------------------------------------------
// Storage and decoding

/**
 * The bytes to store for a record: links lose their counters (`IFLA_STATS`,
 * `IFLA_STATS64`: stale as soon as they are read, and a third of a link's
 * bytes); everything else is kept as the kernel sent it.
 */
export function storable(def: KindDef, r: Loc): Loc {
  if (def !== linkDef) return r;
  const end = r.off + r.len;
  let strip = 0;
  for (let pos = r.off + HDR.link; end - pos >= 4; ) {
    const alen = r.v.getUint16(pos, HOST_LE);
    if (alen < 4 || alen > end - pos) break;
    const t = r.v.getUint16(pos + 2, HOST_LE) & 0x3fff;
    if (t === IFLA.STATS || t === IFLA.STATS64) strip += (alen + 3) & ~3;
    pos += (alen + 3) & ~3;
  }
  if (strip === 0) return r;
  const out = new Uint8Array(r.len - strip);
  out.set(r.b.subarray(r.off, r.off + HDR.link), 0);
  let w = HDR.link;
  for (let pos = r.off + HDR.link; end - pos >= 4; ) {
    const alen = r.v.getUint16(pos, HOST_LE);
    if (alen < 4 || alen > end - pos) break;
    const t = r.v.getUint16(pos + 2, HOST_LE) & 0x3fff;
    const step = Math.min((alen + 3) & ~3, end - pos);
    if (t !== IFLA.STATS && t !== IFLA.STATS64) {
      out.set(r.b.subarray(pos, pos + step), w);
      w += step;
    }
    pos += step;
  }
  return { b: out, v: new DataView(out.buffer), off: 0, len: w };
}

/** Decodes a stored payload as a message of `type`, with the rtnl schemas. */
export function decodePayload(type: number, r: Loc): AnyMessage<Rtnl> {
  const buf = new Uint8Array(16 + r.len);
  const v = new DataView(buf.buffer);
  v.setUint32(0, buf.length, HOST_LE);
  v.setUint16(4, type, HOST_LE);
  buf.set(r.b.subarray(r.off, r.off + r.len), 16);
  return decodeMessageAt(rtnl, v, 0);
}

// ---------------------------------------------------------------------------
// Probes: payloads that carry just the key fields, to look records up by

function payload(header: Uint8Array, attrs: [number, Uint8Array][]): Uint8Array {
  let len = header.length;
  for (const [, b] of attrs) len += (4 + b.length + 3) & ~3;
  const out = new Uint8Array(len);
  const v = new DataView(out.buffer);
  out.set(header, 0);
  let at = header.length;
  for (const [t, b] of attrs) {
    v.setUint16(at, 4 + b.length, HOST_LE);
    v.setUint16(at + 2, t, HOST_LE);
    out.set(b, at + 4);
    at += (4 + b.length + 3) & ~3;
  }
  return out;
}

function u32Bytes(n: number): Uint8Array {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setUint32(0, n >>> 0, HOST_LE);
  return b;
}

/** The bytes of an IPv4 or IPv6 address, or undefined. */
export function ipBytes(text: string): Uint8Array | undefined {
  return parseIPv4(text) ?? parseIPv6(text);
}

export const probe = {
  link(index: number): Uint8Array {
    const h = new Uint8Array(HDR.link);
    new DataView(h.buffer).setInt32(4, index, HOST_LE);
    return h;
  },
  route(family: number, table: number, dstLen: number, dst: Uint8Array | undefined): Uint8Array {
    const h = new Uint8Array(HDR.route);
    h[0] = family;
    h[1] = dstLen;
    h[4] = table < 256 ? table : 0;
    const attrs: [number, Uint8Array][] = [[RTA.TABLE, u32Bytes(table)]];
    if (dst) attrs.push([RTA.DST, dst]);
    return payload(h, attrs);
  },
  neigh(family: number, ifindex: number, dst: Uint8Array, proxy = false): Uint8Array {
    const h = new Uint8Array(HDR.neigh);
    h[0] = family;
    h[10] = proxy ? NTF.PROXY : 0;
    new DataView(h.buffer).setInt32(4, ifindex, HOST_LE);
    return payload(h, [[NDA.DST, dst]]);
  },
  addr(family: number, prefixlen: number, index: number, local: Uint8Array | undefined, address: Uint8Array): Uint8Array {
    const h = new Uint8Array(HDR.addr);
    h[0] = family;
    h[1] = prefixlen;
    new DataView(h.buffer).setInt32(4, index, HOST_LE);
    const attrs: [number, Uint8Array][] = [];
    attrs.push([IFA.ADDRESS, address]);
    if (local) attrs.push([IFA.LOCAL, local]);
    return payload(h, attrs);
  },
  rule(family: number, priority: number): Uint8Array {
    const h = new Uint8Array(HDR.rule);
    h[0] = family;
    return payload(h, [[FRA.PRIORITY, u32Bytes(priority)]]);
  },
};

/** A `Loc` over a whole byte array. */
export function locOf(b: Uint8Array): Loc {
  return { b, v: new DataView(b.buffer, b.byteOffset, b.byteLength), off: 0, len: b.length };
}

/** True when two records' payloads are equal. */
export { sameRecord, sameBytes };

/** The metric the kernel gives an IPv6 route added without one (`IP6_RT_PRIO_USER`). */
const IP6_RT_PRIO_USER = 1024;

/** The identity payload of the route a spec makes (family, table, prefix, metric, TOS, next hops as given). */
export function routeId(spec: RouteSpec): Uint8Array {
  let req = routeRequest('add', spec);
  const m = req.message as unknown as { header: { family: number }; attrs: { priority?: number } };
  if (m.header.family === AF_INET6 && m.attrs.priority === undefined) req = routeRequest('add', { ...spec, priority: IP6_RT_PRIO_USER, metric: undefined });
  return encodeMessage(rtnl, req.message as never).subarray(16);
}
