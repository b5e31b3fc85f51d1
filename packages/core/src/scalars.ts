import { HOST_LE, copyBytes, hexAt, toHex, utf8, utf8At, fromHex } from './bytes.js';
import { badLength, describe, encodeFail, type Codec, type Json } from './codec.js';
import { intLayouts } from './ints.js';

// ---------------------------------------------------------------------------
// Integers

type IntKind = 'u8' | 'u16' | 'u32' | 's8' | 's16' | 's32';

function makeInt(kind: IntKind, bytes: 1 | 2 | 4, signed: boolean, be: boolean): Codec<number> {
  const little = be ? false : HOST_LE;
  const bits = bytes * 8;
  const min = signed ? -(2 ** (bits - 1)) : 0;
  const max = signed ? 2 ** (bits - 1) - 1 : 2 ** bits - 1;
  const get: (v: DataView, o: number) => number =
    bytes === 1 ? (signed ? (v, o) => v.getInt8(o) : (v, o) => v.getUint8(o))
    : bytes === 2 ? (signed ? (v, o) => v.getInt16(o, little) : (v, o) => v.getUint16(o, little))
    : signed ? (v, o) => v.getInt32(o, little) : (v, o) => v.getUint32(o, little);
  // One function per width and signedness (not a shared wrapper around a setter): each call site stays monomorphic.
  const write: (x: number, v: DataView, o: number) => void =
    bytes === 1 ? (signed ? (x, v, o) => v.setInt8(o, x) : (x, v, o) => v.setUint8(o, x))
    : bytes === 2 ? (signed ? (x, v, o) => v.setInt16(o, x, little) : (x, v, o) => v.setUint16(o, x, little))
    : signed ? (x, v, o) => v.setInt32(o, x, little) : (x, v, o) => v.setUint32(o, x, little);
  const name = be ? `${kind}be` : kind;
  const codec: Codec<number> = {
    kind,
    fixed: bytes,
    be,
    info: { min, max, bits, signed },
    size(value) {
      if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
        encodeFail(`${name} expects an integer in ${min}..${max}, got ${describe(value)}`);
      }
      return bytes;
    },
    write,
    read(view, offset, length) {
      if (length !== bytes) badLength(name, bytes, length, offset);
      return get(view, offset);
    },
    json: (v) => v,
  };
  intLayouts.set(codec, { width: bytes, little, shift: 32 - bits, signed });
  return codec;
}

type BigKind = 'u64' | 's64';

function makeBig(kind: BigKind, be: boolean): Codec<bigint, bigint | number> {
  const little = be ? false : HOST_LE;
  const signed = kind === 's64';
  const min = signed ? -(1n << 63n) : 0n;
  const max = signed ? (1n << 63n) - 1n : (1n << 64n) - 1n;
  const name = be ? `${kind}be` : kind;
  return {
    kind,
    fixed: 8,
    be,
    info: { min, max, bits: 64, signed },
    size(value) {
      const ok = typeof value === 'bigint' ? value >= min && value <= max
        : typeof value === 'number' && Number.isSafeInteger(value) && BigInt(value) >= min && BigInt(value) <= max;
      if (!ok) encodeFail(`${name} expects an integer in ${min}..${max} (bigint, or a safe integer number), got ${describe(value)}`);
      return 8;
    },
    write(value, view, offset) {
      const b = BigInt(value);
      if (signed) view.setBigInt64(offset, b, little);
      else view.setBigUint64(offset, b, little);
    },
    read(view, offset, length) {
      if (length !== 8) badLength(name, 8, length, offset);
      return signed ? view.getBigInt64(offset, little) : view.getBigUint64(offset, little);
    },
    json: (v) => v,
  };
}

function pair<T, I>(host: Codec<T, I>, net: Codec<T, I>): [Codec<T, I>, Codec<T, I>] {
  (host as { swapped?: Codec<T, I> }).swapped = net;
  (net as { swapped?: Codec<T, I> }).swapped = host;
  return [host, net];
}

