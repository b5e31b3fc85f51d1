/**
 * What the `get*` methods of `IPRoute` return, and the filters they take:
 * each filter field either travels to the kernel (where strict checking
 * lets it filter the dump) or is applied here, and every field is checked
 * here again, so results are right whether or not the kernel filtered.
 */
import type { MessageOf } from '@nlkit/core';
import {
  SpecError, checkSpec, ipFamilyNumber, neighStateBits, parsePrefix, routeProtocols, routeScopes, routeTypes, ruleActions, tableId,
  type IpFamily, type NeighState, type RouteProtocol, type RouteScope, type RouteTable, type RouteType, type RuleAction, type Rtnl,
} from '@nlkit/rtnl';

/** A device: its index, or its name (looked up with `RTM_GETLINK`). */
export type Iface = number | string;

/** A link (`RTM_NEWLINK`): `header` is `struct ifinfomsg`, `attrs` the `IFLA_*` attributes by friendly name. */
export type Link = MessageOf<Rtnl, 'RTM_NEWLINK'>;
/** An address (`RTM_NEWADDR`): `struct ifaddrmsg` and `IFA_*`. */
export type Address = MessageOf<Rtnl, 'RTM_NEWADDR'>;
/** A route (`RTM_NEWROUTE`): `struct rtmsg` and `RTA_*`. */
export type Route = MessageOf<Rtnl, 'RTM_NEWROUTE'>;
/** A rule (`RTM_NEWRULE`): `struct fib_rule_hdr` and `FRA_*`. */
export type Rule = MessageOf<Rtnl, 'RTM_NEWRULE'>;
/** A neighbour or FDB entry (`RTM_NEWNEIGH`): `struct ndmsg` and `NDA_*`. */
export type Neighbour = MessageOf<Rtnl, 'RTM_NEWNEIGH'>;

/** A filter: an object of fields to match, or a predicate. */
export type Filter<F, M> = F | ((m: M) => boolean);

/** Link fields to match. `master` and `kind` filter in the kernel. */
export interface LinkFilter {
  /** `ifi_index`. */
  index?: number;
  /** `IFLA_IFNAME`. */
  ifname?: string;
  /** `IFLA_INFO_KIND`: `veth`, `bridge`, ... */
  kind?: string;
  /** The master device (a bridge, a bond, a VRF). */
  master?: Iface;
  /** `IFLA_ADDRESS`, in any case. */
  address?: string;
  /** `IFLA_MTU`. */
  mtu?: number;
  /** Administrative state: `IFF_UP` in `ifi_flags`. */
  state?: 'up' | 'down';
  /** `IFLA_OPERSTATE`: `up`, `down`, `lowerlayerdown`, ... */
  operstate?: string;
  /** One of the device's alternative names. */
  altname?: string;
}

/** Address fields to match. `index` and `family` filter in the kernel. */
export interface AddrFilter {
  /** The device (`ifa_index`). */
  index?: Iface;
  /** `ifa_family`. */
  family?: IpFamily;
  /** `IFA_LOCAL` or `IFA_ADDRESS`; with a `/len`, the prefix length too. */
  address?: string;
  /** `IFA_LOCAL`. */
  local?: string;
  /** `ifa_prefixlen`. */
  prefixlen?: number;
  /** `IFA_LABEL`. */
  label?: string;
  /** `ifa_scope`: a name (`host`, `link`, `global`, ...) or its number. */
  scope?: RouteScope | number;
}

