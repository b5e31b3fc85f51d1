import { attrs, ipv6, pad, struct, u32, u8 } from '@nlkit/core';

/** `struct ifaddrlblmsg` (`<linux/if_addrlabel.h>`): the fixed header of `RTM_*ADDRLABEL`. */
export const ifaddrlblmsg = struct('ifaddrlblmsg', 'ifal_', {
  family: u8,
  _reserved: { codec: pad(1), c: '__ifal_reserved' },
  prefixlen: u8,
  flags: u8,
  index: u32,
  seq: u32,
});

/** `IFAL_*`: an IPv6 address label (RFC 6724 policy table entry). */
export const addrlabelAttrs = attrs('IFAL_', {
  address: { nla: 1, codec: ipv6 },
  label: { nla: 2, codec: u32 },
}, { name: 'ifal-attrs' });

const addrlabel = { header: ifaddrlblmsg, attrs: addrlabelAttrs } as const;

/** The IPv6 address label messages (`RTM_NEWADDRLABEL`/`DELADDRLABEL`/`GETADDRLABEL`). */
export const addrlabelMessages = {
  RTM_NEWADDRLABEL: { type: 72, ...addrlabel },
  RTM_DELADDRLABEL: { type: 73, ...addrlabel },
  RTM_GETADDRLABEL: { type: 74, ...addrlabel },
} as const;
