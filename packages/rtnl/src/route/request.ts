/**
 * Request builders for routes (`RTM_NEWROUTE`/`RTM_DELROUTE`/`RTM_GETROUTE`),
 * with iproute2's defaults: table `main`, protocol `boot`, type `unicast`,
 * and the scope `ip route` picks (`link` for a unicast route without a
 * gateway, `host` for a local one, `universe` otherwise).
 */
import { describe, type AttrInput, type Input, type InputOf } from '@nlkit/core';
import {
  AF_INET, AF_INET6, NEW_FLAGS, SpecError, checkSpec, ifindexField, intField, ipFamilyNumber, namedNumber, parsePrefix,
  type IpFamily, type RtnlRequest,
} from '../addr/request.js';
import type { Rtnl } from '../family.js';
import type { RtVia } from './codecs.js';
import { encapCases } from './encap.js';
import { nexthopFlags, type NextHopInput } from './multipath.js';
import { metricsAttrs, routeMsgFlags, routeProtocols, routeScopes, routeTables, routeTypes } from './schema.js';

/** What {@link routeRequest} can do; the `RTM_NEWROUTE` ones set iproute2's `NLM_F_*` modifiers. */
export type RouteCommand = 'add' | 'replace' | 'change' | 'append' | 'prepend' | 'del' | 'get' | 'dump';

/** A routing table (`rtm_table`, or `RTA_TABLE` above 255): an id (1..2^32-1), or `main` (`RT_TABLE_MAIN`), `local` (`RT_TABLE_LOCAL`) or `default` (`RT_TABLE_DEFAULT`). */
export type RouteTable = number | 'main' | 'local' | 'default';

/** `RTN_*` names (`rtm_type`). */
export type RouteType = keyof typeof routeTypes;
/** `RTPROT_*` names (`rtm_protocol`). */
export type RouteProtocol = keyof typeof routeProtocols;
/** `RT_SCOPE_*` names (`rtm_scope`). */
export type RouteScope = keyof typeof routeScopes;

/** `RTAX_*` metrics as `RTA_METRICS` takes them (`{ mtu: 1400, advmss: 1360, lock: ['mtu'] }`). */
export type RouteMetrics = AttrInput<typeof metricsAttrs.defs>;

/**
 * A lightweight tunnel encapsulation (`RTA_ENCAP_TYPE` + `RTA_ENCAP`): its
 * type and that type's attributes, e.g. `{ type: 'mpls', dst: [100, 200] }`
 * for `encap mpls 100/200`.
 */
export type EncapSpec = {
  [K in keyof typeof encapCases]: {
    /** `RTA_ENCAP_TYPE`: `LWTUNNEL_ENCAP_*` by name, as `'mpls'`, `'seg6'`, `'ip'`. */
    type: K;
  } & Input<(typeof encapCases)[K]>;
}[keyof typeof encapCases];

/** One path of a multipath route (`RTA_MULTIPATH`'s `struct rtnexthop`), as `nexthop via GW dev DEV weight W`. */
export interface NextHopSpec {
  /** `RTA_GATEWAY` (or `RTA_VIA` when of the other family than the route). */
  gateway?: string;
  /** `rtnh_ifindex`: the output device. */
  oif?: number;
  /** `weight` 1..256 (`rtnh_hops` is the weight less one). */
  weight?: number;
  /** `rtnh_hops` as the kernel has it; the weight less one. Give this or {@link weight}. */
  hops?: number;
  /** `onlink` (`RTNH_F_ONLINK`): the gateway is on the link even without a matching prefix. */
  onlink?: boolean;
  /** A per-path encapsulation. */
  encap?: EncapSpec;
}

/**
 * A route, with the keywords of `ip route`:
 *
 * ```ts
 * { dst: '10.1.0.0/16', gateway: '10.0.0.2' }
 * { dst: 'default', gateway: '2001:db8::1', metric: 1024, table: 1000 }
 * { dst: '10.2.0.0/16', type: 'blackhole' }
 * { dst: '10.3.0.0/16', multipath: [{ gateway: '10.0.0.2', weight: 2 }, { gateway: '10.0.0.3', oif: 4 }] }
 * { dst: '10.4.0.0/16', oif: 3, metrics: { mtu: 1400, lock: ['mtu'] } }
 * ```
 */
