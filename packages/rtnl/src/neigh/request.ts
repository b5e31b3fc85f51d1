/**
 * Request builders for IP neighbours (ARP and NDP entries: `RTM_NEWNEIGH`/
 * `RTM_DELNEIGH`/`RTM_GETNEIGH` with an IP family), as `ip neigh` sends them.
 * Bridge and VXLAN forwarding entries, the same messages with `AF_BRIDGE`,
 * are built by `fdbRequest`.
 */
import { describe, type InputOf } from '@nlkit/core';
import {
  NEW_FLAGS, SpecError, checkSpec, ifindexField, ipFamilyNumber, namedNumber, parsePrefix,
  type IpFamily, type RtnlRequest,
} from '../addr/request.js';
import type { Rtnl } from '../family.js';
import { routeProtocols } from '../route/schema.js';
import type { RouteProtocol } from '../route/request.js';
import { neighExtFlags, neighFlags, neighStates } from './schema.js';

/** What {@link neighRequest} can do: `add`/`replace`/`change` (`RTM_NEWNEIGH`), `del` (`RTM_DELNEIGH`), `get`/`dump` (`RTM_GETNEIGH`). */
export type NeighCommand = 'add' | 'replace' | 'change' | 'del' | 'get' | 'dump';

/** `NUD_*` names (`ndm_state`), and `none` (0). */
export type NeighState = keyof typeof neighStates | 'none';
/** `NTF_*` names (`ndm_flags`). */
export type NeighFlag = keyof typeof neighFlags;
/** `NTF_EXT_*` names (`NDA_FLAGS_EXT`). */
export type NeighExtFlag = keyof typeof neighExtFlags;

/**
 * A neighbour, with the keywords of `ip neigh`:
 *
 * ```ts
 * { dst: '10.0.0.2', lladdr: '02:00:00:00:00:02', index: 3 }                  // permanent
 * { dst: '10.0.0.3', lladdr: '02:00:00:00:00:03', index: 3, state: 'reachable', flags: ['router'] }
 * { dst: '10.0.0.9', index: 3, flags: ['proxy'] }                              // `ip neigh add proxy`
 * ```
 */
export interface NeighSpec {
  /** `NDA_DST`: the neighbour's IP address; it sets the family. */
  dst: string;
  /** `dev` (`ndm_ifindex`). */
  index: number;
  /** `lladdr` (`NDA_LLADDR`). */
  lladdr?: string;
  /** `nud` (`ndm_state`): a `NUD_*` name, or several (`['reachable', 'noarp']`), or the number. Default `permanent`. */
  state?: NeighState | NeighState[] | number;
  /** `NTF_*` names: `proxy`, `router`, `extLearned`, `use`, ... */
  flags?: NeighFlag[];
  /** `NTF_EXT_*` names (`NDA_FLAGS_EXT`): `managed`, ... */
  extFlags?: NeighExtFlag[];
  /** `protocol` (`NDA_PROTOCOL`): who added the entry. */
  protocol?: RouteProtocol | number;
}

/**
 * Filters the kernel applies to a neighbour dump (with
 * `NETLINK_GET_STRICT_CHK`): the family, the device (`NDA_IFINDEX`), the
 * master of the devices (`NDA_MASTER`, a bridge or VRF), and proxy entries
 * (`NTF_PROXY`: only those, as `ip neigh show proxy`).
 */
export interface NeighDumpSpec {
  /** Only entries of this family (`ndm_family`). */
  family?: IpFamily;
  /** Only entries on this device (`NDA_IFINDEX`). */
  index?: number;
  /** Only entries on the devices of this master, a bridge or VRF (`NDA_MASTER`). */
  master?: number;
  /** Only proxy entries (`NTF_PROXY` in `ndm_flags`), as `ip neigh show proxy`. */
  proxy?: boolean;
}

const NEIGH_FIELDS = ['dst', 'index', 'lladdr', 'state', 'flags', 'extFlags', 'protocol'] as const;

type NeighHeader = NonNullable<InputOf<Rtnl, 'RTM_NEWNEIGH'>['header']>;
type NeighAttrs = NonNullable<InputOf<Rtnl, 'RTM_NEWNEIGH'>['attrs']>;

/** The `ndm_state` bits of a state spec. */
export function neighStateBits(state: unknown, path: string[]): number {
  const one = (s: unknown): number => (s === 'none' ? 0 : namedNumber(s, neighStates, 0xffff, path));
  if (Array.isArray(state)) return state.reduce((bits: number, s) => bits | one(s), 0);
  return one(state);
}

function flagBits<T extends Record<string, number>>(names: unknown, table: T, path: string[]): number {
  if (!Array.isArray(names)) throw new SpecError(`expected an array of ${Object.keys(table).join(', ')}, got ${describe(names)}`, path);
  let bits = 0;
  for (const [i, n] of names.entries()) {
    if (typeof n !== 'string' || !Object.hasOwn(table, n)) throw new SpecError(`unknown flag ${describe(n)}; known: ${Object.keys(table).join(', ')}`, [...path, `[${i}]`]);
    bits |= table[n]!;
  }
  return bits;
}

