/**
 * Transactions: changes are recorded, reviewed, then committed in
 * dependency order, each step waiting until the kernel's events show it;
 * a failure (or a commit hook saying no) rolls back every applied step in
 * reverse.
 */
import './polyfill.js';
import { NLM_F, encodeMessage, parseIPv4, parseIPv6 } from '@nlkit/core';
import { routeRequest, ruleRequest, rtnl, tableId, type RouteSpec, type RuleSpec } from '@nlkit/rtnl';
import type { RequestInput } from '@nlkit/transport';
import type { Rtnl } from '@nlkit/rtnl';
import { AF_INET6, IFF, RTM, RTPROT_KERNEL } from './constants.js';

const RTNH_F_ONLINK = 4;
import { CommitError, ReadOnlyError, TransactionError, type RollbackStep } from './errors.js';
import { KIND_DEFS, addr, decodePayload, link, locOf, neigh, probe, route, routeId, rule, sameNexthops, sameRecord, type ObjectKind } from './kinds.js';
import { ipText, type Loc } from './bytes.js';
import {
  Interface,
  type AddrChange, type Binding, type CreateSpec, type FdbAdd, type IfaceRef, type LinkChanges, type LinkRef, type NeighAdd, type RouteAdd,
  type RouteChanges, type TxApi,
} from './records.js';
import type { Source } from './source.js';
import { View } from './views.js';

/** Options of {@link Transaction.commit}. */
export interface CommitOptions {
  /** Milliseconds each step may take to show in the events (and each undo step). Default: the database's `syncTimeoutMs` (5000). */
  timeoutMs?: number;
}

/** What a successful commit did. */
export interface CommitReport {
  /** The steps applied, in order. */
  readonly steps: readonly string[];
  /** Milliseconds the commit took. */
  readonly ms: number;
}

/** What a commit hook gets. */
export interface HookContext {
  /** The database's read-only view, showing the committed changes. */
  readonly view: View;
  /** The transaction being committed. */
  readonly tx: Transaction;
  /** A source's command client (`ipr.route('get', ...)` to probe reachability, say). */
  source(name?: string): Source;
}

/**
 * A user check run after every step is applied and seen: return `false`
 * (or throw) to roll the commit back.
 *
 * ```ts
 * tx.hook(async ({ source }) => (await source().ipr.route('get', { dst: '10.0.0.254' })).header.type === 1);
 * ```
 */
export type CommitHook = (ctx: HookContext) => boolean | void | Promise<boolean | void>;

/** One pending change, as {@link Transaction.review} shows it. */
export interface ReviewEntry {
  /** `create`, `set`, `remove` (interfaces), `add`, `delete` (everything else), `port` (enslave/release). */
  readonly action: 'create' | 'set' | 'remove' | 'add' | 'delete' | 'port';
  /** Which kind of object it acts on. */
  readonly kind: ObjectKind;
  /** The source (namespace) it happens in. */
  readonly source: string;
  /** What it acts on: `br0`, `10.0.0.1/24 on br0`, `10.1.0.0/16 table 254`. */
  readonly target: string;
  /** For `set`: each attribute's value now and after. */
  readonly changes?: Readonly<Record<string, {
    /** The value now (absent when unset). */
    readonly from?: unknown;
    /** The value after the commit. */
    readonly to: unknown;
  }>>;
  /** The one-line description the commit uses for the step. */
  readonly step: string;
}

/** The pending changes of a transaction, in the order a commit applies them. */
export interface Review {
  /** The changes, in commit order. */
  readonly entries: readonly ReviewEntry[];
  /** A diff-like listing, one change per line (`+ `, `- `, `~ `). */
  toString(): string;
}

/** What a transaction needs from its database. @internal */
export interface TxHost {
  source(name: string): Source;
  /** The source mirroring a namespace given by name, if any. */
  sourceOfNetns(netns: string): string | undefined;
  defaultSource(): string;
  bindingFor(tx: () => Transaction): Binding;
  readonly view: View;
  globalHooks(): readonly { name: string; fn: CommitHook }[];
  suspendFreeze(keys: readonly string[]): void;
  resumeFreeze(keys: readonly string[], retake: boolean): void;
  finished(tx: Transaction): void;
  readonly syncTimeoutMs: number;
  readonly readOnly: boolean;
}

interface RunCtx {
  readonly timeoutMs: number;
  undo(label: string, fn: () => Promise<void>): void;
}

interface Step {
  readonly label: string;
  readonly entry: ReviewEntry;
  run(ctx: RunCtx): Promise<void>;
}

type Op<T> = { op: 'add'; source: string; spec: T } | { op: 'del'; source: string; before: Uint8Array };
type RouteOp = { op: 'add'; source: string; spec: RouteAdd } | { op: 'set'; source: string; before: Uint8Array; changes: RouteChanges } | { op: 'del'; source: string; before: Uint8Array };

let nextId = 1;

const refKey = (r: LinkRef): string => `${r.source}/${'index' in r ? r.index : `+${r.pending}`}`;

/**
 * A set of changes to commit together. Made by `db.begin()` (or implicitly
 * by the first change in implicit mode); its collections (`tx.interfaces`,
 * `tx.routes`, ...) record into it.
 *
 * ```ts
 * const tx = db.begin();
 * const br = tx.interfaces.create({ ifname: 'br0', kind: 'bridge' });
 * tx.interfaces.create({ ifname: 'v0', kind: 'veth', peer: 'v0p' });
 * br.addPort('v0p').addIp('10.0.0.1/24').up();
 * tx.interface('v0p').up();
 * tx.routes.add({ dst: '10.1.0.0/16', gateway: '10.0.0.254' });
 * console.log(String(tx.review()));
 * await tx.commit();          // or tx.drop()
 * ```
 */
export class Transaction extends View implements TxApi {
  /** A number identifying the transaction (increasing, per process). */
  readonly id = nextId++;
  readonly #host: TxHost;
  #state: 'open' | 'committing' | 'committed' | 'failed' | 'dropped' = 'open';
  readonly #creates: { source: string; spec: CreateSpec }[] = [];
  readonly #sets = new Map<string, { ref: LinkRef; changes: LinkChanges }>();
  readonly #ports = new Map<string, { port: LinkRef; master: LinkRef | null }>();
  readonly #linkDels = new Map<string, LinkRef>();
  readonly #addrs = new Map<string, { op: 'add' | 'del'; ref: LinkRef; change: AddrChange }>();
  readonly #routes: RouteOp[] = [];
  readonly #rules: Op<RuleSpec>[] = [];
  readonly #neighs: Op<NeighAdd>[] = [];
  readonly #fdbs: Op<FdbAdd>[] = [];
  readonly #hooks: { name: string; fn: CommitHook }[] = [];

  /** @internal */
  constructor(host: TxHost) {
    const holder: { tx?: Transaction } = {};
    super(host.bindingFor(() => holder.tx!));
    holder.tx = this;
    this.#host = host;
  }

  /** `open`, `committing`, `committed`, `failed` (rolled back; commit again or drop) or `dropped`. */
  get state(): 'open' | 'committing' | 'committed' | 'failed' | 'dropped' {
    return this.#state;
  }

  /** True when nothing has been recorded. */
  get empty(): boolean {
    return this.#creates.length + this.#sets.size + this.#ports.size + this.#linkDels.size + this.#addrs.size + this.#routes.length + this.#rules.length + this.#neighs.length + this.#fdbs.length === 0;
  }

  /**
   * An interface to change in this transaction: one that exists (by name,
   * index or handle) or one it creates.
   * @throws TransactionError when there is none.
   */
  interface(ref: IfaceRef, source?: string): Interface {
    const src = source ?? (ref instanceof Interface ? ref.source : this.#host.defaultSource());
    const r = this.ref(src, ref);
    const b = this.binding;
    if ('index' in r) return new Interface(b, r.source, r.index);
    const c = this.#creates.find((x) => x.source === r.source && x.spec.ifname === r.pending);
    return new Interface(b, r.source, 0, c?.spec ?? { ifname: r.pending, kind: 'veth' });
  }

