import { describe, expect, it } from 'vitest';
import { NLM_F, NetlinkError, concatBytes, decodeMessages, encodeMessage, encodeMessages, type AnyInput, type AnyMessage } from '@nlkit/core';
import { GROUP_COMMENT_PREFIX, OVERRUN_COMMENT, PcapStreamWriter, PcapWriter, readCapture, recordTransport, type CaptureFormat } from '@nlkit/pcap';
import { RTM, rtnl } from '@nlkit/rtnl';
import { ChannelClosedError, NetlinkChannel, isOverrun, type Inbound, type Transport } from '@nlkit/transport';
import { NotDoneError, ReplayMismatchError } from './errors.js';
import { FakeTransport } from './fake.js';
import { ReplayTransport } from './replay.js';
import { collect, take } from './test-util.js';

type Rtnl = typeof rtnl;
type Msg = AnyMessage<Rtnl>;
const RTNLGRP_LINK = 1;
const RECORDED_PORT = 4242;



/** Reads `n` items straight from a transport's stream (the same iterator each call). */
function reader(t: Transport): (n: number) => Promise<Inbound[]> {
  const it = t.receive()[Symbol.asyncIterator]();
  return async (n) => {
    const out: Inbound[] = [];
    while (out.length < n) {
      const r = await it.next();
      if (r.done) throw new Error('stream ended');
      out.push(r.value);
    }
    return out;
  };
}

function messagesOf(item: Inbound): Msg[] {
  if (isOverrun(item)) return [];
  return decodeMessages(rtnl, item.bytes);
}

/** A message without the fields a replay rewrites. */
function unstamped(m: Msg): Omit<Msg, 'seq' | 'pid'> {
  const { seq: _seq, pid: _pid, ...rest } = m;
  return rest;
}

const lo = { name: 'RTM_NEWLINK', header: { index: 1 }, attrs: { ifname: 'lo', mtu: 65536 } } as const;
const eth0 = { name: 'RTM_NEWLINK', header: { index: 2 }, attrs: { ifname: 'eth0', mtu: 1500 } } as const;
const addrs = [
  { name: 'RTM_NEWADDR', header: { family: 2, prefixlen: 8, index: 1 }, attrs: { local: '127.0.0.1', label: 'lo' } },
  { name: 'RTM_NEWADDR', header: { family: 2, prefixlen: 24, index: 2 }, attrs: { local: '10.0.0.2', label: 'eth0' } },
] as const;
const dummy0 = { name: 'RTM_NEWLINK', flags: NLM_F.CREATE | NLM_F.EXCL, attrs: { ifname: 'dummy0', mtu: 1400 } } as const;

/** The kernel of the recorded session. */
function scriptedKernel(): FakeTransport<Rtnl> {
  const fake = new FakeTransport(rtnl, { groups: [RTNLGRP_LINK], portId: RECORDED_PORT });
  fake.on({ name: 'RTM_GETLINK', flags: NLM_F.DUMP }, [lo, eth0]);
  fake.on({ name: 'RTM_GETLINK', header: { index: 2 } }, eth0);
  fake.once('RTM_NEWLINK', (req) => {
    fake.emit(RTNLGRP_LINK, { name: 'RTM_NEWLINK', header: { index: 3 }, attrs: { ifname: req.attrs.ifname } });
  });
  fake.on('RTM_NEWLINK', { error: 'EEXIST', message: 'File exists', offset: 32 });
  fake.on('RTM_GETADDR', addrs);
  return fake;
}

/** What the code under test does: dumps, a change (with its notification), a refused change, a GET. */
async function session(channel: NetlinkChannel<Rtnl>) {
  const events = channel.events();
  const links = await collect(channel.dump({ name: 'RTM_GETLINK' }));
  const created = await channel.request(dummy0);
  const refused = await channel.request(dummy0).then(
    () => {
      throw new Error('expected EEXIST');
    },
    (e: unknown) => e as NetlinkError,
  );
  const one = await channel.request({ name: 'RTM_GETLINK', header: { index: 2 } }, { ack: false });
  const addresses = await collect(channel.dump({ name: 'RTM_GETADDR' }));
  const notified = await take(events, 1);
  return { links, created, refused, one, addresses, notified };
}

type Result = Awaited<ReturnType<typeof session>>;

