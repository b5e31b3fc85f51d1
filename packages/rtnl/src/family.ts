import { family } from '@nlkit/core';
import { addrMessages } from './addr/schema.js';
import { addrlabelMessages } from './addrlabel/schema.js';
import { ifinfomsg, linkAttrs } from './link/schema.js';
import { mdbMessages } from './mdb/schema.js';
import { neighMessages } from './neigh/schema.js';
import { netconfMessages } from './netconf/schema.js';
import { nexthopMessages } from './nexthop/schema.js';
import { nsidMessages } from './nsid/schema.js';
import { routeMessages } from './route/schema.js';
import { ruleMessages } from './rule/schema.js';
import { vlanMessages } from './vlan/schema.js';

/** `RTM_*LINK` message type numbers (`<linux/rtnetlink.h>`); each object folder exports its own. */
export const RTM = { NEWLINK: 16, DELLINK: 17, GETLINK: 18, SETLINK: 19 } as const;

const link = { header: ifinfomsg, attrs: linkAttrs };

/** `RTM_*LINK`. */
export const linkMessages = {
  RTM_NEWLINK: { type: RTM.NEWLINK, ...link },
  RTM_DELLINK: { type: RTM.DELLINK, ...link },
  RTM_GETLINK: { type: RTM.GETLINK, ...link },
  RTM_SETLINK: { type: RTM.SETLINK, ...link },
} as const;

/**
 * The rtnetlink family (`NETLINK_ROUTE`): links, addresses, routes, rules,
 * neighbours and fdb, bridge vlans and mdb, nsid, netconf, nexthops and
 * address labels. (`MDB` requests use other attribute meanings than the
 * kernel's messages: see `mdbRequestMessages`.)
 */
export const rtnl = family('rtnl', 0, {
  ...linkMessages,
  ...addrMessages,
  ...routeMessages,
  ...ruleMessages,
  ...neighMessages,
  ...addrlabelMessages,
  ...netconfMessages,
  ...mdbMessages,
  ...nsidMessages,
  ...nexthopMessages,
  ...vlanMessages,
});

/** The rtnl family's type. */
export type Rtnl = typeof rtnl;