  /** Adds a check to run after all steps are applied: `false` or a throw rolls the commit back. */
  hook(fn: CommitHook, name = fn.name || `hook ${this.#hooks.length + 1}`): this {
    this.#open('hook');
    this.#hooks.push({ name, fn });
    return this;
  }

  /** The pending changes, in commit order. */
  review(): Review {
    const entries = this.#plan().map((s) => s.entry);
    return {
      entries,
      toString: () => entries.map((e) => `${e.action === 'create' || e.action === 'add' ? '+' : e.action === 'remove' || e.action === 'delete' ? '-' : '~'} ${e.step}${e.source !== this.#host.defaultSource() ? ` [${e.source}]` : ''}`).join('\n'),
    };
  }

  /** Discards the pending changes; the transaction is over. */
  drop(): void {
    if (this.#state === 'committing') throw new TransactionError('the transaction is committing');
    if (this.#state === 'dropped' || this.#state === 'committed') return;
    this.#state = 'dropped';
    this.#host.finished(this);
  }

  /** Drops the transaction unless it was committed: with `await using tx = db.begin()`, leaving the block without `commit()` changes nothing. */
  async [Symbol.asyncDispose](): Promise<void> {
    if (this.#state === 'open' || this.#state === 'failed') this.drop();
  }

  /**
   * Applies the changes in dependency order (deletions first, then new
   * interfaces, their attributes, ports, addresses, routes, then rules,
   * neighbours and FDB entries), waiting after each step until the events
   * show it; then runs the commit hooks. On any failure, every step applied
   * is undone in reverse and a {@link CommitError} names the failed step and
   * how the rollback went.
   */
  async commit(options: CommitOptions = {}): Promise<CommitReport> {
    if (this.#state !== 'open' && this.#state !== 'failed') throw new TransactionError(`the transaction is ${this.#state}`);
    if (this.#host.readOnly) throw new ReadOnlyError('commit');
    const t0 = performance.now();
    const steps = this.#plan();
    const timeoutMs = options.timeoutMs ?? this.#host.syncTimeoutMs;
    const undos: { label: string; fn: () => Promise<void> }[] = [];
    const ctx: RunCtx = { timeoutMs, undo: (label, fn) => undos.push({ label, fn }) };
    const touched = this.#touched();
    this.#state = 'committing';
    this.#host.suspendFreeze(touched);
    let failure: { index: number; label: string; cause: unknown } | undefined;
    try {
      for (let i = 0; i < steps.length; i++) {
        try {
          await steps[i]!.run(ctx);
        } catch (e) {
          failure = { index: i, label: steps[i]!.label, cause: e };
          break;
        }
      }
      if (!failure) {
        const hookCtx: HookContext = { view: this.#host.view, tx: this, source: (name) => this.#host.source(name ?? this.#host.defaultSource()) };
        for (const h of [...this.#host.globalHooks(), ...this.#hooks]) {
          try {
            const ok = await h.fn(hookCtx);
            if (ok === false) throw new Error(`the hook returned false`);
          } catch (e) {
            failure = { index: steps.length, label: `commit hook ${h.name}`, cause: e };
            break;
          }
        }
      }
      if (failure) {
        const outcome: RollbackStep[] = [];
        for (const u of undos.reverse()) {
          try {
            await u.fn();
            outcome.push({ step: u.label, ok: true });
          } catch (e) {
            outcome.push({ step: u.label, ok: false, error: e });
          }
        }
        this.#state = 'failed';
        throw new CommitError({ failedStep: failure.label, stepIndex: failure.index, steps: steps.length, cause: failure.cause, rollback: { ok: outcome.every((o) => o.ok), steps: outcome } });
      }
      this.#state = 'committed';
      this.#host.finished(this);
      return { steps: steps.map((s) => s.label), ms: performance.now() - t0 };
    } finally {
      this.#host.resumeFreeze(touched, this.#state === 'committed');
    }
  }

  // -------------------------------------------------------------------------
  // Recording (TxApi)

  #open(what: string): void {
    if (this.#state !== 'open' && this.#state !== 'failed') throw new TransactionError(`${what}: the transaction is ${this.#state}`);
  }

  /**
   * The transaction's reference to a device: an existing one by index, or one it creates by name.
   * @internal
   */
  ref(source: string, ref: IfaceRef): LinkRef {
    if (ref instanceof Interface) return ref.ref();
    if (typeof ref === 'number') return { source, index: ref };
    const src = this.#host.source(source);
    const index = src.indexOf(ref);
    if (index !== undefined) return { source, index };
    if (this.#pendingNames(source).has(ref)) return { source, pending: ref };
    throw new TransactionError(`no interface "${ref}" in ${source} (nor created in this transaction)`);
  }

  #pendingNames(source: string): Set<string> {
    const names = new Set<string>();
    for (const c of this.#creates) {
      const peer = c.spec.peer;
      // A peer created in another namespace is pending in the source that mirrors it.
      if (typeof peer === 'object' && peer.ifname && peer.netns !== undefined && this.#sourceOfNetns(peer.netns) === source) names.add(peer.ifname);
      if (c.source !== source) continue;
      names.add(c.spec.ifname);
      if (typeof peer === 'string') names.add(peer);
      else if (peer?.ifname && peer.netns === undefined) names.add(peer.ifname);
    }
    for (const s of this.#sets.values()) if (s.ref.source === source && s.changes.ifname) names.add(s.changes.ifname);
    return names;
  }

  /** The name of the source that mirrors namespace `netns`, if any. */
  #sourceOfNetns(netns: string): string | undefined {
    return this.#host.sourceOfNetns(netns);
  }

  /**
   * Records creating an interface.
   * @internal
   */
  createLink(source: string, spec: CreateSpec): void {
    this.#open('create interface');
    if (!spec || typeof spec.ifname !== 'string' || !spec.ifname) throw new TransactionError('create needs an ifname');
    if (typeof spec.kind !== 'string' || !spec.kind) throw new TransactionError(`create ${spec.ifname}: needs a kind`);
    this.#host.source(source);
    if (this.#pendingNames(source).has(spec.ifname)) throw new TransactionError(`create ${spec.ifname}: already created in this transaction`);
    const { source: _s, ...rest } = spec;
    void _s;
    this.#creates.push({ source, spec: rest as CreateSpec });
  }

  /**
   * Records changing an interface's attributes.
   * @internal
   */
  setLink(ref: LinkRef, changes: LinkChanges): void {
    this.#open('set interface');
    const k = refKey(ref);
    const cur = this.#sets.get(k);
    const clean: LinkChanges = {};
    for (const [key, v] of Object.entries(changes)) if (v !== undefined) (clean as Record<string, unknown>)[key] = v;
    this.#sets.set(k, { ref, changes: { ...cur?.changes, ...clean } });
  }

  /**
   * Records deleting an interface.
   * @internal
   */
  removeLink(ref: LinkRef): void {
    this.#open('remove interface');
    if ('pending' in ref) {
      const i = this.#creates.findIndex((c) => c.source === ref.source && c.spec.ifname === ref.pending);
      if (i >= 0) this.#creates.splice(i, 1);
      return;
    }
    this.#linkDels.set(refKey(ref), ref);
  }

  /**
   * Records enslaving a port to a master, or releasing it (`null`).
   * @internal
   */
  setPort(port: LinkRef, master: LinkRef | null): void {
    this.#open('port');
    if (master && master.source !== port.source) throw new TransactionError('a port and its master must be in the same source');
    this.#ports.set(refKey(port), { port, master });
  }

  /**
   * Records adding an address.
   * @internal
   */
  addAddress(ref: LinkRef, change: AddrChange): void {
    this.#addrOp('add', ref, change);
  }

  /**
   * Records deleting an address.
   * @internal
   */
  delAddress(ref: LinkRef, change: AddrChange): void {
    this.#addrOp('del', ref, change);
  }

  #addrOp(op: 'add' | 'del', ref: LinkRef, change: AddrChange): void {
    this.#open(`${op} address`);
    if (typeof change.address !== 'string') throw new TransactionError('an address is a string ("10.0.0.1/24")');
    const norm = canonicalPrefix(change.address);
    const k = `${refKey(ref)}|${change.local ?? norm}|${norm.split('/')[1]}`;
    const prev = this.#addrs.get(k);
    if (prev && prev.op !== op) {
      // An add then a delete (or the reverse) of the same address cancel out when the view agrees.
      const exists = 'index' in ref && this.#host.view.addresses.get({ source: ref.source, index: ref.index, address: norm }) !== undefined;
      if ((op === 'del' && !exists) || (op === 'add' && exists)) {
        this.#addrs.delete(k);
        return;
      }
    }
    this.#addrs.set(k, { op, ref, change: { ...change, address: norm, ...(change.local !== undefined ? { local: canonicalIp(change.local) } : {}) } });
  }

  /**
   * Records adding a route.
   * @internal
   */
  addRoute(source: string, spec: RouteAdd): void {
    this.#open('add route');
    this.#host.source(source);
    const { source: _s, ...rest } = spec;
    void _s;
    // Fail on a spec the builder rejects now, not at commit.
    routeRequest('add', stripDevices(rest));
    this.#routes.push({ op: 'add', source, spec: rest });
  }

  /**
   * Records changing the route whose payload is `before`.
   * @internal
   */
  setRoute(source: string, before: Uint8Array, changes: RouteChanges): void {
    this.#open('set route');
    const prev = this.#routes.find((r) => r.op === 'set' && r.source === source && sameRecord(locOf(r.before), locOf(before)));
    if (prev && prev.op === 'set') prev.changes = { ...prev.changes, ...changes };
    else this.#routes.push({ op: 'set', source, before, changes });
  }

  /**
   * Records deleting the route whose payload is `before`.
   * @internal
   */
  delRoute(source: string, before: Uint8Array): void {
    this.#open('delete route');
    this.#routes.push({ op: 'del', source, before });
  }

  /**
   * Records adding a rule.
   * @internal
   */
  addRule(source: string, spec: RuleSpec): void {
    this.#open('add rule');
    ruleRequest('add', spec);
    this.#rules.push({ op: 'add', source, spec });
  }

  /**
   * Records deleting the rule whose payload is `before`.
   * @internal
   */
  delRule(source: string, before: Uint8Array): void {
    this.#open('delete rule');
    this.#rules.push({ op: 'del', source, before });
  }

  /**
   * Records adding a neighbour entry.
   * @internal
   */
  addNeigh(source: string, spec: NeighAdd): void {
    this.#open('add neighbour');
    const { source: _s, ...rest } = spec;
    void _s;
    this.#neighs.push({ op: 'add', source, spec: rest as NeighAdd });
  }

  /**
   * Records deleting the neighbour entry whose payload is `before`.
   * @internal
   */
  delNeigh(source: string, before: Uint8Array): void {
    this.#open('delete neighbour');
    this.#neighs.push({ op: 'del', source, before });
  }

  /**
   * Records adding a forwarding entry.
   * @internal
   */
  addFdb(source: string, spec: FdbAdd): void {
    this.#open('add fdb entry');
    const { source: _s, ...rest } = spec;
    void _s;
    this.#fdbs.push({ op: 'add', source, spec: rest as FdbAdd });
  }

  /**
   * Records deleting the forwarding entry whose payload is `before`.
   * @internal
   */
  delFdb(source: string, before: Uint8Array): void {
    this.#open('delete fdb entry');
    this.#fdbs.push({ op: 'del', source, before });
  }

  // -------------------------------------------------------------------------
  // Planning

  /** Interfaces (as `source/index`) whose state the commit changes: freezing pauses for them. */
  #touched(): string[] {
    const keys = new Set<string>();
    const add = (r: LinkRef): void => {
      if ('index' in r) keys.add(refKey(r));
    };
    for (const s of this.#sets.values()) add(s.ref);
    for (const p of this.#ports.values()) add(p.port);
    for (const r of this.#linkDels.values()) add(r);
    for (const a of this.#addrs.values()) add(a.ref);
    return [...keys];
  }

  #name(r: LinkRef): string {
    if ('pending' in r) return r.pending;
    return this.#host.source(r.source).tables.interface.firstOf(probe.link(r.index)) >= 0
      ? this.#host.view.interfaces.get({ source: r.source, index: r.index })?.name ?? `#${r.index}`
      : `#${r.index}`;
  }

  /** The index of a device now (a pending one once created). */
  #idx(r: LinkRef): number {
    if ('index' in r) return r.index;
    const i = this.#host.source(r.source).indexOf(r.pending);
    if (i === undefined) throw new TransactionError(`interface ${r.pending} does not exist (yet)`);
    return i;
  }

  #plan(): Step[] {
    const del: Step[] = [];
    const addrDels: Step[] = [];
    const portDels: Step[] = [];
    const linkDels: Step[] = [];
    const creates: Step[] = [];
    const sets: Step[] = [];
    const portAdds: Step[] = [];
    const addrAdds: Step[] = [];
    const routeAdds: Step[] = [];
    const others: Step[] = [];
    for (const r of this.#routes) (r.op === 'del' ? del : routeAdds).push(this.#routeStep(r));
    for (const r of this.#rules) (r.op === 'del' ? del : others).push(this.#ruleStep(r));
    for (const n of this.#neighs) (n.op === 'del' ? del : others).push(this.#neighStep('neighbour', n));
    for (const f of this.#fdbs) (f.op === 'del' ? del : others).push(this.#neighStep('fdb', f));
    for (const a of this.#addrs.values()) (a.op === 'del' ? addrDels : addrAdds).push(this.#addrStep(a.op, a.ref, a.change));
    for (const p of this.#ports.values()) (p.master === null ? portDels : portAdds).push(this.#portStep(p.port, p.master));
    for (const r of this.#linkDels.values()) linkDels.push(this.#linkDelStep(r));
    for (const c of this.#sortedCreates()) creates.push(this.#createStep(c.source, c.spec));
    for (const s of this.#sets.values()) sets.push(this.#setStep(s.ref, s.changes));
    return [...del, ...addrDels, ...portDels, ...linkDels, ...creates, ...sets, ...portAdds, ...addrAdds, ...routeAdds, ...others];
  }

  /** Creations in an order where a device's lower device and master come first. */
  #sortedCreates(): { source: string; spec: CreateSpec }[] {
    const pending = [...this.#creates];
    const out: { source: string; spec: CreateSpec }[] = [];
    const made = new Set<string>();
    const dep = (c: { source: string; spec: CreateSpec }, ref: IfaceRef | undefined): string | undefined => {
      if (ref === undefined || typeof ref === 'number') return undefined;
      const name = typeof ref === 'string' ? ref : ref.pending ? ref.name : undefined;
      if (name === undefined) return undefined;
      return pending.some((p) => p !== c && p.source === c.source && p.spec.ifname === name) ? `${c.source}/${name}` : undefined;
    };
    while (pending.length) {
      const i = pending.findIndex((c) => [dep(c, c.spec.link), dep(c, c.spec.master)].every((d) => d === undefined || made.has(d)));
      const [c] = pending.splice(i < 0 ? 0 : i, 1);
      made.add(`${c!.source}/${c!.spec.ifname}`);
      out.push(c!);
    }
    return out;
  }

  // -- steps --------------------------------------------------------------

  #createStep(source: string, spec: CreateSpec): Step {
    const label = `create interface ${spec.ifname} (${spec.kind})`;
    const peerName = typeof spec.peer === 'string' ? spec.peer : spec.peer?.netns === undefined ? spec.peer?.ifname : undefined;
    // A peer made in another namespace that a source mirrors is waited for there.
    const away = typeof spec.peer === 'object' && spec.peer.netns !== undefined && spec.peer.ifname ? { source: this.#sourceOfNetns(spec.peer.netns), name: spec.peer.ifname } : undefined;
    return {
      label,
      entry: { action: 'create', kind: 'interface', source, target: spec.ifname, step: label },
      run: async (ctx) => {
        const src = this.#host.source(source);
        const { link: lower, master, ...rest } = spec;
        const req: Record<string, unknown> = { ...rest };
        if (lower !== undefined) req.link = this.#idx(this.ref(source, lower));
        if (master !== undefined) req.master = this.#idx(this.ref(source, master));
        await src.ipr.link('add', req as never);
        ctx.undo(`delete interface ${spec.ifname}`, async () => {
          const index = src.indexOf(spec.ifname);
          if (index === undefined) return;
          await src.ipr.link('del', { index });
          await src.waitFor(() => src.indexOf(spec.ifname) === undefined && (peerName === undefined || src.indexOf(peerName) === undefined), ctx.timeoutMs, `delete interface ${spec.ifname}`);
        });
        await src.waitFor(() => src.indexOf(spec.ifname) !== undefined && (peerName === undefined || src.indexOf(peerName) !== undefined), ctx.timeoutMs, label);
        if (away?.source !== undefined) {
          const other = this.#host.source(away.source);
          await other.waitFor(() => other.indexOf(away.name) !== undefined, ctx.timeoutMs, `${label}: peer ${away.name} in ${away.source}`);
        }
      },
    };
  }

  #setStep(ref: LinkRef, changes: LinkChanges): Step {
    const name = this.#name(ref);
    const current = 'index' in ref ? this.#host.view.interfaces.get({ source: ref.source, index: ref.index }) : undefined;
    const shown: Record<string, { from?: unknown; to: unknown }> = {};
    for (const [k, v] of Object.entries(changes)) shown[k] = { ...(current ? { from: currentValue(current, k as keyof LinkChanges) } : {}), to: v };
    const label = `set interface ${name}: ${Object.entries(changes).map(([k, v]) => `${k} ${typeof v === 'object' ? JSON.stringify(v) : String(v)}`).join(', ')}`;
    return {
      label,
      entry: { action: 'set', kind: 'interface', source: ref.source, target: name, changes: shown, step: label },
      run: async (ctx) => {
        const src = this.#host.source(ref.source);
        const index = this.#idx(ref);
        const before = this.#host.view.interfaces.get({ source: ref.source, index });
        if (!before) throw new TransactionError(`interface ${name} does not exist`);
        const old = previousValues(before, changes);
        await src.ipr.link('set', linkSetSpec(index, before, changes) as never);
        ctx.undo(`restore interface ${name}: ${Object.keys(old).join(', ')}`, async () => {
          await src.ipr.link('set', linkSetSpec(index, before, old) as never);
          await src.waitFor(() => reflects(src, index, old), ctx.timeoutMs, `restore interface ${name}`);
        });
        await src.waitFor(() => reflects(src, index, changes), ctx.timeoutMs, label);
      },
    };
  }

  #portStep(port: LinkRef, master: LinkRef | null): Step {
    const pname = this.#name(port);
    const label = master ? `enslave ${pname} to ${this.#name(master)}` : `release ${pname} from its master`;
    return {
      label,
      entry: { action: 'port', kind: 'interface', source: port.source, target: pname, changes: { master: { to: master ? this.#name(master) : null } }, step: label },
      run: async (ctx) => {
        const src = this.#host.source(port.source);
        const index = this.#idx(port);
        const m = master ? this.#idx(master) : 0;
        const oldMaster = masterOf(src, index);
        await src.ipr.link('set', { index, master: m || null });
        ctx.undo(oldMaster ? `re-enslave ${pname} to #${oldMaster}` : `release ${pname}`, async () => {
          await src.ipr.link('set', { index, master: oldMaster || null });
          await src.waitFor(() => masterOf(src, index) === oldMaster, ctx.timeoutMs, `restore the master of ${pname}`);
        });
        await src.waitFor(() => masterOf(src, index) === m, ctx.timeoutMs, label);
      },
    };
  }

  #linkDelStep(ref: LinkRef): Step {
    const name = this.#name(ref);
    const label = `delete interface ${name}`;
    return {
      label,
      entry: { action: 'remove', kind: 'interface', source: ref.source, target: name, step: label },
      run: async (ctx) => {
        const src = this.#host.source(ref.source);
        const index = this.#idx(ref);
        const saved = saveLink(src, index);
        await src.ipr.link('del', { index });
        ctx.undo(`recreate interface ${name}`, () => restoreLink(src, saved, ctx.timeoutMs));
        const gone = [index, ...(saved.peer ? [saved.peer.index] : [])];
        await src.waitFor(() => gone.every((i) => src.tables.interface.firstOf(probe.link(i)) < 0), ctx.timeoutMs, label);
      },
    };
  }

  #addrStep(op: 'add' | 'del', ref: LinkRef, change: AddrChange): Step {
    const name = this.#name(ref);
    const text = change.local ? `${change.local} peer ${change.address}` : change.address;
    const label = `${op === 'add' ? 'add' : 'delete'} address ${text} on ${name}`;
    const [address, len] = change.address.split('/') as [string, string];
    const local = change.local ?? address;
    const prefixlen = Number(len);
    const present = (src: Source, index: number): number => findAddr(src, index, local, prefixlen);
    return {
      label,
      entry: { action: op === 'add' ? 'add' : 'delete', kind: 'address', source: ref.source, target: `${text} on ${name}`, step: label },
      run: async (ctx) => {
        const src = this.#host.source(ref.source);
        const index = this.#idx(ref);
        if (op === 'add') {
          await src.ipr.addr('add', { ...change, index });
          ctx.undo(`delete address ${text} on ${name}`, async () => {
            await src.ipr.addr('del', { index, address: change.address, ...(change.local ? { local: change.local } : {}) });
            await addrSettled(src, index, () => present(src, index) < 0, ctx.timeoutMs, `delete address ${text}`);
          });
          await addrSettled(src, index, () => present(src, index) >= 0, ctx.timeoutMs, label);
        } else {
          const slot = present(src, index);
          const before = slot >= 0 ? src.tables.address.copy(slot) : undefined;
          await src.ipr.addr('del', { index, address: change.address, ...(change.local ? { local: change.local } : {}) });
          ctx.undo(`re-add address ${text} on ${name}`, async () => {
            if (before) await rawRequest(src, 'address', before, 'new');
            else await src.ipr.addr('add', { ...change, index });
            await addrSettled(src, index, () => present(src, index) >= 0, ctx.timeoutMs, `re-add address ${text}`);
          });
          await addrSettled(src, index, () => present(src, index) < 0, ctx.timeoutMs, label);
        }
      },
    };
  }

  #routeStep(r: RouteOp): Step {
    if (r.op === 'add') {
      const text = routeText(r.spec);
      const label = `add route ${text}`;
      return {
        label,
        entry: { action: 'add', kind: 'route', source: r.source, target: text, step: label },
        run: async (ctx) => {
          const src = this.#host.source(r.source);
          const spec = this.#routeDevices(r.source, r.spec);
          await src.ipr.route('add', spec as never);
          const id = routeId(spec);
          ctx.undo(`delete route ${text}`, () => deleteRoute(src, id, spec, ctx.timeoutMs));
          await src.waitFor(() => findRoute(src, id, spec) >= 0, ctx.timeoutMs, label);
        },
      };
    }
    const old = decodePayload(RTM.NEWROUTE, locOf(r.before)) as RouteMsgLike;
    const oldText = routeText(specOf(old));
    if (r.op === 'del') {
      const label = `delete route ${oldText}`;
      const before = r.before;
      return {
        label,
        entry: { action: 'delete', kind: 'route', source: r.source, target: oldText, step: label },
        run: async (ctx) => {
          const src = this.#host.source(r.source);
          await rawRequest(src, 'route', before, 'del');
          ctx.undo(`re-add route ${oldText}`, async () => {
            await rawRequest(src, 'route', before, 'new');
            await src.waitFor(() => routePresent(src, before), ctx.timeoutMs, `re-add route ${oldText}`);
          });
          await src.waitFor(() => !routePresent(src, before), ctx.timeoutMs, label);
        },
      };
    }
    const changes = r.changes;
    const label = `change route ${oldText}: ${Object.entries(changes).map(([k, v]) => `${k} ${typeof v === 'object' ? JSON.stringify(v) : String(v)}`).join(', ')}`;
    const shown: Record<string, { from?: unknown; to: unknown }> = {};
    const prev = specOf(old) as Record<string, unknown>;
    for (const [k, v] of Object.entries(changes)) shown[k] = { from: prev[k], to: v };
    const before = r.before;
    return {
      label,
      entry: { action: 'set', kind: 'route', source: r.source, target: oldText, changes: shown, step: label },
      run: async (ctx) => {
        const src = this.#host.source(r.source);
        const next = this.#routeDevices(r.source, mergeRoute(specOf(old), changes));
        const id = routeId(next);
        if (sameRouteKey(specOf(old), next)) {
          await src.ipr.route('replace', next as never);
          ctx.undo(`restore route ${oldText}`, async () => {
            await rawRequest(src, 'route', before, 'new', NLM_F.CREATE | NLM_F.REPLACE);
            await src.waitFor(() => routePresent(src, before), ctx.timeoutMs, `restore route ${oldText}`);
          });
        } else {
          await src.ipr.route('add', next as never);
          ctx.undo(`delete route ${routeText(next)}`, () => deleteRoute(src, id, next, ctx.timeoutMs));
          await rawRequest(src, 'route', before, 'del');
          ctx.undo(`re-add route ${oldText}`, async () => {
            await rawRequest(src, 'route', before, 'new');
            await src.waitFor(() => routePresent(src, before), ctx.timeoutMs, `re-add route ${oldText}`);
          });
        }
        await src.waitFor(() => findRoute(src, id, next) >= 0, ctx.timeoutMs, label);
      },
    };
  }

  /** A route spec with its devices as indices. */
  #routeDevices(source: string, spec: RouteAdd): RouteSpec {
    const out = { ...spec } as Record<string, unknown>;
    delete out.source;
    if (spec.oif !== undefined) out.oif = this.#idx(this.ref(source, spec.oif));
    if (spec.iif !== undefined) out.iif = this.#idx(this.ref(source, spec.iif));
    if (spec.multipath) out.multipath = spec.multipath.map((nh) => ({ ...nh, ...(nh.oif !== undefined ? { oif: this.#idx(this.ref(source, nh.oif)) } : {}) }));
    return out as RouteSpec;
  }

  #ruleStep(r: Op<RuleSpec>): Step {
    if (r.op === 'add') {
      const spec = r.spec;
      const text = ruleText(spec);
      const label = `add rule ${text}`;
      return {
        label,
        entry: { action: 'add', kind: 'rule', source: r.source, target: text, step: label },
        run: async (ctx) => {
          const src = this.#host.source(r.source);
          const match = ruleMatcher(spec);
          const before = countRules(src, match);
          await src.ipr.rule('add', spec);
          ctx.undo(`delete rule ${text}`, async () => {
            await src.ipr.rule('del', spec);
            await src.waitFor(() => countRules(src, match) <= before, ctx.timeoutMs, `delete rule ${text}`);
          });
          await src.waitFor(() => countRules(src, match) > before, ctx.timeoutMs, label);
        },
      };
    }
    const before = r.before;
    const text = `priority ${rule.priority(locOf(before))}`;
    const label = `delete rule ${text}`;
    return {
      label,
      entry: { action: 'delete', kind: 'rule', source: r.source, target: text, step: label },
      run: async (ctx) => {
        const src = this.#host.source(r.source);
        const same = (): number => countRules(src, (x) => sameRecord(x, locOf(before)));
        const n = same();
        await rawRequest(src, 'rule', before, 'del');
        ctx.undo(`re-add rule ${text}`, async () => {
          await rawRequest(src, 'rule', before, 'new');
          await src.waitFor(() => same() >= n, ctx.timeoutMs, `re-add rule ${text}`);
        });
        await src.waitFor(() => same() < n, ctx.timeoutMs, label);
      },
    };
  }

  #neighStep(kind: 'neighbour' | 'fdb', n: Op<NeighAdd> | Op<FdbAdd>): Step {
    if (n.op === 'add') {
      const spec = n.spec as NeighAdd & FdbAdd;
      const what = kind === 'neighbour' ? `neighbour ${spec.dst}` : `fdb ${spec.lladdr}`;
      const label = `add ${what}`;
      return {
        label,
        entry: { action: 'add', kind, source: n.source, target: what, step: label },
        run: async (ctx) => {
          const src = this.#host.source(n.source);
          const index = this.#idx(this.ref(n.source, spec.index));
          const via = spec.via !== undefined ? this.#idx(this.ref(n.source, spec.via)) : undefined;
          const req = { ...spec, index, ...(via !== undefined ? { via } : {}) };
          const present = (): boolean => findNeigh(src, kind, index, spec) >= 0;
          if (kind === 'neighbour') await src.ipr.neigh('add', req as never);
          else await src.ipr.fdb('add', req as never);
          ctx.undo(`delete ${what}`, async () => {
            const slot = findNeigh(src, kind, index, spec);
            if (slot >= 0) await rawRequest(src, kind, src.tables[kind].copy(slot), 'del');
            await src.waitFor(() => !present(), ctx.timeoutMs, `delete ${what}`);
          });
          await src.waitFor(present, ctx.timeoutMs, label);
        },
      };
    }
    const before = n.before;
    const r = locOf(before);
    const what = kind === 'neighbour' ? `neighbour ${neigh.dst(r)}` : `fdb ${neigh.lladdr(r)}`;
    const label = `delete ${what}`;
    return {
      label,
      entry: { action: 'delete', kind, source: n.source, target: what, step: label },
      run: async (ctx) => {
        const src = this.#host.source(n.source);
        const t = (): typeof src.tables.neighbour => src.tables[kind];
        const present = (): boolean => t().firstOf(before) >= 0;
        await rawRequest(src, kind, before, 'del');
        ctx.undo(`re-add ${what}`, async () => {
          await rawRequest(src, kind, before, 'new');
          await src.waitFor(present, ctx.timeoutMs, `re-add ${what}`);
        });
        await src.waitFor(() => !present(), ctx.timeoutMs, label);
      },
    };
  }
}

// ---------------------------------------------------------------------------
// Helpers

/** An address as the kernel's text shows it (`2001:DB8:0::1` → `2001:db8::1`). */
export function canonicalIp(text: string): string {
  const b = parseIPv4(text) ?? parseIPv6(text);
  if (!b) throw new TransactionError(`not an IP address: ${text}`);
  return ipText(new DataView(b.buffer, b.byteOffset, b.byteLength), 0, b.length);
}

/** `'10.0.0.1'` → `'10.0.0.1/32'`; the address part canonical. */
export function canonicalPrefix(text: string): string {
  const slash = text.indexOf('/');
  const a = canonicalIp(slash < 0 ? text : text.slice(0, slash));
  const len = slash < 0 ? (a.includes(':') ? 128 : 32) : Number(text.slice(slash + 1));
  if (!Number.isInteger(len) || len < 0 || len > (a.includes(':') ? 128 : 32)) throw new TransactionError(`bad prefix length in ${text}`);
  return `${a}/${len}`;
}

type RouteMsgLike = { header: Record<string, number>; attrs: Record<string, any> };

function stripDevices(spec: RouteAdd): RouteSpec {
  const { oif, iif, multipath, ...rest } = spec;
  const out: Record<string, unknown> = { ...rest };
  if (oif !== undefined) out.oif = 1;
  if (iif !== undefined) out.iif = 1;
  if (multipath) out.multipath = multipath.map((nh) => ({ ...nh, ...(nh.oif !== undefined ? { oif: 1 } : {}) }));
  return out as RouteSpec;
}

function currentValue(i: Interface, k: keyof LinkChanges): unknown {
  switch (k) {
    case 'ifname':
      return i.name;
    case 'mtu':
      return i.mtu;
    case 'address':
      return i.address;
    case 'state':
      return i.state;
    case 'txqlen':
      return i.txqlen;
    case 'alias':
      return i.alias;
    case 'group':
      return i.attrs.group;
    case 'master':
      return i.master?.name ?? null;
    case 'promisc':
      return (i.flags & IFF.PROMISC) !== 0;
    case 'arp':
      return (i.flags & IFF.NOARP) === 0;
    case 'multicast':
      return (i.flags & IFF.MULTICAST) !== 0;
    case 'allmulticast':
      return (i.flags & IFF.ALLMULTI) !== 0;
    default:
      return undefined;
  }
}

/** The values of the changed attributes now, to restore them. */
function previousValues(i: Interface, changes: LinkChanges): LinkChanges {
  const old: Record<string, unknown> = {};
  for (const k of Object.keys(changes) as (keyof LinkChanges)[]) {
    if (k === 'data' || k === 'slaveData') {
      const info = (i.attrs.linkinfo ?? {}) as { data?: Record<string, unknown>; slaveData?: Record<string, unknown> };
      const cur = (k === 'data' ? info.data : info.slaveData) ?? {};
      const back: Record<string, unknown> = {};
      for (const key of Object.keys(changes[k] ?? {})) if (cur[key] !== undefined) back[key] = cur[key];
      old[k] = back;
      continue;
    }
    const v = currentValue(i, k);
    old[k] = k === 'alias' && v === undefined ? '' : v;
  }
  return old as LinkChanges;
}

/** The `ip link set` spec of `changes` for device `index`. */
function linkSetSpec(index: number, i: Interface, changes: LinkChanges): Record<string, unknown> {
  const spec: Record<string, unknown> = { index };
  for (const [k, v] of Object.entries(changes)) {
    if (v === undefined || k === 'master') continue;
    if (k === 'data') {
      spec.kind = i.kind;
      spec.data = v;
    } else if (k === 'slaveData') {
      spec.slaveKind = i.master?.kind;
      spec.slaveData = v;
    } else spec[k] = v;
  }
  return spec;
}

/** Whether the view shows the attribute values of `changes` on device `index`. */
function reflects(src: Source, index: number, changes: LinkChanges): boolean {
  const t = src.tables.interface;
  const s = t.firstOf(probe.link(index));
  if (s < 0) return false;
  const r = t.loc(s, locOf(new Uint8Array(0)));
  for (const [k, v] of Object.entries(changes)) {
    if (v === undefined) continue;
    switch (k) {
      case 'ifname':
        if (link.ifname(r) !== v) return false;
        break;
      case 'mtu':
        if (link.mtu(r) !== v) return false;
        break;
      case 'address':
        if (link.address(r)?.toLowerCase() !== String(v).toLowerCase()) return false;
        break;
      case 'state':
        if (((link.flags(r) & IFF.UP) !== 0) !== (v === 'up')) return false;
        break;
      case 'arp':
        if (((link.flags(r) & IFF.NOARP) === 0) !== v) return false;
        break;
      case 'multicast':
        if (((link.flags(r) & IFF.MULTICAST) !== 0) !== v) return false;
        break;
      default: {
        if (k === 'txqlen' || k === 'alias' || k === 'group') {
          const m = decodePayload(RTM.NEWLINK, r) as RouteMsgLike;
          const have = k === 'alias' ? m.attrs.ifalias ?? '' : m.attrs[k];
          if (have !== v) return false;
        }
        // promisc and allmulticast are counters the kernel may hold up for other reasons (bridge ports): the ACK suffices.
      }
    }
  }
  return true;
}

function masterOf(src: Source, index: number): number {
  const t = src.tables.interface;
  const s = t.firstOf(probe.link(index));
  return s < 0 ? -1 : link.master(t.loc(s, locOf(new Uint8Array(0))));
}

/**
 * Waits for an address change to show. IPv6 addresses are announced only
 * after duplicate address detection: when the event is slow to come, the
 * device's addresses are read again by a dump.
 */
async function addrSettled(src: Source, index: number, check: () => boolean, timeoutMs: number, what: string): Promise<void> {
  try {
    await src.waitFor(check, Math.min(300, timeoutMs), what);
  } catch {
    await src.refreshAddresses(index);
    await src.waitFor(check, timeoutMs, what);
  }
}

function findAddr(src: Source, index: number, local: string, prefixlen: number): number {
  const t = src.tables.address;
  const c = locOf(new Uint8Array(0));
  for (const s of t.slots()) {
    const r = t.loc(s, c);
    if (addr.index(r) === index && addr.prefixlen(r) === prefixlen && addr.local(r) === local) return s;
  }
  return -1;
}

function findNeigh(src: Source, kind: 'neighbour' | 'fdb', index: number, spec: { dst?: string; lladdr?: string; vlan?: number }): number {
  const t = src.tables[kind];
  const c = locOf(new Uint8Array(0));
  for (const s of t.slots()) {
    const r = t.loc(s, c);
    if (neigh.ifindex(r) !== index) continue;
    if (kind === 'neighbour' && neigh.dst(r) !== spec.dst) continue;
    if (kind === 'fdb' && (neigh.lladdr(r)?.toLowerCase() !== spec.lladdr?.toLowerCase() || (spec.vlan !== undefined && neigh.vlan(r) !== spec.vlan))) continue;
    return s;
  }
  return -1;
}



/** The slot of the route with identity `id` whose next hops (and metrics, type) are those of `spec`, or -1. */
function findRoute(src: Source, id: Uint8Array, spec?: RouteSpec): number {
  const t = src.tables.route;
  const me = locOf(id);
  const c = locOf(new Uint8Array(0));
  for (const s of t.chain(t.firstOf(id))) {
    const r = t.loc(s, c);
    if (!KIND_DEFS.route.same(r, me)) continue;
    if (spec && !routeMatches(r, spec)) continue;
    return s;
  }
  return -1;
}

/** Whether the stored route `r` has what `spec` asks for: gateway or next hops, device, type, metrics. */
function routeMatches(r: Loc, spec: RouteSpec): boolean {
  const hops = route.nexthops(r);
  if (spec.gateway !== undefined && (hops.length > 0 || route.gateway(r) !== canonicalIp(spec.gateway))) return false;
  if (spec.multipath !== undefined) {
    if (hops.length !== spec.multipath.length) return false;
    for (let i = 0; i < hops.length; i++) {
      const want = spec.multipath[i]!;
      if (want.gateway !== undefined && hops[i]!.gateway !== canonicalIp(want.gateway)) return false;
      if (want.oif !== undefined && hops[i]!.ifindex !== want.oif) return false;
    }
  } else if (hops.length > 0 && spec.gateway === undefined && spec.oif !== undefined) return false;
  if (spec.oif !== undefined && spec.multipath === undefined && route.oif(r) !== spec.oif) return false;
  if (spec.type !== undefined && typeof spec.type === 'number' && route.type(r) !== spec.type) return false;
  if (spec.metrics !== undefined) {
    const have = ((decodePayload(RTM.NEWROUTE, r) as RouteMsgLike).attrs.metrics ?? {}) as Record<string, unknown>;
    for (const [k, v] of Object.entries(spec.metrics)) if (k !== 'lock' && have[k] !== v) return false;
  }
  return true;
}

function routePresent(src: Source, before: Uint8Array): boolean {
  const t = src.tables.route;
  const me = locOf(before);
  const v6 = route.family(me) === AF_INET6;
  const c = locOf(new Uint8Array(0));
  for (const s of t.chain(t.firstOf(before))) {
    const r = t.loc(s, c);
    if (KIND_DEFS.route.same(r, me) && (v6 || sameNexthops(r, me))) return true;
  }
  return false;
}

async function deleteRoute(src: Source, id: Uint8Array, spec: RouteSpec, timeoutMs: number): Promise<void> {
  const slot = findRoute(src, id, spec);
  if (slot >= 0) {
    const bytes = src.tables.route.copy(slot);
    await rawRequest(src, 'route', bytes, 'del');
    await src.waitFor(() => !routePresent(src, bytes), timeoutMs, `delete route ${routeText(spec)}`);
  } else {
    const { dst, family, table, priority, metric, tos, src: from } = spec;
    await src.ipr.route('del', { dst, family, table, priority, metric, tos, src: from } as never);
  }
}

/** A decoded route as the spec that would make it again. */
function specOf(m: RouteMsgLike): RouteAdd {
  const h = m.header;
  const a = m.attrs;
  const spec: Record<string, unknown> = { family: h.family === AF_INET6 ? 'inet6' : 'inet' };
  spec.dst = h.dstLen === 0 ? 'default' : `${a.dst}/${h.dstLen}`;
  if (h.srcLen) spec.src = `${a.src}/${h.srcLen}`;
  spec.table = a.table ?? h.table;
  if (a.priority !== undefined) spec.priority = a.priority;
  if (h.tos) spec.tos = h.tos;
  if (h.type !== 1) spec.type = h.type;
  spec.protocol = h.protocol;
  spec.scope = h.scope;
  if (a.gateway !== undefined) spec.gateway = a.gateway;
  else if (a.via?.addr !== undefined) spec.gateway = a.via.addr;
  if (a.oif !== undefined) spec.oif = a.oif;
  if (a.iif !== undefined) spec.iif = a.iif;
  if (a.prefsrc !== undefined) spec.prefsrc = a.prefsrc;
  if (a.metrics !== undefined) spec.metrics = a.metrics;
  if (a.pref !== undefined && h.family === AF_INET6 && typeof a.pref === 'string' && a.pref !== 'invalid') spec.pref = a.pref;
  if (h.flags & 4) spec.onlink = true;
  if (a.multipath) {
    spec.multipath = (a.multipath as { flags: (string | number)[]; hops: number; ifindex: number; attrs: { gateway?: string; via?: { addr: string } } }[]).map((nh) => ({
      ...(nh.attrs.gateway !== undefined ? { gateway: nh.attrs.gateway } : nh.attrs.via ? { gateway: nh.attrs.via.addr } : {}),
      ...(nh.ifindex ? { oif: nh.ifindex } : {}),
      hops: nh.hops,
      ...(nh.flags.includes('onlink') ? { onlink: true } : {}),
    }));
  }
  if (a.encap !== undefined) spec.encap = { type: a.encapType, ...a.encap };
  return spec as RouteAdd;
}

/** `changes` applied to a route's spec; a new gateway or next-hop set replaces the old one. */
function mergeRoute(old: RouteAdd, changes: RouteChanges): RouteAdd {
  const next: Record<string, unknown> = { ...old };
  const ch = changes as Record<string, unknown>;
  if ('multipath' in ch || 'gateway' in ch) {
    delete next.multipath;
    delete next.gateway;
    if (!('oif' in ch)) delete next.oif;
  }
  if ('metric' in ch) {
    delete next.priority;
  }
  for (const [k, v] of Object.entries(ch)) {
    if (v === undefined) delete next[k];
    else next[k] = v;
  }
  // Let the builder pick the scope for the new next hops (a gateway needs universe scope).
  if (!('scope' in ch)) delete next.scope;
  if (next.metric !== undefined && next.priority !== undefined) delete next.priority;
  return next as RouteAdd;
}

function sameRouteKey(a: RouteAdd, b: RouteAdd): boolean {
  const t = (x: RouteAdd): number => tableId(x.table ?? 'main', ['route', 'table']);
  return a.dst === b.dst && t(a) === t(b) && (a.priority ?? a.metric ?? 0) === (b.priority ?? b.metric ?? 0) && (a.tos ?? 0) === (b.tos ?? 0) && (a.src ?? '') === (b.src ?? '');
}

function routeText(spec: RouteAdd | RouteSpec): string {
  const s = spec as Record<string, unknown>;
  const via = s.gateway !== undefined ? ` via ${s.gateway}` : s.multipath ? ` via ${(s.multipath as { gateway?: string }[]).map((n) => n.gateway ?? 'dev').join(',')}` : '';
  const dev = typeof s.oif === 'string' ? ` dev ${s.oif}` : s.oif instanceof Interface ? ` dev ${s.oif.name}` : '';
  const table = s.table !== undefined && s.table !== 254 && s.table !== 'main' ? ` table ${String(s.table)}` : '';
  const metric = s.priority ?? s.metric;
  return `${s.dst ?? 'default'}${via}${dev}${table}${metric ? ` metric ${String(metric)}` : ''}`;
}

function ruleText(spec: RuleSpec): string {
  const parts: string[] = [];
  if (spec.priority !== undefined) parts.push(`priority ${spec.priority}`);
  if (spec.src !== undefined) parts.push(`from ${spec.src}`);
  if (spec.dst !== undefined) parts.push(`to ${spec.dst}`);
  if (spec.iif !== undefined) parts.push(`iif ${spec.iif}`);
  if (spec.fwmark !== undefined) parts.push(`fwmark ${spec.fwmark}`);
  if (spec.table !== undefined) parts.push(`table ${spec.table}`);
  if (spec.action !== undefined) parts.push(String(spec.action));
  return parts.join(' ') || 'all';
}

/** A predicate for the rules `spec` describes (as `ip rule del` would match them). */
function ruleMatcher(spec: RuleSpec): (r: Loc) => boolean {
  const req = ruleRequest('add', spec);
  const want = encodeMessage(rtnl, req.message as never).subarray(16);
  const w = decodePayload(RTM.NEWRULE, locOf(want)) as RouteMsgLike;
  return (r) => {
    const m = decodePayload(RTM.NEWRULE, r) as RouteMsgLike;
    if (m.header.family !== w.header.family || m.header.action !== w.header.action) return false;
    if (m.header.srcLen !== w.header.srcLen || m.header.dstLen !== w.header.dstLen) return false;
    if ((m.attrs.table ?? m.header.table) !== (w.attrs.table ?? w.header.table)) return false;
    for (const k of ['priority', 'src', 'dst', 'iifname', 'oifname', 'fwmark', 'fwmask', 'goto']) {
      if (w.attrs[k] !== undefined && m.attrs[k] !== w.attrs[k]) return false;
    }
    return true;
  };
}

function countRules(src: Source, match: (r: Loc) => boolean): number {
  const t = src.tables.rule;
  const c = locOf(new Uint8Array(0));
  let n = 0;
  for (const s of t.slots()) if (match(t.loc(s, c))) n++;
  return n;
}

const NEW_NAMES: Record<ObjectKind, string> = { interface: 'RTM_NEWLINK', address: 'RTM_NEWADDR', route: 'RTM_NEWROUTE', rule: 'RTM_NEWRULE', neighbour: 'RTM_NEWNEIGH', fdb: 'RTM_NEWNEIGH' };
const DEL_NAMES: Record<ObjectKind, string> = { interface: 'RTM_DELLINK', address: 'RTM_DELADDR', route: 'RTM_DELROUTE', rule: 'RTM_DELRULE', neighbour: 'RTM_DELNEIGH', fdb: 'RTM_DELNEIGH' };

/**
 * A stored record sent back to the kernel as a request: to re-add what was
 * deleted, or to delete exactly it. Read-only attributes (cache info,
 * counters) and the kernel's bookkeeping flags are left out.
 */
export function rawMessage(kind: ObjectKind, bytes: Uint8Array, op: 'new' | 'del', flags?: number, patch?: (m: RouteMsgLike) => void): RequestInput<Rtnl> {
  const m = decodePayload(KIND_DEFS[kind].newType, locOf(bytes)) as unknown as RouteMsgLike;
  const header: Record<string, unknown> = { ...m.header };
  const attrs: Record<string, any> = { ...m.attrs };
  switch (kind) {
    case 'route':
      // Of rtm_flags only `onlink` is the user's; `dead`, `linkdown`, `offload`, `trap` and the RTM_F_* bits are the kernel's.
      header.flags = (m.header.flags as number) & RTNH_F_ONLINK;
      delete attrs.cacheinfo;
      if (attrs.multipath) {
        attrs.multipath = (attrs.multipath as { flags: (string | number)[] }[]).map((nh) => ({ ...nh, flags: nh.flags.filter((f) => f === 'onlink') }));
      }
      break;
    case 'address':
      if (attrs.cacheinfo && (attrs.cacheinfo.valid === 0xffffffff || op === 'del')) delete attrs.cacheinfo;
      else if (attrs.cacheinfo) attrs.cacheinfo = { ...attrs.cacheinfo, cstamp: 0, tstamp: 0 };
      break;
    case 'neighbour':
    case 'fdb':
      delete attrs.cacheinfo;
      delete attrs.probes;
      break;
    default:
  }
  const out = { header, attrs } as RouteMsgLike;
  patch?.(out);
  const name = op === 'new' ? NEW_NAMES[kind] : DEL_NAMES[kind];
  const nlflags = flags ?? (op === 'new' ? NLM_F.CREATE | NLM_F.EXCL : 0);
  return { name, flags: nlflags, header: out.header, attrs: out.attrs } as unknown as RequestInput<Rtnl>;
}

async function rawRequest(src: Source, kind: ObjectKind, bytes: Uint8Array, op: 'new' | 'del', flags?: number, patch?: (m: RouteMsgLike) => void): Promise<void> {
  await src.request(rawMessage(kind, bytes, op, flags, patch), `${op === 'new' ? 'add' : 'delete'} ${kind}`);
}

// -- deleting and recreating a link ---------------------------------------------

interface SavedLink {
  index: number;
  link: Uint8Array;
  addrs: Uint8Array[];
  routes: Uint8Array[];
  ports: number[];
  peer?: { index: number; link: Uint8Array; addrs: Uint8Array[] };
}

/** What deleting device `index` takes away with it, to put back on rollback. */
function saveLink(src: Source, index: number): SavedLink {
  const c = locOf(new Uint8Array(0));
  const grab = (i: number): { link: Uint8Array; addrs: Uint8Array[] } => {
    const lt = src.tables.interface;
    const s = lt.firstOf(probe.link(i));
    const at = src.tables.address;
    const addrs: Uint8Array[] = [];
    for (const x of at.slots()) if (addr.index(at.loc(x, c)) === i) addrs.push(at.copy(x));
    return { link: s >= 0 ? lt.copy(s) : probe.link(i), addrs };
  };
  const self = grab(index);
  const routes: Uint8Array[] = [];
  const rt = src.tables.route;
  for (const s of rt.slots()) {
    const r = rt.loc(s, c);
    if (route.protocol(r) === RTPROT_KERNEL || route.type(r) !== 1) continue;
    const oifs = route.oifs(r);
    if (oifs.length === 1 && oifs[0] === index) routes.push(rt.copy(s));
  }
  const ports: number[] = [];
  const lt = src.tables.interface;
  for (const s of lt.slots()) if (link.master(lt.loc(s, c)) === index) ports.push(link.index(c));
  const saved: SavedLink = { index, ...self, routes, ports };
  const me = locOf(self.link);
  const peerIndex = link.kind(me) === 'veth' ? link.link(me) : 0;
  if (peerIndex && lt.firstOf(probe.link(peerIndex)) >= 0) saved.peer = { index: peerIndex, ...grab(peerIndex) };
  return saved;
}

/** Recreates a deleted device as far as its record allows: kind, name, MAC, MTU, master, state, addresses, routes, ports. */
async function restoreLink(src: Source, saved: SavedLink, timeoutMs: number): Promise<void> {
  const m = decodePayload(RTM.NEWLINK, locOf(saved.link)) as unknown as { header: { flags: number }; attrs: Record<string, any> };
  const a = m.attrs;
  const info = (a.linkinfo ?? {}) as { kind?: string; data?: Record<string, unknown> };
  if (!info.kind) throw new TransactionError(`interface ${a.ifname} has no kind: it cannot be recreated`);
  const spec: Record<string, unknown> = { ifname: a.ifname, kind: info.kind };
  if (a.mtu !== undefined) spec.mtu = a.mtu;
  if (a.address !== undefined && info.kind !== 'veth') spec.address = a.address;
  if (a.txqlen !== undefined) spec.txqlen = a.txqlen;
  if (saved.peer) {
    const p = decodePayload(RTM.NEWLINK, locOf(saved.peer.link)) as unknown as { attrs: Record<string, any> };
    spec.peer = { ifname: p.attrs.ifname, ...(p.attrs.mtu ? { mtu: p.attrs.mtu } : {}), ...(p.attrs.address ? { address: p.attrs.address } : {}) };
    spec.address = a.address;
  }
  if (a.link && info.kind !== 'veth' && src.tables.interface.firstOf(probe.link(a.link)) >= 0) spec.link = a.link;
  const problems: string[] = [];
  try {
    await src.ipr.link('add', { ...spec, ...(info.data ? { data: info.data } : {}) } as never);
  } catch {
    // The decoded options may hold read-only ones: try without them.
    await src.ipr.link('add', spec as never);
    if (info.data) problems.push(`${a.ifname}: recreated without its ${info.kind} options`);
  }
  await src.waitFor(() => src.indexOf(a.ifname) !== undefined, timeoutMs, `recreate ${a.ifname}`);
  const index = src.indexOf(a.ifname)!;
  const after = async (who: { link: Uint8Array; addrs: Uint8Array[] }, idx: number, flags: number, master: number | undefined): Promise<void> => {
    try {
      if (master && src.tables.interface.firstOf(probe.link(master)) >= 0) await src.ipr.link('set', { index: idx, master });
      if (flags & IFF.UP) await src.ipr.link('set', { index: idx, state: 'up' });
    } catch (e) {
      problems.push(`${a.ifname}: ${e instanceof Error ? e.message : String(e)}`);
    }
    for (const bytes of who.addrs) {
      if (addr.family(locOf(bytes)) === AF_INET6 && (decodePayload(RTM.NEWADDR, locOf(bytes)) as unknown as { attrs: { proto?: unknown } }).attrs.proto !== undefined) continue;
      try {
        await rawRequest(src, 'address', bytes, 'new', undefined, (x) => {
          x.header.index = idx;
        });
      } catch (e) {
        if (!(e instanceof Error && /EEXIST/.test(e.message))) problems.push(`address on ${a.ifname}: ${e instanceof Error ? e.message : String(e)}`);
      }
    }
  };
  await after(saved, index, m.header.flags, a.master);
  if (saved.peer) {
    const p = decodePayload(RTM.NEWLINK, locOf(saved.peer.link)) as unknown as { header: { flags: number }; attrs: Record<string, any> };
    const pi = src.indexOf(p.attrs.ifname);
    if (pi !== undefined) await after(saved.peer, pi, p.header.flags, p.attrs.master);
  }
  for (const port of saved.ports) {
    if (src.tables.interface.firstOf(probe.link(port)) < 0) continue;
    try {
      await src.ipr.link('set', { index: port, master: index });
    } catch (e) {
      problems.push(`port #${port}: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
  for (const bytes of saved.routes) {
    try {
      await rawRequest(src, 'route', bytes, 'new', undefined, (x) => {
        if (x.attrs.oif !== undefined) x.attrs.oif = index;
      });
    } catch (e) {
      problems.push(`route: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
  if (problems.length) throw new TransactionError(`recreated ${a.ifname} with problems: ${problems.join('; ')}`);
}

