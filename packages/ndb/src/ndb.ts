import './polyfill.js';
/**
 * `NDB`: the database. One or more sources (namespaces), read through
 * views, changed through transactions.
 */
import { NetlinkError } from '@nlkit/core';
import type { Transport } from '@nlkit/transport';
import type { Loc } from './bytes.js';
import { AF_INET, AF_INET6, IFF } from './constants.js';
import { ReadOnlyError, TransactionError } from './errors.js';
import { EventQueue, changeEvent, type EventOptions } from './events.js';
import { KIND_DEFS, KINDS, addr, link, locOf, probe, type KindDef, type ObjectKind } from './kinds.js';
import type { Binding, DataSet, FreezeApi, SourceData } from './records.js';
import { Source, type SourceSpec, type SourceStats } from './source.js';
import { KEY_MAX, type RecordTable } from './table.js';
import { Transaction, rawMessage, type CommitHook, type CommitOptions, type CommitReport, type Review, type TxHost } from './transaction.js';
import { View } from './views.js';

/** Options of {@link NDB.open}. */
export interface NdbOptions {
  /** The sources to load, in order (lookups without a `source` try them in this order). Default: the process's own namespace. */
  sources?: readonly SourceSpec[];
  /** One source in this namespace (a shorthand for `sources: [{ netns }]`). */
  netns?: string | {
    /** A process whose network namespace to use (`/proc/PID/ns/net`). */
    pid: number;
  };
  /** One source over this transport (a `ReplayTransport` for offline use, a `FakeTransport` in tests). */
  transport?: Transport;
  /** With {@link transport}: a second transport for the events. */
  events?: Transport;
  /** With a single source: `SO_RCVBUF` of its event socket. */
  receiveBufferSize?: number;
  /** With a single source: the kinds of objects to follow. */
  kinds?: readonly ObjectKind[];
  /**
   * `implicit` (the default): the first change through `db`'s own views
   * starts a transaction, committed with `db.commit()`. `explicit`: changes
   * need `db.begin()` first, else they throw.
   */
  mode?: 'implicit' | 'explicit';
  /** Nothing can be changed: `begin()` and every change method throw {@link ReadOnlyError}. */
  readOnly?: boolean;
  /** Milliseconds a commit step may take to show in the events. Default 5000. */
  syncTimeoutMs?: number;
  /** Errors in the background (a failed resync dump, a freeze revert refused). Default: ignored (see `db.errors`). */
  onError?: (error: unknown, source: string) => void;
}

/** Counters and sizes of one source. */
export interface SourceReport extends SourceStats {
  /** The source's name. */
  readonly name: string;
  /** `loading`, `ready`, `refreshing` or `closed` (as {@link Source.state}). */
  readonly state: string;
  /** Records held, by kind. */
  readonly records: Readonly<Record<ObjectKind, number>>;
  /** Payload bytes of the records (what the kernel sent, less link counters). */
  readonly payloadBytes: number;
  /** Bytes the store holds for them: arena chunks, bookkeeping, index. */
  readonly storeBytes: number;
}

interface Frozen {
  source: string;
  index: number;
  link: Uint8Array;
  addrs: Map<string, Uint8Array>;
  dirty: boolean;
  running: boolean;
}

/**
 * A live, indexed, in-memory view of the network stack of one or more
 * namespaces, in the manner of pyroute2's IPDB and NDB.
 *
 * ```ts
 * import { NDB } from '@nlkit/ndb';
 *
 * await using db = await NDB.open();                  // the host's namespace
 * db.interfaces.get('eth0')?.ipaddr.ipv4;             // [['10.0.0.2', 24]]
 * db.routes.get('default')?.gateway;                  // '10.0.0.1'
 *
 * await db.transaction(async (tx) => {                // commit on success, roll back on throw
 *   const br = tx.interfaces.create({ ifname: 'br0', kind: 'bridge' });
 *   br.addPort('eth1').addIp('10.1.0.1/24').up();
 *   tx.routes.add({ dst: '10.2.0.0/16', gateway: '10.1.0.254' });
 * });
 * ```
 */
