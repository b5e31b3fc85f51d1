/**
 * u32 classifier selectors from tc's words (`match ip dst 10.0.0.0/8`,
 * `match tcp dst 80 0xffff`, `match u32 VAL MASK at nexthdr+OFF`, …),
 * packed into `struct tc_u32_sel` keys exactly as tc's f_u32.c packs them,
 * and u32 handles (`htid:hash:node`).
 */
import { parseIPv6 } from '@nlkit/core';
import { strtoulHex } from './handle.js';
import { matches } from './control.js';

/** One `struct tc_u32_key`: `val`/`mask` are the big-endian words as numbers (`0x0a000000` for 10.0.0.0). */
export interface U32Key {
  /** `mask`: the bits of the 32-bit word compared. */
  mask: number;
  /** `val`: the value they must have (already masked). */
  val: number;
  /** `off`: offset of the word from the start of the header, bytes. */
  off: number;
  /** 0, or -1 for offsets after `nexthdr+` (relative to the transport header). */
  offmask: number;
}

/** `struct tc_u32_sel` as this package encodes it (`TCA_U32_SEL`). */
export interface U32Sel {
  /** `flags`: `TC_U32_TERMINAL`, `TC_U32_OFFSET`, `TC_U32_VAROFFSET`, `TC_U32_EAT`. */
  flags: ('terminal' | 'offset' | 'varoffset' | 'eat')[];
  /** `offshift`: right shift of the variable offset. */
  offshift: number;
  /** `offmask`: mask of the variable offset (16 bits). */
  offmask: number;
  /** `off`: constant offset to the next header. */
  off: number;
  /** `offoff`: where the variable offset is read. */
  offoff: number;
  /** `hoff`: offset of the word hashed into the linked table. */
  hoff: number;
  /** `hmask`: bits of that word hashed. */
  hmask: number;
  /** The keys (`struct tc_u32_key`), all of which must match. */
  keys: U32Key[];
}

/** `struct tc_u32_mark` (`match mark VAL MASK`). */
export interface U32Mark {
  /** `val`: the firewall mark to match. */
  val: number;
  /** `mask`: the bits of the mark compared. */
  mask: number;
  /** `success`: a counter the kernel keeps (0 when sent). */
  success: number;
}

/** A new, empty selector. */
export function emptySel(): U32Sel {
  return { flags: [], offshift: 0, offmask: 0, off: 0, offoff: 0, hoff: 0, hmask: 0, keys: [] };
}

function bad(msg: string): never {
  throw new RangeError(msg);
}

/** C `strtoul(s, &end, base)` of a whole string, as iproute2's `get_u32` (base 0: decimal, `0x` hex, `0` octal). */
export function getU32(s: string, base: 0 | 10 | 16): number {
  let v: number;
  if (base === 16) {
    const r = strtoulHex(s);
    if (!r || r.rest !== '') return bad(`not a hex number: "${s}"`);
    v = r.value;
  } else {
    const m = /^[ \t\n\v\f\r]*(\+?)(0[xX][0-9a-fA-F]+|0[0-7]*|[1-9]\d*)$/.exec(s);
    if (!m || (base === 10 && /^0[xX]/.test(m[2]!))) return bad(`not a number: "${s}"`);
    const body = m[2]!;
    v = base === 10 ? Number(body) : /^0[xX]/.test(body) ? Number.parseInt(body.slice(2), 16) : body.length > 1 && body[0] === '0' ? Number.parseInt(body, 8) : Number(body);
  }
  if (!(v <= 0xffffffff)) bad(`number out of 32-bit range: "${s}"`);
  return v;
}

/** iproute2's `get_integer(&v, s, 0)`: a signed int in any C base. */
function getInt(s: string): number {
  const m = /^([+-]?)(.*)$/.exec(s)!;
  const v = getU32(m[2]!, 0);
  const n = m[1] === '-' ? -v : v;
  if (n < -(2 ** 31) || n >= 2 ** 31) bad(`number out of int range: "${s}"`);
  return n;
}

/** `pack_key`: add `val/mask` at `off` or merge it into the key already there. */
function packKey(sel: U32Sel, key: number, mask: number, off: number, offmask: number): void {
  const val = (key & mask) >>> 0;
  for (const k of sel.keys) {
    if (k.off === off && k.offmask === offmask) {
      const intersect = (mask & k.mask) >>> 0;
      if (((val ^ k.val) & intersect) >>> 0) bad(`match contradicts an earlier one at offset ${off}`);
      k.val = (k.val | val) >>> 0;
      k.mask = (k.mask | mask) >>> 0;
      return;
    }
  }
  if (sel.keys.length >= 128) bad('more than 128 keys');
  if (off % 4 !== 0) bad(`offset ${off} is not a multiple of 4`);
  sel.keys.push({ mask: mask >>> 0, val, off, offmask });
}

