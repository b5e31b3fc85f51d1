/**
 * Request builders for addresses (`RTM_NEWADDR`/`RTM_DELADDR`/`RTM_GETADDR`),
 * and what every request builder of this package shares: {@link SpecError},
 * {@link RtnlRequest} and the parsing of addresses and prefixes.
 *
 * Builders are pure functions from a friendly spec to the message that
 * `ip`/`bridge` would send for the same command; they do no I/O, so a live
 * client and an offline batch compiler use the same ones. Devices are given
 * by index: turning names into indices is the caller's job.
 */
import { NLM_F, NlEncodeError, describe, parseIPv4, parseIPv6, type InputOf } from '@nlkit/core';
import type { Rtnl } from '../family.js';
import { addrFlags } from './schema.js';

// ---------------------------------------------------------------------------
// Shared by every builder

/**
 * A spec a request builder cannot turn into a message: an unknown field, a
 * missing one, a value of the wrong kind or out of range, fields that
 * contradict each other. `path` names the operation and then the field
 * (`["route add", "multipath", "[1]", "gateway"]`). It is an
 * {@link NlEncodeError}, so one `catch` covers bad input at every level.
 */
export class SpecError extends NlEncodeError {
  constructor(reason: string, path: string[] = []) {
    super(reason, path);
    // NlEncodeError declares its name as a literal; a SpecError says what it is.
    Object.defineProperty(this, 'name', { value: 'SpecError', enumerable: false, configurable: true, writable: false });
  }
}

/** What a request does when sent: completes at the kernel's ACK (`NLM_F_ACK`), streams a dump (`NLM_F_DUMP`), or answers with one object. */
export type RequestKind = 'ack' | 'dump' | 'get';

/** The message names of the rtnl family (`RTM_NEWLINK`, ...). */
export type RtnlMessageName = keyof Rtnl['messages'] & string;

/** Encode input for one of the messages `N` of the rtnl family (a union when `N` is). */
export type RtnlInput<N extends RtnlMessageName = RtnlMessageName> = { [K in N]: InputOf<Rtnl, K> }[N];

/**
 * What every request builder returns: the message (with its `NLM_F_*`
 * modifiers; `NLM_F_REQUEST`, `NLM_F_ACK` and `NLM_F_DUMP` are the sender's
 * to add according to `kind`), how it completes, and a label for errors
 * (`"route add 10.0.0.0/24"`).
 */
export interface RtnlRequest<N extends RtnlMessageName = RtnlMessageName> {
  /** How the request completes: at the kernel's ACK, as a dump (`NLM_F_DUMP`), or with one object. */
  readonly kind: RequestKind;
  /** The message to encode (`RTM_NEWLINK`, ...), with its header, attributes and `NLM_F_*` modifiers. */
  readonly message: RtnlInput<N>;
  /** A label for errors and logs, as `"route add 10.0.0.0/24"`. */
  readonly operation: string;
}

/** `AF_INET`. */
export const AF_INET = 2;
/** `AF_INET6`. */
export const AF_INET6 = 10;

/** An IP address family: by name, or as its `AF_*` number. */
export type IpFamily = 'inet' | 'inet6' | typeof AF_INET | typeof AF_INET6;

/** The `AF_*` number of an {@link IpFamily}. */
export function ipFamilyNumber(family: IpFamily, path: string[]): typeof AF_INET | typeof AF_INET6 {
  if (family === 'inet' || family === AF_INET) return AF_INET;
  if (family === 'inet6' || family === AF_INET6) return AF_INET6;
  throw new SpecError(`family expects "inet", "inet6", 2 or 10, got ${describe(family)}`, path);
}

/** An address with its prefix length, as {@link parsePrefix} reads it. */
export interface Prefix {
  /** `AF_INET` or `AF_INET6`, from the address's form. */
  family: typeof AF_INET | typeof AF_INET6;
  /** The address text as given (without the `/len`). */
  address: string;
  /** The prefix length (`ifa_prefixlen`, `rtm_dst_len`, ...): the `/len` given, else the address's full length. */
  prefixlen: number;
  /** The address's bytes. */
  bytes: Uint8Array;
}

/**
 * Reads `"10.0.0.1/24"`, `"2001:db8::/64"` or a bare address (a host prefix,
 * /32 or /128) into family, address and prefix length.
 *
 * ```ts
 * parsePrefix('10.0.0.0/24', ['route add', 'dst']); // { family: 2, address: '10.0.0.0', prefixlen: 24, ... }
 * ```
 * @throws SpecError when the text is not an IPv4/IPv6 address or prefix.
 */
