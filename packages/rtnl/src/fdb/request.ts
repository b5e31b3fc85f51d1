/**
 * Request builders for forwarding database entries of bridges and VXLAN
 * devices (`RTM_NEWNEIGH`/`RTM_DELNEIGH`/`RTM_GETNEIGH` of family
 * `AF_BRIDGE`), as `bridge fdb add|append|replace|del|show` sends them.
 */
import { describe } from '@nlkit/core';
import { NEW_FLAGS, SpecError, checkSpec, ifindexField, intField, parsePrefix, type RtnlRequest } from '../addr/request.js';
import { vlanId } from '../vlan/request.js';
import { fdbEntry, type FdbEntryOptions } from './entry.js';
import { AF_BRIDGE } from './schema.js';

/** What {@link fdbRequest} can do: `add`/`append`/`replace` (`RTM_NEWNEIGH`), `del` (`RTM_DELNEIGH`), `dump` (`RTM_GETNEIGH`), all of family `AF_BRIDGE`. */
export type FdbCommand = 'add' | 'append' | 'replace' | 'del' | 'dump';

/** Which table an entry goes into, and how it behaves: `self` (`NTF_SELF`), `master` (`NTF_MASTER`), `sticky` (`NTF_STICKY`), `externLearn` (`NTF_EXT_LEARNED`). */
export type FdbFlag = 'self' | 'master' | 'sticky' | 'externLearn';

/**
 * A forwarding entry, with the keywords of `bridge fdb`:
 *
 * ```ts
 * { lladdr: '02:00:00:00:00:0a', index: 4, flags: ['master'], state: 'static' }     // on a bridge port
 * { lladdr: '00:00:00:00:00:00', index: 5, dst: '10.0.0.5' }                        // a VXLAN flood remote (append)
 * { lladdr: '02:00:00:00:00:0c', index: 5, dst: '10.0.0.6', vni: 100, port: 4790 }
 * ```
 */
export interface FdbSpec {
  /** The MAC address (`NDA_LLADDR`). */
  lladdr: string;
  /** `dev` (`ndm_ifindex`): the bridge port or VXLAN device. */
  index: number;
  /**
   * `permanent` (`NUD_PERMANENT | NUD_NOARP`: a local address, the default as
   * in `bridge fdb`), `static` (`NUD_REACHABLE | NUD_NOARP`) or `dynamic`
   * (`NUD_REACHABLE`: ages out).
   */
  state?: 'permanent' | 'static' | 'dynamic';
  /**
   * `self` (`NTF_SELF`: the device's own table; the default without
   * `master`), `master` (`NTF_MASTER`: the bridge's table), `sticky`
   * (`NTF_STICKY`), `externLearn` (`NTF_EXT_LEARNED`).
   */
  flags?: FdbFlag[];
  /** `vlan` (`NDA_VLAN`). */
  vlan?: number;
  /** `dst` (`NDA_DST`): a VXLAN remote's IP address. */
  dst?: string;
  /** `vni` (`NDA_VNI`): the remote's VNI. */
  vni?: number;
  /** `port` (`NDA_PORT`): the remote's UDP port. */
  port?: number;
  /** `src_vni` (`NDA_SRC_VNI`). */
  srcVni?: number;
  /** `via` (`NDA_IFINDEX`): the device to reach `dst` through. */
  via?: number;
  /** `nhid` (`NDA_NH_ID`): an FDB nexthop group instead of `dst`. */
  nhId?: number;
}

/** Filters the kernel applies to an FDB dump: the port or VXLAN device (`ndm_ifindex`), the bridge (`NDA_MASTER`). */
export interface FdbDumpSpec {
  /** Only entries of this port or VXLAN device (`ndm_ifindex`). */
  index?: number;
  /** Only entries of the ports of this bridge (`NDA_MASTER`). */
  master?: number;
}

const FDB_FIELDS = ['lladdr', 'index', 'state', 'flags', 'vlan', 'dst', 'vni', 'port', 'srcVni', 'via', 'nhId'] as const;
const FDB_FLAGS: readonly FdbFlag[] = ['self', 'master', 'sticky', 'externLearn'];
const MAC = /^[0-9a-fA-F]{2}(:[0-9a-fA-F]{2}){5}$/;

