/** `macsec` links: `IFLA_MACSEC_*` (`<linux/if_link.h>`, `<linux/if_macsec.h>`). */
import { attrs, binary, enumOf, u16be, u32, u64, u64be, u8 } from '@nlkit/core';

/** `MACSEC_CIPHER_ID_*` values of `IFLA_MACSEC_CIPHER_SUITE`. */
export const MACSEC_CIPHER_ID = {
  GCM_AES_128: 0x0080c20001000001n,
  GCM_AES_256: 0x0080c20001000002n,
  GCM_AES_XPN_128: 0x0080c20001000003n,
  GCM_AES_XPN_256: 0x0080c20001000004n,
  /** The pre-standard id iproute2 and the kernel still accept for GCM-AES-128. */
  DEFAULT: 0x0080020001000001n,
} as const;

/** `MACSEC_VALIDATE_*` (`IFLA_MACSEC_VALIDATION`). */
export const macsecValidation = enumOf(u8, { disabled: 0, check: 1, strict: 2 });

/** `MACSEC_OFFLOAD_*` (`IFLA_MACSEC_OFFLOAD`). */
export const macsecOffload = enumOf(u8, { off: 0, phy: 1, mac: 2 });

/**
 * `IFLA_MACSEC_*` (`linkinfo-macsec-attrs`). The SCI (MAC address and port)
 * and the port are in network byte order.
 */
export const macsecAttrs = attrs('IFLA_MACSEC_', {
  sci: { nla: 1, codec: u64be },
  port: { nla: 2, codec: u16be },
  icvLen: { nla: 3, codec: u8 },
  cipherSuite: { nla: 4, codec: u64 },
  window: { nla: 5, codec: u32 },
  encodingSa: { nla: 6, codec: u8 },
  encrypt: { nla: 7, codec: u8 },
  protect: { nla: 8, codec: u8 },
  incSci: { nla: 9, codec: u8 },
  es: { nla: 10, codec: u8 },
  scb: { nla: 11, codec: u8 },
  replayProtect: { nla: 12, codec: u8 },
  validation: { nla: 13, codec: macsecValidation },
  pad: { nla: 14, codec: binary() },
  offload: { nla: 15, codec: macsecOffload },
}, { name: 'linkinfo-macsec-attrs' });
