/**
 * flower classifier keys from tc's words (iproute2's f_flower.c): each key
 * with the mask tc sends beside it, ports by IP protocol, the ethertype from
 * the filter's protocol.
 */
import type { AttrInput } from '@nlkit/core';
import type { flowerAttrsFor } from '../filter/flower.js';
import { parseClassid, type Handle } from './handle.js';
import { ETH_P_ALL, isVlanEthertype, parseEthertype } from './ethertype.js';
import { matches } from './control.js';

/** `TCA_FLOWER_*` without actions (added by the filter builder). */
export type FlowerAttrsInput = Omit<AttrInput<ReturnType<typeof flowerAttrsFor>['defs']>, 'act'>;

/** The flower keys a request can carry, as tc names them. */
export interface FlowerMatch {
  /** `classid`/`flowid`: the class matching packets go to (`TCA_FLOWER_CLASSID`). */
  classid?: Handle;
  /** `indev NAME`: packets arriving on this device (`TCA_FLOWER_INDEV`). */
  indev?: string;
  /** `skip_hw`: do not offload to hardware (`TCA_CLS_FLAGS_SKIP_HW` in `TCA_FLOWER_FLAGS`). */
  skipHw?: boolean;
  /** `skip_sw`: run in hardware only (`TCA_CLS_FLAGS_SKIP_SW`). */
  skipSw?: boolean;
  /** `verbose`: ask for more detail in offload errors (`TCA_CLS_FLAGS_VERBOSE`). */
  verbose?: boolean;
  /** `aa:bb:cc:dd:ee:ff[/LEN|/MASK]`. */
  dstMac?: string;
  /** `src_mac`: as `dstMac` (`TCA_FLOWER_KEY_ETH_SRC`, `_MASK`). */
  srcMac?: string;
  /** Needs protocol 802.1q or 802.1ad. */
  vlanId?: number;
  /** `vlan_prio`: the 802.1p priority, 0..7 (`TCA_FLOWER_KEY_VLAN_PRIO`); needs protocol 802.1q or 802.1ad. */
  vlanPrio?: number;
  /** The ethertype inside the VLAN tag (then `ipProto` and addresses refer to it). */
  vlanEthType?: string | number;
  /** `tcp`, `udp`, `sctp`, `icmp`, `icmpv6` or a number; needs protocol ip or ipv6. */
  ipProto?: string | number;
  /** `10.0.0.0/8`, `2001:db8::1`. */
  srcIp?: string;
  /** `dst_ip`: as `srcIp` (`TCA_FLOWER_KEY_IPV4_DST`/`IPV6_DST`, with the mask). */
  dstIp?: string;
  /** `80`, `'1024-2048'` (a range), `'80/0xfff0'` (value/mask); needs `ipProto` tcp, udp or sctp. */
  srcPort?: number | string;
  /** `dst_port`: as `srcPort`. */
  dstPort?: number | string;
  /** `VALUE[/MASK]` (`'0x10/0xfc'`). */
  ipTos?: number | string;
  /** `ip_ttl VALUE[/MASK]`: TTL or hop limit (`TCA_FLOWER_KEY_IP_TTL`, `_MASK`). */
  ipTtl?: number | string;
}

function bad(msg: string): never {
  throw new RangeError(`flower: ${msg}`);
}

/** A number as C's `strtoul(…, 0)` reads it (decimal, `0x` hex, `0` octal), within `max`. */
function num(s: string | number, max: number, what: string): number {
  const v = typeof s === 'number' ? s : /^0[xX][0-9a-fA-F]+$/.test(s) ? Number.parseInt(s, 16) : /^0[0-7]+$/.test(s) ? Number.parseInt(s, 8) : /^\d+$/.test(s) ? Number(s) : NaN;
  if (!Number.isInteger(v) || v < 0 || v > max) bad(`invalid ${what} "${s}"`);
  return v;
}

const IPPROTO: Readonly<Record<string, number>> = { tcp: 6, udp: 17, sctp: 132, icmp: 1, icmpv6: 58 };

