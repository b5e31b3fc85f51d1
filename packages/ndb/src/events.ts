/**
 * The database's event queue: every change the view goes through, as an
 * async iterable, optionally with a snapshot taken at the same instant (the
 * IPDB `eventqueue` pattern): what the snapshot shows plus the events that
 * follow is exactly the view's history, with nothing lost in between.
 */
import './polyfill.js';
import type { AnyMessage } from '@nlkit/core';
import type { Rtnl } from '@nlkit/rtnl';
import { KIND_DEFS, decodePayload, locOf, type ObjectKind } from './kinds.js';
import type { View } from './views.js';

/** An object was added, changed or removed. */
export interface ChangeEvent {
  /** What happened to the object. */
  readonly type: 'add' | 'change' | 'del';
  /** Which kind of object it is (`interface`, `address`, `route`, ...). */
  readonly kind: ObjectKind;
  /** The source (namespace) it happened in. */
  readonly source: string;
  /** True when a resynchronisation (after lost events) found the difference, rather than an event. */
  readonly resync: boolean;
  /** The object as it is now (`add`, `change`) or was last (`del`), decoded on first access. */
  readonly message: AnyMessage<Rtnl>;
  /** The payload (fixed header and attributes) as the kernel sent it. */
  readonly payload: Uint8Array;
}

/** A source starts or ends a resynchronisation (`reason`: `overrun`, `dump interrupted`, `requested`). */
export interface ResyncEvent {
  /** Always `"resync"`. */
  readonly type: 'resync';
  /** The source (namespace) resynchronising. */
  readonly source: string;
  /** Whether it starts or ends; the changes it finds come between, as `ChangeEvent`s with `resync` set. */
  readonly phase: 'start' | 'end';
  /** Why: `overrun`, `dump interrupted` or `requested`. */
  readonly reason: string;
}

/** The queue's consumer fell more than `maxBuffered` events behind: `count` events were dropped. Take a new snapshot. */
export interface LostEvent {
  /** Always `"lost"`. */
  readonly type: 'lost';
  /** How many events were dropped. */
  readonly count: number;
}

/** What an {@link EventQueue} yields. */
export type NdbEvent = ChangeEvent | ResyncEvent | LostEvent;

/** Options of `db.events()`. */
export interface EventOptions {
  /** Take a snapshot at the moment the queue starts (as `queue.snapshot`). */
  snapshot?: boolean;
  /** Only these kinds of objects (resync and lost events always pass). */
  kinds?: readonly ObjectKind[];
  /** Only these sources. */
  sources?: readonly string[];
  /** Most events held for a slow consumer before they are replaced by a `lost` event. Default 100 000. */
  maxBuffered?: number;
}

class Change implements ChangeEvent {
  readonly type: 'add' | 'change' | 'del';
  readonly kind: ObjectKind;
  readonly source: string;
  readonly resync: boolean;
  readonly payload: Uint8Array;
  #message: AnyMessage<Rtnl> | undefined;

  constructor(type: 'add' | 'change' | 'del', kind: ObjectKind, source: string, resync: boolean, payload: Uint8Array) {
    this.type = type;
    this.kind = kind;
    this.source = source;
    this.resync = resync;
    this.payload = payload;
  }

  get message(): AnyMessage<Rtnl> {
    return (this.#message ??= decodePayload(KIND_DEFS[this.kind].newType, locOf(this.payload)));
  }

  toJSON(): Record<string, unknown> {
    return { type: this.type, kind: this.kind, source: this.source, resync: this.resync || undefined };
  }
}

/** @internal */
export function changeEvent(type: 'add' | 'change' | 'del', kind: ObjectKind, source: string, resync: boolean, payload: Uint8Array): ChangeEvent {
  return new Change(type, kind, source, resync, payload);
}

/**
 * A subscription to the database's changes, live from the moment
 * `db.events()` returns. `for await` it; leaving the loop or
 * {@link close} unsubscribes.
 *
 * ```ts
 * await using q = db.events({ snapshot: true });   // or: const q = ...; try { ... } finally { q.close(); }
 * for (const r of q.snapshot!.routes) seed(r);
 * for await (const e of q) if (e.type !== 'lost' && e.type !== 'resync') apply(e);
 * ```
 */
export class EventQueue implements AsyncIterableIterator<NdbEvent> {
  /** The view at the moment the queue started, when asked for. */
  readonly snapshot: View | undefined;
  readonly #kinds: ReadonlySet<ObjectKind> | undefined;
  readonly #sources: ReadonlySet<string> | undefined;
  readonly #max: number;
  readonly #detach: () => void;
  #items: NdbEvent[] = [];
  #head = 0;
  #waiter: ((r: IteratorResult<NdbEvent, undefined>) => void) | undefined;
  #ended = false;

  /** @internal */
  constructor(options: EventOptions, snapshot: View | undefined, detach: () => void) {
    this.snapshot = snapshot;
    this.#kinds = options.kinds && new Set(options.kinds);
    this.#sources = options.sources && new Set(options.sources);
    this.#max = options.maxBuffered ?? 100_000;
    this.#detach = detach;
  }

  /** Events waiting to be taken. */
  get buffered(): number {
    return this.#items.length - this.#head;
  }

  /** @internal Whether this queue wants changes of `kind` in `source`. */
  wants(kind: ObjectKind, source: string): boolean {
    return !this.#ended && (!this.#kinds || this.#kinds.has(kind)) && (!this.#sources || this.#sources.has(source));
  }

  /**
   * Queues an event (dropping the backlog for a {@link LostEvent} when it is full).
   * @internal
   */
  push(e: NdbEvent): void {
    if (this.#ended) return;
    if (e.type === 'resync' && this.#sources && !this.#sources.has(e.source)) return;
    if (this.#waiter) {
      const w = this.#waiter;
      this.#waiter = undefined;
      w({ done: false, value: e });
      return;
    }
    if (this.buffered >= this.#max) {
      const dropped = this.buffered;
      this.#items = [{ type: 'lost', count: dropped }];
      this.#head = 0;
    }
    this.#items.push(e);
  }

  /** The next event, waiting for one when none is buffered; done once the queue is closed. */
  next(): Promise<IteratorResult<NdbEvent, undefined>> {
    if (this.#head < this.#items.length) {
      const value = this.#items[this.#head++]!;
      if (this.#head > 1024 && this.#head * 2 > this.#items.length) {
        this.#items = this.#items.slice(this.#head);
        this.#head = 0;
      }
      return Promise.resolve({ done: false, value });
    }
    if (this.#ended) return Promise.resolve({ done: true, value: undefined });
    return new Promise((resolve) => (this.#waiter = resolve));
  }

  /** Closes the queue (what leaving a `for await` loop calls). */
  async return(): Promise<IteratorResult<NdbEvent, undefined>> {
    this.close();
    return { done: true, value: undefined };
  }

  /** Unsubscribes; buffered events are dropped and the iteration ends. */
  close(): void {
    if (this.#ended) return;
    this.#ended = true;
    this.#items = [];
    this.#head = 0;
    this.#detach();
    const w = this.#waiter;
    this.#waiter = undefined;
    w?.({ done: true, value: undefined });
  }

  /** The queue itself: it is its own iterator. */
  [Symbol.asyncIterator](): this {
    return this;
  }

  /** Closes the queue (`using`). */
  [Symbol.dispose](): void {
    this.close();
  }

  /** Closes the queue (`await using`). */
  async [Symbol.asyncDispose](): Promise<void> {
    this.close();
  }
}
