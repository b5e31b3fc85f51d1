import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { MessageList, MessageView, NLM_F, NetlinkError, NlDecodeError, decodeMessages, encodeMessage, readHeader, viewOf } from '@nlkit/core';
import { NetlinkChannel, type ChannelOptions } from './channel.js';
import { AbortError, ChannelClosedError, DumpInterruptedError, TimeoutError } from './errors.js';
import { ScriptedTransport, ack, demo, done, obj, settle, type Sent } from './test-util.js';
import type { Inbound } from './transport.js';

function open(onSend?: (req: Sent, t: ScriptedTransport) => void, options?: ChannelOptions) {
  const t: ScriptedTransport = new ScriptedTransport(onSend && ((req) => onSend(req, t)));
  return { t, ch: new NetlinkChannel(t, demo, options) };
}

async function collect<T>(source: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of source) out.push(x);
  return out;
}

/** Runs `source` to its end or error; returns what it yielded and the error. */
async function drain<T>(source: AsyncIterable<T>): Promise<{ items: T[]; error: unknown }> {
  const items: T[] = [];
  try {
    for await (const x of source) items.push(x);
  } catch (error) {
    return { items, error };
  }
  return { items, error: undefined };
}

const getObj = { name: 'DEMO_GETOBJ', header: { index: 0 } } as const;