/**
 * Builds a neighbour request, as `ip neigh add|replace|change|del|get|show` sends it:
 *
 * - `add`: `RTM_NEWNEIGH` with `NLM_F_CREATE | NLM_F_EXCL`; `replace`:
 *   `NLM_F_CREATE | NLM_F_REPLACE`; `change`: `NLM_F_REPLACE`;
 * - `del`: `RTM_DELNEIGH`;
 * - `get`: `RTM_GETNEIGH` for one neighbour (`dst` on device `index`);
 * - `dump`: `RTM_GETNEIGH`, filtered in the kernel by family, device, master and proxy.
 *
 * ```ts
 * neighRequest('add', { dst: '10.0.0.2', lladdr: '02:00:00:00:00:02', index: 3 });
 * neighRequest('dump', { family: 'inet', index: 3 });
 * ```
 * @throws SpecError for a spec that cannot be sent.
 */
export function neighRequest(command: 'dump', spec?: NeighDumpSpec): RtnlRequest<'RTM_GETNEIGH'>;
export function neighRequest(command: Exclude<NeighCommand, 'dump'>, spec: NeighSpec): RtnlRequest<'RTM_NEWNEIGH' | 'RTM_DELNEIGH' | 'RTM_GETNEIGH'>;
export function neighRequest(command: NeighCommand, spec?: NeighSpec | NeighDumpSpec): RtnlRequest<'RTM_NEWNEIGH' | 'RTM_DELNEIGH' | 'RTM_GETNEIGH'>;
export function neighRequest(command: NeighCommand, spec: NeighSpec | NeighDumpSpec = {} as NeighDumpSpec): RtnlRequest<'RTM_NEWNEIGH' | 'RTM_DELNEIGH' | 'RTM_GETNEIGH'> {
  if (command === 'dump') {
    const path = ['neigh dump'];
    const d = spec as NeighDumpSpec;
    checkSpec(d, ['family', 'index', 'master', 'proxy'], path);
    const header: NeighHeader = { family: d.family === undefined ? 0 : ipFamilyNumber(d.family, [...path, 'family']), flags: d.proxy ? neighFlags.proxy : 0 };
    const attrs: NeighAttrs = {};
    if (d.index !== undefined) attrs.ifindex = ifindexField(d.index, [...path, 'index']);
    if (d.master !== undefined) attrs.master = ifindexField(d.master, [...path, 'master']);
    return { kind: 'dump', operation: 'neigh dump', message: { name: 'RTM_GETNEIGH', header, attrs } };
  }
  if (command !== 'del' && command !== 'get' && !Object.hasOwn(NEW_FLAGS, command)) {
    throw new SpecError(`unknown command ${describe(command)}; known: add, replace, change, del, get, dump`, ['neigh']);
  }
  const s = spec as NeighSpec;
  checkSpec(s, NEIGH_FIELDS, [`neigh ${command}`]);
  const op = `neigh ${command} ${s.dst}`;
  const path = [op];
  const dst = parsePrefix(s.dst, [...path, 'dst']);
  if (s.dst.includes('/')) throw new SpecError(`a neighbour is an address, got ${describe(s.dst)}`, [...path, 'dst']);
  const header: NeighHeader = { family: dst.family, ifindex: ifindexField(s.index, [...path, 'index']), state: 0, flags: 0, type: 0 };
  const attrs: NeighAttrs = { dst: s.dst };
  if (command === 'get') {
    for (const k of ['lladdr', 'state', 'flags', 'extFlags', 'protocol'] as const) if (s[k] !== undefined) throw new SpecError(`"${k}" does not apply to get`, path);
    return { kind: 'get', operation: op, message: { name: 'RTM_GETNEIGH', header, attrs } };
  }
  // iproute2 sends NUD_PERMANENT unless told otherwise, deletions included.
  header.state = s.state === undefined ? neighStates.permanent : neighStateBits(s.state, [...path, 'state']);
  if (s.flags !== undefined) header.flags = flagBits(s.flags, neighFlags, [...path, 'flags']);
  if (s.lladdr !== undefined) attrs.lladdr = s.lladdr;
  if (s.extFlags !== undefined) attrs.flagsExt = s.extFlags;
  if (s.protocol !== undefined) attrs.protocol = namedNumber(s.protocol, routeProtocols, 255, [...path, 'protocol']);
  if (command === 'del') {
    if (s.lladdr !== undefined) throw new SpecError('"lladdr" does not apply to del', path);
    return { kind: 'ack', operation: op, message: { name: 'RTM_DELNEIGH', header, attrs } };
  }
  return { kind: 'ack', operation: op, message: { name: 'RTM_NEWNEIGH', flags: NEW_FLAGS[command], header, attrs } };
}

