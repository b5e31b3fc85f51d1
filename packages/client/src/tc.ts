/**
 * Traffic control for `IPRoute`: the family its socket speaks (rtnl and tc
 * messages on one `NETLINK_ROUTE` socket), the specs of `IPRoute.tc` with
 * devices by name, the queries of `getQdiscs`/`getClasses`/`getFilters`,
 * and the engine behind them. The request builders are `@nlkit/tc`'s
 * (`qdiscRequest`, `classRequest`, `filterRequest`, `actionRequest`), which
 * compute what `tc` computes (rate tables, bursts in ticks, u32 selectors).
 */
import { NetlinkError, NlEncodeError, combine, encodeMessage, type AnyMessage, type Family, type MessageOf } from '@nlkit/core';
import { SpecError, checkSpec, rtnl, type RtnlMessages } from '@nlkit/rtnl';
import {
  TCM_IFINDEX_MAGIC_BLOCK, TC_H_MAJ, TC_H_MAKE, TC_H_CLSACT, TC_H_MIN_EGRESS, TC_H_MIN_INGRESS, TC_H_ROOT, actionKinds, actionRequest,
  classRequest, filterInfo, filterPrio, filterProtocol, filterRequest, formatHandle, formatU32Handle, getU32, parseClassid, parseEthertype, parseParent,
  parseU32Handle, qdiscRequest, tc, toHandle,
  type ActionSpec, type ActionValue, type BpfFilterSpec, type ClassSpec, type DrrClassSpec, type FifoSpec, type FilterSpec,
  type FlowerFilterSpec, type FqCodelSpec, type FwFilterSpec, type GactSpec, type Handle, type HtbClassSpec, type HtbQdiscSpec,
  type IngressSpec, type MatchallFilterSpec, type MirredSpec, type NetemSpec, type PoliceActionSpec, type PrioSpec, type QdiscSpec,
  type QfqClassSpec, type RawActionSpec, type RawClassSpec, type RawFilterSpec, type RawQdiscSpec, type SfqSpec, type SkbeditSpec,
  type TbfSpec, type TcMessages, type U32FilterSpec, type VlanSpec,
} from '@nlkit/tc';
import type { NetlinkChannel, RequestInput } from '@nlkit/transport';
import type { Filter, Iface } from './filters.js';

// ---------------------------------------------------------------------------
// The family

/** Every message `IPRoute` speaks: rtnl's and tc's, by kernel name. */
export type NetlinkRouteMessages = RtnlMessages & TcMessages;

/** The type of {@link netlinkRoute}. */
export type NetlinkRoute = Family<NetlinkRouteMessages>;

/**
 * `NETLINK_ROUTE` as `IPRoute` speaks it: rtnl's messages (links,
 * addresses, routes, ...) and tc's (`RTM_*QDISC`, `RTM_*TCLASS`,
 * `RTM_*TFILTER`, `RTM_*ACTION`, `RTM_*CHAIN`) in one decoding table, as
 * the kernel sends them on one socket. Use it for transports and channels
 * meant for an `IPRoute` (`new ReplayTransport(capture, netlinkRoute)`).
 */
// `combine` checks the protocols and that no two messages share a type; its
// declared type is re-stated here as the intersection of the two tables.
export const netlinkRoute: NetlinkRoute = combine('route', rtnl, tc) as unknown as NetlinkRoute;

// ---------------------------------------------------------------------------
// Results

/** A qdisc (`RTM_NEWQDISC`): `header` is `struct tcmsg`, `attrs` the `TCA_*` attributes by friendly name. */
export type Qdisc = MessageOf<NetlinkRoute, 'RTM_NEWQDISC'>;
/** A traffic class (`RTM_NEWTCLASS`). */
export type TcClass = MessageOf<NetlinkRoute, 'RTM_NEWTCLASS'>;
/** A filter (`RTM_NEWTFILTER`). A classifier's dump holds its priority band, hash tables and nodes (u32) as separate messages, as `tc filter show` lists them. */
export type TcFilter = MessageOf<NetlinkRoute, 'RTM_NEWTFILTER'>;
/** An action (`tc-act-attrs`): `kind`, `index`, `options`, `stats`, … of one entry of `TCA_ROOT_TAB`. */
export type TcAction = ActionValue;

