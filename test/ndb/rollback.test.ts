/**
 * A transaction with a deliberately failing step in the middle (a route
 * through a gateway no interface reaches) leaves the namespace exactly as
 * it was: full `ip -j -d` dumps of links, addresses, routes of every table,
 * rules, neighbours and FDB before and after are equal.
 */
import { describe, expect, it } from 'vitest';
import { CommitError, NDB } from '@nlkit/ndb';
import { fullState, ipBatch, isRoot, withNamespaces } from './util.js';

describe.skipIf(!isRoot)('ndb rollback (live)', () => {
  it('undoes every applied step in reverse when a step fails', () =>
    withNamespaces(1, async (ns) => {
      ipBatch(ns, [
        'link add eth0 type veth peer name eth0p',
        'link add brx type bridge',
        'link add p1 type veth peer name p1p',
        'link set p1p master brx',
        'link set eth0 up',
        'link set eth0p up',
        'link set brx up',
        'link set p1 up',
        'link set p1p up',
        'addr add 10.0.0.2/24 dev eth0',
        'addr add 10.0.1.2/24 dev eth0 label eth0:1',
        'addr add 2001:db8::2/64 dev eth0 nodad',
        'route add 10.50.0.0/16 via 10.0.0.1',
        'route add 10.51.0.0/16 via 10.0.0.1 table 200 metric 7',
        'route add 2001:db8:50::/48 via 2001:db8::1',
        'rule add from 10.77.0.0/16 table 200 pref 1000',
        'neigh add 10.0.0.9 lladdr 02:00:00:00:00:09 dev eth0',
      ]);
      await using db = await NDB.open({ netns: ns });
      const before = fullState(ns);
      const eth0 = db.interfaces.get('eth0')!;
      const mtu = eth0.mtu;

      const tx = db.begin();
      // Deletions of what exists.
      db.routes.get('10.50.0.0/16')!.remove();
      db.routes.ipv6.get('2001:db8:50::/48')!.remove();
      db.rules.get(1000)!.remove();
      db.neighbours.get('10.0.0.9')!.remove();
      tx.interface('eth0').delIp('2001:db8::2/64').delIp('10.0.1.2/24');
      tx.interface('brx').delPort('p1p');
      // Changes of what exists.
      tx.interface('eth0').set({ mtu: 1400, address: '02:00:00:00:00:aa', alias: 'uplink' });
      db.routes.table(200).get('10.51.0.0/16')!.set({ gateway: '10.0.0.3', metrics: { mtu: 1300 } });
      // New things.
      const br = tx.interfaces.create({ ifname: 'br0', kind: 'bridge' });
      tx.interfaces.create({ ifname: 'va', kind: 'veth', peer: 'vb' });
      tx.interfaces.create({ ifname: 'vc', kind: 'veth', peer: 'vd' });
      br.addPort('vb').addPort('vd').addIp('10.20.0.1/24').addIp('2001:db8:20::1/64', { flags: ['nodad'] }).up();
      for (const d of ['va', 'vb', 'vc', 'vd']) tx.interface(d).up();
      tx.routes.add({ dst: '10.60.0.0/16', gateway: '10.20.0.254' });
      tx.routes.add({ dst: '10.61.0.0/16', gateway: '10.99.99.1' }); // no interface reaches 10.99.99.1: ENETUNREACH
      tx.routes.add({ dst: '10.62.0.0/16', gateway: '10.20.0.254' });
      tx.rules.add({ priority: 2000, src: '10.20.0.0/24', table: 300 });
      tx.neighbours.add({ dst: '10.20.0.9', lladdr: '02:00:00:00:00:19', index: 'br0' });

      const steps = tx.review().entries.map((e) => e.step);
      const failing = steps.indexOf('add route 10.61.0.0/16 via 10.99.99.1');
      expect(failing).toBeGreaterThan(steps.length / 2);
      expect(failing).toBeLessThan(steps.length - 1);

      const err = await tx.commit().catch((e: unknown) => e);
      expect(err).toBeInstanceOf(CommitError);
      const ce = err as CommitError;
      expect(ce.failedStep).toBe('add route 10.61.0.0/16 via 10.99.99.1');
      expect(ce.stepIndex).toBe(failing);
      expect(ce.message).toMatch(/ENETUNREACH/);
      expect(ce.message).toMatch(/rolled back \d+ applied steps: ok/);
      expect(ce.rollback.ok).toBe(true);
      expect(ce.rollback.steps).toHaveLength(failing);
      expect(tx.state).toBe('failed');

      // Exactly as before, by iproute2's full dumps.
      expect(fullState(ns)).toEqual(before);
      // And the view agrees.
      expect(db.interfaces.get('br0')).toBeUndefined();
      expect(db.interfaces.get('eth0')!.mtu).toBe(mtu);
      expect(db.routes.get('10.50.0.0/16')!.gateway).toBe('10.0.0.1');
      expect(db.routes.table(200).get('10.51.0.0/16')!.gateway).toBe('10.0.0.1');
      expect(db.interfaces.get('p1p')!.master?.name).toBe('brx');
      tx.drop();
    }));
});