function packKey16(sel: U32Sel, key: number, mask: number, off: number, offmask: number): void {
  if (key > 0xffff || mask > 0xffff) bad('16-bit match value or mask too large');
  const shift = (off & 3) === 0 ? 16 : 0;
  packKey(sel, (key << shift) >>> 0, (mask << shift) >>> 0, off & ~3, offmask);
}

function packKey8(sel: U32Sel, key: number, mask: number, off: number, offmask: number): void {
  if (key > 0xff || mask > 0xff) bad('8-bit match value or mask too large');
  const shift = 24 - 8 * (off & 3);
  packKey(sel, (key << shift) >>> 0, (mask << shift) >>> 0, off & ~3, offmask);
}

/** A cursor over one selector's words. */
class Words {
  i = 0;
  constructor(readonly w: readonly string[], readonly text: string) {}
  next(what: string): string {
    const s = this.w[this.i++];
    if (s === undefined) bad(`"${this.text}": missing ${what}`);
    return s;
  }
  peek(): string | undefined {
    return this.w[this.i];
  }
}

/** `[at [nexthdr+]OFF]` after a value: returns the offset and offmask to use. */
function parseAt(w: Words, off: number, offmask: number): [number, number] {
  if (w.peek() !== 'at') return [off, offmask];
  w.i++;
  let p = w.next('offset');
  let om = offmask;
  if (p.length > 'nexthdr+'.length && p.startsWith('nexthdr+')) {
    om = -1;
    p = p.slice('nexthdr+'.length);
  } else if (matches(p, 'nexthdr+')) {
    om = -1;
    p = w.next('offset');
  }
  return [getInt(p), om];
}

type Width = 32 | 16 | 8;

function parseValue(w: Words, sel: U32Sel, width: Width, off: number, offmask: number): void {
  const key = getU32(w.next('value'), 0);
  const mask = getU32(w.next('mask'), 16);
  if (width === 8 && (key > 0xff || mask > 0xff)) bad('8-bit match value or mask too large');
  const [o, om] = parseAt(w, off, offmask);
  if (width === 32) packKey(sel, key, mask, o, om);
  else if (width === 16) packKey16(sel, key, mask, o, om);
  else packKey8(sel, key, mask, o, om);
}

/** iproute2's `get_addr_ipv4`: one to four dotted parts, each a C number (`10` is 10.0.0.0). */
function parseIPv4Loose(s: string): number | undefined {
  const parts = s.split('.');
  if (parts.length < 1 || parts.length > 4) return undefined;
  let v = 0;
  for (let i = 0; i < 4; i++) {
    let n = 0;
    if (i < parts.length) {
      try {
        n = getU32(parts[i]!, 0);
      } catch {
        return undefined;
      }
      if (n > 255) return undefined;
    }
    v = v * 256 + n;
  }
  return v;
}

/** Prefix length from `/N` or a dotted netmask, as `get_netmask`. */
function prefixLen(s: string, max: number): number {
  if (/^\d+$/.test(s)) {
    if (Number(s) > max) bad(`prefix length ${s} is longer than ${max}`);
    return Number(s);
  }
  const m = max === 32 ? parseIPv4Loose(s) : undefined;
  if (m === undefined) bad(`invalid prefix length "${s}"`);
  const host = ~m >>> 0;
  if ((host & (host + 1)) !== 0) bad(`not a contiguous netmask "${s}"`);
  return Math.clz32(host);
}

function parseIpAddr(w: Words, sel: U32Sel, off: number): void {
  const text = w.next('address');
  const [addr, plen] = text.split('/', 2) as [string, string | undefined];
  let val: number;
  let bits: number;
  if (addr === 'default' || addr === 'any' || addr === 'all') [val, bits] = [0, 0];
  else {
    const v = parseIPv4Loose(addr);
    if (v === undefined) bad(`invalid IPv4 address "${text}"`);
    val = v;
    bits = plen === undefined ? 32 : prefixLen(plen, 32);
  }
  const [o, om] = parseAt(w, off, 0);
  const mask = bits ? (0xffffffff << (32 - bits)) >>> 0 : 0;
  packKey(sel, val, mask, o, om);
}