// ---------------------------------------------------------------------------
// Commands and specs

/** Qdisc commands (`RTM_NEWQDISC`, `RTM_DELQDISC`), as pyroute2's `IPRoute.tc`. */
export type QdiscCommand = 'add' | 'change' | 'replace' | 'del';
/** Class commands (`RTM_NEWTCLASS`, `RTM_DELTCLASS`). */
export type ClassCommand = 'add-class' | 'change-class' | 'replace-class' | 'del-class';
/** Filter commands (`RTM_NEWTFILTER`, `RTM_DELTFILTER`). */
export type FilterCommand = 'add-filter' | 'change-filter' | 'replace-filter' | 'del-filter';
/** Standalone action commands (`RTM_NEWACTION`, `RTM_DELACTION`). */
export type ActionCommand = 'add-action' | 'change-action' | 'replace-action' | 'del-action';
/** Every command of `IPRoute.tc`. */
export type TcCommand = QdiscCommand | ClassCommand | FilterCommand | ActionCommand;

/** The member of union `U` whose `kind` covers `K`, else `Raw` (a kind the builders take as raw options): `SpecOfKind<KnownQdiscSpec, 'tbf', RawQdiscSpec>` is `TbfSpec`. */
export type SpecOfKind<U extends {
  /** The spec's kind (`TCA_KIND`). */
  kind: string;
}, K extends string, Raw> = [K] extends [U['kind']] ? (U extends {
  /** The kind of the union member being tested. */
  kind: infer S;
} ? (K extends S ? U : never) : never) : Raw;
/** `T` with its `K` fields (device indices) also taking device names. */
export type NamedFields<T, K extends keyof T> = Omit<T, K> & { [P in K]: Exclude<T[P], number> | Iface };
/** `T` (a qdisc or class spec) with its device by index or name. */
export type OnDevice<T> = Omit<T, 'index'> & {
  /** The device (`tcm_ifindex`): its index or name. */
  index: Iface;
};

/** The qdisc specs `@nlkit/tc` computes options for. */
export type KnownQdiscSpec = HtbQdiscSpec | TbfSpec | NetemSpec | FqCodelSpec | PrioSpec | FifoSpec | SfqSpec | IngressSpec;
/** The class specs `@nlkit/tc` computes options for. */
export type KnownClassSpec = HtbClassSpec | DrrClassSpec | QfqClassSpec;
/** The filter specs `@nlkit/tc` computes options for. */
export type KnownFilterSpec = U32FilterSpec | FlowerFilterSpec | MatchallFilterSpec | FwFilterSpec | BpfFilterSpec;
/** The action specs `@nlkit/tc` computes options for. */
export type KnownActionSpec = MirredSpec | GactSpec | PoliceActionSpec | SkbeditSpec | VlanSpec;

/** An action for `IPRoute.tc`: as `@nlkit/tc`'s `ActionSpec`, a mirred target device also by name (`ifindex: 'ifb0'`). */
export type ActionSpecIn = NamedFields<MirredSpec, 'ifindex'> | Exclude<KnownActionSpec, MirredSpec> | RawActionSpec;

/**
 * A qdisc of kind `K` for `tc('add' | 'change' | 'replace', K, spec)`: the
 * `@nlkit/tc` spec of that kind without `kind`, the device by index or name.
 */
