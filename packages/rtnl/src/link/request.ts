/**
 * Request builders for links (`RTM_NEWLINK`/`RTM_DELLINK`/`RTM_GETLINK`, and
 * `RTM_NEWLINKPROP`/`RTM_DELLINKPROP` for alternative names), as `ip link`
 * sends them: `add` creates with `NLM_F_CREATE | NLM_F_EXCL`, `set` modifies
 * with an `RTM_NEWLINK` without them, the up/down state and the other device
 * flags travel in `ifi_flags` under the mask `ifi_change`.
 */
import { NLM_F, describe, type AttrInput, type Input, type InputOf } from '@nlkit/core';
import { NEW_FLAGS, SpecError, checkSpec, ifindexField, intField, type RtnlRequest } from '../addr/request.js';
import type { Rtnl } from '../family.js';
import type { LinkAttrInput, linkDataKinds, linkinfoAttrs } from './schema.js';
import type { linkSlaveDataKinds } from './kinds/index.js';

/** What {@link linkRequest} can do: `add`/`set` (`RTM_NEWLINK`), `del` (`RTM_DELLINK`), `get`/`dump` (`RTM_GETLINK`), `property_add`/`property_del` (`RTM_NEWLINKPROP`/`RTM_DELLINKPROP`). */
export type LinkCommand = 'add' | 'set' | 'del' | 'get' | 'dump' | 'property_add' | 'property_del';

/** The kinds whose `IFLA_INFO_DATA` is known (`veth`, `bridge`, `vxlan`, `macvlan`, ...). */
export type LinkKind = keyof typeof linkDataKinds;

/** `IFLA_INFO_DATA` of kind `K` as encode takes it (`{ mode: 'bridge' }` for `macvlan`); bytes for other kinds. */
export type LinkKindData<K extends string> = K extends LinkKind ? Input<(typeof linkDataKinds)[K]> : Uint8Array;

/** The masters whose port options (`IFLA_INFO_SLAVE_DATA`) are known: `bridge`, `bond`, `vrf`. */
export type LinkSlaveKind = keyof typeof linkSlaveDataKinds;

/** Port options (`IFLA_INFO_SLAVE_DATA`) for a master of kind `K` (`{ cost: 5 }` for a bridge port, `IFLA_BRPORT_COST`). */
export type LinkSlaveData<K extends LinkSlaveKind> = Input<(typeof linkSlaveDataKinds)[K]>;

/**
 * The namespace to move a device into, or to create it in: an open file
 * descriptor of a namespace (`IFLA_NET_NS_FD`, as `ip link set DEV netns
 * NAME` sends after opening `/run/netns/NAME`) or a process's pid
 * (`IFLA_NET_NS_PID`).
 */
export type LinkNetns =
  | {
      /** An open file descriptor of a namespace (`IFLA_NET_NS_FD`). */
      fd: number;
    }
  | {
      /** A process whose namespace it is (`IFLA_NET_NS_PID`). */
      pid: number;
    };

/** `IFF_*` device flags a spec may set or clear. */
const IFF = { up: 0x1, noarp: 0x80, promisc: 0x100, allmulti: 0x200, multicast: 0x1000 } as const;

/** The peer of a `veth`/`vxcan`/`netkit` pair (`VETH_INFO_PEER`, `VXCAN_INFO_PEER`, `IFLA_NETKIT_PEER_INFO`): its name, or its name and other attributes. */
export interface LinkPeerSpec {
  /** The peer's name (`IFLA_IFNAME`). */
  ifname?: string;
  /** The peer's MAC address (`IFLA_ADDRESS`). */
  address?: string;
  /** The peer's MTU (`IFLA_MTU`). */
  mtu?: number;
  /** The peer's transmit queue length (`IFLA_TXQLEN`). */
  txqlen?: number;
  /** The peer's number of transmit queues (`IFLA_NUM_TX_QUEUES`). */
  numTxQueues?: number;
  /** The peer's number of receive queues (`IFLA_NUM_RX_QUEUES`). */
  numRxQueues?: number;
  /** Create the peer directly in another namespace. */
  netns?: LinkNetns;
}

