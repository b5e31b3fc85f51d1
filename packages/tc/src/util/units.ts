/**
 * Rates, sizes and times read as `tc` reads them (iproute2's `get_rate64`,
 * `get_size`, `get_size_and_cell`, `get_time`, `get_linklayer`): the same
 * suffixes, the same case-insensitivity, the same truncation.
 */
import { TC_LINKLAYER } from '../common.js';

/**
 * C `strtod`: the longest leading decimal (or `0x` hexadecimal) number.
 * Returns the value and the rest, or undefined when there is no number.
 * `inf`/`nan` are not accepted (tc would go on to undefined conversions).
 */
export function strtod(s: string): {
  /** The number read. */
  value: number;
  /** The text after it. */
  rest: string;
} | undefined {
  const m = /^[ \t\n\v\f\r]*([+-]?)(?:0[xX]([0-9a-fA-F]+)|(\d+\.?\d*(?:[eE][+-]?\d+)?|\.\d+(?:[eE][+-]?\d+)?))/.exec(s);
  if (!m) return undefined;
  const mag = m[2] !== undefined ? Number.parseInt(m[2], 16) : Number(m[3]);
  return { value: m[1] === '-' ? -mag : mag, rest: s.slice(m[0].length) };
}

/** Rate suffixes and their multipliers to bits per second (iproute2's table; matched ignoring case). */
const RATE_SUFFIXES: readonly (readonly [string, number])[] = [
  ['bit', 1], ['kibit', 1024], ['kbit', 1000], ['mibit', 1024 * 1024], ['mbit', 1e6],
  ['gibit', 1024 * 1024 * 1024], ['gbit', 1e9], ['tibit', 1024 * 1024 * 1024 * 1024], ['tbit', 1e12],
  ['bps', 8], ['kibps', 8 * 1024], ['kbps', 8000], ['mibps', 8 * 1024 * 1024], ['mbps', 8e6],
  ['gibps', 8 * 1024 * 1024 * 1024], ['gbps', 8e9], ['tibps', 8 * 1024 * 1024 * 1024 * 1024], ['tbps', 8e12],
];

function bad(what: string, s: string): never {
  throw new RangeError(`invalid ${what} "${s}"`);
}

/** Bytes per second as a double, before tc's integer conversion. */
function rateBytes(s: string): number {
  const n = strtod(s);
  if (!n) bad('rate', s);
  let bps = n.value;
  if (n.rest !== '') {
    const suffix = RATE_SUFFIXES.find(([name]) => name === n.rest.toLowerCase());
    if (!suffix) bad('rate', s);
    bps *= suffix[1];
  }
  return bps / 8;
}

/**
 * A rate in bytes per second, as tc's `get_rate64`: a number of bits per
 * second with an optional unit (`bit`, `kbit`, `mbit`, `gbit`, `tbit`, the
 * binary `kibit`…`tibit`, and bytes: `bps`, `kbps`, `mbps`, … where `bps`
 * is bytes per second). No unit means bits per second. Case is ignored.
 * Numbers pass through as bytes per second.
 */
export function parseRate(s: string | number | bigint): bigint {
  if (typeof s === 'bigint') return s;
  if (typeof s === 'number') {
    if (!Number.isSafeInteger(s) || s < 0) throw new RangeError(`rate must be a whole number of bytes/s, got ${s}`);
    return BigInt(s);
  }
  const b = rateBytes(s);
  if (!Number.isFinite(b) || b < 0 || b >= 2 ** 64) bad('rate', s);
  return BigInt(Math.trunc(b));
}

/** A rate that must fit 32 bits (tc's `get_rate`, used for `avrate`). */
export function parseRate32(s: string | number): number {
  const b = typeof s === 'number' ? s : rateBytes(s);
  if (!(b >= 0) || Math.trunc(b) > 0xffffffff || Math.trunc(b) !== Math.floor(b)) bad('rate', String(s));
  return Math.trunc(b);
}

/** Size suffixes and their multipliers to bytes (`get_size`; matched ignoring case). */
const SIZE_SUFFIXES: Readonly<Record<string, number>> = {
  kb: 1024, k: 1024, mb: 1024 * 1024, m: 1024 * 1024, gb: 1024 * 1024 * 1024, g: 1024 * 1024 * 1024,
  kbit: 1024 / 8, mbit: (1024 * 1024) / 8, gbit: (1024 * 1024 * 1024) / 8, b: 1,
};

/**
 * A size in bytes, as tc's `get_size`: a number with an optional unit
 * (`b`, `k`/`kb`, `m`/`mb`, `g`/`gb` in powers of 1024, and `kbit`, `mbit`,
 * `gbit` = 128, 131072, 134217728 bytes). Must fit 32 bits.
 */
