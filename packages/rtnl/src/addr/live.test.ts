/** Address messages as iproute2 sends them and the kernel answers (captured with strace in a throwaway namespace). */
import { describe, expect, it } from 'vitest';
import { family } from '@nlkit/core';
import { addrMessages } from './schema.js';
import { canRunLive, ifindex, ip, ipCaptured, named, reencodeDiff, withNetns, type Captured } from '../route/test-util.js';

const fam = family('test', 0, addrMessages);

function expectReencodes(msgs: Captured<typeof fam>[]): void {
  expect(msgs.length).toBeGreaterThan(0);
  for (const m of msgs) expect(reencodeDiff(fam, m), `${m.dir} ${m.msg.name}`).toEqual([]);
}

describe.skipIf(!canRunLive)('addresses against iproute2 and the kernel', () => {
  it('adds IPv4 and IPv6 addresses and dumps them', () =>
    withNetns((ns) => {
      ip('-n', ns, 'link', 'add', 'veth0', 'type', 'veth', 'peer', 'name', 'veth1');
      for (const dev of ['lo', 'veth0', 'veth1']) ip('-n', ns, 'link', 'set', dev, 'up');
      const veth0 = ifindex(ns, 'veth0');

      const v4 = ipCaptured(fam, ns, 'addr', 'add', '10.0.0.1/24', 'brd', '+', 'dev', 'veth0', 'label', 'veth0:x');
      expect(v4.cap.status).toBe(0);
      const req4 = named(v4.msgs, 'RTM_NEWADDR', 'sent')[0]!.msg;
      expect(req4.header).toEqual({ family: 2, prefixlen: 24, flags: 0, scope: 0, index: veth0 });
      expect(req4.attrs).toEqual({ local: '10.0.0.1', address: '10.0.0.1', broadcast: '10.0.0.255', label: 'veth0:x' });
      expectReencodes(v4.msgs);

      const v6 = ipCaptured(fam, ns, '-6', 'addr', 'add', '2001:db8::1/64', 'dev', 'veth0', 'nodad', 'noprefixroute');
      expect(v6.cap.status).toBe(0);
      expect(named(v6.msgs, 'RTM_NEWADDR', 'sent')[0]!.msg.attrs).toEqual({ local: '2001:db8::1', address: '2001:db8::1', flags: ['nodad', 'noprefixroute'] });
      expectReencodes(v6.msgs);

      const lft = ipCaptured(fam, ns, 'addr', 'add', '10.0.1.1/24', 'dev', 'veth0', 'valid_lft', '300', 'preferred_lft', '200', 'metric', '5');
      expect(lft.cap.status).toBe(0);
      expect(named(lft.msgs, 'RTM_NEWADDR', 'sent')[0]!.msg.attrs).toMatchObject({ local: '10.0.1.1', rtPriority: 5, cacheinfo: { prefered: 200, valid: 300 } });
      expectReencodes(lft.msgs);

      const dump = ipCaptured(fam, ns, 'addr', 'show', 'dev', 'veth0');
      expect(dump.cap.status).toBe(0);
      expect(named(dump.msgs, 'RTM_GETADDR', 'sent')[0]!.msg.header.index).toBe(veth0);
      const got = named(dump.msgs, 'RTM_NEWADDR', 'received').map((m) => m.msg.attrs);
      expect(got).toContainEqual(expect.objectContaining({ address: '10.0.0.1', broadcast: '10.0.0.255', label: 'veth0:x', flags: ['permanent'] }));
      expect(got).toContainEqual(expect.objectContaining({ address: '2001:db8::1', flags: ['nodad', 'permanent', 'noprefixroute'] }));
      expect(got).toContainEqual(expect.objectContaining({ address: '10.0.1.1', rtPriority: 5, cacheinfo: expect.objectContaining({ valid: expect.any(Number) }) }));
      expect(got.find((a) => typeof a.address === 'string' && a.address.startsWith('fe80:'))).toMatchObject({ proto: 'kernelLl' });
      expectReencodes(dump.msgs);
    }));
});
