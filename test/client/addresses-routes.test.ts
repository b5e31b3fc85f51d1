/**
 * pyroute2's address and route examples with IPRoute, each in a throwaway
 * namespace and checked against `ip -j address` and `ip -j route show table
 * all`: primary and secondary addresses, lifetimes and flags; routes with
 * gateways, multipath, metrics, tables above 255, replace and delete, route
 * types, `ip route get`, and the dump filters.
 */
import { describe, expect, it } from 'vitest';
import { NLM_F, NetlinkError } from '@nlkit/core';
import { tableOf, type IPRoute } from '@nlkit/client';
import { ip, ipj, isRoot, withClient } from './live-util.js';

/** veth0 (up, 10.0.0.1/24 and 2001:db8::1/64) and veth1 (up): the setup routes need. */
async function wire(ipr: IPRoute): Promise<number> {
  await ipr.link('add', { ifname: 'veth0', kind: 'veth', peer: 'veth1' });
  await ipr.link('set', { index: 'veth0', state: 'up' });
  await ipr.link('set', { index: 'veth1', state: 'up' });
  await ipr.addr('add', { index: 'veth0', address: '10.0.0.1/24' });
  await ipr.addr('add', { index: 'veth0', address: '2001:db8::1/64', flags: ['nodad'] });
  return (await ipr.linkLookup({ ifname: 'veth0' }))[0]!;
}

/** `ip -j route show table all` of one family, by `dst`. */
function ipRoutes(ns: string, family: '-4' | '-6'): Map<string, any[]> {
  const out = new Map<string, any[]>();
  for (const r of ipj(ns, family, 'route', 'show', 'table', 'all')) out.set(r.dst, [...(out.get(r.dst) ?? []), r]);
  return out;
}

describe.skipIf(!isRoot)('IPRoute addresses', () => {
  it('adds primary and secondary addresses, labels, broadcasts, IPv6 flags and lifetimes', () =>
    withClient(async (ipr, ns) => {
      await ipr.link('add', { ifname: 'veth0', kind: 'veth', peer: 'veth1' });
      await ipr.addr('add', { index: 'veth0', address: '10.0.0.1/24', broadcast: '+' });
      await ipr.addr('add', { index: 'veth0', address: '10.0.0.2/24', label: 'veth0:sec' });
      await ipr.addr('add', { index: 'veth0', address: '2001:db8::1/64', flags: ['nodad', 'noprefixroute'], validLft: 3600, preferredLft: 1800 });
      await ipr.addr('add', { index: 'veth0', address: '10.5.0.1/16', metric: 300 });

      const [dev] = ipj(ns, 'address', 'show', 'dev', 'veth0');
      const v4 = dev.addr_info.filter((a: any) => a.family === 'inet');
      expect(v4.find((a: any) => a.local === '10.0.0.1')).toMatchObject({ prefixlen: 24, broadcast: '10.0.0.255', label: 'veth0' });
      expect(v4.find((a: any) => a.local === '10.0.0.2')).toMatchObject({ prefixlen: 24, secondary: true, label: 'veth0:sec' });
      expect(v4.find((a: any) => a.local === '10.5.0.1')).toMatchObject({ prefixlen: 16, metric: 300 });
      const v6 = dev.addr_info.find((a: any) => a.local === '2001:db8::1');
      expect(v6).toMatchObject({ prefixlen: 64, nodad: true, noprefixroute: true, valid_life_time: 3600, preferred_life_time: 1800 });

      // nlkit's view: kernel-filtered by device and family, then by address here.
      const mine = await ipr.getAddr({ index: 'veth0', family: 'inet' });
      expect(mine.every((a) => a.flags & NLM_F.DUMP_FILTERED)).toBe(true);
      expect(mine.map((a) => `${a.attrs.local}/${a.header.prefixlen}`).sort()).toEqual(['10.0.0.1/24', '10.0.0.2/24', '10.5.0.1/16']);
      const [sec] = await ipr.getAddr({ address: '10.0.0.2/24' });
      expect(sec!.attrs).toMatchObject({ label: 'veth0:sec', flags: expect.arrayContaining(['secondary', 'permanent']) });
      const [six] = await ipr.getAddr({ family: 'inet6', address: '2001:db8::1' });
      expect(six!.attrs.cacheinfo).toMatchObject({ valid: expect.any(Number), prefered: expect.any(Number) });

      // Replacing an existing address updates its lifetimes and metric (not its label).
      await ipr.addr('replace', { index: 'veth0', address: '10.0.0.2/24', validLft: 600, preferredLft: 300, metric: 9 });
      expect(ipj(ns, 'address', 'show', 'dev', 'veth0')[0].addr_info.find((a: any) => a.local === '10.0.0.2')).toMatchObject({
        valid_life_time: 600, preferred_life_time: 300, metric: 9, label: 'veth0:sec',
      });
      await ipr.addr('del', { index: 'veth0', address: '10.0.0.2/24' });
      expect(ipj(ns, 'address', 'show', 'dev', 'veth0')[0].addr_info.map((a: any) => a.local)).not.toContain('10.0.0.2');

      const dup = await ipr.addr('add', { index: 'veth0', address: '10.0.0.1/24' }).catch((e: unknown) => e);
      expect((dup as NetlinkError).message).toMatch(/^address add 10\.0\.0\.1\/24: EEXIST/);
    }));
});

