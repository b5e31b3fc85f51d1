import { family } from '@nlkit/core';
import { addrAttrs, ifaddrmsg } from './addr/schema.js';
import { ifinfomsg, linkAttrs } from './link/schema.js';
import { routeAttrs, rtmsg } from './route/schema.js';

/** `RTM_*` message type numbers (`<linux/rtnetlink.h>`). */
export const RTM = {
  NEWLINK: 16, DELLINK: 17, GETLINK: 18, SETLINK: 19,
  NEWADDR: 20, DELADDR: 21, GETADDR: 22,
  NEWROUTE: 24, DELROUTE: 25, GETROUTE: 26,
} as const;

const link = { header: ifinfomsg, attrs: linkAttrs };
const addr = { header: ifaddrmsg, attrs: addrAttrs };
const route = { header: rtmsg, attrs: routeAttrs };

/** The rtnetlink family (`NETLINK_ROUTE`): links, addresses and routes. */
export const rtnl = family('rtnl', 0, {
  RTM_NEWLINK: { type: RTM.NEWLINK, ...link },
  RTM_DELLINK: { type: RTM.DELLINK, ...link },
  RTM_GETLINK: { type: RTM.GETLINK, ...link },
  RTM_SETLINK: { type: RTM.SETLINK, ...link },
  RTM_NEWADDR: { type: RTM.NEWADDR, ...addr },
  RTM_DELADDR: { type: RTM.DELADDR, ...addr },
  RTM_GETADDR: { type: RTM.GETADDR, ...addr },
  RTM_NEWROUTE: { type: RTM.NEWROUTE, ...route },
  RTM_DELROUTE: { type: RTM.DELROUTE, ...route },
  RTM_GETROUTE: { type: RTM.GETROUTE, ...route },
});

/** The rtnl family's type. */
export type Rtnl = typeof rtnl;
