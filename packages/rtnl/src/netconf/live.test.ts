/** Per-device IP configuration as iproute2 asks for it and the kernel reports it (captured with strace in a throwaway namespace). */
import { describe, expect, it } from 'vitest';
import { family } from '@nlkit/core';
import { netconfIfindex, netconfMessages } from './schema.js';
import { canRunLive, ifindex, ip, ipCaptured, named, reencodeDiff, withNetns, type Captured } from '../route/test-util.js';

const fam = family('test', 0, netconfMessages);

function expectReencodes(msgs: Captured<typeof fam>[]): void {
  expect(msgs.length).toBeGreaterThan(0);
  for (const m of msgs) expect(reencodeDiff(fam, m), `${m.dir} ${m.msg.name}`).toEqual([]);
}

describe.skipIf(!canRunLive)('netconf against iproute2 and the kernel', () => {
  it('dumps the configuration of every device, all and default', () =>
    withNetns((ns) => {
      ip('-n', ns, 'link', 'add', 'veth0', 'type', 'veth', 'peer', 'name', 'veth1');
      ip('netns', 'exec', ns, 'sysctl', '-qw', 'net.ipv4.conf.veth0.forwarding=1', 'net.ipv4.conf.veth0.rp_filter=2');
      const veth0 = ifindex(ns, 'veth0');

      const dump = ipCaptured(fam, ns, '-4', 'netconf', 'show');
      expect(dump.cap.status).toBe(0);
      expect(named(dump.msgs, 'RTM_GETNETCONF', 'sent')[0]!.msg.header).toEqual({ family: 2 });
      const confs = named(dump.msgs, 'RTM_NEWNETCONF', 'received').map((m) => m.msg);
      expect(confs.find((c) => c.attrs.ifindex === veth0)).toMatchObject({ header: { family: 2 }, attrs: { forwarding: 1, rpFilter: 2 } });
      expect(confs.map((c) => c.attrs.ifindex)).toEqual(expect.arrayContaining([netconfIfindex.all, netconfIfindex.default]));
      expectReencodes(dump.msgs);

      const both = ipCaptured(fam, ns, 'netconf', 'show');
      expect(named(both.msgs, 'RTM_NEWNETCONF', 'received').some((m) => m.msg.header.family === 10)).toBe(true);
      expectReencodes(both.msgs);
    }));
});