/** Everything of a result that must survive a replay unchanged. */
function comparable(r: Result) {
  return {
    links: r.links.map(unstamped),
    created: r.created.map(unstamped),
    refused: [r.refused instanceof NetlinkError, r.refused.errno, r.refused.code, r.refused.extack, r.refused.requestName],
    one: r.one.map(unstamped),
    addresses: r.addresses.map(unstamped),
    notified: r.notified.map((i) => (i.kind === 'message' ? unstamped(i.message) : i.kind)),
  };
}

async function recordSession(format: CaptureFormat): Promise<{ capture: Uint8Array; result: Result }> {
  const chunks: Uint8Array[] = [];
  const recorder = recordTransport(scriptedKernel(), new PcapStreamWriter((c) => chunks.push(c), { format }));
  const channel = new NetlinkChannel(recorder, rtnl);
  const result = await session(channel);
  await channel.close();
  return { capture: concatBytes(chunks), result };
}

/** Packet type 4 (`PACKET_OUTGOING`) on every packet of a pcap capture, as `tcpdump -i nlmon0` writes. */
function asTcpdump(pcap: Uint8Array): Uint8Array {
  const out = pcap.slice();
  const view = new DataView(out.buffer);
  expect(view.getUint32(0, true)).toBe(0xa1b2c3d4);
  for (let at = 24; at < out.length; at += 16 + view.getUint32(at + 8, true)) view.setUint16(at + 16, 4);
  return out;
}

describe('ReplayTransport: record with recordTransport over a FakeTransport, then replay', () => {
  for (const format of ['pcap', 'pcapng'] as const) {
    it(`gives the same results, with this run's sequence numbers and port id (${format})`, async () => {
      const { capture, result: recorded } = await recordSession(format);
      const replay = new ReplayTransport(capture, rtnl, { portId: 777 });
      expect(replay.info).toEqual({ protocol: 0, portId: 777, groups: format === 'pcapng' ? [RTNLGRP_LINK] : [] });
      const channel = new NetlinkChannel(replay, rtnl, { initialSeq: 1000 });
      const replayed = await session(channel);
      replay.assertDone();
      expect(comparable(replayed)).toEqual(comparable(recorded));
      expect(recorded.links.map((m) => [m.seq, m.pid])).toEqual([[1, RECORDED_PORT], [1, RECORDED_PORT]]);
      expect(replayed.links.map((m) => [m.seq, m.pid])).toEqual([[1000, 777], [1000, 777]]);
      expect(replayed.refused.seq).toBe(1002);
      expect(replayed.one.map((m) => [m.seq, m.pid])).toEqual([[1003, 777]]);
      expect(replayed.addresses.map((m) => [m.seq, m.pid])).toEqual([[1004, 777], [1004, 777]]);
      // pcap has no room for the group mark: the notification (seq 0) replays as a unicast event.
      const group = replayed.notified[0]!.kind === 'message' ? replayed.notified[0]!.group : undefined;
      expect(group).toBe(format === 'pcapng' ? RTNLGRP_LINK : 0);
      expect(replay.remaining).toBe(0);
      await channel.close();
    });
  }

  it('rewrites the seq and pid of the request header an NLMSG_ERROR echoes', async () => {
    const { capture } = await recordSession('pcapng');
    const replay = new ReplayTransport(capture, rtnl, { strict: false });
    const read = reader(replay);
    const request = encodeMessage(rtnl, { ...dummy0, flags: dummy0.flags | NLM_F.REQUEST | NLM_F.ACK, seq: 0xfeed, pid: 55 });
    await replay.send(request); // the first RTM_NEWLINK: its notification, then the ACK
    await replay.send(request); // the second: EEXIST
    const messages = (await read(3)).flatMap(messagesOf);
    expect(messages.map((m) => [m.name, m.seq, m.pid])).toEqual([
      ['RTM_NEWLINK', 0, 0],
      ['NLMSG_ERROR', 0xfeed, RECORDED_PORT],
      ['NLMSG_ERROR', 0xfeed, RECORDED_PORT],
    ]);
    for (const m of messages.slice(1)) expect(m.name === 'NLMSG_ERROR' && m.header.msg).toEqual({ len: request.length, type: 16, flags: request[6]! | (request[7]! << 8), seq: 0xfeed, pid: 55 });
    const refusal = messages[2]!;
    expect(refusal.name === 'NLMSG_ERROR' && [refusal.header.error, refusal.header.payload]).toEqual([-17, request.subarray(16)]);
  });

  it('a recorded overrun replays as an overrun', async () => {
    const kernel = new FakeTransport(rtnl, { groups: [RTNLGRP_LINK] });
    kernel.on('RTM_DELLINK', () => kernel.overrun());
    const chunks: Uint8Array[] = [];
    const recording = new NetlinkChannel(recordTransport(kernel, new PcapStreamWriter((c) => chunks.push(c), { format: 'pcapng' })), rtnl);
    const recordedEvents = recording.events();
    await recording.request({ name: 'RTM_DELLINK', header: { index: 3 } });
    expect((await take(recordedEvents, 1))[0]).toMatchObject({ kind: 'overrun', source: 'kernel' });
    await recording.close();

    const channel = new NetlinkChannel(new ReplayTransport(concatBytes(chunks), rtnl), rtnl);
    const events = channel.events();
    await channel.request({ name: 'RTM_DELLINK', header: { index: 3 } });
    expect(await take(events, 1)).toEqual([{ kind: 'overrun', source: 'kernel', lost: undefined }]);
  });
});

