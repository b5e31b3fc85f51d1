import { describe, expect, it } from 'vitest';
import { NLM_F, NetlinkError, concatBytes, decodeMessages, encodeMessage, type AnyMessage } from '@nlkit/core';
import { rtnl } from '@nlkit/rtnl';
import { ChannelClosedError, NetlinkChannel, type Inbound } from '@nlkit/transport';
import { NotDoneError, UnmatchedRequestError } from './errors.js';
import { FakeTransport, type FakeTransportOptions } from './fake.js';
import { collect, take } from './test-util.js';

const RTNLGRP_LINK = 1;
const RTNLGRP_IPV4_IFADDR = 5;

function open(options?: FakeTransportOptions) {
  const fake = new FakeTransport(rtnl, options);
  return { fake, channel: new NetlinkChannel(fake, rtnl) };
}



/** Every datagram the fake delivers until `n` have arrived, read straight from the transport. */
async function inbound(fake: FakeTransport<typeof rtnl>, n: number): Promise<Inbound[]> {
  const out: Inbound[] = [];
  const it = fake.receive()[Symbol.asyncIterator]();
  while (out.length < n) out.push((await it.next()).value as Inbound);
  return out;
}

function decoded(item: Inbound): AnyMessage<typeof rtnl>[] {
  if (!('bytes' in item)) throw new Error('expected a datagram');
  return decodeMessages(rtnl, item.bytes);
}

const lo = { name: 'RTM_NEWLINK', header: { index: 1 }, attrs: { ifname: 'lo', mtu: 65536 } } as const;
const eth0 = { name: 'RTM_NEWLINK', header: { index: 2 }, attrs: { ifname: 'eth0', mtu: 1500 } } as const;

