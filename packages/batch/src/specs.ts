/**
 * What the batch's request methods take: the specs of `@nlkit/rtnl`'s and
 * `@nlkit/tc`'s request builders (the ones `IPRoute` of `@nlkit/client`
 * sends), with devices given by index or by a name the batch can look up
 * offline, and how each command becomes one message.
 *
 * Everything about a command's fields, defaults and flags stays in the
 * builders; this module only swaps device names for indices before calling
 * them, and refuses what a batch cannot send (queries, namespace names).
 */
import { NLM_F, describe, type AnyInput } from '@nlkit/core';
import {
  SpecError, addrRequest, fdbRequest, linkRequest, neighRequest, routeRequest, ruleRequest, vlanRequest,
  type AddrSpec, type FdbSpec, type LinkNetns, type LinkSpec, type NeighSpec, type NextHopSpec, type RouteSpec, type RtnlRequest, type RuleSpec,
  type VlanSpec,
} from '@nlkit/rtnl';
import {
  actionRequest, chainRequest, classRequest, filterRequest, qdiscRequest,
  type ActionOp, type ActionSpec, type ChainSpec, type ClassSpec, type FilterSpec, type QdiscSpec, type TcOp,
} from '@nlkit/tc';
import type { RouteMessages } from './family.js';

/** A device: its index, or its name (looked up in the batch's {@link DeviceNames}). */
export type Iface = number | string;

/**
 * Device names and their indices, for specs that name devices
 * (`oif: 'eth0'`): a `Map`, a plain object (`{ eth0: 2, br0: 5 }`), or a
 * function that returns the index or undefined. Offline there is no kernel to
 * ask (`RTM_GETLINK`), so a name not found is an error.
 */
export type DeviceNames = ReadonlyMap<string, number> | Readonly<Record<string, number>> | ((name: string) => number | undefined);

/** Replaces the device fields `K` of a spec (indices) by {@link Iface}s. */
export type WithDevices<T, K extends keyof T> = { [P in keyof T]: P extends K ? Exclude<T[P], number> | Iface : T[P] };

/** A link spec (`ip link`): `index`, `link` and `master` by index or name; `netns` as a descriptor or pid (a namespace name needs a live system). */
export type BatchLinkSpec = WithDevices<LinkSpec, 'index' | 'link' | 'master'>;
/** An address spec (`ip address`): `index` by index or name. */
export type BatchAddrSpec = WithDevices<AddrSpec, 'index'>;
/** A route spec (`ip route`): `oif`, `iif` and each next hop's `oif` by index or name. */
export type BatchRouteSpec = Omit<WithDevices<RouteSpec, 'oif' | 'iif'>, 'multipath'> & {
  /** `RTA_MULTIPATH`: the next hops, each `oif` by index or name. */
  multipath?: WithDevices<NextHopSpec, 'oif'>[];
};
/** A rule spec (`ip rule`): devices are names already (`iif`, `oif` are `FRA_IIFNAME`/`FRA_OIFNAME`). */
export type BatchRuleSpec = RuleSpec;
/** A neighbour spec (`ip neigh`): `index` by index or name. */
export type BatchNeighSpec = WithDevices<NeighSpec, 'index'>;
/** An FDB spec (`bridge fdb`): `index` and `via` by index or name. */
export type BatchFdbSpec = WithDevices<FdbSpec, 'index' | 'via'>;
/** A bridge VLAN spec (`bridge vlan`): `index` by index or name. */
export type BatchVlanSpec = WithDevices<VlanSpec, 'index'>;

/** An action (`tc ... action KIND`); a `mirred` target's `ifindex` may be a name. */
export type BatchActionSpec = ActionSpec | (Omit<Extract<ActionSpec, {
  /** The mirred action. */
  kind: 'mirred';
}>, 'ifindex'> & {
  /** The target device: its index or name. */
  ifindex: Iface;
});
/** A qdisc spec (`tc qdisc`): `index` by index or name. */
export type BatchQdiscSpec = QdiscSpec extends infer Q ? (Q extends {
  /** The device (`tcm_ifindex`). */
  index: number;
} ? WithDevices<Q, 'index'> : never) : never;
/** A class spec (`tc class`): `index` by index or name. */
export type BatchClassSpec = ClassSpec extends infer C ? (C extends {
  /** The device (`tcm_ifindex`). */
  index: number;
} ? WithDevices<C, 'index'> : never) : never;
/** A filter spec (`tc filter`): `index` and `mirred` action targets by index or name. */
export type BatchFilterSpec = FilterSpec extends infer F
  ? (F extends {
    /** The device (`tcm_ifindex`); omitted with a shared block. */
    index?: number;
  } ? Omit<WithDevices<F, 'index'>, 'actions'> & {
    /** Actions to attach, in order; mirred targets by index or name. */
    actions?: readonly BatchActionSpec[];
  } : never)
  : never;
/** A chain spec (`tc chain`): `index` by index or name. */
export type BatchChainSpec = WithDevices<ChainSpec, 'index'>;

