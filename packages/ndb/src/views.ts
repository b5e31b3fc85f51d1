/**
 * Collections: lookups by name, index, prefix, table and spec objects, and
 * `filter()` over every table, on the store's bytes (records are decoded
 * only when a handle's `msg` is read or a predicate needs it).
 */
import {
  checkSpec, parsePrefix, routeProtocols, routeScopes, routeTypes, ruleActions, tableId,
  type IpFamily, type RouteSpec, type RouteTable,
} from '@nlkit/rtnl';
import { sameBytes, findAttr, found, type Loc } from './bytes.js';
import { AF_INET, AF_INET6, HDR, NTF, RTA, RT_TABLE_MAIN } from './constants.js';
import { ReadOnlyError } from './errors.js';
import { addr, ipBytes, link, locOf, neigh, probe, route, routeId, rule } from './kinds.js';
import {
  Address, FdbEntry, Interface, Neighbour, Route, Rule,
  type Binding, type CreateSpec, type FdbAdd, type IfaceRef, type NeighAdd, type RouteAdd, type RuleAdd, type SourceData, type TxApi,
} from './records.js';

/** An IP family: by name or `AF_*` number. */
export type Family = IpFamily;

/** Interface fields to match. */
export interface LinkQuery {
  /** Only in this source (namespace), by name. */
  source?: string;
  /** `ifi_index`. */
  index?: number;
  /** `IFLA_IFNAME`. */
  ifname?: string;
  /** `IFLA_INFO_KIND`: `veth`, `bridge`, ... */
  kind?: string;
  /** `IFLA_MASTER`: the bridge, bond or VRF the interface is enslaved to. */
  master?: IfaceRef;
  /** The MAC address, any case. */
  address?: string;
  /** `IFLA_MTU`. */
  mtu?: number;
  /** Administrative state: `IFF_UP` in `ifi_flags`. */
  state?: 'up' | 'down';
  /** `IFLA_OPERSTATE`: `up`, `down`, `lowerlayerdown`, ... */
  operstate?: string;
}

/** Address fields to match. */
export interface AddrQuery {
  /** Only in this source (namespace), by name. */
  source?: string;
  /** The interface (`ifa_index`). */
  index?: IfaceRef;
  /** `ifa_family`. */
  family?: Family;
  /** The address, with `/prefixlen` to match that too. */
  address?: string;
  /** `IFA_LOCAL`. */
  local?: string;
  /** `ifa_prefixlen`. */
  prefixlen?: number;
  /** `IFA_LABEL`. */
  label?: string;
  /** `ifa_scope` (`RT_SCOPE_*` number). */
  scope?: number;
}

/** Route fields to match. */
export interface RouteQuery {
  /** Only in this source (namespace), by name. */
  source?: string;
  /** `rtm_family`. */
  family?: Family;
  /** A table id or `main`, `local`, `default`. `get()` looks in `main` when it is left out; `filter()` in all. */
  table?: RouteTable;
  /** `'default'` or a prefix (a bare address is a host prefix). */
  dst?: string;
  /** `RTA_PRIORITY`; `metric` is the same. */
  priority?: number;
  /** Same as `priority`. */
  metric?: number;
  /** The gateway, or one next hop's. */
  gateway?: string;
  /** The output device, or one next hop's. */
  oif?: IfaceRef;
  /** `rtm_protocol` (`RTPROT_*`): a name (`kernel`, `boot`, `static`, ...) or its number. */
  protocol?: keyof typeof routeProtocols | number;
  /** `rtm_type` (`RTN_*`): a name (`unicast`, `local`, `blackhole`, ...) or its number. */
  type?: keyof typeof routeTypes | number;
  /** `rtm_scope` (`RT_SCOPE_*`): a name or its number. */
  scope?: keyof typeof routeScopes | number;
  /** `rtm_tos`. */
  tos?: number;
  /** `RTA_PREFSRC`: the preferred source address. */
  prefsrc?: string;
}