export function parsePrefix(text: unknown, path: string[]): Prefix {
  if (typeof text !== 'string') throw new SpecError(`expected an address or prefix ("10.0.0.0/24"), got ${describe(text)}`, path);
  const slash = text.indexOf('/');
  const address = slash < 0 ? text : text.slice(0, slash);
  const v4 = parseIPv4(address);
  const bytes = v4 ?? parseIPv6(address);
  if (!bytes) throw new SpecError(`not an IPv4 or IPv6 address: ${describe(text)}`, path);
  const family = v4 ? AF_INET : AF_INET6;
  const max = v4 ? 32 : 128;
  let prefixlen = max;
  if (slash >= 0) {
    const len = text.slice(slash + 1);
    prefixlen = /^\d{1,3}$/.test(len) ? Number(len) : NaN;
    if (!(prefixlen <= max)) throw new SpecError(`prefix length of ${describe(text)} must be 0..${max}`, path);
  }
  return { family, address, prefixlen, bytes };
}

/**
 * Checks that `spec` is an object whose keys are all in `known` (catching a
 * misspelt field before it is silently ignored). @throws SpecError
 */
export function checkSpec(spec: unknown, known: readonly string[], path: string[]): void {
  if (typeof spec !== 'object' || spec === null || Array.isArray(spec)) throw new SpecError(`expected an object, got ${describe(spec)}`, path);
  for (const k of Object.keys(spec)) {
    if ((spec as Record<string, unknown>)[k] !== undefined && !known.includes(k)) {
      throw new SpecError(`unknown field "${k}"; known: ${known.join(', ')}`, path);
    }
  }
}

/** An integer in `min..max`, or a SpecError naming the field. */
export function intField(value: unknown, min: number, max: number, path: string[]): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new SpecError(`expected an integer in ${min}..${max}, got ${describe(value)}`, path);
  }
  return value;
}

/** A device index (`ifindex`): a positive 32-bit integer. */
export function ifindexField(value: unknown, path: string[]): number {
  return intField(value, 1, 0x7fffffff, path);
}

/** The value of a name from a table of numbers, or a number as it is. */
export function namedNumber<T extends Record<string, number>>(value: unknown, table: T, max: number, path: string[]): number {
  if (typeof value === 'number') return intField(value, 0, max, path);
  if (typeof value === 'string' && Object.hasOwn(table, value)) return table[value]!;
  throw new SpecError(`expected one of ${Object.keys(table).join(', ')} or a number, got ${describe(value)}`, path);
}

/** The `NLM_F_*` modifiers of a `RTM_NEW*` command, as iproute2 sets them. */
export const NEW_FLAGS = {
  add: NLM_F.CREATE | NLM_F.EXCL,
  replace: NLM_F.CREATE | NLM_F.REPLACE,
  change: NLM_F.REPLACE,
  append: NLM_F.CREATE | NLM_F.APPEND,
  prepend: NLM_F.CREATE,
} as const;

// ---------------------------------------------------------------------------
// Addresses

/** What {@link addrRequest} can do: `add`/`replace` (`RTM_NEWADDR`), `del` (`RTM_DELADDR`), `dump` (`RTM_GETADDR`). */
export type AddrCommand = 'add' | 'replace' | 'del' | 'dump';

/** `RT_SCOPE_*` by name (`ifa_scope`). */
const SCOPES = { universe: 0, site: 200, link: 253, host: 254, nowhere: 255 } as const;

/** `IFA_F_*` flag names, as {@link AddrSpec.flags} takes them. */
export type AddrFlag = keyof typeof addrFlags;

/** An address's lifetime in seconds, or `'forever'` (`INFINITY_LIFE_TIME`). */
export type Lifetime = number | 'forever';

/**
 * An address to add, replace or delete, with the keywords of `ip address`:
 *
 * ```ts
 * { index: 3, address: '10.0.0.1/24', broadcast: '+', label: 'eth0:1' }
 * { index: 3, address: '2001:db8::1', prefixlen: 64, flags: ['nodad'] }
 * { index: 3, local: '10.9.0.1', address: '10.9.0.2/32' } // point-to-point: `local 10.9.0.1 peer 10.9.0.2/32`
 * ```
 */