export interface RouteSpec {
  /** `RTA_DST` and `rtm_dst_len`: a prefix, a host address, or `'default'` (the default). */
  dst?: string;
  /** The family, when neither `dst` nor `gateway` tells (`dst: 'default'` alone is IPv4). */
  family?: IpFamily;
  /** `from` (`RTA_SRC` and `rtm_src_len`): the source prefix of an IPv6 source-specific route. */
  src?: string;
  /** `via` (`RTA_GATEWAY`, or `RTA_VIA` for a gateway of the other family). */
  gateway?: string;
  /** `dev` (`RTA_OIF`). */
  oif?: number;
  /** `iif` (`RTA_IIF`): for `get`, the input device to route from. */
  iif?: number;
  /** `table`: a table id or name; ids above 255 go into `RTA_TABLE`. Default `main` (`local` for local, broadcast, anycast and NAT routes). */
  table?: RouteTable;
  /** `metric` / `priority` (`RTA_PRIORITY`). */
  priority?: number;
  /** The same as {@link priority}, under `ip route`'s name. */
  metric?: number;
  /** `src` (`RTA_PREFSRC`): the source address to prefer. */
  prefsrc?: string;
  /** `rtm_type`. Default `unicast`. */
  type?: RouteType | number;
  /** `proto` (`rtm_protocol`). Default `boot` for new routes. */
  protocol?: RouteProtocol | number;
  /** `scope` (`rtm_scope`). Default as iproute2 (see the module's comment). */
  scope?: RouteScope | number;
  /** `tos` / `dsfield` (`rtm_tos`). */
  tos?: number;
  /** `RTA_METRICS`: `mtu`, `advmss`, `window`, `rtt`, `hoplimit`, `initcwnd`, ..., and `lock` (the locked ones). */
  metrics?: RouteMetrics;
  /** `nexthop ...` (`RTA_MULTIPATH`). */
  multipath?: NextHopSpec[];
  /** `encap ...` (`RTA_ENCAP_TYPE`, `RTA_ENCAP`). */
  encap?: EncapSpec;
  /** `nhid` (`RTA_NH_ID`): a nexthop object instead of a gateway. */
  nhId?: number;
  /** `pref` (`RTA_PREF`): an IPv6 router preference. */
  pref?: 'low' | 'medium' | 'high';
  /** `onlink` (`RTNH_F_ONLINK` in `rtm_flags`). */
  onlink?: boolean;
  /** `expires` in seconds (`RTA_EXPIRES`, IPv6 only). */
  expires?: number;
  /** `mark` (`RTA_MARK`): for `get`, the firewall mark to route with. */
  mark?: number;
  /** `uid` (`RTA_UID`): for `get`, the user id to route for. */
  uid?: number;
  /** For `get`: return the FIB entry that matched (`fibmatch`, `RTM_F_FIB_MATCH`) rather than the resolved route. */
  fibmatch?: boolean;
}

/** Filters the kernel applies to a route dump (with `NETLINK_GET_STRICT_CHK`). */
export interface RouteDumpSpec {
  /** `rtm_family`: one family; all when left out. */
  family?: IpFamily;
  /** `RTA_TABLE`. A dump of a table that does not exist fails with `ENOENT`. */
  table?: RouteTable;
  /** `RTA_OIF`: routes out of this device. */
  oif?: number;
  /** `rtm_protocol`. */
  protocol?: RouteProtocol | number;
  /** `rtm_type`. */
  type?: RouteType | number;
}

