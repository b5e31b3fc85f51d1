import { attrs, s32, struct, u32, u8 } from '@nlkit/core';

/** `struct rtgenmsg` (`<linux/rtnetlink.h>`): the one-byte family header of `RTM_*NSID`. */
export const rtgenmsg = struct('rtgenmsg', 'rtgen_', { family: u8 });

/** `NETNSA_NSID_NOT_ASSIGNED`: the id of a peer namespace that has none here. */
export const NETNSA_NSID_NOT_ASSIGNED = -1;

/** `NETNSA_*` (`<linux/net_namespace.h>`): a peer namespace and its id. */
export const nsidAttrs = attrs('NETNSA_', {
  nsid: { nla: 1, codec: s32 },
  pid: { nla: 2, codec: u32 },
  fd: { nla: 3, codec: u32 },
  targetNsid: { nla: 4, codec: s32 },
  currentNsid: { nla: 5, codec: s32 },
}, { name: 'netnsa-attrs' });

const nsid = { header: rtgenmsg, attrs: nsidAttrs } as const;

/** The namespace id messages (`RTM_NEWNSID`/`DELNSID`/`GETNSID`). */
export const nsidMessages = {
  RTM_NEWNSID: { type: 88, ...nsid },
  RTM_DELNSID: { type: 89, ...nsid },
  RTM_GETNSID: { type: 90, ...nsid },
} as const;
