/**
 * Record handles: what lookups return. A handle names an object (a source
 * and the object's identity) and reads it from the store on each access,
 * so it always shows the kernel's current state as seen through events;
 * when the object is gone it shows the last state seen, and `exists` is
 * false. Change methods record into a transaction: nothing is sent until
 * it commits.
 */
import type { Address as AddressMsg, Link, Neighbour as NeighbourMsg, Route as RouteMsg, Rule as RuleMsg } from '@nlkit/client';
import type { FdbSpec, NeighSpec, RouteSpec, RuleSpec, NextHopSpec, AddrSpec, LinkSpec } from '@nlkit/rtnl';
import type { Loc } from './bytes.js';
import { AF_INET, AF_INET6, IFF, NTF } from './constants.js';
import { ReadOnlyError } from './errors.js';
import {
  KIND_DEFS, addr, decodePayload, link, locOf, neigh, probe, route, rule, sameNexthops, type ObjectKind,
} from './kinds.js';
import type { RecordTable } from './table.js';

// ---------------------------------------------------------------------------
// What handles are bound to

/** One source's records, as views read them (a live source, or a snapshot's copy). */
export interface SourceData {
  readonly name: string;
  readonly tables: Readonly<Record<ObjectKind, RecordTable>>;
  indexOf(ifname: string): number | undefined;
}

/** The sources a view reads. */
export interface DataSet {
  list(): readonly SourceData[];
  get(name: string): SourceData | undefined;
}

/** A device in a change: by index or name, or a handle. */
export type IfaceRef = number | string | Interface;

/** A device a transaction acts on: one that exists (by index), or one the transaction creates (by name). */
export type LinkRef = { readonly source: string; readonly index: number } | { readonly source: string; readonly pending: string };

/** Link attributes a transaction can change (`ip link set` keywords). */
export interface LinkChanges {
  /** `name` (`IFLA_IFNAME`): rename the device. */
  ifname?: string;
  /** `mtu` (`IFLA_MTU`). */
  mtu?: number;
  /** The MAC address. */
  address?: string;
  /** `txqueuelen` (`IFLA_TXQLEN`). */
  txqlen?: number;
  /** `alias` (`IFLA_IFALIAS`). */
  alias?: string;
  /** `group` (`IFLA_GROUP`). */
  group?: number;
  /** `up`/`down`: `IFF_UP` in `ifi_flags`. */
  state?: 'up' | 'down';
  /** `promisc on|off` (`IFF_PROMISC`). */
  promisc?: boolean;
  /** `arp on|off` (`IFF_NOARP` cleared or set). */
  arp?: boolean;
  /** `multicast on|off` (`IFF_MULTICAST`). */
  multicast?: boolean;
  /** `allmulticast on|off` (`IFF_ALLMULTI`). */
  allmulticast?: boolean;
  /** Enslave to this device, or `null` to release (`nomaster`). */
  master?: IfaceRef | null;
  /** The kind's options (`IFLA_INFO_DATA`: `{ stpState: 'kernel' }` for a bridge). */
  data?: Record<string, unknown>;
  /** Port options under the master (`IFLA_INFO_SLAVE_DATA`: `{ cost: 5 }` on a bridge port). */
  slaveData?: Record<string, unknown>;
}

/** An interface to create: `ip link add` keywords; devices by index, name or handle. */
export interface CreateSpec extends Omit<LinkSpec, 'index' | 'link' | 'master' | 'netns' | 'peer' | 'attrs' | 'altname' | 'slaveKind' | 'slaveData'> {
  ifname: string;
  kind: string;
  /** The source to create it in (default: the database's first). */
  source?: string;
  /** The lower device (`link`): for vlan, macvlan, vxlan, ... */
  link?: IfaceRef;
  /** Enslave at creation. */
  master?: IfaceRef;
  /** The peer of a veth/vxcan/netkit pair: its name, or its name and attributes (`netns` a namespace name). */
  peer?: string | {
    /** The peer's name (`IFLA_IFNAME`). */
    ifname?: string;
    /** The peer's MAC address (`IFLA_ADDRESS`). */
    address?: string;
    /** The peer's MTU (`IFLA_MTU`). */
    mtu?: number;
    /** The peer's transmit queue length (`IFLA_TXQLEN`). */
    txqlen?: number;
    /** Create the peer in this namespace (a name from `ip netns`). */
    netns?: string;
  };
  /** Further `IFLA_*` attributes, by friendly name, as `LinkSpec.attrs`. */
  attrs?: LinkSpec['attrs'];
}

/** An address to add or delete: `'10.0.0.1/24'` style, and `ip address` keywords. */
export interface AddrChange extends Omit<AddrSpec, 'index'> {
  address: string;
}