function ipProtoOf(p: string | number, ethType: number): number {
  if (ethType !== 0x0800 && ethType !== 0x86dd) bad('ip_proto needs protocol ip or ipv6');
  if (typeof p === 'number') return num(p, 0xff, 'ip_proto');
  const name = ['tcp', 'udp', 'sctp', 'icmp', 'icmpv6'].find((n) => matches(p, n));
  if (name === 'icmp' && ethType !== 0x0800) bad('icmp needs protocol ip');
  if (name === 'icmpv6' && ethType !== 0x86dd) bad('icmpv6 needs protocol ipv6');
  if (name) return IPPROTO[name]!;
  // tc reads a bare protocol number in hex.
  if (!/^(0[xX])?[0-9a-fA-F]{1,2}$/.test(p)) bad(`invalid ip_proto "${p}"`);
  return Number.parseInt(p.replace(/^0[xX]/, ''), 16);
}

/** An address and its prefix mask, as `__flower_parse_ip_addr` sends them. */
function ipAndMask(s: string, ethType: number): { v4?: [string, string]; v6?: [string, string] } {
  const [addr, len] = s.split('/', 2) as [string, string | undefined];
  const v6 = addr.includes(':');
  if ((ethType === 0x0800 && v6) || (ethType === 0x86dd && !v6) || (ethType !== 0x0800 && ethType !== 0x86dd && ethType !== 0)) {
    bad(`address ${s} does not fit the protocol`);
  }
  const bits = v6 ? 128 : 32;
  const plen = len === undefined ? bits : num(len, bits, 'prefix length');
  const mask: number[] = [];
  for (let i = 0; i < bits / 8; i++) mask.push(Math.max(0, Math.min(8, plen - 8 * i)));
  const maskBytes = mask.map((b) => (0xff00 >> b) & 0xff);
  if (v6) {
    const words: string[] = [];
    for (let i = 0; i < 16; i += 2) words.push(((maskBytes[i]! << 8) | maskBytes[i + 1]!).toString(16));
    return { v6: [addr, words.join(':')] };
  }
  return { v4: [addr, maskBytes.join('.')] };
}

/** A MAC and its mask (`/LEN` or `/MASK`), as `flower_parse_eth_addr`. */
function macAndMask(s: string): [string, string] {
  const [addr, m] = s.split('/', 2) as [string, string | undefined];
  const hex = /^([0-9a-fA-F]{1,2}:){5}[0-9a-fA-F]{1,2}$/;
  if (!hex.test(addr)) bad(`invalid MAC "${s}"`);
  const norm = (a: string): string => a.split(':').map((x) => x.padStart(2, '0').toLowerCase()).join(':');
  if (m === undefined) return [norm(addr), 'ff:ff:ff:ff:ff:ff'];
  if (hex.test(m)) return [norm(addr), norm(m)];
  const len = num(m, 48, 'MAC prefix length');
  const bytes: string[] = [];
  for (let i = 0; i < 6; i++) bytes.push(((0xff00 >> Math.max(0, Math.min(8, len - 8 * i))) & 0xff).toString(16).padStart(2, '0'));
  return [norm(addr), bytes.join(':')];
}

/** `VALUE[/MASK]` of a u8 key (`ip_tos`, `ip_ttl`). */
function u8AndMask(s: number | string, what: string): [number, number] {
  if (typeof s === 'number') return [num(s, 0xff, what), 0xff];
  const [v, m] = s.split('/', 2) as [string, string | undefined];
  return [num(v, 0xff, what), m === undefined ? 0xff : num(m, 0xff, what)];
}

type PortKeys = 'Tcp' | 'Udp' | 'Sctp';

