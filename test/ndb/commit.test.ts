/**
 * Transactions against a live namespace, checked with `ip -j -d`: a bridge
 * with two veth ports, addresses and routes in one commit; the implicit
 * and explicit modes; `await using` and the callback form; commit hooks.
 */
import { describe, expect, it } from 'vitest';
import { CommitError, NDB, ReadOnlyError, TransactionError, reachable } from '@nlkit/ndb';
import { bridgej, fullState, ip, ipj, isRoot, withNamespaces } from './util.js';

describe.skipIf(!isRoot)('ndb commit (live)', () => {
  it('creates a bridge with two veth ports, addresses and routes in one transaction', () =>
    withNamespaces(1, async (ns) => {
      await using db = await NDB.open({ netns: ns });
      const tx = db.begin();
      const br = tx.interfaces.create({ ifname: 'br0', kind: 'bridge', data: { stpState: 'kernel' } as never });
      tx.interfaces.create({ ifname: 'veth0', kind: 'veth', peer: 'veth0p', mtu: 1400 });
      tx.interfaces.create({ ifname: 'veth1', kind: 'veth', peer: 'veth1p' });
      br.addPort('veth0p').addPort('veth1p').addIp('10.10.0.1/24').addIp('2001:db8:10::1/64', { flags: ['nodad'] }).up();
      for (const dev of ['veth0', 'veth0p', 'veth1', 'veth1p']) tx.interface(dev).up();
      tx.interface('veth0').addIp('10.20.0.1', 24);
      tx.routes.add({ dst: '10.30.0.0/16', gateway: '10.10.0.254' });
      tx.routes.add({ dst: '10.31.0.0/16', gateway: '10.10.0.254', table: 100, priority: 10, metrics: { mtu: 1300 } });
      tx.routes.add({ dst: '10.32.0.0/16', multipath: [{ gateway: '10.10.0.253', weight: 2 }, { gateway: '10.20.0.254', oif: 'veth0' }] });
      tx.routes.add({ dst: '2001:db8:99::/48', gateway: '2001:db8:10::fe' });

      // The review lists the changes in the order the commit applies them.
      const review = tx.review();
      const steps = review.entries.map((e) => e.step);
      const at = (s: string): number => steps.findIndex((x) => x.startsWith(s));
      expect(at('create interface br0')).toBeGreaterThanOrEqual(0);
      expect(at('create interface veth0')).toBeLessThan(at('enslave veth0p to br0'));
      expect(at('enslave veth0p to br0')).toBeLessThan(at('add address 10.10.0.1/24 on br0'));
      expect(at('add address 10.10.0.1/24 on br0')).toBeLessThan(at('add route 10.30.0.0/16'));
      expect(String(review)).toContain('+ create interface br0 (bridge)');

      const report = await tx.commit();
      expect(report.steps).toHaveLength(steps.length);
      expect(tx.state).toBe('committed');

      // iproute2 sees it all.
      const link = (dev: string): any => ipj(ns, '-d', 'link', 'show', 'dev', dev)[0];
      expect(link('br0').linkinfo.info_kind).toBe('bridge');
      expect(link('br0').linkinfo.info_data.stp_state).toBe(1);
      expect(link('br0').flags).toContain('UP');
      for (const p of ['veth0p', 'veth1p']) {
        expect(link(p).master).toBe('br0');
        expect(link(p).linkinfo.info_slave_kind).toBe('bridge');
        expect(link(p).flags).toContain('UP');
      }
      expect(link('veth0').mtu).toBe(1400);
      const addrs = (dev: string): string[] => ipj(ns, 'addr', 'show', 'dev', dev)[0].addr_info.map((a: any) => `${a.local}/${a.prefixlen}`);
      expect(addrs('br0')).toEqual(expect.arrayContaining(['10.10.0.1/24', '2001:db8:10::1/64']));
      expect(addrs('veth0')).toContain('10.20.0.1/24');
      const r30 = ipj(ns, '-d', 'route', 'show', '10.30.0.0/16')[0];
      expect(r30).toMatchObject({ dst: '10.30.0.0/16', gateway: '10.10.0.254', dev: 'br0' });
      const r31 = ipj(ns, '-d', 'route', 'show', 'table', '100')[0];
      expect(r31).toMatchObject({ dst: '10.31.0.0/16', gateway: '10.10.0.254', metric: 10, metrics: [{ mtu: 1300 }] });
      const r32 = ipj(ns, '-d', 'route', 'show', '10.32.0.0/16')[0];
      expect(r32.nexthops.map((n: any) => [n.gateway, n.dev, n.weight])).toEqual([['10.10.0.253', 'br0', 2], ['10.20.0.254', 'veth0', 1]]);
      expect(ipj(ns, '-6', 'route', 'show', '2001:db8:99::/48')[0]).toMatchObject({ gateway: '2001:db8:10::fe', dev: 'br0' });
      expect(bridgej(ns, 'link', 'show').map((l: any) => l.ifname).sort()).toEqual(['veth0p', 'veth1p']);

      // And so does the database, by name, index, prefix, table and spec.
      const dbr = db.interfaces.get('br0')!;
      expect(dbr.kind).toBe('bridge');
      expect(dbr.state).toBe('up');
      expect(dbr.ports.map((p) => p.name).sort()).toEqual(['veth0p', 'veth1p']);
      expect(db.interfaces.get('veth0p')!.master?.name).toBe('br0');
      expect(db.interfaces.get(dbr.index)!.name).toBe('br0');
      expect(dbr.ipaddr.ipv4).toEqual([['10.10.0.1', 24]]);
      expect(dbr.ipaddr.ipv6).toContainEqual(['2001:db8:10::1', 64]);
      expect(dbr.ipaddr.has('10.10.0.1/24')).toBe(true);
      expect(db.routes.get('10.30.0.0/16')!.gateway).toBe('10.10.0.254');
      expect(db.routes.get('10.31.0.0/16')).toBeUndefined(); // not in main
      expect(db.routes.get({ dst: '10.31.0.0/16', table: 100, priority: 10 })!.metrics).toMatchObject({ mtu: 1300 });
      expect(db.routes.table(100).get('10.31.0.0/16')!.priority).toBe(10);
      expect(db.routes.get('10.32.0.0/16')!.multipath.map((n) => n.weight)).toEqual([2, 1]);
      expect(db.routes.filter({ oif: 'veth0' }).map((r) => r.dst)).toEqual(expect.arrayContaining(['10.20.0.0/24', '10.32.0.0/16']));
      expect(db.routes.ipv6.get('2001:db8:99::/48')!.gateway).toBe('2001:db8:10::fe');
      expect(db.routes.tables).toEqual(expect.arrayContaining([100, 254, 255]));
      expect(db.addresses.get('10.20.0.1/24')!.interface.name).toBe('veth0');
    }));

  it('changes an existing interface in implicit mode, as IPDB does', () =>
    withNamespaces(1, async (ns) => {
      ip(ns, 'link', 'add', 'dummy0', 'type', 'veth', 'peer', 'name', 'dummy0p');
      ip(ns, 'link', 'set', 'dummy0p', 'up');
      await using db = await NDB.open({ netns: ns });
      const eth = db.interfaces.get('dummy0')!;
      // The first change starts an implicit transaction.
      eth.set({ mtu: 1280, address: '02:00:00:00:00:42' }).up().addIp('192.0.2.1/24');
      expect(db.tx).toBeDefined();
      expect(db.review().entries.map((e) => e.action)).toEqual(['set', 'add']);
      expect(eth.mtu).toBe(1500); // reads show the kernel, not the pending change
      await eth.commit();
      expect(db.tx).toBeUndefined();
      expect(eth.mtu).toBe(1280);
      expect(eth.address).toBe('02:00:00:00:00:42');
      expect(eth.state).toBe('up');
      expect([...eth.ipaddr]).toEqual([['192.0.2.1', 24]]);
      const j = ipj(ns, 'link', 'show', 'dev', 'dummy0')[0];
      expect(j).toMatchObject({ mtu: 1280, address: '02:00:00:00:00:42' });

      // Routes: add, change and remove through handles.
      await db.routes.add({ dst: '198.51.100.0/24', gateway: '192.0.2.254' }).commit();
      const r = db.routes.get('198.51.100.0/24')!;
      expect(r.gateway).toBe('192.0.2.254');
      await r.set({ gateway: '192.0.2.253', metrics: { mtu: 1200 } }).commit();
      expect(ipj(ns, '-d', 'route', 'show', '198.51.100.0/24')[0]).toMatchObject({ gateway: '192.0.2.253', metrics: [{ mtu: 1200 }] });
      expect(r.gateway).toBe('192.0.2.253');
      await r.addNh({ gateway: '192.0.2.252' }).commit();
      expect(ipj(ns, 'route', 'show', '198.51.100.0/24')[0].nexthops.map((n: any) => n.gateway)).toEqual(['192.0.2.253', '192.0.2.252']);
      await db.routes.get('198.51.100.0/24')!.delNh({ gateway: '192.0.2.253' }).commit();
      expect(ipj(ns, 'route', 'show', '198.51.100.0/24')[0].gateway).toBe('192.0.2.252');
      await db.routes.get('198.51.100.0/24')!.remove().commit();
      expect(ipj(ns, 'route', 'show', '198.51.100.0/24')).toEqual([]);

      // Rules and neighbours.
      await db.rules.add({ priority: 500, src: '10.9.0.0/16', table: 100 }).commit();
      expect(db.rules.get(500)!.src).toBe('10.9.0.0/16');
      await db.neighbours.add({ dst: '192.0.2.7', lladdr: '02:00:00:00:00:07', index: 'dummy0' }).commit();
      expect(ipj(ns, 'neigh', 'show', 'dev', 'dummy0')[0]).toMatchObject({ dst: '192.0.2.7', lladdr: '02:00:00:00:00:07' });
      await db.rules.get(500)!.remove().commit();
      await db.neighbours.get('192.0.2.7')!.remove().commit();
      expect(ipj(ns, 'rule', 'show').some((x: any) => x.priority === 500)).toBe(false);
      expect(ipj(ns, 'neigh', 'show', 'dev', 'dummy0')).toEqual([]);

      // Removing the interface.
      await db.interfaces.get('dummy0')!.remove().commit();
      expect(db.interfaces.get('dummy0')).toBeUndefined();
      expect(eth.exists).toBe(false);
      expect(eth.name).toBe('dummy0'); // the last state seen
    }));

  it('needs begin() in explicit mode; read-only views and databases refuse changes', () =>
    withNamespaces(1, async (ns) => {
      ip(ns, 'link', 'add', 'dummy0', 'type', 'veth', 'peer', 'name', 'dummy0p');
      await using db = await NDB.open({ netns: ns, mode: 'explicit' });
      expect(() => db.interfaces.get('dummy0')!.up()).toThrow(TransactionError);
      expect(() => db.ro.interfaces.get('dummy0')!.up()).toThrow(ReadOnlyError);
      expect(() => db.interfaces.get('dummy0')!.ro.set({ mtu: 1000 })).toThrow(ReadOnlyError);
      expect(() => db.ro.routes.add({ dst: '10.0.0.0/8', oif: 'dummy0' })).toThrow(ReadOnlyError);
      {
        await using tx = db.begin();
        db.interfaces.get('dummy0')!.set({ mtu: 1400 }); // goes to tx, the current transaction
        expect(tx.review().entries).toHaveLength(1);
        // leaving the block without commit() drops it
      }
      expect(db.tx).toBeUndefined();
      expect(ipj(ns, 'link', 'show', 'dev', 'dummy0')[0].mtu).toBe(1500);
      {
        await using tx = db.begin();
        tx.interface('dummy0').set({ mtu: 1400 });
        await tx.commit();
      }
      expect(ipj(ns, 'link', 'show', 'dev', 'dummy0')[0].mtu).toBe(1400);

      await using ro = await NDB.open({ netns: ns, readOnly: true });
      expect(ro.readOnly).toBe(true);
      expect(() => ro.begin()).toThrow(ReadOnlyError);
      expect(() => ro.interfaces.get('dummy0')!.down()).toThrow(ReadOnlyError);
      expect(ro.interfaces.get('dummy0')!.mtu).toBe(1400);
    }));

  it('commits a callback transaction on success and applies nothing when it throws', () =>
    withNamespaces(1, async (ns) => {
      await using db = await NDB.open({ netns: ns });
      await db.transaction((tx) => {
        tx.interfaces.create({ ifname: 'd1', kind: 'veth', peer: 'd1p' }).addIp('203.0.113.1/24').up();
      tx.interface('d1p').up();
      });
      expect(ipj(ns, 'addr', 'show', 'dev', 'd1')[0].addr_info[0].local).toBe('203.0.113.1');
      const before = fullState(ns);
      await expect(
        db.transaction((tx) => {
          tx.interfaces.create({ ifname: 'd2', kind: 'veth', peer: 'd2p' });
          throw new Error('changed my mind');
        }),
      ).rejects.toThrow('changed my mind');
      expect(fullState(ns)).toEqual(before);
      expect(db.tx).toBeUndefined();
    }));

  it('rolls back when a commit hook fails', () =>
    withNamespaces(1, async (ns) => {
      await using db = await NDB.open({ netns: ns });
      const before = fullState(ns);
      const tx = db.begin();
      tx.interfaces.create({ ifname: 'd1', kind: 'veth', peer: 'd1p' }).addIp('203.0.113.1/24').up();
      tx.interface('d1p').up();
      tx.routes.add({ dst: '10.40.0.0/16', gateway: '203.0.113.254' });
      tx.hook(reachable('198.18.0.1')); // no route there: the hook fails
      const err = await tx.commit().catch((e: unknown) => e);
      expect(err).toBeInstanceOf(CommitError);
      const ce = err as CommitError;
      expect(ce.failedStep).toBe('commit hook reachable(198.18.0.1)');
      expect(ce.rollback.ok).toBe(true);
      expect(ce.rollback.steps.map((s) => s.step)).toEqual([
        'delete route 10.40.0.0/16 via 203.0.113.254',
        'delete address 203.0.113.1/24 on d1',
        'restore interface d1p: state',
        'restore interface d1: state',
        'delete interface d1',
      ]);
      expect(fullState(ns)).toEqual(before);
      expect(db.interfaces.get('d1')).toBeUndefined();

      // The same with a reachable gateway commits.
      tx.drop();
      await db.transaction((t) => {
        t.interfaces.create({ ifname: 'd1', kind: 'veth', peer: 'd1p' }).addIp('203.0.113.1/24').up();
        t.interface('d1p').up();
        t.hook(reachable('203.0.113.9'));
      });
      expect(db.interfaces.get('d1')!.ipaddr.has('203.0.113.1/24')).toBe(true);
    }));
});