/** Unsigned 8-bit integer. */
export const u8: Codec<number> = makeInt('u8', 1, false, false);
/** Signed 8-bit integer. */
export const s8: Codec<number> = makeInt('s8', 1, true, false);
// Each pair: host byte order, then network byte order (big-endian); each is
// the other's `swapped`, for attributes flagged `NLA_F_NET_BYTEORDER`.
export const [
  /** Unsigned 16-bit integer, host byte order (`NLA_U16`, `__u16`). */
  u16,
  /** Unsigned 16-bit integer, network byte order (`NLA_BE16`, `__be16`). */
  u16be
] = pair(makeInt('u16', 2, false, false), makeInt('u16', 2, false, true));
export const [
  /** Signed 16-bit integer, host byte order (`NLA_S16`, `__s16`). */
  s16,
  /** Signed 16-bit integer, big-endian (network byte order). */
  s16be
] = pair(makeInt('s16', 2, true, false), makeInt('s16', 2, true, true));
export const [
  /** Unsigned 32-bit integer, host byte order (`NLA_U32`, `__u32`). */
  u32,
  /** Unsigned 32-bit integer, network byte order (`NLA_BE32`, `__be32`). */
  u32be
] = pair(makeInt('u32', 4, false, false), makeInt('u32', 4, false, true));
export const [
  /** Signed 32-bit integer, host byte order (`NLA_S32`, `__s32`). */
  s32,
  /** Signed 32-bit integer, big-endian (network byte order). */
  s32be
] = pair(makeInt('s32', 4, true, false), makeInt('s32', 4, true, true));
export const [
  /** Unsigned 64-bit integer, host byte order (`NLA_U64`, `__u64`); decoded as `bigint`, encodes a `bigint` or a safe-integer `number`. */
  u64,
  /** Unsigned 64-bit integer, network byte order (`__be64`); decoded as `bigint`. */
  u64be
] = pair(makeBig('u64', false), makeBig('u64', true));
export const [
  /** Signed 64-bit integer, host byte order (`NLA_S64`, `__s64`); decoded as `bigint`, encodes a `bigint` or a safe-integer `number`. */
  s64,
  /** Signed 64-bit integer, big-endian (network byte order); decoded as `bigint`. */
  s64be
] = pair(makeBig('s64', false), makeBig('s64', true));

/**
 * The kernel's variable-width `NLA_UINT` (`nla_put_uint`): 4 bytes when the
 * value fits, else 8. Decoded as `bigint` so every value has one type.
 */
export const uint: Codec<bigint, bigint | number> = {
  kind: 'uint',
  info: { min: 0n, max: (1n << 64n) - 1n, bits: 64, signed: false },
  size(value) {
    const b = typeof value === 'bigint' ? value : typeof value === 'number' && Number.isSafeInteger(value) ? BigInt(value) : -1n;
    if (b < 0n || b >= 1n << 64n) encodeFail(`uint expects an integer in 0..2^64-1, got ${describe(value)}`);
    return b < 1n << 32n ? 4 : 8;
  },
  write(value, view, offset) {
    const b = BigInt(value);
    if (b < 1n << 32n) view.setUint32(offset, Number(b), HOST_LE);
    else view.setBigUint64(offset, b, HOST_LE);
  },
  read(view, offset, length) {
    if (length === 4) return BigInt(view.getUint32(offset, HOST_LE));
    if (length === 8) return view.getBigUint64(offset, HOST_LE);
    return badLength('uint', '4 or 8', length, offset);
  },
  lossy: true,
  exact: (_v, _o, length, value) => (value < 1n << 32n ? length === 4 : length === 8),
  json: (v) => v,
};

// ---------------------------------------------------------------------------
// Flag, strings, binary

/** `NLA_FLAG`: present (true) or absent; no payload. */
export const flag: Codec<true, true | boolean> = {
  kind: 'flag',
  fixed: 0,
  size(value) {
    if (value !== true && value !== false) encodeFail(`flag expects true, got ${describe(value)}`);
    return 0;
  },
  write() {},
  read(_view, offset, length) {
    if (length !== 0) badLength('flag', 0, length, offset);
    return true;
  },
  json: () => true,
};

