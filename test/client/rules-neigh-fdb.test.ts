/**
 * pyroute2's rule, neighbour, FDB and bridge VLAN examples with IPRoute,
 * each in a throwaway namespace and checked against `ip -j rule`, `ip -j
 * neigh` and `bridge -j fdb show` / `bridge -j vlan show`.
 */
import { describe, expect, it } from 'vitest';
import { NLM_F, NetlinkError } from '@nlkit/core';
import { bridgeVlans, tableOf } from '@nlkit/client';
import { bridgej, ipj, isRoot, withClient } from './live-util.js';

describe.skipIf(!isRoot)('IPRoute rules', () => {
  it('adds and deletes rules with selectors, tables and actions', () =>
    withClient(async (ipr, ns) => {
      await ipr.link('add', { ifname: 'veth0', kind: 'veth', peer: 'veth1' });
      await ipr.rule('add', { priority: 1000, src: '10.0.0.0/24', table: 100 });
      await ipr.rule('add', { priority: 1001, dst: '10.1.0.0/16', fwmark: 0x10, fwmask: 0xff, table: 1000 });
      await ipr.rule('add', { priority: 1002, iif: 'veth0', action: 'blackhole' });
      await ipr.rule('add', { priority: 1003, uidrange: [1000, 2000], ipproto: 'tcp', dport: 80, sport: [1024, 2000], table: 'main' });
      await ipr.rule('add', { priority: 1004, suppressPrefixlength: 0, table: 'main', invert: true, oif: 'veth0' });
      await ipr.rule('add', { priority: 999, src: '10.0.0.0/8', goto: 1003 });
      await ipr.rule('add', { priority: 1005, src: '2001:db8::/32', table: 200 });

      const v4 = new Map(ipj(ns, 'rule', 'show').map((r: any) => [r.priority, r]));
      expect(v4.get(1000)).toMatchObject({ src: '10.0.0.0', srclen: 24, table: '100' });
      expect(v4.get(1001)).toMatchObject({ dst: '10.1.0.0', dstlen: 16, fwmark: '0x10', fwmask: '0xff', table: '1000' });
      expect(v4.get(1002)).toMatchObject({ iif: 'veth0', action: 'blackhole' });
      expect(v4.get(1003)).toMatchObject({ uid_start: 1000, uid_end: 2000, ipproto: 'tcp', dport: 80, sport_start: 1024, sport_end: 2000, table: 'main' });
      expect(v4.get(1004)).toMatchObject({ not: null, oif: 'veth0', suppress_prefixlen: 0, table: 'main' });
      expect(v4.get(999)).toEqual({ priority: 999, src: '10.0.0.0', srclen: 8, goto: 1003 });
      expect(ipj(ns, '-6', 'rule', 'show').find((r: any) => r.priority === 1005)).toMatchObject({ src: '2001:db8::', srclen: 32, table: '200' });

      const mine = await ipr.getRules({ family: 'inet', table: 1000 });
      expect(mine.map((r) => [r.attrs.priority, r.attrs.fwmark, r.attrs.fwmask, tableOf(r)])).toEqual([[1001, 0x10, 0xff, 1000]]);
      expect((await ipr.getRules({ src: '10.0.0.0/8' })).map((r) => r.attrs.goto)).toEqual([1003]);
      expect((await ipr.getRules({ family: 'inet6', priority: 1005 })).map((r) => r.attrs.src)).toEqual(['2001:db8::']);

      await ipr.rule('del', { priority: 1000 });
      await ipr.rule('del', { priority: 1005, family: 'inet6' });
      expect(ipj(ns, 'rule', 'show').map((r: any) => r.priority)).not.toContain(1000);
      expect(ipj(ns, '-6', 'rule', 'show').map((r: any) => r.priority)).not.toContain(1005);
      const gone = await ipr.rule('del', { priority: 1000 }).catch((e: unknown) => e);
      expect((gone as NetlinkError).message).toMatch(/^rule del priority 1000: ENOENT/);
    }));
});