/** Rule fields to match. */
export interface RuleQuery {
  /** Only in this source (namespace), by name. */
  source?: string;
  /** `fib_rule_hdr.family`. */
  family?: Family;
  /** `FRA_PRIORITY`. */
  priority?: number;
  /** The table (`FRA_TABLE`, else `fib_rule_hdr.table`): a name or an id. */
  table?: RouteTable;
  /** `fib_rule_hdr.action` (`FR_ACT_*`): a name or its number. */
  action?: keyof typeof ruleActions | number;
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

/** Neighbour fields to match. */
export interface NeighQuery {
  /** Only in this source (namespace), by name. */
  source?: string;
  /** `ndm_family`. */
  family?: Family;
  /** The interface (`ndm_ifindex`). */
  index?: IfaceRef;
  /** `NDA_DST`: the neighbour's address. */
  dst?: string;
  /** `NDA_LLADDR`, any case. */
  lladdr?: string;
  /** Entries with any of these `NUD_*` bits. */
  state?: number;
  /** Proxy entries only (`NTF_PROXY`), or none of them (`false`). */
  proxy?: boolean;
}

/** Forwarding entry fields to match. */
export interface FdbQuery {
  /** Only in this source (namespace), by name. */
  source?: string;
  /** The port or VXLAN device (`ndm_ifindex`). */
  index?: IfaceRef;
  /** `NDA_MASTER`: the bridge. */
  master?: IfaceRef;
  /** `NDA_LLADDR`: the MAC address, any case. */
  lladdr?: string;
  /** `NDA_VLAN`. */
  vlan?: number;
  /** `NDA_DST`: a VXLAN remote. */
  dst?: string;
  /** `NDA_VNI`. */
  vni?: number;
}

/** What `add()` returns for objects without a handle of their own: a way to commit the transaction. */
export interface Pending {
  /** Commits the transaction the object was added in (as `Transaction.commit`). */
  commit(options?: {
    /** Milliseconds each step may take to show in the events (as {@link CommitOptions.timeoutMs}). */
    timeoutMs?: number;
  }): Promise<unknown>;
}

const familyNumber = (f: Family): number => (f === 'inet' || f === AF_INET ? AF_INET : f === 'inet6' || f === AF_INET6 ? AF_INET6 : badFamily(f));
function badFamily(f: unknown): never {
  throw new TypeError(`family is "inet", "inet6", 2 or 10, got ${String(f)}`);
}
const named = <T extends Record<string, number>>(v: string | number, table: T, what: string): number => {
  if (typeof v === 'number') return v;
  if (Object.hasOwn(table, v)) return table[v]!;
  throw new TypeError(`unknown ${what} "${v}"; known: ${Object.keys(table).join(', ')}`);
};
const sameMac = (a: string | undefined, b: string): boolean => a !== undefined && a.toLowerCase() === b.toLowerCase();

/** The device index of `ref` in a source, or undefined when it has none by that name. */
function indexIn(src: SourceData, ref: IfaceRef): number | undefined {
  if (typeof ref === 'number') return ref;
  if (typeof ref === 'string') return src.indexOf(ref);
  return ref.source === src.name ? ref.index || undefined : undefined;
}

/** The sources a query covers: one when it names one, else all. */
function sourcesOf(b: Binding, source: string | undefined): readonly SourceData[] {
  if (source === undefined) return b.data.list();
  const s = b.data.get(source);
  return s ? [s] : [];
}

function txOf(b: Binding, what: string): TxApi {
  if (!b.tx) throw new ReadOnlyError(what);
  return b.tx(what);
}

const cursor = (): Loc => locOf(new Uint8Array(0));

// ---------------------------------------------------------------------------

/**
 * The interfaces of every source.
 *
 * ```ts
 * db.interfaces.get('eth0');                          // by name (first source that has it)
 * db.interfaces.get(2);                               // by index
 * db.interfaces.get({ ifname: 'eth0', source: 'blue' });
 * db.interfaces.filter({ kind: 'veth', state: 'up' });
 * for (const i of db.interfaces) console.log(i.name);
 * ```
 */
export class Interfaces implements Iterable<Interface> {
  readonly #b: Binding;

  /** @internal */
  constructor(b: Binding) {
    this.#b = b;
  }

