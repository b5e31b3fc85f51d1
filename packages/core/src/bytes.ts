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

/**
 * Short byte ranges carved out of shared blocks: a small typed array of its
 * own costs more to make (and to hand to native code, which must move one
 * kept on V8's heap) than filling it. A block is never reused, so a range
 * stays valid as long as anyone holds it; a block is freed with the last
 * range of it. Ranges above a quarter of a block get a block of their own.
 */
export class ByteBlocks {
  /** The current block: {@link reserve} gives offsets into it. */
  bytes = new Uint8Array(0);
  /** A `DataView` of {@link bytes}, to write a reserved range through. */
  view = new DataView(this.bytes.buffer);
  #used = 0;
  /** The current block as 32-bit words, for {@link copyWords}. */
  #words = new Uint32Array(0);
  readonly #blockSize: number;

  constructor(blockSize = 16 * 1024) {
    // Whole words, so that a copy by words never reaches past a block's end.
    this.#blockSize = (blockSize + 7) & ~7;
  }

  /** Room for `size` bytes in {@link bytes} (a fresh block when needed); their offset, 8-byte aligned. */
  reserve(size: number): number {
    if (size > this.#blockSize >> 2) {
      this.#next(size);
      this.#used = size;
      return 0;
    }
    let at = this.#used;
    if (at + size > this.bytes.length) {
      this.#next(this.#blockSize);
      at = 0;
    }
    this.#used = (at + size + 7) & ~7;
    return at;
  }

  /** A copy of `src` in a range of its own. */
  copy(src: Uint8Array): Uint8Array {
    const at = this.reserve(src.length);
    this.bytes.set(src, at);
    return this.bytes.subarray(at, at + src.length);
  }

  /**
   * The first `length` bytes of `words` (in memory order), copied into a
   * range of their own a 32-bit word at a time: for the short copies this is
   * for (ACKs, a few dozen bytes), cheaper than making a view of the source
   * for {@link copy}. `words` must hold `ceil(length / 4)` words. Copies too
   * large for a shared block go through {@link copy}.
   */
  copyWords(words: Uint32Array, length: number): Uint8Array {
    if (length > this.#blockSize >> 2) return this.copy(new Uint8Array(words.buffer, words.byteOffset, length));
    const at = this.reserve(length);
    // Blocks are whole words and ranges start 8-byte aligned: the last word stays inside what was reserved.
    const to = this.#words;
    const base = at >> 2;
    for (let i = 0, n = (length + 3) >> 2; i < n; i++) to[base + i] = words[i]!;
    return this.bytes.subarray(at, at + length);
  }

  #next(size: number): void {
    this.bytes = new Uint8Array(size);
    this.view = new DataView(this.bytes.buffer);
    this.#words = new Uint32Array(this.bytes.buffer, 0, size >> 2);
  }
}