export class NDB extends View {
  /** How changes through `db`'s own views find a transaction ({@link NdbOptions.mode}). */
  readonly mode: 'implicit' | 'explicit';
  /** The sources, by name. */
  readonly sources: Sources;
  /** Read-only view of the same live data: reads work, changes throw {@link ReadOnlyError}. */
  readonly ro: View;
  /** Background errors, newest last (at most 100 kept). */
  readonly errors: {
    /** The source the error happened in. */
    source: string;
    /** The error. */
    error: unknown;
  }[] = [];

  readonly #sources = new Map<string, Source>();
  readonly #queues = new Set<EventQueue>();
  readonly #hooks: { name: string; fn: CommitHook }[] = [];
  readonly #frozen = new Map<string, Frozen>();
  readonly #suspended = new Map<string, number>();
  readonly #syncTimeoutMs: number;
  readonly #onError: ((error: unknown, source: string) => void) | undefined;
  #current: Transaction | undefined;
  #closed = false;
  #counter = 0;
  readonly #data: DataSet;
  readonly #roBinding: Binding;
  readonly #freezer: FreezeApi;

  private constructor(options: NdbOptions) {
    const self: { db?: NDB } = {};
    const data: DataSet = {
      list: () => [...self.db!.#sources.values()],
      get: (name) => self.db!.#sources.get(name),
    };
    const freezer: FreezeApi = {
      freeze: (s, i) => self.db!.#freeze(s, i),
      unfreeze: (s, i) => self.db!.#frozen.delete(`${s}/${i}`),
      isFrozen: (s, i) => self.db!.#frozen.has(`${s}/${i}`),
    };
    const defaultSource = (): string => {
      const first = self.db!.#sources.keys().next();
      if (first.done) throw new TransactionError('the database has no sources');
      return first.value;
    };
    const ro: Binding = { data, tx: undefined, get ro() { return ro; }, freezer: undefined, defaultSource };
    const live: Binding = options.readOnly
      ? ro
      : { data, tx: (what) => self.db!.#currentTx(what), ro, freezer, defaultSource };
    super(live);
    self.db = this;
    this.#data = data;
    this.#roBinding = ro;
    this.#freezer = freezer;
    this.mode = options.mode ?? 'implicit';
    this.#syncTimeoutMs = options.syncTimeoutMs ?? 5000;
    this.#onError = options.onError;
    this.ro = new View(ro);
    this.sources = new Sources(this, (spec) => this.#addSource(spec), (name) => this.#removeSource(name), () => this.#sources);
    if (this.mode !== 'implicit' && this.mode !== 'explicit') throw new TypeError(`mode is "implicit" or "explicit", got ${String(this.mode)}`);
  }

  /**
   * Opens the database: every source's sockets, subscribed to the events
   * first, then its dumps, then the events that came meanwhile. Resolves
   * once every source is loaded.
   *
   * ```ts
   * const db = await NDB.open();                                  // this namespace
   * const db = await NDB.open({ netns: 'blue' });                 // another
   * const db = await NDB.open({ sources: [{}, { netns: 'blue' }, { netns: 'red', name: 'r' }] });
   * const db = await NDB.open({ transport: new ReplayTransport(capture, rtnl) });   // offline
   * ```
   */
  static async open(options: NdbOptions = {}): Promise<NDB> {
    const db = new NDB(options);
    const single = options.netns !== undefined || options.transport !== undefined || options.events !== undefined || options.receiveBufferSize !== undefined || options.kinds !== undefined;
    if (single && options.sources) throw new TypeError('give sources, or the options of one source (netns, transport, ...), not both');
    const specs: SourceSpec[] = options.sources
      ? [...options.sources]
      : [{
          ...(options.netns !== undefined ? { netns: options.netns } : {}),
          ...(options.transport !== undefined ? { transport: options.transport } : {}),
          ...(options.events !== undefined ? { events: options.events } : {}),
          ...(options.receiveBufferSize !== undefined ? { receiveBufferSize: options.receiveBufferSize } : {}),
          ...(options.kinds !== undefined ? { kinds: options.kinds } : {}),
        }];
    try {
      for (const spec of specs) await db.#addSource(spec);
    } catch (e) {
      await db.close();
      throw e;
    }
    return db;
  }

  // -------------------------------------------------------------------------
  // Views, snapshots, events

  /**
   * A frozen copy of the view as it is now: the same collections, never
   * changing, read-only. Cheap: the records' bytes are shared, only the
   * index arrays are copied.
   */
  snapshot(): View {
    const copies = new Map<string, SourceData>();
    for (const s of this.#sources.values()) copies.set(s.name, snapshotOf(s));
    const data: DataSet = { list: () => [...copies.values()], get: (n) => copies.get(n) };
    const b: Binding = { data, tx: undefined, get ro() { return b; }, freezer: undefined, defaultSource: () => this.#roBinding.defaultSource() };
    return new View(b);
  }

  /**
   * The changes from now on, as an async iterable. With `snapshot: true`,
   * `queue.snapshot` is the view at the same instant: replaying the events
   * on it gives the live view, with nothing lost in between.
   *
   * ```ts
   * const q = db.events({ snapshot: true, kinds: ['route'] });
   * let routes = q.snapshot!.routes.size;
   * for await (const e of q) if (e.type === 'add') routes++; else if (e.type === 'del') routes--;
   * ```
   */
  events(options: EventOptions = {}): EventQueue {
    const q: EventQueue = new EventQueue(options, options.snapshot ? this.snapshot() : undefined, () => this.#queues.delete(q));
    if (this.#closed) q.close();
    else this.#queues.add(q);
    return q;
  }

  /**
   * Resolves once every change the kernel made before the call is in the
   * view (a barrier request on each live source's event socket, then any
   * resynchronisation finished).
   */
  async sync(timeoutMs = 10_000): Promise<void> {
    await Promise.all([...this.#sources.values()].map((s) => s.sync(timeoutMs)));
  }

  /** Counters and sizes per source. */
  stats(): SourceReport[] {
    return [...this.#sources.values()].map((s) => {
      const records = {} as Record<ObjectKind, number>;
      let payloadBytes = 0;
      let storeBytes = 0;
      for (const k of KINDS) {
        const t = s.tables[k];
        records[k] = t.size;
        payloadBytes += t.payloadBytes;
        storeBytes += t.bytes;
      }
      return { name: s.name, state: s.state, ...s.stats, records, payloadBytes, storeBytes };
    });
  }

  // -------------------------------------------------------------------------
  // Transactions

  /** The current transaction (the one `db`'s own views record into), if one is open. */
  get tx(): Transaction | undefined {
    const t = this.#current;
    return t && (t.state === 'open' || t.state === 'failed') ? t : undefined;
  }

  /**
   * Starts a transaction and makes it the current one. Its collections
   * (`tx.interfaces`, `tx.routes`, ...) record into it; so do `db`'s own
   * until it is committed or dropped.
   *
   * ```ts
   * await using tx = db.begin();      // dropped at the end of the block unless committed
   * tx.interface('eth0').set({ mtu: 1400 });
   * await tx.commit();
   * ```
   * @throws ReadOnlyError on a read-only database.
   */
  begin(): Transaction {
    if (this.readOnly) throw new ReadOnlyError('begin');
    if (this.#closed) throw new TransactionError('the database is closed');
    const tx = new Transaction(this.#host);
    this.#current = tx;
    return tx;
  }

  /**
   * Runs `fn` with a new transaction and commits it when `fn` returns; when
   * `fn` throws, nothing is applied; when the commit fails, it is rolled
   * back (and the `CommitError` thrown).
   */
  async transaction<T>(fn: (tx: Transaction) => T | Promise<T>, options?: CommitOptions): Promise<T> {
    const tx = this.begin();
    try {
      const result = await fn(tx);
      await tx.commit(options);
      return result;
    } finally {
      if (tx.state === 'open' || tx.state === 'failed') tx.drop();
    }
  }

  /** Commits the current transaction. @throws TransactionError when there is none. */
  commit(options?: CommitOptions): Promise<CommitReport> {
    const tx = this.tx;
    if (!tx) return Promise.reject(new TransactionError('no transaction to commit'));
    return tx.commit(options);
  }

  /** The current transaction's pending changes (none when there is no transaction). */
  review(): Review {
    return this.tx?.review() ?? { entries: [], toString: () => '' };
  }

  /** Drops the current transaction. */
  drop(): void {
    this.tx?.drop();
  }

  /**
   * Adds a check every commit runs after its steps (IPDB's `ensure`):
   * `false` or a throw rolls the commit back. Returns a function that
   * removes it.
   */
  addCommitHook(fn: CommitHook, name = fn.name || `hook ${this.#hooks.length + 1}`): () => void {
    const h = { name, fn };
    this.#hooks.push(h);
    return () => {
      const i = this.#hooks.indexOf(h);
      if (i >= 0) this.#hooks.splice(i, 1);
    };
  }

  /** Closes every source and event queue. The records stay readable. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    for (const q of [...this.#queues]) q.close();
    this.#frozen.clear();
    await Promise.all([...this.#sources.values()].map((s) => s.close()));
  }

  /** Closes the database (`await using`), as {@link close}. */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  // -------------------------------------------------------------------------

  get #host(): TxHost {
    return {
      source: (name) => this.#source(name),
      sourceOfNetns: (netns) => {
        for (const s of this.#sources.values()) if (s.netns === netns) return s.name;
        return undefined;
      },
      defaultSource: () => this.#roBinding.defaultSource(),
      bindingFor: (get) => ({ data: this.#data, tx: () => get(), ro: this.#roBinding, freezer: this.#freezer, defaultSource: () => this.#roBinding.defaultSource() }),
      view: this.ro,
      globalHooks: () => this.#hooks,
      suspendFreeze: (keys) => {
        for (const k of keys) this.#suspended.set(k, (this.#suspended.get(k) ?? 0) + 1);
      },
      resumeFreeze: (keys, retake) => {
        for (const k of keys) {
          const n = (this.#suspended.get(k) ?? 1) - 1;
          if (n > 0) this.#suspended.set(k, n);
          else this.#suspended.delete(k);
          const f = this.#frozen.get(k);
          if (!f) continue;
          if (retake) this.#freeze(f.source, f.index);
          else this.#scheduleRevert(f);
        }
      },
      finished: (tx) => {
        if (this.#current === tx) this.#current = undefined;
      },
      syncTimeoutMs: this.#syncTimeoutMs,
      readOnly: this.readOnly,
    };
  }

  #source(name: string): Source {
    const s = this.#sources.get(name);
    if (!s) throw new TransactionError(`no source "${name}"; sources: ${[...this.#sources.keys()].join(', ') || 'none'}`);
    return s;
  }

  #currentTx(what: string): Transaction {
    if (this.readOnly) throw new ReadOnlyError(what);
    const tx = this.tx;
    if (tx) return tx;
    if (this.mode === 'explicit') throw new TransactionError(`${what}: no transaction; in explicit mode call db.begin() first`);
    return this.begin();
  }

  async #addSource(spec: SourceSpec): Promise<Source> {
    if (this.#closed) throw new Error('the database is closed');
    const name = spec.name ?? defaultName(spec, ++this.#counter);
    if (this.#sources.has(name)) throw new TypeError(`there is already a source named "${name}"`);
    const source = await Source.open(spec, name, {
      changed: (src, def, action, r, resync) => this.#changed(src, def, action, r, resync),
      resync: (src, phase, reason) => {
        for (const q of this.#queues) q.push({ type: 'resync', source: src.name, phase, reason });
      },
      error: (src, e) => this.#error(src.name, e),
      wantsDiffs: () => this.#queues.size > 0,
    });
    if (this.#closed) {
      await source.close();
      throw new Error('the database was closed while the source loaded');
    }
    this.#sources.set(name, source);
    return source;
  }

  async #removeSource(name: string): Promise<void> {
    const s = this.#sources.get(name);
    if (!s) return;
    this.#sources.delete(name);
    for (const k of [...this.#frozen.keys()]) if (k.startsWith(`${name}/`)) this.#frozen.delete(k);
    await s.close();
  }

  #error(source: string, error: unknown): void {
    this.errors.push({ source, error });
    if (this.errors.length > 100) this.errors.shift();
    this.#onError?.(error, source);
  }

  #changed(src: Source, def: KindDef, action: 'add' | 'change' | 'del', r: Loc, resync: boolean): void {
    if (this.#queues.size) {
      let payload: Uint8Array | undefined;
      for (const q of this.#queues) {
        if (!q.wants(def.kind, src.name)) continue;
        payload ??= r.b.slice(r.off, r.off + r.len);
        q.push(changeEvent(action, def.kind, src.name, resync, payload));
      }
    }
    if (this.#frozen.size && (def.kind === 'interface' || def.kind === 'address')) {
      const index = def.kind === 'interface' ? link.index(r) : addr.index(r);
      const f = this.#frozen.get(`${src.name}/${index}`);
      if (f) this.#scheduleRevert(f);
    }
  }

  // -- freeze -----------------------------------------------------------------

  #freeze(source: string, index: number): void {
    const src = this.#source(source);
    const lt = src.tables.interface;
    const s = lt.firstOf(probe.link(index));
    if (s < 0) throw new TransactionError(`interface #${index} does not exist in ${source}`);
    const addrs = new Map<string, Uint8Array>();
    const at = src.tables.address;
    const c = locOf(new Uint8Array(0));
    for (const x of at.slots()) if (addr.index(at.loc(x, c)) === index) addrs.set(keyHex(KIND_DEFS.address, c), at.copy(x));
    const key = `${source}/${index}`;
    const prev = this.#frozen.get(key);
    this.#frozen.set(key, { source, index, link: lt.copy(s), addrs, dirty: false, running: prev?.running ?? false });
  }

  #scheduleRevert(f: Frozen): void {
    f.dirty = true;
    if (f.running) return;
    f.running = true;
    void (async () => {
      try {
        while (f.dirty) {
          f.dirty = false;
          // Let a burst of events settle first.
          await new Promise((r) => setTimeout(r, 5));
          const key = `${f.source}/${f.index}`;
          const cur = this.#frozen.get(key);
          if (cur === undefined || this.#suspended.has(key) || this.#closed) break;
          try {
            await this.#revert(cur);
          } catch (e) {
            this.#error(f.source, e);
          }
          if (cur !== f && cur.dirty) f.dirty = true;
        }
      } finally {
        f.running = false;
        const cur = this.#frozen.get(`${f.source}/${f.index}`);
        if (cur && cur !== f && cur.dirty && !cur.running) this.#scheduleRevert(cur);
      }
    })();
  }

  /** Puts a frozen interface back as it was: attributes first, then addresses. */
  async #revert(f: Frozen): Promise<void> {
    const src = this.#sources.get(f.source);
    if (!src) return;
    const lt = src.tables.interface;
    const s = lt.firstOf(probe.link(f.index));
    if (s < 0) return; // deleted: nothing to revert onto
    const now = lt.loc(s, locOf(new Uint8Array(0)));
    const was = locOf(f.link);
    const set: Record<string, unknown> = {};
    if (link.ifname(now) !== link.ifname(was)) set.ifname = link.ifname(was);
    if (link.mtu(now) !== link.mtu(was) && link.mtu(was) !== undefined) set.mtu = link.mtu(was);
    if (link.address(now) !== link.address(was) && link.address(was) !== undefined) set.address = link.address(was);
    if ((link.flags(now) & IFF.UP) !== (link.flags(was) & IFF.UP)) set.state = link.flags(was) & IFF.UP ? 'up' : 'down';
    if (link.master(now) !== link.master(was)) set.master = link.master(was) || null;
    if (Object.keys(set).length) await src.ipr.link('set', { index: f.index, ...set } as never);
    const at = src.tables.address;
    const c = locOf(new Uint8Array(0));
    const current = new Map<string, Uint8Array>();
    for (const x of at.slots()) if (addr.index(at.loc(x, c)) === f.index) current.set(keyHex(KIND_DEFS.address, c), at.copy(x));
    for (const [k, bytes] of current) {
      if (f.addrs.has(k)) continue;
      // IPv6 link-local addresses come and go with the device's state: the state is what is reverted.
      if (addr.family(locOf(bytes)) === AF_INET6 && isLinkLocal(bytes)) continue;
      await tolerate(src.request(rawMessage('address', bytes, 'del'), 'freeze: delete address'), EADDRNOTAVAIL);
    }
    for (const [k, bytes] of f.addrs) {
      if (current.has(k)) continue;
      if (addr.family(locOf(bytes)) === AF_INET6 && isLinkLocal(bytes)) continue;
      if (addr.family(locOf(bytes)) !== AF_INET && addr.family(locOf(bytes)) !== AF_INET6) continue;
      await tolerate(src.request(rawMessage('address', bytes, 'new'), 'freeze: re-add address'), EEXIST);
    }
  }
}

/**
 * The sources of a database: add and remove namespaces while it runs.
 *
 * ```ts
 * await db.sources.add({ netns: 'red' });
 * db.interfaces.filter({ source: 'red' });
 * await db.sources.remove('red');
 * ```
 */
export class Sources implements Iterable<Source> {
  readonly #add: (spec: SourceSpec) => Promise<Source>;
  readonly #remove: (name: string) => Promise<void>;
  readonly #map: () => ReadonlyMap<string, Source>;

  /** @internal */
  constructor(_db: NDB, add: (spec: SourceSpec) => Promise<Source>, remove: (name: string) => Promise<void>, map: () => ReadonlyMap<string, Source>) {
    this.#add = add;
    this.#remove = remove;
    this.#map = map;
  }

  /** Loads another source; resolves when it is loaded. */
  add(spec: SourceSpec): Promise<Source> {
    return this.#add(spec);
  }
  /** Closes a source and removes its objects from the views. */
  remove(name: string): Promise<void> {
    return this.#remove(name);
  }
  /** The source named `name`, or undefined. */
  get(name: string): Source | undefined {
    return this.#map().get(name);
  }
  /** The names of the sources, in order. */
  get names(): string[] {
    return [...this.#map().keys()];
  }
  /** How many sources there are. */
  get size(): number {
    return this.#map().size;
  }
  /** The sources, in order. */
  [Symbol.iterator](): Iterator<Source> {
    return this.#map().values();
  }
}

function defaultName(spec: SourceSpec, n: number): string {
  if (spec.netns !== undefined) {
    if (typeof spec.netns === 'string') return spec.netns.includes('/') ? spec.netns.slice(spec.netns.lastIndexOf('/') + 1) : spec.netns;
    return `pid${spec.netns.pid}`;
  }
  if (spec.transport) return `source${n}`;
  return 'localhost';
}

function snapshotOf(s: Source): SourceData {
  const tables = {} as Record<ObjectKind, RecordTable>;
  for (const k of KINDS) tables[k] = s.tables[k].clone();
  const names = new Map<string, number>();
  const c = locOf(new Uint8Array(0));
  for (const x of tables.interface.slots()) {
    const n = link.ifname(tables.interface.loc(x, c));
    if (n !== undefined) names.set(n, link.index(c));
  }
  return { name: s.name, tables, indexOf: (n) => names.get(n) };
}

const scratch = new Uint8Array(KEY_MAX);
function keyHex(def: KindDef, r: Loc): string {
  const len = def.key(r, scratch);
  let s = '';
  for (let i = 0; i < len; i++) s += scratch[i]!.toString(16).padStart(2, '0');
  return s;
}

const EEXIST = 17;
const EADDRNOTAVAIL = 99;

/**
 * Awaits a request, ignoring the one refusal that means it is already done
 * (a second revert pass that ran before the events of the first arrived).
 */
async function tolerate(p: Promise<void>, errno: number): Promise<void> {
  try {
    await p;
  } catch (e) {
    if (!(e instanceof NetlinkError && e.errno === errno)) throw e;
  }
}

function isLinkLocal(bytes: Uint8Array): boolean {
  const a = addr.address(locOf(bytes)) ?? '';
  return a.startsWith('fe80:');
}

