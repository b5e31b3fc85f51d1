/**
 * `IPRoute`: what pyroute2's `IPRoute` gives its users, typed. One method
 * per object (`link`, `addr`, `route`, `rule`, `neigh`, `fdb`, `vlan`) taking
 * a command and a spec with the keywords of `ip`/`bridge`, `get*` methods
 * that dump with the kernel filtering where it can, and name lookups; and
 * traffic control (`tc`, `getQdiscs`, `getClasses`, `getFilters`,
 * `getActions`) with the keywords of `tc`.
 */
import { NetlinkError, type MessageOf } from '@nlkit/core';
import {
  addrRequest, fdbRequest, linkRequest, neighRequest, routeRequest, ruleRequest, rtnl, vlanRequest,
  type AddrSpec, type FdbSpec, type LinkNetns, type LinkSpec, type NeighSpec, type NextHopSpec, type RouteSpec, type RtnlRequest, type Rtnl,
  type RuleSpec, type VlanSpec,
} from '@nlkit/rtnl';
import { NetlinkChannel, type Transport } from '@nlkit/transport';
import {
  badFilter, bridgeVlans, pick, predicates,
  type Address, type AddrFilter, type FdbFilter, type Filter, type Iface, type Link, type LinkFilter, type NeighFilter, type Neighbour, type Route,
  type RouteFilter, type Rule, type RuleFilter, type VlanFilter,
} from './filters.js';
import {
  TcEngine, netlinkRoute,
  type ActionRef, type ActionSpecOf, type ClassQuery, type ClassRef, type ClassSpecIn, type FilterQuery, type FilterRef, type FilterSpecIn,
  type NetlinkRoute, type Qdisc, type QdiscQuery, type QdiscRef, type QdiscSpecIn, type TcAction, type TcClass, type TcFilter,
} from './tc.js';

const ENOENT = 2;
const ENODEV = 19;

/** Options of an {@link IPRoute}. */
export interface IPRouteOptions {
  /** Milliseconds each request or dump may take before it fails with `TimeoutError`. Default: no limit. */
  timeoutMs?: number;
  /** How many times to re-run a dump the kernel marked inconsistent (`NLM_F_DUMP_INTR`). Default 2. */
  dumpRetries?: number;
}

/** Options of {@link IPRoute.open}. */
export interface OpenOptions extends IPRouteOptions {
  /** The network namespace to work in: a name from `ip netns` (`/run/netns/NAME`), a path, or `{ pid }`. Default: the process's own. */
  netns?: string | {
    /** A process whose network namespace to use (`/proc/PID/ns/net`). */
    pid: number;
  };
}

/** Replaces the device fields `K` of a builder spec (indices) by {@link Iface}s (indices or names). */
export type Named<T, K extends keyof T> = { [P in keyof T]: P extends K ? (Exclude<T[P], number> | Iface) : T[P] };

/** A link spec for {@link IPRoute.link}: devices by index or name, `netns` also by namespace name. */
export type LinkSpecIn<K extends string = string> = Omit<Named<LinkSpec<K>, 'index' | 'link' | 'master'>, 'netns' | 'peer'> & {
  /** Move the device to (or create it in) a namespace: a name from `ip netns`, or a {@link LinkNetns}. */
  netns?: string | LinkNetns;
  /** The other end of a `veth`, `vxcan` or `netkit` pair: its name, or its name and other attributes. */
  peer?: string | (Omit<Exclude<LinkSpec['peer'], string | undefined>, 'netns'> & {
    /** Create the peer directly in a namespace: a name from `ip netns`, or a {@link LinkNetns}. */
    netns?: string | LinkNetns;
  });
};
/** An address spec for {@link IPRoute.addr}. */
export type AddrSpecIn = Named<AddrSpec, 'index'>;
/** A route spec for {@link IPRoute.route}. */
export type RouteSpecIn = Omit<Named<RouteSpec, 'oif' | 'iif'>, 'multipath'> & {
  /** `RTA_MULTIPATH`: the next hops of a multipath route, each device by index or name. */
  multipath?: Named<NextHopSpec, 'oif'>[];
};
/** A neighbour spec for {@link IPRoute.neigh}. */
export type NeighSpecIn = Named<NeighSpec, 'index'>;
/** An FDB spec for {@link IPRoute.fdb}. */
export type FdbSpecIn = Named<FdbSpec, 'index' | 'via'>;
/** A bridge VLAN spec for {@link IPRoute.vlan}. */
export type VlanSpecIn = Named<VlanSpec, 'index'>;

/** Looks up a device name (an index is kept as it is); `field` names the spec field for errors. */
interface Resolve {
  (ref: Iface, field: string): Promise<number>;
  (ref: Iface | undefined, field: string): Promise<number | undefined>;
}
/** A stand-in for names, so that a spec is validated before any I/O. */
const probe: Resolve = (async (ref: Iface | undefined) => (typeof ref === 'string' ? 1 : ref)) as Resolve;

