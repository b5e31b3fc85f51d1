/**
 * The message table batches are encoded and decoded with: every rtnetlink
 * and traffic-control message, which share the `NETLINK_ROUTE` socket.
 */
import { combine, type Family } from '@nlkit/core';
import { rtnl, type RtnlMessages } from '@nlkit/rtnl';
import { tc, type TcMessages } from '@nlkit/tc';

/** Every `NETLINK_ROUTE` message nlkit declares: `@nlkit/rtnl`'s and `@nlkit/tc`'s. */
export type RouteMessages = RtnlMessages & TcMessages;

/**
 * The `NETLINK_ROUTE` family as one decoding table: `rtnl` (links, addresses,
 * routes, rules, neighbours, ...) and `tc` (qdiscs, classes, filters,
 * actions, chains) together, as the kernel's `rtnetlink_rcv_msg` dispatches
 * them. Use it to decode a batch or a capture that mixes both.
 */
export const routeFamily: Family<RouteMessages> = combine('route', rtnl, tc) as unknown as Family<RouteMessages>;
