/** Neighbours and neighbour tables as iproute2 sends them and the kernel answers (captured with strace in a throwaway namespace). */
import { describe, expect, it } from 'vitest';
import { family } from '@nlkit/core';
import { neighFlags, neighMessages, neighStates } from './schema.js';
import { canRunLive, ifindex, ip, ipCaptured, named, reencodeDiff, withNetns, type Captured } from '../route/test-util.js';

const fam = family('test', 0, neighMessages);

function expectReencodes(msgs: Captured<typeof fam>[]): void {
  expect(msgs.length).toBeGreaterThan(0);
  for (const m of msgs) expect(reencodeDiff(fam, m), `${m.dir} ${m.msg.name}`).toEqual([]);
}

function setup(ns: string): number {
  ip('-n', ns, 'link', 'add', 'veth0', 'type', 'veth', 'peer', 'name', 'veth1');
  for (const dev of ['lo', 'veth0', 'veth1']) ip('-n', ns, 'link', 'set', dev, 'up');
  ip('-n', ns, 'addr', 'add', '10.0.0.1/24', 'dev', 'veth0');
  return ifindex(ns, 'veth0');
}

describe.skipIf(!canRunLive)('neighbours against iproute2 and the kernel', () => {
  it('adds a neighbour and a proxy entry, and dumps them', () =>
    withNetns((ns) => {
      const veth0 = setup(ns);
      const add = ipCaptured(fam, ns, 'neigh', 'add', '10.0.0.9', 'lladdr', '02:00:00:00:00:09', 'dev', 'veth0');
      expect(add.cap.status).toBe(0);
      const req = named(add.msgs, 'RTM_NEWNEIGH', 'sent')[0]!.msg;
      expect(req.header).toEqual({ family: 2, ifindex: veth0, state: neighStates.permanent, flags: 0, type: 0 });
      expect(req.attrs).toEqual({ dst: '10.0.0.9', lladdr: '02:00:00:00:00:09' });
      expectReencodes(add.msgs);

      const proxy = ipCaptured(fam, ns, 'neigh', 'add', 'proxy', '10.0.0.10', 'dev', 'veth0');
      expect(proxy.cap.status).toBe(0);
      const preq = named(proxy.msgs, 'RTM_NEWNEIGH', 'sent')[0]!.msg;
      expect(preq.header.flags).toBe(neighFlags.proxy);
      expect(preq.attrs).toEqual({ dst: '10.0.0.10' });
      expectReencodes(proxy.msgs);

      const dump = ipCaptured(fam, ns, 'neigh', 'show');
      expect(dump.cap.status).toBe(0);
      const got = named(dump.msgs, 'RTM_NEWNEIGH', 'received').map((m) => m.msg).find((m) => m.attrs.dst === '10.0.0.9');
      expect(got).toMatchObject({ header: { family: 2, ifindex: veth0, state: neighStates.permanent }, attrs: { lladdr: '02:00:00:00:00:09', probes: 0 } });
      expect(got!.attrs.cacheinfo).toEqual(expect.objectContaining({ refcnt: expect.any(Number) }));
      expectReencodes(dump.msgs);

      const dumpProxy = ipCaptured(fam, ns, 'neigh', 'show', 'proxy');
      expect(named(dumpProxy.msgs, 'RTM_GETNEIGH', 'sent')[0]!.msg.header.flags).toBe(neighFlags.proxy);
      expect(named(dumpProxy.msgs, 'RTM_NEWNEIGH', 'received').map((m) => m.msg)).toContainEqual(
        expect.objectContaining({ header: expect.objectContaining({ flags: neighFlags.proxy, ifindex: veth0 }), attrs: { dst: '10.0.0.10' } }),
      );
      expectReencodes(dumpProxy.msgs);
    }));

  it('changes and dumps neighbour tables', () =>
    withNetns((ns) => {
      const veth0 = setup(ns);
      const set = ipCaptured(fam, ns, 'ntable', 'change', 'name', 'arp_cache', 'dev', 'veth0', 'queue', '10');
      expect(set.cap.status).toBe(0);
      expect(named(set.msgs, 'RTM_SETNEIGHTBL', 'sent')[0]!.msg.attrs).toEqual({ name: 'arp_cache', parms: { ifindex: veth0, queueLen: 10 } });
      expectReencodes(set.msgs);

      const dump = ipCaptured(fam, ns, 'ntable', 'show');
      expect(dump.cap.status).toBe(0);
      const tables = named(dump.msgs, 'RTM_NEWNEIGHTBL', 'received').map((m) => m.msg);
      const arp = tables.find((t) => t.attrs.name === 'arp_cache' && t.attrs.config);
      expect(arp).toMatchObject({ header: { family: 2 }, attrs: { config: { keyLen: 4 }, thresh1: expect.any(Number), gcInterval: expect.any(BigInt) } });
      expect(arp!.attrs.stats).toEqual(expect.objectContaining({ allocs: expect.any(BigInt) }));
      expect(tables.find((t) => t.attrs.name === 'arp_cache' && t.attrs.parms?.ifindex === veth0)!.attrs.parms).toMatchObject({ queueLen: 10, baseReachableTime: 30000n });
      expect(tables.find((t) => t.attrs.name === 'ndisc_cache' && t.attrs.config)!.attrs.config).toMatchObject({ keyLen: 16 });
      expectReencodes(dump.msgs);
    }));
});
