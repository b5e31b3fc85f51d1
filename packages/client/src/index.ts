/**
 * `@nlkit/client`: {@link IPRoute}, an rtnetlink client with the keywords of
 * `ip` and `bridge` (and the shape of pyroute2's `IPRoute`), over any nlkit
 * transport. The request builders it uses are `@nlkit/rtnl`'s
 * (`linkRequest`, `routeRequest`, ...), which need no socket. Traffic
 * control (`IPRoute.tc`, `getQdiscs`, `getClasses`, `getFilters`,
 * `getActions`) goes over the same socket with `@nlkit/tc`'s builders, and
 * the readers re-exported here give its results in tc's terms (`handleOf`,
 * `htbClassParams`, `filterOptionsOf`, ...).
 *
 * @packageDocumentation
 */
export { IPRoute } from './iproute.js';
export type { AddrSpecIn, FdbSpecIn, IPRouteOptions, LinkSpecIn, Named, NeighSpecIn, OpenOptions, RouteSpecIn, VlanSpecIn } from './iproute.js';
export { bridgeVlans, linkKind, tableOf } from './filters.js';
export type {
  Address, AddrFilter, BridgeVlan, FdbFilter, Filter, Iface, Link, LinkFilter, NeighFilter, Neighbour, Route, RouteFilter, Rule, RuleFilter, VlanFilter,
} from './filters.js';
export { getAttr, getField } from './kernel-names.js';
export type { DecodedMessage } from './kernel-names.js';
export { SpecError } from '@nlkit/rtnl';
export { netlinkRoute } from './tc.js';
export type {
  ActionCommand, ActionRef, ActionSpecIn, ActionSpecOf, ClassCommand, ClassQuery, ClassRef, ClassSpecIn, FilterCommand, FilterQuery, FilterRef,
  FilterSpecIn, KnownActionSpec, KnownClassSpec, KnownFilterSpec, KnownQdiscSpec, NamedFields, NetlinkRoute, NetlinkRouteMessages, OnDevice, Qdisc,
  QdiscCommand, QdiscQuery, QdiscRef, QdiscSpecIn, SpecOfKind, TcAction, TcClass, TcCommand, TcFilter,
} from './tc.js';
export {
  actionIndex, actionOptionsOf, classOptionsOf, classXstatsOf, filterOptionsOf, filterPrio, filterProtocol, filterProtocolName, formatHandle, formatRate,
  formatSize, formatU32Handle, handleOf, htbClassParams, parentOf, qdiscOptionsOf, qdiscXstatsOf, tbfParams,
} from '@nlkit/tc';
export type { HtbClassParams, TbfParams, TcOptionsLike, TcStatsLike } from '@nlkit/tc';
