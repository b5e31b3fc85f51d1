/**
 * Record a live session with the kernel, then replay it without the kernel:
 * the same code over a `ReplayTransport` must get the same decoded results.
 *
 * Needs root (it works in a throwaway network namespace). Skipped for other
 * users, except under `CI=true`, where it must run: there it fails when not root.
 */
import { describe, expect, it } from 'vitest';
import { NLM_F, concatBytes, type AnyMessage } from '@nlkit/core';
import { openNetlink, withTempNetns } from '@nlkit/live';
import { PcapStreamWriter, readCapture, recordTransport } from '@nlkit/pcap';
import { rtnl } from '@nlkit/rtnl';
import { NetlinkChannel } from '@nlkit/transport';
import { ReplayTransport } from '@nlkit/testing';
import { inCI, isRoot, requireRootInCI } from './live-env.js';

type Msg = AnyMessage<typeof rtnl>;
requireRootInCI();
const IFF_UP = 0x1;
const AF_INET = 2;

async function collect<T>(source: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of source) out.push(x);
  return out;
}

/** Brings `lo` up, adds an address to it, then dumps links and addresses. */
async function session(channel: NetlinkChannel<typeof rtnl>) {
  await channel.request({ name: 'RTM_NEWLINK', header: { index: 1, flags: IFF_UP, change: IFF_UP } });
  await channel.request({
    name: 'RTM_NEWADDR',
    flags: NLM_F.CREATE | NLM_F.EXCL,
    header: { family: AF_INET, prefixlen: 24, index: 1 },
    attrs: { local: '10.11.12.13', address: '10.11.12.13' },
  });
  const links = await collect(channel.dump({ name: 'RTM_GETLINK' }));
  const addresses = await collect(channel.dump({ name: 'RTM_GETADDR', header: { family: AF_INET } }));
  return { links, addresses };
}

function unstamped(messages: Msg[]): Omit<Msg, 'seq' | 'pid'>[] {
  return messages.map(({ seq: _seq, pid: _pid, ...rest }) => rest);
}

describe.skipIf(!isRoot && !inCI)('record a live session, replay it without the kernel', () => {
  it('the replay gives the decoded results of the live run, with its own sequence numbers and port id', async () => {
    if (!isRoot) throw new Error('CI=true: this live test must run as root (it records in a throwaway network namespace)');
    const chunks: Uint8Array[] = [];
    const live = await withTempNetns(async (netns) => {
      const recorder = recordTransport(openNetlink({ netns }), new PcapStreamWriter((c) => chunks.push(c), { format: 'pcapng' }));
      const channel = new NetlinkChannel(recorder, rtnl);
      try {
        return await session(channel);
      } finally {
        await channel.close();
      }
    });
    expect(live.links.some((l) => l.name === 'RTM_NEWLINK' && l.attrs.ifname === 'lo')).toBe(true);
    expect(live.addresses.some((a) => a.name === 'RTM_NEWADDR' && a.attrs.local === '10.11.12.13')).toBe(true);

    // The namespace is gone; the capture alone answers now.
    const capture = concatBytes(chunks);
    expect(readCapture(capture).filter((p) => p.direction === 'to-kernel')).toHaveLength(4);
    const replay = new ReplayTransport(capture, rtnl, { portId: 4321 });
    const channel = new NetlinkChannel(replay, rtnl, { initialSeq: 9000 });
    const replayed = await session(channel);
    replay.assertDone();
    await channel.close();

    expect(unstamped(replayed.links)).toEqual(unstamped(live.links));
    expect(unstamped(replayed.addresses)).toEqual(unstamped(live.addresses));
    expect(new Set(replayed.links.map((m) => `${m.seq}/${m.pid}`))).toEqual(new Set(['9002/4321']));
    expect(new Set(replayed.addresses.map((m) => `${m.seq}/${m.pid}`))).toEqual(new Set(['9003/4321']));
  });
});