describe.skipIf(!isRoot)('IPRoute routes', () => {
  it('adds, replaces and deletes routes with gateways, metrics and tables', () =>
    withClient(async (ipr, ns) => {
      const veth0 = await wire(ipr);
      await ipr.route('add', { dst: '10.1.0.0/16', gateway: '10.0.0.2' });
      await ipr.route('add', { dst: '10.2.0.0/16', oif: 'veth0', metric: 50, protocol: 'static', metrics: { mtu: 1400, advmss: 1360, lock: ['mtu'] } });
      await ipr.route('add', { dst: '10.3.0.0/16', gateway: '10.0.0.2', table: 100 });
      await ipr.route('add', { dst: '10.4.0.0/16', gateway: '10.0.0.3', table: 1000, prefsrc: '10.0.0.1' });
      await ipr.route('add', { dst: 'default', gateway: '10.0.0.254', table: 70000 });
      await ipr.route('add', { dst: '2001:db8:1::/64', gateway: '2001:db8::2', pref: 'high', metric: 1024 });

      const v4 = ipRoutes(ns, '-4');
      // iproute2 leaves out what is the default: table main, protocol boot.
      expect(v4.get('10.1.0.0/16')![0]).toEqual({ dst: '10.1.0.0/16', gateway: '10.0.0.2', dev: 'veth0', flags: [] });
      expect(v4.get('10.2.0.0/16')![0]).toMatchObject({ dev: 'veth0', metric: 50, protocol: 'static', scope: 'link', metrics: [{ advmss: 1360, mtu: 1400 }] });
      // `ip -j` leaves metric locks out; its text shows them.
      expect(ip(ns, 'route', 'show', '10.2.0.0/16')).toContain('mtu lock 1400');
      expect(v4.get('10.3.0.0/16')![0]).toMatchObject({ gateway: '10.0.0.2', table: '100' });
      expect(v4.get('10.4.0.0/16')![0]).toMatchObject({ gateway: '10.0.0.3', table: '1000', prefsrc: '10.0.0.1' });
      expect(v4.get('default')!.find((r) => r.table === '70000')).toMatchObject({ gateway: '10.0.0.254' });
      expect(ipRoutes(ns, '-6').get('2001:db8:1::/64')![0]).toMatchObject({ gateway: '2001:db8::2', pref: 'high', metric: 1024 });

      // nlkit's view, filtered in the kernel.
      const big = await ipr.getRoutes({ table: 70000 });
      // The kernel did the filtering: it marks such replies NLM_F_DUMP_FILTERED.
      expect(big[0]!.flags & NLM_F.DUMP_FILTERED).toBe(NLM_F.DUMP_FILTERED);
      expect(big.map((r) => [r.attrs.dst, r.header.dstLen, r.attrs.gateway, tableOf(r)])).toEqual([[undefined, 0, '10.0.0.254', 70000]]);
      expect((await ipr.getRoutes({ family: 'inet', table: 1000 })).map((r) => r.attrs.dst)).toEqual(['10.4.0.0']);
      const viaOif = await ipr.getRoutes({ family: 'inet', table: 'main', oif: 'veth0', protocol: 'static' });
      expect(viaOif.map((r) => r.attrs.dst)).toEqual(['10.2.0.0']);
      expect(viaOif[0]!.attrs.metrics).toEqual({ lock: ['mtu'], mtu: 1400, advmss: 1360 });
      expect(viaOif[0]!.attrs.oif).toBe(veth0);
      expect(await ipr.getRoutes({ table: 4242 })).toEqual([]);
      expect((await ipr.getRoutes({ dst: 'default', family: 'inet' })).map(tableOf)).toEqual([70000]);

      await ipr.route('replace', { dst: '10.1.0.0/16', gateway: '10.0.0.3' });
      expect(ipRoutes(ns, '-4').get('10.1.0.0/16')).toMatchObject([{ gateway: '10.0.0.3' }]);
      await ipr.route('change', { dst: '10.1.0.0/16', gateway: '10.0.0.4', metric: 0 });
      expect(ipRoutes(ns, '-4').get('10.1.0.0/16')).toMatchObject([{ gateway: '10.0.0.4' }]);
      await ipr.route('del', { dst: '10.3.0.0/16', table: 100 });
      await ipr.route('del', { dst: 'default', table: 70000 });
      const after = ipRoutes(ns, '-4');
      expect(after.has('10.3.0.0/16')).toBe(false);
      expect(after.get('default')).toBeUndefined();

      const dup = await ipr.route('add', { dst: '10.1.0.0/16', gateway: '10.0.0.2' }).catch((e: unknown) => e);
      expect(dup).toBeInstanceOf(NetlinkError);
      expect((dup as NetlinkError).message).toMatch(/^route add 10\.1\.0\.0\/16: EEXIST \(File exists\)/);
      const unreachableGw = await ipr.route('add', { dst: '10.9.0.0/16', gateway: '192.0.2.1' }).catch((e: unknown) => e);
      expect((unreachableGw as NetlinkError).message).toMatch(/^route add 10\.9\.0\.0\/16: ENETUNREACH .*Nexthop has invalid gateway/);
    }));

  it('adds multipath routes with weights, and appends next hops', () =>
    withClient(async (ipr, ns) => {
      await wire(ipr);
      await ipr.route('add', { dst: '10.8.0.0/16', multipath: [{ gateway: '10.0.0.2', weight: 3 }, { gateway: '10.0.0.3', oif: 'veth0' }] });
      await ipr.route('add', { dst: '2001:db8:8::/48', multipath: [{ gateway: '2001:db8::2', weight: 2 }, { gateway: '2001:db8::3' }] });
      const r = ipRoutes(ns, '-4').get('10.8.0.0/16')![0];
      expect(r.nexthops).toEqual([
        expect.objectContaining({ gateway: '10.0.0.2', dev: 'veth0', weight: 3 }),
        expect.objectContaining({ gateway: '10.0.0.3', dev: 'veth0', weight: 1 }),
      ]);
      const [mine] = await ipr.getRoutes({ dst: '10.8.0.0/16' });
      expect(mine!.attrs.multipath!.map((nh) => [nh.attrs.gateway, nh.hops + 1])).toEqual([['10.0.0.2', 3], ['10.0.0.3', 1]]);
      expect((await ipr.getRoutes({ gateway: '10.0.0.3', family: 'inet' })).map((x) => x.attrs.dst)).toEqual(['10.8.0.0']);
      // IPv6 multipath: the kernel keeps the paths as sibling routes and dumps them as one.
      const six = await ipr.getRoutes({ family: 'inet6', dst: '2001:db8:8::/48' });
      expect(six.flatMap((x) => (x.attrs.multipath ? x.attrs.multipath.map((nh) => nh.attrs.gateway) : [x.attrs.gateway])).sort()).toEqual(['2001:db8::2', '2001:db8::3']);
      expect(ipRoutes(ns, '-6').get('2001:db8:8::/48')![0].nexthops.map((n: any) => n.gateway).sort()).toEqual(['2001:db8::2', '2001:db8::3']);

      await ipr.route('append', { dst: '2001:db8:8::/48', gateway: '2001:db8::4' });
      expect(ipRoutes(ns, '-6').get('2001:db8:8::/48')![0].nexthops.map((n: any) => n.gateway).sort()).toEqual(['2001:db8::2', '2001:db8::3', '2001:db8::4']);
      await ipr.route('del', { dst: '10.8.0.0/16' });
      expect(ipRoutes(ns, '-4').has('10.8.0.0/16')).toBe(false);
    }));

  it('adds blackhole, unreachable, prohibit and local routes, and answers route get', () =>
    withClient(async (ipr, ns) => {
      await wire(ipr);
      await ipr.route('add', { dst: '10.5.0.0/16', type: 'blackhole' });
      await ipr.route('add', { dst: '10.6.0.0/16', type: 'unreachable', table: 300 });
      await ipr.route('add', { dst: '10.7.0.0/16', type: 'prohibit' });
      await ipr.route('add', { dst: '10.0.0.77', type: 'local', oif: 'veth0' });
      const v4 = ipRoutes(ns, '-4');
      expect(v4.get('blackhole 10.5.0.0/16') ?? v4.get('10.5.0.0/16')).toMatchObject([{ type: 'blackhole' }]);
      expect(v4.get('10.6.0.0/16')).toMatchObject([{ type: 'unreachable', table: '300' }]);
      expect(v4.get('10.7.0.0/16')).toMatchObject([{ type: 'prohibit' }]);
      expect(v4.get('10.0.0.77')).toMatchObject([{ type: 'local', table: 'local', scope: 'host', dev: 'veth0' }]);
      expect((await ipr.getRoutes({ type: 'blackhole' })).map((r) => r.attrs.dst)).toEqual(['10.5.0.0']);

      await ipr.route('add', { dst: '10.1.0.0/16', gateway: '10.0.0.2' });
      const got = await ipr.route('get', { dst: '10.1.2.3' });
      expect(got.attrs).toMatchObject({ dst: '10.1.2.3', gateway: '10.0.0.2', prefsrc: '10.0.0.1' });
      const fib = await ipr.route('get', { dst: '10.1.2.3', fibmatch: true });
      expect([fib.attrs.dst, fib.header.dstLen]).toEqual(['10.1.0.0', 16]);
      const none = await ipr.route('get', { dst: '10.5.1.1' }).catch((e: unknown) => e);
      expect((none as NetlinkError).message).toMatch(/^route get 10\.5\.1\.1: EINVAL/);
    }));
});
