import { attrs, enumOf, ip, nest, pad, struct, u16, u16be, u32, u8 } from '@nlkit/core';
import { ipValue, uintOf } from '../route/arbitraries.js';
import { routeProtocol } from '../route/schema.js';
import { brMdbEntry, brMdbEntryArbitrary, headed } from './codecs.js';

/** `struct br_port_msg` (`<linux/if_bridge.h>`): the fixed header of `RTM_*MDB`, with its 3 bytes of C padding. */
export const brPortMsg = struct('br_port_msg', '', {
  family: u8,
  _pad: { codec: pad(3), c: '__pad' },
  ifindex: u32,
});

/** `MDB_RTR_TYPE_*`: a port's or VLAN's multicast router mode. */
export const mdbRouterTypes = { disabled: 0, tempQuery: 1, perm: 2, temp: 3 } as const;

/** `MDB_RTR_TYPE_*` as a `u8` attribute. */
export const mdbRouterType = enumOf(u8, mdbRouterTypes);

/** `MCAST_EXCLUDE`/`MCAST_INCLUDE` (`MDBA_MDB_EATTR_GROUP_MODE`, `MDBE_ATTR_GROUP_MODE`). */
export const mdbGroupMode = enumOf(u8, { exclude: 0, include: 1 });

/** `MDBA_MDB_SRCATTR_*`: one source of a (S,G) entry. */
export const mdbSrcAttrs = attrs('MDBA_MDB_SRCATTR_', {
  address: { nla: 1, codec: ip },
  timer: { nla: 2, codec: u32 },
}, { name: 'mdb-src-attrs' });

/** `MDBA_MDB_SRCLIST_*`. */
export const mdbSrcListAttrs = attrs('MDBA_MDB_SRCLIST_', {
  entry: { nla: 1, codec: nest(mdbSrcAttrs), multi: true },
}, { name: 'mdb-src-list-attrs' });

/** `MDBA_MDB_EATTR_*`: what follows `struct br_mdb_entry` in `MDBA_MDB_ENTRY_INFO`. Timers in hundredths of a second. */
export const mdbEntryExtAttrs = attrs('MDBA_MDB_EATTR_', {
  timer: { nla: 1, codec: u32 },
  srcList: { nla: 2, codec: nest(mdbSrcListAttrs) },
  groupMode: { nla: 3, codec: mdbGroupMode },
  source: { nla: 4, codec: ip },
  rtprot: { nla: 5, codec: routeProtocol },
  dst: { nla: 6, codec: ip },
  dstPort: { nla: 7, codec: u16be },
  vni: { nla: 8, codec: u32 },
  ifindex: { nla: 9, codec: u32 },
  srcVni: { nla: 10, codec: u32 },
}, { name: 'mdb-entry-ext-attrs' });

/** `MDBA_MDB_ENTRY_INFO`: `struct br_mdb_entry` followed by `MDBA_MDB_EATTR_*`, as the entry's fields plus `attrs`. */
export const mdbEntryInfo = headed('MDBA_MDB_ENTRY_INFO', brMdbEntry, mdbEntryExtAttrs, (fc, opts) =>
  fc.tuple(
    brMdbEntryArbitrary(fc, opts),
    fc.record({ timer: uintOf(fc, 32), source: ipValue(fc), dstPort: uintOf(fc, 16), vni: uintOf(fc, 32) }, { requiredKeys: [] }),
  ).map(([e, attrs]) => ({ ...e, attrs })));

/** `MDBA_MDB_ENTRY_*`: one group, with an entry per member port. */
export const mdbEntryAttrs = attrs('MDBA_MDB_ENTRY_', {
  info: { nla: 1, codec: mdbEntryInfo, multi: true },
}, { name: 'mdb-entry-attrs' });

/** `MDBA_MDB_*`. */
export const mdbMdbAttrs = attrs('MDBA_MDB_', {
  entry: { nla: 1, codec: nest(mdbEntryAttrs), multi: true },
}, { name: 'mdb-mdb-attrs' });

/** `MDBA_ROUTER_PATTR_*`: what follows the ifindex in `MDBA_ROUTER_PORT`. Timers in hundredths of a second. */
export const mdbRouterPortAttrs = attrs('MDBA_ROUTER_PATTR_', {
  timer: { nla: 1, codec: u32 },
  type: { nla: 2, codec: mdbRouterType },
  inetTimer: { nla: 3, codec: u32 },
  inet6Timer: { nla: 4, codec: u32 },
  vid: { nla: 5, codec: u16 },
}, { name: 'mdb-router-port-attrs' });

/** The `u32` ifindex at the head of `MDBA_ROUTER_PORT` (a bare `__u32`, not a C struct). */
const routerPortHead = struct('mdba_router_port', '', { ifindex: u32 });

