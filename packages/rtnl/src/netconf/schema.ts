import { attrs, s32, struct, u8 } from '@nlkit/core';

/** `struct netconfmsg` (`<linux/netconf.h>`): the one-byte family header of `RTM_*NETCONF`. */
export const netconfmsg = struct('netconfmsg', 'ncm_', { family: u8 });

/** `NETCONFA_IFINDEX_*`: the pseudo-devices `all` (-1) and `default` (-2). */
export const netconfIfindex = { all: -1, default: -2 } as const;

/** `NETCONFA_*`: a device's (or `all`/`default`'s) IP configuration, 0/1 switches and `rp_filter` modes. */
export const netconfAttrs = attrs('NETCONFA_', {
  ifindex: { nla: 1, codec: s32 },
  forwarding: { nla: 2, codec: s32 },
  rpFilter: { nla: 3, codec: s32 },
  mcForwarding: { nla: 4, codec: s32 },
  proxyNeigh: { nla: 5, codec: s32 },
  ignoreRoutesWithLinkdown: { nla: 6, codec: s32 },
  input: { nla: 7, codec: s32 },
  bcForwarding: { nla: 8, codec: s32 },
  forceForwarding: { nla: 9, codec: s32 },
}, { name: 'netconfa-attrs' });

const netconf = { header: netconfmsg, attrs: netconfAttrs } as const;

/** The per-device IP configuration messages (`RTM_NEWNETCONF`/`DELNETCONF`/`GETNETCONF`). */
export const netconfMessages = {
  RTM_NEWNETCONF: { type: 80, ...netconf },
  RTM_DELNETCONF: { type: 81, ...netconf },
  RTM_GETNETCONF: { type: 82, ...netconf },
} as const;