/**
 * A link, with the keywords of `ip link`:
 *
 * ```ts
 * { ifname: 'veth0', kind: 'veth', peer: 'veth1' }
 * { ifname: 'br0', kind: 'bridge', data: { stpState: 'kernel', forwardDelay: 400 } }
 * { ifname: 'mv0', kind: 'macvlan', link: 3, data: { mode: 'bridge' } }
 * { index: 3, state: 'up', mtu: 1400, address: '02:00:00:00:00:01', master: 5 }
 * { index: 4, slaveKind: 'bridge', slaveData: { cost: 5 } }
 * ```
 */
export interface LinkSpec<K extends string = string> {
  /** `ifi_index`: the device to change; with `add`, the index to create it with. */
  index?: number;
  /** `IFLA_IFNAME`: the name. Identifies the device when `index` is not given; renames it when it is. */
  ifname?: string;
  /** `type` (`IFLA_INFO_KIND`): `veth`, `bridge`, `vxlan`, `macvlan`, ... */
  kind?: K;
  /** The kind's options (`IFLA_INFO_DATA`). */
  data?: LinkKindData<K>;
  /** `peer`: the other end of a `veth`, `vxcan` or `netkit` pair (`VETH_INFO_PEER`, ...). */
  peer?: string | LinkPeerSpec;
  /** The master's kind, to set port options (`ip link set DEV type bridge_slave ...`). */
  slaveKind?: LinkSlaveKind;
  /** Port options (`IFLA_INFO_SLAVE_DATA`), for {@link slaveKind}. */
  slaveData?: LinkSlaveData<LinkSlaveKind>;
  /** `link` (`IFLA_LINK`): the lower device of a `macvlan`, `vlan`, ... */
  link?: number;
  /** `master` (`IFLA_MASTER`): enslave to this device; `null` or 0 to release (`nomaster`). */
  master?: number | null;
  /** `mtu` (`IFLA_MTU`). */
  mtu?: number;
  /** `address` (`IFLA_ADDRESS`): the MAC address. */
  address?: string;
  /** `broadcast` (`IFLA_BROADCAST`). */
  broadcast?: string;
  /** `txqueuelen` (`IFLA_TXQLEN`). */
  txqlen?: number;
  /** `alias` (`IFLA_IFALIAS`). */
  alias?: string;
  /** `group` (`IFLA_GROUP`). */
  group?: number;
  /** `netns`: move the device to another namespace (or create it there). */
  netns?: LinkNetns;
  /** `up`/`down`: `IFF_UP` in `ifi_flags`, under `ifi_change`. */
  state?: 'up' | 'down';
  /** `promisc on|off` (`IFF_PROMISC`). */
  promisc?: boolean;
  /** `arp on|off` (the inverse of `IFF_NOARP`). */
  arp?: boolean;
  /** `multicast on|off` (`IFF_MULTICAST`). */
  multicast?: boolean;
  /** `allmulticast on|off` (`IFF_ALLMULTI`). */
  allmulticast?: boolean;
  /** `numtxqueues` (`IFLA_NUM_TX_QUEUES`), at creation. */
  numTxQueues?: number;
  /** `numrxqueues` (`IFLA_NUM_RX_QUEUES`), at creation. */
  numRxQueues?: number;
  /** `gso_max_size` (`IFLA_GSO_MAX_SIZE`). */
  gsoMaxSize?: number;
  /** `gso_max_segs` (`IFLA_GSO_MAX_SEGS`). */
  gsoMaxSegs?: number;
  /** `protodown on|off` (`IFLA_PROTO_DOWN`). */
  protoDown?: boolean;
  /** An alternative name: with `get` and `del`, the device to act on (`IFLA_ALT_IFNAME`); with `property_add`/`property_del`, the names to add or remove. */
  altname?: string | string[];
  /** Any other `IFLA_*` attributes, by their friendly names; they win over the fields above. */
  attrs?: LinkAttrInput;
}

/**
 * Filters the kernel applies to a link dump (with `NETLINK_GET_STRICT_CHK`):
 * the ports of a master (`IFLA_MASTER`) and devices of a kind
 * (`IFLA_LINKINFO` with `IFLA_INFO_KIND`). A dump cannot be filtered by index.
 */
