/**
 * Live agreement: a varied configuration built in one namespace with
 * IPRoute itself, then every object the client dumps compared field by field
 * with iproute2's own JSON view of the same namespace (`ip -j -d link`,
 * `ip -j address`, `ip -j -d route show table all`, `ip -j rule`,
 * `ip -j neigh show nud all`, `bridge -j fdb show`, `bridge -j vlan show`),
 * in both directions: each object iproute2 shows is one the client has, and
 * no more.
 */
import { describe, expect, it } from 'vitest';
import { bridgeVlans, linkKind, tableOf, type Address, type IPRoute, type Link, type Neighbour, type Route, type Rule } from '@nlkit/client';
import { bridgej, ipj, isRoot, withClient } from './live-util.js';

/** `IFF_*` bits as `ip link` prints them (it leaves `IFF_RUNNING` out). */
const IFF_NAMES: [number, string][] = [
  [0x1, 'UP'], [0x2, 'BROADCAST'], [0x4, 'DEBUG'], [0x8, 'LOOPBACK'], [0x10, 'POINTOPOINT'], [0x20, 'NOTRAILERS'], [0x80, 'NOARP'],
  [0x100, 'PROMISC'], [0x200, 'ALLMULTI'], [0x400, 'MASTER'], [0x800, 'SLAVE'], [0x1000, 'MULTICAST'], [0x2000, 'PORTSEL'],
  [0x4000, 'AUTOMEDIA'], [0x8000, 'DYNAMIC'], [0x10000, 'LOWER_UP'], [0x20000, 'DORMANT'], [0x40000, 'ECHO'],
];
const SCOPES: Record<number, string> = { 0: 'global', 200: 'site', 253: 'link', 254: 'host', 255: 'nowhere' };
const TABLES: Record<number, string> = { 253: 'default', 254: 'main', 255: 'local' };
const PROTOCOLS: Record<number, string> = { 0: 'unspec', 1: 'redirect', 2: 'kernel', 3: 'boot', 4: 'static', 16: 'dhcp', 186: 'bgp', 188: 'ospf' };
const TYPES = ['unspec', 'unicast', 'local', 'broadcast', 'anycast', 'multicast', 'blackhole', 'unreachable', 'prohibit', 'throw', 'nat', 'xresolve'];
const NUD: [number, string][] = [[0x01, 'INCOMPLETE'], [0x02, 'REACHABLE'], [0x04, 'STALE'], [0x08, 'DELAY'], [0x10, 'PROBE'], [0x20, 'FAILED'], [0x40, 'NOARP'], [0x80, 'PERMANENT']];

