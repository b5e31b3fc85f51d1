/**
 * The compact store behind every view: the kernel's own message payloads,
 * packed into an arena of fixed-size chunks, with per-record bookkeeping
 * in typed arrays and an open-addressing hash index over a key read from
 * the bytes. No object per record: a route costs its payload (about 52
 * bytes for `10.1.2.0/24 via 10.0.0.1`) plus 26 bytes of index.
 */
import { hashBytes, type Loc } from './bytes.js';

/** Bytes per arena chunk. Records are never split; a bigger one gets a chunk of its own. */
const CHUNK = 64 * 1024;
const EMPTY = -1;
const TOMB = -2;
/** Room for the key material of any kind. */
export const KEY_MAX = 96;

/** How one kind of object is keyed. */
export interface Keying {
  /** Writes the key material of the record at `r` into `out` and returns its length (at most {@link KEY_MAX}). */
  key(r: Loc, out: Uint8Array): number;
}

/**
 * Records of one kind, each a payload (fixed header and attributes, as the
 * kernel sent them) at a slot number. Records with the same key form a
 * chain (routes of one prefix in one table with different metrics, say);
 * {@link first} finds a chain's head, {@link next} walks it.
 *
 * Slot numbers stay valid until the record is removed; a slot may be reused
 * afterwards. A record's bytes never change where they are: replacing a
 * record writes the new bytes elsewhere, so a {@link clone} shares the
 * chunks safely.
 */
export class RecordTable {
  readonly keying: Keying;
  #chunks: Uint8Array[] = [];
  #views: DataView[] = [];
  /** The chunk being filled, and how far. */
  #cur = -1;
  #fill = CHUNK;
  #cap = 0;
  #chunkOf: Uint32Array = new Uint32Array(0);
  #offOf: Uint32Array = new Uint32Array(0);
  /** Payload length; 0 marks a free slot. */
  #lenOf: Uint32Array = new Uint32Array(0);
  #hashOf: Int32Array = new Int32Array(0);
  /** Next slot of the chain, or of the free list. */
  #nextOf: Int32Array = new Int32Array(0);
  #free = -1;
  #used = 0;
  #count = 0;
  #buckets: Int32Array = new Int32Array(0);
  #heads = 0;
  #tombs = 0;
  #liveBytes = 0;
  #garbage = 0;
  /** Changes when records move (compaction): cached locations from before are stale. */
  epoch = 0;
  /** Changes whenever a record is added, replaced or removed. */
  version = 0;
  #frozen = false;
  readonly #key = new Uint8Array(KEY_MAX);
  readonly #key2 = new Uint8Array(KEY_MAX);
  readonly #probe: Loc = { b: new Uint8Array(0), v: new DataView(new ArrayBuffer(0)), off: 0, len: 0 };

  constructor(keying: Keying) {
    this.keying = keying;
  }

  /** Live records. */
  get size(): number {
    return this.#count;
  }

  /** One past the highest slot ever used: iterate `0..slotLimit` and skip free ones. */
  get slotLimit(): number {
    return this.#used;
  }