/**
 * An rtnetlink client in the manner of pyroute2's `IPRoute`:
 *
 * ```ts
 * import { IPRoute } from '@nlkit/client';
 *
 * const ipr = await IPRoute.open({ netns: 'test' });
 * await ipr.link('add', { ifname: 'veth0', kind: 'veth', peer: 'veth1' });
 * await ipr.link('set', { index: 'veth0', state: 'up', mtu: 1400 });
 * await ipr.addr('add', { index: 'veth0', address: '10.0.0.1/24' });
 * await ipr.route('add', { dst: '10.1.0.0/16', gateway: '10.0.0.2', table: 1000 });
 * for (const r of await ipr.getRoutes({ table: 1000 })) console.log(r.attrs.dst, r.header.dstLen, r.attrs.gateway);
 * await ipr.close();
 * ```
 *
 * Devices may be named wherever an index goes (`index: 'veth0'`, `oif:
 * 'eth0'`, `master: 'br0'`); each name costs one `RTM_GETLINK`. Specs are
 * checked before anything is sent ({@link @nlkit/rtnl!SpecError}, an `NlEncodeError`).
 * The kernel's refusals are `NetlinkError`s whose message starts with the
 * operation (`route add 10.0.0.0/24: EEXIST (File exists)`), with the
 * kernel's extended-ack text when it sent one.
 *
 * Results are the decoded messages: `header` (the fixed struct) and `attrs`
 * (the attributes) by friendly name, typed; {@link @nlkit/client!getAttr} and
 * {@link @nlkit/client!getField} reach them by kernel name (`IFLA_MTU`, `rtm_table`),
 * `toRaw` of `@nlkit/core` gives the whole message in kernel names.
 *
 * Traffic control goes over the same socket: the channel's family is
 * {@link netlinkRoute}, rtnl's messages and tc's in one table.
 *
 * ```ts
 * await ipr.tc('add', 'htb', { index: 'eth0', handle: '1:', default: 0x10 });
 * await ipr.tc('add-class', 'htb', { index: 'eth0', parent: '1:', classid: '1:10', rate: '10mbit', ceil: '20mbit' });
 * await ipr.tc('add-filter', 'u32', { index: 'eth0', parent: '1:', prio: 1, protocol: 'ip', match: ['ip dst 10.0.0.0/8'], flowid: '1:10' });
 * for (const c of await ipr.getClasses({ index: 'eth0' })) console.log(handleOf(c), c.attrs.stats2?.basic?.bytes);
 * ```
 */
export class IPRoute {
  /** The protocol engine requests go through; use it for anything the methods do not cover. Its family is {@link netlinkRoute} (rtnl and tc). */
  readonly channel: NetlinkChannel<NetlinkRoute>;
  readonly #timeoutMs: number | undefined;
  readonly #retries: number;
  readonly #tc: TcEngine;