describe.skipIf(!isRoot)('IPRoute neighbours', () => {
  it('adds, replaces, gets and deletes neighbours', () =>
    withClient(async (ipr, ns) => {
      await ipr.link('add', { ifname: 'veth0', kind: 'veth', peer: 'veth1' });
      await ipr.link('set', { index: 'veth0', state: 'up' });
      await ipr.addr('add', { index: 'veth0', address: '10.0.0.1/24' });
      await ipr.neigh('add', { dst: '10.0.0.2', lladdr: '02:00:00:00:00:02', index: 'veth0' });
      await ipr.neigh('add', { dst: '10.0.0.3', lladdr: '02:00:00:00:00:03', index: 'veth0', state: 'reachable', flags: ['router'] });
      await ipr.neigh('add', { dst: '2001:db8::5', lladdr: '02:00:00:00:00:05', index: 'veth0', state: 'stale' });
      await ipr.neigh('add', { dst: '10.0.0.9', index: 'veth0', flags: ['proxy'] });

      const byDst = new Map(ipj(ns, 'neigh', 'show').map((n: any) => [n.dst, n]));
      expect(byDst.get('10.0.0.2')).toMatchObject({ dev: 'veth0', lladdr: '02:00:00:00:00:02', state: ['PERMANENT'] });
      expect(byDst.get('10.0.0.3')).toMatchObject({ lladdr: '02:00:00:00:00:03', router: null, state: ['REACHABLE'] });
      expect(byDst.get('2001:db8::5')).toMatchObject({ lladdr: '02:00:00:00:00:05', state: ['STALE'] });
      expect(ipj(ns, 'neigh', 'show', 'proxy')).toMatchObject([{ dst: '10.0.0.9', dev: 'veth0' }]);

      const v4 = await ipr.getNeighbours({ family: 'inet', index: 'veth0' });
      expect(v4.every((n) => n.flags & NLM_F.DUMP_FILTERED)).toBe(true);
      expect(v4.map((n) => n.attrs.dst).sort()).toEqual(['10.0.0.2', '10.0.0.3']);
      expect((await ipr.getNeighbours({ state: 'stale' })).map((n) => n.attrs.dst)).toEqual(['2001:db8::5']);
      expect((await ipr.getNeighbours({ proxy: true })).map((n) => n.attrs.dst)).toEqual(['10.0.0.9']);
      expect((await ipr.getNeighbours({ lladdr: '02:00:00:00:00:03' }))[0]!.header.flags & 0x80).toBe(0x80);

      await ipr.neigh('replace', { dst: '10.0.0.2', lladdr: '02:00:00:00:00:22', index: 'veth0', state: 'noarp' });
      // `ip neigh show` leaves NOARP entries out unless asked for all states.
      expect(ipj(ns, 'neigh', 'show', '10.0.0.2', 'nud', 'all')).toMatchObject([{ lladdr: '02:00:00:00:00:22', state: ['NOARP'] }]);
      const one = await ipr.neigh('get', { dst: '10.0.0.2', index: 'veth0' });
      expect(one.attrs.lladdr).toBe('02:00:00:00:00:22');
      await ipr.neigh('del', { dst: '10.0.0.2', index: 'veth0' });
      expect(ipj(ns, 'neigh', 'show', '10.0.0.2', 'nud', 'all')).toEqual([]);
      const gone = await ipr.neigh('get', { dst: '10.0.0.2', index: 'veth0' }).catch((e: unknown) => e);
      expect((gone as NetlinkError).message).toMatch(/^neigh get 10\.0\.0\.2: ENOENT/);
    }));
});