function parseIp6Addr(w: Words, sel: U32Sel, off: number): void {
  const text = w.next('address');
  const [addr, plen] = text.split('/', 2) as [string, string | undefined];
  let bytes: Uint8Array;
  let bits: number;
  if (addr === 'default' || addr === 'any' || addr === 'all') [bytes, bits] = [new Uint8Array(16), 0];
  else {
    const b = parseIPv6(addr);
    if (!b) bad(`invalid IPv6 address "${text}"`);
    bytes = b;
    bits = plen === undefined ? 128 : prefixLen(plen, 128);
  }
  const [o, om] = parseAt(w, off, 0);
  const view = new DataView(bytes.buffer, bytes.byteOffset, 16);
  for (let i = 0; i < bits; i += 32) {
    const word = view.getUint32(i / 8, false);
    const mask = i + 31 < bits ? 0xffffffff : (0xffffffff << (32 - (bits - i))) >>> 0;
    packKey(sel, word, mask, o + 4 * (i / 32), om);
  }
}

function parseEtherAddr(w: Words, sel: U32Sel, off: number): void {
  const text = w.next('address');
  const parts = text.split(':');
  if (parts.length !== 6 || parts.some((p) => !/^[0-9a-fA-F]{1,2}$/.test(p))) bad(`improperly formed address "${text}"`);
  const [o, om] = parseAt(w, off, 0);
  parts.forEach((p, i) => packKey8(sel, Number.parseInt(p, 16), 0xff, o + i, om));
}

/** The IPv4 header fields tc knows (`match ip …`): offset and width. */
const IP_FIELDS: Readonly<Record<string, [number, Width]>> = {
  tos: [1, 8], ihl: [0, 8], protocol: [9, 8], dport: [22, 16], sport: [20, 16], icmp_type: [20, 8], icmp_code: [21, 8],
};

function parseIp(w: Words, sel: U32Sel): void {
  const f = w.next('field');
  if (f === 'src') return parseIpAddr(w, sel, 12);
  if (f === 'dst') return parseIpAddr(w, sel, 16);
  if (f === 'tos' || matches(f, 'dsfield') || matches(f, 'precedence')) return parseValue(w, sel, 8, 1, 0);
  if (f === 'nofrag') return packKey16(sel, 0, 0x3fff, 6, 0);
  if (f === 'firstfrag') return packKey16(sel, 0x2000, 0x3fff, 6, 0);
  if (f === 'df') return packKey16(sel, 0x4000, 0x4000, 6, 0);
  if (f === 'mf') return packKey16(sel, 0x2000, 0x2000, 6, 0);
  const field = Object.hasOwn(IP_FIELDS, f) ? IP_FIELDS[f] : undefined;
  if (!field) bad(`unknown ip field "${f}"`);
  parseValue(w, sel, field[1], field[0], 0);
}

/** The IPv6 header fields tc knows (`match ip6 …`): offset, width and offmask. */
const IP6_FIELDS: Readonly<Record<string, [number, Width, number]>> = {
  protocol: [6, 8, 0], flowlabel: [0, 32, 0], dport: [42, 16, 0], sport: [40, 16, 0], icmp_type: [40, 8, 0], icmp_code: [41, 8, 1],
};

function parseIp6(w: Words, sel: U32Sel): void {
  const f = w.next('field');
  if (f === 'src') return parseIp6Addr(w, sel, 8);
  if (f === 'dst') return parseIp6Addr(w, sel, 24);
  if (f === 'priority') {
    const key = getU32(w.next('value'), 0);
    const mask = getU32(w.next('mask'), 16);
    if (key > 0xff || mask > 0xff) bad('8-bit match value or mask too large');
    return packKey(sel, (key << 20) >>> 0, (mask << 20) >>> 0, 0, 0);
  }
  const field = Object.hasOwn(IP6_FIELDS, f) ? IP6_FIELDS[f] : undefined;
  if (!field) bad(`unknown ip6 field "${f}"`);
  parseValue(w, sel, field[1], field[0], field[2]);
}

/**
 * Adds one selector (`ip dst 10.0.0.0/8`, `tcp dport 80 0xffff`, `u32 0x1 0xff at 8`,
 * `mark 0x10 0xff`, …: what follows `match` in tc) to `sel`. Returns the mark
 * for `mark` selectors (they go in `TCA_U32_MARK`, not in the keys).
 */
