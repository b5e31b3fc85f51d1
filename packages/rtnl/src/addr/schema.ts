import { attrs, cstring, enumOf, flagsOf, ip, s32, struct, u32, u8 } from '@nlkit/core';

/** `struct ifaddrmsg` (`<linux/if_addr.h>`): the fixed header of `RTM_*ADDR` (and of the multicast/anycast dumps). */
export const ifaddrmsg = struct('ifaddrmsg', 'ifa_', {
  family: u8,
  prefixlen: u8,
  /** The low 8 `IFA_F_*` bits; `IFA_FLAGS` carries all of them. */
  flags: u8,
  /** `RT_SCOPE_*`. */
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

/** `IFA_F_*`: address flags (`IFA_FLAGS`, and the low 8 in `ifa_flags`). `secondary` is also `IFA_F_TEMPORARY`. */
export const addrFlags = {
  secondary: 0x01, nodad: 0x02, optimistic: 0x04, dadfailed: 0x08, homeaddress: 0x10, deprecated: 0x20,
  tentative: 0x40, permanent: 0x80, managetempaddr: 0x100, noprefixroute: 0x200, mcautojoin: 0x400, stablePrivacy: 0x800,
} as const;

/** `IFA_FLAGS`: `IFA_F_*` as names. */
export const ifaFlags = flagsOf(u32, addrFlags);

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

const addr = { header: ifaddrmsg, attrs: addrAttrs } as const;

/**
 * The address messages: `RTM_NEWADDR`/`DELADDR`/`GETADDR`, and the IPv6
 * multicast and anycast address dumps and notifications
 * (`RTM_*MULTICAST` 56-58 with `IFA_MULTICAST`, `RTM_*ANYCAST` 60-62 with
 * `IFA_ANYCAST`; the dump replies carry the `RTM_GET*` type).
 */
export const addrMessages = {
  RTM_NEWADDR: { type: 20, ...addr },
  RTM_DELADDR: { type: 21, ...addr },
  RTM_GETADDR: { type: 22, ...addr },
  RTM_NEWMULTICAST: { type: 56, ...addr },
  RTM_DELMULTICAST: { type: 57, ...addr },
  RTM_GETMULTICAST: { type: 58, ...addr },
  RTM_NEWANYCAST: { type: 60, ...addr },
  RTM_DELANYCAST: { type: 61, ...addr },
  RTM_GETANYCAST: { type: 62, ...addr },
} as const;