const ROUTE_FIELDS = [
  'dst', 'family', 'src', 'gateway', 'oif', 'iif', 'table', 'priority', 'metric', 'prefsrc', 'type', 'protocol', 'scope', 'tos',
  'metrics', 'multipath', 'encap', 'nhId', 'pref', 'onlink', 'expires', 'mark', 'uid', 'fibmatch',
] as const;
const GET_FIELDS = ['dst', 'family', 'src', 'oif', 'iif', 'tos', 'mark', 'uid', 'fibmatch', 'table'] as const;
const NEXTHOP_FIELDS = ['gateway', 'oif', 'weight', 'hops', 'onlink', 'encap'] as const;
const RTM_F_LOOKUP_TABLE = routeMsgFlags.lookupTable;

type RouteHeader = NonNullable<InputOf<Rtnl, 'RTM_NEWROUTE'>['header']>;
type RouteAttrs = NonNullable<InputOf<Rtnl, 'RTM_NEWROUTE'>['attrs']>;

/** The table id of a {@link RouteTable} (`RT_TABLE_MAIN` = 254, `RT_TABLE_LOCAL` = 255, `RT_TABLE_DEFAULT` = 253), or a `SpecError` naming the field. */
export function tableId(table: unknown, path: string[]): number {
  return namedNumber(table, { main: routeTables.main, local: routeTables.local, default: routeTables.default }, 0xffffffff, path);
}

/**
 * Builds a route request, as `ip route add|replace|change|append|prepend|del|get|show` sends it:
 *
 * - `add`: `RTM_NEWROUTE` with `NLM_F_CREATE | NLM_F_EXCL`; `replace`:
 *   `NLM_F_CREATE | NLM_F_REPLACE`; `change`: `NLM_F_REPLACE`; `append`:
 *   `NLM_F_CREATE | NLM_F_APPEND`; `prepend`: `NLM_F_CREATE`;
 * - `del`: `RTM_DELROUTE` (only what is given is matched: no protocol or type defaults);
 * - `get`: `RTM_GETROUTE` for one address (`ip route get`), answered with the route the kernel picks;
 * - `dump`: `RTM_GETROUTE`, filtered in the kernel by family, table, device, protocol and type.
 *
 * ```ts
 * routeRequest('add', { dst: '10.0.0.0/24', gateway: '192.168.1.1', table: 1000 });
 * routeRequest('get', { dst: '8.8.8.8' });
 * routeRequest('dump', { family: 'inet6', table: 'main' });
 * ```
 * @throws SpecError for a spec that cannot be sent.
 */