export type QdiscSpecIn<K extends string = string> = OnDevice<Omit<SpecOfKind<KnownQdiscSpec, K, RawQdiscSpec>, 'kind'>>;
/** A class of kind `K` (its qdisc's) for `tc('add-class' | 'change-class' | 'replace-class', K, spec)`. */
export type ClassSpecIn<K extends string = string> = OnDevice<Omit<SpecOfKind<KnownClassSpec, K, RawClassSpec>, 'kind'>>;
/** A filter of classifier `K` for `tc('add-filter' | 'change-filter' | 'replace-filter', K, spec)`. */
export type FilterSpecIn<K extends string = string> = Omit<SpecOfKind<KnownFilterSpec, K, RawFilterSpec>, 'kind' | 'index' | 'actions'> & {
  /** The device (omit with `block`). */
  index?: Iface;
  /** Actions to attach (`TCA_*_ACT`), in order; a mirred target device also by name. */
  actions?: readonly ActionSpecIn[];
};
/** An action of kind `K` for `tc('add-action' | 'change-action' | 'replace-action', K, spec)`. */
export type ActionSpecOf<K extends string = string> = K extends 'mirred' ? Omit<NamedFields<MirredSpec, 'ifindex'>, 'kind'> : Omit<SpecOfKind<KnownActionSpec, K, RawActionSpec>, 'kind'>;

/** Which qdisc `tc('del', kind, ref)` deletes: by handle, or by parent (`root`, a class). Ingress and clsact need neither. */
export interface QdiscRef {
  /** The device (`tcm_ifindex`): its index or name. */
  index: Iface;
  /** The qdisc's handle (`tcm_handle`, `1:`). */
  handle?: Handle;
  /** Its parent (`tcm_parent`): `root`, or a class (`1:10`). */
  parent?: Handle;
}
/** Which class `tc('del-class', kind, ref)` deletes. */
export interface ClassRef {
  /** The device (`tcm_ifindex`): its index or name. */
  index: Iface;
  /** The class (`tcm_handle`, `1:10`). */
  classid: Handle;
  /** Its parent (`tcm_parent`): a class, or the qdisc (`1:`). */
  parent?: Handle;
}
/**
 * Which filters `tc('del-filter', kind, ref)` deletes: one (`handle`), a
 * whole priority band (`prio` without `handle`), or, as the kernel does
 * when `prio` is 0 or absent, every filter of the chain under `parent`.
 */
export interface FilterRef {
  /** The device (`tcm_ifindex`): its index or name; omit with `block`. */
  index?: Iface;
  /** A shared block (`TCM_IFINDEX_MAGIC_BLOCK`, block index in `tcm_block_index`) instead of a device. */
  block?: number;
  /** The qdisc or class the filter is attached to (`tcm_parent`): `1:`, `1:10`, `ingress`/`egress`. */
  parent?: Handle;
  /** The priority band (upper 16 bits of `tcm_info`, `tc filter ... prio`). */
  prio?: number;
  /** The protocol (lower 16 bits of `tcm_info`): a name (`ip`, `all`, `802.1q`) or an `ETH_P_*` number. */
  protocol?: string | number;
  /** In the classifier's notation (`800::800` for u32). */
  handle?: string | number;
  /** `TCA_CHAIN`: the filter chain. */
  chain?: number;
}
/** Which action `tc('del-action', kind, ref)` deletes: its index. */
export interface ActionRef {
  /** The action's index (`TCA_ACT_INDEX`). */
  index: number;
}

// ---------------------------------------------------------------------------
// Queries

/** Qdisc fields to match. The kernel dumps every device's; all fields are matched here. */
export interface QdiscQuery {
  /** The device: its index or name. */
  index?: Iface;
  /** The qdisc's kind (`TCA_KIND`: `htb`, `fq_codel`, …). */
  kind?: string;
  /** The qdisc's handle (`1:`, `ffff:`). */
  handle?: Handle;
  /** Its parent: `root`, `ingress` (the ingress and clsact qdiscs), or a class (`1:10`). */
  parent?: Handle;
  /** Include the qdiscs the kernel hides by default (`TCA_DUMP_INVISIBLE`, `tc qdisc show invisible`). */
  invisible?: boolean;
}