  /**
   * A client over any transport (a live socket, a replay, a fake) or over an
   * existing channel of {@link netlinkRoute}. It owns what it is given: {@link close} closes it.
   * For kernel-side dump filtering the socket needs `NETLINK_GET_STRICT_CHK`
   * (as {@link IPRoute.open} sets); without it results are still filtered here.
   *
   * ```ts
   * const ipr = new IPRoute(openNetlink({ strictCheck: true }), { timeoutMs: 5000 });
   * const replayed = new IPRoute(new ReplayTransport(capture, netlinkRoute)); // from @nlkit/testing
   * ```
   */
  constructor(source: Transport | NetlinkChannel<NetlinkRoute>, options: IPRouteOptions = {}) {
    this.channel = source instanceof NetlinkChannel ? source : new NetlinkChannel(source, netlinkRoute);
    this.#timeoutMs = options.timeoutMs;
    this.#retries = options.dumpRetries ?? 2;
    this.#tc = new TcEngine({
      channel: this.channel,
      options: () => this.#timeout(),
      retries: this.#retries,
      lookup: async (name) => (await this.linkLookup({ ifname: name }))[0],
      indices: async () => (await this.getLinks()).map((l) => l.header.index),
    });
  }

  /**
   * Opens a `NETLINK_ROUTE` socket (in `options.netns` when given) with
   * `NETLINK_GET_STRICT_CHK` and `NETLINK_EXT_ACK`, through `@nlkit/live`.
   *
   * ```ts
   * const ipr = await IPRoute.open({ netns: 'blue' });
   * ```
   * @throws SocketError when the socket cannot be opened (no such namespace, no permission).
   */
  static async open(options: OpenOptions = {}): Promise<IPRoute> {
    const { openNetlink } = await import('@nlkit/live');
    const transport = openNetlink({ protocol: rtnl.protocol, strictCheck: true, extAck: true, ...(options.netns !== undefined ? { netns: options.netns } : {}) });
    return new IPRoute(transport, options);
  }

  /**
   * Closes the channel and its socket; pending requests fail with `ChannelClosedError`.
   *
   * ```ts
   * const ipr = await IPRoute.open();
   * try { console.log(await ipr.getLinks()); } finally { await ipr.close(); }
   * ```
   */
  close(): Promise<void> {
    return this.channel.close();
  }

  // ---------------------------------------------------------------------------
  // Links

  /**
   * Links, as `ip link`: `add` (`RTM_NEWLINK` with `NLM_F_CREATE |
   * NLM_F_EXCL`), `set` (`RTM_NEWLINK`), `del` (`RTM_DELLINK`), `get`
   * (`RTM_GETLINK`, one link), `dump` (as {@link getLinks}), and
   * `property_add`/`property_del` (`RTM_NEWLINKPROP`/`RTM_DELLINKPROP`, altnames).
   *
   * ```ts
   * await ipr.link('add', { ifname: 'br0', kind: 'bridge', data: { stpState: 'kernel' } });
   * await ipr.link('add', { ifname: 'veth0', kind: 'veth', peer: { ifname: 'veth1', netns: 'other' } });
   * await ipr.link('set', { index: 'veth0', master: 'br0', state: 'up' });
   * await ipr.link('set', { index: 'veth0', slaveKind: 'bridge', slaveData: { cost: 5 } });
   * const br = await ipr.link('get', { ifname: 'br0' });
   * await ipr.link('del', { index: 'veth0' });
   * ```
   * `netns` (and a peer's) may be a namespace name: its file is opened for
   * the request (`IFLA_NET_NS_FD`) and closed after.
   */
  link(command: 'dump', filter?: Filter<LinkFilter, Link>): Promise<Link[]>;
  link(command: 'get', spec: LinkSpecIn): Promise<Link>;
  link<K extends string>(command: 'add' | 'set' | 'del' | 'property_add' | 'property_del', spec: LinkSpecIn<K>): Promise<void>;
  async link(command: string, spec: unknown): Promise<Link | Link[] | void> {
    if (command === 'dump') return this.getLinks(spec as Filter<LinkFilter, Link> | undefined);
    const s = spec as LinkSpecIn;
    const fds: number[] = [];
    try {
      // A device given by name is named so in errors (`link set eth0: ...`), not by its index.
      const label = typeof s.index === 'string' && s.ifname === undefined ? `link ${command} ${s.index}` : undefined;
      const req = await this.#prepare((r) => this.#linkSpec(s, r, fds), (x) => linkRequest(command as 'add', x as LinkSpec), label);
      if (req.kind === 'get') return await this.#get(req, 'RTM_NEWLINK');
      await this.#ack(req);
    } finally {
      if (fds.length) {
        const { closeSync } = await import('node:fs');
        for (const fd of fds) closeSync(fd);
      }
    }
  }

  /**
   * The links, filtered: by `master` and `kind` in the kernel (`IFLA_MASTER`,
   * `IFLA_LINKINFO`), by anything else here. Like `ip -d link show`.
   *
   * ```ts
   * const ports = await ipr.getLinks({ master: 'br0' });
   * const up = await ipr.getLinks({ kind: 'veth', state: 'up' });
   * const big = await ipr.getLinks((l) => (l.attrs.mtu ?? 0) > 1500);
   * ```
   */
  async getLinks(filter: Filter<LinkFilter, Link> = {}): Promise<Link[]> {
    if (typeof filter === 'function') return (await this.#dump(linkRequest('dump'), 'RTM_NEWLINK')).filter(filter);
    if (typeof filter !== 'object' || filter === null) badFilter('link', filter);
    const f = { ...filter, ...(await this.#names(filter, ['master'], 'link dump')) } as LinkFilter & { master?: number };
    const keep = predicates.link(f);
    const links = await this.#dump(linkRequest('dump', pick(f, ['master', 'kind'])), 'RTM_NEWLINK');
    return links.filter(keep);
  }

  /**
   * The indices of the links that match: by name (one `RTM_GETLINK`, altnames
   * included), or by any {@link LinkFilter} field (a dump). Empty when none
   * does, as pyroute2's `link_lookup`.
   *
   * ```ts
   * const [idx] = await ipr.linkLookup({ ifname: 'eth0' });
   * const bridges = await ipr.linkLookup({ kind: 'bridge' });
   * ```
   */
  async linkLookup(query: LinkFilter): Promise<number[]> {
    const keys = Object.keys(query).filter((k) => query[k as keyof LinkFilter] !== undefined);
    if (keys.length === 1 && (keys[0] === 'ifname' || keys[0] === 'altname')) {
      const name = (query.ifname ?? query.altname)!;
      try {
        const link = await this.#get(linkRequest('get', { [keys[0]]: name, attrs: { extMask: ['skipStats'] } }), 'RTM_NEWLINK');
        return [link.header.index];
      } catch (e) {
        if (e instanceof NetlinkError && e.errno === ENODEV) return [];
        throw e;
      }
    }
    return (await this.getLinks(query)).map((l) => l.header.index);
  }

  // ---------------------------------------------------------------------------
  // Addresses

  /**
   * Addresses, as `ip address`: `add` (`RTM_NEWADDR` with `NLM_F_CREATE |
   * NLM_F_EXCL`), `replace` (`NLM_F_CREATE | NLM_F_REPLACE`), `del`
   * (`RTM_DELADDR`), `dump` (as {@link getAddr}).
   *
   * ```ts
   * await ipr.addr('add', { index: 'eth0', address: '10.0.0.1/24', broadcast: '+' });
   * await ipr.addr('add', { index: 'eth0', address: '10.0.0.2/24', label: 'eth0:1' }); // a secondary
   * await ipr.addr('add', { index: 'eth0', address: '2001:db8::1/64', flags: ['nodad'], validLft: 3600 });
   * await ipr.addr('del', { index: 'eth0', address: '10.0.0.2/24' });
   * ```
   */
  addr(command: 'dump', filter?: Filter<AddrFilter, Address>): Promise<Address[]>;
  addr(command: 'add' | 'replace' | 'del', spec: AddrSpecIn): Promise<void>;
  async addr(command: string, spec: unknown): Promise<Address[] | void> {
    if (command === 'dump') return this.getAddr(spec as Filter<AddrFilter, Address> | undefined);
    const s = spec as AddrSpecIn;
    const req = await this.#prepare(async (r) => ({ ...s, index: await r(s.index, 'index') }), (x) => addrRequest(command as 'add', x));
    await this.#ack(req);
  }

  /**
   * The addresses, filtered: by `index` and `family` in the kernel
   * (`ifa_index`, `ifa_family`), by anything else here. Like `ip address show`.
   *
   * ```ts
   * const v4 = await ipr.getAddr({ index: 'eth0', family: 'inet' });
   * const [a] = await ipr.getAddr({ address: '10.0.0.1/24' });
   * ```
   */
  async getAddr(filter: Filter<AddrFilter, Address> = {}): Promise<Address[]> {
    if (typeof filter === 'function') return (await this.#dump(addrRequest('dump'), 'RTM_NEWADDR')).filter(filter);
    if (typeof filter !== 'object' || filter === null) badFilter('address', filter);
    const f = { ...filter, ...(await this.#names(filter, ['index'], 'address dump')) } as AddrFilter & { index?: number };
    const keep = predicates.addr(f);
    return (await this.#dump(addrRequest('dump', pick(f, ['family', 'index'])), 'RTM_NEWADDR')).filter(keep);
  }

  // ---------------------------------------------------------------------------
  // Routes

  /**
   * Routes, as `ip route`: `add` (`RTM_NEWROUTE` with `NLM_F_CREATE |
   * NLM_F_EXCL`), `replace` (`NLM_F_CREATE | NLM_F_REPLACE`), `change`
   * (`NLM_F_REPLACE`), `append` (`NLM_F_CREATE | NLM_F_APPEND`), `prepend`
   * (`NLM_F_CREATE`), `del` (`RTM_DELROUTE`), `get` (`RTM_GETROUTE`, the
   * route the kernel would use, as `ip route get`), `dump` (as {@link getRoutes}).
   *
   * ```ts
   * await ipr.route('add', { dst: 'default', gateway: '10.0.0.254' });
   * await ipr.route('add', { dst: '10.2.0.0/16', oif: 'eth0', table: 1000, metrics: { mtu: 1400, lock: ['mtu'] } });
   * await ipr.route('replace', { dst: '10.3.0.0/16', multipath: [{ gateway: '10.0.0.2', weight: 2 }, { gateway: '10.0.0.3' }] });
   * await ipr.route('add', { dst: '10.4.0.0/16', type: 'blackhole' });
   * const r = await ipr.route('get', { dst: '10.3.1.1' });
   * await ipr.route('del', { dst: '10.2.0.0/16', table: 1000 });
   * ```
   */
  route(command: 'dump', filter?: Filter<RouteFilter, Route>): Promise<Route[]>;
  route(command: 'get', spec: RouteSpecIn): Promise<Route>;
  route(command: 'add' | 'replace' | 'change' | 'append' | 'prepend' | 'del', spec: RouteSpecIn): Promise<void>;
  async route(command: string, spec: unknown): Promise<Route | Route[] | void> {
    if (command === 'dump') return this.getRoutes(spec as Filter<RouteFilter, Route> | undefined);
    const s = spec as RouteSpecIn;
    const req = await this.#prepare(
      async (r) => ({
        ...s,
        oif: await r(s.oif, 'oif'),
        iif: await r(s.iif, 'iif'),
        multipath: s.multipath && (await Promise.all(s.multipath.map(async (nh, i) => ({ ...nh, oif: await r(nh.oif, `multipath[${i}].oif`) })))),
      }),
      (x) => routeRequest(command as 'add', x),
    );
    if (req.kind === 'get') return this.#get(req, 'RTM_NEWROUTE');
    await this.#ack(req);
  }

  /**
   * The routes of every table and family (the IP multicast routing tables,
   * families 128 and 129, included), filtered: by `family`, `table`, `oif`,
   * `protocol` and `type` in the kernel, by anything else here. Like
   * `ip route show table all`. A table that does not exist has no routes.
   *
   * ```ts
   * const main = await ipr.getRoutes({ family: 'inet', table: 'main' });
   * const [def] = await ipr.getRoutes({ dst: 'default', family: 'inet6' });
   * const viaGw = await ipr.getRoutes({ gateway: '10.0.0.2' });
   * ```
   */
  async getRoutes(filter: Filter<RouteFilter, Route> = {}): Promise<Route[]> {
    if (typeof filter === 'function') return (await this.#dump(routeRequest('dump'), 'RTM_NEWROUTE')).filter(filter);
    if (typeof filter !== 'object' || filter === null) badFilter('route', filter);
    const f = { ...filter, ...(await this.#names(filter, ['oif'], 'route dump')) } as RouteFilter & { oif?: number };
    const keep = predicates.route(f);
    try {
      return (await this.#dump(routeRequest('dump', pick(f, ['family', 'table', 'oif', 'protocol', 'type'])), 'RTM_NEWROUTE')).filter(keep);
    } catch (e) {
      // The kernel refuses a dump of a table it does not have ("FIB table does not exist").
      if (e instanceof NetlinkError && e.errno === ENOENT && f.table !== undefined) return [];
      throw e;
    }
  }

  // ---------------------------------------------------------------------------
  // Rules

  /**
   * Policy routing rules, as `ip rule`: `add` (`RTM_NEWRULE`), `del`
   * (`RTM_DELRULE`, by the selectors given), `dump` (as {@link getRules}).
   *
   * ```ts
   * await ipr.rule('add', { priority: 100, src: '10.0.0.0/8', table: 1000 });
   * await ipr.rule('add', { priority: 101, fwmark: 0x10, fwmask: 0xff, table: 'main' });
   * await ipr.rule('del', { priority: 100 });
   * ```
   */
  rule(command: 'dump', filter?: Filter<RuleFilter, Rule>): Promise<Rule[]>;
  rule(command: 'add' | 'del', spec: RuleSpec): Promise<void>;
  async rule(command: string, spec: unknown): Promise<Rule[] | void> {
    if (command === 'dump') return this.getRules(spec as Filter<RuleFilter, Rule> | undefined);
    await this.#ack(ruleRequest(command as 'add', spec as RuleSpec));
  }

  /**
   * The rules, filtered: by `family` in the kernel, by anything else here.
   * Without a family, every family's (the IP multicast routing ones,
   * `RTNL_FAMILY_IPMR` 128 and `RTNL_FAMILY_IP6MR` 129, included). Like `ip rule show`.
   *
   * ```ts
   * const mine = await ipr.getRules({ family: 'inet', table: 1000 });
   * ```
   */
  async getRules(filter: Filter<RuleFilter, Rule> = {}): Promise<Rule[]> {
    if (typeof filter === 'function') return (await this.#dump(ruleRequest('dump'), 'RTM_NEWRULE')).filter(filter);
    if (typeof filter !== 'object' || filter === null) badFilter('rule', filter);
    const keep = predicates.rule(filter);
    return (await this.#dump(ruleRequest('dump', pick(filter, ['family'])), 'RTM_NEWRULE')).filter(keep);
  }

  // ---------------------------------------------------------------------------
  // Neighbours

  /**
   * IP neighbours (ARP/NDP), as `ip neigh`: `add` (`RTM_NEWNEIGH` with
   * `NLM_F_CREATE | NLM_F_EXCL`), `replace`, `change`, `del`
   * (`RTM_DELNEIGH`), `get` (`RTM_GETNEIGH`, one entry), `dump` (as {@link getNeighbours}).
   *
   * ```ts
   * await ipr.neigh('add', { dst: '10.0.0.2', lladdr: '02:00:00:00:00:02', index: 'eth0' });
   * await ipr.neigh('replace', { dst: '10.0.0.2', lladdr: '02:00:00:00:00:03', index: 'eth0', state: 'reachable' });
   * const n = await ipr.neigh('get', { dst: '10.0.0.2', index: 'eth0' });
   * await ipr.neigh('del', { dst: '10.0.0.2', index: 'eth0' });
   * ```
   */
  neigh(command: 'dump', filter?: Filter<NeighFilter, Neighbour>): Promise<Neighbour[]>;
  neigh(command: 'get', spec: NeighSpecIn): Promise<Neighbour>;
  neigh(command: 'add' | 'replace' | 'change' | 'del', spec: NeighSpecIn): Promise<void>;
  async neigh(command: string, spec: unknown): Promise<Neighbour | Neighbour[] | void> {
    if (command === 'dump') return this.getNeighbours(spec as Filter<NeighFilter, Neighbour> | undefined);
    const s = spec as NeighSpecIn;
    const req = await this.#prepare(async (r) => ({ ...s, index: await r(s.index, 'index') }), (x) => neighRequest(command as 'add', x));
    if (req.kind === 'get') return this.#get(req, 'RTM_NEWNEIGH');
    await this.#ack(req);
  }

  /**
   * The IP neighbours, filtered: by `family`, `index`, `master` and `proxy`
   * in the kernel (`NDA_IFINDEX`, `NDA_MASTER`, `NTF_PROXY`), by anything
   * else here. Like `ip neigh show` (and `ip neigh show proxy`).
   *
   * ```ts
   * const arp = await ipr.getNeighbours({ family: 'inet', index: 'eth0' });
   * const stale = await ipr.getNeighbours({ state: 'stale' });
   * ```
   */
  async getNeighbours(filter: Filter<NeighFilter, Neighbour> = {}): Promise<Neighbour[]> {
    if (typeof filter === 'function') return (await this.#dump(neighRequest('dump'), 'RTM_NEWNEIGH')).filter(filter);
    if (typeof filter !== 'object' || filter === null) badFilter('neigh', filter);
    const f = { ...filter, ...(await this.#names(filter, ['index', 'master'], 'neigh dump')) } as NeighFilter & { index?: number; master?: number };
    const keep = predicates.neigh(f);
    return (await this.#dump(neighRequest('dump', pick(f, ['family', 'index', 'master', 'proxy'])), 'RTM_NEWNEIGH')).filter(keep);
  }

  // ---------------------------------------------------------------------------
  // Forwarding database

  /**
   * Bridge and VXLAN forwarding entries, as `bridge fdb`: `add`
   * (`RTM_NEWNEIGH`, `AF_BRIDGE`, `NLM_F_CREATE | NLM_F_EXCL`), `append`
   * (`NLM_F_CREATE | NLM_F_APPEND`), `replace`, `del` (`RTM_DELNEIGH`), `dump` (as {@link getFdb}).
   *
   * ```ts
   * await ipr.fdb('add', { lladdr: '02:00:00:00:00:0a', index: 'veth1', flags: ['master'], state: 'static' });
   * await ipr.fdb('append', { lladdr: '00:00:00:00:00:00', index: 'vxlan0', dst: '192.0.2.5' });
   * await ipr.fdb('del', { lladdr: '02:00:00:00:00:0a', index: 'veth1', flags: ['master'] });
   * ```
   */
  fdb(command: 'dump', filter?: Filter<FdbFilter, Neighbour>): Promise<Neighbour[]>;
  fdb(command: 'add' | 'append' | 'replace' | 'del', spec: FdbSpecIn): Promise<void>;
  async fdb(command: string, spec: unknown): Promise<Neighbour[] | void> {
    if (command === 'dump') return this.getFdb(spec as Filter<FdbFilter, Neighbour> | undefined);
    const s = spec as FdbSpecIn;
    const req = await this.#prepare(async (r) => ({ ...s, index: await r(s.index, 'index'), via: await r(s.via, 'via') }), (x) => fdbRequest(command as 'add', x));
    await this.#ack(req);
  }

  /**
   * The forwarding entries, filtered: by `index` (the port or VXLAN device)
   * and `master` (the bridge) in the kernel, by anything else here. Like `bridge fdb show`.
   *
   * ```ts
   * const learnt = await ipr.getFdb({ master: 'br0' });
   * const remotes = await ipr.getFdb({ index: 'vxlan0', lladdr: '00:00:00:00:00:00' });
   * ```
   */
  async getFdb(filter: Filter<FdbFilter, Neighbour> = {}): Promise<Neighbour[]> {
    if (typeof filter === 'function') return (await this.#dump(fdbRequest('dump'), 'RTM_NEWNEIGH')).filter(filter);
    if (typeof filter !== 'object' || filter === null) badFilter('fdb', filter);
    const f = { ...filter, ...(await this.#names(filter, ['index', 'master'], 'fdb dump')) } as FdbFilter & { index?: number; master?: number };
    const keep = predicates.fdb(f);
    return (await this.#dump(fdbRequest('dump', pick(f, ['index', 'master'])), 'RTM_NEWNEIGH')).filter(keep);
  }

  // ---------------------------------------------------------------------------
  // Bridge VLANs

  /**
   * The VLANs of bridge ports, as `bridge vlan`: `add` (`RTM_SETLINK`,
   * `AF_BRIDGE`, `IFLA_BRIDGE_VLAN_INFO` in `IFLA_AF_SPEC`), `del`
   * (`RTM_DELLINK`), `dump` (as {@link getVlans}). Needs a kernel with
   * bridge VLAN filtering, and `vlanFiltering: 1` on the bridge.
   *
   * ```ts
   * await ipr.vlan('add', { index: 'veth1', vid: 10, pvid: true, untagged: true });
   * await ipr.vlan('add', { index: 'veth1', vid: [100, 199] });
   * await ipr.vlan('del', { index: 'veth1', vid: 10 });
   * ```
   */
  vlan(command: 'dump', filter?: Filter<VlanFilter, Link>): Promise<Link[]>;
  vlan(command: 'add' | 'del', spec: VlanSpecIn): Promise<void>;
  async vlan(command: string, spec: unknown): Promise<Link[] | void> {
    if (command === 'dump') return this.getVlans(spec as Filter<VlanFilter, Link> | undefined);
    const s = spec as VlanSpecIn;
    const req = await this.#prepare(async (r) => ({ ...s, index: await r(s.index, 'index') }), (x) => vlanRequest(command as 'add', x));
    await this.#ack(req);
  }

  /**
   * Bridges and bridge ports that have VLANs: `RTM_NEWLINK` messages of
   * family `AF_BRIDGE` whose `IFLA_AF_SPEC` lists `IFLA_BRIDGE_VLAN_INFO`s
   * (read them with {@link bridgeVlans}). The kernel dumps every port
   * (`RTEXT_FILTER_BRVLAN`); `index` is filtered here. Like `bridge vlan show`.
   *
   * ```ts
   * for (const port of await ipr.getVlans()) console.log(port.attrs.ifname, bridgeVlans(port));
   * ```
   */
  async getVlans(filter: Filter<VlanFilter, Link> = {}): Promise<Link[]> {
    const ports = (await this.#dump(vlanRequest('dump'), 'RTM_NEWLINK')).filter((l) => bridgeVlans(l).length > 0);
    if (typeof filter === 'function') return ports.filter(filter);
    if (typeof filter !== 'object' || filter === null) badFilter('vlan', filter);
    const f = { ...filter, ...(await this.#names(filter, ['index'], 'vlan dump')) } as VlanFilter & { index?: number };
    return ports.filter(predicates.vlan(f));
  }

  // ---------------------------------------------------------------------------
  // Traffic control

  /**
   * Traffic control, as `tc` and pyroute2's `IPRoute.tc`: the command names
   * the object and what to do with it, `kind` the qdisc, class (its
   * qdisc's), classifier or action kind, and `spec` the rest with tc's
   * keywords, devices by index or name. Options are computed as `tc`
   * computes them (`@nlkit/tc`'s `qdiscRequest`, `classRequest`,
   * `filterRequest`, `actionRequest`: rate tables, bursts in ticks, u32
   * selectors); kinds those builders do not know take raw `options`.
   *
   * - `add`, `change`, `replace`, `del`: qdiscs (`RTM_NEWQDISC` with
   *   `NLM_F_CREATE | NLM_F_EXCL`, none, `NLM_F_CREATE | NLM_F_REPLACE`;
   *   `RTM_DELQDISC`);
   * - `add-class`, `change-class`, `replace-class`, `del-class`: classes
   *   (`RTM_NEWTCLASS` with `TCA_HTB_PARMS` and the rate tables for htb; `RTM_DELTCLASS`);
   * - `add-filter`, `change-filter`, `replace-filter`, `del-filter`: filters
   *   (`RTM_NEWTFILTER`, `RTM_DELTFILTER`; `del-filter` without `prio`
   *   deletes every filter of the chain, as the kernel does);
   * - `add-action`, `change-action`, `replace-action`, `del-action`:
   *   standalone actions (`RTM_NEWACTION` with `TCA_ROOT_TAB`, `RTM_DELACTION`).
   *
   * ```ts
   * await ipr.tc('add', 'htb', { index: 'eth0', handle: '1:', default: 0x30 });
   * await ipr.tc('add-class', 'htb', { index: 'eth0', parent: '1:', classid: '1:10', rate: '30mbit', ceil: '100mbit', prio: 1 });
   * await ipr.tc('add-filter', 'u32', { index: 'eth0', parent: '1:', prio: 1, protocol: 'ip', match: 'ip dst 10.0.0.2/32', flowid: '1:10' });
   * await ipr.tc('add', 'tbf', { index: 'eth1', handle: '2:', rate: '1mbit', burst: '32kb', latency: '50ms' });
   * await ipr.tc('add', 'ingress', { index: 'eth1' });
   * await ipr.tc('add-filter', 'u32', {
   *   index: 'eth1', parent: 'ffff:', protocol: 'ip', match: 'u32 0 0',
   *   actions: [{ kind: 'mirred', action: 'egress redirect', ifindex: 'ifb0' }],
   * });
   * await ipr.tc('del-class', 'htb', { index: 'eth0', classid: '1:10' });
   * await ipr.tc('del', '', { index: 'eth0', parent: 'root' });
   * ```
   * Refusals are `NetlinkError`s labelled with the command, the kind and
   * the object: `tc add-class htb 1:10: ENOENT (No such file or directory)`,
   * `tc add netem 1:: ENOENT (No such file or directory): Specified qdisc kind is unknown`
   * @throws SpecError for a spec the builders refuse, before anything is sent.
   */
  tc<K extends string>(command: 'add' | 'change' | 'replace', kind: K, spec: QdiscSpecIn<K>): Promise<void>;
  tc(command: 'del', kind: string, spec: QdiscRef): Promise<void>;
  tc<K extends string>(command: 'add-class' | 'change-class' | 'replace-class', kind: K, spec: ClassSpecIn<K>): Promise<void>;
  tc(command: 'del-class', kind: string, spec: ClassRef): Promise<void>;
  tc<K extends string>(command: 'add-filter' | 'change-filter' | 'replace-filter', kind: K, spec: FilterSpecIn<K>): Promise<void>;
  tc(command: 'del-filter', kind: string, spec: FilterRef): Promise<void>;
  tc<K extends string>(command: 'add-action' | 'change-action' | 'replace-action', kind: K, spec: ActionSpecOf<K>): Promise<void>;
  tc(command: 'del-action', kind: string, spec: ActionRef): Promise<void>;
  tc(command: string, kind: string, spec: object): Promise<void> {
    return this.#tc.command(command as 'add', kind, spec);
  }

  /**
   * The qdiscs (`RTM_GETQDISC` dump), filtered here by any
   * {@link QdiscQuery} field. Like `tc -s -d qdisc show`: statistics in
   * `attrs.stats2` (`basic`: bytes, packets; `queue`: qlen, backlog, drops,
   * requeues, overlimits), options in `attrs.options` (read one kind's with
   * `qdiscOptionsOf`), the handle with `handleOf`.
   *
   * ```ts
   * const [root] = await ipr.getQdiscs({ index: 'eth0', parent: 'root' });
   * console.log(root.attrs.kind, handleOf(root), root.attrs.stats2?.queue?.drops);
   * const ingress = await ipr.getQdiscs({ kind: 'ingress' });
   * ```
   */
  getQdiscs(filter?: Filter<QdiscQuery, Qdisc>): Promise<Qdisc[]> {
    return this.#tc.qdiscs(filter);
  }

  /**
   * The traffic classes (`RTM_GETTCLASS` dumps, one per device; the kernel
   * selects the qdisc by `classid`'s or `parent`'s major), filtered here by
   * any {@link ClassQuery} field. Like `tc -s -d class show`: htb's
   * `TCA_HTB_PARMS` in `attrs.options.parms` (`htbClassParams` gives rate,
   * ceil, burst and cburst as tc prints them), `struct tc_htb_xstats` in
   * `attrs.stats2.app`.
   *
   * ```ts
   * const classes = await ipr.getClasses({ index: 'eth0', kind: 'htb' });
   * const [c] = await ipr.getClasses({ index: 'eth0', classid: '1:10' });
   * ```
   */
  getClasses(filter?: Filter<ClassQuery, TcClass>): Promise<TcClass[]> {
    return this.#tc.classes(filter);
  }

  /**
   * The filters (`RTM_GETTFILTER` dumps; the kernel filters by device,
   * parent, `prio`, `protocol` and `chain`), filtered here by any
   * {@link FilterQuery} field. Without `parent`, every qdisc of the device
   * (both hooks of clsact) and every class of htb, hfsc and drr qdiscs is
   * dumped: one request each. Like `tc -s -d filter show`, a classifier's
   * priority band, hash tables and nodes are separate messages; read them
   * with `filterPrio`, `filterProtocolName`, `handleOf`, `filterOptionsOf`.
   *
   * ```ts
   * const ingress = await ipr.getFilters({ index: 'eth1', parent: 'ffff:' });
   * const nodes = (await ipr.getFilters({ index: 'eth0', kind: 'u32' })).filter((f) => filterOptionsOf(f, 'u32')?.sel);
   * ```
   */
  getFilters(filter?: Filter<FilterQuery, TcFilter>): Promise<TcFilter[]> {
    return this.#tc.filters(filter);
  }

  /**
   * The actions of kind `kind` (`RTM_GETACTION` dump with `TCA_ROOT_TAB`
   * naming the kind, `TCA_ACT_FLAG_LARGE_DUMP_ON`), standalone and bound to
   * filters alike, as `tc -s actions ls action KIND`; without a kind, those
   * of every kind `@nlkit/tc` knows (one dump each). Each is one decoded
   * `tc-act-attrs` entry: `kind`, `index`, `options` (read one kind's with
   * `actionOptionsOf`), `stats`.
   *
   * ```ts
   * for (const a of await ipr.getActions('mirred')) console.log(a.index, actionOptionsOf(a, 'mirred')?.parms?.ifindex);
   * ```
   */
  getActions(kind?: string): Promise<TcAction[]> {
    return this.#tc.actions(kind);
  }

  // ---------------------------------------------------------------------------

  /**
   * Builds a request from a spec whose device fields may be names: first
   * with stand-in indices, so a bad spec fails before any I/O, then with
   * the names looked up (a missing one is a `NetlinkError` `ENODEV` naming
   * the operation). `label` replaces the builder's name for the operation.
   */
  async #prepare<S, R extends RtnlRequest>(resolve: (r: Resolve) => Promise<S> | S, build: (spec: S) => R, label?: string): Promise<R> {
    const probed = build(await resolve(probe)); // a bad spec fails here, before any I/O
    const operation = label ?? probed.operation;
    const lookup = (async (ref: Iface | undefined, field: string) => {
      if (typeof ref !== 'string') return ref;
      const [index] = await this.linkLookup({ ifname: ref });
      if (index === undefined) throw new NetlinkError({ errno: ENODEV, operation, extack: { message: `no device named "${ref}" (${field})` } });
      return index;
    }) as Resolve;
    const req = build(await resolve(lookup));
    return label === undefined ? req : { ...req, operation: label };
  }

  /** The device fields `keys` of a filter, names looked up (an unknown name is `ENODEV`). */
  async #names<F extends object>(filter: F, keys: readonly (keyof F & string)[], operation: string): Promise<Partial<Record<keyof F, number>>> {
    const out: Partial<Record<keyof F, number>> = {};
    for (const k of keys) {
      const ref = filter[k];
      if (typeof ref !== 'string') continue;
      const [index] = await this.linkLookup({ ifname: ref });
      if (index === undefined) throw new NetlinkError({ errno: ENODEV, operation, extack: { message: `no device named "${ref}" (${k})` } });
      out[k] = index;
    }
    return out;
  }

  /** A link spec with devices looked up, and namespace names opened (their fds collected in `fds` to close). */
  async #linkSpec(s: LinkSpecIn, r: Resolve, fds: number[]): Promise<LinkSpec> {
    const ns = async (n: string | LinkNetns | undefined): Promise<LinkNetns | undefined> => {
      if (typeof n !== 'string') return n;
      if (r === probe) return { fd: 0 };
      const [{ openSync, constants }, { netnsPath }] = await Promise.all([import('node:fs'), import('@nlkit/live')]);
      const fd = openSync(netnsPath(n), constants.O_RDONLY);
      fds.push(fd);
      return { fd };
    };
    const peer = typeof s.peer === 'object' ? { ...s.peer, netns: await ns(s.peer.netns) } : s.peer;
    return {
      ...s,
      index: await r(s.index, 'index'),
      link: await r(s.link, 'link'),
      master: s.master === null ? null : await r(s.master, 'master'),
      netns: await ns(s.netns),
      peer,
    };
  }

  async #ack(req: RtnlRequest): Promise<void> {
    await this.channel.request(req.message, { operation: req.operation, ...this.#timeout() });
  }

  async #get<N extends 'RTM_NEWLINK' | 'RTM_NEWROUTE' | 'RTM_NEWNEIGH'>(req: RtnlRequest, name: N): Promise<MessageOf<Rtnl, N>> {
    const replies = await this.channel.request(req.message, { ack: false, operation: req.operation, ...this.#timeout() });
    const found = replies.find((m) => m.name === name);
    if (!found) throw new NetlinkError({ errno: ENOENT, operation: req.operation, extack: { message: `no ${name} in the reply` } });
    return found as MessageOf<Rtnl, N>;
  }

  async #dump<N extends 'RTM_NEWLINK' | 'RTM_NEWADDR' | 'RTM_NEWROUTE' | 'RTM_NEWRULE' | 'RTM_NEWNEIGH'>(req: RtnlRequest, name: N): Promise<MessageOf<Rtnl, N>[]> {
    // Collected whole by the engine (no await per message), then kept by name.
    const all = await this.channel.dumpAll(req.message, { operation: req.operation, retries: this.#retries, ...this.#timeout() });
    const out: MessageOf<Rtnl, N>[] = [];
    for (let i = 0; i < all.length; i++) {
      const m = all[i]!;
      if (m.name === name) out.push(m as MessageOf<Rtnl, N>);
    }
    return out;
  }

  #timeout(): { timeoutMs?: number } {
    return this.#timeoutMs === undefined ? {} : { timeoutMs: this.#timeoutMs };
  }
}
