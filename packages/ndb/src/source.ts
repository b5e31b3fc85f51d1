/**
 * A source: one network namespace (or a recorded or scripted transport)
 * mirrored into six record tables. Loaded by dumps, kept current by the
 * multicast events of the same namespace, resynchronised by dumps when
 * events were lost (`ENOBUFS`) and, for the slices the kernel changes
 * without telling (routes flushed by a device going down, say), by
 * targeted dumps.
 *
 * Events are subscribed to before anything is dumped, and buffered while a
 * dump runs, then applied: a change made between the dump and the first
 * event is never lost, and one the dump already saw is applied again with
 * no effect (every event carries the whole object).
 */
import { HOST_LE, NetlinkError } from '@nlkit/core';
import { IPRoute } from '@nlkit/client';
import {
  addrRequest, fdbRequest, linkRequest, neighRequest, routeRequest, ruleRequest, rtnl, type RtnlRequest, type Rtnl,
} from '@nlkit/rtnl';
import { DumpInterruptedError, NetlinkChannel, isOverrun, type Datagram, type Inbound, type RequestInput, type Transport, type TransportInfo } from '@nlkit/transport';
import { sameRecord, type Loc } from './bytes.js';
import { AF_INET, AF_INET6, IFF, NLM_F_APPEND, NLM_F_EXCL, NLM_F_REPLACE, RTNLGRP } from './constants.js';
import { SyncTimeoutError } from './errors.js';
import {
  KIND_DEFS, KINDS, addr, kindOfMessage, link, neigh, route, sameNexthops, storable, type KindDef, type ObjectKind,
} from './kinds.js';
import { RecordTable } from './table.js';

/** Where a source's objects come from. */
export interface SourceSpec {
  /**
   * The source's name, by which objects are told apart in a database of
   * several: default `localhost` for the process's own namespace, the
   * namespace's name for `netns`, `source<N>` for a transport.
   */
  name?: string;
  /** A network namespace: a name from `ip netns`, a path, or `{ pid }`. Opens live sockets there (needs `@nlkit/live`). */
  netns?: string | {
    /** A process whose network namespace to use (`/proc/PID/ns/net`). */
    pid: number;
  };
  /**
   * A transport to use instead of live sockets: a `ReplayTransport` of a
   * capture, a `FakeTransport`, or any other. It carries the dumps and
   * requests and, unless {@link events} is given, the events too (it must
   * have joined the groups, or be able to with `addMembership`).
   */
  transport?: Transport;
  /** A second transport that carries only the events (its groups joined). */
  events?: Transport;
  /**
   * `SO_RCVBUF` of the live event socket, bytes. Default 8 MiB. A small one
   * (4096) makes the kernel drop events under load: the source then
   * resynchronises, which is what the tests force.
   */
  receiveBufferSize?: number;
  /** The kinds of objects to load and follow. Default all six. */
  kinds?: readonly ObjectKind[];
  /**
   * Whether {@link Source.sync} may send a request to learn that every
   * event before it has been read. Default: true for live sources, false
   * for given transports (a replay would not expect the request).
   */
  barrier?: boolean;
  /** Milliseconds each dump may take. Default 60 000. */
  dumpTimeoutMs?: number;
}

/** What a source reports to its database. */
export interface SourceHooks {
  /** An object was added, changed or removed; `r` (the new bytes, or the last ones for `del`) is only valid during the call. */
  changed(source: Source, def: KindDef, action: 'add' | 'change' | 'del', r: Loc, resync: boolean): void;
  /** A resynchronisation starts or ends. */
  resync(source: Source, phase: 'start' | 'end', reason: string): void;
  /** Something went wrong in the background (a dump failed); the source goes on. */
  error(source: Source, error: unknown): void;
  /** Whether anyone wants `changed` calls for a whole-table resync (event queues). */
  wantsDiffs(): boolean;
}

/** Counters of a source. */
export interface SourceStats {
  /** Event messages applied. */
  events: number;
  /** Overruns (`ENOBUFS`) seen on the event socket. */
  overruns: number;
  /** Whole resynchronisations (after overruns, interrupted dumps, failures). */
  resyncs: number;
  /** Targeted re-reads of slices the kernel changes without events. */
  reconciles: number;
  /** Milliseconds the last whole load or resynchronisation took. */
  lastLoadMs: number;
}

/** A slice of one table to re-read: the dumps that give it, and which stored records belong to it. */
interface Scope {
  readonly id: string;
  readonly kind: ObjectKind;
  readonly requests: readonly RtnlRequest[];
  readonly select: (r: Loc) => boolean;
}