/** Class fields to match. The kernel dumps one device's classes per request: without `index`, each device is dumped. */
export interface ClassQuery {
  /** The device: its index or name. */
  index?: Iface;
  /** The class's kind (its qdisc's: `htb`, `mq`, …). */
  kind?: string;
  /** The class (`1:10`); its major picks the qdisc in the kernel. */
  classid?: Handle;
  /** The parent class, or `root` for a top-level class. */
  parent?: Handle;
}

/**
 * Filter fields to match. The kernel dumps the filters of one qdisc or
 * class per request, filtering by `prio`, `protocol` and `chain`: with
 * `parent`, that one is dumped; without, every qdisc of each device and each
 * class of qdiscs whose classes hold their own filters (htb, hfsc, drr).
 */
export interface FilterQuery {
  /** The device: its index or name. */
  index?: Iface;
  /** A shared block instead of devices. */
  block?: number;
  /** `1:`, `1:10`, `ffff:`, `ingress`/`egress` (clsact's hooks). */
  parent?: Handle;
  /** The classifier: `u32`, `bpf`, `flower`, … */
  kind?: string;
  /** The priority band (`tc filter ... prio`); filtered in the kernel. */
  prio?: number;
  /** The protocol: a name (`ip`, `all`, `802.1q`) or an `ETH_P_*` number; filtered in the kernel. */
  protocol?: string | number;
  /** In the classifier's notation (`800::800` for u32, else a number). */
  handle?: string | number;
  /** `TCA_CHAIN`: the filter chain; filtered in the kernel. */
  chain?: number;
}

// ---------------------------------------------------------------------------
// The engine

/** Looks up a device (an index is kept); `field` names the spec field for errors. */
type Resolver = (ref: Iface | undefined, field: string) => Promise<number | undefined>;
const probe: Resolver = async (ref) => (typeof ref === 'string' ? 1 : ref);

/** What `IPRoute` lends the tc engine. */
export interface TcHost {
  readonly channel: NetlinkChannel<NetlinkRoute>;
  /** The exchange options of every request (the time limit). */
  options(): { timeoutMs?: number };
  /** How many times an interrupted dump is re-run. */
  readonly retries: number;
  /** The index of a device name, or undefined. */
  lookup(name: string): Promise<number | undefined>;
  /** Every device's index. */
  indices(): Promise<number[]>;
}

const COMMANDS: Readonly<Record<TcCommand, readonly ['qdisc' | 'class' | 'filter' | 'action', 'add' | 'change' | 'replace' | 'del']>> = {
  add: ['qdisc', 'add'], change: ['qdisc', 'change'], replace: ['qdisc', 'replace'], del: ['qdisc', 'del'],
  'add-class': ['class', 'add'], 'change-class': ['class', 'change'], 'replace-class': ['class', 'replace'], 'del-class': ['class', 'del'],
  'add-filter': ['filter', 'add'], 'change-filter': ['filter', 'change'], 'replace-filter': ['filter', 'replace'], 'del-filter': ['filter', 'del'],
  'add-action': ['action', 'add'], 'change-action': ['action', 'change'], 'replace-action': ['action', 'replace'], 'del-action': ['action', 'del'],
};

/** Qdiscs whose classes each hold their own filters (`tcf_block` per class). */
const PER_CLASS_FILTERS = new Set(['htb', 'hfsc', 'drr', 'cbq', 'atm']);

type TcRequest = RequestInput<NetlinkRoute>;
type Header = { ifindex: number; handle: number; parent: number; info: number };

/** A qdisc handle as tc prints it (`1:`). */
const qdiscHandleText = (h: number): string => `${(h >>> 16).toString(16)}:`;
/** A parent as tc prints it. */
const parentText = (p: number): string => (p === TC_H_ROOT ? 'root' : formatHandle(p));

