/**
 * Kernel values written as `tc ... show` writes them (iproute2's
 * `sprint_rate`, `sprint_size`, `sprint_u32_handle`, `ll_proto_n2a`): to
 * print what a dump holds, or to hold a dump up against `tc`'s output.
 */
import { u32HandleParts } from './u32.js';

/**
 * A rate in bytes per second as tc prints it (`sprint_rate`, decimal units):
 * bits per second scaled by 1000 while the value stays whole or exceeds
 * 10^6 of the next unit.
 *
 * ```ts
 * formatRate(3_750_000); // '30Mbit'
 * formatRate(125_000n);  // '1Mbit'
 * formatRate(1_234);     // '9872bit'
 * ```
 */
export function formatRate(bytesPerSecond: number | bigint): string {
  const units = ['', 'K', 'M', 'G', 'T'];
  let rate = BigInt(bytesPerSecond) * 8n;
  let i = 0;
  for (; i < units.length - 1; i++) {
    if (rate < 1000n) break;
    if (rate % 1000n !== 0n && rate < 1_000_000n) break;
    rate /= 1000n;
  }
  return `${rate}${units[i]}bit`;
}

/** C's `%g` for the whole numbers `sprint_size` gives it (up to six significant digits). */
function cG(x: number): string {
  if (Math.abs(x) < 1e6) return String(x);
  const [mant, exp] = x.toExponential(5).split('e') as [string, string];
  const m = mant.replace(/\.?0+$/, '');
  const e = Number(exp);
  return `${m}e${e < 0 ? '-' : '+'}${String(Math.abs(e)).padStart(2, '0')}`;
}

/**
 * A size in bytes as tc prints it (`sprint_size`): `Mb` or `Kb` when the
 * size is within 1024 (resp. 16) bytes of a whole number of them, else bytes.
 *
 * ```ts
 * formatSize(15360); // '15Kb'
 * formatSize(1593);  // '1593b'
 * formatSize(32768); // '32Kb'
 * ```
 */
export function formatSize(bytes: number): string {
  const mb = 1024 * 1024;
  if (bytes >= mb && Math.abs(mb * Math.round(bytes / mb) - bytes) < 1024) return `${cG(roundEven(bytes / mb))}Mb`;
  if (bytes >= 1024 && Math.abs(1024 * Math.round(bytes / 1024) - bytes) < 16) return `${cG(roundEven(bytes / 1024))}Kb`;
  return `${bytes >>> 0}b`;
}

/** C `rint` (ties to even). */
function roundEven(x: number): number {
  const f = Math.floor(x);
  const d = x - f;
  return d > 0.5 || (d === 0.5 && f % 2 !== 0) ? f + 1 : f;
}

/**
 * A u32 filter handle as tc prints it (`sprint_u32_handle`): `HTID:HASH:NODE`
 * in hex with empty parts left out (`800:` a hash table, `800::800` a node,
 * `800:2:1` a node in bucket 2); `none` for 0.
 *
 * ```ts
 * formatU32Handle(0x80000800); // '800::800'
 * formatU32Handle(0x80000000); // '800:'
 * ```
 */
export function formatU32Handle(handle: number): string {
  if (handle === 0) return 'none';
  const { htid, hash, node } = u32HandleParts(handle >>> 0);
  let s = htid ? `${htid.toString(16)}:` : '';
  if (hash) s += hash.toString(16);
  if (node) s += `:${node.toString(16)}`;
  return s;
}

/** Ethertype names as `tc ... show` prints them (iproute2's `llproto_names`). */
const ETHERTYPE_NAMES: Readonly<Record<number, string>> = {
  0x0060: 'loop', 0x0200: 'pup', 0x0201: 'pupat', 0x0800: 'ip', 0x0805: 'x25', 0x0806: 'arp', 0x08ff: 'bpq',
  0x0a00: 'ieeepup', 0x0a01: 'ieeepupat', 0x6000: 'dec', 0x6001: 'dna_dl', 0x6002: 'dna_rc', 0x6003: 'dna_rt',
  0x6004: 'lat', 0x6005: 'diag', 0x6006: 'cust', 0x6007: 'sca', 0x8035: 'rarp', 0x809b: 'atalk', 0x80f3: 'aarp',
  0x8137: 'ipx', 0x86dd: 'ipv6', 0x8863: 'ppp_disc', 0x8864: 'ppp_ses', 0x884c: 'atmmpoa', 0x8884: 'atmfate',
  0x0001: '802_3', 0x0002: 'ax25', 0x0003: 'all', 0x0004: '802_2', 0x0005: 'snap', 0x0006: 'ddcmp', 0x0007: 'wan_ppp',
  0x0008: 'ppp_mp', 0x0009: 'localtalk', 0x0010: 'ppptalk', 0x0011: 'tr_802_2', 0x0015: 'mobitex', 0x0016: 'control',
  0x0017: 'irda', 0x0018: 'econet', 0x88ca: 'tipc', 0x88a2: 'aoe', 0x000c: 'can', 0x8100: '802.1Q', 0x88a8: '802.1ad',
  0x8847: 'mpls_uc', 0x8848: 'mpls_mc', 0x88cc: 'lldp', 0x88f7: '1588', 0x88f8: 'ncsi', 0x8902: 'cfm',
};

/**
 * An ethertype (host order) as tc prints a filter's protocol
 * (`ll_proto_n2a`): its name (`ip`, `ipv6`, `all`, `802.1Q`) or `[N]`.
 *
 * ```ts
 * formatEthertype(0x0800); // 'ip'
 * formatEthertype(0x1234); // '[4660]'
 * ```
 */
export function formatEthertype(ethertype: number): string {
  return ETHERTYPE_NAMES[ethertype] ?? `[${ethertype}]`;
}