/**
 * Builds an FDB request, as `bridge fdb` sends it:
 *
 * - `add`: `RTM_NEWNEIGH` (`AF_BRIDGE`) with `NLM_F_CREATE | NLM_F_EXCL`;
 *   `append`: `NLM_F_CREATE | NLM_F_APPEND` (another remote for the same
 *   MAC on a VXLAN device); `replace`: `NLM_F_CREATE | NLM_F_REPLACE`;
 * - `del`: `RTM_DELNEIGH`;
 * - `dump`: `RTM_GETNEIGH` (`AF_BRIDGE`), filtered in the kernel by port and bridge.
 *
 * ```ts
 * fdbRequest('append', { lladdr: '00:00:00:00:00:00', index: 5, dst: '10.0.0.5' });
 * fdbRequest('dump', { master: 3 });
 * ```
 * @throws SpecError for a spec that cannot be sent.
 */
export function fdbRequest(command: 'dump', spec?: FdbDumpSpec): RtnlRequest<'RTM_GETNEIGH'>;
export function fdbRequest(command: Exclude<FdbCommand, 'dump'>, spec: FdbSpec): RtnlRequest<'RTM_NEWNEIGH' | 'RTM_DELNEIGH'>;
export function fdbRequest(command: FdbCommand, spec?: FdbSpec | FdbDumpSpec): RtnlRequest<'RTM_NEWNEIGH' | 'RTM_DELNEIGH' | 'RTM_GETNEIGH'>;
export function fdbRequest(command: FdbCommand, spec: FdbSpec | FdbDumpSpec = {} as FdbDumpSpec): RtnlRequest<'RTM_NEWNEIGH' | 'RTM_DELNEIGH' | 'RTM_GETNEIGH'> {
  if (command === 'dump') {
    const d = spec as FdbDumpSpec;
    const path = ['fdb dump'];
    checkSpec(d, ['index', 'master'], path);
    const attrs: { master?: number } = {};
    if (d.master !== undefined) attrs.master = ifindexField(d.master, [...path, 'master']);
    const ifindex = d.index === undefined ? 0 : ifindexField(d.index, [...path, 'index']);
    return { kind: 'dump', operation: 'fdb dump', message: { name: 'RTM_GETNEIGH', header: { family: AF_BRIDGE, ifindex }, attrs } };
  }
  if (command !== 'del' && command !== 'add' && command !== 'append' && command !== 'replace') {
    throw new SpecError(`unknown command ${describe(command)}; known: add, append, replace, del, dump`, ['fdb']);
  }
  const s = spec as FdbSpec;
  checkSpec(s, FDB_FIELDS, [`fdb ${command}`]);
  const op = `fdb ${command} ${s.lladdr}`;
  const path = [op];
  if (typeof s.lladdr !== 'string' || !MAC.test(s.lladdr)) throw new SpecError(`expected a MAC address, got ${describe(s.lladdr)}`, [...path, 'lladdr']);
  const opts: FdbEntryOptions = { ifindex: ifindexField(s.index, [...path, 'index']), lladdr: s.lladdr, state: s.state ?? 'permanent' };
  if (!['permanent', 'static', 'dynamic'].includes(opts.state!)) throw new SpecError(`expected permanent, static or dynamic, got ${describe(s.state)}`, [...path, 'state']);
  for (const [i, f] of (s.flags ?? []).entries()) {
    if (!FDB_FLAGS.includes(f)) throw new SpecError(`unknown flag ${describe(f)}; known: ${FDB_FLAGS.join(', ')}`, [...path, 'flags', `[${i}]`]);
    opts[f] = true;
  }
  if (s.vlan !== undefined) opts.vlan = vlanId(s.vlan, [...path, 'vlan']);
  if (s.dst !== undefined) {
    parsePrefix(s.dst, [...path, 'dst']);
    if (s.dst.includes('/')) throw new SpecError(`dst is an address, got ${describe(s.dst)}`, [...path, 'dst']);
    opts.dst = s.dst;
  }
  if (s.vni !== undefined) opts.vni = intField(s.vni, 0, 0xffffff, [...path, 'vni']);
  if (s.port !== undefined) opts.port = intField(s.port, 0, 0xffff, [...path, 'port']);
  if (s.srcVni !== undefined) opts.srcVni = intField(s.srcVni, 0, 0xffffff, [...path, 'srcVni']);
  if (s.via !== undefined) opts.via = ifindexField(s.via, [...path, 'via']);
  if (s.nhId !== undefined) opts.nhId = intField(s.nhId, 1, 0xffffffff, [...path, 'nhId']);
  const { header, attrs } = fdbEntry(opts);
  if (command === 'del') return { kind: 'ack', operation: op, message: { name: 'RTM_DELNEIGH', header, attrs } };
  return { kind: 'ack', operation: op, message: { name: 'RTM_NEWNEIGH', flags: NEW_FLAGS[command], header, attrs } };
}
