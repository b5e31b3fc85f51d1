/**
 * A single-consumer async queue: the reader loop pushes, one iterator pulls.
 * Internal to the engine (not exported from the package).
 */
export class Queue<T> {
  #items: T[] = [];
  /** Index of the next item to hand out; the array is compacted as it grows. */
  #head = 0;
  #ended = false;
  #error: unknown;
  #wake: (() => void) | undefined;

  /** Items waiting to be pulled. */
  get size(): number {
    return this.#items.length - this.#head;
  }

  /** True once {@link end} or {@link fail} was called. */
  get ended(): boolean {
    return this.#ended;
  }

  push(item: T): void {
    if (this.#ended) return;
    this.#items.push(item);
    this.#signal();
  }

  /** Appends `items` (the array itself when the queue is empty: the caller gives it up), waking the reader once. */
  pushAll(items: T[]): void {
    if (this.#ended || items.length === 0) return;
    if (this.size === 0) {
      this.#items = items;
      this.#head = 0;
    } else {
      for (let i = 0; i < items.length; i++) this.#items.push(items[i]!);
    }
    this.#signal();
  }

  /** Removes and returns every waiting item. */
  drain(): T[] {
    const out = this.#items.slice(this.#head);
    this.#items = [];
    this.#head = 0;
    return out;
  }

  /** No more items: the consumer gets the waiting ones, then the end (or `error` once, when given). */
  end(error?: unknown): void {
    if (this.#ended) return;
    this.#ended = true;
    this.#error = error;
    this.#signal();
  }

  /** Ends with `error` right away, discarding the waiting items. */
  fail(error: unknown): void {
    if (this.#ended) return;
    this.drain();
    this.end(error);
  }

  /**
   * Waits until items are waiting (or the queue ended) and removes them all
   * at once: one await per batch rather than per item. Resolves undefined at
   * the end, or throws the error (once) after the last batch.
   */
  async nextBatch(): Promise<T[] | undefined> {
    while (this.size === 0) {
      if (this.#ended) {
        const error = this.#error;
        this.#error = undefined;
        if (error !== undefined) throw error;
        return undefined;
      }
      await new Promise<void>((resolve) => (this.#wake = resolve));
    }
    if (this.#head === 0) {
      const out = this.#items;
      this.#items = [];
      return out;
    }
    return this.drain();
  }

  async next(): Promise<IteratorResult<T, undefined>> {
    while (this.size === 0) {
      if (this.#ended) {
        const error = this.#error;
        this.#error = undefined;
        if (error !== undefined) throw error;
        return { done: true, value: undefined };
      }
      await new Promise<void>((resolve) => (this.#wake = resolve));
    }
    const item = this.#items[this.#head++]!;
    if (this.#head >= 1024 && this.#head * 2 >= this.#items.length) {
      this.#items = this.#items.slice(this.#head);
      this.#head = 0;
    }
    return { done: false, value: item };
  }

  #signal(): void {
    const wake = this.#wake;
    this.#wake = undefined;
    wake?.();
  }
}