export interface AddrSpec {
  /** The device (`ifa_index`). */
  index: number;
  /**
   * `IFA_ADDRESS`: the address, with `/prefixlen` or with {@link prefixlen}
   * (else a host prefix). With {@link local} it is the peer's address of a
   * point-to-point link, as the kernel has it.
   */
  address?: string;
  /** `ifa_prefixlen`, when {@link address} has no `/len`. */
  prefixlen?: number;
  /**
   * `IFA_LOCAL`: this host's address. Defaults to {@link address}, as
   * iproute2 sends both; give it alone (with its `/len`) as `ip address add
   * LOCAL` does, or with `address` as the peer.
   */
  local?: string;
  /**
   * `IFA_BROADCAST`: an IPv4 broadcast address, or `'+'` (all host bits
   * set) or `'-'` (all clear) computed from the prefix, as `brd +`/`brd -`.
   */
  broadcast?: string;
  /** `IFA_ANYCAST`. */
  anycast?: string;
  /** `IFA_LABEL`: an IPv4 label, the device name or `name:suffix`. */
  label?: string;
  /** `ifa_scope`: a `RT_SCOPE_*` name or number. Defaults as iproute2's: `host` for 127.0.0.0/8, else `universe`. */
  scope?: keyof typeof SCOPES | number;
  /** `IFA_F_*` names: `nodad`, `noprefixroute`, `homeaddress`, `managetempaddr`, `mcautojoin`, `optimistic`, ... */
  flags?: AddrFlag[];
  /** `valid_lft` in seconds (`IFA_CACHEINFO.ifa_valid`). Default forever. */
  validLft?: Lifetime;
  /** `preferred_lft` in seconds (`IFA_CACHEINFO.ifa_prefered`). Defaults to {@link validLft}. */
  preferredLft?: Lifetime;
  /** `metric` (`IFA_RT_PRIORITY`): the priority of the prefix route. */
  metric?: number;
  /** `proto` (`IFA_PROTO`): who added the address, a number. */
  proto?: number;
}

/**
 * A filter the kernel applies to an address dump (with
 * `NETLINK_GET_STRICT_CHK`): the family (`ifa_family`) and the device
 * (`ifa_index`).
 */
export interface AddrDumpSpec {
  /** Only addresses of this family (`ifa_family`). */
  family?: IpFamily;
  /** Only addresses of this device (`ifa_index`). */
  index?: number;
}

const ADDR_FIELDS = ['index', 'address', 'prefixlen', 'local', 'broadcast', 'anycast', 'label', 'scope', 'flags', 'validLft', 'preferredLft', 'metric', 'proto'] as const;
const INFINITY_LIFE_TIME = 0xffffffff;

type AddrAttrInput = NonNullable<InputOf<Rtnl, 'RTM_NEWADDR'>['attrs']>;
type AddrHeaderInput = NonNullable<InputOf<Rtnl, 'RTM_NEWADDR'>['header']>;

/**
 * Builds an address request, as `ip address add|replace|del|show` sends it.
 *
 * - `add`: `RTM_NEWADDR` with `NLM_F_CREATE | NLM_F_EXCL`;
 * - `replace`: `RTM_NEWADDR` with `NLM_F_CREATE | NLM_F_REPLACE`;
 * - `del`: `RTM_DELADDR`;
 * - `dump`: `RTM_GETADDR`, filtered in the kernel by family and device.
 *
 * ```ts
 * addrRequest('add', { index: 3, address: '10.0.0.1/24', broadcast: '+' });
 * addrRequest('dump', { family: 'inet6', index: 3 });
 * ```
 * @throws SpecError for a spec that cannot be sent.
 */