/** The tc objects {@link buildRequest} knows, as `tc OBJECT COMMAND`. */
export type TcObject = 'qdisc' | 'class' | 'filter' | 'chain' | 'action';

/** The objects a batch request can be about. */
export type BatchObject = 'link' | 'addr' | 'route' | 'rule' | 'neigh' | 'fdb' | 'vlan' | TcObject;

/** The commands each object takes in a batch (the client's, less the queries `get` and `dump`). */
export const BATCH_COMMANDS: Readonly<Record<BatchObject, readonly string[]>> = {
  link: ['add', 'set', 'del', 'property_add', 'property_del'],
  addr: ['add', 'replace', 'del'],
  route: ['add', 'replace', 'change', 'append', 'prepend', 'del'],
  rule: ['add', 'del'],
  neigh: ['add', 'replace', 'change', 'del'],
  fdb: ['add', 'append', 'replace', 'del'],
  vlan: ['add', 'del'],
  qdisc: ['add', 'change', 'replace', 'link', 'del'],
  class: ['add', 'change', 'replace', 'del'],
  filter: ['add', 'change', 'replace', 'del'],
  chain: ['add', 'del'],
  action: ['add', 'replace', 'change', 'del'],
};

/** One message ready to encode, with the label errors name it by. */
export interface BuiltRequest {
  /** The message, as `encodeMessage` takes it. */
  readonly message: AnyInput<import('@nlkit/core').Family<RouteMessages>>;
  /** The label errors name the request by (the first element of a `SpecError` path). */
  readonly operation: string;
}

/** Looks a device up; `field` names the spec field for errors. */
type Lookup = (ref: unknown, field: string) => unknown;

function lookupIn(names: DeviceNames | undefined, operation: string): Lookup {
  const find = (name: string): number | undefined => {
    if (names === undefined) return undefined;
    if (typeof names === 'function') return names(name);
    if (names instanceof Map) return names.get(name);
    const rec = names as Readonly<Record<string, number>>;
    return Object.hasOwn(rec, name) ? rec[name] : undefined;
  };
  return (ref, field) => {
    if (typeof ref !== 'string') return ref;
    const index = find(ref);
    if (index === undefined) {
      throw new SpecError(`no index for device "${ref}": give the batch a names map ({ "${ref}": INDEX }) or the index itself`, [operation, field]);
    }
    return index;
  };
}

function offlineNetns(value: unknown, path: string[]): LinkNetns | undefined {
  if (typeof value === 'string') {
    throw new SpecError(`namespace "${value}" by name needs a live system (its file is opened when sent); give { pid } or { fd }`, path);
  }
  return value as LinkNetns | undefined;
}

/** tc's builders throw RangeError/TypeError for bad specs; a batch reports every bad spec as a SpecError. */
function tcBuild<T>(operation: string, build: () => T): T {
  try {
    return build();
  } catch (e) {
    if (e instanceof SpecError) throw e;
    if (e instanceof RangeError || e instanceof TypeError) throw new SpecError(e.message, [operation]);
    throw e;
  }
}

function resolveActions(actions: unknown, r: Lookup): unknown {
  if (!Array.isArray(actions)) return actions;
  return actions.map((a: unknown, i) => {
    if (typeof a === 'object' && a !== null && (a as { kind?: unknown }).kind === 'mirred') {
      return { ...a, ifindex: r((a as { ifindex?: unknown }).ifindex, `actions[${i}].ifindex`) };
    }
    return a;
  });
}

function rtnlBuilt(req: RtnlRequest): BuiltRequest {
  if (req.kind !== 'ack') throw new SpecError('a batch holds requests the kernel acknowledges; queries (get, dump) are not batched', [req.operation]);
  return { message: req.message as BuiltRequest['message'], operation: req.operation };
}

function checkCommand(object: BatchObject, command: unknown): string {
  const known = BATCH_COMMANDS[object];
  if (typeof command !== 'string' || !known.includes(command)) {
    const query = command === 'get' || command === 'dump' || command === 'show';
    throw new SpecError(
      query
        ? `${describe(command)} is a query; a batch holds requests the kernel acknowledges (${known.join(', ')})`
        : `unknown command ${describe(command)}; known: ${known.join(', ')}`,
      [object],
    );
  }
  return command;
}

/**
 * Builds the one message of `object command spec` with the builders the
 * client uses (`linkRequest`, `routeRequest`, `qdiscRequest`, ...), device
 * names looked up in `names` first. Flags are the builder's; the sender adds
 * `NLM_F_REQUEST | NLM_F_ACK`, the sequence number and the port id.
 *
 * ```ts
 * buildRequest('route', 'add', { dst: '10.0.0.0/24', gateway: '10.0.0.1', oif: 'eth0' }, { eth0: 2 });
 * ```
 * @throws SpecError for a spec the builder refuses, an unknown command, a
 *   query (`get`, `dump`), or a device name not in `names`.
 */
