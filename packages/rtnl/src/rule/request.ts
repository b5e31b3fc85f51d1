/**
 * Request builders for policy routing rules (`RTM_NEWRULE`/`RTM_DELRULE`/
 * `RTM_GETRULE`), as `ip rule` sends them.
 */
import { describe, type InputOf } from '@nlkit/core';
import {
  AF_INET, NEW_FLAGS, SpecError, checkSpec, intField, ipFamilyNumber, namedNumber, parsePrefix,
  type IpFamily, type RtnlRequest,
} from '../addr/request.js';
import type { Rtnl } from '../family.js';
import { tableId, type RouteProtocol, type RouteTable } from '../route/request.js';
import { routeProtocols, routeTables } from '../route/schema.js';
import { ruleActions, ruleFlags } from './schema.js';

/** What {@link ruleRequest} can do: `add` (`RTM_NEWRULE`), `del` (`RTM_DELRULE`), `dump` (`RTM_GETRULE`). */
export type RuleCommand = 'add' | 'del' | 'dump';

/** `FR_ACT_*` names (`fib_rule_hdr.action`); `to_tbl` is `toTbl`, as `ip rule` names it. */
export type RuleAction = keyof typeof ruleActions | 'to_tbl';

/** IP protocols `ipproto` knows by name (`/etc/protocols`); any number works too. */
const IP_PROTOCOLS = { icmp: 1, tcp: 6, udp: 17, gre: 47, esp: 50, ah: 51, icmpv6: 58, sctp: 132 } as const;

/** A port, or an inclusive range `[first, last]` (`struct fib_rule_port_range`, for `FRA_SPORT_RANGE`/`FRA_DPORT_RANGE`). */
export type PortRange = number | readonly [number, number];

/**
 * A rule, with the keywords of `ip rule`:
 *
 * ```ts
 * { priority: 1000, src: '10.0.0.0/24', table: 100 }
 * { priority: 1001, fwmark: 0x10, fwmask: 0xff, table: 1000 }
 * { priority: 1002, iif: 'eth0', action: 'blackhole' }
 * { priority: 1003, uidrange: [1000, 2000], ipproto: 'tcp', dport: 80, table: 'main' }
 * ```
 */
export interface RuleSpec {
  /** `priority`/`pref` (`FRA_PRIORITY`). */
  priority?: number;
  /** The family, when neither `src` nor `dst` tells. Default IPv4. */
  family?: IpFamily;
  /** `table`/`lookup`: ids above 255 go into `FRA_TABLE`. Default `main` for `to_tbl` rules added. */
  table?: RouteTable;
  /** `from` (`FRA_SRC`, `src_len`): a prefix, or `'all'`. */
  src?: string;
  /** `to` (`FRA_DST`, `dst_len`): a prefix, or `'all'`. */
  dst?: string;
  /** `iif` (`FRA_IIFNAME`): an input device name (rules keep names, not indices). */
  iif?: string;
  /** `oif` (`FRA_OIFNAME`): an output device name. */
  oif?: string;
  /** `fwmark` (`FRA_FWMARK`). */
  fwmark?: number;
  /** The mask of {@link fwmark} (`FRA_FWMASK`). */
  fwmask?: number;
  /** `fib_rule_hdr.action`. Default `to_tbl` (look up {@link table}); `goto` when {@link goto} is given. */
  action?: RuleAction | number;
  /** `goto` (`FRA_GOTO`): the priority of the rule to jump to. */
  goto?: number;
  /** `uidrange` (`FRA_UID_RANGE`): inclusive. */
  uidrange?: {
    /** The first uid (`struct fib_rule_uid_range`'s `start`). */
    start: number;
    /** The last uid, included (`end`). */
    end: number;
  } | readonly [number, number];
  /** `ipproto` (`FRA_IP_PROTO`): `tcp`, `udp`, ... or a number. */
  ipproto?: keyof typeof IP_PROTOCOLS | number;
  /** `sport` (`FRA_SPORT_RANGE`). */
  sport?: PortRange;
  /** `dport` (`FRA_DPORT_RANGE`). */
  dport?: PortRange;
  /** `suppress_prefixlength` (`FRA_SUPPRESS_PREFIXLEN`). */
  suppressPrefixlength?: number;
  /** `suppress_ifgroup` (`FRA_SUPPRESS_IFGROUP`). */
  suppressIfgroup?: number;
  /** `tos` (`fib_rule_hdr.tos`). */
  tos?: number;
  /** `realms` (`FRA_FLOW`). */
  realms?: number;
  /** `l3mdev` (`FRA_L3MDEV`): look up the table of the VRF the packet came through. */
  l3mdev?: boolean;
  /** `protocol` (`FRA_PROTOCOL`): who installed the rule. */
  protocol?: RouteProtocol | number;
  /** `not` (`FIB_RULE_INVERT`): match what the selectors do not. */
  invert?: boolean;
}