/** `MDBA_ROUTER_PORT`: a `u32` ifindex followed by `MDBA_ROUTER_PATTR_*`, as `{ ifindex, attrs }`. */
export const mdbRouterPort = headed('MDBA_ROUTER_PORT', routerPortHead, mdbRouterPortAttrs, (fc) =>
  fc.record({
    ifindex: uintOf(fc, 32),
    attrs: fc.record({
      timer: uintOf(fc, 32),
      type: fc.constantFrom(...(Object.keys(mdbRouterTypes) as (keyof typeof mdbRouterTypes)[])),
      vid: uintOf(fc, 16),
    }, { requiredKeys: [] }),
  }));

/** `MDBA_ROUTER_*`: the multicast router ports (also `BRIDGE_VLANDB_GOPTS_MCAST_ROUTER_PORTS`). */
export const mdbRouterAttrs = attrs('MDBA_ROUTER_', {
  port: { nla: 1, codec: mdbRouterPort, multi: true },
}, { name: 'mdb-router-attrs' });

/** `MDBA_*` (`mdba-attrs`): what the kernel sends in `RTM_NEWMDB`/`RTM_DELMDB` (dumps and notifications). */
export const mdbAttrs = attrs('MDBA_', {
  mdb: { nla: 1, codec: nest(mdbMdbAttrs) },
  router: { nla: 2, codec: nest(mdbRouterAttrs) },
}, { name: 'mdba-attrs' });

/** `MDBE_SRCATTR_*`: one source in a request. */
export const mdbeSrcAttrs = attrs('MDBE_SRCATTR_', {
  address: { nla: 1, codec: ip },
}, { name: 'mdbe-src-attrs' });

/** `MDBE_SRC_LIST_*`. */
export const mdbeSrcListAttrs = attrs('MDBE_SRC_LIST_', {
  entry: { nla: 1, codec: nest(mdbeSrcAttrs), multi: true },
}, { name: 'mdbe-src-list-attrs' });

/** `MDBE_ATTR_*` (`MDBA_SET_ENTRY_ATTRS`, `MDBA_GET_ENTRY_ATTRS`): entry details in a request. */
export const mdbeAttrs = attrs('MDBE_ATTR_', {
  source: { nla: 1, codec: ip },
  srcList: { nla: 2, codec: nest(mdbeSrcListAttrs) },
  groupMode: { nla: 3, codec: mdbGroupMode },
  rtprot: { nla: 4, codec: routeProtocol },
  dst: { nla: 5, codec: ip },
  dstPort: { nla: 6, codec: u16be },
  vni: { nla: 7, codec: u32 },
  ifindex: { nla: 8, codec: u32 },
  srcVni: { nla: 9, codec: u32 },
  stateMask: { nla: 10, codec: u8 },
}, { name: 'mdbe-attrs' });

/** `MDBA_SET_ENTRY_*`: the attributes of `RTM_NEWMDB`/`RTM_DELMDB` requests. */
export const mdbSetAttrs = attrs('MDBA_SET_ENTRY', {
  entry: { nla: 1, codec: brMdbEntry, name: 'MDBA_SET_ENTRY' },
  attrs: { nla: 2, codec: nest(mdbeAttrs), name: 'MDBA_SET_ENTRY_ATTRS' },
}, { name: 'mdba-set-entry-attrs' });

/** `MDBA_GET_ENTRY_*`: the attributes of an `RTM_GETMDB` request for one entry. */
export const mdbGetAttrs = attrs('MDBA_GET_ENTRY', {
  entry: { nla: 1, codec: brMdbEntry, name: 'MDBA_GET_ENTRY' },
  attrs: { nla: 2, codec: nest(mdbeAttrs), name: 'MDBA_GET_ENTRY_ATTRS' },
}, { name: 'mdba-get-entry-attrs' });

/**
 * The multicast database messages as the kernel sends them (dumps and
 * notifications: `MDBA_MDB`, `MDBA_ROUTER`). Requests reuse the type numbers
 * with other attributes (`MDBA_SET_ENTRY`...): see {@link mdbRequestMessages}.
 */
export const mdbMessages = {
  RTM_NEWMDB: { type: 84, header: brPortMsg, attrs: mdbAttrs },
  RTM_DELMDB: { type: 85, header: brPortMsg, attrs: mdbAttrs },
  RTM_GETMDB: { type: 86, header: brPortMsg, attrs: mdbAttrs },
} as const;

/**
 * The multicast database messages as user space sends them (`bridge mdb
 * add/del/get`): the same type numbers as {@link mdbMessages}, whose attribute
 * 1 and 2 mean `MDBA_SET_ENTRY`/`MDBA_SET_ENTRY_ATTRS` in this direction. For
 * a family that encodes requests (or decodes them, from a capture).
 */
export const mdbRequestMessages = {
  RTM_NEWMDB: { type: 84, header: brPortMsg, attrs: mdbSetAttrs },
  RTM_DELMDB: { type: 85, header: brPortMsg, attrs: mdbSetAttrs },
  RTM_GETMDB: { type: 86, header: brPortMsg, attrs: mdbGetAttrs },
} as const;
