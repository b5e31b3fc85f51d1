/** Byte helpers over `Uint8Array`/`DataView` only, so the codec runs in browsers. */

/** True when this host is little-endian. Netlink uses host byte order; resolved once. */
export const HOST_LE: boolean = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** `NLA_ALIGN`/`NLMSG_ALIGN`: round up to a multiple of 4. */
export function align4(n: number): number {
  return (n + 3) & ~3;
}

/** A DataView over exactly the bytes of `b` (no copy). */
export function viewOf(b: Uint8Array): DataView {
  return new DataView(b.buffer, b.byteOffset, b.byteLength);
}

const HEX: string[] = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

/** Lowercase hex of `length` bytes at `offset`. */
export function hexAt(view: DataView, offset: number, length: number): string {
  let s = '';
  for (let i = 0; i < length; i++) s += HEX[view.getUint8(offset + i)];
  return s;
}

/** Lowercase hex of a byte array. */
export function toHex(b: Uint8Array): string {
  let s = '';
  for (let i = 0; i < b.length; i++) s += HEX[b[i]!];
  return s;
}

/** Bytes of a hex string; spaces, colons and newlines between byte pairs are ignored. Throws `TypeError` on bad input. */
export function fromHex(hex: string): Uint8Array {
  const clean = hex.replace(/[\s:]/g, '');
  if (clean.length % 2 !== 0 || /[^0-9a-fA-F]/.test(clean)) throw new TypeError(`not a hex byte string: ${hex.slice(0, 40)}`);
  const out = new Uint8Array(clean.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(clean.substr(i * 2, 2), 16);
  return out;
}

/** Copy of `length` bytes at `offset`. */
export function copyBytes(view: DataView, offset: number, length: number): Uint8Array {
  return new Uint8Array(view.buffer.slice(view.byteOffset + offset, view.byteOffset + offset + length));
}

/** Byte-wise equality. */
export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Concatenate byte arrays. */
export function concatBytes(parts: readonly Uint8Array[]): Uint8Array {
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new Uint8Array(n);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: false });

/** UTF-8 bytes of a string. */
export function utf8(s: string): Uint8Array {
  return encoder.encode(s);
}

/** UTF-8 text of bytes at `offset`; pure-ASCII runs are decoded without TextDecoder. */
export function utf8At(view: DataView, offset: number, length: number): string {
  if (length <= 32) {
    let s = '';
    for (let i = 0; i < length; i++) {
      const c = view.getUint8(offset + i);
      if (c >= 0x80) return decoder.decode(new Uint8Array(view.buffer, view.byteOffset + offset, length));
      s += String.fromCharCode(c);
    }
    return s;
  }
  return decoder.decode(new Uint8Array(view.buffer, view.byteOffset + offset, length));
}
