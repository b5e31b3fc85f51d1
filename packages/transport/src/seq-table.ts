/**
 * The engine's pending exchanges by sequence number. Internal to the engine
 * (not exported from the package).
 */

/** Smallest number of slots; always a power of two. */
const MIN_SLOTS = 16;

/**
 * A set of items keyed by their own `seq` (a `u32`), for the channel's
 * pending exchanges: open addressing with linear probing over one array of
 * slots, the slot of a seq being its low bits.
 *
 * A `Map` did the same job, but V8 re-allocates a `Map`'s table when a
 * delete leaves it a quarter full, which for a map holding one request at a
 * time is every delete: ~150 bytes of garbage and ~40 ns per request. Here a
 * delete moves later items of the probe run back (no tombstones), and
 * nothing is allocated unless the table grows (past half full) or shrinks
 * (below an eighth, above the smallest size); sequence numbers come
 * consecutively, so in-flight requests rarely share a slot.
 */
export class SeqTable<T extends { readonly seq: number }> {
  #slots: (T | undefined)[] = new Array<T | undefined>(MIN_SLOTS).fill(undefined);
  #mask = MIN_SLOTS - 1;
  #size = 0;

  /** How many items the table holds. */
  get size(): number {
    return this.#size;
  }

  /** The item with `seq`, if any. */
  get(seq: number): T | undefined {
    const slots = this.#slots;
    const mask = this.#mask;
    for (let i = seq & mask; ; i = (i + 1) & mask) {
      const x = slots[i];
      if (x === undefined || x.seq === seq) return x;
    }
  }

  /** Whether an item with `seq` is held. */
  has(seq: number): boolean {
    return this.get(seq) !== undefined;
  }

  /** Adds `item`, or replaces the item with the same seq. */
  set(item: T): void {
    const seq = item.seq;
    let slots = this.#slots;
    let mask = this.#mask;
    let i = seq & mask;
    for (let x = slots[i]; x !== undefined; x = slots[i]) {
      if (x.seq === seq) {
        slots[i] = item;
        return;
      }
      i = (i + 1) & mask;
    }
    // At most half full: probe runs stay short and an empty slot ends each.
    if ((this.#size + 1) * 2 > slots.length) {
      this.#resize(slots.length * 2);
      slots = this.#slots;
      mask = this.#mask;
      for (i = seq & mask; slots[i] !== undefined; i = (i + 1) & mask);
    }
    slots[i] = item;
    this.#size++;
  }

  /** Removes the item with `seq`; false when there was none. */
  delete(seq: number): boolean {
    const slots = this.#slots;
    const mask = this.#mask;
    let hole = seq & mask;
    for (;;) {
      const x = slots[hole];
      if (x === undefined) return false;
      if (x.seq === seq) break;
      hole = (hole + 1) & mask;
    }
    slots[hole] = undefined;
    // Once an eighth full, half the room goes (after a burst of requests).
    if (--this.#size * 8 < slots.length && slots.length > MIN_SLOTS) {
      this.#resize(slots.length / 2);
      return true;
    }
    // Close the hole: an item further along the run moves into it unless its
    // own slot lies (cyclically) after the hole, where a lookup would no
    // longer pass the hole to reach it.
    for (let j = (hole + 1) & mask; ; j = (j + 1) & mask) {
      const x = slots[j];
      if (x === undefined) return true;
      const home = x.seq & mask;
      if (((j - home) & mask) >= ((j - hole) & mask)) {
        slots[hole] = x;
        slots[j] = undefined;
        hole = j;
      }
    }
  }

  /** The items held, in no particular order (a copy: the table may change while the caller goes through them). */
  values(): T[] {
    const out: T[] = [];
    for (const x of this.#slots) if (x !== undefined) out.push(x);
    return out;
  }

  /** Removes every item (and gives back the room a burst of requests made). */
  clear(): void {
    this.#slots = new Array<T | undefined>(MIN_SLOTS).fill(undefined);
    this.#mask = MIN_SLOTS - 1;
    this.#size = 0;
  }

  /** Moves the items into `length` slots. */
  #resize(length: number): void {
    const old = this.#slots;
    const slots = new Array<T | undefined>(length).fill(undefined);
    const mask = slots.length - 1;
    for (const x of old) {
      if (x === undefined) continue;
      let i = x.seq & mask;
      while (slots[i] !== undefined) i = (i + 1) & mask;
      slots[i] = x;
    }
    this.#slots = slots;
    this.#mask = mask;
  }
}
