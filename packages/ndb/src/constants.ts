/**
 * Numbers from `<linux/rtnetlink.h>`, `<linux/if_link.h>`, `<linux/neighbour.h>`
 * and `<linux/fib_rules.h>` that the store reads straight from message bytes.
 */

/** Message types. */
export const RTM = {
  NEWLINK: 16,
  DELLINK: 17,
  NEWADDR: 20,
  DELADDR: 21,
  NEWROUTE: 24,
  DELROUTE: 25,
  NEWNEIGH: 28,
  DELNEIGH: 29,
  NEWRULE: 32,
  DELRULE: 33,
} as const;

/** Multicast groups a source joins (`RTNLGRP_*`). */
export const RTNLGRP = {
  LINK: 1,
  NEIGH: 3,
  IPV4_IFADDR: 5,
  IPV4_ROUTE: 7,
  IPV4_RULE: 8,
  IPV6_IFADDR: 9,
  IPV6_ROUTE: 11,
  IPV6_RULE: 19,
} as const;

export const AF_UNSPEC = 0;
export const AF_INET = 2;
export const AF_BRIDGE = 7;
export const AF_INET6 = 10;

/** `NLM_F_*` modifiers seen on notifications. */
export const NLM_F_REPLACE = 0x100;
export const NLM_F_EXCL = 0x200;
export const NLM_F_CREATE = 0x400;
export const NLM_F_APPEND = 0x800;

/** Fixed header sizes (already 4-aligned). */
export const HDR = {
  link: 16, // struct ifinfomsg
  addr: 8, // struct ifaddrmsg
  route: 12, // struct rtmsg
  rule: 12, // struct fib_rule_hdr
  neigh: 12, // struct ndmsg
} as const;

/** `IFLA_*`. */
export const IFLA = {
  ADDRESS: 1,
  BROADCAST: 2,
  IFNAME: 3,
  MTU: 4,
  LINK: 5,
  STATS: 7,
  MASTER: 10,
  TXQLEN: 13,
  OPERSTATE: 16,
  LINKINFO: 18,
  IFALIAS: 20,
  STATS64: 23,
  GROUP: 27,
} as const;
/** `IFLA_INFO_*`. */
export const IFLA_INFO = { KIND: 1, DATA: 2, SLAVE_KIND: 4, SLAVE_DATA: 5 } as const;

/** `IFF_*` device flags. */
export const IFF = {
  UP: 0x1,
  NOARP: 0x80,
  PROMISC: 0x100,
  ALLMULTI: 0x200,
  MULTICAST: 0x1000,
  LOWER_UP: 0x10000,
  RUNNING: 0x40,
} as const;

/** `IFA_*`. */
export const IFA = { ADDRESS: 1, LOCAL: 2, LABEL: 3, BROADCAST: 4, CACHEINFO: 6, FLAGS: 8 } as const;

/** `RTA_*`. */
export const RTA = {
  DST: 1,
  SRC: 2,
  IIF: 3,
  OIF: 4,
  GATEWAY: 5,
  PRIORITY: 6,
  PREFSRC: 7,
  METRICS: 8,
  MULTIPATH: 9,
  CACHEINFO: 12,
  TABLE: 15,
  VIA: 18,
  ENCAP: 22,
  NH_ID: 30,
} as const;
/** `RTM_F_CLONED`: a cached clone or exception, not a FIB entry. */
export const RTM_F_CLONED = 0x200;
/** `RTNH_F_*` that a route add refuses (the kernel's own bookkeeping). */
export const RTNH_F_DEAD = 0x1;
export const RTNH_F_LINKDOWN = 0x10;
/** `RTPROT_KERNEL`: routes the kernel makes for addresses. */
export const RTPROT_KERNEL = 2;

/** `NDA_*`. */
export const NDA = { DST: 1, LLADDR: 2, VLAN: 5, VNI: 7, MASTER: 9, SRC_VNI: 11 } as const;
/** `NTF_*`. */
export const NTF = { SELF: 0x02, MASTER: 0x04, PROXY: 0x08 } as const;

/** `FRA_*`. */
export const FRA = { PRIORITY: 6, TABLE: 15 } as const;

/** Main routing table. */
export const RT_TABLE_MAIN = 254;