/** Route fields to match. `family`, `table`, `oif`, `protocol` and `type` filter in the kernel. */
export interface RouteFilter {
  /** `rtm_family`. */
  family?: IpFamily;
  /** The table (`RTA_TABLE`, else `rtm_table`): a name (`main`, `local`) or an id. */
  table?: RouteTable;
  /** The output device, of the route or of one of its next hops. */
  oif?: Iface;
  /** `rtm_protocol` (`RTPROT_*`): a name (`kernel`, `boot`, `static`, ...) or its number. */
  protocol?: RouteProtocol | number;
  /** `rtm_type` (`RTN_*`): a name (`unicast`, `local`, `blackhole`, ...) or its number. */
  type?: RouteType | number;
  /** `'default'` or a prefix (`'10.0.0.0/24'`; a bare address is a host prefix). */
  dst?: string;
  /** `RTA_GATEWAY`, `RTA_VIA`, or the gateway of one of the next hops. */
  gateway?: string;
  /** `RTA_PRIORITY` (the metric). */
  priority?: number;
  /** `rtm_scope` (`RT_SCOPE_*`): a name or its number. */
  scope?: RouteScope | number;
  /** `RTA_PREFSRC`: the preferred source address. */
  prefsrc?: string;
}

/** Rule fields to match. `family` filters in the kernel. */
export interface RuleFilter {
  /** `fib_rule_hdr.family`. */
  family?: IpFamily;
  /** `FRA_PRIORITY` (0 when absent). */
  priority?: number;
  /** The table (`FRA_TABLE`, else `fib_rule_hdr.table`): a name or an id. */
  table?: RouteTable;
  /** `fib_rule_hdr.action` (`FR_ACT_*`): a name (`to_tbl`, `blackhole`, ...) or its number. */
  action?: RuleAction | number;
  /** `'all'` or a prefix. */
  src?: string;
  /** `'all'` or a prefix. */
  dst?: string;
  /** `FRA_IIFNAME`: the input device's name. */
  iif?: string;
  /** `FRA_OIFNAME`: the output device's name. */
  oif?: string;
  /** `FRA_FWMARK`. */
  fwmark?: number;
}

/** Neighbour fields to match. `family`, `index`, `master` and `proxy` filter in the kernel. */
export interface NeighFilter {
  /** `ndm_family`. */
  family?: IpFamily;
  /** The device (`ndm_ifindex`). */
  index?: Iface;
  /** `NDA_MASTER`: the master device (a bridge, a VRF). */
  master?: Iface;
  /** Proxy entries only (`NTF_PROXY`). */
  proxy?: boolean;
  /** `NDA_DST`: the neighbour's address. */
  dst?: string;
  /** `NDA_LLADDR`, in any case. */
  lladdr?: string;
  /** Entries with this `NUD_*` state bit (`'none'`: no bit). */
  state?: NeighState;
}

/** FDB fields to match. `index` and `master` filter in the kernel. */
export interface FdbFilter {
  /** The port or VXLAN device. */
  index?: Iface;
  /** The bridge. */
  master?: Iface;
  /** `NDA_LLADDR`: the MAC address, in any case. */
  lladdr?: string;
  /** `NDA_VLAN`: the VLAN id. */
  vlan?: number;
  /** A VXLAN remote. */
  dst?: string;
  /** `NDA_VNI`: the VXLAN network identifier. */
  vni?: number;
}

/** Bridge-port VLAN filter: one device. */
export interface VlanFilter {
  /** The bridge port (`ifi_index`). */
  index?: Iface;
}

/** How each filter field is matched against a message. */
type Matchers<M, F> = { [K in keyof F]-?: (m: M, want: Exclude<F[K], undefined>) => boolean };

/** The fields `keys` of a filter that are set: the part of it that travels to the kernel. */
export function pick<F extends object, K extends keyof F>(f: F, keys: readonly K[]): Pick<F, K> {
  const out = {} as Pick<F, K>;
  for (const k of keys) if (f[k] !== undefined) out[k] = f[k];
  return out;
}

function matchAll<M, F extends object>(m: M, filter: F, matchers: Matchers<M, F>): boolean {
  for (const k of Object.keys(filter) as (keyof F)[]) {
    const want = filter[k];
    if (want !== undefined && !matchers[k](m, want as Exclude<F[keyof F], undefined>)) return false;
  }
  return true;
}

/** Checks a filter's fields (an unknown one is a `SpecError`) and returns a predicate for them. */
function compile<M, F extends object>(what: string, filter: F, matchers: Matchers<M, F>): (m: M) => boolean {
  checkSpec(filter, Object.keys(matchers), [`${what} filter`]);
  return (m) => matchAll(m, filter, matchers);
}