export interface LinkDumpSpec {
  /** `ifi_family`: `AF_UNSPEC` (0, the default), or `AF_BRIDGE` (7) for bridge ports' `IFLA_PROTINFO`/`IFLA_AF_SPEC`. */
  family?: number;
  /** Only the ports of this master device (`IFLA_MASTER`). */
  master?: number;
  /** Only devices of this kind (`IFLA_LINKINFO` with `IFLA_INFO_KIND`), as `'bridge'`. */
  kind?: string;
  /** `IFLA_EXT_MASK` (`RTEXT_FILTER_*`), e.g. `['skipStats']` to leave counters out, `['vf']` to get SR-IOV VFs. */
  extMask?: NonNullable<LinkAttrInput['extMask']>;
}

const LINK_FIELDS = [
  'index', 'ifname', 'kind', 'data', 'peer', 'slaveKind', 'slaveData', 'link', 'master', 'mtu', 'address', 'broadcast', 'txqlen',
  'alias', 'group', 'netns', 'state', 'promisc', 'arp', 'multicast', 'allmulticast', 'numTxQueues', 'numRxQueues', 'gsoMaxSize',
  'gsoMaxSegs', 'protoDown', 'altname', 'attrs',
] as const;
const PEER_FIELDS = ['ifname', 'address', 'mtu', 'txqlen', 'numTxQueues', 'numRxQueues', 'netns'] as const;
/** The kinds that nest a peer device, and under which `IFLA_INFO_DATA` key. */
const PEER_KEYS: Readonly<Record<string, string>> = { veth: 'peer', vxcan: 'peer', netkit: 'peerInfo' };

type LinkHeader = NonNullable<InputOf<Rtnl, 'RTM_NEWLINK'>['header']>;
/** `IFLA_INFO_*` as encode takes them. */
type LinkinfoInput = AttrInput<typeof linkinfoAttrs.defs>;

/**
 * Sets `IFLA_LINKINFO`. `linkAttrsFor` types its `linkinfo` parameter as any
 * attribute set, so `LinkAttrInput['linkinfo']` lost the `IFLA_INFO_*` keys;
 * the value built here is checked against {@link LinkinfoInput} instead.
 */
function putLinkinfo(attrs: LinkAttrInput, info: LinkinfoInput): void {
  attrs.linkinfo = info as unknown as LinkAttrInput['linkinfo'];
}

/** The messages a link request can be. @inline */
type LinkMessages = 'RTM_NEWLINK' | 'RTM_DELLINK' | 'RTM_GETLINK' | 'RTM_NEWLINKPROP' | 'RTM_DELLINKPROP';

/**
 * Builds a link request, as `ip link add|set|del|show` and `ip link property add|del` send it:
 *
 * - `add`: `RTM_NEWLINK` with `NLM_F_CREATE | NLM_F_EXCL`, a `kind` and usually an `ifname`;
 * - `set`: `RTM_NEWLINK` without them, for the device `index` (or named `ifname`);
 * - `del`: `RTM_DELLINK`;
 * - `get`: `RTM_GETLINK` for one device, by `index`, `ifname` or `altname`;
 * - `dump`: `RTM_GETLINK`, filtered in the kernel by master and kind;
 * - `property_add`/`property_del`: `RTM_NEWLINKPROP`/`RTM_DELLINKPROP` with the `altname`s.
 *
 * ```ts
 * linkRequest('add', { ifname: 'veth0', kind: 'veth', peer: { ifname: 'veth1', address: '02:00:00:00:00:02' } });
 * linkRequest('set', { index: 3, state: 'up', master: 5 });
 * linkRequest('dump', { kind: 'bridge' });
 * ```
 * @throws SpecError for a spec that cannot be sent.
 */