describe('request', () => {
  it('sets NLM_F_REQUEST | NLM_F_ACK, a fresh seq and pid 0, and resolves at the ACK', async () => {
    const { t, ch } = open((req, t) => t.deliver(ack(req.header)));
    expect(await ch.request({ name: 'DEMO_DELOBJ', flags: NLM_F.NONREC, header: { index: 3 } })).toEqual([]);
    expect(await ch.request({ name: 'DEMO_DELOBJ', header: { index: 4 } })).toEqual([]);
    expect(t.sent.map((s) => s.header)).toEqual([
      { len: 20, type: 17, flags: NLM_F.REQUEST | NLM_F.ACK | NLM_F.NONREC, seq: 1, pid: 0 },
      { len: 20, type: 17, flags: NLM_F.REQUEST | NLM_F.ACK, seq: 2, pid: 0 },
    ]);
    expect(ch.stats).toMatchObject({ requests: 2, replies: 2, events: 0, late: 0 });
  });

  it('resolves with the replies that precede the ACK, in one datagram or several', async () => {
    const { ch } = open((req, t) => {
      if (req.header.seq === 1) {
        t.deliver(obj(1, 7, 'eth0'));
        t.deliver(ack(req.header));
      } else t.deliver([obj(req.header.seq, 8, 'eth1'), ack(req.header)]);
    });
    const [first] = await ch.request({ name: 'DEMO_NEWOBJ', flags: NLM_F.ECHO, attrs: { name: 'eth0' } });
    expect(first).toMatchObject({ name: 'DEMO_NEWOBJ', seq: 1, header: { index: 7 }, attrs: { name: 'eth0' } });
    const second = await ch.request(getObj);
    expect(second.map((m) => m.name === 'DEMO_NEWOBJ' && m.attrs.name)).toEqual(['eth1']);
  });

  it('rejects with a NetlinkError carrying the errno, the extended ACK and the request', async () => {
    const { ch } = open((req, t) => t.deliver(ack(req.header, 17, { msg: 'object exists', offs: 20 })));
    const error = await ch.request({ name: 'DEMO_NEWOBJ', flags: NLM_F.CREATE | NLM_F.EXCL }, { operation: 'obj add' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NetlinkError);
    expect(error).toMatchObject({
      errno: 17,
      code: 'EEXIST',
      extack: { message: 'object exists', offset: 20 },
      seq: 1,
      requestType: 16,
      requestName: 'DEMO_NEWOBJ',
      operation: 'obj add',
    });
    expect((error as Error).message).toMatch(/^obj add: EEXIST .*object exists/);
  });

  it('without NLM_F_ACK, resolves at the first reply', async () => {
    const { t, ch } = open((req, t) => t.deliver(obj(req.header.seq, 2, 'lo')));
    const replies = await ch.request(getObj, { ack: false });
    expect(t.sent[0]!.header.flags).toBe(NLM_F.REQUEST);
    expect(replies).toHaveLength(1);
    expect(replies[0]).toMatchObject({ name: 'DEMO_NEWOBJ', header: { index: 2 } });
  });

  it('without NLM_F_ACK, a multipart reply runs to its NLMSG_DONE', async () => {
    const { ch } = open((req, t) => {
      t.deliver([obj(req.header.seq, 1, 'a', NLM_F.MULTI), obj(req.header.seq, 2, 'b', NLM_F.MULTI)]);
      t.deliver(done(req.header.seq));
    });
    expect(await ch.request(getObj, { ack: false })).toHaveLength(2);
  });

  it('lazy replies are views over the received datagram', async () => {
    const datagram = encodeMessage(demo, { name: 'DEMO_NEWOBJ', seq: 1, header: { index: 9 }, attrs: { name: 'wg0', mtu: 1420 } });
    const { ch } = open((req, t) => {
      t.deliver(datagram);
      t.deliver(ack(req.header));
    });
    const [view] = await ch.request(getObj, { lazy: true });
    expect(view).toBeInstanceOf(MessageView);
    expect(view!.view.buffer).toBe(datagram.buffer);
    expect([view!.name, view!.get('mtu'), view!.header]).toEqual(['DEMO_NEWOBJ', 1420, { index: 9 }]);
  });

  it('sequence numbers wrap at 2^32 and skip 0', async () => {
    const { t, ch } = open((req, t) => t.deliver(ack(req.header)), { initialSeq: 0xffffffff });
    await ch.request(getObj);
    await ch.request(getObj);
    expect(t.sent.map((s) => s.header.seq)).toEqual([0xffffffff, 1]);
  });

  it('rejects on bad input without sending', async () => {
    const { t, ch } = open();
    await expect(ch.request({ name: 'DEMO_GETOBJ', header: { index: -1 } })).rejects.toThrow(/DEMO_GETOBJ/);
    expect(t.sent).toHaveLength(0);
  });
});

describe('dump', () => {
  it('yields the messages of several datagrams until NLMSG_DONE', async () => {
    const { t, ch } = open((req, t) => {
      const seq = req.header.seq;
      t.deliver([obj(seq, 1, 'lo', NLM_F.MULTI), obj(seq, 2, 'eth0', NLM_F.MULTI)]);
      t.deliver(obj(seq, 3, 'eth1', NLM_F.MULTI));
      t.deliver(done(seq));
    });
    const got = await collect(ch.dump(getObj));
    expect(got.map((m) => m.name === 'DEMO_NEWOBJ' && m.attrs.name)).toEqual(['lo', 'eth0', 'eth1']);
    expect(t.sent[0]!.header.flags).toBe(NLM_F.REQUEST | NLM_F.DUMP);
    expect(ch.stats).toMatchObject({ requests: 1, replies: 4 });
  });

  it('lazy: views that share the datagrams, not copies', async () => {
    const datagrams: Uint8Array[] = [];
    const { ch } = open((req, t) => {
      const seq = req.header.seq;
      datagrams.push(obj(seq, 1, 'a', NLM_F.MULTI), obj(seq, 2, 'b', NLM_F.MULTI));
      for (const d of datagrams) t.deliver(d);
      t.deliver(done(seq));
    });
    const views = await collect(ch.dump(getObj, { lazy: true }));
    expect(views.map((v) => v.view.buffer)).toEqual(datagrams.map((d) => d.buffer));
    expect(views[0]!.view.buffer).toBe(datagrams[0]!.buffer);
    expect(views.map((v) => v.get('name'))).toEqual(['a', 'b']);
  });

  it('a large dump arrives whole and in order', async () => {
    const { ch } = open((req, t) => {
      for (let d = 0; d < 50; d++) t.deliver(Array.from({ length: 100 }, (_, i) => obj(req.header.seq, d * 100 + i, 'x', NLM_F.MULTI)));
      t.deliver(done(req.header.seq));
    });
    const indexes: number[] = [];
    for await (const m of ch.dump(getObj)) indexes.push((m.header as { index: number }).index);
    expect(indexes).toEqual([...Array(5000).keys()]);
  });

  it('an NLMSG_DONE with a negative code throws NetlinkError after the messages before it', async () => {
    const { ch } = open((req, t) => {
      t.deliver(obj(req.header.seq, 1, 'lo', NLM_F.MULTI));
      t.deliver(done(req.header.seq, { errno: 22, extack: { msg: 'bad filter' } }));
    });
    const { items, error } = await drain(ch.dump(getObj, { operation: 'obj dump' }));
    expect(items).toHaveLength(1);
    expect(error).toBeInstanceOf(NetlinkError);
    expect(error).toMatchObject({ errno: 22, code: 'EINVAL', extack: { message: 'bad filter' }, seq: 1, requestName: 'DEMO_GETOBJ', operation: 'obj dump' });
  });

  it('an NLMSG_ERROR ends a dump with NetlinkError', async () => {
    const { ch } = open((req, t) => t.deliver(ack(req.header, 95)));
    const { items, error } = await drain(ch.dump(getObj));
    expect(items).toEqual([]);
    expect(error).toMatchObject({ name: 'NetlinkError', code: 'EOPNOTSUPP', requestType: 18 });
  });

  const interruptedOnce = (attempts: number) => (req: Sent, t: ScriptedTransport) => {
    const seq = req.header.seq;
    const intr = t.sent.length <= attempts ? NLM_F.DUMP_INTR : 0;
    t.deliver([obj(seq, seq * 10 + 1, `a${seq}`, NLM_F.MULTI), obj(seq, seq * 10 + 2, `b${seq}`, NLM_F.MULTI | intr)]);
    t.deliver(done(seq, { flags: intr }));
  };

  it('NLM_F_DUMP_INTR raises DumpInterruptedError with every message of the dump', async () => {
    const { ch } = open(interruptedOnce(1));
    const { items, error } = await drain(ch.dump(getObj));
    expect(items).toHaveLength(2);
    expect(error).toBeInstanceOf(DumpInterruptedError);
    const e = error as DumpInterruptedError;
    expect([e.attempts, e.seq, e.operation]).toEqual([1, 1, 'DEMO_GETOBJ']);
    expect(e.partial).toEqual(items);
  });

  it('a DUMP_INTR flag on NLMSG_DONE alone counts too', async () => {
    const { ch } = open((req, t) => {
      t.deliver(obj(req.header.seq, 1, 'x', NLM_F.MULTI));
      t.deliver(done(req.header.seq, { flags: NLM_F.DUMP_INTR }));
    });
    await expect(collect(ch.dump(getObj))).rejects.toBeInstanceOf(DumpInterruptedError);
  });

  it('retries re-run an interrupted dump and yield only a consistent attempt', async () => {
    const { t, ch } = open(interruptedOnce(1));
    const got = await collect(ch.dump(getObj, { retries: 2 }));
    expect(t.sent.map((s) => s.header.seq)).toEqual([1, 2]);
    expect(got.map((m) => m.name === 'DEMO_NEWOBJ' && m.attrs.name)).toEqual(['a2', 'b2']);
  });

  it('raises DumpInterruptedError once the retries are used up', async () => {
    const { t, ch } = open(interruptedOnce(Infinity));
    const error = await collect(ch.dump(getObj, { retries: 2 })).catch((e: unknown) => e);
    expect(t.sent).toHaveLength(3);
    expect(error).toMatchObject({ name: 'DumpInterruptedError', attempts: 3, seq: 3 });
    expect((error as DumpInterruptedError<{ seq: number }>).partial.map((m) => m.seq)).toEqual([3, 3]);
  });

  it('leaving a dump early drops the rest of it as late replies', async () => {
    const { t, ch } = open((req, t) => t.deliver(obj(req.header.seq, 1, 'first', NLM_F.MULTI)));
    const events = ch.events();
    for await (const m of ch.dump(getObj)) {
      expect(m.name).toBe('DEMO_NEWOBJ');
      break;
    }
    t.deliver(obj(1, 2, 'second', NLM_F.MULTI));
    t.deliver(done(1));
    await settle();
    expect(ch.stats).toMatchObject({ late: 2, events: 0 });
    expect(events.buffered).toBe(0);
  });
});

describe('dumpAll and dumpBatches', () => {
  const threeInTwo = (req: Sent, t: ScriptedTransport): void => {
    const seq = req.header.seq;
    t.deliver([obj(seq, 1, 'lo', NLM_F.MULTI), obj(seq, 2, 'eth0', NLM_F.MULTI)]);
    t.deliver([obj(seq, 3, 'eth1', NLM_F.MULTI), done(seq)]);
  };

  it('dumpAll resolves with every message up to NLMSG_DONE, decoded or as views', async () => {
    const { t, ch } = open(threeInTwo);
    const all = await ch.dumpAll(getObj);
    expect(all.map((m) => m.name === 'DEMO_NEWOBJ' && m.attrs.name)).toEqual(['lo', 'eth0', 'eth1']);
    expect(t.sent[0]!.header.flags).toBe(NLM_F.REQUEST | NLM_F.DUMP);
    const views = await ch.dumpAll(getObj, { lazy: true });
    expect(views[0]).toBeInstanceOf(MessageView);
    expect(views.map((v) => v.get('name'))).toEqual(['lo', 'eth0', 'eth1']);
    expect(ch.stats).toMatchObject({ requests: 2, replies: 8, late: 0 });
  });

  it('lazy dumpAll: a datagram mixing the dump with another reply, an interrupted message and a broken frame puts each where it belongs', async () => {
    const { t, ch } = open();
    const dump = ch.dumpAll(getObj, { lazy: true }).catch((e: unknown) => e);
    const single = ch.request(getObj);
    await settle();
    const [d, r] = t.sent.map((s) => s.header.seq) as [number, number];
    t.deliver([
      obj(d, 1, 'a', NLM_F.MULTI),
      obj(d, 2, 'b', NLM_F.MULTI),
      obj(r, 9, 'z'),
      obj(d, 3, 'c', NLM_F.MULTI | NLM_F.DUMP_INTR),
      obj(d, 4, 'd', NLM_F.MULTI),
      ack(t.sent[1]!.header),
    ]);
    t.deliver(done(d));
    const error = await dump;
    expect(error).toBeInstanceOf(DumpInterruptedError);
    expect((error as DumpInterruptedError<MessageView>).partial.map((v) => v.get('name'))).toEqual(['a', 'b', 'c', 'd']);
    expect((await single).map((m) => m.name === 'DEMO_NEWOBJ' && m.attrs.name)).toEqual(['z']);
    expect(ch.stats).toMatchObject({ requests: 2, replies: 7, events: 0, late: 0 });

    // A frame that runs past the datagram's end, after good messages of the dump: the dump fails with it.
    const broken = obj(t.sent.length + 1, 6, 'f', NLM_F.MULTI).slice();
    viewOf(broken).setUint32(0, 4096, true);
    const failing = ch.dumpAll(getObj, { lazy: true });
    await settle();
    const seq = t.sent.at(-1)!.header.seq;
    t.deliver([obj(seq, 5, 'e', NLM_F.MULTI), broken]);
    await expect(failing).rejects.toBeInstanceOf(NlDecodeError);
  });

  it('dumpBatches yields the messages a datagram at a time', async () => {
    const { ch } = open(threeInTwo);
    const batches = await collect(ch.dumpBatches(getObj));
    expect(batches.map((b) => b.map((m) => m.name === 'DEMO_NEWOBJ' && m.attrs.name))).toEqual([['lo', 'eth0'], ['eth1']]);
    const lazy = await collect(ch.dumpBatches(getObj, { lazy: true }));
    expect(lazy.map((b) => b.map((v) => v.get('name')))).toEqual([['lo', 'eth0'], ['eth1']]);
    expect(lazy.flat().every((v) => v instanceof MessageView)).toBe(true);
    expect(ch.stats).toMatchObject({ requests: 2, replies: 8 });
  });

  it("lazy: 'list' gives one MessageList (dumpAll) or a list per datagram (dumpBatches) over the same bytes as views", async () => {
    const { t, ch } = open(threeInTwo);
    const list = await ch.dumpAll(getObj, { lazy: 'list' });
    expect(list).toBeInstanceOf(MessageList);
    expect(list.length).toBe(3);
    expect([...list].map((v) => v.get('name'))).toEqual(['lo', 'eth0', 'eth1']);
    expect(list.at(-1)!.get('name')).toBe('eth1');
    // The same bytes the views of a lazy dump see: equal message for message.
    const views = await ch.dumpAll(getObj, { lazy: true });
    expect(list.toArray().map((v) => v.decode())).toEqual(views.map((v) => ({ ...v.decode(), seq: list.at(0)!.seq })));
    const batches = await collect(ch.dumpBatches(getObj, { lazy: 'list' }));
    expect(batches.every((b) => b instanceof MessageList)).toBe(true);
    expect(batches.map((b) => [...b].map((v) => v.get('name')))).toEqual([['lo', 'eth0'], ['eth1']]);
    expect([...MessageList.concat(demo, batches)].map((v) => v.get('name'))).toEqual(['lo', 'eth0', 'eth1']);
    // dump() yields views one at a time either way.
    const one = await collect(ch.dump(getObj, { lazy: 'list' }));
    expect(one.map((v) => v instanceof MessageView && v.get('name'))).toEqual(['lo', 'eth0', 'eth1']);
    expect(ch.stats).toMatchObject({ requests: 4, replies: 16, late: 0 });
    expect(t.sent.every((s) => s.header.flags === (NLM_F.REQUEST | NLM_F.DUMP))).toBe(true);
  });

  it("lazy: 'list' keeps an interrupted message, another request's reply and a broken frame where they belong", async () => {
    const { t, ch } = open();
    const dump = ch.dumpAll(getObj, { lazy: 'list' }).catch((e: unknown) => e);
    const single = ch.request(getObj);
    await settle();
    const [d, r] = t.sent.map((s) => s.header.seq) as [number, number];
    t.deliver([obj(d, 1, 'a', NLM_F.MULTI), obj(r, 9, 'z'), obj(d, 3, 'c', NLM_F.MULTI | NLM_F.DUMP_INTR), obj(d, 4, 'd', NLM_F.MULTI), ack(t.sent[1]!.header)]);
    t.deliver([obj(d, 5, 'e', NLM_F.MULTI), done(d)]);
    const error = await dump;
    expect(error).toBeInstanceOf(DumpInterruptedError);
    expect((error as DumpInterruptedError<MessageView>).partial.map((v) => v.get('name'))).toEqual(['a', 'c', 'd', 'e']);
    expect((await single).map((m) => m.name === 'DEMO_NEWOBJ' && m.attrs.name)).toEqual(['z']);

    // Streamed: the batches before the interruption are handed out, then the error with all of them.
    const streamed = drain(ch.dumpBatches(getObj, { lazy: 'list' }));
    await settle();
    const s = t.sent.at(-1)!.header.seq;
    t.deliver([obj(s, 1, 'p', NLM_F.MULTI), obj(s, 2, 'q', NLM_F.MULTI | NLM_F.DUMP_INTR)]);
    t.deliver(done(s));
    const { items, error: e2 } = await streamed;
    expect(items.flatMap((l) => [...l].map((v) => v.get('name')))).toEqual(['p', 'q']);
    expect((e2 as DumpInterruptedError<MessageView>).partial.map((v) => v.get('name'))).toEqual(['p', 'q']);

    const broken = obj(t.sent.length + 1, 6, 'f', NLM_F.MULTI).slice();
    viewOf(broken).setUint32(0, 4096, true);
    const failing = ch.dumpAll(getObj, { lazy: 'list' });
    await settle();
    const seq = t.sent.at(-1)!.header.seq;
    t.deliver([obj(seq, 5, 'e', NLM_F.MULTI), broken]);
    await expect(failing).rejects.toBeInstanceOf(NlDecodeError);
  });

  it('dumpAll rejects with NetlinkError for a refused dump', async () => {
    const { ch } = open((req, t) => t.deliver(ack(req.header, 95)));
    await expect(ch.dumpAll(getObj)).rejects.toMatchObject({ name: 'NetlinkError', code: 'EOPNOTSUPP' });
  });

  it('dumpAll re-runs an interrupted dump, then fails with DumpInterruptedError holding the last attempt', async () => {
    const interrupted = (always: boolean) => (req: Sent, t: ScriptedTransport) => {
      const seq = req.header.seq;
      const intr = always || t.sent.length <= 1 ? NLM_F.DUMP_INTR : 0;
      t.deliver([obj(seq, seq * 10 + 1, `a${seq}`, NLM_F.MULTI | intr), done(seq)]);
    };
    const ok = open(interrupted(false));
    expect((await ok.ch.dumpAll(getObj, { retries: 1 })).map((m) => m.seq)).toEqual([2]);
    const bad = open(interrupted(true));
    const error = await bad.ch.dumpAll(getObj, { retries: 2 }).catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'DumpInterruptedError', attempts: 3, seq: 3 });
    expect((error as DumpInterruptedError<{ seq: number }>).partial.map((m) => m.seq)).toEqual([3]);
    const streamed = open(interrupted(true));
    const { items, error: e2 } = await drain(streamed.ch.dumpBatches(getObj));
    expect(items.flat().map((m) => m.seq)).toEqual([1]);
    expect(e2).toMatchObject({ name: 'DumpInterruptedError', attempts: 1 });
  });

  it('dumpAll times out, and aborts', async () => {
    const { ch } = open((req, t) => t.deliver(obj(req.header.seq, 1, 'a', NLM_F.MULTI)));
    await expect(ch.dumpAll(getObj, { timeoutMs: 20 })).rejects.toBeInstanceOf(TimeoutError);
    const controller = new AbortController();
    const p = ch.dumpAll(getObj, { signal: controller.signal });
    controller.abort('stop');
    await expect(p).rejects.toMatchObject({ name: 'AbortError', cause: 'stop' });
    await expect(ch.dumpAll(getObj, { signal: controller.signal })).rejects.toBeInstanceOf(AbortError);
  });

  it('dumpAll rejects once the channel closes', async () => {
    const { ch } = open(() => {});
    const p = ch.dumpAll(getObj);
    await ch.close();
    await expect(p).rejects.toBeInstanceOf(ChannelClosedError);
    await expect(ch.dumpAll(getObj)).rejects.toBeInstanceOf(ChannelClosedError);
    await expect(ch.request(getObj)).rejects.toBeInstanceOf(ChannelClosedError);
  });
});