/** A route to add: `ip route` keywords; devices by index, name or handle. */
export interface RouteAdd extends Omit<RouteSpec, 'oif' | 'iif' | 'multipath'> {
  /** The source to add it in (default: the database's first). */
  source?: string;
  /** The output device (`RTA_OIF`, `dev`). */
  oif?: IfaceRef;
  /** The input device (`RTA_IIF`, `iif`). */
  iif?: IfaceRef;
  /** `RTA_MULTIPATH`: the next hops (`nexthop via … dev …`). */
  multipath?: (Omit<NextHopSpec, 'oif'> & {
    /** The next hop's device. */
    oif?: IfaceRef;
  })[];
}

/** Route fields a transaction can change. */
export type RouteChanges = Omit<RouteAdd, 'source'>;

/** A neighbour to add (`ip neigh add`). */
export interface NeighAdd extends Omit<NeighSpec, 'index'> {
  /** The source to add it in (default: the database's first). */
  source?: string;
  /** The interface (`dev`). */
  index: IfaceRef;
}

/** A forwarding entry to add (`bridge fdb add`). */
export interface FdbAdd extends Omit<FdbSpec, 'index' | 'via'> {
  /** The source to add it in (default: the database's first). */
  source?: string;
  /** The port or VXLAN device (`dev`). */
  index: IfaceRef;
  /** `via DEV`: the device to reach a VXLAN remote through (`NDA_IFINDEX`). */
  via?: IfaceRef;
}

/** A rule to add (`ip rule add`). */
export interface RuleAdd extends RuleSpec {
  /** The source to add it in (default: the database's first). */
  source?: string;
}

/** What a transaction offers handles; see `Transaction`. @internal */
export interface TxApi {
  ref(source: string, ref: IfaceRef): LinkRef;
  createLink(source: string, spec: CreateSpec): void;
  setLink(ref: LinkRef, changes: LinkChanges): void;
  removeLink(ref: LinkRef): void;
  setPort(port: LinkRef, master: LinkRef | null): void;
  addAddress(ref: LinkRef, change: AddrChange): void;
  delAddress(ref: LinkRef, change: AddrChange): void;
  addRoute(source: string, spec: RouteAdd): void;
  setRoute(source: string, before: Uint8Array, changes: RouteChanges): void;
  delRoute(source: string, before: Uint8Array): void;
  addRule(source: string, spec: RuleSpec): void;
  delRule(source: string, before: Uint8Array): void;
  addNeigh(source: string, spec: NeighAdd): void;
  delNeigh(source: string, before: Uint8Array): void;
  addFdb(source: string, spec: FdbAdd): void;
  delFdb(source: string, before: Uint8Array): void;
  commit(options?: { timeoutMs?: number }): Promise<unknown>;
}

/** What freezing goes through. @internal */
export interface FreezeApi {
  freeze(source: string, index: number): void;
  unfreeze(source: string, index: number): void;
  isFrozen(source: string, index: number): boolean;
}

/** What a handle reads from and changes through. @internal */
export interface Binding {
  readonly data: DataSet;
  /** The transaction changes go to, found when a change is made; undefined: read-only. */
  readonly tx: ((what: string) => TxApi) | undefined;
  /** The same data, read-only. */
  readonly ro: Binding;
  readonly freezer: FreezeApi | undefined;
  /** The source objects go to when none is named. */
  defaultSource(): string;
}

// ---------------------------------------------------------------------------

const families: Record<number, 'inet' | 'inet6'> = { [AF_INET]: 'inet', [AF_INET6]: 'inet6' };

/** The common part of every handle. */
abstract class Handle<M> {
  /** The source (namespace) the object is in. */
  readonly source: string;
  /** The state the handle reads, and the transaction it records into. */
  protected readonly binding: Binding;
  /** The object's identity: a payload its key and identity are read from. */
  protected id: Uint8Array;
  /** The payload last seen, for when the object is gone. */
  #last: Uint8Array | undefined;
  #lastStamp = -1;
  #lastTable: RecordTable | undefined;
  #cache: { table: RecordTable; epoch: number; stamp: number; msg: M } | undefined;
  protected abstract readonly objectKind: ObjectKind;

  constructor(binding: Binding, source: string, id: Uint8Array) {
    this.binding = binding;
    this.source = source;
    this.id = id;
  }

  /** True when the view is read-only: change methods throw {@link ReadOnlyError}. */
  get readOnly(): boolean {
    return this.binding.tx === undefined;
  }

  /** The table of the object's kind in its source, if the source is still there. */
  protected store(): RecordTable | undefined {
    return this.binding.data.get(this.source)?.tables[this.objectKind];
  }

  /** The slot of the object now, or -1. */
  protected slot(): number {
    const t = this.store();
    if (!t) return -1;
    const def = KIND_DEFS[this.objectKind];
    const me = locOf(this.id);
    const c: Loc = { ...me };
    let first = -1;
    for (const s of t.chain(t.firstOf(this.id))) {
      t.loc(s, c);
      if (!def.same(c, me)) continue;
      if (this.objectKind !== 'route' || route.family(me) === AF_INET6 || sameNexthops(c, me)) return s;
      if (first < 0) first = s;
    }
    return first;
  }