describe.skipIf(!isRoot)('IPRoute FDB and bridge VLANs', () => {
  it('adds and deletes bridge FDB entries on a port, and VXLAN remotes', () =>
    withClient(async (ipr, ns) => {
      await ipr.link('add', { ifname: 'br0', kind: 'bridge' });
      await ipr.link('add', { ifname: 'veth0', kind: 'veth', peer: 'veth1' });
      await ipr.link('set', { index: 'veth1', master: 'br0' });
      await ipr.link('add', { ifname: 'vx0', kind: 'vxlan', data: { id: 42, port: 4789, local: '10.0.0.1', learning: 0 } });

      await ipr.fdb('add', { lladdr: '02:00:00:00:00:0a', index: 'veth1', flags: ['master'], state: 'static' });
      await ipr.fdb('add', { lladdr: '02:00:00:00:00:0b', index: 'veth1', flags: ['master'], state: 'static', vlan: 1 }).catch((e: unknown) => {
        // Without bridge VLAN filtering the kernel takes no VLAN-qualified entries.
        expect((e as NetlinkError).code).toBe('EINVAL');
      });
      await ipr.fdb('append', { lladdr: '00:00:00:00:00:00', index: 'vx0', dst: '10.0.0.5' });
      await ipr.fdb('append', { lladdr: '00:00:00:00:00:00', index: 'vx0', dst: '10.0.0.6' });
      await ipr.fdb('add', { lladdr: '02:00:00:00:00:0c', index: 'vx0', dst: '10.0.0.7', vni: 100, port: 4790 });

      const port = bridgej(ns, 'fdb', 'show', 'dev', 'veth1');
      expect(port.find((e: any) => e.mac === '02:00:00:00:00:0a')).toMatchObject({ master: 'br0', state: 'static' });
      const vx = bridgej(ns, 'fdb', 'show', 'dev', 'vx0');
      expect(vx.filter((e: any) => e.mac === '00:00:00:00:00:00').map((e: any) => e.dst).sort()).toEqual(['10.0.0.5', '10.0.0.6']);
      expect(vx.find((e: any) => e.mac === '02:00:00:00:00:0c')).toMatchObject({ dst: '10.0.0.7', vni: 100, port: 4790, state: 'permanent' });

      const remotes = await ipr.getFdb({ index: 'vx0', lladdr: '00:00:00:00:00:00' });
      expect(remotes.map((e) => e.attrs.dst).sort()).toEqual(['10.0.0.5', '10.0.0.6']);
      const onBridge = await ipr.getFdb({ master: 'br0', lladdr: '02:00:00:00:00:0a' });
      expect(onBridge.map((e) => [e.header.ifindex, e.header.state])).toEqual([[(await ipr.linkLookup({ ifname: 'veth1' }))[0], 0x40]]);

      await ipr.fdb('del', { lladdr: '02:00:00:00:00:0a', index: 'veth1', flags: ['master'] });
      await ipr.fdb('del', { lladdr: '00:00:00:00:00:00', index: 'vx0', dst: '10.0.0.5' });
      expect(bridgej(ns, 'fdb', 'show', 'dev', 'veth1').map((e: any) => e.mac)).not.toContain('02:00:00:00:00:0a');
      expect(bridgej(ns, 'fdb', 'show', 'dev', 'vx0').filter((e: any) => e.mac === '00:00:00:00:00:00').map((e: any) => e.dst)).toEqual(['10.0.0.6']);
    }));

  it('sends bridge VLAN requests as bridge(8) does, and dumps the VLANs of ports', () =>
    withClient(async (ipr, ns) => {
      await ipr.link('add', { ifname: 'br0', kind: 'bridge' });
      await ipr.link('add', { ifname: 'veth0', kind: 'veth', peer: 'veth1' });
      await ipr.link('set', { index: 'veth1', master: 'br0' });
      const filtering = await ipr.link('set', { index: 'br0', kind: 'bridge', data: { vlanFiltering: 1 } }).then(() => true, (e: NetlinkError) => {
        expect(e.code).toBe('EOPNOTSUPP');
        return false;
      });
      const add = ipr.vlan('add', { index: 'veth1', vid: 10, pvid: true, untagged: true });
      if (!filtering) {
        // This kernel lacks CONFIG_BRIDGE_VLAN_FILTERING: the request is refused, with the operation named.
        await expect(add).rejects.toThrow(/^vlan add 10: EOPNOTSUPP/);
        expect(await ipr.getVlans({ index: 'veth1' })).toEqual([]);
        expect(bridgej(ns, 'vlan', 'show')).toEqual([]);
        return;
      }
      await add;
      await ipr.vlan('add', { index: 'veth1', vid: [20, 22] });
      const shown = bridgej(ns, 'vlan', 'show', 'dev', 'veth1')[0].vlans;
      expect(shown).toEqual(expect.arrayContaining([expect.objectContaining({ vlan: 10, flags: ['PVID', 'Egress Untagged'] }), expect.objectContaining({ vlan: 20, vlanEnd: 22 })]));
      const [port] = await ipr.getVlans({ index: 'veth1' });
      expect(bridgeVlans(port!).map((v) => v.vid)).toEqual(expect.arrayContaining([10, 20, 21, 22]));
      await ipr.vlan('del', { index: 'veth1', vid: 10 });
      expect(bridgej(ns, 'vlan', 'show', 'dev', 'veth1')[0].vlans.map((v: any) => v.vlan)).not.toContain(10);
    }));
});