describe('many requests at once', () => {
  it('matches every reply to its request whatever the order (property)', async () => {
    const n = 1000;
    await fc.assert(
      fc.asyncProperty(fc.shuffledSubarray([...Array(n).keys()], { minLength: n, maxLength: n }), fc.boolean(), async (order, split) => {
        const { t, ch } = open(undefined, { maxInFlight: Infinity });
        const pending = Array.from({ length: n }, (_, i) => ch.request({ name: 'DEMO_GETOBJ', header: { index: i } }));
        for (const k of order) {
          const req = t.sent[k]!;
          const index = (decodeMessages(demo, req.bytes)[0]!.header as { index: number }).index;
          const reply = obj(req.header.seq, index, `obj${index}`);
          if (split) {
            t.deliver(reply);
            t.deliver(ack(req.header));
          } else t.deliver([reply, ack(req.header)]);
        }
        const results = await Promise.all(pending);
        results.forEach((replies, i) => expect(replies).toMatchObject([{ header: { index: i }, attrs: { name: `obj${i}` } }]));
        expect(new Set(t.sent.map((s) => s.header.seq)).size).toBe(n);
        expect(ch.stats).toMatchObject({ requests: n, replies: 2 * n, events: 0, late: 0 });
      }),
      { numRuns: 20 },
    );
  });
});