  /** The bytes to read: the current record, else the last seen. */
  protected rec(): Loc {
    const t = this.store();
    const s = this.slot();
    if (!t || s < 0) return locOf(this.#last ?? this.id);
    const stamp = t.stamp(s);
    if (stamp !== this.#lastStamp || t !== this.#lastTable) {
      this.#last = t.copy(s);
      this.#lastStamp = stamp;
      this.#lastTable = t;
      if (this.objectKind !== 'interface') this.id = this.#last;
    }
    return locOf(this.#last!);
  }

  /** True while the object is in the view. */
  get exists(): boolean {
    return this.slot() >= 0;
  }

  /** The object decoded in full (cached until it changes): `header` and `attrs` by friendly name. */
  get msg(): M {
    const r = this.rec();
    const t = this.#lastTable;
    const c = this.#cache;
    if (t && c && c.table === t && c.epoch === t.epoch && c.stamp === this.#lastStamp) return c.msg;
    const msg = decodePayload(KIND_DEFS[this.objectKind].newType, r) as M;
    if (t) this.#cache = { table: t, epoch: t.epoch, stamp: this.#lastStamp, msg };
    return msg;
  }

  /** The payload as now (or last) seen, a copy. @internal */
  payload(): Uint8Array {
    const r = this.rec();
    return r.b.slice(r.off, r.off + r.len);
  }

  /** The transaction to record a change in, or a {@link ReadOnlyError}. */
  protected tx(what: string): TxApi {
    if (!this.binding.tx) throw new ReadOnlyError(what);
    return this.binding.tx(what);
  }

  /** Commits the transaction this object's changes went to (the current one, or the one it was taken from). */
  commit(options?: { timeoutMs?: number }): Promise<unknown> {
    return this.tx('commit').commit(options);
  }
}

/** A source's data, or a clear error. */
function sourceData(b: Binding, name: string): SourceData | undefined {
  return b.data.get(name);
}

// ---------------------------------------------------------------------------
// Interfaces

/**
 * A network interface (link). `ipaddr` lists its addresses; `ports` the
 * devices enslaved to it; `master` its bridge, bond or VRF.
 *
 * ```ts
 * const eth0 = db.interfaces.get('eth0')!;
 * eth0.mtu; eth0.state; [...eth0.ipaddr]; eth0.ipaddr.ipv4;
 * const tx = db.begin();
 * tx.interface('eth0').set({ mtu: 1400 }).up().addIp('10.0.0.2/24');
 * await tx.commit();
 * ```
 */
export class Interface extends Handle<Link> {
  /** Which table of a source the object lives in. */
  protected readonly objectKind = 'interface' as const;
  /** The name it is created with, while it is pending in a transaction. */
  readonly #pending: CreateSpec | undefined;

  /** @internal */
  constructor(binding: Binding, source: string, index: number, pending?: CreateSpec) {
    super(binding, source, probe.link(index));
    this.#pending = pending;
  }

  /**
   * The interface of a stored record.
   * @internal
   */
  static ofRecord(binding: Binding, source: string, r: Loc): Interface {
    return new Interface(binding, source, link.index(r));
  }

  /** The device's index; for one a transaction creates, its index once it exists, else 0. */
  get index(): number {
    const i = link.index(locOf(this.id));
    if (i !== 0 || !this.#pending) return i;
    const found = sourceData(this.binding, this.source)?.indexOf(this.#pending.ifname);
    if (found !== undefined) this.id = probe.link(found);
    return found ?? 0;
  }

  /** True for an interface a transaction creates and that does not exist yet. */
  get pending(): boolean {
    return this.index === 0;
  }

  override get exists(): boolean {
    return this.index !== 0 && super.exists;
  }

  /** @internal The reference transactions use. */
  ref(): LinkRef {
    const index = this.index;
    return index !== 0 ? { source: this.source, index } : { source: this.source, pending: this.#pending!.ifname };
  }

  #r(): Loc {
    this.index;
    return this.rec();
  }

  /** `IFLA_IFNAME`. */
  get name(): string {
    if (this.pending) return this.#pending!.ifname;
    return link.ifname(this.#r()) ?? '';
  }
  /** Same as {@link name}, as pyroute2 calls it. */
  get ifname(): string {
    return this.name;
  }
  /** `IFLA_INFO_KIND`: `veth`, `bridge`, ...; undefined for devices without one (`lo`). */
  get kind(): string | undefined {
    if (this.pending) return this.#pending!.kind;
    return link.kind(this.#r());
  }
  /** `IFLA_MTU`. */
  get mtu(): number | undefined {
    if (this.pending) return this.#pending!.mtu;
    return link.mtu(this.#r());
  }
  /** The MAC address (`IFLA_ADDRESS`). */
  get address(): string | undefined {
    if (this.pending) return this.#pending!.address;
    return link.address(this.#r());
  }
  /** `ifi_flags` (`IFF_*`). */
  get flags(): number {
    return this.pending ? 0 : link.flags(this.#r());
  }
  /** Administrative state: `IFF_UP`. */
  get state(): 'up' | 'down' {
    return this.flags & IFF.UP ? 'up' : 'down';
  }
  /** `IFLA_OPERSTATE`: `up`, `down`, `lowerlayerdown`, `unknown`, ... */
  get operstate(): string | undefined {
    return this.pending ? undefined : (this.msg.attrs.operstate as string | undefined);
  }
  /** `IFLA_TXQLEN`: the transmit queue length. */
  get txqlen(): number | undefined {
    return this.pending ? undefined : this.msg.attrs.txqlen;
  }
  /** `IFLA_IFALIAS`. */
  get alias(): string | undefined {
    return this.pending ? undefined : this.msg.attrs.ifalias;
  }
  /** The whole `IFLA_*` set, decoded. */
  get attrs(): Link['attrs'] {
    return this.msg.attrs;
  }

  /** The bridge, bond or VRF it is enslaved to. */
  get master(): Interface | undefined {
    if (this.pending) return undefined;
    const m = link.master(this.#r());
    return m ? new Interface(this.binding, this.source, m) : undefined;
  }

  /** The lower device (`IFLA_LINK`), when in the same namespace. */
  get link(): Interface | undefined {
    if (this.pending) return undefined;
    const l = link.link(this.#r());
    if (!l) return undefined;
    const t = this.store();
    return t && t.firstOf(probe.link(l)) >= 0 ? new Interface(this.binding, this.source, l) : undefined;
  }

  /** The devices enslaved to it. */
  get ports(): Interface[] {
    const index = this.index;
    const t = this.store();
    if (!t || index === 0) return [];
    const out: Interface[] = [];
    const c = locOf(this.id);
    for (const s of t.slots()) if (link.master(t.loc(s, c)) === index) out.push(new Interface(this.binding, this.source, link.index(c)));
    return out;
  }

  /** Its addresses: iterate for `[address, prefixlen]` pairs, or use `.ipv4`, `.ipv6`, `.get()`. */
  get ipaddr(): IpAddrList {
    return new IpAddrList(this.binding, this.source, this.index);
  }

  /** Its IP neighbours (ARP/NDP entries). */
  get neighbours(): Neighbour[] {
    const t = sourceData(this.binding, this.source)?.tables.neighbour;
    const index = this.index;
    if (!t || index === 0) return [];
    const out: Neighbour[] = [];
    const c = locOf(this.id);
    for (const s of t.slots()) if (neigh.ifindex(t.loc(s, c)) === index) out.push(new Neighbour(this.binding, this.source, t.copy(s)));
    return out;
  }

  /** The routes out of it (as `RTA_OIF` or a next hop), every table. */
  get routes(): Route[] {
    const t = sourceData(this.binding, this.source)?.tables.route;
    const index = this.index;
    if (!t || index === 0) return [];
    const out: Route[] = [];
    const c = locOf(this.id);
    for (const s of t.slots()) if (route.oifs(t.loc(s, c)).includes(index)) out.push(new Route(this.binding, this.source, t.copy(s)));
    return out;
  }

  /** The same interface through a read-only view: reads work, changes throw. */
  get ro(): Interface {
    return new Interface(this.binding.ro, this.source, link.index(locOf(this.id)), this.#pending);
  }

  // -- changes (recorded in a transaction) --------------------------------

  /** Records attribute changes: `set({ mtu: 1400, address: '02:00:00:00:00:01', ifname: 'wan' })`. */
  set(changes: LinkChanges): this {
    const tx = this.tx(`interface ${this.name}: set`);
    const { master, ...rest } = changes;
    if (master !== undefined) tx.setPort(this.ref(), master === null ? null : tx.ref(this.source, master));
    if (Object.keys(rest).some((k) => (rest as Record<string, unknown>)[k] !== undefined)) tx.setLink(this.ref(), rest);
    return this;
  }
  /** Records `state up`. */
  up(): this {
    return this.set({ state: 'up' });
  }
  /** Records `state down`. */
  down(): this {
    return this.set({ state: 'down' });
  }
  /** Records an address to add: `addIp('10.0.0.1/24')`, `addIp('10.0.0.1', 24)`, `addIp('2001:db8::1/64', { flags: ['nodad'] })`. */
  addIp(address: string, prefixlen?: number | Omit<AddrChange, 'address'>, options?: Omit<AddrChange, 'address'>): this {
    this.tx(`interface ${this.name}: add address`).addAddress(this.ref(), addrChange(address, prefixlen, options));
    return this;
  }
  /** Records an address to remove: `delIp('10.0.0.1/24')`, `delIp('10.0.0.1', 24)`. */
  delIp(address: string, prefixlen?: number): this {
    this.tx(`interface ${this.name}: delete address`).delAddress(this.ref(), addrChange(address, prefixlen));
    return this;
  }
  /** Records enslaving `port` (a name, an index or a handle) to this bridge, bond or VRF. */
  addPort(port: IfaceRef): this {
    const tx = this.tx(`interface ${this.name}: add port`);
    tx.setPort(tx.ref(this.source, port), this.ref());
    return this;
  }
  /** Records releasing `port` from this device. */
  delPort(port: IfaceRef): this {
    const tx = this.tx(`interface ${this.name}: delete port`);
    tx.setPort(tx.ref(this.source, port), null);
    return this;
  }
  /** Records deleting the interface. */
  remove(): this {
    this.tx(`interface ${this.name}: remove`).removeLink(this.ref());
    return this;
  }

  /**
   * Freezes the interface: from now on, changes others make to its name,
   * MTU, MAC, state, master or addresses are reverted as they appear in
   * the events. Changes committed through this database update the frozen
   * state. Not transactional: it takes effect at once.
   */
  freeze(): this {
    if (!this.binding.freezer || !this.binding.tx) throw new ReadOnlyError(`interface ${this.name}: freeze`);
    this.binding.freezer.freeze(this.source, this.index);
    return this;
  }
  /** Stops reverting outside changes. */
  unfreeze(): this {
    this.binding.freezer?.unfreeze(this.source, this.index);
    return this;
  }
  /** True while frozen. */
  get frozen(): boolean {
    return this.binding.freezer?.isFrozen(this.source, this.index) ?? false;
  }

  /** A summary for logs and `JSON.stringify`. */
  toJSON(): Record<string, unknown> {
    return { source: this.source, index: this.index, ifname: this.name, kind: this.kind, state: this.state, mtu: this.mtu, address: this.address, master: this.master?.name, ipaddr: [...this.ipaddr].map(([a, l]) => `${a}/${l}`) };
  }
}

function addrChange(address: string, prefixlen?: number | Omit<AddrChange, 'address'>, options?: Omit<AddrChange, 'address'>): AddrChange {
  if (typeof prefixlen === 'object') return { ...prefixlen, address };
  const text = prefixlen !== undefined && !address.includes('/') ? `${address}/${prefixlen}` : address;
  return { ...options, address: text };
}

/**
 * The addresses of an interface, in the shape of IPDB's `ipaddr`:
 * iterating gives `[address, prefixlen]` pairs; `ipv4`/`ipv6` the pairs of
 * one family; `get(i)` or `get('10.0.0.1/24')` an {@link Address}.
 */
export class IpAddrList implements Iterable<[string, number]> {
  readonly #b: Binding;
  readonly #source: string;
  readonly #index: number;

  /** @internal */
  constructor(b: Binding, source: string, index: number) {
    this.#b = b;
    this.#source = source;
    this.#index = index;
  }

  /** The addresses as handles. */
  get records(): Address[] {
    const t = sourceData(this.#b, this.#source)?.tables.address;
    if (!t || this.#index === 0) return [];
    const out: Address[] = [];
    const c: Loc = locOf(new Uint8Array(0));
    for (const s of t.slots()) if (addr.index(t.loc(s, c)) === this.#index) out.push(new Address(this.#b, this.#source, t.copy(s)));
    return out;
  }

  /** How many addresses the interface has. */
  get size(): number {
    return this.records.length;
  }

  /** The `[address, prefixlen]` pairs, IPv4 and IPv6. */
  *[Symbol.iterator](): Iterator<[string, number]> {
    for (const a of this.records) yield [a.local, a.prefixlen];
  }

  /** The IPv4 `[address, prefixlen]` pairs. */
  get ipv4(): [string, number][] {
    return this.records.filter((a) => a.family === AF_INET).map((a) => [a.local, a.prefixlen]);
  }
  /** The IPv6 `[address, prefixlen]` pairs. */
  get ipv6(): [string, number][] {
    return this.records.filter((a) => a.family === AF_INET6).map((a) => [a.local, a.prefixlen]);
  }

  /** The `i`-th address, or the one given as `'10.0.0.1/24'` (or bare, any prefix length). */
  get(which: number | string): Address | undefined {
    const all = this.records;
    if (typeof which === 'number') return all[which];
    const [a, l] = which.split('/');
    return all.find((x) => x.local === a && (l === undefined || x.prefixlen === Number(l)));
  }

  /** True when the interface has the address (`'10.0.0.1/24'`, or bare). */
  has(which: string): boolean {
    return this.get(which) !== undefined;
  }

  /** The addresses as `address/prefixlen` strings. */
  toJSON(): string[] {
    return [...this].map(([a, l]) => `${a}/${l}`);
  }
}

// ---------------------------------------------------------------------------
// Addresses

/** An IP address on an interface. */
export class Address extends Handle<AddressMsg> {
  /** Which table of a source the object lives in. */
  protected readonly objectKind = 'address' as const;

  /** @internal */
  constructor(binding: Binding, source: string, payload: Uint8Array) {
    super(binding, source, payload);
  }

  /** `AF_INET` (2) or `AF_INET6` (10). */
  get family(): number {
    return addr.family(this.rec());
  }
  /** `'inet'` or `'inet6'`. */
  get familyName(): 'inet' | 'inet6' {
    return families[this.family]!;
  }
  /** The interface index (`ifa_index`). */
  get index(): number {
    return addr.index(this.rec());
  }
  /** The interface the address is on. */
  get interface(): Interface {
    return new Interface(this.binding, this.source, this.index);
  }
  /** This host's address (`IFA_LOCAL`; for IPv6, `IFA_ADDRESS`). */
  get local(): string {
    return addr.local(this.rec()) ?? '';
  }
  /** `IFA_ADDRESS`: the peer's on a point-to-point link, else the same as {@link local}. */
  get address(): string {
    return addr.address(this.rec()) ?? '';
  }
  /** `ifa_prefixlen`. */
  get prefixlen(): number {
    return addr.prefixlen(this.rec());
  }
  /** `IFA_LABEL` (IPv4). */
  get label(): string | undefined {
    return addr.label(this.rec());
  }
  /** `IFA_BROADCAST` (IPv4). */
  get broadcast(): string | undefined {
    return addr.broadcast(this.rec());
  }
  /** `ifa_scope`. */
  get scope(): number {
    return addr.scope(this.rec());
  }
  /** `IFA_F_*` names (`permanent`, `nodad`, `secondary`, ...). */
  get flags(): (string | number)[] {
    return (this.msg.attrs.flags as (string | number)[] | undefined) ?? [];
  }

  /** The same address through a read-only view: reads work, changes throw. */
  get ro(): Address {
    return new Address(this.binding.ro, this.source, this.payload());
  }

  /** Records removing the address. */
  remove(): this {
    const tx = this.tx(`address ${this}: remove`);
    tx.delAddress({ source: this.source, index: this.index }, { address: `${this.local}/${this.prefixlen}`, ...(this.local !== this.address ? { local: this.local, address: `${this.address}/${this.prefixlen}` } : {}) });
    return this;
  }

  /** `'10.0.0.1/24'`. */
  override toString(): string {
    return `${this.local}/${this.prefixlen}`;
  }
  /** The address's main fields, for `JSON.stringify`. */
  toJSON(): Record<string, unknown> {
    return { source: this.source, index: this.index, address: this.toString(), family: this.familyName, label: this.label };
  }
}

// ---------------------------------------------------------------------------
// Routes

/** One next hop of a multipath route. */
export interface NextHop {
  /** `RTA_GATEWAY` (or `RTA_VIA`) of the next hop, when it has one. */
  gateway?: string;
  /** Device index. */
  oif: number;
  /** `weight` as `ip route` shows it (`rtnh_hops + 1`). */
  weight: number;
  /** `RTNH_F_*` bits (`onlink` 4, `linkdown` 16, `dead` 1). */
  flags: number;
}

/** A route, in any table. */
export class Route extends Handle<RouteMsg> {
  /** Which table of a source the object lives in. */
  protected readonly objectKind = 'route' as const;

  /** @internal */
  constructor(binding: Binding, source: string, payload: Uint8Array) {
    super(binding, source, payload);
  }

  /** `rtm_family`: `AF_INET` (2) or `AF_INET6` (10). */
  get family(): number {
    return route.family(this.rec());
  }
  /** The table id (`RTA_TABLE`, else `rtm_table`). */
  get table(): number {
    return route.table(this.rec());
  }
  /** `'default'`, or the prefix (`'10.0.0.0/24'`). */
  get dst(): string {
    const r = this.rec();
    const len = route.dstLen(r);
    if (len === 0) return 'default';
    return `${route.dst(r) ?? (route.family(r) === AF_INET6 ? '::' : '0.0.0.0')}/${len}`;
  }
  /** `rtm_dst_len`: the prefix length of `dst`. */
  get dstLen(): number {
    return route.dstLen(this.rec());
  }
  /** The gateway (`RTA_GATEWAY` or `RTA_VIA`), for a single-path route. */
  get gateway(): string | undefined {
    return route.gateway(this.rec());
  }
  /** The output device's index (`RTA_OIF`), 0 when none (multipath: see {@link multipath}). */
  get oif(): number {
    return route.oif(this.rec());
  }
  /** The output device. */
  get interface(): Interface | undefined {
    const o = this.oif;
    return o ? new Interface(this.binding, this.source, o) : undefined;
  }
  /** `RTA_PRIORITY`: what `ip route` calls the metric. */
  get priority(): number {
    return route.priority(this.rec());
  }
  /** `RTA_PREFSRC`: the preferred source address. */
  get prefsrc(): string | undefined {
    return route.prefsrc(this.rec());
  }
  /** `rtm_scope` (0 universe, 253 link, 254 host). */
  get scope(): number {
    return route.scope(this.rec());
  }
  /** `rtm_protocol` (2 kernel, 3 boot, 4 static, ...). */
  get protocol(): number {
    return route.protocol(this.rec());
  }
  /** `rtm_type` (1 unicast, 2 local, 3 broadcast, 6 blackhole, 7 unreachable, ...). */
  get type(): number {
    return route.type(this.rec());
  }
  /** `rtm_tos`. */
  get tos(): number {
    return route.tos(this.rec());
  }
  /** `RTA_METRICS` (`mtu`, `advmss`, ... and `lock`), decoded. */
  get metrics(): Record<string, unknown> {
    return (this.msg.attrs.metrics as Record<string, unknown> | undefined) ?? {};
  }
  /** The next hops of a multipath route; empty for a single-path one. */
  get multipath(): NextHop[] {
    return route.nexthops(this.rec()).map((nh) => ({ ...(nh.gateway !== undefined ? { gateway: nh.gateway } : {}), oif: nh.ifindex, weight: nh.hops + 1, flags: nh.flags }));
  }

  /** The same route through a read-only view: reads work, changes throw. */
  get ro(): Route {
    return new Route(this.binding.ro, this.source, this.payload());
  }

  /** Records changes: `set({ gateway: '10.0.0.254' })`, `set({ metrics: { mtu: 1400 } })`. A new `priority` or `table` moves the route. */
  set(changes: RouteChanges): this {
    this.tx(`route ${this.dst}: set`).setRoute(this.source, this.#current(), changes);
    return this;
  }
  /** Records adding a next hop (the route becomes multipath). */
  addNh(nh: Omit<NextHopSpec, 'oif'> & { oif?: IfaceRef }): this {
    const hops = this.#hops();
    return this.set({ gateway: undefined, multipath: [...hops, nh] } as RouteChanges);
  }
  /** Records removing the next hop with this gateway (or device). */
  delNh(nh: { gateway?: string; oif?: number }): this {
    const hops = this.#hops().filter((h) => !((nh.gateway === undefined || h.gateway === nh.gateway) && (nh.oif === undefined || h.oif === nh.oif)));
    if (hops.length === 1) {
      const [only] = hops;
      return this.set({ multipath: undefined, gateway: only!.gateway, oif: only!.oif } as RouteChanges);
    }
    return this.set({ multipath: hops } as RouteChanges);
  }
  /** Records removing the route. */
  remove(): this {
    this.tx(`route ${this.dst}: remove`).delRoute(this.source, this.#current());
    return this;
  }

  #current(): Uint8Array {
    return this.payload();
  }

  #hops(): { gateway?: string; oif?: number; weight?: number }[] {
    const mp = this.multipath;
    if (mp.length) return mp.map((h) => ({ ...(h.gateway !== undefined ? { gateway: h.gateway } : {}), ...(h.oif ? { oif: h.oif } : {}), weight: h.weight }));
    const one: { gateway?: string; oif?: number } = {};
    if (this.gateway !== undefined) one.gateway = this.gateway;
    if (this.oif) one.oif = this.oif;
    return [one];
  }

  override toString(): string {
    const gw = this.gateway;
    return `${this.dst}${gw ? ` via ${gw}` : ''}${this.oif ? ` dev#${this.oif}` : ''} table ${this.table}${this.priority ? ` metric ${this.priority}` : ''}`;
  }
  /** The route's main fields, for `JSON.stringify`. */
  toJSON(): Record<string, unknown> {
    return { source: this.source, family: families[this.family], table: this.table, dst: this.dst, gateway: this.gateway, oif: this.oif || undefined, priority: this.priority, multipath: this.multipath.length ? this.multipath : undefined };
  }
}

// ---------------------------------------------------------------------------
// Rules

/** A policy routing rule. */
export class Rule extends Handle<RuleMsg> {
  /** Which table of a source the object lives in. */
  protected readonly objectKind = 'rule' as const;

  /** @internal */
  constructor(binding: Binding, source: string, payload: Uint8Array) {
    super(binding, source, payload);
  }

  /** `fib_rule_hdr.family`: `AF_INET` (2) or `AF_INET6` (10). */
  get family(): number {
    return rule.family(this.rec());
  }
  /** `FRA_PRIORITY`. */
  get priority(): number {
    return rule.priority(this.rec());
  }
  /** The table id (`FRA_TABLE`, else `fib_rule_hdr.table`). */
  get table(): number {
    return rule.table(this.rec());
  }
  /** `FR_ACT_*` (1 to_tbl, 2 goto, 6 blackhole, ...). */
  get action(): number {
    return rule.action(this.rec());
  }
  /** `'all'` or the source prefix. */
  get src(): string {
    const len = rule.srcLen(this.rec());
    return len === 0 ? 'all' : `${this.msg.attrs.src}/${len}`;
  }
  /** `'all'` or the destination prefix. */
  get dst(): string {
    const len = rule.dstLen(this.rec());
    return len === 0 ? 'all' : `${this.msg.attrs.dst}/${len}`;
  }
  /** `FRA_IIFNAME`: the input device's name. */
  get iif(): string | undefined {
    return this.msg.attrs.iifname;
  }
  /** `FRA_OIFNAME`: the output device's name. */
  get oif(): string | undefined {
    return this.msg.attrs.oifname;
  }
  /** `FRA_FWMARK`. */
  get fwmark(): number | undefined {
    return this.msg.attrs.fwmark;
  }

  /** The same rule through a read-only view: reads work, changes throw. */
  get ro(): Rule {
    return new Rule(this.binding.ro, this.source, this.payload());
  }

  /** Records removing the rule. */
  remove(): this {
    this.tx(`rule ${this.priority}: remove`).delRule(this.source, this.payload());
    return this;
  }

  /** The rule's main fields, for `JSON.stringify`. */
  toJSON(): Record<string, unknown> {
    return { source: this.source, family: families[this.family], priority: this.priority, src: this.src, dst: this.dst, table: this.table, action: this.action };
  }
}

// ---------------------------------------------------------------------------
// Neighbours and forwarding entries

/** An IP neighbour (ARP or NDP entry). */
export class Neighbour extends Handle<NeighbourMsg> {
  /** Which table of a source the object lives in. */
  protected readonly objectKind = 'neighbour' as const;

  /** @internal */
  constructor(binding: Binding, source: string, payload: Uint8Array) {
    super(binding, source, payload);
  }

  /** `ndm_family`: `AF_INET` (2) or `AF_INET6` (10). */
  get family(): number {
    return neigh.family(this.rec());
  }
  /** The interface index (`ndm_ifindex`). */
  get index(): number {
    return neigh.ifindex(this.rec());
  }
  /** The interface the entry is on. */
  get interface(): Interface {
    return new Interface(this.binding, this.source, this.index);
  }
  /** `NDA_DST`: the neighbour's IP address. */
  get dst(): string {
    return neigh.dst(this.rec()) ?? '';
  }
  /** `NDA_LLADDR`: its link-layer address, when known. */
  get lladdr(): string | undefined {
    return neigh.lladdr(this.rec());
  }
  /** `ndm_state` (`NUD_*` bits: 0x02 reachable, 0x04 stale, 0x80 permanent, ...). */
  get state(): number {
    return neigh.state(this.rec());
  }
  /** A proxy entry (`NTF_PROXY`). */
  get proxy(): boolean {
    return (neigh.flags(this.rec()) & NTF.PROXY) !== 0;
  }

  /** The same entry through a read-only view: reads work, changes throw. */
  get ro(): Neighbour {
    return new Neighbour(this.binding.ro, this.source, this.payload());
  }

  /** Records removing the entry. */
  remove(): this {
    this.tx(`neighbour ${this.dst}: remove`).delNeigh(this.source, this.payload());
    return this;
  }

  /** The neighbour's main fields, for `JSON.stringify`. */
  toJSON(): Record<string, unknown> {
    return { source: this.source, index: this.index, dst: this.dst, lladdr: this.lladdr, state: this.state, proxy: this.proxy || undefined };
  }
}

/** A bridge or VXLAN forwarding entry. */
export class FdbEntry extends Handle<NeighbourMsg> {
  /** Which table of a source the object lives in. */
  protected readonly objectKind = 'fdb' as const;

  /** @internal */
  constructor(binding: Binding, source: string, payload: Uint8Array) {
    super(binding, source, payload);
  }

  /** The port (or VXLAN device). */
  get index(): number {
    return neigh.ifindex(this.rec());
  }
  /** The port (or VXLAN device). */
  get interface(): Interface {
    return new Interface(this.binding, this.source, this.index);
  }
  /** The bridge (`NDA_MASTER`), 0 when none. */
  get master(): number {
    return neigh.master(this.rec());
  }
  /** `NDA_LLADDR`: the MAC address. */
  get lladdr(): string | undefined {
    return neigh.lladdr(this.rec());
  }
  /** `NDA_VLAN`: the VLAN id, when the entry has one. */
  get vlan(): number | undefined {
    return neigh.vlan(this.rec());
  }
  /** A VXLAN remote. */
  get dst(): string | undefined {
    return neigh.dst(this.rec());
  }
  /** `NDA_VNI`: the VXLAN network identifier, when the entry has one. */
  get vni(): number | undefined {
    return neigh.vni(this.rec());
  }
  /** `ndm_state` (`NUD_*` bits: 0x80 permanent, 0x40 noarp, ...). */
  get state(): number {
    return neigh.state(this.rec());
  }
  /** `NTF_*` bits (`self` 0x02, `master` 0x04, ...). */
  get flags(): number {
    return neigh.flags(this.rec());
  }

  /** The same entry through a read-only view: reads work, changes throw. */
  get ro(): FdbEntry {
    return new FdbEntry(this.binding.ro, this.source, this.payload());
  }

  /** Records removing the entry. */
  remove(): this {
    this.tx(`fdb ${this.lladdr}: remove`).delFdb(this.source, this.payload());
    return this;
  }

  /** The forwarding entry's main fields, for `JSON.stringify`. */
  toJSON(): Record<string, unknown> {
    return { source: this.source, index: this.index, lladdr: this.lladdr, vlan: this.vlan, dst: this.dst, master: this.master || undefined };
  }
}

