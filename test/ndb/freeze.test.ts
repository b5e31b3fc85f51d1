/**
 * Freezing an interface: changes others make to it (an `ip addr add`, an
 * `ip addr del`, an MTU or state change) are reverted as they appear in
 * the events, until it is unfrozen. Its own commits move the frozen state.
 */
import { describe, expect, it } from 'vitest';
import { NDB } from '@nlkit/ndb';
import { eventually, ip, ipBatch, ipj, isRoot, withNamespaces } from './util.js';

const addrs = (ns: string, dev: string): string[] =>
  (ipj(ns, 'addr', 'show', 'dev', dev)[0]?.addr_info ?? []).filter((a: any) => a.scope !== 'link').map((a: any) => `${a.local}/${a.prefixlen}`).sort();

describe.skipIf(!isRoot)('ndb freeze (live)', () => {
  it('reverts an external ip addr add, and more, until unfrozen', () =>
    withNamespaces(1, async (ns) => {
      ipBatch(ns, [
        'link add eth0 type veth peer name eth0p',
        'link set eth0 up',
        'link set eth0p up',
        'addr add 10.0.0.2/24 dev eth0',
        'addr add 2001:db8::2/64 dev eth0 nodad',
      ]);
      await using db = await NDB.open({ netns: ns });
      const eth0 = db.interfaces.get('eth0')!.freeze();
      expect(eth0.frozen).toBe(true);

      // Someone else adds an address: it goes away again.
      ip(ns, 'addr', 'add', '10.9.9.9/24', 'dev', 'eth0');
      expect(addrs(ns, 'eth0')).toContain('10.9.9.9/24');
      await eventually(() => !addrs(ns, 'eth0').includes('10.9.9.9/24'), 'the external address to be removed');
      expect(addrs(ns, 'eth0')).toEqual(['10.0.0.2/24', '2001:db8::2/64']);

      // Someone else removes one: it comes back.
      ip(ns, 'addr', 'del', '2001:db8::2/64', 'dev', 'eth0');
      await eventually(() => addrs(ns, 'eth0').includes('2001:db8::2/64'), 'the removed address to come back');

      // MTU and state.
      ip(ns, 'link', 'set', 'eth0', 'mtu', '1300');
      await eventually(() => ipj(ns, 'link', 'show', 'dev', 'eth0')[0].mtu === 1500, 'the MTU to be reverted');
      ip(ns, 'link', 'set', 'eth0', 'down');
      await eventually(() => ipj(ns, 'link', 'show', 'dev', 'eth0')[0].flags.includes('UP'), 'the device to come back up');
      await eventually(() => addrs(ns, 'eth0').length === 2, 'the addresses to be back after the state flap');
      expect(addrs(ns, 'eth0')).toEqual(['10.0.0.2/24', '2001:db8::2/64']);

      // A commit through the database moves the frozen state with it.
      await db.transaction((tx) => {
        tx.interface('eth0').addIp('10.1.1.1/24').set({ mtu: 1400 });
      });
      await new Promise((r) => setTimeout(r, 100));
      expect(addrs(ns, 'eth0')).toEqual(['10.0.0.2/24', '10.1.1.1/24', '2001:db8::2/64']);
      expect(ipj(ns, 'link', 'show', 'dev', 'eth0')[0].mtu).toBe(1400);

      // Unfrozen, outside changes stay.
      eth0.unfreeze();
      expect(eth0.frozen).toBe(false);
      ip(ns, 'addr', 'add', '10.9.9.9/24', 'dev', 'eth0');
      await db.sync();
      await new Promise((r) => setTimeout(r, 100));
      expect(addrs(ns, 'eth0')).toContain('10.9.9.9/24');
      expect(db.errors).toEqual([]);
    }));
});