describe('requests in flight', () => {
  it('puts at most maxInFlight on the wire and sends the rest as answers come', async () => {
    const { t, ch } = open(undefined, { maxInFlight: 3 });
    const pending = Array.from({ length: 10 }, (_, i) => ch.request({ name: 'DEMO_GETOBJ', header: { index: i } }));
    await new Promise((r) => setTimeout(r, 0));
    expect(t.sent.length).toBe(3);
    const answered = new Set<number>();
    while (answered.size < 10) {
      const next = t.sent.find((s) => !answered.has(s.header.seq))!;
      answered.add(next.header.seq);
      t.deliver(ack(next.header));
      await new Promise((r) => setTimeout(r, 0));
      expect(t.sent.length - answered.size).toBeLessThanOrEqual(3);
    }
    expect((await Promise.all(pending)).length).toBe(10);
    expect(t.sent.length).toBe(10);
  });

  it('never sends a waiting request that was given up', async () => {
    const { t, ch } = open(undefined, { maxInFlight: 1 });
    const first = ch.request({ name: 'DEMO_GETOBJ', header: { index: 1 } });
    const ctl = new AbortController();
    const second = ch.request({ name: 'DEMO_GETOBJ', header: { index: 2 } }, { signal: ctl.signal });
    ctl.abort();
    await expect(second).rejects.toBeInstanceOf(AbortError);
    t.deliver(ack(t.sent[0]!.header));
    await first;
    await new Promise((r) => setTimeout(r, 0));
    expect(t.sent.length).toBe(1);
  });
});