export function parseSize(s: string | number): number {
  if (typeof s === 'number') {
    if (!Number.isInteger(s) || s < 0 || s > 0xffffffff) throw new RangeError(`size must be a 32-bit byte count, got ${s}`);
    return s;
  }
  const n = strtod(s);
  if (!n) bad('size', s);
  let sz = n.value;
  if (n.rest !== '') {
    const k = n.rest.toLowerCase();
    if (!Object.hasOwn(SIZE_SUFFIXES, k)) bad('size', s);
    sz *= SIZE_SUFFIXES[k]!;
  }
  const v = Math.trunc(sz);
  if (!(sz >= 0) || v > 0xffffffff || v !== Math.floor(sz)) bad('size', s);
  return v;
}

/** A size with an optional cell size (`get_size_and_cell`): `"10kb/8"` → 10240 bytes, cell log 3. */
export function parseSizeAndCell(s: string | number): {
  /** The size in bytes. */
  size: number;
  /** log2 of the cell size, when one was given. */
  cellLog?: number;
} {
  if (typeof s === 'number') return { size: parseSize(s) };
  const slash = s.indexOf('/');
  if (slash < 0) return { size: parseSize(s) };
  const size = parseSize(s.slice(0, slash));
  const cellText = s.slice(slash + 1);
  const cell = parseCInteger(cellText);
  for (let i = 0; i < 32; i++) if (2 ** i === cell) return { size, cellLog: i };
  return bad('cell size', s);
}

/** An integer as C `strtol(s, &end, 0)` reads a whole string: decimal, `0x` hex or leading-zero octal; NaN otherwise. */
function parseCInteger(t: string): number {
  const m = /^([+-]?)(0[xX][0-9a-fA-F]+|0[0-7]*|[1-9]\d*)$/.exec(t);
  if (!m) return NaN;
  const body = m[2]!;
  const v = /^0[xX]/.test(body) ? Number.parseInt(body.slice(2), 16) : body.length > 1 && body[0] === '0' ? Number.parseInt(body, 8) : Number(body);
  return m[1] === '-' ? -v : v;
}

/** Time units and their multipliers to microseconds (`get_time`; matched ignoring case). */
const TIME_SUFFIXES: Readonly<Record<string, number>> = {
  s: 1e6, sec: 1e6, secs: 1e6, ms: 1000, msec: 1000, msecs: 1000, us: 1, usec: 1, usecs: 1,
};

/**
 * A time in microseconds, as tc's `get_time`: a number with an optional unit
 * (`s`/`sec`/`secs`, `ms`/`msec`/`msecs`, `us`/`usec`/`usecs`); no unit means
 * microseconds. Numbers pass through as microseconds.
 */
export function parseTime(s: string | number): number {
  if (typeof s === 'number') {
    if (!Number.isInteger(s) || s < 0 || s > 0xffffffff) throw new RangeError(`time must be whole microseconds, got ${s}`);
    return s;
  }
  const n = strtod(s);
  if (!n) bad('time', s);
  let t = n.value;
  if (n.rest !== '') {
    const k = n.rest.toLowerCase();
    if (!Object.hasOwn(TIME_SUFFIXES, k)) bad('time', s);
    t *= TIME_SUFFIXES[k]!;
  }
  if (!(t >= 0) || t >= 2 ** 32) bad('time', s);
  return Math.trunc(t);
}

/** Time units and their multipliers to nanoseconds (`get_time64`). */
const TIME64_SUFFIXES: Readonly<Record<string, number>> = {
  ...Object.fromEntries(Object.entries(TIME_SUFFIXES).map(([k, v]) => [k, v * 1000])),
  ns: 1, nsec: 1, nsecs: 1,
};

/** A time in nanoseconds, as tc's `get_time64` (no unit means nanoseconds). */
export function parseTime64(s: string | number | bigint): bigint {
  if (typeof s === 'bigint') return s;
  if (typeof s === 'number') return BigInt(s);
  const n = strtod(s);
  if (!n) bad('time', s);
  let t = n.value;
  if (n.rest !== '') {
    const k = n.rest.toLowerCase();
    if (!Object.hasOwn(TIME64_SUFFIXES, k)) bad('time', s);
    t *= TIME64_SUFFIXES[k]!;
  }
  if (!Number.isFinite(t) || Math.abs(t) >= 2 ** 63) bad('time', s);
  return BigInt(Math.trunc(t));
}

/** The link layers a rate table can be computed for (`TC_LINKLAYER_*` less "unaware"). */
export type Linklayer = 'ethernet' | 'atm';

/** tc's `get_linklayer`: any prefix of `ethernet`, `atm` or `adsl` (adsl is atm). */
export function parseLinklayer(s: string): Linklayer {
  if (s !== '' && 'ethernet'.startsWith(s)) return 'ethernet';
  if (s !== '' && ('atm'.startsWith(s) || 'adsl'.startsWith(s))) return 'atm';
  return bad('link layer', s);
}

/** `TC_LINKLAYER_*` of a link layer. */
export function linklayerNumber(l: Linklayer): number {
  return l === 'atm' ? TC_LINKLAYER.ATM : TC_LINKLAYER.ETHERNET;
}