/** The operation label of a request (`tc add-class htb 1:10`), from what it will send. */
function label(command: TcCommand, object: string, kind: string, req: TcRequest): string {
  const words = ['tc', command];
  if (kind) words.push(kind);
  if (object === 'action') {
    const tab = (req.attrs as { tab?: { index?: number }[] } | undefined)?.tab;
    if (tab?.[0]?.index !== undefined) words.push(String(tab[0].index));
    return words.join(' ');
  }
  const h = req.header as Header;
  if (object === 'qdisc') words.push(h.handle ? qdiscHandleText(h.handle) : h.parent === TC_H_ROOT ? 'root' : `parent ${parentText(h.parent)}`);
  else if (object === 'class') words.push(h.handle ? formatHandle(h.handle) : `parent ${parentText(h.parent)}`);
  else {
    words.push(h.ifindex === TCM_IFINDEX_MAGIC_BLOCK ? `block ${h.parent}` : `parent ${parentText(h.parent)}`);
    const prio = filterPrio({ header: h });
    if (prio) words.push(`prio ${prio}`);
    if (h.handle) words.push(`handle ${kind === 'u32' ? formatU32Handle(h.handle) : `0x${h.handle.toString(16)}`}`);
  }
  return words.join(' ');
}

/** Runs a builder, turning its refusals (`RangeError`, encode errors) into `SpecError`s labelled with the command. */
function checked<T>(what: string, build: () => T): T {
  try {
    return build();
  } catch (e) {
    if (e instanceof SpecError) throw e;
    if (e instanceof RangeError || e instanceof TypeError || e instanceof NlEncodeError) throw new SpecError(e.message, [what]);
    throw e;
  }
}

/** Whether `a` and `b` name the same qdisc handle (majors; `1:` and `1:0` alike). */
const sameQdisc = (a: number, b: number): boolean => TC_H_MAJ(a) === TC_H_MAJ(b);

/** A filter handle query in the classifier's notation. */
function filterHandle(h: string | number, kind: string | undefined): number {
  if (typeof h === 'number') return h >>> 0;
  return kind === 'u32' || (kind === undefined && h.includes(':')) ? parseU32Handle(h) : getU32(h, 0);
}

/**
 * The tc half of `IPRoute`: builds requests from specs with `@nlkit/tc`,
 * resolves device names, labels errors, and runs the dumps.
 */
export class TcEngine {
  readonly #host: TcHost;

  constructor(host: TcHost) {
    this.#host = host;
  }

  /** `IPRoute.tc`. */
  async command(command: TcCommand, kind: string, spec: unknown): Promise<void> {
    if (!Object.hasOwn(COMMANDS, command)) throw new SpecError(`unknown command "${String(command)}"; known: ${Object.keys(COMMANDS).join(', ')}`, ['tc']);
    if (typeof kind !== 'string') throw new SpecError(`expected a kind (a string), got ${typeof kind}`, [`tc ${command}`]);
    if (typeof spec !== 'object' || spec === null || Array.isArray(spec)) throw new SpecError(`expected a spec object, got ${spec === null ? 'null' : typeof spec}`, [`tc ${command} ${kind}`]);
    const [object, verb] = COMMANDS[command];
    const what = kind ? `tc ${command} ${kind}` : `tc ${command}`;
    const build = (r: Resolver): Promise<TcRequest> => this.#build(what, object, verb, kind, spec as Record<string, unknown>, r);
    // A bad spec fails here, before any I/O: built with stand-in indices, then encoded.
    const probed = await build(probe);
    const operation = label(command, object, kind, probed);
    checked(operation, () => encodeMessage(netlinkRoute, probed as never));
    const lookup: Resolver = async (ref, field) => {
      if (typeof ref !== 'string') return ref;
      const index = await this.#host.lookup(ref);
      if (index === undefined) throw new NetlinkError({ errno: ENODEV, operation, extack: { message: `no device named "${ref}" (${field})` } });
      return index;
    };
    const req = await build(lookup);
    await this.#host.channel.request(req, { operation, ...this.#host.options() });
  }

