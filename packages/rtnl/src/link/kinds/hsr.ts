/** `hsr` links (HSR and PRP redundancy): `IFLA_HSR_*` (`<linux/if_link.h>`). */
import { attrs, enumOf, lladdr, u16, u32, u8 } from '@nlkit/core';

/** `HSR_PROTOCOL_*` (`IFLA_HSR_PROTOCOL`). */
export const hsrProtocol = enumOf(u8, { hsr: 0, prp: 1 });

/** `IFLA_HSR_*` (`linkinfo-hsr-attrs`). The ports are ifindexes. */
export const hsrAttrs = attrs('IFLA_HSR_', {
  slave1: { nla: 1, codec: u32 },
  slave2: { nla: 2, codec: u32 },
  multicastSpec: { nla: 3, codec: u8 },
  supervisionAddr: { nla: 4, codec: lladdr },
  seqNr: { nla: 5, codec: u16 },
  version: { nla: 6, codec: u8 },
  protocol: { nla: 7, codec: hsrProtocol },
  interlink: { nla: 8, codec: u32 },
}, { name: 'linkinfo-hsr-attrs' });