/** Builds the configuration, with the client only. */
async function build(ipr: IPRoute): Promise<void> {
  await ipr.link('add', { ifname: 'br0', kind: 'bridge', data: { stpState: 'kernel', forwardDelay: 500, helloTime: 300, maxAge: 2500, ageingTime: 12345, priority: 4096 } });
  await ipr.link('add', { ifname: 'veth0', kind: 'veth', peer: { ifname: 'veth1', address: '02:00:00:00:01:01' }, mtu: 1450, txqlen: 700 });
  await ipr.link('add', { ifname: 'veth2', kind: 'veth', peer: 'veth3' });
  await ipr.link('add', { ifname: 'mv0', kind: 'macvlan', link: 'veth2', data: { mode: 'vepa' }, address: '02:00:00:00:02:02' });
  await ipr.link('add', { ifname: 'vx0', kind: 'vxlan', data: { id: 4242, port: 4789, local: '10.0.0.1', ttl: 8, learning: 0, ageing: 600 } });
  await ipr.link('set', { index: 'veth1', master: 'br0' });
  await ipr.link('set', { index: 'veth1', slaveKind: 'bridge', slaveData: { cost: 7, priority: 12 } });
  await ipr.link('set', { index: 'vx0', master: 'br0' });
  for (const dev of ['lo', 'br0', 'veth0', 'veth1', 'veth2', 'veth3', 'mv0', 'vx0']) await ipr.link('set', { index: dev, state: 'up' });
  await ipr.link('set', { index: 'veth3', promisc: true, alias: 'the far end' });

  await ipr.addr('add', { index: 'veth0', address: '10.0.0.1/24', broadcast: '+' });
  await ipr.addr('add', { index: 'veth0', address: '10.0.0.2/24', label: 'veth0:two' });
  await ipr.addr('add', { index: 'veth0', address: '2001:db8::1/64', flags: ['nodad'] });
  await ipr.addr('add', { index: 'br0', address: '192.168.50.1/24', metric: 77 });
  await ipr.addr('add', { index: 'mv0', address: '2001:db8:9::1/64', flags: ['nodad', 'noprefixroute'] });

  await ipr.route('add', { dst: '10.1.0.0/16', gateway: '10.0.0.254', metric: 10 });
  await ipr.route('add', { dst: '10.2.0.0/16', oif: 'veth0', protocol: 'static', metrics: { mtu: 1300, advmss: 1200 } });
  await ipr.route('add', { dst: '10.3.0.0/16', multipath: [{ gateway: '10.0.0.253', weight: 4 }, { gateway: '10.0.0.252', oif: 'veth0' }] });
  await ipr.route('add', { dst: '10.4.0.0/16', type: 'blackhole', table: 100 });
  await ipr.route('add', { dst: 'default', gateway: '10.0.0.254', table: 1000, prefsrc: '10.0.0.1' });
  await ipr.route('add', { dst: '10.5.0.0/16', type: 'unreachable', table: 70000 });
  await ipr.route('add', { dst: '2001:db8:1::/48', gateway: '2001:db8::fe', pref: 'high' });
  await ipr.route('add', { dst: '2001:db8:2::/48', multipath: [{ gateway: '2001:db8::fd', weight: 2 }, { gateway: '2001:db8::fc' }] });

  await ipr.rule('add', { priority: 100, src: '10.0.0.0/24', table: 100 });
  await ipr.rule('add', { priority: 101, dst: '10.9.0.0/16', fwmark: 0x20, fwmask: 0xf0, table: 1000 });
  await ipr.rule('add', { priority: 102, iif: 'veth0', action: 'prohibit' });
  await ipr.rule('add', { priority: 103, ipproto: 'udp', dport: [5000, 5010], uidrange: [10, 20], table: 'main' });
  await ipr.rule('add', { priority: 104, src: '2001:db8::/32', table: 70000 });

  await ipr.neigh('add', { dst: '10.0.0.20', lladdr: '02:00:00:00:00:20', index: 'veth0' });
  await ipr.neigh('add', { dst: '10.0.0.21', lladdr: '02:00:00:00:00:21', index: 'veth0', state: 'stale', flags: ['router'] });
  await ipr.neigh('add', { dst: '2001:db8::20', lladdr: '02:00:00:00:00:22', index: 'veth0', state: 'reachable' });

  await ipr.fdb('add', { lladdr: '02:00:00:00:00:aa', index: 'veth1', flags: ['master'], state: 'static' });
  await ipr.fdb('append', { lladdr: '00:00:00:00:00:00', index: 'vx0', dst: '10.0.0.5' });
  await ipr.fdb('add', { lladdr: '02:00:00:00:00:bb', index: 'vx0', dst: '10.0.0.6', vni: 4243, port: 4790 });
}