describe('ReplayTransport: mismatches', () => {
  it('fails a differing request with a diff of the raw forms, and everything waiting on the replay', async () => {
    const { capture } = await recordSession('pcapng');
    const replay = new ReplayTransport(capture, rtnl);
    const channel = new NetlinkChannel(replay, rtnl);
    const events = channel.events();
    await collect(channel.dump({ name: 'RTM_GETLINK' }));
    const error = await channel.request({ ...dummy0, attrs: { ifname: 'dummy1', mtu: 1400 } }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ReplayMismatchError);
    const mismatch = error as ReplayMismatchError<Rtnl>;
    expect(mismatch.message).toMatch(/^ReplayTransport: RTM_NEWLINK does not match recorded request #1, the next one \(RTM_NEWLINK recorded; nlmsg_seq and nlmsg_pid are ignored\)\n--- recorded\n\+\+\+ sent\n/);
    expect(mismatch.message).toContain('\n-     ["IFLA_IFNAME", "dummy0"],\n+     ["IFLA_IFNAME", "dummy1"],\n');
    expect(mismatch.diff.split('\n').filter((l) => /^[-+]/.test(l))).toEqual(['-     ["IFLA_IFNAME", "dummy0"],', '+     ["IFLA_IFNAME", "dummy1"],']);
    expect(mismatch.index).toBe(1);
    expect(mismatch.expected!.map(unstamped)).toEqual(decodeMessages(rtnl, mismatch.expectedBytes!).map(unstamped));
    expect(mismatch.actual[0]).toMatchObject({ name: 'RTM_NEWLINK', attrs: { ifname: 'dummy1' } });

    // The replay is over: the event stream fails, later requests fail, assertDone rethrows.
    const ended = await events.next().catch((e: unknown) => e);
    expect(ended).toBeInstanceOf(ChannelClosedError);
    expect((ended as Error).cause).toBe(mismatch);
    await expect(replay.send(mismatch.expectedBytes!)).rejects.toBe(mismatch);
    expect(() => replay.assertDone()).toThrow(mismatch);
  });

  it('shows the differing bytes when the raw forms are equal', async () => {
    const recorded = encodeMessage(rtnl, { name: 'RTM_GETLINK', flags: NLM_F.REQUEST | NLM_F.ACK, seq: 1, header: { index: 2 } });
    const writer = new PcapWriter();
    writer.add({ direction: 'to-kernel', protocol: 0, data: recorded });
    const replay = new ReplayTransport(writer.toBytes(), rtnl);
    const sent = recorded.slice();
    sent[17] = 0xaa; // ifinfomsg's padding byte: decoding ignores it
    sent[8] = 9; // a different seq is not a difference
    const error = (await replay.send(sent).catch((e: unknown) => e)) as ReplayMismatchError<Rtnl>;
    expect(error.message).toContain('(their raw forms are equal; the bytes differ, with seq and pid zeroed:)');
    expect(error.diff).toBe(
      ['  0000  20 00 00 00 12 00 05 00 00 00 00 00 00 00 00 00', '- 0010  00 00 00 00 02 00 00 00 00 00 00 00 00 00 00 00', '+ 0010  00 aa 00 00 02 00 00 00 00 00 00 00 00 00 00 00'].join('\n'),
    );
  });

  it('fails a request beyond the capture', async () => {
    const { capture } = await recordSession('pcap');
    const channel = new NetlinkChannel(new ReplayTransport(capture, rtnl), rtnl);
    await session(channel);
    const error = await channel.request({ name: 'RTM_DELLINK', header: { index: 3 } }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ReplayMismatchError);
    expect((error as Error).message).toMatch(/^ReplayTransport: RTM_DELLINK was sent, but all 5 recorded requests have been replayed:\n\{\n {2}"type": "RTM_DELLINK"/);
    expect(error).toMatchObject({ index: undefined, expected: undefined, expectedBytes: undefined, diff: '' });
  });

  it('strict: requests come in the recorded order, and assertDone lists those not sent', async () => {
    const { capture } = await recordSession('pcapng');
    const replay = new ReplayTransport(capture, rtnl);
    const channel = new NetlinkChannel(replay, rtnl);
    await collect(channel.dump({ name: 'RTM_GETLINK' }));
    expect(replay.remaining).toBe(4);
    expect(() => replay.assertDone()).toThrow(NotDoneError);
    const error = (() => {
      try {
        replay.assertDone();
      } catch (e) {
        return e as NotDoneError;
      }
    })();
    expect(error!.problems).toHaveLength(4);
    expect(error!.message).toMatch(/^ReplayTransport is not done:\n- recorded request #1 was not sent:\n {2}\{\n {4}"type": "RTM_NEWLINK"/);
    await expect(collect(channel.dump({ name: 'RTM_GETADDR' }))).rejects.toThrow(/does not match recorded request #1, the next one \(RTM_NEWLINK recorded/);
  });

  it('loose: requests may be skipped or reordered; assertDone only fails after a mismatch', async () => {
    const { capture } = await recordSession('pcapng');
    const replay = new ReplayTransport(capture, rtnl, { strict: false });
    const channel = new NetlinkChannel(replay, rtnl);
    expect((await collect(channel.dump({ name: 'RTM_GETADDR' }))).map((m) => m.name === 'RTM_NEWADDR' && m.attrs.label)).toEqual(['lo', 'eth0']);
    expect((await collect(channel.dump({ name: 'RTM_GETLINK' }))).length).toBe(2);
    expect(replay.remaining).toBe(3);
    replay.assertDone();
    const error = await channel.request({ name: 'RTM_GETLINK', header: { index: 7 } }, { ack: false }).catch((e: unknown) => e);
    expect((error as Error).message).toMatch(/matches none of the 3 recorded requests not yet replayed; the closest is #3 \(RTM_GETLINK recorded/);
    expect((error as ReplayMismatchError).diff).toContain('-   "fields": {"ifi_family": 0, "ifi_type": 0, "ifi_index": 2, "ifi_flags": 0, "ifi_change": 0},');
    expect(() => replay.assertDone()).toThrow(ReplayMismatchError);
  });
});

describe('ReplayTransport: captures from elsewhere', () => {
  /** A session as `tcpdump -i nlmon0` records one: packet type 4 everywhere, no marks. */
  function tcpdumpCapture(): Uint8Array {
    const w = new PcapWriter();
    const out = (data: Uint8Array) => w.add({ direction: 'from-kernel', protocol: 0, data });
    const port = 31337;
    const dump = encodeMessage(rtnl, { name: 'RTM_GETLINK', flags: NLM_F.REQUEST | NLM_F.DUMP, seq: 1700000000 });
    w.add({ direction: 'to-kernel', protocol: 0, data: dump });
    out(encodeMessages(rtnl, [lo, eth0].map((m) => ({ ...m, flags: NLM_F.MULTI, seq: 1700000000, pid: port }))));
    out(encodeMessage(rtnl, { name: 'RTM_NEWLINK', seq: 0, pid: 0, header: { index: 5 }, attrs: { ifname: 'veth0' } }));
    out(encodeMessage(rtnl, { name: 'NLMSG_DONE', flags: NLM_F.MULTI, seq: 1700000000, pid: port, header: { error: 0 } }));
    w.add({ direction: 'to-kernel', protocol: 16, data: encodeMessage(rtnl, { name: 'RTM_DELLINK', flags: NLM_F.REQUEST, seq: 3 }) });
    const del = encodeMessage(rtnl, { name: 'RTM_DELLINK', flags: NLM_F.REQUEST | NLM_F.ACK, seq: 1700000001, header: { index: 5 } });
    w.add({ direction: 'to-kernel', protocol: 0, data: del });
    out(encodeMessage(rtnl, { name: 'NLMSG_ERROR', flags: NLM_F.CAPPED, seq: 1700000001, pid: port, header: { error: 0, msg: { len: del.length, type: 17, flags: 5, seq: 1700000001, pid: 0 } } }));
    return asTcpdump(w.toBytes());
  }

  it('infers directions from NLM_F_REQUEST when every packet has type 4, and skips other protocols', async () => {
    const capture = tcpdumpCapture();
    expect(readCapture(capture).map((p) => [p.packetType, p.direction])).toEqual(Array(7).fill([4, 'unknown']));
    const replay = new ReplayTransport(capture, rtnl);
    expect(replay.info).toEqual({ protocol: 0, portId: 31337, groups: [] });
    const channel = new NetlinkChannel(replay, rtnl, { initialSeq: 40 });
    const events = channel.events();
    const links = await collect(channel.dump({ name: 'RTM_GETLINK' }));
    expect(links.map((m) => [m.name === 'RTM_NEWLINK' && m.attrs.ifname, m.seq, m.pid])).toEqual([['lo', 40, 31337], ['eth0', 40, 31337]]);
    await channel.request({ name: 'RTM_DELLINK', header: { index: 5 } });
    const [event] = await take(events, 1);
    expect(event).toMatchObject({ kind: 'message', group: 0, message: { name: 'RTM_NEWLINK', seq: 0, pid: 0, attrs: { ifname: 'veth0' } } });
    replay.assertDone();
  });

  it('a filter selects packets; packets read already may be given instead of bytes', async () => {
    const packets = readCapture(tcpdumpCapture());
    const replay = new ReplayTransport(packets, rtnl, { filter: (p) => p.data[4] !== RTM.GETLINK });
    expect(replay.remaining).toBe(1);
  });

  it('names the packet that is not netlink, and says when the snapshot length cut it', () => {
    const w = new PcapWriter({ snaplen: 48 });
    w.add({ direction: 'to-kernel', protocol: 0, data: encodeMessage(rtnl, { name: 'RTM_GETLINK', flags: NLM_F.REQUEST }) });
    w.add({ direction: 'from-kernel', protocol: 0, data: encodeMessage(rtnl, eth0) });
    expect(() => new ReplayTransport(w.toBytes(), rtnl)).toThrow(/^capture packet 1 is not a valid netlink datagram \(the capture kept 32 of its 52 bytes\): message length 52 runs past/);
  });
});

describe('ReplayTransport: events', () => {
  const port = 900;
  const notify = (ifname: string, seq = 0, pid = 0): Uint8Array => encodeMessage(rtnl, { name: 'RTM_NEWLINK', seq, pid, header: { index: 4 }, attrs: { ifname } });
  const getlink = encodeMessage(rtnl, { name: 'RTM_GETLINK', flags: NLM_F.REQUEST | NLM_F.DUMP, seq: 10 });
  const dellink = encodeMessage(rtnl, { name: 'RTM_DELLINK', flags: NLM_F.REQUEST | NLM_F.ACK, seq: 11, header: { index: 4 } });
  const part = (m: AnyInput<Rtnl>) => encodeMessage(rtnl, { ...m, flags: NLM_F.MULTI, seq: 10, pid: port } as AnyInput<Rtnl>);

  /** Leading event; a dump with an event between its datagrams; an overrun; a unicast seq-0 message; a change whose notification carries the requester's seq and port. */
  function eventCapture(): Uint8Array {
    const w = new PcapWriter({ format: 'pcapng' });
    const event = (data: Uint8Array, group: number) => w.add({ direction: 'from-kernel', protocol: 0, data, comment: `${GROUP_COMMENT_PREFIX}${group}` });
    event(notify('before'), RTNLGRP_LINK);
    w.add({ direction: 'to-kernel', protocol: 0, data: getlink });
    w.add({ direction: 'from-kernel', protocol: 0, data: part(lo) });
    event(notify('during'), RTNLGRP_LINK);
    w.add({ direction: 'from-kernel', protocol: 0, data: concatBytes([part(eth0), encodeMessage(rtnl, { name: 'NLMSG_DONE', flags: NLM_F.MULTI, seq: 10, pid: port, header: { error: 0 } })]) });
    w.add({ direction: 'from-kernel', protocol: 0, data: new Uint8Array(0), comment: OVERRUN_COMMENT });
    w.add({ direction: 'from-kernel', protocol: 0, data: notify('unicast') });
    w.add({ direction: 'to-kernel', protocol: 0, data: dellink });
    event(notify('mine', 11, port), RTNLGRP_LINK);
    w.add({ direction: 'from-kernel', protocol: 0, data: encodeMessage(rtnl, { name: 'NLMSG_ERROR', flags: NLM_F.CAPPED, seq: 11, pid: port, header: { error: 0, msg: { len: dellink.length, type: 17, flags: 5, seq: 11, pid: 0 } } }) });
    return w.toBytes();
  }

  it('replays events in capture order, interleaved with the replies they were recorded among', async () => {
    const replay = new ReplayTransport(eventCapture(), rtnl, { portId: 1 });
    expect(replay.info.groups).toEqual([RTNLGRP_LINK]);
    const read = reader(replay);
    const shown = (items: Inbound[]) =>
      items.map((i) => (isOverrun(i) ? 'overrun' : messagesOf(i).map((m) => `${m.name === 'RTM_NEWLINK' ? m.attrs.ifname : m.name}/${m.seq}/${m.pid}@${i.group}`).join(' ')));
    expect(replay.releaseEvents()).toBe(1);
    expect(replay.releaseEvents()).toBe(0);
    expect(shown(await read(1))).toEqual(['before/0/0@1']);
    await replay.send(encodeMessage(rtnl, { name: 'RTM_GETLINK', flags: NLM_F.REQUEST | NLM_F.DUMP, seq: 70 }));
    expect(shown(await read(5))).toEqual(['lo/70/1@0', 'during/0/0@1', 'eth0/70/1@0 NLMSG_DONE/70/1@0', 'overrun', 'unicast/0/0@0']);
    await replay.send(encodeMessage(rtnl, { name: 'RTM_DELLINK', flags: NLM_F.REQUEST | NLM_F.ACK, seq: 71, header: { index: 4 } }));
    expect(shown(await read(2))).toEqual(['mine/71/1@1', 'NLMSG_ERROR/71/1@0']);
    replay.assertDone();
  });

  it('a subscriber sees them through a channel; leading events come before the first replies unless released', async () => {
    const channel = new NetlinkChannel(new ReplayTransport(eventCapture(), rtnl), rtnl, { initialSeq: 500 });
    const events = channel.events();
    const links = await collect(channel.dump({ name: 'RTM_GETLINK' }));
    expect(links.map((m) => m.seq)).toEqual([500, 500]);
    await channel.request({ name: 'RTM_DELLINK', header: { index: 4 } });
    const items = await take(events, 5);
    expect(items.map((i) => (i.kind === 'message' && i.message.name === 'RTM_NEWLINK' ? `${i.message.attrs.ifname}@${i.group}` : i.kind))).toEqual([
      'before@1',
      'during@1',
      'overrun',
      'unicast@0',
      'mine@1',
    ]);
    const mine = items[4]!;
    expect(mine.kind === 'message' && [mine.message.seq, mine.message.pid]).toEqual([501, port]);
  });

  it('a capture of events only replays through releaseEvents', async () => {
    const w = new PcapWriter({ format: 'pcapng' });
    for (const name of ['a', 'b', 'c']) w.add({ direction: 'from-kernel', protocol: 0, data: notify(name), comment: `${GROUP_COMMENT_PREFIX}${RTNLGRP_LINK}` });
    const replay = new ReplayTransport(w.toBytes(), rtnl);
    const channel = new NetlinkChannel(replay, rtnl);
    const events = channel.events({ names: ['RTM_NEWLINK'] });
    expect(replay.releaseEvents()).toBe(3);
    const items = await take(events, 3);
    expect(items.map((i) => i.kind === 'message' && i.message.name === 'RTM_NEWLINK' && i.message.attrs.ifname)).toEqual(['a', 'b', 'c']);
    replay.assertDone();
    await channel.close();
  });
});