const GROUPS_OF: Record<ObjectKind, number[]> = {
  interface: [RTNLGRP.LINK],
  address: [RTNLGRP.IPV4_IFADDR, RTNLGRP.IPV6_IFADDR],
  route: [RTNLGRP.IPV4_ROUTE, RTNLGRP.IPV6_ROUTE],
  rule: [RTNLGRP.IPV4_RULE, RTNLGRP.IPV6_RULE],
  neighbour: [RTNLGRP.NEIGH],
  fdb: [RTNLGRP.NEIGH],
};
const DEFAULT_RCVBUF = 8 * 1024 * 1024;
/** Most bytes of events buffered while a dump runs before they are dropped (and a resync follows). */
const MAX_BUFFERED_BYTES = 64 * 1024 * 1024;
const ENOENT = 2;
const ENODEV = 19;

/** The dumps that load a whole kind. */
function fullRequests(kind: ObjectKind): RtnlRequest[] {
  switch (kind) {
    case 'interface':
      return [linkRequest('dump', { extMask: ['skipStats'] })];
    case 'address':
      return [addrRequest('dump')];
    case 'route':
      return [routeRequest('dump', { family: 'inet' }), routeRequest('dump', { family: 'inet6' })];
    case 'rule':
      return [ruleRequest('dump', { family: 'inet' }), ruleRequest('dump', { family: 'inet6' })];
    case 'neighbour':
      return [
        neighRequest('dump', { family: 'inet' }),
        neighRequest('dump', { family: 'inet6' }),
        neighRequest('dump', { family: 'inet', proxy: true }),
        neighRequest('dump', { family: 'inet6', proxy: true }),
      ];
    case 'fdb':
      return [fdbRequest('dump')];
  }
}

/**
 * A transport wrapper that takes the multicast datagrams (and overrun
 * signals) for the source and hands only unicast replies on to the
 * channel above it, so that events are stored from their bytes, never
 * decoded into objects first.
 */
class Demux implements Transport {
  readonly #inner: Transport;
  readonly #onEvent: (x: Inbound) => void;
  #stream: AsyncIterable<Inbound> | undefined;

  constructor(inner: Transport, onEvent: (x: Inbound) => void) {
    this.#inner = inner;
    this.#onEvent = onEvent;
  }

  get info(): TransportInfo {
    return this.#inner.info;
  }

  send(bytes: Uint8Array): Promise<void> {
    return this.#inner.send(bytes);
  }

  close(): Promise<void> {
    return this.#inner.close();
  }

  receive(): AsyncIterable<Inbound> {
    return (this.#stream ??= this.#filter());
  }

  async *#filter(): AsyncGenerator<Inbound> {
    for await (const x of this.#inner.receive()) {
      if (isOverrun(x)) {
        this.#onEvent(x);
        yield x;
      } else if (x.group !== 0) this.#onEvent(x);
      else yield x;
    }
  }
}

interface Waiter {
  check: () => boolean;
  resolve: () => void;
  reject: (e: Error) => void;
  timer: ReturnType<typeof setTimeout> | undefined;
}

/**
 * One namespace's objects, kept current. Made by the database
 * (`NDB.open`, `db.sources.add`); read it through the database's views.
 */
export class Source {
  /** The source's name (`localhost`, the namespace's name, `pid<N>`, or the one given). */
  readonly name: string;
  /** Requests and dumps go through this client. */
  readonly ipr: IPRoute;
  /** The kinds of objects the source follows. */
  readonly kinds: ReadonlySet<ObjectKind>;
  /** The records, by kind. */
  tables: Record<ObjectKind, RecordTable>;
  /** Whether the source is a live namespace (rather than a given transport). */
  readonly live: boolean;
  /** The namespace given, if any. */
  readonly netns: string | {
    /** The process whose namespace it is. */
    pid: number;
  } | undefined;
  /** Counters of events, overruns, resyncs and loads. */
  readonly stats: SourceStats = { events: 0, overruns: 0, resyncs: 0, reconciles: 0, lastLoadMs: 0 };

  readonly #hooks: SourceHooks;
  readonly #barrierChannel: NetlinkChannel<Rtnl> | undefined;
  readonly #closers: (() => Promise<void>)[];
  readonly #dumpTimeoutMs: number;
  #state: 'loading' | 'ready' | 'refreshing' | 'closed' = 'loading';
  #buffer: Datagram[] = [];
  #bufferedBytes = 0;
  #lostWhileBusy = false;
  #busy = false;
  #pendingFull: string | undefined;
  readonly #pendingScopes = new Map<string, Scope>();
  #kickScheduled = false;
  #retryTimer: ReturnType<typeof setTimeout> | undefined;
  #failures = 0;
  readonly #idle: (() => void)[] = [];
  readonly #waiters = new Set<Waiter>();
  /** ifname → ifindex. */
  readonly #names = new Map<string, number>();
  readonly #cursor: Loc = { b: new Uint8Array(0), v: new DataView(new ArrayBuffer(0)), off: 0, len: 0 };
  readonly #cursor2: Loc = { b: new Uint8Array(0), v: new DataView(new ArrayBuffer(0)), off: 0, len: 0 };