const RULE_FIELDS = [
  'priority', 'family', 'table', 'src', 'dst', 'iif', 'oif', 'fwmark', 'fwmask', 'action', 'goto', 'uidrange', 'ipproto', 'sport', 'dport',
  'suppressPrefixlength', 'suppressIfgroup', 'tos', 'realms', 'l3mdev', 'protocol', 'invert',
] as const;

type RuleHeader = NonNullable<InputOf<Rtnl, 'RTM_NEWRULE'>['header']>;
type RuleAttrs = NonNullable<InputOf<Rtnl, 'RTM_NEWRULE'>['attrs']>;

/**
 * Builds a rule request, as `ip rule add|del|show` sends it:
 *
 * - `add`: `RTM_NEWRULE` with `NLM_F_CREATE | NLM_F_EXCL`;
 * - `del`: `RTM_DELRULE`, matching the rule by the selectors given (often just the priority);
 * - `dump`: `RTM_GETRULE` of one family or all (the kernel filters dumps by family only).
 *
 * ```ts
 * ruleRequest('add', { priority: 100, src: '10.0.0.0/8', table: 1000 });
 * ruleRequest('del', { priority: 100 });
 * ruleRequest('dump', { family: 'inet6' });
 * ```
 * @throws SpecError for a spec that cannot be sent.
 */
