/**
 * `@nlkit/client`: {@link IPRoute}, an rtnetlink client with the keywords of
 * `ip` and `bridge` (and the shape of pyroute2's `IPRoute`), over any nlkit
 * transport. The request builders it uses are `@nlkit/rtnl`'s
 * (`linkRequest`, `routeRequest`, ...), which need no socket.
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