  private constructor(init: {
    name: string;
    ipr: IPRoute;
    kinds: ReadonlySet<ObjectKind>;
    hooks: SourceHooks;
    barrierChannel: NetlinkChannel<Rtnl> | undefined;
    closers: (() => Promise<void>)[];
    live: boolean;
    netns: string | { pid: number } | undefined;
    dumpTimeoutMs: number;
  }) {
    this.name = init.name;
    this.ipr = init.ipr;
    this.kinds = init.kinds;
    this.#hooks = init.hooks;
    this.#barrierChannel = init.barrierChannel;
    this.#closers = init.closers;
    this.live = init.live;
    this.netns = init.netns;
    this.#dumpTimeoutMs = init.dumpTimeoutMs;
    this.tables = emptyTables();
  }

  /**
   * Opens a source and loads it: sockets (or the given transports) first,
   * with their events buffered, then one dump per kind, then the buffered
   * events.
   */
  static async open(spec: SourceSpec, name: string, hooks: SourceHooks): Promise<Source> {
    const kinds = new Set<ObjectKind>(spec.kinds ?? KINDS);
    for (const k of kinds) if (!KINDS.includes(k)) throw new TypeError(`unknown kind "${k}"; known: ${KINDS.join(', ')}`);
    const groups = [...new Set([...kinds].flatMap((k) => GROUPS_OF[k]))].sort((a, b) => a - b);
    let source: Source | undefined;
    const onEvent = (x: Inbound): void => {
      if (source) source.inbound(x);
      else early.push(x);
    };
    const early: Inbound[] = [];
    const closers: (() => Promise<void>)[] = [];
    let ipr: IPRoute;
    let barrierChannel: NetlinkChannel<Rtnl> | undefined;
    const live = spec.transport === undefined;
    try {
      if (spec.transport) {
        if (spec.netns !== undefined) throw new TypeError('give netns or transport, not both');
        const evT = spec.events ?? spec.transport;
        for (const g of groups) if (!evT.info.groups.includes(g)) await evT.addMembership?.(g);
        if (spec.events) {
          ipr = new IPRoute(spec.transport);
          closers.push(() => ipr.close());
          const evChannel = new NetlinkChannel(new Demux(spec.events, onEvent), rtnl);
          closers.push(() => evChannel.close());
          barrierChannel = evChannel;
        } else {
          ipr = new IPRoute(new Demux(spec.transport, onEvent));
          closers.push(() => ipr.close());
          barrierChannel = ipr.channel as unknown as NetlinkChannel<Rtnl>;
        }
      } else {
        const { openNetlink } = await import('@nlkit/live');
        const netns = spec.netns === undefined ? {} : { netns: spec.netns };
        // Events first, so that nothing between the dumps and the first event is missed.
        const size = spec.receiveBufferSize ?? DEFAULT_RCVBUF;
        let evT: Transport;
        try {
          evT = openNetlink({ ...netns, groups, receiveBufferSize: size, forceBufferSizes: true });
        } catch {
          evT = openNetlink({ ...netns, groups, receiveBufferSize: size });
        }
        const evChannel = new NetlinkChannel(new Demux(evT, onEvent), rtnl);
        closers.push(() => evChannel.close());
        barrierChannel = evChannel;
        const cmdT = openNetlink({ ...netns, strictCheck: true, extAck: true });
        ipr = new IPRoute(cmdT, { dumpRetries: 3 });
        closers.push(() => ipr.close());
      }
    } catch (e) {
      for (const c of closers.reverse()) await c().catch(() => {});
      throw e;
    }
    source = new Source({
      name,
      ipr,
      kinds,
      hooks,
      barrierChannel: (spec.barrier ?? live) ? barrierChannel : undefined,
      closers,
      live,
      netns: spec.netns,
      dumpTimeoutMs: spec.dumpTimeoutMs ?? 60_000,
    });
    for (const x of early) source.inbound(x);
    try {
      await source.#load();
    } catch (e) {
      await source.close();
      throw e;
    }
    return source;
  }

  /** `loading`, `ready`, `refreshing` (a dump runs; events wait) or `closed`. */
  get state(): string {
    return this.#state;
  }

  /** The index of the interface named `ifname`, or undefined. */
  indexOf(ifname: string): number | undefined {
    return this.#names.get(ifname);
  }