export function routeRequest(command: 'dump', spec?: RouteDumpSpec): RtnlRequest<'RTM_GETROUTE'>;
export function routeRequest(command: Exclude<RouteCommand, 'dump'>, spec: RouteSpec): RtnlRequest<'RTM_NEWROUTE' | 'RTM_DELROUTE' | 'RTM_GETROUTE'>;
export function routeRequest(command: RouteCommand, spec?: RouteSpec | RouteDumpSpec): RtnlRequest<'RTM_NEWROUTE' | 'RTM_DELROUTE' | 'RTM_GETROUTE'>;
export function routeRequest(command: RouteCommand, spec: RouteSpec | RouteDumpSpec = {}): RtnlRequest<'RTM_NEWROUTE' | 'RTM_DELROUTE' | 'RTM_GETROUTE'> {
  if (command === 'dump') return routeDump(spec as RouteDumpSpec);
  if (command === 'get') return routeGet(spec as RouteSpec);
  if (command !== 'del' && !Object.hasOwn(NEW_FLAGS, command)) {
    throw new SpecError(`unknown command ${describe(command)}; known: add, replace, change, append, prepend, del, get, dump`, ['route']);
  }
  const s = spec as RouteSpec;
  checkSpec(s, ROUTE_FIELDS, [`route ${command}`]);
  const op = `route ${command} ${s.dst ?? 'default'}`;
  const path = [op];
  const del = command === 'del';

  const family = routeFamily(s, path);
  const header: RouteHeader = { family, dstLen: 0, srcLen: 0, tos: 0, table: 0, protocol: 0, scope: 0, type: 0, flags: 0 };
  const attrs: RouteAttrs = {};
  destination(s, family, header, attrs, path);
  if (s.tos !== undefined) header.tos = intField(s.tos, 0, 255, [...path, 'tos']);
  const type = s.type !== undefined ? namedNumber(s.type, routeTypes, 255, [...path, 'type']) : del ? routeTypes.unspec : routeTypes.unicast;
  header.type = type;
  header.protocol = s.protocol !== undefined ? namedNumber(s.protocol, routeProtocols, 255, [...path, 'protocol']) : del ? 0 : routeProtocols.boot;
  const localTable = type === routeTypes.local || type === routeTypes.broadcast || type === routeTypes.anycast || type === routeTypes.nat;
  putTable(s.table !== undefined ? tableId(s.table, [...path, 'table']) : localTable ? routeTables.local : routeTables.main, header, attrs);

  if (s.gateway !== undefined) putGateway(s.gateway, family, attrs, [...path, 'gateway']);
  if (s.oif !== undefined) attrs.oif = ifindexField(s.oif, [...path, 'oif']);
  if (s.iif !== undefined) attrs.iif = ifindexField(s.iif, [...path, 'iif']);
  if (s.priority !== undefined && s.metric !== undefined) throw new SpecError('give priority or metric, not both', [...path, 'metric']);
  const priority = s.priority ?? s.metric;
  if (priority !== undefined) attrs.priority = intField(priority, 0, 0xffffffff, [...path, s.priority !== undefined ? 'priority' : 'metric']);
  if (s.prefsrc !== undefined) {
    if (parsePrefix(s.prefsrc, [...path, 'prefsrc']).family !== family || s.prefsrc.includes('/')) throw new SpecError(`prefsrc must be an address of the route's family, got ${describe(s.prefsrc)}`, [...path, 'prefsrc']);
    attrs.prefsrc = s.prefsrc;
  }
  if (s.metrics !== undefined) {
    if (typeof s.metrics !== 'object' || s.metrics === null) throw new SpecError(`expected an object of RTAX_* metrics, got ${describe(s.metrics)}`, [...path, 'metrics']);
    for (const k of Object.keys(s.metrics)) if (!metricsAttrs.byKey(k)) throw new SpecError(`unknown metric "${k}"; known: ${metricsAttrs.attrs.map((a) => a.key).join(', ')}`, [...path, 'metrics']);
    attrs.metrics = s.metrics;
  }
  if (s.multipath !== undefined) {
    if (!Array.isArray(s.multipath) || s.multipath.length === 0) throw new SpecError('expected a non-empty array of next hops', [...path, 'multipath']);
    if (s.gateway !== undefined || s.nhId !== undefined) throw new SpecError('multipath excludes gateway and nhId', [...path, 'multipath']);
    attrs.multipath = s.multipath.map((nh, i) => nextHop(nh, family, [...path, 'multipath', `[${i}]`]));
  }
  if (s.encap !== undefined) putEncap(s.encap, attrs, [...path, 'encap']);
  if (s.nhId !== undefined) attrs.nhId = intField(s.nhId, 1, 0xffffffff, [...path, 'nhId']);
  if (s.pref !== undefined) {
    if (family !== AF_INET6) throw new SpecError('pref is for IPv6 routes', [...path, 'pref']);
    if (!['low', 'medium', 'high'].includes(s.pref)) throw new SpecError(`expected low, medium or high, got ${describe(s.pref)}`, [...path, 'pref']);
    attrs.pref = s.pref;
  }
  if (s.expires !== undefined) {
    if (family !== AF_INET6) throw new SpecError('expires is for IPv6 routes', [...path, 'expires']);
    attrs.expires = intField(s.expires, 0, 0xffffffff, [...path, 'expires']);
  }
  if (s.mark !== undefined) attrs.mark = intField(s.mark, 0, 0xffffffff, [...path, 'mark']);
  if (s.uid !== undefined) attrs.uid = intField(s.uid, 0, 0xffffffff, [...path, 'uid']);
  if (s.fibmatch !== undefined) throw new SpecError('fibmatch is for get', [...path, 'fibmatch']);
  if (s.onlink) header.flags = nexthopFlags.onlink;

  const hasNextHop = s.gateway !== undefined || s.multipath !== undefined || s.nhId !== undefined;
  header.scope = s.scope !== undefined ? namedNumber(s.scope, routeScopes, 255, [...path, 'scope']) : defaultScope(family, type, del, hasNextHop);

  if (del) return { kind: 'ack', operation: op, message: { name: 'RTM_DELROUTE', header, attrs } };
  return { kind: 'ack', operation: op, message: { name: 'RTM_NEWROUTE', flags: NEW_FLAGS[command], header, attrs } };
}

