/**
 * Testing netlink code with captures and fakes, in vitest: the example of
 * docs/testing-with-captures.md, run by `pnpm test` like any other test.
 *
 * The code under test takes an `IPRoute`; the tests give it one over
 * - a `ReplayTransport` of a capture recorded once on a real kernel
 *   (fixtures/rtnl/link-dump.pcap): no kernel, no root;
 * - a `FakeTransport` scripted by the test, for answers that are hard to get
 *   from a kernel on demand (a refusal with an extended ACK);
 * - a live socket wrapped by `recordTransport`, in a throwaway namespace
 *   (root only; skipped for other users, except under `CI=true`, where it
 *   must run), whose capture is then replayed.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { NetlinkError } from '@nlkit/core';
import { IPRoute, netlinkRoute } from '@nlkit/client';
import { openNetlink, withTempNetns } from '@nlkit/live';
import { PcapStreamWriter, recordTransport } from '@nlkit/pcap';
import { openFileSink } from '@nlkit/pcap/node';
import { FakeTransport, ReplayTransport } from '@nlkit/testing';

// ---------------------------------------------------------------------------
// The code under test

/** The links, as `name/mtu` strings in dump order. */
async function linkSummary(ipr: IPRoute): Promise<string[]> {
  return (await ipr.getLinks()).map((l) => `${l.attrs.ifname}/${l.attrs.mtu}`);
}

/** Creates bridge `name` unless it exists; true when it was created. */
async function ensureBridge(ipr: IPRoute, name: string): Promise<boolean> {
  try {
    await ipr.link('add', { ifname: name, kind: 'bridge' });
    return true;
  } catch (e) {
    if (e instanceof NetlinkError && e.code === 'EEXIST') return false;
    throw e;
  }
}

/** The names of the ports of bridge `name`. */
async function bridgePorts(ipr: IPRoute, name: string): Promise<string[]> {
  return (await ipr.getLinks({ master: name })).map((l) => l.attrs.ifname ?? '?').sort();
}

// ---------------------------------------------------------------------------

const fixture = (name: string) => new Uint8Array(readFileSync(new URL(`../fixtures/rtnl/${name}.pcap`, import.meta.url)));

describe('replaying a committed capture', () => {
  it('linkSummary reads the recorded link dump', async () => {
    const replay = new ReplayTransport(fixture('link-dump'), netlinkRoute);
    const ipr = new IPRoute(replay);
    try {
      expect(await linkSummary(ipr)).toEqual(['lo/65536', 'v1/1500', 'v0/1400', 'br0/1500']);
      replay.assertDone(); // every recorded request was made, in order
    } finally {
      await ipr.close();
    }
  });
});

describe('a scripted kernel', () => {
  it('ensureBridge treats EEXIST as done, and sends what `ip link add br0 type bridge` sends', async () => {
    const fake = new FakeTransport(netlinkRoute);
    fake.on('RTM_NEWLINK', { error: 'EEXIST', message: 'File exists' });
    const ipr = new IPRoute(fake);
    try {
      expect(await ensureBridge(ipr, 'br0')).toBe(false);
      const sent = fake.expectRequest('RTM_NEWLINK', { attrs: { ifname: 'br0', linkinfo: { kind: 'bridge' } } });
      expect(sent.message.flags & 0x600).toBe(0x600); // NLM_F_CREATE | NLM_F_EXCL
      fake.assertDone();
    } finally {
      await ipr.close();
    }
  });

  it('ensureBridge passes other refusals on, with the kernel’s extended ACK', async () => {
    const fake = new FakeTransport(netlinkRoute);
    fake.on('RTM_NEWLINK', { error: 'EOPNOTSUPP', message: 'Unknown device type' });
    const ipr = new IPRoute(fake);
    try {
      const error = await ensureBridge(ipr, 'br0').catch((e: unknown) => e);
      expect(error).toBeInstanceOf(NetlinkError);
      expect(error).toMatchObject({ code: 'EOPNOTSUPP', extack: { message: 'Unknown device type' }, operation: 'link add br0' });
    } finally {
      await ipr.close();
    }
  });
});

const isRoot = process.getuid?.() === 0;
const inCI = process.env.CI === 'true';

describe.skipIf(!isRoot && !inCI)('recording a live session, then replaying it', () => {
  const dir = mkdtempSync(join(tmpdir(), 'nlkit-capture-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('bridgePorts gives the same answer from the capture as from the kernel', async () => {
    if (!isRoot) throw new Error('CI=true: this live test must run as root (it records in a throwaway network namespace)');
    const file = join(dir, 'bridge-ports.pcapng');

    const live = await withTempNetns(async (netns) => {
      // Set up with a socket that is not recorded...
      const setup = await IPRoute.open({ netns });
      try {
        await setup.link('add', { ifname: 'br0', kind: 'bridge' });
        await setup.link('add', { ifname: 'veth0', kind: 'veth', peer: 'veth1' });
        await setup.link('set', { index: 'veth0', master: 'br0' });
      } finally {
        await setup.close();
      }
      // ...and record only what the code under test does.
      const sink = openFileSink(file);
      const writer = new PcapStreamWriter(sink.write, { format: 'pcapng' });
      const ipr = new IPRoute(recordTransport(openNetlink({ netns, strictCheck: true, extAck: true }), writer));
      try {
        return await bridgePorts(ipr, 'br0');
      } finally {
        await ipr.close();
        sink.close();
      }
    });
    expect(live).toEqual(['veth0']);

    // The namespace is gone; the capture alone answers now.
    const replay = new ReplayTransport(new Uint8Array(readFileSync(file)), netlinkRoute);
    const ipr = new IPRoute(replay);
    try {
      expect(await bridgePorts(ipr, 'br0')).toEqual(live);
      replay.assertDone();
    } finally {
      await ipr.close();
    }
  });
});