/** Options of {@link cstring} and {@link string}. */
export interface StringOptions {
  /** Most bytes the string may have, without the NUL (e.g. 15 for `IFNAMSIZ`). */
  max?: number;
}

/** `NLA_NUL_STRING`/`string`: a NUL-terminated string. Bytes after the first NUL are ignored on decode (and kept for re-encode). */
export function cstring(opts: StringOptions = {}): Codec<string> {
  const max = opts.max;
  return {
    kind: 'string',
    info: { nul: true, max },
    size(value) {
      if (typeof value !== 'string') encodeFail(`string expects a string, got ${describe(value)}`);
      if (value.includes('\0')) encodeFail(`string may not contain NUL: ${describe(value)}`);
      const n = utf8(value).length;
      if (max !== undefined && n > max) encodeFail(`string of ${n} bytes is longer than ${max}: ${describe(value)}`);
      return n + 1;
    },
    write(value, view, offset) {
      const b = utf8(value);
      new Uint8Array(view.buffer, view.byteOffset + offset, b.length + 1).set(b);
      view.setUint8(offset + b.length, 0);
    },
    read(view, offset, length) {
      let n = 0;
      while (n < length && view.getUint8(offset + n) !== 0) n++;
      return utf8At(view, offset, n);
    },
    lossy: true,
    exact(view, offset, length, value) {
      if (length === 0 || view.getUint8(offset + length - 1) !== 0) return false;
      const b = utf8(value);
      if (b.length !== length - 1) return false;
      for (let i = 0; i < b.length; i++) if (view.getUint8(offset + i) !== b[i]) return false;
      return true;
    },
    json: (v) => v,
  };
}

/** A string without a terminating NUL (`NLA_STRING` as some attributes send it). */
export function string(opts: StringOptions = {}): Codec<string> {
  const max = opts.max;
  return {
    kind: 'string',
    info: { nul: false, max },
    size(value) {
      if (typeof value !== 'string') encodeFail(`string expects a string, got ${describe(value)}`);
      const n = utf8(value).length;
      if (max !== undefined && n > max) encodeFail(`string of ${n} bytes is longer than ${max}: ${describe(value)}`);
      return n;
    },
    write(value, view, offset) {
      const b = utf8(value);
      new Uint8Array(view.buffer, view.byteOffset + offset, b.length).set(b);
    },
    read: (view, offset, length) => utf8At(view, offset, length),
    lossy: true,
    exact(view, offset, length, value) {
      const b = utf8(value);
      if (b.length !== length) return false;
      for (let i = 0; i < b.length; i++) if (view.getUint8(offset + i) !== b[i]) return false;
      return true;
    },
    json: (v) => v,
  };
}

/** Options of {@link binary}. */
export interface BinaryOptions {
  /** Exact length, when the payload always has one. */
  len?: number;
  /** Most bytes. */
  max?: number;
}

/** Opaque bytes; `Uint8Array`, printed as lowercase hex in the raw form. */
export function binary(opts: BinaryOptions = {}): Codec<Uint8Array> {
  const { len, max } = opts;
  return {
    kind: 'binary',
    ...(len !== undefined ? { fixed: len } : {}),
    info: { len, max },
    size(value) {
      if (!(value instanceof Uint8Array)) encodeFail(`binary expects a Uint8Array, got ${describe(value)}`);
      if (len !== undefined && value.length !== len) encodeFail(`binary expects ${len} bytes, got ${value.length}`);
      if (max !== undefined && value.length > max) encodeFail(`binary of ${value.length} bytes is longer than ${max}`);
      return value.length;
    },
    write(value, view, offset) {
      new Uint8Array(view.buffer, view.byteOffset + offset, value.length).set(value);
    },
    read(view, offset, length) {
      if (len !== undefined && length !== len) badLength('binary', len, length, offset);
      return copyBytes(view, offset, length);
    },
    json: (v) => toHex(v),
  };
}

