/**
 * A list of messages held as offsets into the datagrams they arrived in.
 */
import { NlDecodeError } from './errors.js';
import { HOST_LE } from './bytes.js';
import { MessageView, type Family } from './family.js';
import { NLMSG_HDRLEN } from './nlmsg.js';

/** Set by {@link MessageList.unchecked} for the one construction it makes (a module variable, not a static field: flipping a field of the class would keep invalidating optimized code that depends on it). */
let uncheckedNext = false;

/**
 * Messages held as the datagrams they arrived in plus one 32-bit offset per
 * message: a dump of a million routes is its bytes and 4 MB of offsets, not
 * a million objects. {@link MessageList.at} and iteration make a
 * {@link MessageView} when a message is asked for; a view not kept is
 * garbage at once, which costs the garbage collector next to nothing, while
 * a million kept views are copied by every young-generation GC they live
 * through. Keep views of the few messages you need, or the list.
 *
 * Immutable. The bytes are shared, never copied: they must not change while
 * the list is in use (the engine's datagrams never do).
 *
 * ```ts
 * const routes = await channel.dumpAll({ name: 'RTM_GETROUTE', header: { family: 2 } }, { lazy: 'list' });
 * for (const r of routes) console.log(r.get('dst'), r.get('gateway'));
 * ```
 */
export class MessageList<F extends Family<any> = Family<any>> implements Iterable<MessageView<F>> {
  /** The family the messages are decoded with. */
  readonly family: F;
  /** Number of messages. */
  readonly length: number;
  /** The datagrams, one per chunk (a datagram may appear in several chunks). */
  readonly #views: readonly DataView[];
  /** The offsets of each chunk's messages in its datagram. */
  readonly #offsets: readonly Uint32Array[];
  /** The number of messages up to and including each chunk. */
  readonly #ends: Uint32Array;

  /**
   * A list of the messages at `offsets[i]` in `views[i]`, in that order.
   * Every offset is checked: a message header that does not fit its
   * datagram, or whose `nlmsg_len` runs past its end, is an
   * `NlDecodeError` (with the offset).
   */
  constructor(family: F, views: readonly DataView[], offsets: readonly Uint32Array[]) {
    if (views.length !== offsets.length) throw new RangeError(`MessageList: ${views.length} datagrams but ${offsets.length} offset arrays`);
    const trusted = uncheckedNext;
    uncheckedNext = false;
    if (!trusted) {
      for (let c = 0; c < views.length; c++) {
        const view = views[c]!;
        const offs = offsets[c]!;
        for (let i = 0; i < offs.length; i++) {
          const at = offs[i]!;
          if (at + NLMSG_HDRLEN > view.byteLength) throw new NlDecodeError(`no room for a message header at ${at} of a ${view.byteLength}-byte datagram`, at);
          const len = view.getUint32(at, HOST_LE);
          if (len < NLMSG_HDRLEN || len > view.byteLength - at) throw new NlDecodeError(`nlmsg_len ${len} is out of bounds`, at);
        }
      }
    }
    this.family = family;
    this.#views = trusted ? views : views.slice();
    this.#offsets = trusted ? offsets : offsets.slice();
    const ends = new Uint32Array(views.length);
    let n = 0;
    for (let c = 0; c < offsets.length; c++) ends[c] = n += offsets[c]!.length;
    this.#ends = ends;
    this.length = n;
  }

  /**
   * A list over offsets the caller has already checked (every one the start
   * of a well-framed message in its datagram, as a protocol engine finds
   * them while routing replies): the constructor without its checks. The
   * arrays are taken as they are, not copied: the caller gives them up.
   */
  static unchecked<F extends Family<any>>(family: F, views: readonly DataView[], offsets: readonly Uint32Array[]): MessageList<F> {
    uncheckedNext = true;
    try {
      return new MessageList(family, views, offsets);
    } finally {
      uncheckedNext = false;
    }
  }

  /** The lists' messages in one list, in order (no message is copied; the lists must share `family`). */
  static concat<F extends Family<any>>(family: F, lists: readonly MessageList<F>[]): MessageList<F> {
    const views: DataView[] = [];
    const offsets: Uint32Array[] = [];
    for (const l of lists) {
      if (l.family !== family) throw new TypeError('MessageList.concat: a list of another family');
      for (let c = 0; c < l.#views.length; c++) {
        views.push(l.#views[c]!);
        offsets.push(l.#offsets[c]!);
      }
    }
    return MessageList.unchecked(family, views, offsets);
  }

  /** The message at `index` as a fresh view (negative counts from the end, as `Array.prototype.at`); undefined when out of range. */
  at(index: number): MessageView<F> | undefined {
    let i = Math.trunc(index) || 0; // NaN counts as 0, as in Array.prototype.at
    if (i < 0) i += this.length;
    if (!(i >= 0 && i < this.length)) return undefined;
    // The chunk holding message i: the first whose end is beyond it.
    const ends = this.#ends;
    let lo = 0;
    let hi = ends.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (ends[mid]! > i) hi = mid;
      else lo = mid + 1;
    }
    const start = lo === 0 ? 0 : ends[lo - 1]!;
    return new MessageView(this.family, this.#views[lo]!, this.#offsets[lo]![i - start]!);
  }

  /** Calls `fn` with a fresh view of each message, in order, and its index. */
  forEach(fn: (message: MessageView<F>, index: number) => void): void {
    const family = this.family;
    let k = 0;
    for (let c = 0; c < this.#views.length; c++) {
      const view = this.#views[c]!;
      const offs = this.#offsets[c]!;
      for (let i = 0; i < offs.length; i++) fn(new MessageView(family, view, offs[i]!), k++);
    }
  }

  /** A view of every message, in one array: a million views for a million messages (see the class's notes on keeping views). */
  toArray(): MessageView<F>[] {
    const out = new Array<MessageView<F>>(this.length);
    this.forEach((m, i) => (out[i] = m));
    return out;
  }

  /** Fresh views of the messages, in order. */
  [Symbol.iterator](): Iterator<MessageView<F>> {
    return new ListIterator(this.family, this.#views, this.#offsets);
  }
}

/** The iterator of a {@link MessageList}: a fresh view per message. */
class ListIterator<F extends Family<any>> implements Iterator<MessageView<F>> {
  readonly #family: F;
  readonly #views: readonly DataView[];
  readonly #offsets: readonly Uint32Array[];
  #chunk = 0;
  #i = 0;

  constructor(family: F, views: readonly DataView[], offsets: readonly Uint32Array[]) {
    this.#family = family;
    this.#views = views;
    this.#offsets = offsets;
  }

  next(): IteratorResult<MessageView<F>, undefined> {
    for (;;) {
      const offs = this.#offsets[this.#chunk];
      if (offs === undefined) return { done: true, value: undefined };
      if (this.#i < offs.length) return { done: false, value: new MessageView(this.#family, this.#views[this.#chunk]!, offs[this.#i++]!) };
      this.#chunk++;
      this.#i = 0;
    }
  }

  [Symbol.iterator](): this {
    return this;
  }
}
