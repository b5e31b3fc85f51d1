import { describe, expect, it } from 'vitest';
import { NLM_F, encodeMessage } from '@nlkit/core';
import { NetlinkChannel } from './channel.js';
import type { EventItem } from './events.js';
import { ScriptedTransport, ack, demo, obj, settle } from './test-util.js';

function open() {
  const t = new ScriptedTransport();
  return { t, ch: new NetlinkChannel(t, demo) };
}

/** The next `n` items of a stream. */
async function take<T>(stream: AsyncIterator<T>, n: number): Promise<T[]> {
  const out: T[] = [];
  while (out.length < n) {
    const r = await stream.next();
    if (r.done) break;
    out.push(r.value);
  }
  return out;
}

const summary = (item: EventItem<{ name: string; seq: number }> | undefined) =>
  item?.kind === 'message' ? `${item.message.name}/${item.message.seq}@${item.group}` : item?.kind === 'overrun' ? `overrun:${item.source}:${item.lost}` : item?.kind;

describe('events', () => {
  it('a multicast message carrying a pending seq is an event, not a reply', async () => {
    const { t, ch } = open();
    const events = ch.events();
    const request = ch.request({ name: 'DEMO_NEWOBJ', attrs: { name: 'br0' } });
    await settle();
    const seq = t.sent[0]!.header.seq;
    t.deliver(obj(seq, 5, 'br0'), 1); // the notification of our own change
    t.deliver(ack(t.sent[0]!.header));
    expect(await request).toEqual([]);
    const [item] = await take(events, 1);
    expect(item).toMatchObject({ kind: 'message', group: 1, message: { name: 'DEMO_NEWOBJ', seq, attrs: { name: 'br0' } } });
    expect(ch.stats).toMatchObject({ replies: 1, events: 1 });
  });

  it('unicast messages no request waits for are events with group 0', async () => {
    const { t, ch } = open();
    const events = ch.events();
    t.deliver(obj(0, 1, 'a'));
    t.deliver(obj(777, 2, 'b'));
    expect((await take(events, 2)).map(summary)).toEqual(['DEMO_NEWOBJ/0@0', 'DEMO_NEWOBJ/777@0']);
  });

  it('every subscriber gets every event that passes its filter', async () => {
    const { t, ch } = open();
    const all = ch.events();
    const news = ch.events({ names: ['DEMO_NEWOBJ'] });
    const dels = ch.events({ names: ['DEMO_DELOBJ'] });
    t.deliver([obj(0, 1, 'a', NLM_F.MULTI), obj(0, 2, 'b')], 1);
    t.deliver(encodeMessage(demo, { name: 'DEMO_DELOBJ', header: { index: 3 } }), 2);
    expect((await take(all, 3)).map(summary)).toEqual(['DEMO_NEWOBJ/0@1', 'DEMO_NEWOBJ/0@1', 'DEMO_DELOBJ/0@2']);
    expect((await take(news, 2)).map(summary)).toEqual(['DEMO_NEWOBJ/0@1', 'DEMO_NEWOBJ/0@1']);
    expect((await take(dels, 1)).map(summary)).toEqual(['DEMO_DELOBJ/0@2']);
    expect([all.buffered, news.buffered, dels.buffered]).toEqual([0, 0, 0]);
  });

  it('a transport overrun reaches every subscriber, filtered or not', async () => {
    const { t, ch } = open();
    const a = ch.events();
    const b = ch.events({ names: ['DEMO_DELOBJ'] });
    t.overrun(3);
    t.overrun();
    expect((await take(a, 2)).map(summary)).toEqual(['overrun:kernel:3', 'overrun:kernel:undefined']);
    expect((await take(b, 2)).map(summary)).toEqual(['overrun:kernel:3', 'overrun:kernel:undefined']);
    expect(ch.stats.overruns).toBe(2);
  });

  it('a subscriber that falls behind its bound gets an overrun marker instead of its buffer', async () => {
    const { t, ch } = open();
    const slow = ch.events({ maxBuffered: 2 });
    const fast = ch.events();
    for (let i = 1; i <= 5; i++) t.deliver(obj(i * 100, i, `e${i}`), 1);
    await settle();
    expect((await take(slow, 2)).map(summary)).toEqual(['overrun:subscriber:4', 'DEMO_NEWOBJ/500@1']);
    expect(slow.buffered).toBe(0);
    expect(await take(fast, 5)).toHaveLength(5);
    expect(ch.stats.dropped).toBe(4);
  });

  it('leaving the loop unsubscribes', async () => {
    const { t, ch } = open();
    const events = ch.events();
    t.deliver(obj(0, 1, 'a'), 1);
    for await (const item of events) {
      expect(item.kind).toBe('message');
      break;
    }
    t.deliver(obj(0, 2, 'b'), 1);
    await settle();
    expect(events.buffered).toBe(0);
    expect(await events.next()).toEqual({ done: true, value: undefined });
  });

  it('a name filter narrows the message type', async () => {
    const { t, ch } = open();
    const events = ch.events({ names: ['DEMO_NEWOBJ'] });
    t.deliver(obj(0, 4, 'typed'), 1);
    const [item] = await take(events, 1);
    if (item?.kind !== 'message') throw new Error('expected a message');
    const name: string | undefined = item.message.attrs.name;
    expect([name, item.message.header.index]).toEqual(['typed', 4]);
  });
});