const sameMac = (a: unknown, b: string): boolean => typeof a === 'string' && a.toLowerCase() === b.toLowerCase();
const family = (want: IpFamily): number => ipFamilyNumber(want, ['filter', 'family']);

/** `dst`/`src` of a route or rule: `'default'`/`'all'`, or a prefix. */
function prefixMatch(addr: unknown, len: number, want: string, any: string, field: string): boolean {
  if (want === any) return len === 0;
  const p = parsePrefix(want, ['filter', field]);
  return len === p.prefixlen && (p.prefixlen === 0 || addr === p.address);
}

/**
 * A link's kind (`IFLA_LINKINFO` → `IFLA_INFO_KIND`): `veth`, `bridge`, ...; undefined for devices without one (`lo`, `eth0`).
 *
 * ```ts
 * const bridges = (await ipr.getLinks()).filter((l) => linkKind(l) === 'bridge');
 * ```
 */
export function linkKind(link: Link): string | undefined {
  return (link.attrs.linkinfo as { kind?: string } | undefined)?.kind;
}

const linkMatchers: Matchers<Link, LinkFilter> = {
  index: (m, w) => m.header.index === w,
  ifname: (m, w) => m.attrs.ifname === w,
  kind: (m, w) => linkKind(m) === w,
  master: (m, w) => m.attrs.master === w,
  address: (m, w) => sameMac(m.attrs.address, w),
  mtu: (m, w) => m.attrs.mtu === w,
  state: (m, w) => ((m.header.flags & 1) === 1 ? 'up' : 'down') === w,
  operstate: (m, w) => m.attrs.operstate === w,
  altname: (m, w) => (m.attrs.propList?.altIfname ?? []).includes(w),
};

const addrMatchers: Matchers<Address, AddrFilter> = {
  index: (m, w) => m.header.index === w,
  family: (m, w) => m.header.family === family(w),
  address: (m, w) => {
    const p = parsePrefix(w, ['filter', 'address']);
    return (m.attrs.local === p.address || m.attrs.address === p.address) && (!w.includes('/') || m.header.prefixlen === p.prefixlen);
  },
  local: (m, w) => m.attrs.local === w,
  prefixlen: (m, w) => m.header.prefixlen === w,
  label: (m, w) => m.attrs.label === w,
  scope: (m, w) => m.header.scope === (typeof w === 'number' ? w : routeScopes[w]),
};

/** One VLAN of a bridge port (`struct bridge_vlan_info`): its id and `BRIDGE_VLAN_INFO_*` flags (`pvid`, `untagged`, `rangeBegin`, ...). */
export interface BridgeVlan {
  /** `vid`: the VLAN id. */
  vid: number;
  /** `flags`: the `BRIDGE_VLAN_INFO_*` bits by name, unnamed bits as numbers. */
  flags: (string | number)[];
}

/**
 * The VLANs of a bridge port from an `AF_BRIDGE` link message (`IFLA_AF_SPEC`
 * → `IFLA_BRIDGE_VLAN_INFO`), as `IPRoute.getVlans` returns them.
 *
 * ```ts
 * for (const port of await ipr.getVlans()) console.log(port.attrs.ifname, bridgeVlans(port).map((v) => v.vid));
 * ```
 */
export function bridgeVlans(port: Link): BridgeVlan[] {
  const spec = port.attrs.afSpec as { vlanInfo?: BridgeVlan[] } | undefined;
  return spec?.vlanInfo ?? [];
}

/**
 * The table of a route or rule: `RTA_TABLE`/`FRA_TABLE` when present (ids
 * above 255 are only there), else `rtm_table`/`fib_rule_hdr.table`.
 *
 * ```ts
 * const inTable1000 = (await ipr.getRoutes()).filter((r) => tableOf(r) === 1000);
 * ```
 */
export function tableOf(m: { header: { table: number }; attrs: { table?: number } }): number {
  return m.attrs.table ?? m.header.table;
}

