import { family, type Family } from '@nlkit/core';
import { addrMessages } from './addr/schema.js';
import { addrlabelMessages } from './addrlabel/schema.js';
import { ifinfomsg, linkAttrs } from './link/schema.js';
import { mdbMessages } from './mdb/schema.js';
import { neighMessages } from './neigh/schema.js';
import { netconfMessages } from './netconf/schema.js';
import { nexthopMessages } from './nexthop/schema.js';
import { nsidMessages } from './nsid/schema.js';
import { routeMessages } from './route/schema.js';
import { ifStatsMsg, statsAttrs, statsGetsetAttrs } from './stats/index.js';
import { ruleMessages } from './rule/schema.js';
import { vlanMessages } from './vlan/schema.js';

/** `RTM_*LINK` message type numbers (`<linux/rtnetlink.h>`); each object folder exports its own. */
export const RTM = {
  NEWLINK: 16, DELLINK: 17, GETLINK: 18, SETLINK: 19,
  NEWSTATS: 92, GETSTATS: 94, SETSTATS: 95,
  NEWLINKPROP: 108, DELLINKPROP: 109, GETLINKPROP: 110,
} as const;

/** A link message declaration: `struct ifinfomsg` and `IFLA_*`. */
export interface LinkMessageDef<T extends number> {
  /** `nlmsg_type`: one of {@link RTM}'s link numbers. */
  readonly type: T;
  /** `struct ifinfomsg`. */
  readonly header: typeof ifinfomsg;
  /** `IFLA_*`. */
  readonly attrs: typeof linkAttrs;
}

const link = { header: ifinfomsg, attrs: linkAttrs };

/** `RTM_*LINK` and `RTM_*LINKPROP`. */
export const linkMessages: {
  /** `RTM_NEWLINK` (16): create a link, or a link as the kernel reports it. */
  readonly RTM_NEWLINK: LinkMessageDef<16>;
  /** `RTM_DELLINK` (17): delete a link, or the notice that one is gone. */
  readonly RTM_DELLINK: LinkMessageDef<17>;
  /** `RTM_GETLINK` (18): get one link, or dump them all. */
  readonly RTM_GETLINK: LinkMessageDef<18>;
  /** `RTM_SETLINK` (19): change an existing link. */
  readonly RTM_SETLINK: LinkMessageDef<19>;
  /** `RTM_NEWLINKPROP` (108): add alternative names (`IFLA_PROP_LIST`). */
  readonly RTM_NEWLINKPROP: LinkMessageDef<108>;
  /** `RTM_DELLINKPROP` (109): delete alternative names. */
  readonly RTM_DELLINKPROP: LinkMessageDef<109>;
  /** `RTM_GETLINKPROP` (110): declared in `<linux/rtnetlink.h>`; a link's alternative names come back in `RTM_NEWLINK` (`IFLA_PROP_LIST`). */
  readonly RTM_GETLINKPROP: LinkMessageDef<110>;
} = {
  RTM_NEWLINK: { type: RTM.NEWLINK, ...link },
  RTM_DELLINK: { type: RTM.DELLINK, ...link },
  RTM_GETLINK: { type: RTM.GETLINK, ...link },
  RTM_SETLINK: { type: RTM.SETLINK, ...link },
  RTM_NEWLINKPROP: { type: RTM.NEWLINKPROP, ...link },
  RTM_DELLINKPROP: { type: RTM.DELLINKPROP, ...link },
  RTM_GETLINKPROP: { type: RTM.GETLINKPROP, ...link },
};

/** `RTM_*STATS` (`struct if_stats_msg`): replies carry `IFLA_STATS_*`, requests the get/set attributes. */
export const statsMessages = {
  RTM_NEWSTATS: { type: RTM.NEWSTATS, header: ifStatsMsg, attrs: statsAttrs },
  RTM_GETSTATS: { type: RTM.GETSTATS, header: ifStatsMsg, attrs: statsGetsetAttrs },
  RTM_SETSTATS: { type: RTM.SETSTATS, header: ifStatsMsg, attrs: statsGetsetAttrs },
} as const;

/**
 * The rtnetlink family (`NETLINK_ROUTE`): links, addresses, routes, rules,
 * neighbours and fdb, bridge vlans and mdb, nsid, netconf, nexthops and
 * address labels. (`MDB` requests use other attribute meanings than the
 * kernel's messages: see `mdbRequestMessages`.)
 */
export const rtnl: Family<RtnlMessages> = family('rtnl', 0, {
  ...linkMessages,
  ...statsMessages,
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

/** Every rtnl message declaration, by kernel name. */
export type RtnlMessages = typeof linkMessages & typeof statsMessages & typeof addrMessages & typeof routeMessages &
  typeof ruleMessages & typeof neighMessages & typeof addrlabelMessages & typeof netconfMessages & typeof mdbMessages &
  typeof nsidMessages & typeof nexthopMessages & typeof vlanMessages;

/** The type of {@link rtnl}, the `NETLINK_ROUTE` family. */
export type Rtnl = typeof rtnl;