/** Opaque bytes of any length: the fallback of kind-dependent payloads and of unknown attributes. */
export const raw: Codec<Uint8Array> = binary();

// ---------------------------------------------------------------------------
// Addresses

const OCTET: readonly string[] = Array.from({ length: 256 }, (_, i) => String(i));
const OCTET_DOT: readonly string[] = OCTET.map((o) => o + '.');
/**
 * Text of the two halves of IPv4 addresses met so far, `"a.b."` by the high
 * 16 bits and `"c.d"` by the low 16 bits: an address is then one
 * concatenation of two shared strings, with no number formatting. Bounded
 * (2 × 65,536 short strings at most).
 */
const V4_HIGH: (string | undefined)[] = new Array(65536);
const V4_LOW: (string | undefined)[] = new Array(65536);

/**
 * The text of recently formatted whole addresses, direct-mapped by a hash of
 * the address: a gateway, a local address or a prefix met on every route of
 * a dump is then one string, not a new one per message.
 */
const V4_RECENT_BITS = 12;
const V4_RECENT_KEY = new Int32Array(1 << V4_RECENT_BITS);
const V4_RECENT_TEXT: (string | undefined)[] = new Array(1 << V4_RECENT_BITS).fill(undefined);

/** Dotted quad of 4 bytes at `offset`. */
export function formatIPv4(view: DataView, offset: number): string {
  const a = view.getInt32(offset, false);
  const slot = Math.imul(a, 0x9e3779b1) >>> (32 - V4_RECENT_BITS);
  const known = V4_RECENT_TEXT[slot];
  if (known !== undefined && V4_RECENT_KEY[slot] === a) return known;
  const hi = (a >>> 16) & 0xffff;
  const lo = a & 0xffff;
  const text = (V4_HIGH[hi] ??= OCTET_DOT[hi >>> 8]! + OCTET_DOT[hi & 255]!) + (V4_LOW[lo] ??= OCTET_DOT[lo >>> 8]! + OCTET[lo & 255]!);
  V4_RECENT_KEY[slot] = a;
  V4_RECENT_TEXT[slot] = text;
  return text;
}

