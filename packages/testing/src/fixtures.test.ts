/**
 * Replays the real kernel sessions committed under `fixtures/` (recorded by
 * `pnpm fixtures:capture` with the live transport and `recordTransport`).
 */
import { readFileSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { NetlinkError, decodeMessages, frames, type AnyMessage } from '@nlkit/core';
import { readCapture } from '@nlkit/pcap';
import { rtnl } from '@nlkit/rtnl';
import { NetlinkChannel, isOverrun, type RequestInput } from '@nlkit/transport';
import { ReplayTransport } from './replay.js';

type Msg = AnyMessage<typeof rtnl>;
const dir = new URL('../../../fixtures/rtnl/', import.meta.url);
const names = readdirSync(dir).filter((f) => f.endsWith('.pcap')).map((f) => f.slice(0, -'.pcap'.length));

function load(name: string): Uint8Array {
  return new Uint8Array(readFileSync(new URL(`${name}.pcap`, dir)));
}

/** `bytes` with every message's `nlmsg_seq` raised by `by`. */
function shifted(bytes: Uint8Array, by: number): Uint8Array {
  const out = bytes.slice();
  const view = new DataView(out.buffer);
  for (const { offset, header } of frames(out)) view.setUint32(offset + 8, header.seq + by, true);
  return out;
}

/** A recorded reply as this run must receive it: seq shifted, pid the replay's, the echoed request header the one sent. */
function expectedReply(m: Msg, by: number, portId: number): Msg {
  const out = { ...m, seq: m.seq + by, pid: portId } as Msg;
  if (out.name === 'NLMSG_ERROR') out.header = { ...out.header, msg: { ...out.header.msg, seq: out.header.msg.seq + by } };
  return out;
}

describe('ReplayTransport over the committed kernel fixtures', () => {
  it('finds the fixtures', () => {
    expect(names).toEqual(expect.arrayContaining(['link-dump', 'addr-dump', 'route-dump', 'link-add-exists-error']));
  });

  for (const name of names) {
    it(`${name}: re-sending each recorded request with another seq gives back its replies, rewritten`, async () => {
      const capture = load(name);
      const packets = readCapture(capture);
      const replay = new ReplayTransport(capture, rtnl, { portId: 5 });
      const stream = replay.receive()[Symbol.asyncIterator]();
      for (const [i, p] of packets.entries()) {
        if (p.direction !== 'to-kernel') continue;
        const replies: Msg[] = [];
        for (const q of packets.slice(i + 1)) {
          if (q.direction === 'to-kernel') break;
          replies.push(...decodeMessages(rtnl, q.data));
        }
        await replay.send(shifted(p.data, 1000));
        const got: Msg[] = [];
        while (got.length < replies.length) {
          const item = (await stream.next()).value!;
          if (!isOverrun(item)) got.push(...decodeMessages(rtnl, item.bytes));
        }
        expect(got).toEqual(replies.map((m) => expectedReply(m, 1000, 5)));
      }
      replay.assertDone();
    });
  }

  it('link-dump: a NetlinkChannel gets the recorded links', async () => {
    const capture = load('link-dump');
    const recorded = readCapture(capture)
      .filter((p) => p.direction === 'from-kernel')
      .flatMap((p) => decodeMessages(rtnl, p.data))
      .filter((m) => m.name === 'RTM_NEWLINK');
    const channel = new NetlinkChannel(new ReplayTransport(capture, rtnl), rtnl, { initialSeq: 77 });
    const links: Msg[] = [];
    for await (const link of channel.dump({ name: 'RTM_GETLINK', header: { family: 0 } })) links.push(link);
    expect(links.map((l) => (l.name === 'RTM_NEWLINK' ? l.attrs.ifname : l.name))).toEqual(['lo', 'v1', 'v0', 'br0']);
    expect(links).toEqual(recorded.map((m) => ({ ...m, seq: 77 })));
    await channel.close();
  });

  it('link-add-unknown-kind-error: the kernel refusal replays as a NetlinkError with its extended ACK', async () => {
    const capture = load('link-add-unknown-kind-error');
    const [request] = readCapture(capture);
    const sent = decodeMessages(rtnl, request!.data)[0]!;
    expect(sent.name).toBe('RTM_NEWLINK');
    const channel = new NetlinkChannel(new ReplayTransport(capture, rtnl), rtnl, { initialSeq: 9 });
    // The recorded request as decoded, re-encoded by the channel with its own seq.
    const input = { name: sent.name, flags: sent.flags, header: sent.header, attrs: sent.attrs } as unknown as RequestInput<typeof rtnl>;
    const error = await channel.request(input).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NetlinkError);
    expect(error).toMatchObject({ code: 'EOPNOTSUPP', extack: { message: 'Unknown device type' }, seq: 9, requestName: 'RTM_NEWLINK' });
    await channel.close();
  });
});
