/**
 * Event subscriptions: what `NetlinkChannel.events()` yields, and the
 * bounded per-subscriber buffer behind it.
 */
import type { AnyMessage, ControlMessage, Family, NlDecodeError } from '@nlkit/core';
import { Queue } from './queue.js';

/** Names an event filter accepts: the family's message names (`RTM_NEWLINK`) and the control names (`NLMSG_ERROR`, `UNKNOWN`, ...). */
export type EventName<F extends Family<any>> = (keyof F['messages'] & string) | ControlMessage['name'];

/** The decoded messages whose name is one of `N`. */
export type EventMessage<F extends Family<any>, N extends EventName<F> = EventName<F>> = Extract<AnyMessage<F>, {
  /** The message's name, as `RTM_NEWLINK`. */
  name: N;
}>;

/** One notification: a decoded message. */
export interface MessageItem<M> {
  /** `'message'`: tells this item from an {@link OverrunItem} or a {@link DecodeErrorItem}. */
  readonly kind: 'message';
  /** Decoded once and shared by every subscriber that receives it: treat it as read-only. */
  readonly message: M;
  /**
   * The multicast group it was delivered to (`RTNLGRP_LINK` = 1, ...), or 0
   * for a unicast message no request was waiting for (sequence number 0 or
   * unknown).
   */
  readonly group: number;
}

/**
 * Events were lost; whoever keeps state from them must resync (typically by
 * dumping). Delivered regardless of the subscriber's name filter.
 */
export interface OverrunItem {
  /** `'overrun'`: tells this item from a {@link MessageItem} or a {@link DecodeErrorItem}. */
  readonly kind: 'overrun';
  /**
   * `'kernel'`: the socket's receive buffer overflowed (`ENOBUFS`) and the
   * kernel dropped datagrams; every subscriber gets this item.
   * `'subscriber'`: this subscriber fell more than its `maxBuffered` events
   * behind, and the events waiting in its buffer were discarded.
   */
  readonly source: 'kernel' | 'subscriber';
  /** For `'kernel'`, lost datagrams when the transport knows; for `'subscriber'`, discarded events. */
  readonly lost: number | undefined;
}

/** A notification that could not be decoded. The stream goes on after it. */
export interface DecodeErrorItem {
  /** `'error'`: tells this item from a {@link MessageItem} or an {@link OverrunItem}. */
  readonly kind: 'error';
  /** Why the datagram could not be decoded, with the byte offset and attribute path. */
  readonly error: NlDecodeError;
  /** As in {@link MessageItem.group}. */
  readonly group: number;
}

/** What an event stream yields. */
export type EventItem<M> = MessageItem<M> | OverrunItem | DecodeErrorItem;

/**
 * A subscription to a channel's events, live from the moment
 * `NetlinkChannel.events()` returns. One consumer; `for await` it. Leaving
 * the loop (or calling {@link close}) unsubscribes. It ends when the channel
 * closes, after the events already buffered; it throws `ChannelClosedError`
 * (after them) when the channel closed because its transport failed.
 */
export interface EventStream<M> extends AsyncIterableIterator<EventItem<M>, undefined> {
  /** The next event item; waits for one when none is buffered. Done once the stream has ended. */
  next(): Promise<IteratorResult<EventItem<M>, undefined>>;
  /** Unsubscribes and ends the stream, as {@link EventStream.close}; called by `break` in a `for await` loop. */
  return(): Promise<IteratorResult<EventItem<M>, undefined>>;
  /** Unsubscribes and discards the buffered events; the stream ends. Idempotent. */
  close(): void;
  /** Items waiting to be consumed. */
  readonly buffered: number;
}

/** What the channel sees of a subscriber. */
export interface EventSink<M> {
  /** True when the filter lets messages named `name` through. */
  accepts(name: string): boolean;
  /**
   * Buffers `item`. A message or error item that finds the buffer full
   * replaces the buffer's contents with an overrun marker, then is queued
   * after it. Returns how many events were discarded.
   */
  offer(item: EventItem<M>): number;
  /** The channel closed: the consumer gets what is buffered, then the end (or `error`). */
  end(error?: unknown): void;
}

/** A subscription: the {@link EventStream} for the consumer, the {@link EventSink} for the channel. */
export class Subscriber<M> implements EventStream<M>, EventSink<M> {
  readonly #queue = new Queue<EventItem<M>>();
  readonly #names: ReadonlySet<string> | undefined;
  readonly #limit: number;
  readonly #detach: () => void;

  /** `detach` removes it from the channel. */
  constructor(names: readonly string[] | undefined, limit: number, detach: () => void) {
    if (!(limit >= 1)) throw new RangeError(`maxBuffered must be at least 1, got ${limit}`);
    this.#names = names && new Set(names);
    this.#limit = limit;
    this.#detach = detach;
  }

  get buffered(): number {
    return this.#queue.size;
  }

  accepts(name: string): boolean {
    return this.#names === undefined || this.#names.has(name);
  }

  offer(item: EventItem<M>): number {
    if (item.kind === 'overrun' || this.#queue.size < this.#limit) {
      this.#queue.push(item);
      return 0;
    }
    let discarded = 0;
    let lost = 0;
    for (const old of this.#queue.drain()) {
      if (old.kind !== 'overrun') discarded++;
      else if (old.source === 'subscriber') lost += old.lost ?? 0;
    }
    this.#queue.push({ kind: 'overrun', source: 'subscriber', lost: lost + discarded });
    this.#queue.push(item);
    return discarded;
  }

  end(error?: unknown): void {
    this.#queue.end(error);
  }

  next(): Promise<IteratorResult<EventItem<M>, undefined>> {
    return this.#queue.next();
  }

  async return(): Promise<IteratorResult<EventItem<M>, undefined>> {
    this.close();
    return { done: true, value: undefined };
  }

  close(): void {
    this.#detach();
    this.#queue.drain();
    this.#queue.end();
  }

  [Symbol.asyncIterator](): this {
    return this;
  }
}