/** IPv6 text of 16 bytes at `offset`, as glibc's `inet_ntop` writes it (RFC 5952, with embedded IPv4 for mapped addresses). */
export function formatIPv6(view: DataView, offset: number): string {
  const w: number[] = new Array(8);
  for (let i = 0; i < 8; i++) w[i] = view.getUint16(offset + 2 * i, false);
  let bestStart = -1;
  let bestLen = 0;
  for (let i = 0; i < 8; ) {
    if (w[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && w[j] === 0) j++;
    if (j - i > bestLen) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  if (bestLen < 2) bestStart = -1;
  if (bestStart === 0 && (bestLen === 6 || (bestLen === 5 && w[5] === 0xffff))) {
    return (bestLen === 6 ? '::' : '::ffff:') + formatIPv4(view, offset + 12);
  }
  let s = '';
  for (let i = 0; i < 8; i++) {
    if (i === bestStart) {
      s += '::';
      i += bestLen - 1;
      continue;
    }
    if (s && !s.endsWith(':')) s += ':';
    s += w[i]!.toString(16);
  }
  return s;
}

/**
 * The 4 bytes of a dotted-quad IPv4 address, or undefined. Strict: four
 * decimal octets, no leading zeros (`010.0.0.1` is ambiguous), nothing else.
 */
export function parseIPv4(s: string): Uint8Array | undefined {
  const w = ipv4Word(s);
  if (w < 0) return undefined;
  const out = new Uint8Array(4);
  out[0] = w >>> 24;
  out[1] = (w >>> 16) & 255;
  out[2] = (w >>> 8) & 255;
  out[3] = w & 255;
  return out;
}

/** A dotted-quad IPv4 address as its 32-bit number (`"10.0.0.1"` → `0x0a000001`), or -1; as strict as {@link parseIPv4}. */
function ipv4Word(s: string): number {
  if (typeof s !== 'string') return -1; // a write not preceded by size may hand anything
  const n = s.length;
  if (n < 7 || n > 15) return -1;
  let word = 0;
  let i = 0;
  for (let part = 0; ; part++) {
    if (i >= n) return -1;
    let v = s.charCodeAt(i++) - 48;
    if (v < 0 || v > 9) return -1;
    if (v !== 0 && i < n) {
      // Up to two more digits; a leading 0 stands alone.
      let d = s.charCodeAt(i) - 48;
      if (d >= 0 && d <= 9) {
        v = v * 10 + d;
        if (++i < n) {
          d = s.charCodeAt(i) - 48;
          if (d >= 0 && d <= 9) {
            v = v * 10 + d;
            i++;
            if (v > 255) return -1;
          }
        }
      }
    }
    word = (word << 8) | v;
    if (part === 3) return i === n ? word >>> 0 : -1;
    if (i >= n || s.charCodeAt(i++) !== 46) return -1;
  }
}

// The last two IPv4 strings met by the encoders and their numbers, the more
// recent first. Encode parses an address in `size` and again in `write`, and
// requests often repeat one (a gateway): those are parsed once.
let v4TextA = '';
let v4WordA = -1;
let v4TextB = '';
let v4WordB = -1;

/** {@link ipv4Word}, remembering the last two addresses. */
function ipv4WordCached(s: string): number {
  if (s === v4TextA) return v4WordA;
  if (s === v4TextB) {
    const w = v4WordB;
    v4TextB = v4TextA;
    v4WordB = v4WordA;
    v4TextA = s;
    v4WordA = w;
    return w;
  }
  const w = ipv4Word(s);
  if (w >= 0) {
    v4TextB = v4TextA;
    v4WordB = v4WordA;
    v4TextA = s;
    v4WordA = w;
  }
  return w;
}

/** The 16 bytes of an IPv6 address in any RFC 4291 text form, or undefined. */
export function parseIPv6(s: string): Uint8Array | undefined {
  if (s.length < 2 || s.length > 45) return undefined;
  let head = s;
  let v4: Uint8Array | undefined;
  const lastColon = s.lastIndexOf(':');
  if (s.indexOf('.', lastColon) >= 0) {
    v4 = parseIPv4(s.slice(lastColon + 1));
    if (!v4) return undefined;
    head = s.slice(0, lastColon + 1) + '0:0';
  }
  const halves = head.split('::');
  if (halves.length > 2) return undefined;
  const parse = (part: string): number[] | undefined => {
    if (part === '') return [];
    const groups = part.split(':');
    const out: number[] = [];
    for (const g of groups) {
      if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return undefined;
      out.push(parseInt(g, 16));
    }
    return out;
  };
  const a = parse(halves[0]!);
  const b = halves.length === 2 ? parse(halves[1]!) : [];
  if (!a || !b) return undefined;
  let words: number[];
  if (halves.length === 2) {
    if (a.length + b.length > 7) return undefined;
    words = [...a, ...new Array(8 - a.length - b.length).fill(0), ...b];
  } else {
    if (a.length !== 8) return undefined;
    words = a;
  }
  const out = new Uint8Array(16);
  for (let i = 0; i < 8; i++) {
    out[2 * i] = words[i]! >> 8;
    out[2 * i + 1] = words[i]! & 0xff;
  }
  if (v4) out.set(v4, 12);
  return out;
}

/** A 4-byte IPv4 address as a dotted-quad string. */
export const ipv4: Codec<string> = {
  kind: 'ipv4',
  fixed: 4,
  size(value) {
    if (typeof value !== 'string' || ipv4WordCached(value) < 0) encodeFail(`ipv4 expects a dotted-quad address, got ${describe(value)}`);
    return 4;
  },
  write(value, view, offset) {
    view.setUint32(offset, ipv4WordCached(value), false);
  },
  read(view, offset, length) {
    if (length !== 4) badLength('ipv4', 4, length, offset);
    return formatIPv4(view, offset);
  },
  json: (v) => v,
};

/** A 16-byte IPv6 address as text. */
export const ipv6: Codec<string> = {
  kind: 'ipv6',
  fixed: 16,
  size(value) {
    if (typeof value !== 'string' || !parseIPv6(value)) encodeFail(`ipv6 expects an IPv6 address, got ${describe(value)}`);
    return 16;
  },
  write(value, view, offset) {
    new Uint8Array(view.buffer, view.byteOffset + offset, 16).set(parseIPv6(value)!);
  },
  read(view, offset, length) {
    if (length !== 16) badLength('ipv6', 16, length, offset);
    return formatIPv6(view, offset);
  },
  json: (v) => v,
};

/** The bytes of an IPv4 or IPv6 address string, or undefined. */
export function parseIP(s: string): Uint8Array | undefined {
  return s.includes(':') ? parseIPv6(s) : parseIPv4(s);
}

/**
 * A family-dependent address (`IFA_ADDRESS`, `RTA_DST`, `NDA_DST`): 4 bytes
 * decode as IPv4 text, 16 bytes as IPv6 text; other lengths (an MPLS label
 * stack, a DECnet address) stay bytes.
 */
export const ip: Codec<string | Uint8Array> = {
  kind: 'ip',
  size(value) {
    if (value instanceof Uint8Array) return value.length;
    if (typeof value !== 'string') encodeFail(`address expects an IPv4/IPv6 string or bytes, got ${describe(value)}`);
    if (ipv4WordCached(value) >= 0) return 4;
    if (!value.includes(':') || !parseIPv6(value)) encodeFail(`not an IPv4 or IPv6 address: ${describe(value)}`);
    return 16;
  },
  write(value, view, offset) {
    if (typeof value === 'string') {
      const w = ipv4WordCached(value);
      if (w >= 0) {
        view.setUint32(offset, w, false);
        return 4;
      }
    }
    const b = value instanceof Uint8Array ? value : parseIPv6(value)!;
    new Uint8Array(view.buffer, view.byteOffset + offset, b.length).set(b);
    return b.length;
  },
  read(view, offset, length) {
    if (length === 4) return formatIPv4(view, offset);
    if (length === 16) return formatIPv6(view, offset);
    return copyBytes(view, offset, length);
  },
  json: (v) => (typeof v === 'string' ? v : toHex(v)),
};

/** A link-layer address (`IFLA_ADDRESS`, `NDA_LLADDR`): bytes as `aa:bb:cc:dd:ee:ff`, of any length. */
export const lladdr: Codec<string> = {
  kind: 'lladdr',
  size(value) {
    if (typeof value !== 'string' || !/^([0-9a-fA-F]{2}(:[0-9a-fA-F]{2})*)?$/.test(value)) {
      encodeFail(`link-layer address expects "aa:bb:cc:dd:ee:ff", got ${describe(value)}`);
    }
    return value.length === 0 ? 0 : (value.length + 1) / 3;
  },
  write(value, view, offset) {
    if (value.length) new Uint8Array(view.buffer, view.byteOffset + offset).set(fromHex(value));
  },
  read(view, offset, length) {
    const h = hexAt(view, offset, length);
    let s = '';
    for (let i = 0; i < h.length; i += 2) s += (i ? ':' : '') + h.slice(i, i + 2);
    return s;
  },
  json: (v) => v,
};

// ---------------------------------------------------------------------------
// Names for numbers

/** Decoded value of an enum: its name when known, else the number. */
export type EnumValue<N extends string> = N | number;

/**
 * An integer with named values (`IF_OPER_UP` → `"up"`). Decodes to the name
 * when known and to the number otherwise; encode takes either.
 */
export function enumOf<const M extends Record<string, number>>(base: Codec<number>, names: M): Codec<EnumValue<keyof M & string>> {
  const byValue = new Map<number, string>();
  for (const [k, v] of Object.entries(names)) if (!byValue.has(v)) byValue.set(v, k);
  const toNumber = (value: unknown): number => {
    if (typeof value === 'number') return value;
    if (typeof value === 'string' && Object.hasOwn(names, value)) return names[value]!;
    return encodeFail(`expected one of ${Object.keys(names).join(', ')} or a number, got ${describe(value)}`);
  };
  return {
    kind: 'enum',
    ...(base.fixed !== undefined ? { fixed: base.fixed } : {}),
    info: { base, names, byValue },
    size: (value, scope) => base.size(toNumber(value), scope),
    write: (value, view, offset, scope) => base.write(toNumber(value), view, offset, scope),
    read(view, offset, length, scope) {
      const n = base.read(view, offset, length, scope);
      return (byValue.get(n) as keyof M & string | undefined) ?? n;
    },
    json: (v) => v,
  };
}

/**
 * A bit set with named bits (`IFF_UP | IFF_RUNNING` → `["up", "running"]`).
 * Decodes to the names of the set bits in ascending bit order, followed by
 * the number of any unnamed bits; encode takes names, numbers or a mix.
 */
export function flagsOf<const M extends Record<string, number>>(base: Codec<number>, bits: M): Codec<Array<(keyof M & string) | number>> {
  const entries = Object.entries(bits).sort((a, b) => a[1] - b[1]);
  const known = entries.reduce((m, [, v]) => (m | v) >>> 0, 0);
  const signed = (base.info as { signed?: boolean } | undefined)?.signed === true && base.fixed === 4;
  const toNumber = (value: unknown): number => {
    if (!Array.isArray(value)) encodeFail(`flags expect an array of names, got ${describe(value)}`);
    let n = 0;
    for (const f of value) {
      if (typeof f === 'number' && Number.isInteger(f) && f >= 0) n = (n | f) >>> 0;
      else if (typeof f === 'string' && Object.hasOwn(bits, f)) n = (n | bits[f]!) >>> 0;
      else encodeFail(`unknown flag ${describe(f)}; known: ${Object.keys(bits).join(', ')}`);
    }
    // A signed base holds bit 31 as the sign.
    return signed && n > 0x7fffffff ? n - 0x100000000 : n;
  };
  return {
    kind: 'flags',
    ...(base.fixed !== undefined ? { fixed: base.fixed } : {}),
    info: { base, bits },
    size: (value, scope) => base.size(toNumber(value), scope),
    write: (value, view, offset, scope) => base.write(toNumber(value), view, offset, scope),
    read(view, offset, length, scope) {
      const n = base.read(view, offset, length, scope) >>> 0;
      const out: Array<(keyof M & string) | number> = [];
      for (const [k, v] of entries) if (v !== 0 && ((n & v) >>> 0) === v) out.push(k as keyof M & string);
      const rest = (n & ~known) >>> 0;
      if (rest) out.push(rest);
      return out;
    },
    json: (v) => v as Json[],
  };
}

/** `NLA_BITFIELD32`: a value and the mask of the bits it sets (`struct nla_bitfield32`). */
export const bitfield32: Codec<{
  /** `value`: the bits to set (of those in `selector`). */
  value: number;
  /** `selector`: the mask of the bits `value` speaks for; others are left alone. */
  selector: number;
}> = {
  kind: 'bitfield32',
  fixed: 8,
  size(v) {
    if (typeof v !== 'object' || v === null) encodeFail(`bitfield32 expects {value, selector}, got ${describe(v)}`);
    u32.size(v.value, undefined);
    u32.size(v.selector, undefined);
    return 8;
  },
  write(v, view, offset) {
    view.setUint32(offset, v.value, HOST_LE);
    view.setUint32(offset + 4, v.selector, HOST_LE);
  },
  read(view, offset, length) {
    if (length !== 8) badLength('bitfield32', 8, length, offset);
    return { value: view.getUint32(offset, HOST_LE), selector: view.getUint32(offset + 4, HOST_LE) };
  },
  json: (v) => ({ value: v.value, selector: v.selector }),
};