  /** An interface by name, index or fields; undefined when none matches. */
  get(ref: string | number | LinkQuery): Interface | undefined {
    if (typeof ref === 'string' || typeof ref === 'number') {
      for (const src of this.#b.data.list()) {
        const index = typeof ref === 'number' ? ref : src.indexOf(ref);
        if (index !== undefined && src.tables.interface.firstOf(probe.link(index)) >= 0) return new Interface(this.#b, src.name, index);
      }
      return undefined;
    }
    return this.filter(ref, 1)[0];
  }

  /** The interfaces that match (all, without a query). */
  filter(query: LinkQuery | ((i: Interface) => boolean) = {}, limit = Infinity): Interface[] {
    const out: Interface[] = [];
    if (typeof query === 'function') {
      for (const i of this) if (query(i) && out.push(i) >= limit) break;
      return out;
    }
    checkSpec(query, ['source', 'index', 'ifname', 'kind', 'master', 'address', 'mtu', 'state', 'operstate'], ['interface query']);
    const c = cursor();
    for (const src of sourcesOf(this.#b, query.source)) {
      const t = src.tables.interface;
      const master = query.master === undefined ? undefined : indexIn(src, query.master);
      if (query.master !== undefined && master === undefined) continue;
      for (const s of t.slots()) {
        const r = t.loc(s, c);
        if (query.index !== undefined && link.index(r) !== query.index) continue;
        if (query.ifname !== undefined && link.ifname(r) !== query.ifname) continue;
        if (query.kind !== undefined && link.kind(r) !== query.kind) continue;
        if (master !== undefined && link.master(r) !== master) continue;
        if (query.address !== undefined && !sameMac(link.address(r), query.address)) continue;
        if (query.mtu !== undefined && link.mtu(r) !== query.mtu) continue;
        if (query.state !== undefined && ((link.flags(r) & 1) === 1 ? 'up' : 'down') !== query.state) continue;
        const i = new Interface(this.#b, src.name, link.index(r));
        if (query.operstate !== undefined && i.operstate !== query.operstate) continue;
        if (out.push(i) >= limit) return out;
      }
    }
    return out;
  }

  /** Every interface of the collection, across sources. */
  *[Symbol.iterator](): Iterator<Interface> {
    const c = cursor();
    for (const src of this.#b.data.list()) {
      const t = src.tables.interface;
      for (const s of t.slots()) yield new Interface(this.#b, src.name, link.index(t.loc(s, c)));
    }
  }

  /** How many interfaces the collection holds. */
  get size(): number {
    let n = 0;
    for (const src of this.#b.data.list()) n += src.tables.interface.size;
    return n;
  }

  /**
   * Records creating an interface (`ip link add` keywords) and returns its
   * handle, pending until the transaction commits:
   *
   * ```ts
   * const br = tx.interfaces.create({ ifname: 'br0', kind: 'bridge' });
   * tx.interfaces.create({ ifname: 'v0', kind: 'veth', peer: 'v0p' });
   * br.addPort('v0p').addIp('10.0.0.1/24').up();
   * ```
   */
  create(spec: CreateSpec): Interface {
    const source = spec.source ?? this.#b.defaultSource();
    txOf(this.#b, `create interface ${spec.ifname}`).createLink(source, spec);
    return new Interface(this.#b, source, 0, spec);
  }
}

// ---------------------------------------------------------------------------

/** The addresses of every interface of every source. */
export class Addresses implements Iterable<Address> {
  readonly #b: Binding;
  readonly #family: number | undefined;

  /** @internal */
  constructor(b: Binding, family?: number) {
    this.#b = b;
    this.#family = family;
  }

  /** The IPv4 addresses. */
  get ipv4(): Addresses {
    return new Addresses(this.#b, AF_INET);
  }
  /** The IPv6 addresses. */
  get ipv6(): Addresses {
    return new Addresses(this.#b, AF_INET6);
  }

  /** An address by text (`'10.0.0.1/24'` or bare) or fields. */
  get(query: string | AddrQuery): Address | undefined {
    return this.filter(typeof query === 'string' ? { address: query } : query, 1)[0];
  }

  /** The addresses that match a query or a predicate (all, without one), at most `limit` of them. */
  filter(query: AddrQuery | ((a: Address) => boolean) = {}, limit = Infinity): Address[] {
    const out: Address[] = [];
    if (typeof query === 'function') {
      for (const a of this) if (query(a) && out.push(a) >= limit) break;
      return out;
    }
    checkSpec(query, ['source', 'index', 'family', 'address', 'local', 'prefixlen', 'label', 'scope'], ['address query']);
    const family = query.family !== undefined ? familyNumber(query.family) : this.#family;
    if (this.#family !== undefined && family !== this.#family) return out;
    let want: { address: string; prefixlen?: number } | undefined;
    if (query.address !== undefined) {
      const p = parsePrefix(query.address, ['address query', 'address']);
      want = query.address.includes('/') ? { address: p.address, prefixlen: p.prefixlen } : { address: p.address };
    }
    const c = cursor();
    for (const src of sourcesOf(this.#b, query.source)) {
      const index = query.index === undefined ? undefined : indexIn(src, query.index);
      if (query.index !== undefined && index === undefined) continue;
      const t = src.tables.address;
      for (const s of t.slots()) {
        const r = t.loc(s, c);
        if (family !== undefined && addr.family(r) !== family) continue;
        if (index !== undefined && addr.index(r) !== index) continue;
        if (query.prefixlen !== undefined && addr.prefixlen(r) !== query.prefixlen) continue;
        if (query.scope !== undefined && addr.scope(r) !== query.scope) continue;
        if (want) {
          if (want.prefixlen !== undefined && addr.prefixlen(r) !== want.prefixlen) continue;
          if (addr.local(r) !== want.address && addr.address(r) !== want.address) continue;
        }
        if (query.local !== undefined && addr.local(r) !== query.local) continue;
        if (query.label !== undefined && addr.label(r) !== query.label) continue;
        if (out.push(new Address(this.#b, src.name, t.copy(s))) >= limit) return out;
      }
    }
    return out;
  }

  /** Every address of the collection, across sources. */
  *[Symbol.iterator](): Iterator<Address> {
    yield* this.filter();
  }

  /** How many addresses the collection holds. */
  get size(): number {
    if (this.#family !== undefined) return this.filter().length;
    let n = 0;
    for (const src of this.#b.data.list()) n += src.tables.address.size;
    return n;
  }
}

// ---------------------------------------------------------------------------

interface CompiledRouteQuery {
  family: number | undefined;
  table: number | undefined;
  dst: { len: number; bytes: Uint8Array | undefined; family: number } | undefined;
  test(r: Loc, src: SourceData): boolean;
}

/**
 * The routes of every table of every source.
 *
 * ```ts
 * db.routes.get('default');                                   // main table, IPv4 first
 * db.routes.get({ dst: '10.0.0.0/24', table: 100, priority: 10 });
 * db.routes.get({ dst: 'default', family: 'inet6' });
 * db.routes.filter({ oif: 'eth0' });                          // every table
 * db.routes.table(100).filter({ family: 'inet6' });
 * db.routes.ipv4.size; db.routes.tables;                      // [100, 254, 255]
 * ```
 */
export class Routes implements Iterable<Route> {
  readonly #b: Binding;
  readonly #fixed: { family?: number; table?: number };

  /** @internal */
  constructor(b: Binding, fixed: { family?: number; table?: number } = {}) {
    this.#b = b;
    this.#fixed = fixed;
  }

  /** The IPv4 routes. */
  get ipv4(): Routes {
    return new Routes(this.#b, { ...this.#fixed, family: AF_INET });
  }
  /** The IPv6 routes. */
  get ipv6(): Routes {
    return new Routes(this.#b, { ...this.#fixed, family: AF_INET6 });
  }
  /** The routes of one table (`table(100)`, `table('local')`). */
  table(id: RouteTable): Routes {
    return new Routes(this.#b, { ...this.#fixed, table: tableId(id, ['routes', 'table']) });
  }
  /** The ids of the tables that have routes, ascending. */
  get tables(): number[] {
    const ids = new Set<number>();
    const c = cursor();
    for (const src of this.#b.data.list()) {
      const t = src.tables.route;
      for (const s of t.slots()) ids.add(route.table(t.loc(s, c)));
    }
    return [...ids].sort((a, b) => a - b);
  }

  /**
   * The first route that matches: by `'default'` or a prefix (in the main
   * table, or this view's table), or by fields (`table` defaults likewise).
   */
  get(query: string | RouteQuery): Route | undefined {
    const q: RouteQuery = typeof query === 'string' ? { dst: query } : { ...query };
    if (q.table === undefined && this.#fixed.table === undefined) q.table = RT_TABLE_MAIN;
    if (q.dst === 'default' && q.family === undefined && this.#fixed.family === undefined) {
      return this.filter({ ...q, family: 'inet' }, 1)[0] ?? this.filter({ ...q, family: 'inet6' }, 1)[0];
    }
    return this.filter(q, 1)[0];
  }

  /** The routes that match, in every table unless the query or view names one. */
  filter(query: RouteQuery | ((r: Route) => boolean) = {}, limit = Infinity): Route[] {
    const out: Route[] = [];
    if (typeof query === 'function') {
      for (const r of this) if (query(r) && out.push(r) >= limit) break;
      return out;
    }
    const q = this.#compile(query);
    const c = cursor();
    for (const src of sourcesOf(this.#b, query.source)) {
      const t = src.tables.route;
      if (q.dst && q.table !== undefined) {
        // The index: prefix and table are the key.
        for (const s of t.chain(t.firstOf(probe.route(q.dst.family, q.table, q.dst.len, q.dst.bytes)))) {
          if (q.test(t.loc(s, c), src) && out.push(new Route(this.#b, src.name, t.copy(s))) >= limit) return out;
        }
        continue;
      }
      for (const s of t.slots()) {
        if (q.test(t.loc(s, c), src) && out.push(new Route(this.#b, src.name, t.copy(s))) >= limit) return out;
      }
    }
    return out;
  }

  /** How many routes match (all, without a query), without making handles. */
  count(query: RouteQuery = {}): number {
    const q = this.#compile(query);
    const c = cursor();
    let n = 0;
    for (const src of sourcesOf(this.#b, query.source)) {
      const t = src.tables.route;
      for (const s of t.slots()) if (q.test(t.loc(s, c), src)) n++;
    }
    return n;
  }

  /** Every route of the collection, across sources. */
  *[Symbol.iterator](): Iterator<Route> {
    const q = this.#compile({});
    const c = cursor();
    for (const src of this.#b.data.list()) {
      const t = src.tables.route;
      for (const s of t.slots()) if (q.test(t.loc(s, c), src)) yield new Route(this.#b, src.name, t.copy(s));
    }
  }

  /** How many routes the collection holds. */
  get size(): number {
    if (this.#fixed.family === undefined && this.#fixed.table === undefined) {
      let n = 0;
      for (const src of this.#b.data.list()) n += src.tables.route.size;
      return n;
    }
    return this.count();
  }

  /**
   * Records adding a route (`ip route add` keywords) and returns its
   * handle, which shows the route once the transaction commits:
   *
   * ```ts
   * db.routes.add({ dst: '172.16.1.0/24', gateway: '192.168.122.60', metrics: { mtu: 1400 } }).commit();
   * tx.routes.add({ dst: '10.5.0.0/16', multipath: [{ gateway: '10.0.0.2', weight: 2 }, { gateway: '10.0.0.3' }] });
   * ```
   */
  add(spec: RouteAdd): Route {
    const source = spec.source ?? this.#b.defaultSource();
    const full: RouteAdd = { ...spec };
    if (full.table === undefined && this.#fixed.table !== undefined) full.table = this.#fixed.table;
    txOf(this.#b, `add route ${spec.dst ?? 'default'}`).addRoute(source, full);
    return new Route(this.#b, source, routeIdentity(full));
  }

  #compile(query: RouteQuery): CompiledRouteQuery {
    checkSpec(query, ['source', 'family', 'table', 'dst', 'priority', 'metric', 'gateway', 'oif', 'protocol', 'type', 'scope', 'tos', 'prefsrc'], ['route query']);
    let family = query.family !== undefined ? familyNumber(query.family) : this.#fixed.family;
    if (this.#fixed.family !== undefined && family !== this.#fixed.family) family = -1;
    let table = query.table !== undefined ? tableId(query.table, ['route query', 'table']) : this.#fixed.table;
    if (this.#fixed.table !== undefined && table !== this.#fixed.table) table = -1;
    let dst: CompiledRouteQuery['dst'];
    if (query.dst !== undefined) {
      if (query.dst === 'default') dst = { len: 0, bytes: undefined, family: family ?? AF_INET };
      else {
        const p = parsePrefix(query.dst, ['route query', 'dst']);
        if (family !== undefined && family !== p.family) family = -1;
        family = family === -1 ? -1 : p.family;
        dst = { len: p.prefixlen, bytes: p.prefixlen > 0 || p.bytes.some((x) => x !== 0) ? p.bytes : undefined, family: p.family };
      }
    }
    const priority = query.priority ?? query.metric;
    const protocol = query.protocol === undefined ? undefined : named(query.protocol, routeProtocols, 'protocol');
    const type = query.type === undefined ? undefined : named(query.type, routeTypes, 'type');
    const scope = query.scope === undefined ? undefined : named(query.scope, routeScopes, 'scope');
    const defaultAny = query.dst === 'default' && family === undefined;
    const test = (r: Loc, src: SourceData): boolean => {
      if (family !== undefined && route.family(r) !== family) return false;
      if (table !== undefined && route.table(r) !== table) return false;
      if (dst) {
        if (route.dstLen(r) !== dst.len) return false;
        if (!defaultAny && dst.len === 0 && route.family(r) !== dst.family) return false;
        if (dst.bytes) {
          const at = findAttr(r, HDR.route, RTA.DST);
          if (at < 0 || found.len !== dst.bytes.length || !sameBytes(r.b, at, dst.bytes, 0, found.len)) return false;
        }
      }
      if (priority !== undefined && route.priority(r) !== priority) return false;
      if (protocol !== undefined && route.protocol(r) !== protocol) return false;
      if (type !== undefined && route.type(r) !== type) return false;
      if (scope !== undefined && route.scope(r) !== scope) return false;
      if (query.tos !== undefined && route.tos(r) !== query.tos) return false;
      if (query.prefsrc !== undefined && route.prefsrc(r) !== query.prefsrc) return false;
      if (query.gateway !== undefined && route.gateway(r) !== query.gateway && !route.nexthops(r).some((nh) => nh.gateway === query.gateway)) return false;
      if (query.oif !== undefined) {
        const oif = indexIn(src, query.oif);
        if (oif === undefined || !route.oifs(r).includes(oif)) return false;
      }
      return true;
    };
    return { family: family === -1 ? undefined : family, table: table === -1 ? undefined : table, dst: family === -1 || table === -1 ? undefined : dst, test: family === -1 || table === -1 ? () => false : test };
  }
}

/** A payload that names the route `spec` adds (family, table, prefix, metric, TOS, source prefix): its handle's identity. */
function routeIdentity(spec: RouteAdd): Uint8Array {
  const { source: _s, oif: _o, iif: _i, multipath: _m, encap: _e, ...rest } = spec;
  void _s; void _o; void _i; void _m; void _e;
  const keep: Record<string, unknown> = {};
  for (const k of ['dst', 'family', 'src', 'table', 'priority', 'metric', 'tos', 'type', 'gateway'] as const) {
    if ((rest as Record<string, unknown>)[k] !== undefined) keep[k] = (rest as Record<string, unknown>)[k];
  }
  if (keep.gateway === undefined && spec.multipath?.[0]?.gateway !== undefined && keep.family === undefined && keep.dst === undefined) {
    keep.family = parsePrefix(spec.multipath[0].gateway, ['route', 'gateway']).family === AF_INET6 ? 'inet6' : 'inet';
  }
  delete keep.gateway;
  if (keep.family === undefined && spec.gateway !== undefined && (spec.dst === undefined || spec.dst === 'default')) {
    keep.family = parsePrefix(spec.gateway, ['route', 'gateway']).family === AF_INET6 ? 'inet6' : 'inet';
  }
  return routeId(keep as RouteSpec);
}

// ---------------------------------------------------------------------------

/**
 * The policy routing rules of every source. The kernel gives rules no key:
 * `get(priority)` is the first rule with that priority.
 */
export class Rules implements Iterable<Rule> {
  readonly #b: Binding;

  /** @internal */
  constructor(b: Binding) {
    this.#b = b;
  }

  /** The first rule with this priority, or matching these fields. */
  get(query: number | RuleQuery): Rule | undefined {
    return this.filter(typeof query === 'number' ? { priority: query } : query, 1)[0];
  }

  /** The rules that match a query or a predicate (all, without one), at most `limit` of them. */
  filter(query: RuleQuery | ((r: Rule) => boolean) = {}, limit = Infinity): Rule[] {
    const out: Rule[] = [];
    if (typeof query === 'function') {
      for (const r of this) if (query(r) && out.push(r) >= limit) break;
      return out;
    }
    checkSpec(query, ['source', 'family', 'priority', 'table', 'action', 'src', 'dst', 'iif', 'oif', 'fwmark'], ['rule query']);
    const family = query.family === undefined ? undefined : familyNumber(query.family);
    const table = query.table === undefined ? undefined : tableId(query.table, ['rule query', 'table']);
    const action = query.action === undefined ? undefined : named(query.action === 'to_tbl' as never ? 'toTbl' : query.action, ruleActions, 'action');
    const c = cursor();
    for (const src of sourcesOf(this.#b, query.source)) {
      const t = src.tables.rule;
      for (const s of t.slots()) {
        const r = t.loc(s, c);
        if (family !== undefined && rule.family(r) !== family) continue;
        if (query.priority !== undefined && rule.priority(r) !== query.priority) continue;
        if (table !== undefined && rule.table(r) !== table) continue;
        if (action !== undefined && rule.action(r) !== action) continue;
        const h = new Rule(this.#b, src.name, t.copy(s));
        if (query.src !== undefined && !prefixIs(h.src, query.src)) continue;
        if (query.dst !== undefined && !prefixIs(h.dst, query.dst)) continue;
        if (query.iif !== undefined && h.iif !== query.iif) continue;
        if (query.oif !== undefined && h.oif !== query.oif) continue;
        if (query.fwmark !== undefined && h.fwmark !== query.fwmark) continue;
        if (out.push(h) >= limit) return out;
      }
    }
    return out;
  }

  /** Every rule of the collection, across sources. */
  *[Symbol.iterator](): Iterator<Rule> {
    yield* this.filter();
  }

  /** How many rules the collection holds. */
  get size(): number {
    let n = 0;
    for (const src of this.#b.data.list()) n += src.tables.rule.size;
    return n;
  }

  /** Records adding a rule (`ip rule add` keywords). */
  add(spec: RuleAdd): Pending {
    const { source, ...rest } = spec;
    const tx = txOf(this.#b, `add rule ${spec.priority ?? ''}`.trimEnd());
    tx.addRule(source ?? this.#b.defaultSource(), rest);
    return { commit: (o) => tx.commit(o) };
  }
}

function prefixIs(have: string, want: string): boolean {
  if (want === 'all') return have === 'all';
  const p = parsePrefix(want, ['rule query', 'prefix']);
  return have === `${p.address}/${p.prefixlen}`;
}

// ---------------------------------------------------------------------------

/** The IP neighbours (ARP and NDP caches, proxy entries) of every source. */
export class Neighbours implements Iterable<Neighbour> {
  readonly #b: Binding;

  /** @internal */
  constructor(b: Binding) {
    this.#b = b;
  }

  /** The entry for an address (on any device, or `index`). */
  get(query: string | NeighQuery): Neighbour | undefined {
    return this.filter(typeof query === 'string' ? { dst: query } : query, 1)[0];
  }

  /** The neighbours that match a query or a predicate (all, without one), at most `limit` of them. */
  filter(query: NeighQuery | ((n: Neighbour) => boolean) = {}, limit = Infinity): Neighbour[] {
    const out: Neighbour[] = [];
    if (typeof query === 'function') {
      for (const n of this) if (query(n) && out.push(n) >= limit) break;
      return out;
    }
    checkSpec(query, ['source', 'family', 'index', 'dst', 'lladdr', 'state', 'proxy'], ['neighbour query']);
    const family = query.family === undefined ? undefined : familyNumber(query.family);
    const c = cursor();
    for (const src of sourcesOf(this.#b, query.source)) {
      const index = query.index === undefined ? undefined : indexIn(src, query.index);
      if (query.index !== undefined && index === undefined) continue;
      const t = src.tables.neighbour;
      if (query.dst !== undefined && index !== undefined) {
        const bytes = ipBytes(query.dst);
        if (!bytes) continue;
        const fam = bytes.length === 4 ? AF_INET : AF_INET6;
        for (const s of t.chain(t.firstOf(probe.neigh(fam, index, bytes, query.proxy ?? false)))) {
          const r = t.loc(s, c);
          if (query.lladdr !== undefined && !sameMac(neigh.lladdr(r), query.lladdr)) continue;
          if (query.state !== undefined && (neigh.state(r) & query.state) === 0) continue;
          if (out.push(new Neighbour(this.#b, src.name, t.copy(s))) >= limit) return out;
        }
        continue;
      }
      for (const s of t.slots()) {
        const r = t.loc(s, c);
        if (family !== undefined && neigh.family(r) !== family) continue;
        if (index !== undefined && neigh.ifindex(r) !== index) continue;
        if (query.dst !== undefined && neigh.dst(r) !== query.dst) continue;
        if (query.lladdr !== undefined && !sameMac(neigh.lladdr(r), query.lladdr)) continue;
        if (query.state !== undefined && (neigh.state(r) & query.state) === 0) continue;
        if (query.proxy !== undefined && ((neigh.flags(r) & NTF.PROXY) !== 0) !== query.proxy) continue;
        if (out.push(new Neighbour(this.#b, src.name, t.copy(s))) >= limit) return out;
      }
    }
    return out;
  }

  /** Every neighbour of the collection, across sources. */
  *[Symbol.iterator](): Iterator<Neighbour> {
    yield* this.filter();
  }

  /** How many neighbours the collection holds. */
  get size(): number {
    let n = 0;
    for (const src of this.#b.data.list()) n += src.tables.neighbour.size;
    return n;
  }

  /** Records adding an entry (`ip neigh add` keywords). */
  add(spec: NeighAdd): Pending {
    const tx = txOf(this.#b, `add neighbour ${spec.dst}`);
    tx.addNeigh(spec.source ?? this.#b.defaultSource(), spec);
    return { commit: (o) => tx.commit(o) };
  }
}

/** The bridge and VXLAN forwarding entries of every source. */
export class FdbEntries implements Iterable<FdbEntry> {
  readonly #b: Binding;

  /** @internal */
  constructor(b: Binding) {
    this.#b = b;
  }

  /** A forwarding entry by MAC address or fields; undefined when none matches. */
  get(query: string | FdbQuery): FdbEntry | undefined {
    return this.filter(typeof query === 'string' ? { lladdr: query } : query, 1)[0];
  }

  /** The forwarding entries that match a query or a predicate (all, without one), at most `limit` of them. */
  filter(query: FdbQuery | ((e: FdbEntry) => boolean) = {}, limit = Infinity): FdbEntry[] {
    const out: FdbEntry[] = [];
    if (typeof query === 'function') {
      for (const e of this) if (query(e) && out.push(e) >= limit) break;
      return out;
    }
    checkSpec(query, ['source', 'index', 'master', 'lladdr', 'vlan', 'dst', 'vni'], ['fdb query']);
    const c = cursor();
    for (const src of sourcesOf(this.#b, query.source)) {
      const index = query.index === undefined ? undefined : indexIn(src, query.index);
      const master = query.master === undefined ? undefined : indexIn(src, query.master);
      if ((query.index !== undefined && index === undefined) || (query.master !== undefined && master === undefined)) continue;
      const t = src.tables.fdb;
      for (const s of t.slots()) {
        const r = t.loc(s, c);
        if (index !== undefined && neigh.ifindex(r) !== index) continue;
        if (master !== undefined && neigh.master(r) !== master) continue;
        if (query.lladdr !== undefined && !sameMac(neigh.lladdr(r), query.lladdr)) continue;
        if (query.vlan !== undefined && neigh.vlan(r) !== query.vlan) continue;
        if (query.dst !== undefined && neigh.dst(r) !== query.dst) continue;
        if (query.vni !== undefined && neigh.vni(r) !== query.vni) continue;
        if (out.push(new FdbEntry(this.#b, src.name, t.copy(s))) >= limit) return out;
      }
    }
    return out;
  }

  /** Every forwarding entry of the collection, across sources. */
  *[Symbol.iterator](): Iterator<FdbEntry> {
    yield* this.filter();
  }

  /** How many forwarding entries the collection holds. */
  get size(): number {
    let n = 0;
    for (const src of this.#b.data.list()) n += src.tables.fdb.size;
    return n;
  }

  /** Records adding an entry (`bridge fdb add` keywords). */
  add(spec: FdbAdd): Pending {
    const tx = txOf(this.#b, `add fdb ${spec.lladdr}`);
    tx.addFdb(spec.source ?? this.#b.defaultSource(), spec);
    return { commit: (o) => tx.commit(o) };
  }
}

// ---------------------------------------------------------------------------

/**
 * A view of the database: its collections. `db` itself is one (changes go
 * to the current transaction), `db.ro` is the read-only one, a
 * transaction's collections record into it, and `db.snapshot()` is a
 * frozen copy.
 */
export class View {
  /** The interfaces (links). */
  readonly interfaces: Interfaces;
  /** The IP addresses. */
  readonly addresses: Addresses;
  /** The routes, of every table. */
  readonly routes: Routes;
  /** The routing rules. */
  readonly rules: Rules;
  /** The neighbours (ARP/NDP entries). */
  readonly neighbours: Neighbours;
  /** The bridge forwarding entries. */
  readonly fdb: FdbEntries;
  /**
   * The state this view reads, and the transaction it records into.
   * @internal
   */
  readonly binding: Binding;

  /** @internal */
  constructor(binding: Binding) {
    this.binding = binding;
    this.interfaces = new Interfaces(binding);
    this.addresses = new Addresses(binding);
    this.routes = new Routes(binding);
    this.rules = new Rules(binding);
    this.neighbours = new Neighbours(binding);
    this.fdb = new FdbEntries(binding);
  }

  /** True when nothing can be changed through this view. */
  get readOnly(): boolean {
    return this.binding.tx === undefined;
  }

  /** The names of the sources, in order. */
  get sourceNames(): string[] {
    return this.binding.data.list().map((s) => s.name);
  }
}