export function linkRequest(command: 'dump', spec?: LinkDumpSpec): RtnlRequest<'RTM_GETLINK'>;
export function linkRequest<K extends string>(command: Exclude<LinkCommand, 'dump'>, spec: LinkSpec<K>): RtnlRequest<LinkMessages>;
export function linkRequest(command: LinkCommand, spec?: LinkSpec | LinkDumpSpec): RtnlRequest<LinkMessages>;
export function linkRequest(command: LinkCommand, spec: LinkSpec | LinkDumpSpec = {}): RtnlRequest<LinkMessages> {
  if (command === 'dump') return linkDump(spec as LinkDumpSpec);
  const s = spec as LinkSpec;
  checkSpec(s, LINK_FIELDS, [`link ${command}`]);
  const op = `link ${command} ${s.ifname ?? (s.index !== undefined ? `index ${s.index}` : firstAltname(s.altname) ?? '')}`.trimEnd();
  const path = [op];
  const header: LinkHeader = { family: 0, type: 0, index: s.index === undefined ? 0 : ifindexField(s.index, [...path, 'index']), flags: 0, change: 0 };

  switch (command) {
    case 'add':
    case 'set': {
      if (command === 'add' && s.kind === undefined) throw new SpecError('a new link needs a kind', [...path, 'kind']);
      if (command === 'set' && s.index === undefined && s.ifname === undefined) throw new SpecError('needs the device: index or ifname', path);
      if (s.altname !== undefined) throw new SpecError('altnames are added with property_add', [...path, 'altname']);
      const attrs = linkAttrs(s, command, path);
      deviceFlags(s, header, path);
      const flags = command === 'add' ? NEW_FLAGS.add : 0;
      return { kind: 'ack', operation: op, message: { name: 'RTM_NEWLINK', flags, header, attrs } };
    }
    case 'del':
    case 'get': {
      onlyFields(s, ['index', 'ifname', 'altname', 'attrs'], path);
      const attrs: LinkAttrInput = identify(s, path);
      if (s.attrs) Object.assign(attrs, s.attrs);
      if (command === 'del') return { kind: 'ack', operation: op, message: { name: 'RTM_DELLINK', header, attrs } };
      return { kind: 'get', operation: op, message: { name: 'RTM_GETLINK', header, attrs } };
    }
    case 'property_add':
    case 'property_del': {
      onlyFields(s, ['index', 'ifname', 'altname'], path);
      const names = s.altname === undefined ? [] : Array.isArray(s.altname) ? s.altname : [s.altname];
      if (names.length === 0) throw new SpecError('needs the altname(s) to add or remove', [...path, 'altname']);
      const attrs: LinkAttrInput = identify({ index: s.index, ifname: s.ifname }, path);
      attrs.propList = { altIfname: names };
      if (command === 'property_add') {
        return { kind: 'ack', operation: op, message: { name: 'RTM_NEWLINKPROP', flags: NLM_F.CREATE | NLM_F.EXCL | NLM_F.APPEND, header, attrs } };
      }
      return { kind: 'ack', operation: op, message: { name: 'RTM_DELLINKPROP', header, attrs } };
    }
    default:
      throw new SpecError(`unknown command ${describe(command)}; known: add, set, del, get, dump, property_add, property_del`, ['link']);
  }
}

function firstAltname(a: string | string[] | undefined): string | undefined {
  return Array.isArray(a) ? a[0] : a;
}

/** Fails when `s` has fields beyond `allowed` (fields of `add`/`set` given to `del`, say). */
function onlyFields(s: LinkSpec, allowed: readonly (keyof LinkSpec)[], path: string[]): void {
  for (const k of Object.keys(s) as (keyof LinkSpec)[]) {
    if (s[k] !== undefined && !allowed.includes(k)) throw new SpecError(`"${k}" does not apply here; give ${allowed.join(', ')}`, path);
  }
}

/** The device of a `del`/`get`: by index (in the header), else by name or altname. */
function identify(s: Pick<LinkSpec, 'index' | 'ifname' | 'altname'>, path: string[]): LinkAttrInput {
  const attrs: LinkAttrInput = {};
  if (s.index !== undefined) return attrs;
  if (s.ifname !== undefined) attrs.ifname = s.ifname;
  else if (typeof s.altname === 'string') attrs.altIfname = s.altname;
  else throw new SpecError('needs the device: index, ifname or altname', path);
  return attrs;
}

