/**
 * Teaches the link schema a kind it does not know, without changing nlkit:
 * `ovpn` (Linux 6.16), whose `IFLA_INFO_DATA` holds `IFLA_OVPN_MODE`. The
 * kind tables are passed in (`linkinfoAttrsFor`, `linkAttrsFor`), so a wider
 * family is a few lines. `rtnl` itself keeps such a payload as bytes and
 * re-encodes it unchanged.
 *
 * Run with `node --conditions=@nlkit/source --import tsx examples/extend-rtnl.ts`.
 */
import { attrs, bytesEqual, decodeMessages, encodeMessage, enumOf, family, nest, stringifyRaw, toRaw, u8 } from '@nlkit/core';
import { ifinfomsg, linkAttrsFor, linkDataKinds, linkinfoAttrsFor, linkSlaveDataKinds, rtnl } from '@nlkit/rtnl';

/** `IFLA_OVPN_*` (`<linux/if_link.h>`): the `ovpn` kind's `IFLA_INFO_DATA`. */
const ovpnAttrs = attrs('IFLA_OVPN_', {
  /** `IFLA_OVPN_MODE`: `OVPN_MODE_P2P` or `OVPN_MODE_MP`, a u8. */
  mode: { nla: 1, codec: enumOf(u8, { p2p: 0, mp: 1 }) },
}, { name: 'linkinfo-ovpn-attrs' });

/** `IFLA_*` with every kind nlkit knows, plus `ovpn`. */
const linkAttrsPlus = linkAttrsFor(linkinfoAttrsFor({ ...linkDataKinds, ovpn: nest(ovpnAttrs) }, linkSlaveDataKinds));

/** The link messages over the wider schema. */
const links = family('rtnl-ovpn', 0 /* NETLINK_ROUTE */, {
  RTM_NEWLINK: { type: 16, header: ifinfomsg, attrs: linkAttrsPlus },
});

// `ip link add ovpn0 type ovpn mode mp`, as a message.
const bytes = encodeMessage(links, {
  name: 'RTM_NEWLINK',
  flags: 0x605, // NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL
  seq: 1,
  attrs: { ifname: 'ovpn0', linkinfo: { kind: 'ovpn', data: { mode: 'mp' } } },
});

const [wide] = decodeMessages(links, bytes);
if (wide?.name === 'RTM_NEWLINK') console.log('with ovpn:', JSON.stringify(wide.attrs.linkinfo?.data));
console.log(stringifyRaw(toRaw(links, wide!)));

// rtnl does not know the kind: the payload stays bytes, and nothing is lost.
const [plain] = decodeMessages(rtnl, bytes);
if (plain?.name === 'RTM_NEWLINK') console.log('without:', plain.attrs.linkinfo?.data instanceof Uint8Array ? 'bytes' : 'decoded');
console.log(stringifyRaw(toRaw(rtnl, plain!)));
console.log(`re-encoded by rtnl unchanged: ${bytesEqual(encodeMessage(rtnl, plain as never), bytes)}`);