describe('FakeTransport with NetlinkChannel', () => {
  it('ACKs a request that has NLM_F_ACK and records it', async () => {
    const { fake, channel } = open();
    fake.on('RTM_DELLINK');
    expect(await channel.request({ name: 'RTM_DELLINK', header: { index: 7 } })).toEqual([]);
    expect(fake.requests).toHaveLength(1);
    const req = fake.expectRequest('RTM_DELLINK', { flags: NLM_F.REQUEST | NLM_F.ACK, header: { index: 7 } });
    expect(req.message).toMatchObject({ seq: 1, pid: 0, header: { index: 7 } });
    expect(req.bytes).toEqual(encodeMessage(rtnl, { name: 'RTM_DELLINK', flags: NLM_F.REQUEST | NLM_F.ACK, seq: 1, header: { index: 7 } }));
    fake.assertDone();
  });

  it('the ACK is an NLMSG_ERROR with error 0, the request header, the request seq and the fake port id', async () => {
    const fake = new FakeTransport(rtnl, { portId: 99 });
    fake.on('RTM_DELLINK');
    const request = encodeMessage(rtnl, { name: 'RTM_DELLINK', flags: NLM_F.REQUEST | NLM_F.ACK, seq: 31, pid: 5, header: { index: 7 } });
    await fake.send(request);
    const [ack] = decoded((await inbound(fake, 1))[0]!);
    expect(ack).toMatchObject({
      name: 'NLMSG_ERROR',
      flags: NLM_F.CAPPED,
      seq: 31,
      pid: 99,
      header: { error: 0, msg: { len: request.length, type: 17, flags: NLM_F.REQUEST | NLM_F.ACK, seq: 31, pid: 5 } },
    });
  });

  it('answers a GET with its reply then the ACK, seq and pid filled in', async () => {
    const { fake, channel } = open({ portId: 321 });
    fake.on('RTM_GETLINK', eth0);
    const replies = await channel.request({ name: 'RTM_GETLINK', header: { index: 2 } });
    expect(replies).toEqual([{ name: 'RTM_NEWLINK', type: 16, flags: 0, seq: 1, pid: 321, header: { family: 0, type: 0, index: 2, flags: 0, change: 0 }, attrs: { ifname: 'eth0', mtu: 1500 } }]);
  });

  it('a request without NLM_F_ACK gets its reply alone', async () => {
    const { fake, channel } = open();
    fake.on('RTM_GETLINK', eth0);
    expect(await channel.request({ name: 'RTM_GETLINK', header: { index: 2 } }, { ack: false })).toHaveLength(1);
    await fake.send(encodeMessage(rtnl, { name: 'RTM_GETLINK', flags: NLM_F.REQUEST, seq: 9 }));
    expect((await inbound(fake, 1)).map(decoded).map((d) => d.map((m) => m.name))).toEqual([['RTM_NEWLINK']]);
  });

  it('an error becomes a NetlinkError with the errno and the extended ACK', async () => {
    const { fake, channel } = open();
    fake.on('RTM_NEWLINK', { error: 'EEXIST', message: 'File exists', offset: 36 });
    const error = await channel.request({ name: 'RTM_NEWLINK', flags: NLM_F.CREATE | NLM_F.EXCL, attrs: { ifname: 'dummy0' } }, { operation: 'link add' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NetlinkError);
    expect(error).toMatchObject({ errno: 17, code: 'EEXIST', extack: { message: 'File exists', offset: 36 }, seq: 1, requestType: 16, requestName: 'RTM_NEWLINK', operation: 'link add' });
    expect((error as Error).message).toBe('link add: EEXIST (File exists): File exists [attribute at byte 36] (seq 1)');
  });

  it('an error echoes the request payload unless capAck; errno numbers work too', async () => {
    const request = encodeMessage(rtnl, { name: 'RTM_NEWLINK', flags: NLM_F.REQUEST | NLM_F.ACK, seq: 4, attrs: { ifname: 'x' } });
    for (const capAck of [false, true]) {
      const fake = new FakeTransport(rtnl, { capAck });
      fake.on('RTM_NEWLINK', { error: 1 });
      await fake.send(request);
      const [error] = decoded((await inbound(fake, 1))[0]!);
      expect(error).toMatchObject({ name: 'NLMSG_ERROR', seq: 4, flags: capAck ? NLM_F.CAPPED : 0, header: { error: -1 }, attrs: {} });
      expect((error!.header as { payload?: Uint8Array }).payload).toEqual(capAck ? undefined : request.subarray(16));
    }
  });

  it('rejects an unknown errno name when the handler is added', () => {
    const fake = new FakeTransport(rtnl);
    expect(() => fake.on('RTM_NEWLINK', { error: 'ENOTANERRNO' })).toThrow(RangeError);
    expect(() => fake.on('RTM_NEWLINK', undefined, { times: 0 })).toThrow(/positive integer/);
  });

  it('answers a dump with multipart messages and NLMSG_DONE', async () => {
    const { fake, channel } = open({ portId: 50 });
    fake.on('RTM_GETLINK', [lo, eth0]);
    const links = await collect(channel.dump({ name: 'RTM_GETLINK' }));
    expect(links.map((l) => [l.name, l.flags, l.seq, l.pid, l.name === 'RTM_NEWLINK' && l.attrs.ifname])).toEqual([
      ['RTM_NEWLINK', NLM_F.MULTI, 1, 50, 'lo'],
      ['RTM_NEWLINK', NLM_F.MULTI, 1, 50, 'eth0'],
    ]);
    await fake.send(encodeMessage(rtnl, { name: 'RTM_GETLINK', flags: NLM_F.REQUEST | NLM_F.DUMP, seq: 8 }));
    const [datagram] = await inbound(fake, 1);
    expect(decoded(datagram!).map((m) => [m.name, m.seq])).toEqual([['RTM_NEWLINK', 8], ['RTM_NEWLINK', 8], ['NLMSG_DONE', 8]]);
  });

  it('an empty array is an empty dump; a single message answers a dump as a one-message dump', async () => {
    const { fake, channel } = open();
    fake.on('RTM_GETADDR', []);
    fake.on('RTM_GETLINK', lo);
    expect(await collect(channel.dump({ name: 'RTM_GETADDR' }))).toEqual([]);
    expect((await collect(channel.dump({ name: 'RTM_GETLINK' }))).map((l) => l.flags)).toEqual([NLM_F.MULTI]);
  });

  it('a function responder gets the decoded request, typed by the matcher, and may be async', async () => {
    const { fake, channel } = open();
    const links = [lo, eth0];
    fake.on('RTM_GETLINK', async (req) => {
      await Promise.resolve();
      return links.find((l) => l.header.index === req.header.index) ?? { error: 'ENODEV' };
    });
    const [found] = await channel.request({ name: 'RTM_GETLINK', header: { index: 2 } });
    expect(found).toMatchObject({ attrs: { ifname: 'eth0' } });
    await expect(channel.request({ name: 'RTM_GETLINK', header: { index: 3 } })).rejects.toMatchObject({ code: 'ENODEV' });
  });

  it('answers concurrent requests in the order they were sent, whatever the responders take', async () => {
    const { fake, channel } = open();
    let slow = true;
    fake.on('RTM_GETLINK', async () => {
      if (slow) {
        slow = false;
        await new Promise((r) => setTimeout(r, 20));
      }
      return eth0;
    });
    const order: number[] = [];
    await Promise.all([1, 2, 3].map((i) => channel.request({ name: 'RTM_GETLINK', header: { index: i } }).then(() => order.push(i))));
    expect(order).toEqual([1, 2, 3]);
  });

  it('matches partial objects and predicates; the first handler with uses left answers', async () => {
    const { fake, channel } = open();
    fake.once('RTM_NEWLINK', { error: 'EBUSY' });
    fake.on({ name: 'RTM_NEWLINK', attrs: { ifname: 'taken' } }, { error: 'EEXIST' });
    fake.on((m) => m.name === 'RTM_NEWLINK' && (m.flags & NLM_F.CREATE) !== 0);
    const add = (ifname: string, flags: number = NLM_F.CREATE) =>
      channel.request({ name: 'RTM_NEWLINK', flags, attrs: { ifname } }).then(
        () => 'ok',
        (e: Error) => (e instanceof NetlinkError ? e.code : e.name),
      );
    expect(await add('taken')).toBe('EBUSY');
    expect(await add('taken')).toBe('EEXIST');
    expect(await add('free')).toBe('ok');
    expect(await add('free', 0)).toBe('UnmatchedRequestError');
  });

  it('a removed handler no longer answers; calls counts its answers', async () => {
    const { fake, channel } = open();
    const first = fake.on('RTM_DELLINK', { error: 'EPERM' });
    fake.on('RTM_DELLINK');
    await expect(channel.request({ name: 'RTM_DELLINK' })).rejects.toMatchObject({ code: 'EPERM' });
    first.remove();
    first.remove();
    await channel.request({ name: 'RTM_DELLINK' });
    expect(first.calls).toBe(1);
  });

  it('fails an unmatched request with UnmatchedRequestError naming it and the handlers', async () => {
    const { fake, channel } = open();
    fake.on('RTM_GETLINK', []);
    fake.on({ name: 'RTM_NEWLINK', attrs: { ifname: 'eth0' } });
    const error = await channel.request({ name: 'RTM_NEWLINK', attrs: { ifname: 'eth1' } }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UnmatchedRequestError);
    const message = (error as Error).message;
    expect(message).toMatch(/^FakeTransport: no handler matches RTM_NEWLINK:/);
    expect(message).toContain('["IFLA_IFNAME", "eth1"]');
    expect(message).toContain('  RTM_GETLINK\n');
    expect(message).toContain('"attrs": {"ifname": "eth0"}');
    expect((error as UnmatchedRequestError<typeof rtnl>).request).toMatchObject({ name: 'RTM_NEWLINK', attrs: { ifname: 'eth1' } });
    expect(fake.unmatched).toHaveLength(1);
    expect(() => fake.assertDone()).toThrow(NotDoneError);
    // The channel goes on.
    expect(await collect(channel.dump({ name: 'RTM_GETLINK' }))).toEqual([]);
  });

  it("with unmatched: 'eopnotsupp', an unmatched request gets EOPNOTSUPP, and assertDone reports it", async () => {
    const { fake, channel } = open({ unmatched: 'eopnotsupp' });
    const error = await channel.request({ name: 'RTM_SETLINK', header: { index: 1 } }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'EOPNOTSUPP', extack: { message: 'FakeTransport: no handler for RTM_SETLINK' } });
    expect(() => fake.assertDone()).toThrow(/unmatched request:\n {2}\{\n {4}"type": "RTM_SETLINK"/);
  });

  it('assertDone reports handlers with uses left and responders that threw', async () => {
    const { fake, channel } = open();
    fake.on('RTM_GETLINK', lo, { times: 2 });
    fake.on('RTM_DELLINK', () => {
      throw new Error('boom');
    });
    await channel.request({ name: 'RTM_GETLINK' });
    await expect(channel.request({ name: 'RTM_DELLINK' })).rejects.toThrow('boom');
    const error = (() => {
      try {
        fake.assertDone();
      } catch (e) {
        return e as NotDoneError;
      }
    })();
    expect(error?.problems).toEqual(['responder for RTM_DELLINK failed on RTM_DELLINK: boom', 'handler for RTM_GETLINK answered 1 of its 2 requests']);
  });

  it('expectRequest shows the requests of that name when none matches', async () => {
    const { fake, channel } = open();
    fake.on('RTM_NEWLINK');
    await channel.request({ name: 'RTM_NEWLINK', attrs: { ifname: 'eth0', mtu: 1500 } });
    expect(fake.expectRequest('RTM_NEWLINK', { attrs: { mtu: 1500 } }).message.attrs.ifname).toBe('eth0');
    expect(() => fake.expectRequest('RTM_NEWLINK', { attrs: { mtu: 9000 } })).toThrow(/"mtu": 9000[\s\S]*RTM_NEWLINK #1:[\s\S]*\["IFLA_MTU", 1500\]/);
    expect(() => fake.expectRequest('RTM_DELLINK')).toThrow('no RTM_DELLINK request at all; received: RTM_NEWLINK');
  });

  it('answers every message of a batched datagram, in order', async () => {
    const fake = new FakeTransport(rtnl);
    fake.on('RTM_DELLINK');
    fake.on('RTM_GETLINK', eth0);
    const batch = concatBytes([
      encodeMessage(rtnl, { name: 'RTM_DELLINK', flags: NLM_F.REQUEST | NLM_F.ACK, seq: 1 }),
      encodeMessage(rtnl, { name: 'RTM_GETLINK', flags: NLM_F.REQUEST, seq: 2 }),
    ]);
    await fake.send(batch);
    expect((await inbound(fake, 2)).flatMap(decoded).map((m) => [m.name, m.seq])).toEqual([['NLMSG_ERROR', 1], ['RTM_NEWLINK', 2]]);
    expect(fake.requests.map((r) => r.message.name)).toEqual(['RTM_DELLINK', 'RTM_GETLINK']);
  });
});

describe('FakeTransport events', () => {
  it('emits multicast events on joined groups to channel subscribers', async () => {
    const { fake, channel } = open({ groups: [RTNLGRP_LINK] });
    fake.addMembership(RTNLGRP_IPV4_IFADDR);
    expect(fake.info.groups).toEqual([RTNLGRP_LINK, RTNLGRP_IPV4_IFADDR]);
    const events = channel.events();
    fake.emit(RTNLGRP_LINK, eth0);
    fake.emit(RTNLGRP_IPV4_IFADDR, [
      { name: 'RTM_NEWADDR', header: { family: 2, prefixlen: 24, index: 2 }, attrs: { local: '10.0.0.1' } },
      { name: 'RTM_DELADDR', header: { family: 2, prefixlen: 24, index: 2 }, attrs: { local: '10.0.0.2' } },
    ]);
    fake.overrun(3);
    fake.overrun();
    const items = await take(events, 5);
    expect(items.map((i) => (i.kind === 'message' ? [i.message.name, i.group] : [i.kind, i.kind === 'overrun' && i.lost]))).toEqual([
      ['RTM_NEWLINK', RTNLGRP_LINK],
      ['RTM_NEWADDR', RTNLGRP_IPV4_IFADDR],
      ['RTM_DELADDR', RTNLGRP_IPV4_IFADDR],
      ['overrun', 3],
      ['overrun', undefined],
    ]);
  });

  it('refuses to emit on a group not joined', () => {
    const fake = new FakeTransport(rtnl, { groups: [RTNLGRP_LINK] });
    fake.dropMembership(RTNLGRP_LINK);
    expect(() => fake.emit(RTNLGRP_LINK, eth0)).toThrow('cannot emit on group 1, which the transport has not joined (joined: none)');
    expect(() => fake.emit(0, eth0)).not.toThrow();
  });

  it("events a responder emits arrive before the request's replies, as the kernel's notifications precede its ACK", async () => {
    const fake = new FakeTransport(rtnl, { groups: [RTNLGRP_LINK] });
    fake.on('RTM_NEWLINK', (req) => {
      fake.emit(RTNLGRP_LINK, { name: 'RTM_NEWLINK', header: { index: 9 }, attrs: { ifname: req.attrs.ifname } });
    });
    await fake.send(encodeMessage(rtnl, { name: 'RTM_NEWLINK', flags: NLM_F.REQUEST | NLM_F.ACK, seq: 3, attrs: { ifname: 'dummy0' } }));
    const items = await inbound(fake, 2);
    expect(items.map((i) => ('group' in i ? i.group : undefined))).toEqual([RTNLGRP_LINK, 0]);
    expect(items.flatMap(decoded).map((m) => [m.name, m.seq, m.name === 'RTM_NEWLINK' && m.attrs.ifname])).toEqual([
      ['RTM_NEWLINK', 0, 'dummy0'],
      ['NLMSG_ERROR', 3, false],
    ]);
  });

  it('fail() closes the channel with the error as the cause; close() makes send reject', async () => {
    const { fake, channel } = open();
    const events = channel.events();
    const boom = new Error('socket gone');
    fake.fail(boom);
    const error = await events.next().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ChannelClosedError);
    expect((error as Error).cause).toBe(boom);
    await fake.close();
    await expect(fake.send(encodeMessage(rtnl, { name: 'RTM_GETLINK', flags: NLM_F.REQUEST }))).rejects.toThrow('FakeTransport: send on a closed (or failed) transport');
  });

  it('deliver() queues a raw datagram, for replies no handler can express', async () => {
    const { fake, channel } = open();
    fake.on('RTM_GETLINK', (req) => {
      const reply = encodeMessage(rtnl, { ...eth0, seq: req.seq });
      reply[32] = 200; // the first attribute's nla_len now runs past the message
      fake.deliver(reply);
    });
    await expect(channel.request({ name: 'RTM_GETLINK' }, { ack: false })).rejects.toThrow(/attribute length 200 runs past the end/);
  });
});