  /** The command channel, typed for the rtnl messages this package sends (the client's family includes them). */
  get #channel(): NetlinkChannel<Rtnl> {
    return this.ipr.channel as unknown as NetlinkChannel<Rtnl>;
  }

  /**
   * Sends a request on the command socket and waits for its ACK.
   * @internal
   */
  async request(msg: RequestInput<Rtnl>, operation: string): Promise<void> {
    await this.#channel.request(msg, { operation });
  }

  /** Closes the sockets; the records stay readable. */
  async close(): Promise<void> {
    if (this.#state === 'closed') return;
    this.#state = 'closed';
    if (this.#retryTimer) clearTimeout(this.#retryTimer);
    for (const w of [...this.#waiters]) this.#settleWaiter(w, new Error(`source ${this.name} closed`));
    for (const r of this.#idle.splice(0)) r();
    for (const c of [...this.#closers].reverse()) await c().catch(() => {});
  }

  /**
   * Resolves once every change the kernel made before the call is in the
   * view: a request on the event socket whose reply comes after the events
   * already queued (live sources), then no resynchronisation pending.
   */
  async sync(timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    const ch = this.#barrierChannel;
    if (ch && this.#state !== 'closed') {
      for (;;) {
        const left = deadline - Date.now();
        if (left <= 0) throw new SyncTimeoutError(`source ${this.name}: no answer to the sync request within ${timeoutMs} ms`);
        try {
          await ch.request(linkRequest('get', { index: 1, attrs: { extMask: ['skipStats'] } }).message, { ack: false, timeoutMs: Math.min(left, 1000), operation: 'sync' });
          break;
        } catch (e) {
          // A reply dropped by a full socket buffer times out: ask again.
          if (!(e instanceof Error && e.name === 'TimeoutError')) {
            if (e instanceof NetlinkError) break; // answered, even if with an error: the events before it were read
            throw e;
          }
        }
      }
    }
    await this.idle(Math.max(1, deadline - Date.now()));
  }

  /** Resolves when no dump is running or pending. */
  idle(timeoutMs = 60_000): Promise<void> {
    if (this.#isIdle()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new SyncTimeoutError(`source ${this.name}: still resynchronising after ${timeoutMs} ms`)), timeoutMs);
      this.#idle.push(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  /**
   * Resolves when `check()` holds, checked now and after every change
   * applied; rejects with {@link SyncTimeoutError} after `timeoutMs`.
   */
  waitFor(check: () => boolean, timeoutMs: number, what: string): Promise<void> {
    if (check()) return Promise.resolve();
    if (this.#state === 'closed') return Promise.reject(new Error(`source ${this.name} is closed`));
    return new Promise((resolve, reject) => {
      const w: Waiter = { check, resolve, reject, timer: undefined };
      w.timer = setTimeout(() => this.#settleWaiter(w, new SyncTimeoutError(`${what}: not seen in the events of ${this.name} within ${timeoutMs} ms`)), timeoutMs);
      this.#waiters.add(w);
    });
  }

  /**
   * Re-reads the addresses of one device: the kernel announces an IPv6
   * address only once duplicate address detection is over (a second or
   * two; never, on a device that is down), while a dump shows it at once,
   * tentative. Resolves when the re-read is done.
   */
  refreshAddresses(index: number): Promise<void> {
    this.#schedule({
      id: `address/index/${index}`,
      kind: 'address',
      requests: [addrRequest('dump', { index })],
      select: (x) => addr.index(x) === index,
    });
    return this.idle();
  }

  /** Asks for a whole resynchronisation (as after an overrun). */
  resync(reason = 'requested'): void {
    this.#pendingFull ??= reason;
    this.#kick();
  }

  // -------------------------------------------------------------------------
  // Events

  /** A datagram or overrun from the event socket. */
  inbound(x: Inbound): void {
    if (this.#state === 'closed') return;
    if (isOverrun(x)) {
      this.stats.overruns++;
      if (this.#state === 'ready') this.resync('overrun');
      else this.#lostWhileBusy = true;
      return;
    }
    if (this.#state !== 'ready') {
      if (this.#bufferedBytes + x.bytes.length > MAX_BUFFERED_BYTES) {
        this.#buffer = [];
        this.#bufferedBytes = 0;
        this.#lostWhileBusy = true;
        return;
      }
      this.#buffer.push(x);
      this.#bufferedBytes += x.bytes.length;
      return;
    }
    this.#datagram(x.bytes);
    this.#checkWaiters();
  }

  #datagram(bytes: Uint8Array): void {
    const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const r: Loc = { b: bytes, v, off: 0, len: 0 };
    for (let pos = 0; bytes.length - pos >= 16; ) {
      const len = v.getUint32(pos, HOST_LE);
      if (len < 16 || len > bytes.length - pos) break;
      r.off = pos + 16;
      r.len = len - 16;
      this.#apply(v.getUint16(pos + 4, HOST_LE), r, v.getUint16(pos + 6, HOST_LE));
      pos += (len + 3) & ~3;
    }
  }

  #apply(type: number, r: Loc, nlflags: number): void {
    const def = kindOfMessage(type, r);
    if (!def || !this.kinds.has(def.kind)) return;
    this.stats.events++;
    if (type === def.newType) this.#applyNew(def, r, nlflags);
    else this.#applyDel(def, r);
  }

  #applyNew(def: KindDef, msg: Loc, nlflags: number): void {
    const t = this.tables[def.kind];
    const r = storable(def, msg);
    const cur = this.#cursor;
    if (def.kind === 'route') return this.#applyNewRoute(t, def, r, nlflags);
    if (def.kind === 'rule') {
      for (const s of t.chain(t.first(r))) if (sameRecord(t.loc(s, cur), r)) return;
      this.#hooks.changed(this, def, 'add', t.loc(t.insert(r), cur), false);
      return;
    }
    const slot = t.first(r);
    if (slot < 0) {
      const s = t.insert(r);
      if (def.kind === 'interface') this.#linkAdded(t.loc(s, cur));
      this.#hooks.changed(this, def, 'add', t.loc(s, cur), false);
      return;
    }
    const old = t.loc(slot, cur);
    if (sameRecord(old, r)) return;
    if (def.kind === 'interface') this.#linkChanging(old, r);
    t.replace(slot, r);
    this.#hooks.changed(this, def, 'change', t.loc(slot, cur), false);
  }

  #applyNewRoute(t: RecordTable, def: KindDef, r: Loc, nlflags: number): void {
    const cur = this.#cursor;
    const same: number[] = [];
    let exact = -1;
    const v6 = route.family(r) === AF_INET6;
    for (const s of t.chain(t.first(r))) {
      const rec = t.loc(s, cur);
      if (!def.same(rec, r)) continue;
      same.push(s);
      if (exact < 0 && (v6 || sameNexthops(rec, r))) exact = s;
    }
    const put = (slot: number): void => {
      if (sameRecord(t.loc(slot, cur), r)) return;
      t.replace(slot, r);
      this.#hooks.changed(this, def, 'change', t.loc(slot, cur), false);
    };
    if (exact >= 0) return put(exact);
    if (nlflags & NLM_F_REPLACE && same.length > 0) return put(same[0]!);
    if (nlflags & NLM_F_EXCL) {
      // An exclusive add succeeded: whatever this view has under that identity is stale.
      for (const s of same) this.#remove(t, def, s, false);
    }
    const front = (nlflags & (NLM_F_APPEND | NLM_F_EXCL | NLM_F_REPLACE)) === 0 && same.length > 0;
    this.#hooks.changed(this, def, 'add', t.loc(t.insert(r, front), cur), false);
  }

  #applyDel(def: KindDef, r: Loc): void {
    const t = this.tables[def.kind];
    const cur = this.#cursor;
    const head = t.first(r);
    if (def.kind === 'route') {
      const v6 = route.family(r) === AF_INET6;
      let first = -1;
      for (const s of t.chain(head)) {
        const rec = t.loc(s, cur);
        if (!def.same(rec, r)) continue;
        if (sameNexthops(rec, r)) return this.#remove(t, def, s, false);
        if (first < 0) first = s;
      }
      // An IPv6 next hop leaving a multipath route, or an alias this view never saw: read the table again.
      if (first >= 0 && !v6) this.#remove(t, def, first, false);
      this.#reconcileRoutes(route.family(r), route.table(r));
      return;
    }
    if (def.kind === 'rule') {
      for (const s of t.chain(head)) if (sameRecord(t.loc(s, cur), r)) return this.#remove(t, def, s, false);
      this.#schedule(this.#ruleScope(KIND_DEFS.rule.accepts(r) ? r.b[r.off]! : AF_INET));
      return;
    }
    if (head < 0) return;
    if (def.kind === 'interface') {
      const index = link.index(t.loc(head, cur));
      this.#remove(t, def, head, false);
      this.#linkGone(index);
      return;
    }
    if (def.kind === 'address' && addr.family(r) === AF_INET) {
      const local = addr.local(r);
      this.#remove(t, def, head, false);
      if (local !== undefined) this.#addressGone(local);
      return;
    }
    this.#remove(t, def, head, false);
  }

  #remove(t: RecordTable, def: KindDef, slot: number, resync: boolean): void {
    const cur = this.#cursor2;
    t.loc(slot, cur);
    if (def.kind === 'interface') {
      const name = link.ifname(cur);
      if (name !== undefined && this.#names.get(name) === link.index(cur)) this.#names.delete(name);
    }
    // The bytes stay where they are until the next compaction, so the hook may read them after removal too;
    // it is called first all the same.
    this.#hooks.changed(this, def, 'del', cur, resync);
    t.remove(slot);
  }

  #linkAdded(r: Loc): void {
    const name = link.ifname(r);
    if (name !== undefined) this.#names.set(name, link.index(r));
  }

  /** A link is about to change from `old` to `r`: names, and the slices the kernel changes silently when a device goes down or loses carrier. */
  #linkChanging(old: Loc, r: Loc): void {
    const before = link.ifname(old);
    const after = link.ifname(r);
    const index = link.index(r);
    if (before !== after) {
      if (before !== undefined && this.#names.get(before) === index) this.#names.delete(before);
      if (after !== undefined) this.#names.set(after, index);
    }
    const watched = IFF.UP | IFF.LOWER_UP | IFF.RUNNING;
    if ((link.flags(old) & watched) !== (link.flags(r) & watched)) {
      // IPv4 routes through a device that goes down are flushed without RTM_DELROUTE, and next hops
      // gain or lose `linkdown` with carrier, also silently; neighbours are flushed.
      if (this.kinds.has('route')) {
        for (const family of ['inet', 'inet6'] as const) {
          const f = family === 'inet' ? AF_INET : AF_INET6;
          this.#schedule({
            id: `route/${family}/oif/${index}`,
            kind: 'route',
            requests: [routeRequest('dump', { family, oif: index })],
            select: (x) => route.family(x) === f && route.oifs(x).includes(index),
          });
        }
      }
      if (this.kinds.has('neighbour')) {
        this.#schedule({
          id: `neighbour/index/${index}`,
          kind: 'neighbour',
          requests: [
            neighRequest('dump', { family: 'inet', index }),
            neighRequest('dump', { family: 'inet6', index }),
            neighRequest('dump', { family: 'inet', index, proxy: true }),
            neighRequest('dump', { family: 'inet6', index, proxy: true }),
          ],
          select: (x) => neigh.ifindex(x) === index,
        });
      }
    }
  }

  /** A link was deleted: what the kernel removed along with it, not always with events of its own. */
  #linkGone(index: number): void {
    const cur = this.#cursor;
    const drop = (kind: ObjectKind, pred: (r: Loc) => boolean): void => {
      const t = this.tables[kind];
      const doomed: number[] = [];
      for (const s of t.slots()) if (pred(t.loc(s, cur))) doomed.push(s);
      for (const s of doomed) this.#remove(t, KIND_DEFS[kind], s, false);
    };
    drop('address', (r) => addr.index(r) === index);
    drop('neighbour', (r) => neigh.ifindex(r) === index);
    drop('fdb', (r) => neigh.ifindex(r) === index || neigh.master(r) === index);
    const partial = new Set<string>();
    drop('route', (r) => {
      const oifs = route.oifs(r);
      if (!oifs.includes(index)) return false;
      if (oifs.length === 1) return true;
      partial.add(`${route.family(r)}/${route.table(r)}`);
      return false;
    });
    for (const p of partial) {
      const [family, table] = p.split('/').map(Number) as [number, number];
      this.#reconcileRoutes(family, table);
    }
  }

  /** An IPv4 address was deleted: when no device has it any more, the kernel flushes the routes that used it as source. */
  #addressGone(local: string): void {
    const cur = this.#cursor;
    const a = this.tables.address;
    for (const s of a.slots()) {
      const r = a.loc(s, cur);
      if (addr.family(r) === AF_INET && addr.local(r) === local) return;
    }
    const t = this.tables.route;
    const doomed: number[] = [];
    for (const s of t.slots()) {
      const r = t.loc(s, cur);
      if (route.family(r) === AF_INET && route.prefsrc(r) === local) doomed.push(s);
    }
    for (const s of doomed) this.#remove(t, KIND_DEFS.route, s, false);
  }

  #reconcileRoutes(family: number, table: number): void {
    const name = family === AF_INET6 ? 'inet6' : 'inet';
    this.#schedule({
      id: `route/${name}/table/${table}`,
      kind: 'route',
      requests: [routeRequest('dump', { family: name, table })],
      select: (x) => route.family(x) === family && route.table(x) === table,
    });
  }

  #ruleScope(family: number): Scope {
    const name = family === AF_INET6 ? 'inet6' : 'inet';
    return { id: `rule/${name}`, kind: 'rule', requests: [ruleRequest('dump', { family: name })], select: (x) => x.b[x.off] === family };
  }

  // -------------------------------------------------------------------------
  // Dumps

  #schedule(scope: Scope): void {
    if (!this.kinds.has(scope.kind) || this.#state === 'closed') return;
    this.#pendingScopes.set(scope.id, scope);
    this.#kick();
  }

  /** Starts the worker on a later turn, so that a burst of events coalesces into one round of dumps. */
  #kick(): void {
    if (this.#busy || this.#kickScheduled || this.#state === 'closed' || this.#state === 'loading') return;
    this.#kickScheduled = true;
    setImmediate(() => {
      this.#kickScheduled = false;
      if (!this.#busy && this.#state !== 'closed' && (this.#pendingFull !== undefined || this.#pendingScopes.size > 0)) void this.#work();
    });
  }

  async #load(): Promise<void> {
    this.#busy = true;
    try {
      await this.#refresh([...this.kinds].map((k) => this.#fullScope(k)), 'load', true, false);
    } finally {
      this.#busy = false;
    }
    this.#afterWork();
  }

  #fullScope(kind: ObjectKind): Scope {
    return { id: kind, kind, requests: fullRequests(kind), select: () => true };
  }

  async #work(): Promise<void> {
    this.#busy = true;
    try {
      while (this.#state !== 'closed' && (this.#pendingFull !== undefined || this.#pendingScopes.size > 0)) {
        if (this.#pendingFull !== undefined) {
          const reason = this.#pendingFull;
          this.#pendingFull = undefined;
          this.#pendingScopes.clear();
          this.stats.resyncs++;
          await this.#refresh([...this.kinds].map((k) => this.#fullScope(k)), reason, true, true);
        } else {
          const scopes = [...this.#pendingScopes.values()];
          this.#pendingScopes.clear();
          this.stats.reconciles++;
          await this.#refresh(scopes, 'reconcile', false, true);
        }
      }
    } finally {
      this.#busy = false;
    }
    this.#afterWork();
  }

  #afterWork(): void {
    if (this.#pendingFull !== undefined || this.#pendingScopes.size > 0) this.#kick();
    else if (this.#isIdle()) for (const r of this.#idle.splice(0)) r();
  }

  #isClosed(): boolean {
    return this.#state === 'closed';
  }

  #isIdle(): boolean {
    return this.#state === 'closed' || (this.#state === 'ready' && !this.#busy && this.#pendingFull === undefined && this.#pendingScopes.size === 0 && !this.#kickScheduled && this.#retryTimer === undefined);
  }

  /**
   * Re-reads `scopes` with events held back, puts the results in place
   * (reporting the differences when `emit`), then applies the events that
   * arrived meanwhile.
   */
  async #refresh(scopes: Scope[], reason: string, whole: boolean, emit: boolean): Promise<void> {
    if (this.#state === 'closed') return;
    const initial = this.#state === 'loading';
    this.#state = 'refreshing';
    this.#lostWhileBusy = false;
    const t0 = performance.now();
    if (whole && emit) this.#hooks.resync(this, 'start', reason);
    let retry = false;
    try {
      const fresh: { scope: Scope; table: RecordTable }[] = [];
      for (const scope of scopes) {
        const def = KIND_DEFS[scope.kind];
        const table = new RecordTable(def);
        for (const req of scope.requests) {
          const intact = await this.#dumpInto(req, def, (r) => {
            if (scope.select(r)) table.insert(storable(def, r));
          });
          if (!intact) retry = true;
        }
        fresh.push({ scope, table });
      }
      for (const { scope, table } of fresh) {
        if (whole) this.#swap(scope.kind, table, emit);
        else this.#merge(scope, table);
      }
      if (whole) {
        this.#rebuildNames();
        this.#failures = 0;
        this.stats.lastLoadMs = performance.now() - t0;
      }
    } catch (e) {
      if (initial) {
        this.#state = 'loading';
        throw e;
      }
      this.#hooks.error(this, e);
      retry = true;
    } finally {
      if (!this.#isClosed() && !(initial && (this.#state as string) === 'loading')) {
        const buffered = this.#buffer;
        this.#buffer = [];
        this.#bufferedBytes = 0;
        this.#state = 'ready';
        for (const d of buffered) this.#datagram(d.bytes);
        if (this.#lostWhileBusy) {
          this.#lostWhileBusy = false;
          this.#pendingFull ??= 'overrun';
        }
        if (whole && emit) this.#hooks.resync(this, 'end', reason);
        this.#checkWaiters();
      }
    }
    if (retry && !this.#isClosed()) {
      // An interrupted or failed dump: try the whole thing again, after a pause that grows with each failure.
      const delay = Math.min(2000, 20 * 2 ** this.#failures++);
      this.#retryTimer = setTimeout(() => {
        this.#retryTimer = undefined;
        this.resync('dump interrupted');
      }, delay);
    }
  }

  /**
   * Runs one dump and hands each record of the kind to `sink`. Returns false
   * when the kernel kept marking it inconsistent (`NLM_F_DUMP_INTR`): what it
   * gave is used, and the caller resynchronises again later. A filtered dump
   * of a device or table that no longer exists is empty.
   */
  async #dumpInto(req: RtnlRequest, def: KindDef, sink: (r: Loc) => void): Promise<boolean> {
    const r: Loc = { b: new Uint8Array(0), v: new DataView(new ArrayBuffer(0)), off: 0, len: 0 };
    const take = (view: DataView, offset: number): void => {
      if (r.v !== view) {
        r.v = view;
        r.b = new Uint8Array(view.buffer, view.byteOffset, view.byteLength);
      }
      const len = view.getUint32(offset, HOST_LE);
      const type = view.getUint16(offset + 4, HOST_LE);
      if (type !== def.newType) return;
      r.off = offset + 16;
      r.len = len - 16;
      if (def.accepts(r)) sink(r);
    };
    try {
      for await (const m of this.#channel.dump(req.message, { lazy: true, retries: 3, operation: req.operation, timeoutMs: this.#dumpTimeoutMs })) {
        take(m.view, m.offset);
      }
      return true;
    } catch (e) {
      if (e instanceof DumpInterruptedError) {
        for (const m of (e as DumpInterruptedError).partial as { view: DataView; offset: number }[]) if (m.view) take(m.view, m.offset);
        return false;
      }
      if (e instanceof NetlinkError && (e.errno === ENODEV || e.errno === ENOENT)) return true;
      throw e;
    }
  }

  /** Puts a freshly dumped table in place of the old one, reporting the differences first when asked. */
  #swap(kind: ObjectKind, fresh: RecordTable, emit: boolean): void {
    const old = this.tables[kind];
    const def = KIND_DEFS[kind];
    if (emit && this.#hooks.wantsDiffs()) {
      const seen = new Uint8Array(fresh.slotLimit);
      const a = this.#cursor;
      const b = this.#cursor2;
      for (const s of old.slots()) {
        old.loc(s, a);
        const match = this.#match(def, fresh, a, seen);
        if (match < 0) this.#hooks.changed(this, def, 'del', a, true);
        else {
          seen[match] = 1;
          if (!sameRecord(a, fresh.loc(match, b))) this.#hooks.changed(this, def, 'change', b, true);
        }
      }
      for (const s of fresh.slots()) if (!seen[s]) this.#hooks.changed(this, def, 'add', fresh.loc(s, b), true);
    } else if (emit) {
      // Nobody wants the diff; those watching interfaces (freeze) still hear about them.
      for (const s of fresh.slots()) if (kind === 'interface' || kind === 'address') this.#hooks.changed(this, def, 'change', fresh.loc(s, this.#cursor), true);
    }
    fresh.trim();
    this.tables = { ...this.tables, [kind]: fresh };
  }

  /** Replaces the records `scope` selects by the fresh ones, in place, reporting each difference. */
  #merge(scope: Scope, fresh: RecordTable): void {
    const def = KIND_DEFS[scope.kind];
    const t = this.tables[scope.kind];
    const seen = new Uint8Array(fresh.slotLimit);
    const a = this.#cursor;
    const b: Loc = { b: new Uint8Array(0), v: new DataView(new ArrayBuffer(0)), off: 0, len: 0 };
    const doomed: number[] = [];
    for (const s of t.slots()) {
      t.loc(s, a);
      if (!scope.select(a)) continue;
      const match = this.#match(def, fresh, a, seen);
      if (match < 0) doomed.push(s);
      else {
        seen[match] = 1;
        if (!sameRecord(a, fresh.loc(match, b))) {
          t.replace(s, b);
          this.#hooks.changed(this, def, 'change', t.loc(s, a), true);
        }
      }
    }
    for (const s of doomed) this.#remove(t, def, s, true);
    for (const s of fresh.slots()) {
      if (seen[s]) continue;
      const slot = t.insert(fresh.loc(s, b));
      if (def.kind === 'interface') this.#linkAdded(t.loc(slot, a));
      this.#hooks.changed(this, def, 'add', t.loc(slot, a), true);
    }
  }

  /** The slot of `fresh` holding the same object as `r` and not yet matched, or -1. */
  #match(def: KindDef, fresh: RecordTable, r: Loc, seen: Uint8Array): number {
    const c: Loc = { b: r.b, v: r.v, off: 0, len: 0 };
    let fallback = -1;
    for (const s of fresh.chain(fresh.first(r))) {
      if (seen[s]) continue;
      fresh.loc(s, c);
      if (!def.same(c, r)) continue;
      if (def.kind !== 'route' || route.family(r) === AF_INET6 || sameNexthops(c, r)) return s;
      if (fallback < 0) fallback = s;
    }
    return def.kind === 'route' ? -1 : fallback;
  }

  #rebuildNames(): void {
    this.#names.clear();
    const t = this.tables.interface;
    const cur = this.#cursor;
    for (const s of t.slots()) this.#linkAdded(t.loc(s, cur));
  }

  // -------------------------------------------------------------------------

  #checkWaiters(): void {
    if (this.#waiters.size === 0) return;
    for (const w of [...this.#waiters]) {
      let ok = false;
      try {
        ok = w.check();
      } catch (e) {
        this.#settleWaiter(w, e instanceof Error ? e : new Error(String(e)));
        continue;
      }
      if (ok) this.#settleWaiter(w);
    }
  }

  #settleWaiter(w: Waiter, error?: Error): void {
    if (!this.#waiters.delete(w)) return;
    if (w.timer) clearTimeout(w.timer);
    if (error) w.reject(error);
    else w.resolve();
  }

  /** Re-checks the waiters (after a change made outside the event path). */
  poke(): void {
    this.#checkWaiters();
  }
}

function emptyTables(): Record<ObjectKind, RecordTable> {
  const out = {} as Record<ObjectKind, RecordTable>;
  for (const k of KINDS) out[k] = new RecordTable(KIND_DEFS[k]);
  return out;
}

