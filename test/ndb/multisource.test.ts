/**
 * One database over two namespaces: lookups by source, one transaction
 * that spans both (a veth pair across them, addresses and routes on each
 * side), a failing cross-namespace commit that leaves both as they were,
 * and sources added and removed while the database runs.
 */
import { describe, expect, it } from 'vitest';
import { CommitError, NDB } from '@nlkit/ndb';
import { fullState, ip, ipj, isRoot, withNamespaces } from './util.js';

describe.skipIf(!isRoot)('ndb with several sources (live)', () => {
  it('spans two namespaces', () =>
    withNamespaces(3, async (nsA, nsB, nsC) => {
      ip(nsA, 'link', 'add', 'only-a', 'type', 'veth', 'peer', 'name', 'only-ap');
      ip(nsB, 'link', 'add', 'only-b', 'type', 'veth', 'peer', 'name', 'only-bp');
      await using db = await NDB.open({ sources: [{ netns: nsA, name: 'a' }, { netns: nsB, name: 'b' }] });
      expect(db.sources.names).toEqual(['a', 'b']);
      expect(db.sourceNames).toEqual(['a', 'b']);

      // Lookups: without a source, the first that has it; with one, only there.
      expect(db.interfaces.get('only-b')!.source).toBe('b');
      expect(db.interfaces.get({ ifname: 'only-b', source: 'a' })).toBeUndefined();
      expect(db.interfaces.get('lo')!.source).toBe('a');
      expect(db.interfaces.filter({ ifname: 'lo' }).map((i) => i.source)).toEqual(['a', 'b']);
      expect(db.interfaces.filter({ source: 'b' }).map((i) => i.name).sort()).toEqual(['lo', 'only-b', 'only-bp']);

      // One transaction, both namespaces: a pair across them, addresses and routes on each side.
      const tx = db.begin();
      const a = tx.interfaces.create({ source: 'a', ifname: 'to-b', kind: 'veth', peer: { ifname: 'to-a', netns: nsB } });
      a.addIp('10.100.0.1/30').up();
      tx.interface('to-a', 'b').addIp('10.100.0.2/30').up();
      tx.routes.add({ source: 'a', dst: '10.200.0.0/16', gateway: '10.100.0.2' });
      tx.routes.add({ source: 'b', dst: '10.201.0.0/16', gateway: '10.100.0.1' });
      expect(tx.review().entries.map((e) => `${e.source}: ${e.step}`)).toEqual([
        'a: create interface to-b (veth)',
        'a: set interface to-b: state up',
        'b: set interface to-a: state up',
        'a: add address 10.100.0.1/30 on to-b',
        'b: add address 10.100.0.2/30 on to-a',
        'a: add route 10.200.0.0/16 via 10.100.0.2',
        'b: add route 10.201.0.0/16 via 10.100.0.1',
      ]);
      await tx.commit();

      expect(ipj(nsA, 'addr', 'show', 'dev', 'to-b')[0].addr_info.some((x: any) => x.local === '10.100.0.1')).toBe(true);
      expect(ipj(nsB, 'addr', 'show', 'dev', 'to-a')[0].addr_info.some((x: any) => x.local === '10.100.0.2')).toBe(true);
      expect(ipj(nsA, 'route', 'show', '10.200.0.0/16')[0]).toMatchObject({ gateway: '10.100.0.2', dev: 'to-b' });
      expect(ipj(nsB, 'route', 'show', '10.201.0.0/16')[0]).toMatchObject({ gateway: '10.100.0.1', dev: 'to-a' });
      expect(db.interfaces.get('to-a')!.source).toBe('b');
      expect(db.interfaces.get('to-b')!.source).toBe('a');
      expect(db.routes.get('10.201.0.0/16')!.source).toBe('b');
      expect(db.routes.get({ dst: '10.201.0.0/16', source: 'a' })).toBeUndefined();
      expect(db.addresses.filter({ address: '10.100.0.2' }).map((x) => x.source)).toEqual(['b']);

      // A failing commit across both leaves both as they were.
      const beforeA = fullState(nsA);
      const beforeB = fullState(nsB);
      const bad = db.begin();
      bad.interface('to-a', 'b').set({ mtu: 1400 }).addIp('10.101.0.2/24');
      bad.interface('to-b', 'a').set({ mtu: 1400 });
      bad.routes.add({ source: 'a', dst: '10.202.0.0/16', gateway: '10.100.0.2' });
      bad.routes.add({ source: 'b', dst: '10.203.0.0/16', gateway: '10.250.0.1' }); // unreachable
      const err = await bad.commit().catch((e: unknown) => e);
      expect(err).toBeInstanceOf(CommitError);
      expect((err as CommitError).rollback.ok).toBe(true);
      expect(fullState(nsA)).toEqual(beforeA);
      expect(fullState(nsB)).toEqual(beforeB);
      bad.drop();

      // Sources come and go while the database runs.
      await db.sources.add({ netns: nsC });
      expect(db.sources.names).toEqual(['a', 'b', nsC]);
      expect(db.interfaces.filter({ source: nsC }).map((i) => i.name)).toEqual(['lo']);
      await db.sources.remove(nsC);
      expect(db.interfaces.filter({ source: nsC })).toEqual([]);
      expect(db.sources.size).toBe(2);
    }));
});
