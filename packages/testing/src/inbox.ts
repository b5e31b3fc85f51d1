/**
 * The receive side shared by the package's transports: one async stream of
 * inbound datagrams, fed in order a macrotask after they are posted.
 * Internal (not exported from the package).
 */
import type { Inbound } from '@nlkit/transport';

/**
 * The host's timers, typed here because the package compiles without DOM or
 * Node types. `setImmediate` (Node, Bun, Deno) runs sooner than
 * `setTimeout(fn, 0)`, which browsers clamp.
 */
const host = globalThis as unknown as {
  setImmediate?: (fn: () => void) => unknown;
  setTimeout(fn: () => void, ms: number): unknown;
};

/** Runs `fn` on a later macrotask, after every pending microtask. */
function later(fn: () => void): void {
  if (typeof host.setImmediate === 'function') host.setImmediate(fn);
  else host.setTimeout(fn, 0);
}

/** A posted item: a datagram or overrun, or the stream's failure. */
type Posted = { readonly inbound: Inbound } | { readonly failure: unknown };

/**
 * A single-consumer stream of {@link Inbound} items.
 *
 * Posted items become visible to the consumer together, on a macrotask after
 * the post, as a kernel reply reaches a socket reader through the event loop
 * rather than inside `send()`. So whatever runs after `await transport.send()`
 * (a recorder writing the request to a capture, say) runs before the reply is
 * read, and items posted in one turn keep their order.
 */
export class Inbox implements AsyncIterable<Inbound> {
  #posted: Posted[] = [];
  #scheduled = false;
  #visible: Inbound[] = [];
  #ended = false;
  #failure: { readonly error: unknown } | undefined;
  #wake: (() => void) | undefined;

  /** True once the stream ended or failed (or will fail, for a posted failure once delivered). */
  get ended(): boolean {
    return this.#ended;
  }

  /** Queues `inbound` for delivery. Ignored once the stream ended. */
  post(inbound: Inbound): void {
    this.#enqueue({ inbound });
  }

  /** Queues the stream's failure: the consumer gets the items posted before it, then `error`. */
  postFailure(error: unknown): void {
    this.#enqueue({ failure: error });
  }

  /** Ends the stream now: items not yet delivered are dropped, the consumer sees the end. Idempotent. */
  end(): void {
    if (this.#ended) return;
    this.#ended = true;
    this.#posted = [];
    this.#visible = [];
    this.#signal();
  }

  [Symbol.asyncIterator](): AsyncIterator<Inbound> {
    return { next: () => this.#next() };
  }

  #enqueue(item: Posted): void {
    if (this.#ended) return;
    this.#posted.push(item);
    if (this.#scheduled) return;
    this.#scheduled = true;
    later(() => this.#flush());
  }

  #flush(): void {
    this.#scheduled = false;
    const posted = this.#posted;
    this.#posted = [];
    for (const item of posted) {
      if (this.#ended) break;
      if ('inbound' in item) this.#visible.push(item.inbound);
      else {
        this.#ended = true;
        this.#failure = { error: item.failure };
      }
    }
    this.#signal();
  }

  async #next(): Promise<IteratorResult<Inbound, undefined>> {
    for (;;) {
      const item = this.#visible.shift();
      if (item !== undefined) return { done: false, value: item };
      if (this.#ended) {
        const failure = this.#failure;
        this.#failure = undefined;
        if (failure) throw failure.error;
        return { done: true, value: undefined };
      }
      await new Promise<void>((resolve) => (this.#wake = resolve));
    }
  }

  #signal(): void {
    const wake = this.#wake;
    this.#wake = undefined;
    wake?.();
  }
}