export function ruleRequest(command: 'dump', spec?: { family?: IpFamily }): RtnlRequest<'RTM_GETRULE'>;
export function ruleRequest(command: 'add' | 'del', spec: RuleSpec): RtnlRequest<'RTM_NEWRULE' | 'RTM_DELRULE'>;
export function ruleRequest(command: RuleCommand, spec?: RuleSpec | { family?: IpFamily }): RtnlRequest<'RTM_NEWRULE' | 'RTM_DELRULE' | 'RTM_GETRULE'>;
export function ruleRequest(command: RuleCommand, spec: RuleSpec = {}): RtnlRequest<'RTM_NEWRULE' | 'RTM_DELRULE' | 'RTM_GETRULE'> {
  if (command === 'dump') {
    checkSpec(spec, ['family'], ['rule dump']);
    const family = spec.family === undefined ? 0 : ipFamilyNumber(spec.family, ['rule dump', 'family']);
    return { kind: 'dump', operation: 'rule dump', message: { name: 'RTM_GETRULE', header: { family } } };
  }
  if (command !== 'add' && command !== 'del') throw new SpecError(`unknown command ${describe(command)}; known: add, del, dump`, ['rule']);
  checkSpec(spec, RULE_FIELDS, [`rule ${command}`]);
  const s = spec;
  const op = `rule ${command}${s.priority !== undefined ? ` priority ${s.priority}` : ''}`;
  const path = [op];
  const given = s.family === undefined ? undefined : ipFamilyNumber(s.family, [...path, 'family']);
  const src = selector(s.src, [...path, 'src']);
  const dst = selector(s.dst, [...path, 'dst']);
  const family = src?.family ?? dst?.family ?? given ?? AF_INET;
  for (const [p, field] of [[src, 'src'], [dst, 'dst']] as const) {
    if (p && p.family !== family) throw new SpecError(`${field} is not of the rule's family`, [...path, field]);
  }
  if (given !== undefined && given !== family) throw new SpecError(`family ${describe(s.family)} does not match the selectors`, [...path, 'family']);

  const header: RuleHeader = { family, dstLen: dst?.prefixlen ?? 0, srcLen: src?.prefixlen ?? 0, tos: 0, table: 0, action: 0, flags: 0 };
  const attrs: RuleAttrs = {};
  if (src && src.prefixlen > 0) attrs.src = src.address;
  if (dst && dst.prefixlen > 0) attrs.dst = dst.address;
  if (s.tos !== undefined) header.tos = intField(s.tos, 0, 255, [...path, 'tos']);
  if (s.invert) header.flags = ruleFlags.invert;

  let action: number = command === 'add' ? ruleActions.toTbl : ruleActions.unspec;
  if (s.goto !== undefined) {
    attrs.goto = intField(s.goto, 0, 0xffffffff, [...path, 'goto']);
    action = ruleActions.goto;
  }
  if (s.action !== undefined) {
    action = namedNumber(s.action === 'to_tbl' ? 'toTbl' : s.action, ruleActions, 255, [...path, 'action']);
    if (s.goto !== undefined && action !== ruleActions.goto) throw new SpecError('goto needs the goto action', [...path, 'action']);
  }
  header.action = action;
  if (s.table !== undefined) {
    const id = tableId(s.table, [...path, 'table']);
    if (id < 256) header.table = id;
    else attrs.table = id;
  } else if (command === 'add' && action === ruleActions.toTbl) {
    header.table = routeTables.main;
  }

  if (s.priority !== undefined) attrs.priority = intField(s.priority, 0, 0xffffffff, [...path, 'priority']);
  if (s.iif !== undefined) attrs.iifname = s.iif;
  if (s.oif !== undefined) attrs.oifname = s.oif;
  if (s.fwmark !== undefined) attrs.fwmark = intField(s.fwmark, 0, 0xffffffff, [...path, 'fwmark']);
  if (s.fwmask !== undefined) attrs.fwmask = intField(s.fwmask, 0, 0xffffffff, [...path, 'fwmask']);
  if (s.uidrange !== undefined) {
    const u = s.uidrange;
    const [start, end] = range(isPair(u) ? u : typeof u === 'object' && u !== null ? [u.start, u.end] : [u], 0xffffffff, [...path, 'uidrange']);
    attrs.uidRange = { start, end };
  }
  if (s.ipproto !== undefined) attrs.ipProto = namedNumber(s.ipproto, IP_PROTOCOLS, 255, [...path, 'ipproto']);
  if (s.sport !== undefined) attrs.sportRange = portRange(s.sport, [...path, 'sport']);
  if (s.dport !== undefined) attrs.dportRange = portRange(s.dport, [...path, 'dport']);
  if (s.suppressPrefixlength !== undefined) attrs.suppressPrefixlen = intField(s.suppressPrefixlength, 0, 128, [...path, 'suppressPrefixlength']);
  if (s.suppressIfgroup !== undefined) attrs.suppressIfgroup = intField(s.suppressIfgroup, 0, 0xffffffff, [...path, 'suppressIfgroup']);
  if (s.realms !== undefined) attrs.flow = intField(s.realms, 0, 0xffffffff, [...path, 'realms']);
  if (s.l3mdev) attrs.l3mdev = 1;
  if (s.protocol !== undefined) attrs.protocol = namedNumber(s.protocol, routeProtocols, 255, [...path, 'protocol']);

  if (command === 'del') return { kind: 'ack', operation: op, message: { name: 'RTM_DELRULE', header, attrs } };
  return { kind: 'ack', operation: op, message: { name: 'RTM_NEWRULE', flags: NEW_FLAGS.add, header, attrs } };
}

/** A `from`/`to` selector: a prefix, or `all` (no selector). */
function selector(text: string | undefined, path: string[]) {
  if (text === undefined || text === 'all') return undefined;
  return parsePrefix(text, path);
}

function range(r: readonly unknown[], max: number, path: string[]): [number, number] {
  if (r.length !== 2) throw new SpecError(`expected [first, last], got ${describe(r)}`, path);
  const start = intField(r[0], 0, max, [...path, 'start']);
  const end = intField(r[1], 0, max, [...path, 'end']);
  if (end < start) throw new SpecError(`range ${start}-${end} ends before it starts`, path);
  return [start, end];
}

function portRange(p: PortRange, path: string[]): { start: number; end: number } {
  const [start, end] = range(isPair(p) ? p : [p, p], 0xffff, path);
  return { start, end };
}

function isPair(v: unknown): v is readonly [number, number] {
  return Array.isArray(v);
}
