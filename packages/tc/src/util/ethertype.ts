/** Ethernet protocol names as `tc ... protocol NAME` takes them (iproute2's `ll_proto_a2n`). */
const ETHERTYPES: Readonly<Record<string, number>> = {
  '802_3': 0x0001, '802_2': 0x0004, all: 0x0003, loop: 0x0060, ip: 0x0800, arp: 0x0806, rarp: 0x8035,
  '802.1q': 0x8100, '802.1ad': 0x88a8, ipx: 0x8137, ipv6: 0x86dd, ppp_disc: 0x8863, ppp_ses: 0x8864,
  mpls_uc: 0x8847, mpls_mc: 0x8848, lldp: 0x88cc, tipc: 0x88ca, '1588': 0x88f7, ncsi: 0x88f8, cfm: 0x8902,
};

/** `ETH_P_ALL`: every protocol (a filter's default). */
export const ETH_P_ALL = 0x0003;

/** An ethertype in host order from its tc name (`ip`, `ipv6`, `802.1q`, `all`, … ignoring case) or number. */
export function parseEthertype(p: string | number): number {
  if (typeof p === 'number') {
    if (!Number.isInteger(p) || p < 0 || p > 0xffff) throw new RangeError(`ethertype must be 0..0xffff, got ${p}`);
    return p;
  }
  const k = p.toLowerCase();
  if (Object.hasOwn(ETHERTYPES, k)) return ETHERTYPES[k]!;
  const m = /^(0[xX][0-9a-fA-F]+|\d+)$/.exec(p);
  if (m && Number(p) <= 0xffff) return Number(p);
  throw new RangeError(`unknown protocol "${p}"`);
}

/** Whether an ethertype is a VLAN tag (802.1Q or 802.1ad). */
export function isVlanEthertype(t: number): boolean {
  return t === 0x8100 || t === 0x88a8;
}