describe('timeouts and abort', () => {
  it('a timeout rejects with TimeoutError; the late reply is dropped and counted', async () => {
    const { t, ch } = open();
    const events = ch.events();
    const error = await ch.request(getObj, { timeoutMs: 5, operation: 'obj get' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TimeoutError);
    expect(error).toMatchObject({ name: 'TimeoutError', seq: 1, operation: 'obj get', timeoutMs: 5 });
    t.deliver([obj(1, 1, 'late'), ack(t.sent[0]!.header)]);
    await settle();
    expect(ch.stats).toMatchObject({ late: 2, events: 0 });
    expect(events.buffered).toBe(0);
    t.onSend = (req) => t.deliver(ack(req.header));
    await expect(ch.request(getObj)).resolves.toEqual([]);
  });

  it('the channel-wide timeoutMs applies unless a call overrides it', async () => {
    const { t, ch } = open(undefined, { timeoutMs: 5 });
    await expect(ch.request(getObj)).rejects.toBeInstanceOf(TimeoutError);
    const slow = ch.request(getObj, { timeoutMs: Infinity });
    await new Promise((r) => setTimeout(r, 20));
    t.deliver(ack(t.sent[1]!.header));
    await expect(slow).resolves.toEqual([]);
  });

  it('a dump times out until its NLMSG_DONE arrives, after the messages already received', async () => {
    const { ch } = open((req, t) => t.deliver(obj(req.header.seq, 1, 'one', NLM_F.MULTI)));
    const { items, error } = await drain(ch.dump(getObj, { timeoutMs: 5 }));
    expect(items).toHaveLength(1);
    expect(error).toBeInstanceOf(TimeoutError);
  });

  it('an aborted signal rejects with AbortError before anything is sent', async () => {
    const { t, ch } = open();
    const reason = new Error('user gave up');
    const error = await ch.request(getObj, { signal: AbortSignal.abort(reason) }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AbortError);
    expect((error as AbortError).cause).toBe(reason);
    expect(t.sent).toHaveLength(0);
  });

  it('aborting a pending request rejects it and drops its late reply', async () => {
    const { t, ch } = open();
    const controller = new AbortController();
    const pending = ch.request(getObj, { signal: controller.signal });
    await settle();
    controller.abort();
    await expect(pending).rejects.toMatchObject({ name: 'AbortError', seq: 1 });
    t.deliver(ack(t.sent[0]!.header));
    await settle();
    expect(ch.stats.late).toBe(1);
  });

  it('aborting stops a dump at its next message', async () => {
    const controller = new AbortController();
    const { ch } = open((req, t) => {
      t.deliver([obj(req.header.seq, 1, 'a', NLM_F.MULTI), obj(req.header.seq, 2, 'b', NLM_F.MULTI)]);
      t.deliver(done(req.header.seq));
    });
    const seen: string[] = [];
    const error = await (async () => {
      for await (const m of ch.dump(getObj, { signal: controller.signal })) {
        seen.push(m.name);
        controller.abort();
      }
    })().catch((e: unknown) => e);
    expect(seen).toEqual(['DEMO_NEWOBJ']);
    expect(error).toBeInstanceOf(AbortError);
  });
});

describe('close', () => {
  it('rejects pending requests and dumps, ends event streams, and is idempotent', async () => {
    const { t, ch } = open();
    const request = ch.request(getObj);
    const dump = drain(ch.dump(getObj));
    const events = ch.events();
    const ended = collect(events);
    await settle();
    const first = ch.close();
    expect(ch.close()).toBe(first);
    await first;
    await expect(request).rejects.toBeInstanceOf(ChannelClosedError);
    expect((await dump).error).toBeInstanceOf(ChannelClosedError);
    expect(await ended).toEqual([]);
    expect(t.closeCalls).toBe(1);
    expect(ch.closed).toBe(true);
    await expect(ch.request(getObj)).rejects.toThrow(/closed/);
    expect(await collect(ch.events())).toEqual([]);
  });

  it('the end of the transport stream closes the channel', async () => {
    const { t, ch } = open();
    const request = ch.request(getObj);
    const events = collect(ch.events());
    t.end();
    await expect(request).rejects.toThrow('netlink transport ended');
    expect(await events).toEqual([]);
    expect(ch.closed).toBe(true);
  });

  it('a failing transport rejects pending requests and event streams with the cause', async () => {
    const { t, ch } = open();
    const request = ch.request(getObj);
    const events = drain(ch.events());
    const cause = new Error('EBADF');
    t.end(cause);
    await expect(request).rejects.toMatchObject({ name: 'ChannelClosedError', cause });
    expect((await events).error).toMatchObject({ name: 'ChannelClosedError', cause });
    expect(t.closeCalls).toBe(1);
  });

  it('a failed send rejects the request with the transport error', async () => {
    const { t, ch } = open();
    t.send = async () => {
      throw new Error('ENOBUFS');
    };
    await expect(ch.request(getObj)).rejects.toThrow('ENOBUFS');
  });
});

describe('a transport that can send at once (sendNow)', () => {
  /**
   * Sends through `sendNow` as scripted by `now` (true: sent, and the kernel's
   * answer is ready for takeNow; false: not now; or a throw), counting the
   * calls of each method.
   */
  class AtOnce extends ScriptedTransport {
    calls = { sendNow: 0, send: 0 };
    readonly #ready: Inbound[] = [];
    constructor(readonly now: (req: Sent) => boolean) {
      super();
    }
    sendNow(bytes: Uint8Array): boolean {
      this.calls.sendNow++;
      const req = { bytes, header: readHeader(viewOf(bytes), 0) };
      if (!this.now(req)) return false;
      this.sent.push(req);
      this.#ready.push({ bytes: ack(req.header), group: 0 });
      return true;
    }
    override send(bytes: Uint8Array): Promise<void> {
      this.calls.send++;
      return super.send(bytes);
    }
    takeNow(): Inbound | undefined {
      return this.#ready.shift();
    }
  }

  it('sends with sendNow and settles from takeNow, with no send() and nothing through the receive stream', async () => {
    const t = new AtOnce(() => true);
    const ch = new NetlinkChannel(t, demo);
    for (let i = 0; i < 5; i++) expect(await ch.request({ name: 'DEMO_DELOBJ', header: { index: i } })).toEqual([]);
    expect(t.calls).toEqual({ sendNow: 5, send: 0 });
    expect(t.sent.map((r) => r.header.seq)).toEqual([1, 2, 3, 4, 5]);
    expect(ch.stats.replies).toBe(5);
  });

  it('a sendNow that throws rejects its request at once and frees its place for the next', async () => {
    let fail = true;
    const t = new AtOnce(() => {
      if (fail) {
        fail = false;
        throw new Error('EBADF from sendNow');
      }
      return true;
    });
    const ch = new NetlinkChannel(t, demo, { maxInFlight: 1 });
    await expect(ch.request(getObj)).rejects.toThrow('EBADF from sendNow');
    expect(await ch.request({ name: 'DEMO_DELOBJ', header: { index: 1 } })).toEqual([]);
    expect(t.calls).toEqual({ sendNow: 2, send: 0 });
  });

  it('when sendNow cannot send now, the request goes through send() and its reply through the receive stream', async () => {
    const t = new AtOnce(() => false);
    t.onSend = (req) => t.deliver(ack(req.header));
    const ch = new NetlinkChannel(t, demo);
    expect(await ch.request({ name: 'DEMO_DELOBJ', header: { index: 7 } })).toEqual([]);
    expect(t.calls).toEqual({ sendNow: 1, send: 1 });
    expect(t.sent).toHaveLength(1);
  });
});

describe('malformed input', () => {
  /** `bytes` with the u32 at `offset` replaced. */
  const patch = (bytes: Uint8Array, offset: number, value: number, size: 2 | 4 = 4): Uint8Array => {
    const copy = bytes.slice();
    if (size === 4) viewOf(copy).setUint32(offset, value, true);
    else viewOf(copy).setUint16(offset, value, true);
    return copy;
  };

  it('a datagram with a broken frame fails the request it belongs to, and the loop goes on', async () => {
    const { t, ch } = open();
    const broken = ch.request(getObj);
    const events = ch.events();
    await settle();
    t.deliver(patch(obj(1, 1, 'x'), 0, 4096));
    await expect(broken).rejects.toBeInstanceOf(NlDecodeError);
    t.deliver(ack(t.sent[0]!.header));
    t.onSend = (req) => t.deliver(ack(req.header));
    await expect(ch.request(getObj)).resolves.toEqual([]);
    expect(ch.stats).toMatchObject({ decodeErrors: 1, late: 1 });
    expect(events.buffered).toBe(0);
  });

  it('a reply whose attributes do not decode fails its request; its ACK is then dropped', async () => {
    const { ch } = open((req, t) => {
      const reply = encodeMessage(demo, { name: 'DEMO_NEWOBJ', seq: req.header.seq, header: { index: 1 }, attrs: { mtu: 1500 } });
      t.deliver(patch(reply, 20, 200, 2)); // nla_len of IFLA_MTU-like attribute past the end
      t.deliver(ack(req.header));
    });
    const error = await ch.request(getObj).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NlDecodeError);
    expect((error as NlDecodeError).path[0]).toBe('DEMO_NEWOBJ');
    await settle();
    expect(ch.stats).toMatchObject({ decodeErrors: 1, late: 1, events: 0 });
  });

  it('a corrupt event datagram reaches subscribers as an error item', async () => {
    const { t, ch } = open();
    const events = ch.events();
    t.deliver(new Uint8Array(7), 1);
    t.deliver(patch(obj(0, 1, 'x'), 20, 200, 2), 1);
    t.deliver(obj(0, 2, 'ok'), 1);
    const items = [await events.next(), await events.next(), await events.next()].map((r) => r.value);
    expect(items.map((i) => i?.kind)).toEqual(['error', 'error', 'message']);
    expect(items[0]).toMatchObject({ group: 1, error: { name: 'NlDecodeError' } });
    expect(ch.stats.decodeErrors).toBe(2);
  });
});