/** `IFF_UP` and friends: set in `ifi_flags`, and named in `ifi_change` either way. */
function deviceFlags(s: LinkSpec, header: LinkHeader, path: string[]): void {
  let flags = 0;
  let change = 0;
  const put = (bit: number, on: boolean | undefined, field: string): void => {
    if (on === undefined) return;
    if (typeof on !== 'boolean') throw new SpecError(`expected true or false, got ${describe(on)}`, [...path, field]);
    change |= bit;
    if (on) flags |= bit;
  };
  if (s.state !== undefined && s.state !== 'up' && s.state !== 'down') throw new SpecError(`expected "up" or "down", got ${describe(s.state)}`, [...path, 'state']);
  put(IFF.up, s.state === undefined ? undefined : s.state === 'up', 'state');
  put(IFF.promisc, s.promisc, 'promisc');
  put(IFF.noarp, s.arp === undefined ? undefined : !s.arp, 'arp');
  put(IFF.multicast, s.multicast, 'multicast');
  put(IFF.allmulti, s.allmulticast, 'allmulticast');
  header.flags = flags;
  header.change = change;
}

/** The `IFLA_*` attributes of an `add` or `set`. */
function linkAttrs(s: LinkSpec, command: 'add' | 'set', path: string[]): LinkAttrInput {
  const attrs: LinkAttrInput = {};
  if (s.ifname !== undefined) attrs.ifname = s.ifname;
  if (s.link !== undefined) attrs.link = ifindexField(s.link, [...path, 'link']);
  if (s.master !== undefined) attrs.master = s.master === null ? 0 : intField(s.master, 0, 0x7fffffff, [...path, 'master']);
  if (s.mtu !== undefined) attrs.mtu = intField(s.mtu, 0, 0xffffffff, [...path, 'mtu']);
  if (s.address !== undefined) attrs.address = s.address;
  if (s.broadcast !== undefined) attrs.broadcast = s.broadcast;
  if (s.txqlen !== undefined) attrs.txqlen = intField(s.txqlen, 0, 0xffffffff, [...path, 'txqlen']);
  if (s.alias !== undefined) attrs.ifalias = s.alias;
  if (s.group !== undefined) attrs.group = intField(s.group, 0, 0xffffffff, [...path, 'group']);
  if (s.netns !== undefined) Object.assign(attrs, netnsAttrs(s.netns, [...path, 'netns']));
  if (s.numTxQueues !== undefined) attrs.numTxQueues = intField(s.numTxQueues, 1, 4096, [...path, 'numTxQueues']);
  if (s.numRxQueues !== undefined) attrs.numRxQueues = intField(s.numRxQueues, 1, 4096, [...path, 'numRxQueues']);
  if (s.gsoMaxSize !== undefined) attrs.gsoMaxSize = intField(s.gsoMaxSize, 0, 0xffffffff, [...path, 'gsoMaxSize']);
  if (s.gsoMaxSegs !== undefined) attrs.gsoMaxSegs = intField(s.gsoMaxSegs, 0, 0xffffffff, [...path, 'gsoMaxSegs']);
  if (s.protoDown !== undefined) attrs.protoDown = s.protoDown ? 1 : 0;
  const linkinfo = linkInfo(s, command, path);
  if (linkinfo) putLinkinfo(attrs, linkinfo);
  if (s.attrs !== undefined) Object.assign(attrs, s.attrs);
  return attrs;
}

function netnsAttrs(n: LinkNetns, path: string[]): LinkAttrInput {
  if (typeof n === 'object' && n !== null && 'fd' in n) return { netNsFd: intField(n.fd, 0, 0x7fffffff, [...path, 'fd']) };
  if (typeof n === 'object' && n !== null && 'pid' in n) return { netNsPid: intField(n.pid, 1, 0x7fffffff, [...path, 'pid']) };
  throw new SpecError(`expected { fd } or { pid }, got ${describe(n)}`, path);
}

