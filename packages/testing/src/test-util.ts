/** Helpers shared by this package's tests (not built, not exported). */
import type { EventItem, EventStream } from '@nlkit/transport';

/** Every item of an async iterable. */
export async function collect<T>(source: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of source) out.push(x);
  return out;
}

/** The next `n` items of an event stream (fewer if it ends). */
export async function take<M>(events: EventStream<M>, n: number): Promise<EventItem<M>[]> {
  const out: EventItem<M>[] = [];
  while (out.length < n) {
    const r = await events.next();
    if (r.done) break;
    out.push(r.value);
  }
  return out;
}
