/**
 * Builders for forwarding database entries: the `header` and `attrs` of an
 * `RTM_NEWNEIGH`/`RTM_DELNEIGH` with `ndm_family` `AF_BRIDGE`, as `bridge fdb
 * add/del` sends them.
 */
import { encodeFail, type AttrInput, type Input } from '@nlkit/core';
import { ndmsg, neighAttrs, neighFlags, neighStates } from '../neigh/schema.js';
import { AF_BRIDGE } from './schema.js';

/** The header and attributes of an FDB request, for `RTM_NEWNEIGH`/`RTM_DELNEIGH`. */
export interface FdbRequest {
  /** `struct ndmsg`: `ndm_family` `AF_BRIDGE`, the port's `ndm_ifindex`, `ndm_state` and `ndm_flags`. */
  header: Input<typeof ndmsg>;
  /** `NDA_*`: `NDA_LLADDR`, and `NDA_DST`, `NDA_VLAN`, `NDA_VNI`, ... as given. */
  attrs: AttrInput<typeof neighAttrs.defs>;
}

/** What an FDB entry is: the `bridge fdb` keywords, as options. */
export interface FdbEntryOptions {
  /** The bridge port or VXLAN device (`dev`). */
  ifindex: number;
  /** The MAC address (`00:00:00:00:00:00` for a VXLAN default destination). */
  lladdr: string;
  /**
   * `permanent` (a local address: `NUD_PERMANENT`), `static` (`NUD_REACHABLE`)
   * or `dynamic` (ages out: `NUD_REACHABLE` without `NUD_NOARP`). `NUD_NOARP`
   * (a static entry) is set unless `dynamic`, as `bridge fdb` does; without
   * `state`, `NUD_NOARP` alone, which the kernel takes as static too.
   */
  state?: 'permanent' | 'static' | 'dynamic';
  /** `self`: the device's own table (`NTF_SELF`); the default when `master` is not set. */
  self?: boolean;
  /** `master`: the bridge's table (`NTF_MASTER`). */
  master?: boolean;
  /** `sticky` (`NTF_STICKY`): the entry does not roam. */
  sticky?: boolean;
  /** `extern_learn` (`NTF_EXT_LEARNED`). */
  externLearn?: boolean;
  /** `vlan` (`NDA_VLAN`). */
  vlan?: number;
  /** `dst` (`NDA_DST`): the remote VTEP of a VXLAN entry. */
  dst?: string;
  /** `port` (`NDA_PORT`): the remote UDP port. */
  port?: number;
  /** `vni` (`NDA_VNI`): the remote VNI. */
  vni?: number;
  /** `src_vni` (`NDA_SRC_VNI`): the VNI of a collect-metadata device. */
  srcVni?: number;
  /** `via` (`NDA_IFINDEX`): the device to reach `dst` through. */
  via?: number;
  /** `nhid` (`NDA_NH_ID`): an FDB nexthop group instead of `dst`. */
  nhId?: number;
}

const STATES = {
  permanent: neighStates.noarp | neighStates.permanent,
  static: neighStates.noarp | neighStates.reachable,
  dynamic: neighStates.reachable,
} as const;

/** An FDB entry request from `bridge fdb`-style options. */
export function fdbEntry(o: FdbEntryOptions): FdbRequest {
  if (typeof o !== 'object' || o === null || typeof o.lladdr !== 'string') encodeFail('fdbEntry needs {ifindex, lladdr, ...}');
  let flags = (o.master ? neighFlags.master : 0) | (o.self || !o.master ? neighFlags.self : 0);
  if (o.sticky) flags |= neighFlags.sticky;
  if (o.externLearn) flags |= neighFlags.extLearned;
  const attrs: FdbRequest['attrs'] = { lladdr: o.lladdr };
  if (o.dst !== undefined) attrs.dst = o.dst;
  if (o.vlan !== undefined) attrs.vlan = o.vlan;
  if (o.nhId !== undefined) attrs.nhId = o.nhId;
  if (o.port !== undefined) attrs.port = o.port;
  if (o.vni !== undefined) attrs.vni = o.vni;
  if (o.srcVni !== undefined) attrs.srcVni = o.srcVni;
  if (o.via !== undefined) attrs.ifindex = o.via;
  const state = o.state === undefined ? neighStates.noarp : STATES[o.state];
  return { header: { family: AF_BRIDGE, ifindex: o.ifindex, state, flags }, attrs };
}

/**
 * A VXLAN remote: frames for `lladdr` (all-zero for the default, flooded
 * destination) go to the VTEP `dst`. Defaults to `self permanent`, as
 * `bridge fdb append 00:00:00:00:00:00 dev vxlan0 dst 10.0.0.5 self permanent`.
 */
export function vxlanRemote(o: Omit<FdbEntryOptions, 'lladdr' | 'dst'> & { dst: string; lladdr?: string }): FdbRequest {
  return fdbEntry({ state: 'permanent', self: true, ...o, lladdr: o.lladdr ?? '00:00:00:00:00:00' });
}
