/** The umbrella package: the everyday API from `nlkit`, test helpers from `nlkit/testing`. */
import { describe, expect, it } from 'vitest';
import { IPRoute, NetlinkError, core, rtnl } from 'nlkit';
import { FakeTransport, ReplayTransport } from 'nlkit/testing';

describe('nlkit and nlkit/testing', () => {
  it('drive IPRoute with a scripted fake, no kernel needed', async () => {
    const fake = new FakeTransport(rtnl);
    fake.on('RTM_GETLINK', [
      { name: 'RTM_NEWLINK', header: { index: 1 }, attrs: { ifname: 'lo', mtu: 65536 } },
      { name: 'RTM_NEWLINK', header: { index: 2 }, attrs: { ifname: 'eth0', mtu: 1500 } },
    ]);
    fake.on('RTM_NEWLINK', { error: 'EEXIST', message: 'File exists' });
    const ipr = new IPRoute(fake);
    try {
      const links = await ipr.getLinks();
      expect(links.map((l) => [l.header.index, l.attrs.ifname, l.attrs.mtu])).toEqual([[1, 'lo', 65536], [2, 'eth0', 1500]]);
      const err = await ipr.link('add', { ifname: 'eth0', kind: 'bridge' }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(NetlinkError);
      expect((err as NetlinkError).code).toBe('EEXIST');
      expect((err as NetlinkError).extack.message).toBe('File exists');
    } finally {
      await ipr.close();
    }
    expect(typeof ReplayTransport).toBe('function');
    expect(core.NLM_F.DUMP).toBe(0x300);
  });
});