/** `ip route`'s scope when none is given. */
function defaultScope(family: number, type: number, del: boolean, hasNextHop: boolean): number {
  if (family === AF_INET6) return routeScopes.universe;
  if (type === routeTypes.local || type === routeTypes.nat) return routeScopes.host;
  if (type === routeTypes.broadcast || type === routeTypes.multicast || type === routeTypes.anycast) return routeScopes.link;
  if (del) return routeScopes.nowhere;
  if ((type === routeTypes.unicast || type === routeTypes.unspec) && !hasNextHop) return routeScopes.link;
  return routeScopes.universe;
}

/** The route's family: from `dst`, else the gateway or first next hop, else `family`, else IPv4. */
function routeFamily(s: RouteSpec, path: string[]): number {
  const given = s.family === undefined ? undefined : ipFamilyNumber(s.family, [...path, 'family']);
  let found: number | undefined;
  if (s.dst !== undefined && s.dst !== 'default') found = parsePrefix(s.dst, [...path, 'dst']).family;
  else if (s.src !== undefined) found = parsePrefix(s.src, [...path, 'src']).family;
  else if (given === undefined && s.gateway !== undefined) found = parsePrefix(s.gateway, [...path, 'gateway']).family;
  else if (given === undefined && s.multipath?.[0]?.gateway !== undefined) found = parsePrefix(s.multipath[0].gateway, [...path, 'multipath', '[0]', 'gateway']).family;
  if (given !== undefined && found !== undefined && given !== found) throw new SpecError(`family ${describe(s.family)} does not match ${describe(s.dst ?? s.src)}`, [...path, 'family']);
  return found ?? given ?? AF_INET;
}

function destination(s: { dst?: string; src?: string }, family: number, header: RouteHeader, attrs: RouteAttrs, path: string[]): void {
  if (s.dst !== undefined && s.dst !== 'default') {
    const p = parsePrefix(s.dst, [...path, 'dst']);
    header.dstLen = p.prefixlen;
    if (p.prefixlen > 0 || p.bytes.some((b) => b !== 0)) attrs.dst = p.address;
  }
  if (s.src !== undefined) {
    const p = parsePrefix(s.src, [...path, 'src']);
    if (p.family !== family) throw new SpecError('src is of another family than dst', [...path, 'src']);
    header.srcLen = p.prefixlen;
    attrs.src = p.address;
  }
}

/** `rtm_table` for ids up to 255, else `RT_TABLE_UNSPEC` there and the id in `RTA_TABLE` (as iproute2). */
function putTable(id: number, header: RouteHeader, attrs: RouteAttrs): void {
  if (id < 256) header.table = id;
  else {
    header.table = routeTables.unspec;
    attrs.table = id;
  }
}

/** `RTA_GATEWAY`, or `RTA_VIA` when the gateway is of the other family (`via inet6 fe80::1`). */
function putGateway(gateway: string, family: number, attrs: { gateway?: string | Uint8Array; via?: RtVia }, path: string[]): void {
  const p = parsePrefix(gateway, path);
  if (gateway.includes('/')) throw new SpecError(`a gateway is an address, got ${describe(gateway)}`, path);
  if (p.family === family) attrs.gateway = gateway;
  else attrs.via = { family: p.family, addr: gateway };
}