export function addMatch(sel: U32Sel, text: string): U32Mark | undefined {
  const w = new Words(text.trim().split(/\s+/), text);
  const what = w.next('selector');
  if (matches(what, 'u32')) parseValue(w, sel, 32, 0, 0);
  else if (matches(what, 'u16')) parseValue(w, sel, 16, 0, 0);
  else if (matches(what, 'u8')) parseValue(w, sel, 8, 0, 0);
  else if (matches(what, 'ip')) parseIp(w, sel);
  else if (matches(what, 'ip6')) parseIp6(w, sel);
  else if (matches(what, 'udp') || matches(what, 'tcp')) {
    // tc knows `src` and `dst`; `sport`/`dport` are accepted as the same (tc rejects them).
    const f = w.next('field');
    const src = f === 'src' || f === 'sport';
    if (!src && f !== 'dst' && f !== 'dport') bad(`unknown ${what} field "${f}"`);
    parseValue(w, sel, 16, src ? 0 : 2, -1);
  } else if (matches(what, 'icmp')) {
    const f = w.next('field');
    if (f !== 'type' && f !== 'code') bad(`unknown icmp field "${f}"`);
    parseValue(w, sel, 8, f === 'type' ? 0 : 1, -1);
  } else if (matches(what, 'mark')) {
    const val = getU32(w.next('value'), 0);
    const mask = getU32(w.next('mask'), 0);
    if ((val & mask) >>> 0 !== val) bad(`impossible mark ${text}`);
    if (w.peek() !== undefined) bad(`unexpected "${w.peek()}" in "${text}"`);
    return { val, mask, success: 0 };
  } else if (matches(what, 'ether')) {
    const f = w.next('field');
    if (f !== 'src' && f !== 'dst') bad(`unknown ether field "${f}"`);
    parseEtherAddr(w, sel, f === 'src' ? -8 : -14);
  } else bad(`unknown selector "${what}"`);
  if (w.peek() !== undefined) bad(`unexpected "${w.peek()}" in "${text}"`);
  return undefined;
}

/** A selector built from tc's `match` expressions (each string is what follows one `match`). */
export function u32Selector(matchList: readonly string[] | string): {
  /** The selector (`TCA_U32_SEL`). */
  sel: U32Sel;
  /** The `match mark` part (`TCA_U32_MARK`), if any. */
  mark?: U32Mark;
} {
  const sel = emptySel();
  let mark: U32Mark | undefined;
  for (const m of typeof matchList === 'string' ? [matchList] : matchList) {
    const k = addMatch(sel, m);
    if (k) mark = k;
  }
  return mark ? { sel, mark } : { sel };
}

/**
 * A u32 handle as tc's `get_u32_handle` reads it: `HTID:HASH:NODE` in hex
 * (each part optional: `800:`, `1:0:5`, `::5`), or `0x…` taken whole.
 */
export function parseU32Handle(s: string): number {
  if (!s.includes(':')) {
    if (s.startsWith('0x')) return getU32(s, 16);
    return bad(`invalid u32 handle "${s}"`);
  }
  const [a, b = '', c = ''] = s.split(':');
  const part = (p: string, max: number): number => {
    if (p === '') return 0;
    const r = strtoulHex(p);
    if (!r || r.rest !== '' || r.value >= max) bad(`invalid u32 handle "${s}"`);
    return r.value;
  };
  if (s.split(':').length > 3) bad(`invalid u32 handle "${s}"`);
  return ((part(a!, 0x1000) << 20) | (part(b, 0x100) << 12) | part(c, 0x1000)) >>> 0;
}

/** `TC_U32_HTID`, `TC_U32_HASH`, `TC_U32_NODE` of a handle. */
export function u32HandleParts(h: number): {
  /** The hash table id (top 12 bits, shifted down). */
  htid: number;
  /** The bucket (8 bits). */
  hash: number;
  /** The node in the bucket (low 12 bits). */
  node: number;
} {
  return { htid: h >>> 20, hash: (h >>> 12) & 0xff, node: h & 0xfff };
}

/** `u32_hash_fold`: the bucket a sample key falls in (before `% divisor`). */
export function u32HashFold(key: U32Key): number {
  const mask = key.mask >>> 0;
  const shift = mask ? 31 - Math.clz32(mask & -mask) : 0;
  return ((key.val & mask) >>> 0) >>> shift;
}
