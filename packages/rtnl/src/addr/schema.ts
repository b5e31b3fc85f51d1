import { attrs, cstring, flagsOf, ip, s32, struct, u32, u8, enumOf } from '@nlkit/core';

/** `struct ifaddrmsg` (`<linux/if_addr.h>`): the fixed header of `RTM_*ADDR`. */
export const ifaddrmsg = struct('ifaddrmsg', 'ifa_', {
  family: u8,
  prefixlen: u8,
  flags: u8,
  scope: u8,
  index: u32,
});

/** `struct ifa_cacheinfo` (`IFA_CACHEINFO`): lifetimes in seconds, stamps in hundredths of seconds. */
export const ifaCacheinfo = struct('ifa_cacheinfo', '', {
  prefered: { codec: u32, c: 'ifa_prefered' },
  valid: { codec: u32, c: 'ifa_valid' },
  cstamp: u32,
  tstamp: u32,
});

/** `IFA_F_*` address flags (`IFA_FLAGS`, and the low 8 in `ifa_flags`). */
export const ifaFlags = flagsOf(u32, {
  secondary: 0x01, nodad: 0x02, optimistic: 0x04, dadfailed: 0x08, homeaddress: 0x10, deprecated: 0x20,
  tentative: 0x40, permanent: 0x80, managetempaddr: 0x100, noprefixroute: 0x200, mcautojoin: 0x400, stablePrivacy: 0x800,
});

/** `IFAPROT_*` (`IFA_PROTO`): who added the address. */
export const ifaProto = enumOf(u8, { unspec: 0, kernelLo: 1, kernelRa: 2, kernelLl: 3 });

/** `IFA_*` (`addr-attrs`). */
export const addrAttrs = attrs('IFA_', {
  address: { nla: 1, codec: ip },
  local: { nla: 2, codec: ip },
  label: { nla: 3, codec: cstring({ max: 15 }) },
  broadcast: { nla: 4, codec: ip },
  anycast: { nla: 5, codec: ip },
  cacheinfo: { nla: 6, codec: ifaCacheinfo },
  multicast: { nla: 7, codec: ip },
  flags: { nla: 8, codec: ifaFlags },
  rtPriority: { nla: 9, codec: u32 },
  targetNetnsid: { nla: 10, codec: s32 },
  proto: { nla: 11, codec: ifaProto },
}, { name: 'addr-attrs' });