  /** The request of one command; `what` names it in `SpecError`s. */
  async #build(
    what: string, object: 'qdisc' | 'class' | 'filter' | 'action', verb: 'add' | 'change' | 'replace' | 'del', kind: string, s: Record<string, unknown>, r: Resolver,
  ): Promise<TcRequest> {
    switch (object) {
      case 'qdisc': {
        const index = await r(s.index as Iface, 'index');
        if (verb === 'del') checkSpec(s, ['index', 'handle', 'parent'], [what]);
        const q = { ...s, kind, index } as QdiscSpec;
        return checked(what, () => qdiscRequest(verb, q)) as TcRequest;
      }
      case 'class': {
        const index = await r(s.index as Iface, 'index');
        if (verb === 'del') checkSpec(s, ['index', 'classid', 'parent'], [what]);
        const c = { ...s, kind, index } as ClassSpec;
        return checked(what, () => classRequest(verb, c)) as TcRequest;
      }
      case 'filter': {
        const index = await r(s.index as Iface | undefined, 'index');
        if (verb === 'del') checkSpec(s, ['index', 'block', 'parent', 'prio', 'protocol', 'handle', 'chain'], [what]);
        const actions = await this.#actions(s.actions as readonly ActionSpecIn[] | undefined, r, 'actions');
        const f = { ...s, kind, ...(index === undefined ? {} : { index }), ...(actions ? { actions } : {}) } as FilterSpec;
        return checked(what, () => filterRequest(verb, f)) as TcRequest;
      }
      case 'action': {
        if (verb === 'del') checkSpec(s, ['index'], [what]);
        const [a] = (await this.#actions([{ ...s, kind } as ActionSpecIn], r, 'spec'))!;
        return checked(what, () => actionRequest(verb, [a!])) as TcRequest;
      }
    }
  }

  /** Actions with mirred targets looked up. */
  async #actions(list: readonly ActionSpecIn[] | undefined, r: Resolver, field: string): Promise<ActionSpec[] | undefined> {
    if (list === undefined) return undefined;
    if (!Array.isArray(list)) throw new SpecError(`expected an array of actions, got ${typeof list}`, [field]);
    return Promise.all(
      list.map(async (a, i) => {
        if (a.kind !== 'mirred') return a as ActionSpec;
        const m = a as NamedFields<MirredSpec, 'ifindex'>;
        return { ...m, ifindex: (await r(m.ifindex, `${field}[${i}].ifindex`))! } as MirredSpec;
      }),
    );
  }

  /** `IPRoute.getQdiscs`. */
  async qdiscs(filter: Filter<QdiscQuery, Qdisc> = {}): Promise<Qdisc[]> {
    if (typeof filter === 'function') return (await this.#dumpQdiscs(0, false)).filter(filter);
    checkQuery(filter, ['index', 'kind', 'handle', 'parent', 'invisible'], 'qdisc');
    const index = await this.#index(filter.index, 'qdisc dump');
    const handle = filter.handle === undefined ? undefined : checked('qdisc filter', () => toHandle(filter.handle!));
    const parent = filter.parent === undefined ? undefined : checked('qdisc filter', () => parseParent(filter.parent!, 'qdisc'));
    return (await this.#dumpQdiscs(index ?? 0, filter.invisible === true)).filter(
      (q) =>
        (index === undefined || q.header.ifindex === index) &&
        (filter.kind === undefined || q.attrs.kind === filter.kind) &&
        (handle === undefined || sameQdisc(q.header.handle, handle)) &&
        (parent === undefined || q.header.parent >>> 0 === parent),
    );
  }

  /** `IPRoute.getClasses`. */
  async classes(filter: Filter<ClassQuery, TcClass> = {}): Promise<TcClass[]> {
    if (typeof filter === 'function') return (await this.#dumpClasses(await this.#host.indices(), 0)).filter(filter);
    checkQuery(filter, ['index', 'kind', 'classid', 'parent'], 'class');
    const index = await this.#index(filter.index, 'class dump');
    const classid = filter.classid === undefined ? undefined : checked('class filter', () => typeof filter.classid === 'number' ? filter.classid : parseClassid(filter.classid!));
    const parent = filter.parent === undefined ? undefined : checked('class filter', () => parseParent(filter.parent!, 'qdisc'));
    // The kernel dumps the classes of the qdisc whose handle is the major of tcm_parent.
    const qdisc = classid !== undefined ? TC_H_MAJ(classid) : parent !== undefined && parent !== TC_H_ROOT ? TC_H_MAJ(parent) : 0;
    const devices = index === undefined ? await this.#host.indices() : [index];
    return (await this.#dumpClasses(devices, qdisc)).filter(
      (c) =>
        (filter.kind === undefined || c.attrs.kind === filter.kind) &&
        (classid === undefined || c.header.handle >>> 0 === classid) &&
        (parent === undefined || c.header.parent >>> 0 === parent),
    );
  }

  /** `IPRoute.getFilters`. */
  async filters(filter: Filter<FilterQuery, TcFilter> = {}): Promise<TcFilter[]> {
    const q = typeof filter === 'function' ? {} : filter;
    if (typeof filter !== 'function') checkQuery(q, ['index', 'block', 'parent', 'kind', 'prio', 'protocol', 'handle', 'chain'], 'filter');
    const index = await this.#index(q.index, 'filter dump');
    const prio = q.prio ?? 0;
    const protocol = q.protocol === undefined ? 0 : checked('filter filter', () => parseEthertype(q.protocol!));
    if (!Number.isInteger(prio) || prio < 0 || prio > 0xffff) throw new SpecError(`prio must be 0..65535, got ${prio}`, ['filter filter']);
    const handle = q.handle === undefined ? undefined : checked('filter filter', () => filterHandle(q.handle!, q.kind));
    const info = filterInfo(prio, protocol);
    const attrs = q.chain === undefined ? {} : { chain: q.chain };
    const targets: { ifindex: number; parent: number }[] = [];
    if (q.block !== undefined) targets.push({ ifindex: TCM_IFINDEX_MAGIC_BLOCK, parent: q.block });
    else if (q.parent !== undefined) {
      const parent = checked('filter filter', () => parseParent(q.parent!, 'filter'));
      for (const ifindex of index === undefined ? await this.#host.indices() : [index]) targets.push({ ifindex, parent });
    } else {
      targets.push(...(await this.#filterParents(index)));
    }
    const out: TcFilter[] = [];
    for (const t of targets) {
      const msg = { name: 'RTM_GETTFILTER', header: { family: 0, ifindex: t.ifindex, handle: 0, parent: t.parent, info }, attrs } as TcRequest;
      out.push(...(await this.#dump<TcFilter>(msg, 'filter dump', 'RTM_NEWTFILTER')));
    }
    const kept = out.filter(
      (f) =>
        (q.kind === undefined || f.attrs.kind === q.kind) &&
        (prio === 0 || filterPrio(f) === prio) &&
        (protocol === 0 || filterProtocol(f) === protocol) &&
        (handle === undefined || f.header.handle >>> 0 === handle) &&
        (q.chain === undefined || (f.attrs.chain ?? 0) === q.chain),
    );
    return typeof filter === 'function' ? kept.filter(filter) : kept;
  }

  /** `IPRoute.getActions`. */
  async actions(kind?: string): Promise<TcAction[]> {
    if (kind !== undefined && (typeof kind !== 'string' || kind === '')) throw new SpecError(`expected an action kind, got ${JSON.stringify(kind)}`, ['action dump']);
    const out: TcAction[] = [];
    for (const k of kind === undefined ? Object.keys(actionKinds) : [kind]) {
      // TCA_ACT_FLAG_LARGE_DUMP_ON, as tc sends it: many actions per message, and TCA_ROOT_COUNT filled in.
      const msg = { name: 'RTM_GETACTION', header: { family: 0 }, attrs: { tab: [{ kind: k }], flags: { value: 1, selector: 1 } } } as TcRequest;
      for (const m of await this.#dump<MessageOf<NetlinkRoute, 'RTM_GETACTION'>>(msg, `action dump ${k}`, 'RTM_GETACTION', 'RTM_NEWACTION')) {
        out.push(...((m.attrs.tab ?? []) as TcAction[]));
      }
    }
    return out;
  }

  /** The index of a device given by index or name (an unknown name is `ENODEV`). */
  async #index(ref: Iface | undefined, operation: string): Promise<number | undefined> {
    if (typeof ref !== 'string') return ref;
    const index = await this.#host.lookup(ref);
    if (index === undefined) throw new NetlinkError({ errno: ENODEV, operation, extack: { message: `no device named "${ref}" (index)` } });
    return index;
  }

  #dumpQdiscs(ifindex: number, invisible: boolean): Promise<Qdisc[]> {
    const msg = { name: 'RTM_GETQDISC', header: { family: 0, ifindex, handle: 0, parent: 0, info: 0 }, attrs: invisible ? { dumpInvisible: true } : {} } as TcRequest;
    return this.#dump<Qdisc>(msg, 'qdisc dump', 'RTM_NEWQDISC');
  }

  async #dumpClasses(devices: readonly number[], qdisc: number): Promise<TcClass[]> {
    const out: TcClass[] = [];
    for (const ifindex of devices) {
      const msg = { name: 'RTM_GETTCLASS', header: { family: 0, ifindex, handle: 0, parent: qdisc, info: 0 } } as TcRequest;
      out.push(...(await this.#dump<TcClass>(msg, 'class dump', 'RTM_NEWTCLASS')));
    }
    return out;
  }

  /** The parents whose filters make up a device's: each qdisc (clsact's two hooks), and the classes that hold their own. */
  async #filterParents(index: number | undefined): Promise<{ ifindex: number; parent: number }[]> {
    const qdiscs = (await this.#dumpQdiscs(index ?? 0, false)).filter((q) => index === undefined || q.header.ifindex === index);
    const out: { ifindex: number; parent: number }[] = [];
    const perClass = new Map<number, number[]>();
    for (const q of qdiscs) {
      const { ifindex, handle } = q.header;
      if (!handle) continue; // a default qdisc (handle 0:) has no filters
      if (q.attrs.kind === 'clsact') {
        out.push({ ifindex, parent: TC_H_MAKE(TC_H_CLSACT, TC_H_MIN_INGRESS) }, { ifindex, parent: TC_H_MAKE(TC_H_CLSACT, TC_H_MIN_EGRESS) });
        continue;
      }
      out.push({ ifindex, parent: TC_H_MAJ(handle) });
      if (PER_CLASS_FILTERS.has(q.attrs.kind ?? '')) perClass.set(ifindex, [...(perClass.get(ifindex) ?? []), TC_H_MAJ(handle)]);
    }
    for (const [ifindex, majors] of perClass) {
      for (const c of await this.#dumpClasses([ifindex], 0)) {
        if (majors.includes(TC_H_MAJ(c.header.handle)) && PER_CLASS_FILTERS.has(c.attrs.kind ?? '')) out.push({ ifindex, parent: c.header.handle >>> 0 });
      }
    }
    return out;
  }

  async #dump<M>(msg: TcRequest, operation: string, ...names: string[]): Promise<M[]> {
    const out: M[] = [];
    const opts = { operation, retries: this.#host.retries, ...this.#host.options() };
    for await (const m of this.#host.channel.dump(msg, opts) as AsyncIterable<AnyMessage<NetlinkRoute>>) {
      if (names.includes(m.name)) out.push(m as M);
    }
    return out;
  }
}

const ENODEV = 19;

/** Checks a query's fields: an unknown one is a `SpecError`. */
function checkQuery(q: object, known: readonly string[], what: string): void {
  if (typeof q !== 'object' || q === null) throw new SpecError(`expected a filter object or a predicate, got ${typeof q}`, [`${what} filter`]);
  checkSpec(q, known, [`${what} filter`]);
}