export function addrRequest(command: 'dump', spec?: AddrDumpSpec): RtnlRequest<'RTM_GETADDR'>;
export function addrRequest(command: 'add' | 'replace' | 'del', spec: AddrSpec): RtnlRequest<'RTM_NEWADDR' | 'RTM_DELADDR'>;
export function addrRequest(command: AddrCommand, spec?: AddrSpec | AddrDumpSpec): RtnlRequest<'RTM_NEWADDR' | 'RTM_DELADDR' | 'RTM_GETADDR'>;
export function addrRequest(command: AddrCommand, spec: AddrSpec | AddrDumpSpec = {}): RtnlRequest<'RTM_NEWADDR' | 'RTM_DELADDR' | 'RTM_GETADDR'> {
  const op = `address ${command}`;
  if (command === 'dump') {
    const path = [op];
    checkSpec(spec, ['family', 'index'], path);
    const s = spec as AddrDumpSpec;
    const header: AddrHeaderInput = {
      family: s.family === undefined ? 0 : ipFamilyNumber(s.family, [...path, 'family']),
      index: s.index === undefined ? 0 : ifindexField(s.index, [...path, 'index']),
    };
    return { kind: 'dump', operation: op, message: { name: 'RTM_GETADDR', header } };
  }
  if (command !== 'add' && command !== 'replace' && command !== 'del') throw new SpecError(`unknown command ${describe(command)}; known: add, replace, del, dump`, ['address']);
  const s = spec as AddrSpec;
  checkSpec(s, ADDR_FIELDS, [op]);
  // With a peer (`local A peer B/len`) the peer's prefix is the one that counts.
  const lenText = s.address ?? s.local;
  if (lenText === undefined) throw new SpecError('needs an address (or local)', [op]);
  const label = `${op} ${s.local ?? lenText}${s.prefixlen !== undefined && !lenText.includes('/') ? `/${s.prefixlen}` : ''}`;
  const path = [label];
  const index = ifindexField(s.index, [...path, 'index']);

  const local = s.local === undefined ? undefined : parsePrefix(s.local, [...path, 'local']);
  const address = s.address === undefined ? undefined : parsePrefix(s.address, [...path, 'address']);
  const lenFrom = address ?? local!;
  const family = lenFrom.family;
  if (local && address && local.family !== address.family) throw new SpecError('local and address are of different families', path);
  let prefixlen = lenFrom.prefixlen;
  if (s.prefixlen !== undefined) {
    if (lenText.includes('/')) throw new SpecError('prefixlen given twice (in the address and as prefixlen)', [...path, 'prefixlen']);
    prefixlen = intField(s.prefixlen, 0, family === AF_INET ? 32 : 128, [...path, 'prefixlen']);
  }

  const attrs: AddrAttrInput = {};
  attrs.local = (local ?? address!).address;
  attrs.address = (address ?? local!).address;
  if (s.label !== undefined) {
    if (family !== AF_INET) throw new SpecError('labels are for IPv4 addresses', [...path, 'label']);
    attrs.label = s.label;
  }
  if (s.broadcast !== undefined) {
    if (family !== AF_INET) throw new SpecError('broadcast addresses are for IPv4', [...path, 'broadcast']);
    attrs.broadcast = broadcastOf(s.broadcast, attrs.local, prefixlen, [...path, 'broadcast']);
  }
  if (s.anycast !== undefined) {
    if (parsePrefix(s.anycast, [...path, 'anycast']).family !== family) throw new SpecError('anycast is of another family than the address', [...path, 'anycast']);
    attrs.anycast = s.anycast;
  }
  let flags = 0;
  for (const [i, f] of (s.flags ?? []).entries()) {
    if (typeof f !== 'string' || !Object.hasOwn(addrFlags, f)) throw new SpecError(`unknown flag ${describe(f)}; known: ${Object.keys(addrFlags).join(', ')}`, [...path, 'flags', `[${i}]`]);
    flags |= addrFlags[f];
  }
  if (s.validLft !== undefined || s.preferredLft !== undefined) {
    const valid = lifetime(s.validLft ?? 'forever', [...path, 'validLft']);
    const preferred = s.preferredLft === undefined ? valid : lifetime(s.preferredLft, [...path, 'preferredLft']);
    if (preferred > valid) throw new SpecError('preferredLft is longer than validLft', [...path, 'preferredLft']);
    attrs.cacheinfo = { prefered: preferred, valid, cstamp: 0, tstamp: 0 };
  }
  if (s.metric !== undefined) attrs.rtPriority = intField(s.metric, 0, 0xffffffff, [...path, 'metric']);
  if (s.proto !== undefined) attrs.proto = intField(s.proto, 0, 255, [...path, 'proto']);
  // iproute2: the low 8 bits fit ifa_flags; more need IFA_FLAGS (which then carries them all).
  if (flags > 0xff) attrs.flags = flagNames(flags);

  let scope = 0;
  if (s.scope !== undefined) scope = namedNumber(s.scope, SCOPES, 255, [...path, 'scope']);
  else if (command !== 'del' && family === AF_INET && lenFrom.bytes[0] === 127) scope = SCOPES.host;

  const header: AddrHeaderInput = { family, prefixlen, flags: flags <= 0xff ? flags : 0, scope, index };
  const name = command === 'del' ? 'RTM_DELADDR' : 'RTM_NEWADDR';
  const nlFlags = command === 'del' ? 0 : NEW_FLAGS[command];
  return { kind: 'ack', operation: label, message: { name, flags: nlFlags, header, attrs } };
}

function lifetime(v: unknown, path: string[]): number {
  if (v === 'forever') return INFINITY_LIFE_TIME;
  return intField(v, 0, INFINITY_LIFE_TIME, path);
}

function flagNames(bits: number): AddrFlag[] {
  return (Object.keys(addrFlags) as AddrFlag[]).filter((k) => bits & addrFlags[k]);
}

/** The broadcast address of `brd +` / `brd -`, or the given one. */
function broadcastOf(spec: string, local: string, prefixlen: number, path: string[]): string {
  if (spec !== '+' && spec !== '-') {
    if (parsePrefix(spec, path).family !== AF_INET || spec.includes('/')) throw new SpecError(`expected an IPv4 address, "+" or "-", got ${describe(spec)}`, path);
    return spec;
  }
  if (prefixlen >= 31) throw new SpecError(`"${spec}" needs a prefix shorter than /31`, path);
  const b = parseIPv4(local)!;
  const host = (0xffffffff >>> prefixlen) >>> 0;
  let n = ((b[0]! << 24) | (b[1]! << 16) | (b[2]! << 8) | b[3]!) >>> 0;
  n = spec === '+' ? (n | host) >>> 0 : (n & ~host) >>> 0;
  return `${n >>> 24}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}`;
}