  /** Bytes held: arena chunks, bookkeeping arrays and the index. */
  get bytes(): number {
    let n = 0;
    for (const c of this.#chunks) n += c.byteLength;
    return n + this.#cap * 20 + this.#buckets.byteLength;
  }

  /** Payload bytes of the live records. */
  get payloadBytes(): number {
    return this.#liveBytes;
  }

  has(slot: number): boolean {
    return slot >= 0 && slot < this.#used && this.#lenOf[slot]! > 0;
  }

  /** Points `out` at the record in `slot`; returns it. */
  loc(slot: number, out: Loc): Loc {
    const c = this.#chunkOf[slot]!;
    out.b = this.#chunks[c]!;
    out.v = this.#views[c]!;
    out.off = this.#offOf[slot]!;
    out.len = this.#lenOf[slot]!;
    return out;
  }

  /** A number that identifies the bytes of a record: equal while the record is unchanged (within one {@link epoch}). */
  stamp(slot: number): number {
    return this.#chunkOf[slot]! * CHUNK * 4 + this.#offOf[slot]!;
  }

  /** The payload of a record as a fresh copy. */
  copy(slot: number): Uint8Array {
    const c = this.#chunks[this.#chunkOf[slot]!]!;
    const off = this.#offOf[slot]!;
    return c.slice(off, off + this.#lenOf[slot]!);
  }

  /** The next record of the chain after `slot`, or -1. */
  next(slot: number): number {
    return this.#nextOf[slot]!;
  }

  /** The head of the chain whose key is the key of the record at `r`, or -1. */
  first(r: Loc): number {
    const klen = this.keying.key(r, this.#key);
    return this.#find(this.#key, klen, hashBytes(this.#key, klen));
  }

  /** {@link first} for a probe given as bytes (a payload built to carry the key fields). */
  firstOf(payload: Uint8Array): number {
    const p = this.#probe;
    p.b = payload;
    p.v = new DataView(payload.buffer, payload.byteOffset, payload.byteLength);
    p.off = 0;
    p.len = payload.length;
    return this.first(p);
  }

  /** Every slot of the chain starting at `head`. */
  *chain(head: number): Generator<number> {
    for (let s = head; s >= 0; s = this.#nextOf[s]!) yield s;
  }

  /** Every live slot, in slot order. */
  *slots(): Generator<number> {
    for (let s = 0; s < this.#used; s++) if (this.#lenOf[s]! > 0) yield s;
  }

  /**
   * Stores a copy of `r`'s payload. With a chain of the same key it goes at
   * the end (or the front, with `front`). Returns the slot.
   */
  insert(r: Loc, front = false): number {
    this.#writable();
    const klen = this.keying.key(r, this.#key);
    const hash = hashBytes(this.#key, klen);
    const head = this.#find(this.#key, klen, hash);
    const slot = this.#alloc();
    this.#put(slot, r);
    this.#hashOf[slot] = hash;
    this.#count++;
    this.version++;
    if (head < 0) {
      this.#nextOf[slot] = -1;
      this.#setHead(hash, slot, -1);
    } else if (front) {
      this.#nextOf[slot] = head;
      this.#setHead(hash, slot, head);
    } else {
      let s = head;
      while (this.#nextOf[s]! >= 0) s = this.#nextOf[s]!;
      this.#nextOf[s] = slot;
      this.#nextOf[slot] = -1;
    }
    return slot;
  }

  /** Replaces the bytes of the record in `slot` by `r`'s (whose key must be the same). */
  replace(slot: number, r: Loc): void {
    this.#writable();
    this.#garbage += this.#lenOf[slot]!;
    this.#liveBytes -= this.#lenOf[slot]!;
    this.#put(slot, r);
    this.version++;
    this.#maybeCompact();
  }

  /** Removes the record in `slot`. */
  remove(slot: number): void {
    this.#writable();
    const len = this.#lenOf[slot]!;
    if (len === 0) return;
    const hash = this.#hashOf[slot]!;
    const b = this.#bucketOfSlot(hash, slot);
    if (b >= 0) {
      // The head of its chain.
      const next = this.#nextOf[slot]!;
      if (next >= 0) this.#buckets[b] = next;
      else {
        this.#buckets[b] = TOMB;
        this.#heads--;
        this.#tombs++;
      }
    } else {
      const head = this.#find(this.#key, this.keying.key(this.loc(slot, this.#probe), this.#key), hash);
      let s = head;
      while (s >= 0 && this.#nextOf[s] !== slot) s = this.#nextOf[s]!;
      if (s >= 0) this.#nextOf[s] = this.#nextOf[slot]!;
    }
    this.#lenOf[slot] = 0;
    this.#nextOf[slot] = this.#free;
    this.#free = slot;
    this.#count--;
    this.#liveBytes -= len;
    this.#garbage += len;
    this.version++;
    this.#maybeCompact();
  }

  /** Removes every record. */
  clear(): void {
    this.#writable();
    this.#chunks = [];
    this.#views = [];
    this.#cur = -1;
    this.#fill = CHUNK;
    this.#cap = 0;
    this.#chunkOf = new Uint32Array(0);
    this.#offOf = new Uint32Array(0);
    this.#lenOf = new Uint32Array(0);
    this.#hashOf = new Int32Array(0);
    this.#nextOf = new Int32Array(0);
    this.#free = -1;
    this.#used = 0;
    this.#count = 0;
    this.#buckets = new Int32Array(0);
    this.#heads = 0;
    this.#tombs = 0;
    this.#liveBytes = 0;
    this.#garbage = 0;
    this.epoch++;
    this.version++;
  }

  /**
   * A read-only copy as of now. The bookkeeping arrays are copied; the
   * chunks are shared (records never change in place).
   */
  clone(): RecordTable {
    const t = new RecordTable(this.keying);
    t.#chunks = [...this.#chunks];
    t.#views = [...this.#views];
    t.#cur = this.#cur;
    t.#fill = CHUNK; // never written
    t.#cap = this.#used;
    t.#chunkOf = this.#chunkOf.slice(0, this.#used);
    t.#offOf = this.#offOf.slice(0, this.#used);
    t.#lenOf = this.#lenOf.slice(0, this.#used);
    t.#hashOf = this.#hashOf.slice(0, this.#used);
    t.#nextOf = this.#nextOf.slice(0, this.#used);
    t.#free = -1;
    t.#used = this.#used;
    t.#count = this.#count;
    t.#buckets = this.#buckets.slice();
    t.#heads = this.#heads;
    t.#tombs = this.#tombs;
    t.#liveBytes = this.#liveBytes;
    t.version = this.version;
    t.#frozen = true;
    return t;
  }

  /**
   * Gives back the room the bookkeeping arrays grew ahead of need (after a
   * load, which grows them by half again each time), keeping an eighth.
   */
  trim(): void {
    this.#writable();
    const cap = Math.max(16, this.#used + (this.#used >> 3));
    if (cap >= this.#cap) return;
    this.#chunkOf = this.#chunkOf.slice(0, cap);
    this.#offOf = this.#offOf.slice(0, cap);
    this.#lenOf = this.#lenOf.slice(0, cap);
    this.#hashOf = this.#hashOf.slice(0, cap);
    this.#nextOf = this.#nextOf.slice(0, cap);
    this.#cap = cap;
  }

  /** Moves the live records into fresh chunks, dropping the bytes of removed and replaced ones. */
  compact(): void {
    this.#writable();
    const old = { chunks: this.#chunks, chunkOf: this.#chunkOf, offOf: this.#offOf };
    this.#chunks = [];
    this.#views = [];
    this.#cur = -1;
    this.#fill = CHUNK;
    const r: Loc = { b: new Uint8Array(0), v: new DataView(new ArrayBuffer(0)), off: 0, len: 0 };
    this.#liveBytes = 0;
    for (let s = 0; s < this.#used; s++) {
      const len = this.#lenOf[s]!;
      if (len === 0) continue;
      r.b = old.chunks[old.chunkOf[s]!]!;
      r.off = old.offOf[s]!;
      r.len = len;
      this.#put(s, r);
    }
    this.#garbage = 0;
    this.epoch++;
  }

  // -------------------------------------------------------------------------

  #writable(): void {
    if (this.#frozen) throw new Error('a snapshot is read-only');
  }

  #maybeCompact(): void {
    if (this.#garbage > 1 << 20 && this.#garbage > this.#liveBytes) this.compact();
  }

  /** Copies `r`'s payload into the arena and points `slot` at it. */
  #put(slot: number, r: Loc): void {
    const len = r.len;
    const need = (len + 3) & ~3;
    let c: number;
    let off: number;
    if (need > CHUNK / 4) {
      // Big: a chunk of its own.
      const chunk = new Uint8Array(need);
      this.#chunks.push(chunk);
      this.#views.push(new DataView(chunk.buffer));
      c = this.#chunks.length - 1;
      off = 0;
    } else {
      if (this.#fill + need > CHUNK) {
        const chunk = new Uint8Array(CHUNK);
        this.#chunks.push(chunk);
        this.#views.push(new DataView(chunk.buffer));
        this.#cur = this.#chunks.length - 1;
        this.#fill = 0;
      }
      c = this.#cur;
      off = this.#fill;
      this.#fill += need;
    }
    this.#chunks[c]!.set(r.b.subarray(r.off, r.off + len), off);
    this.#chunkOf[slot] = c;
    this.#offOf[slot] = off;
    this.#lenOf[slot] = len;
    this.#liveBytes += len;
  }

  #alloc(): number {
    if (this.#free >= 0) {
      const s = this.#free;
      this.#free = this.#nextOf[s]!;
      return s;
    }
    if (this.#used === this.#cap) this.#grow();
    return this.#used++;
  }

  #grow(): void {
    const cap = Math.max(16, Math.ceil(this.#cap * 1.5));
    const u32 = (a: Uint32Array): Uint32Array => {
      const n = new Uint32Array(cap);
      n.set(a);
      return n;
    };
    const i32 = (a: Int32Array): Int32Array => {
      const n = new Int32Array(cap);
      n.set(a);
      return n;
    };
    this.#chunkOf = u32(this.#chunkOf);
    this.#offOf = u32(this.#offOf);
    this.#lenOf = u32(this.#lenOf);
    this.#hashOf = i32(this.#hashOf);
    this.#nextOf = i32(this.#nextOf);
    this.#cap = cap;
  }

  #find(key: Uint8Array, klen: number, hash: number): number {
    const buckets = this.#buckets;
    if (buckets.length === 0) return -1;
    const mask = buckets.length - 1;
    const probe = this.#probe;
    for (let i = hash & mask, n = 0; n < buckets.length; i = (i + 1) & mask, n++) {
      const s = buckets[i]!;
      if (s === EMPTY) return -1;
      if (s === TOMB || this.#hashOf[s] !== hash) continue;
      const l2 = this.keying.key(this.loc(s, probe), this.#key2);
      if (l2 === klen && equal(key, this.#key2, klen)) return s;
    }
    return -1;
  }

  /** The bucket holding `slot` as a chain head, or -1 when it is not a head. */
  #bucketOfSlot(hash: number, slot: number): number {
    const buckets = this.#buckets;
    if (buckets.length === 0) return -1;
    const mask = buckets.length - 1;
    for (let i = hash & mask, n = 0; n < buckets.length; i = (i + 1) & mask, n++) {
      const s = buckets[i]!;
      if (s === EMPTY) return -1;
      if (s === slot) return i;
    }
    return -1;
  }

  /** Makes `slot` the head of the chain of `hash` (replacing `old`, or in a new bucket when `old` is -1). */
  #setHead(hash: number, slot: number, old: number): void {
    if (old >= 0) {
      const b = this.#bucketOfSlot(hash, old);
      this.#buckets[b] = slot;
      return;
    }
    if ((this.#heads + this.#tombs + 1) * 4 > this.#buckets.length * 3) this.#rehash();
    const buckets = this.#buckets;
    const mask = buckets.length - 1;
    for (let i = hash & mask; ; i = (i + 1) & mask) {
      const s = buckets[i]!;
      if (s === EMPTY || s === TOMB) {
        if (s === TOMB) this.#tombs--;
        buckets[i] = slot;
        this.#heads++;
        return;
      }
    }
  }

  #rehash(): void {
    let size = 16;
    while (size < (this.#heads + 1) * 2) size *= 2;
    const old = this.#buckets;
    const buckets = new Int32Array(size).fill(EMPTY);
    const mask = size - 1;
    for (const s of old) {
      if (s < 0) continue;
      for (let i = this.#hashOf[s]! & mask; ; i = (i + 1) & mask) {
        if (buckets[i] === EMPTY) {
          buckets[i] = s;
          break;
        }
      }
    }
    this.#buckets = buckets;
    this.#tombs = 0;
  }
}

function equal(a: Uint8Array, b: Uint8Array, len: number): boolean {
  for (let i = 0; i < len; i++) if (a[i] !== b[i]) return false;
  return true;
}