export function buildRequest(object: BatchObject, command: string, spec: unknown, names?: DeviceNames): BuiltRequest {
  if (!Object.hasOwn(BATCH_COMMANDS, object)) {
    throw new SpecError(`unknown object ${describe(object)}; known: ${Object.keys(BATCH_COMMANDS).join(', ')}`, []);
  }
  const cmd = checkCommand(object, command);
  const label = `${object === 'addr' ? 'address' : object} ${cmd}`;
  const r = lookupIn(names, label);
  if (object === 'action') {
    // One action (`{ kind: 'gact', control: 'drop' }`), as IPRoute.tc takes it, or several, as `tc actions add` does.
    const list = Array.isArray(spec) ? spec : [spec];
    if (list.some((a) => typeof a !== 'object' || a === null)) throw new SpecError(`expected an action or a list of actions, got ${describe(spec)}`, [label]);
    const actions = resolveActions(list, r) as ActionSpec[];
    return { message: tcBuild(label, () => actionRequest(cmd as ActionOp, actions)), operation: `${label} ${actions.map((a) => a.kind).join(' ')}` };
  }
  if (typeof spec !== 'object' || spec === null || Array.isArray(spec)) throw new SpecError(`expected an object, got ${describe(spec)}`, [label]);
  const s = spec as Record<string, unknown>;
  switch (object) {
    case 'link': {
      const peer = s.peer;
      const out = {
        ...s,
        index: r(s.index, 'index'),
        link: r(s.link, 'link'),
        master: s.master === null ? null : r(s.master, 'master'),
        netns: offlineNetns(s.netns, [label, 'netns']),
        peer: typeof peer === 'object' && peer !== null ? { ...peer, netns: offlineNetns((peer as { netns?: unknown }).netns, [label, 'peer', 'netns']) } : peer,
      };
      return rtnlBuilt(linkRequest(cmd as 'add', dropUndefined(out) as LinkSpec));
    }
    case 'addr':
      return rtnlBuilt(addrRequest(cmd as 'add', dropUndefined({ ...s, index: r(s.index, 'index') }) as unknown as AddrSpec));
    case 'route': {
      const mp = s.multipath;
      const multipath = Array.isArray(mp) ? mp.map((nh: Record<string, unknown>, i) => dropUndefined({ ...nh, oif: r(nh?.oif, `multipath[${i}].oif`) })) : mp;
      return rtnlBuilt(routeRequest(cmd as 'add', dropUndefined({ ...s, oif: r(s.oif, 'oif'), iif: r(s.iif, 'iif'), multipath }) as RouteSpec));
    }
    case 'rule':
      return rtnlBuilt(ruleRequest(cmd as 'add', s as RuleSpec));
    case 'neigh':
      return rtnlBuilt(neighRequest(cmd as 'add', dropUndefined({ ...s, index: r(s.index, 'index') }) as unknown as NeighSpec));
    case 'fdb':
      return rtnlBuilt(fdbRequest(cmd as 'add', dropUndefined({ ...s, index: r(s.index, 'index'), via: r(s.via, 'via') }) as unknown as FdbSpec));
    case 'vlan':
      return rtnlBuilt(vlanRequest(cmd as 'add', dropUndefined({ ...s, index: r(s.index, 'index') }) as unknown as VlanSpec));
    case 'qdisc': {
      const q = dropUndefined({ ...s, index: r(s.index, 'index') }) as unknown as QdiscSpec;
      return { message: tcBuild(label, () => qdiscRequest(cmd as TcOp, q)), operation: tcLabel(label, q) };
    }
    case 'class': {
      const c = dropUndefined({ ...s, index: r(s.index, 'index') }) as unknown as ClassSpec;
      return { message: tcBuild(label, () => classRequest(cmd as 'add', c)), operation: tcLabel(label, c) };
    }
    case 'filter': {
      const f = dropUndefined({ ...s, index: r(s.index, 'index'), actions: resolveActions(s.actions, r) }) as unknown as FilterSpec;
      return { message: tcBuild(label, () => filterRequest(cmd as 'add', f)), operation: tcLabel(label, f) };
    }
    case 'chain': {
      const c = dropUndefined({ ...s, index: r(s.index, 'index') }) as unknown as ChainSpec;
      return { message: tcBuild(label, () => chainRequest(cmd as 'add', c)), operation: `${label} ${c.chain}` };
    }
  }
  throw new SpecError(`unknown object ${describe(object)}`, []);
}

/** `qdisc add dev 2 htb` and the like. */
function tcLabel(label: string, s: { index?: number; kind?: string }): string {
  return `${label}${s.index !== undefined ? ` dev ${s.index}` : ''}${s.kind ? ` ${s.kind}` : ''}`;
}

/** A copy without the keys whose value is undefined (the builders check the fields present). */
function dropUndefined<T extends Record<string, unknown>>(o: T): T {
  const out = {} as Record<string, unknown>;
  for (const k of Object.keys(o)) if (o[k] !== undefined) out[k] = o[k];
  return out as T;
}

/** `NLM_F_REQUEST | NLM_F_ACK`: what every batched request carries. */
export const REQUEST_ACK = NLM_F.REQUEST | NLM_F.ACK;