describe.skipIf(!isRoot)('IPRoute agrees with iproute2', () => {
  it('on links, addresses, routes, rules, neighbours, the FDB and bridge VLANs', () =>
    withClient(async (ipr, ns) => {
      await build(ipr);
      // Carriers and STP port states settle on their own: take iproute2's view between two equal ones of the client.
      const volatile = (ls: Link[]) => JSON.stringify(ls.map((l) => [l.header.flags, l.attrs.operstate, (l.attrs.linkinfo as { slaveData?: { state?: unknown } } | undefined)?.slaveData?.state]));
      let links = await ipr.getLinks();
      let ipLinks = ipj(ns, '-d', 'link', 'show');
      for (let i = 0; i < 50; i++) {
        const again = await ipr.getLinks();
        if (volatile(again) === volatile(links)) break;
        await new Promise((r) => setTimeout(r, 100));
        links = await ipr.getLinks();
        ipLinks = ipj(ns, '-d', 'link', 'show');
      }
      const name = new Map(links.map((l) => [l.header.index, l.attrs.ifname!]));
      const byIndex = new Map(links.map((l) => [l.header.index, l]));

      // ----- links -----
      expect(links.map((l) => l.header.index).sort()).toEqual(ipLinks.map((l: any) => l.ifindex).sort());
      for (const theirs of ipLinks) {
        const mine: Link = byIndex.get(theirs.ifindex)!;
        const a = mine.attrs;
        const at = `link ${theirs.ifname}`;
        expect(a.ifname, at).toBe(theirs.ifname);
        expect(a.mtu, at).toBe(theirs.mtu);
        expect(a.txqlen, at).toBe(theirs.txqlen);
        expect(a.address, at).toBe(theirs.address);
        expect(a.broadcast, at).toBe(theirs.broadcast);
        expect(String(a.operstate).toUpperCase(), at).toBe(theirs.operstate);
        expect(a.ifalias, at).toBe(theirs.ifalias);
        expect(a.promiscuity, at).toBe(theirs.promiscuity);
        expect(a.numTxQueues, at).toBe(theirs.num_tx_queues);
        expect(a.gsoMaxSize, at).toBe(theirs.gso_max_size);
        const flags = IFF_NAMES.filter(([bit]) => mine.header.flags & bit).map(([, n]) => n);
        // iproute2 adds NO-CARRIER for a device up but not running.
        if ((mine.header.flags & 0x41) === 0x01) flags.push('NO-CARRIER');
        expect(flags.sort(), at).toEqual(theirs.flags.filter((f: string) => f !== 'M-DOWN').sort());
        expect(a.master === undefined ? undefined : name.get(a.master), at).toBe(theirs.master);
        if (theirs.link !== undefined) expect(name.get(a.link!), at).toBe(theirs.link);
        const info = theirs.linkinfo ?? {};
        expect(linkKind(mine), at).toBe(info.info_kind);
        const li = (a.linkinfo ?? {}) as { slaveKind?: string; data?: Record<string, unknown>; slaveData?: Record<string, unknown> };
        expect(li.slaveKind, at).toBe(info.info_slave_kind);
        const d = li.data ?? {};
        const td = info.info_data ?? {};
        switch (info.info_kind) {
          case 'bridge':
            expect([d.forwardDelay, d.helloTime, d.maxAge, d.ageingTime, d.priority, d.vlanFiltering, d.mcastSnooping], at).toEqual([
              td.forward_delay, td.hello_time, td.max_age, td.ageing_time, td.priority, td.vlan_filtering ? 1 : 0, td.mcast_snooping ? 1 : 0,
            ]);
            expect({ off: 0, kernel: 1, user: 2 }[d.stpState as string], at).toBe(td.stp_state);
            break;
          case 'vxlan':
            expect([d.id, d.local, d.port, d.ttl, d.learning === 1, d.ageing], at).toEqual([td.id, td.local, td.port, td.ttl, td.learning, td.ageing]);
            break;
          case 'macvlan':
            expect(d.mode, at).toBe(td.mode);
            break;
        }
        if (info.info_slave_kind === 'bridge') {
          const sd = li.slaveData ?? {};
          const ts = info.info_slave_data;
          expect([sd.state, sd.cost, sd.priority, sd.mode === 1, sd.learning === 1, sd.unicastFlood === 1], at).toEqual([ts.state, ts.cost, ts.priority, ts.hairpin, ts.learning, ts.flood]);
        }
      }

      // ----- addresses -----
      const addrs = await ipr.getAddr();
      const ipAddrs = ipj(ns, 'address', 'show').flatMap((l: any) => l.addr_info.map((x: any) => ({ ...x, ifindex: l.ifindex })));
      expect(addrs.length).toBe(ipAddrs.length);
      for (const theirs of ipAddrs) {
        const at = `address ${theirs.local}/${theirs.prefixlen}`;
        const mine: Address | undefined = addrs.find((x) => x.header.index === theirs.ifindex && (x.attrs.local ?? x.attrs.address) === theirs.local);
        expect(mine, at).toBeDefined();
        const flags = (mine!.attrs.flags ?? []) as string[];
        expect([mine!.header.family === 2 ? 'inet' : 'inet6', mine!.header.prefixlen, SCOPES[mine!.header.scope]], at).toEqual([theirs.family, theirs.prefixlen, theirs.scope]);
        expect([mine!.attrs.broadcast, mine!.attrs.label, mine!.attrs.rtPriority], at).toEqual([theirs.broadcast, theirs.label, theirs.metric]);
        expect([flags.includes('secondary'), flags.includes('nodad'), flags.includes('noprefixroute'), !flags.includes('permanent')], at).toEqual([
          theirs.secondary === true, theirs.nodad === true, theirs.noprefixroute === true, theirs.dynamic === true,
        ]);
        expect(mine!.attrs.cacheinfo?.valid, at).toBe(theirs.valid_life_time);
      }

      // ----- routes -----
      const routes = (await ipr.getRoutes()).filter((r) => r.header.family === 2 || r.header.family === 10);
      const ipRoutes = [...ipj(ns, '-4', '-d', 'route', 'show', 'table', 'all'), ...ipj(ns, '-6', '-d', 'route', 'show', 'table', 'all')];
      const dstText = (r: Route): string => {
        const full = r.header.family === 2 ? 32 : 128;
        if (r.header.dstLen === 0) return 'default';
        return r.header.dstLen === full ? String(r.attrs.dst) : `${r.attrs.dst}/${r.header.dstLen}`;
      };
      const key = (table: string, type: string, dst: string, metric: number | undefined, family: number, dev: string | undefined) => `${family} ${table} ${type} ${dst} ${metric ?? 0} ${dev ?? ''}`;
      const mineByKey = new Map(routes.map((r) => [
        key(TABLES[tableOf(r)] ?? String(tableOf(r)), TYPES[r.header.type]!, dstText(r), r.attrs.priority, r.header.family, r.attrs.oif === undefined ? undefined : name.get(r.attrs.oif)),
        r,
      ]));
      expect(mineByKey.size).toBe(routes.length);
      expect(routes.length).toBe(ipRoutes.length);
      for (const theirs of ipRoutes) {
        const family = theirs.dst?.includes(':') || theirs.gateway?.includes(':') || theirs.nexthops?.[0]?.gateway?.includes(':') || ipRoutes.indexOf(theirs) >= ipj(ns, '-4', 'route', 'show', 'table', 'all').length ? 10 : 2;
        const k = key(theirs.table, theirs.type, theirs.dst, theirs.metric, family, theirs.dev);
        const mine = mineByKey.get(k);
        expect(mine, k).toBeDefined();
        const a = mine!.attrs;
        expect([PROTOCOLS[mine!.header.protocol] ?? String(mine!.header.protocol), SCOPES[mine!.header.scope]], k).toEqual([theirs.protocol, theirs.scope]);
        expect([a.gateway, a.oif === undefined ? undefined : name.get(a.oif), a.prefsrc, a.pref], k).toEqual([theirs.gateway, theirs.dev, theirs.prefsrc, theirs.pref]);
        const nexthops = (a.multipath ?? []).map((nh) => ({ gateway: nh.attrs.gateway, dev: name.get(nh.ifindex), weight: nh.hops + 1 }));
        expect(nexthops, k).toEqual((theirs.nexthops ?? []).map((nh: any) => ({ gateway: nh.gateway, dev: nh.dev, weight: nh.weight })));
        const { lock: _lock, ...metrics } = a.metrics ?? {};
        expect(metrics, k).toEqual(Object.assign({}, ...(theirs.metrics ?? [])));
      }

      // ----- rules -----
      // Without a family the kernel dumps the multicast-routing families' rules too (128, 129).
      const rules = (await ipr.getRules()).filter((r) => r.header.family === 2 || r.header.family === 10);
      const ipRules = [...ipj(ns, '-4', 'rule', 'show').map((r: any) => ({ ...r, family: 2 })), ...ipj(ns, '-6', 'rule', 'show').map((r: any) => ({ ...r, family: 10 }))];
      expect(rules.length).toBe(ipRules.length);
      for (const theirs of ipRules) {
        const at = `rule ${theirs.family} ${theirs.priority}`;
        const mine: Rule | undefined = rules.find((r) => r.header.family === theirs.family && (r.attrs.priority ?? 0) === theirs.priority);
        expect(mine, at).toBeDefined();
        const a = mine!.attrs;
        const h = mine!.header;
        const table = h.action === 1 ? TABLES[tableOf(mine!)] ?? String(tableOf(mine!)) : undefined;
        expect([h.srcLen ? a.src : 'all', h.srcLen || undefined, a.dst, h.dstLen || undefined, table], at).toEqual([theirs.src, theirs.srclen, theirs.dst, theirs.dstlen, theirs.table]);
        expect([a.iifname, a.oifname, a.fwmark === undefined ? undefined : `0x${a.fwmark.toString(16)}`, a.fwmask === undefined ? undefined : `0x${a.fwmask.toString(16)}`], at).toEqual([
          theirs.iif, theirs.oif, theirs.fwmark, theirs.fwmask,
        ]);
        expect([a.uidRange?.start, a.uidRange?.end, a.dportRange?.start, a.dportRange?.end], at).toEqual([theirs.uid_start, theirs.uid_end, theirs.dport_start, theirs.dport_end]);
        expect(a.ipProto === undefined ? undefined : { 6: 'tcp', 17: 'udp' }[a.ipProto], at).toBe(theirs.ipproto);
        expect(h.action === 8 ? 'prohibit' : undefined, at).toBe(theirs.action);
      }

      // ----- neighbours -----
      const neighs = await ipr.getNeighbours();
      const ipNeighs = ipj(ns, 'neigh', 'show', 'nud', 'all');
      expect(neighs.length).toBe(ipNeighs.length);
      for (const theirs of ipNeighs) {
        const at = `neigh ${theirs.dst}`;
        const mine: Neighbour | undefined = neighs.find((n) => n.attrs.dst === theirs.dst && name.get(n.header.ifindex) === theirs.dev);
        expect(mine, at).toBeDefined();
        expect(mine!.attrs.lladdr, at).toBe(theirs.lladdr);
        expect(NUD.filter(([bit]) => mine!.header.state & bit).map(([, n]) => n), at).toEqual(theirs.state);
        expect((mine!.header.flags & 0x80) !== 0, at).toBe('router' in theirs);
      }

      // ----- FDB -----
      const fdb = await ipr.getFdb();
      const ipFdb = bridgej(ns, 'fdb', 'show');
      expect(fdb.length).toBe(ipFdb.length);
      const state = (s: number): string | undefined => (s & 0x80 ? 'permanent' : s & 0x40 ? 'static' : s & 0x04 ? 'stale' : undefined);
      for (const theirs of ipFdb) {
        const at = `fdb ${theirs.mac} ${theirs.ifname} ${theirs.dst ?? ''}`;
        const mine = fdb.find((e) => e.attrs.lladdr === theirs.mac && name.get(e.header.ifindex) === theirs.ifname && e.attrs.dst === theirs.dst && e.attrs.vlan === theirs.vlan && ((e.header.flags & 0x02) !== 0) === theirs.flags.includes('self'));
        expect(mine, at).toBeDefined();
        const a = mine!.attrs;
        expect([a.master === undefined ? undefined : name.get(a.master), a.vni, a.port, state(mine!.header.state) ?? ''], at).toEqual([theirs.master, theirs.vni, theirs.port, theirs.state]);
      }

      // ----- bridge VLANs (none when the kernel lacks VLAN filtering) -----
      const vlans = (await ipr.getVlans()).flatMap((p) => bridgeVlans(p).map((v) => `${p.attrs.ifname} ${v.vid}`));
      const ipVlans = bridgej(ns, 'vlan', 'show').flatMap((p: any) => p.vlans.flatMap((v: any) => {
        const out: string[] = [];
        for (let vid = v.vlan; vid <= (v.vlanEnd ?? v.vlan); vid++) out.push(`${p.ifname} ${vid}`);
        return out;
      }));
      expect(vlans.sort()).toEqual(ipVlans.sort());
    }));
});
