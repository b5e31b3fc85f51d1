/**
 * Reading stored records without decoding them: attribute lookup by type
 * number over the bytes, address formatting, and the FNV-1a hash the store
 * indexes by.
 */
import { HOST_LE, formatIPv4, formatIPv6 } from '@nlkit/core';

/** Where a record's payload (the fixed header and the attributes, no `nlmsghdr`) is. */
export interface Loc {
  /** The bytes the record is in (an arena chunk, or a received datagram). */
  b: Uint8Array;
  /** A view of the same bytes. */
  v: DataView;
  /** Offset of the payload in `b`. */
  off: number;
  /** Length of the payload. */
  len: number;
}

/** The length of the attribute {@link findAttr} found last. */
export const found = { len: 0 };

/**
 * The offset (in `r.b`) of the payload of the first top-level attribute
 * of `type` after the fixed header of `hdr` bytes, or -1. Its length is
 * left in {@link found}.len.
 */
export function findAttr(r: Loc, hdr: number, type: number): number {
  const v = r.v;
  const end = r.off + r.len;
  let pos = r.off + hdr;
  while (end - pos >= 4) {
    const alen = v.getUint16(pos, HOST_LE);
    if (alen < 4 || alen > end - pos) return -1;
    if ((v.getUint16(pos + 2, HOST_LE) & 0x3fff) === type) {
      found.len = alen - 4;
      return pos + 4;
    }
    pos += (alen + 3) & ~3;
  }
  return -1;
}

/** A nested lookup: the attribute `type` inside the nest whose payload is at `at` (length `len`). */
export function findNested(r: Loc, at: number, len: number, type: number): number {
  return findAttr({ b: r.b, v: r.v, off: at, len }, 0, type);
}

/** A `u32` attribute, or `dflt` when absent. */
export function attrU32(r: Loc, hdr: number, type: number, dflt: number): number {
  const at = findAttr(r, hdr, type);
  return at >= 0 && found.len >= 4 ? r.v.getUint32(at, HOST_LE) : dflt;
}

/** A NUL-terminated string attribute, or undefined. */
export function attrString(r: Loc, hdr: number, type: number): string | undefined {
  const at = findAttr(r, hdr, type);
  if (at < 0) return undefined;
  let end = at;
  const stop = at + found.len;
  while (end < stop && r.b[end] !== 0) end++;
  return latin(r.b, at, end);
}

function latin(b: Uint8Array, from: number, to: number): string {
  let s = '';
  for (let i = from; i < to; i++) s += String.fromCharCode(b[i]!);
  // Names are ASCII in practice; decode properly when they are not.
  return /[\x80-\xff]/.test(s) ? new TextDecoder().decode(b.subarray(from, to)) : s;
}

/** An IPv4 or IPv6 address attribute as text, or undefined. */
export function attrIp(r: Loc, hdr: number, type: number): string | undefined {
  const at = findAttr(r, hdr, type);
  if (at < 0) return undefined;
  return ipText(r.v, at, found.len);
}

/** An address of 4 or 16 bytes as text (other lengths as hex). */
export function ipText(v: DataView, at: number, len: number): string {
  if (len === 4) return formatIPv4(v, at);
  if (len === 16) return formatIPv6(v, at);
  let s = '';
  for (let i = 0; i < len; i++) s += v.getUint8(at + i).toString(16).padStart(2, '0');
  return s;
}

/** A link-layer address attribute as `aa:bb:...`, or undefined. */
export function attrMac(r: Loc, hdr: number, type: number): string | undefined {
  const at = findAttr(r, hdr, type);
  if (at < 0) return undefined;
  const parts: string[] = [];
  for (let i = 0; i < found.len; i++) parts.push(r.b[at + i]!.toString(16).padStart(2, '0'));
  return parts.join(':');
}

/** True when bytes `a[ao..ao+len)` equal `b[bo..bo+len)`. */
export function sameBytes(a: Uint8Array, ao: number, b: Uint8Array, bo: number, len: number): boolean {
  for (let i = 0; i < len; i++) if (a[ao + i] !== b[bo + i]) return false;
  return true;
}

/** True when the payloads of two records are byte for byte equal. */
export function sameRecord(x: Loc, y: Loc): boolean {
  return x.len === y.len && sameBytes(x.b, x.off, y.b, y.off, x.len);
}

/** True when attribute `type` is absent from both or has equal bytes in both. */
export function sameAttr(x: Loc, y: Loc, hdr: number, type: number): boolean {
  const a = findAttr(x, hdr, type);
  const al = found.len;
  const b = findAttr(y, hdr, type);
  if (a < 0 || b < 0) return a < 0 && b < 0;
  return al === found.len && sameBytes(x.b, a, y.b, b, al);
}

/** FNV-1a over `key[0..len)`. */
export function hashBytes(key: Uint8Array, len: number): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < len; i++) h = Math.imul(h ^ key[i]!, 0x01000193);
  return h | 0;
}

/** Writes `len` bytes of an attribute (or zeros when absent) into `out` at `at`; returns the new end. */
export function putAttr(out: Uint8Array, at: number, r: Loc, hdr: number, type: number, len: number): number {
  const a = findAttr(r, hdr, type);
  if (a >= 0) out.set(r.b.subarray(a, a + Math.min(len, found.len)), at);
  else out.fill(0, at, at + len);
  return at + len;
}

/** Writes a `u32` into `out` at `at` (little-endian: keys are compared, never read back); returns the new end. */
export function putU32(out: Uint8Array, at: number, n: number): number {
  out[at] = n & 255;
  out[at + 1] = (n >>> 8) & 255;
  out[at + 2] = (n >>> 16) & 255;
  out[at + 3] = (n >>> 24) & 255;
  return at + 4;
}