/** `IFLA_LINKINFO`: the kind and its data (with the peer folded in), or port options. */
function linkInfo(s: LinkSpec, command: 'add' | 'set', path: string[]): LinkinfoInput | undefined {
  if (s.slaveKind !== undefined || s.slaveData !== undefined) {
    if (s.kind !== undefined) throw new SpecError('give kind (the device\'s own) or slaveKind (its master\'s), not both', [...path, 'slaveKind']);
    if (s.slaveKind === undefined) throw new SpecError('slaveData needs slaveKind (the master\'s kind: bridge, bond, vrf)', [...path, 'slaveKind']);
    // As iproute2: `type bridge_slave` names the port options' kind.
    return { kind: `${s.slaveKind}_slave`, slaveData: (s.slaveData ?? {}) as LinkinfoInput['slaveData'] };
  }
  if (s.peer !== undefined) {
    const key = s.kind === undefined ? undefined : PEER_KEYS[s.kind];
    if (key === undefined) throw new SpecError(`peer is for kinds ${Object.keys(PEER_KEYS).join(', ')}`, [...path, 'peer']);
    if (command !== 'add') throw new SpecError('a peer is given when the pair is created', [...path, 'peer']);
  }
  if (s.kind === undefined) {
    if (s.data !== undefined) throw new SpecError('data needs the kind', [...path, 'data']);
    return undefined;
  }
  if (typeof s.kind !== 'string' || s.kind === '') throw new SpecError(`expected a kind name, got ${describe(s.kind)}`, [...path, 'kind']);
  const info: LinkinfoInput = { kind: s.kind };
  // The data's type follows the kind, which the variant codec checks at encode time.
  if (s.peer !== undefined) info.data = { ...(s.data as object | undefined), [PEER_KEYS[s.kind]!]: peerOf(s.peer, [...path, 'peer']) } as LinkinfoInput['data'];
  else if (s.data !== undefined) info.data = s.data as LinkinfoInput['data'];
  return info;
}

function peerOf(p: string | LinkPeerSpec, path: string[]): { header: LinkHeader; attrs: LinkAttrInput } {
  const spec: LinkPeerSpec = typeof p === 'string' ? { ifname: p } : p;
  checkSpec(spec, PEER_FIELDS, path);
  const attrs: LinkAttrInput = {};
  if (spec.ifname !== undefined) attrs.ifname = spec.ifname;
  if (spec.address !== undefined) attrs.address = spec.address;
  if (spec.mtu !== undefined) attrs.mtu = intField(spec.mtu, 0, 0xffffffff, [...path, 'mtu']);
  if (spec.txqlen !== undefined) attrs.txqlen = intField(spec.txqlen, 0, 0xffffffff, [...path, 'txqlen']);
  if (spec.numTxQueues !== undefined) attrs.numTxQueues = intField(spec.numTxQueues, 1, 4096, [...path, 'numTxQueues']);
  if (spec.numRxQueues !== undefined) attrs.numRxQueues = intField(spec.numRxQueues, 1, 4096, [...path, 'numRxQueues']);
  if (spec.netns !== undefined) Object.assign(attrs, netnsAttrs(spec.netns, [...path, 'netns']));
  return { header: { family: 0, type: 0, index: 0, flags: 0, change: 0 }, attrs };
}

function linkDump(s: LinkDumpSpec): RtnlRequest<'RTM_GETLINK'> {
  const path = ['link dump'];
  checkSpec(s, ['family', 'master', 'kind', 'extMask'], path);
  const attrs: LinkAttrInput = {};
  if (s.extMask !== undefined) attrs.extMask = s.extMask;
  if (s.master !== undefined) attrs.master = ifindexField(s.master, [...path, 'master']);
  if (s.kind !== undefined) {
    if (typeof s.kind !== 'string' || s.kind === '') throw new SpecError(`expected a kind name, got ${describe(s.kind)}`, [...path, 'kind']);
    putLinkinfo(attrs, { kind: s.kind });
  }
  const family = s.family === undefined ? 0 : intField(s.family, 0, 255, [...path, 'family']);
  return { kind: 'dump', operation: 'link dump', message: { name: 'RTM_GETLINK', header: { family }, attrs } };
}