function ports(out: Record<string, unknown>, p: number | string, ipProto: number | undefined, end: 'Src' | 'Dst'): void {
  const proto: PortKeys | undefined = ipProto === 6 ? 'Tcp' : ipProto === 17 ? 'Udp' : ipProto === 132 ? 'Sctp' : undefined;
  if (!proto) bad(`${end.toLowerCase()}_port needs ip_proto tcp, udp or sctp`);
  const s = String(p);
  const range = /^(\d+)-(\d+)$/.exec(s);
  if (range) {
    const [min, max] = [num(range[1]!, 0xffff, 'port'), num(range[2]!, 0xffff, 'port')];
    if (max <= min) bad('port range max must be greater than min');
    out[`keyPort${end}Min`] = min;
    out[`keyPort${end}Max`] = max;
    return;
  }
  const [v, m] = s.split('/', 2) as [string, string | undefined];
  out[`key${proto}${end}`] = num(v, 0xffff, 'port');
  if (m !== undefined) out[`key${proto}${end}Mask`] = num(m, 0xffff, 'port mask');
}

/**
 * `TCA_FLOWER_*` for `match` on a filter of protocol `protocol` (`ip`, `ipv6`,
 * `802.1q`, `all`, or an ethertype number), as tc sends them: addresses with
 * their masks, `TCA_FLOWER_FLAGS` always, `TCA_FLOWER_KEY_ETH_TYPE` unless the
 * protocol is `all`.
 */
export function flowerAttrsFrom(match: FlowerMatch, protocol: string | number = 'all'): FlowerAttrsInput {
  const tcProto = parseEthertype(protocol);
  const out: Record<string, unknown> = {};
  let ethType = tcProto === ETH_P_ALL ? 0 : tcProto;
  let ipProto: number | undefined;
  if (match.classid !== undefined) out.classid = typeof match.classid === 'number' ? match.classid : parseClassid(match.classid);
  if (match.indev !== undefined) out.indev = match.indev;
  if (match.vlanId !== undefined) {
    if (!isVlanEthertype(tcProto)) bad('vlan_id needs protocol 802.1q or 802.1ad');
    out.keyVlanId = num(match.vlanId, 0xfff, 'vlan_id');
  }
  if (match.vlanPrio !== undefined) {
    if (!isVlanEthertype(tcProto)) bad('vlan_prio needs protocol 802.1q or 802.1ad');
    out.keyVlanPrio = num(match.vlanPrio, 7, 'vlan_prio');
  }
  if (match.vlanEthType !== undefined) {
    if (!isVlanEthertype(tcProto)) bad('vlan_ethtype needs protocol 802.1q or 802.1ad');
    ethType = parseEthertype(match.vlanEthType);
    out.keyVlanEthType = ethType;
  }
  if (match.dstMac !== undefined) [out.keyEthDst, out.keyEthDstMask] = macAndMask(match.dstMac);
  if (match.srcMac !== undefined) [out.keyEthSrc, out.keyEthSrcMask] = macAndMask(match.srcMac);
  if (match.ipProto !== undefined) out.keyIpProto = ipProto = ipProtoOf(match.ipProto, ethType);
  for (const [key, value] of [['Dst', match.dstIp], ['Src', match.srcIp]] as const) {
    if (value === undefined) continue;
    const r = ipAndMask(value, ethType);
    if (r.v4) [out[`keyIpv4${key}`], out[`keyIpv4${key}Mask`]] = r.v4;
    else [out[`keyIpv6${key}`], out[`keyIpv6${key}Mask`]] = r.v6!;
  }
  if (match.dstPort !== undefined) ports(out, match.dstPort, ipProto, 'Dst');
  if (match.srcPort !== undefined) ports(out, match.srcPort, ipProto, 'Src');
  if (match.ipTos !== undefined) [out.keyIpTos, out.keyIpTosMask] = u8AndMask(match.ipTos, 'ip_tos');
  if (match.ipTtl !== undefined) [out.keyIpTtl, out.keyIpTtlMask] = u8AndMask(match.ipTtl, 'ip_ttl');
  const flags: string[] = [];
  if (match.skipHw) flags.push('skipHw');
  if (match.skipSw) flags.push('skipSw');
  if (match.verbose) flags.push('verbose');
  out.flags = flags;
  if (tcProto !== ETH_P_ALL) out.keyEthType = tcProto;
  return out as FlowerAttrsInput;
}