const routeMatchers: Matchers<Route, RouteFilter> = {
  family: (m, w) => m.header.family === family(w),
  table: (m, w) => tableOf(m) === tableId(w, ['filter', 'table']),
  oif: (m, w) => m.attrs.oif === w || (m.attrs.multipath ?? []).some((nh) => nh.ifindex === w),
  protocol: (m, w) => m.header.protocol === (typeof w === 'number' ? w : routeProtocols[w]),
  type: (m, w) => m.header.type === (typeof w === 'number' ? w : routeTypes[w]),
  dst: (m, w) => prefixMatch(m.attrs.dst, m.header.dstLen, w, 'default', 'dst'),
  gateway: (m, w) => m.attrs.gateway === w || m.attrs.via?.addr === w || (m.attrs.multipath ?? []).some((nh) => nh.attrs.gateway === w || nh.attrs.via?.addr === w),
  priority: (m, w) => (m.attrs.priority ?? 0) === w,
  scope: (m, w) => m.header.scope === (typeof w === 'number' ? w : routeScopes[w]),
  prefsrc: (m, w) => m.attrs.prefsrc === w,
};

const ruleMatchers: Matchers<Rule, RuleFilter> = {
  family: (m, w) => m.header.family === family(w),
  priority: (m, w) => (m.attrs.priority ?? 0) === w,
  table: (m, w) => tableOf(m) === tableId(w, ['filter', 'table']),
  action: (m, w) => m.header.action === (typeof w === 'number' ? w : ruleActions[w === 'to_tbl' ? 'toTbl' : w]),
  src: (m, w) => prefixMatch(m.attrs.src, m.header.srcLen, w, 'all', 'src'),
  dst: (m, w) => prefixMatch(m.attrs.dst, m.header.dstLen, w, 'all', 'dst'),
  iif: (m, w) => m.attrs.iifname === w,
  oif: (m, w) => m.attrs.oifname === w,
  fwmark: (m, w) => m.attrs.fwmark === w,
};

const neighMatchers: Matchers<Neighbour, NeighFilter> = {
  family: (m, w) => m.header.family === family(w),
  index: (m, w) => m.header.ifindex === w,
  master: (m, w) => m.attrs.master === w,
  proxy: (m, w) => ((m.header.flags & 0x08) !== 0) === w,
  dst: (m, w) => m.attrs.dst === w,
  lladdr: (m, w) => sameMac(m.attrs.lladdr, w),
  state: (m, w) => {
    const bits = neighStateBits(w, ['filter', 'state']);
    return bits === 0 ? m.header.state === 0 : (m.header.state & bits) !== 0;
  },
};

const fdbMatchers: Matchers<Neighbour, FdbFilter> = {
  index: (m, w) => m.header.ifindex === w,
  master: (m, w) => m.attrs.master === w,
  lladdr: (m, w) => sameMac(m.attrs.lladdr, w),
  vlan: (m, w) => m.attrs.vlan === w,
  dst: (m, w) => m.attrs.dst === w,
  vni: (m, w) => m.attrs.vni === w,
};

const vlanMatchers: Matchers<Link, VlanFilter> = {
  index: (m, w) => m.header.index === w,
};

/** Predicates for each kind of object, from filters whose device names are already indices. */
export const predicates = {
  link: (f: LinkFilter) => compile('link', f, linkMatchers),
  addr: (f: AddrFilter) => compile('address', f, addrMatchers),
  route: (f: RouteFilter) => compile('route', f, routeMatchers),
  rule: (f: RuleFilter) => compile('rule', f, ruleMatchers),
  neigh: (f: NeighFilter) => compile('neigh', f, neighMatchers),
  fdb: (f: FdbFilter) => compile('fdb', f, fdbMatchers),
  vlan: (f: VlanFilter) => compile('vlan', f, vlanMatchers),
};

/** Throws the error for a filter that is neither an object nor a function. */
export function badFilter(what: string, f: unknown): never {
  throw new SpecError(`expected a filter object or a predicate, got ${typeof f}`, [`${what} filter`]);
}