function nextHop(nh: NextHopSpec, family: number, path: string[]): NextHopInput {
  checkSpec(nh, NEXTHOP_FIELDS, path);
  const out: NextHopInput & { attrs: NonNullable<NextHopInput['attrs']> } = { flags: [], hops: 0, ifindex: 0, attrs: {} };
  if (nh.weight !== undefined && nh.hops !== undefined) throw new SpecError('give weight or hops, not both', [...path, 'weight']);
  if (nh.weight !== undefined) out.hops = intField(nh.weight, 1, 256, [...path, 'weight']) - 1;
  if (nh.hops !== undefined) out.hops = intField(nh.hops, 0, 255, [...path, 'hops']);
  if (nh.oif !== undefined) out.ifindex = ifindexField(nh.oif, [...path, 'oif']);
  if (nh.onlink) out.flags = ['onlink'];
  if (nh.gateway !== undefined) putGateway(nh.gateway, family, out.attrs, [...path, 'gateway']);
  if (nh.encap !== undefined) putEncap(nh.encap, out.attrs, [...path, 'encap']);
  if (nh.gateway === undefined && nh.oif === undefined) throw new SpecError('a next hop needs a gateway or an oif', path);
  return out;
}

function putEncap(encap: EncapSpec, attrs: { encapType?: unknown; encap?: unknown }, path: string[]): void {
  if (typeof encap !== 'object' || encap === null || !Object.hasOwn(encapCases, encap.type)) {
    throw new SpecError(`expected { type: ${Object.keys(encapCases).join(' | ')}, ... }, got ${describe(encap)}`, path);
  }
  const { type, ...rest } = encap;
  attrs.encapType = type;
  attrs.encap = rest;
}

function routeGet(s: RouteSpec): RtnlRequest<'RTM_GETROUTE'> {
  checkSpec(s, GET_FIELDS, ['route get']);
  if (s.dst === undefined || s.dst === 'default') throw new SpecError('needs the address to route (dst)', ['route get', 'dst']);
  const op = `route get ${s.dst}`;
  const path = [op];
  const family = routeFamily(s, path);
  const header: RouteHeader = { family, dstLen: 0, srcLen: 0, tos: 0, table: 0, protocol: 0, scope: 0, type: 0, flags: RTM_F_LOOKUP_TABLE };
  const attrs: RouteAttrs = {};
  destination(s, family, header, attrs, path);
  if (s.fibmatch) header.flags = RTM_F_LOOKUP_TABLE | routeMsgFlags.fibMatch;
  if (s.tos !== undefined) header.tos = intField(s.tos, 0, 255, [...path, 'tos']);
  if (s.table !== undefined) attrs.table = tableId(s.table, [...path, 'table']);
  if (s.oif !== undefined) attrs.oif = ifindexField(s.oif, [...path, 'oif']);
  if (s.iif !== undefined) attrs.iif = ifindexField(s.iif, [...path, 'iif']);
  if (s.mark !== undefined) attrs.mark = intField(s.mark, 0, 0xffffffff, [...path, 'mark']);
  if (s.uid !== undefined) attrs.uid = intField(s.uid, 0, 0xffffffff, [...path, 'uid']);
  return { kind: 'get', operation: op, message: { name: 'RTM_GETROUTE', header, attrs } };
}

function routeDump(s: RouteDumpSpec): RtnlRequest<'RTM_GETROUTE'> {
  const path = ['route dump'];
  checkSpec(s, ['family', 'table', 'oif', 'protocol', 'type'], path);
  const header: RouteHeader = {
    family: s.family === undefined ? 0 : ipFamilyNumber(s.family, [...path, 'family']),
    protocol: s.protocol === undefined ? 0 : namedNumber(s.protocol, routeProtocols, 255, [...path, 'protocol']),
    type: s.type === undefined ? 0 : namedNumber(s.type, routeTypes, 255, [...path, 'type']),
  };
  const attrs: RouteAttrs = {};
  if (s.table !== undefined) attrs.table = tableId(s.table, [...path, 'table']);
  if (s.oif !== undefined) attrs.oif = ifindexField(s.oif, [...path, 'oif']);
  return { kind: 'dump', operation: 'route dump', message: { name: 'RTM_GETROUTE', header, attrs } };
}
