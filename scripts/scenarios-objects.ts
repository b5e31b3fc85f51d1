/**
 * Fixtures of every rtnl object this kernel can make: each link kind it
 * has, IPv4/IPv6 addresses, routes of every shape, rules, neighbours and
 * proxy entries, bridge and vxlan fdb, netconf, link stats, neighbour
 * tables, nexthops and address labels. One rich namespace; one dump each.
 */
import { NLM_F } from '@nlkit/core';
import { rtnl } from '@nlkit/rtnl';
import type { Scenario } from './fixture-scenarios.js';

const setup: string[][] = [
  ['link', 'set', 'lo', 'up'],
  ['link', 'add', 'v0', 'address', '02:00:00:00:00:01', 'type', 'veth', 'peer', 'name', 'v1', 'address', '02:00:00:00:00:02'],
  ['link', 'add', 'br0', 'address', '02:00:00:00:00:10', 'type', 'bridge', 'stp_state', '0', 'forward_delay', '400', 'ageing_time', '30000'],
  ['link', 'set', 'v1', 'master', 'br0'],
  ['link', 'set', 'v0', 'mtu', '1400', 'up'],
  ['link', 'set', 'v1', 'up'],
  ['link', 'set', 'br0', 'up'],
  ['addr', 'add', '10.0.0.1/24', 'dev', 'v0'],
  ['addr', 'add', '10.0.0.2/24', 'dev', 'v0'],
  ['addr', 'add', '10.0.1.1/24', 'brd', '+', 'dev', 'v0', 'label', 'v0:x'],
  ['addr', 'add', 'fd00::1/64', 'dev', 'v0', 'nodad'],
  ['addr', 'add', 'fd00:1::1/64', 'dev', 'v0', 'nodad', 'valid_lft', '3000', 'preferred_lft', '2000'],
  ['link', 'add', 'vx0', 'address', '02:00:00:00:00:20', 'type', 'vxlan', 'id', '42', 'dstport', '4789', 'local', '10.0.0.1', 'dev', 'v0', 'ttl', '16'],
  ['link', 'set', 'vx0', 'up'],
  ['link', 'add', 'mv0', 'link', 'v0', 'address', '02:00:00:00:00:30', 'type', 'macvlan', 'mode', 'bridge'],
  ['link', 'add', 'mvt0', 'link', 'v0', 'address', '02:00:00:00:00:31', 'type', 'macvtap', 'mode', 'vepa'],
  ['tuntap', 'add', 'tap0', 'mode', 'tap'],
  ['tuntap', 'add', 'tun0', 'mode', 'tun'],
  ['link', 'add', 'ifb0', 'type', 'ifb'],
  ['route', 'add', '192.168.10.0/24', 'via', '10.0.0.254', 'dev', 'v0', 'metric', '20'],
  ['route', 'add', '10.9.0.0/16', 'nexthop', 'via', '10.0.0.253', 'dev', 'v0', 'weight', '2', 'nexthop', 'via', '10.0.0.254', 'dev', 'v0'],
  ['route', 'add', '10.8.0.0/16', 'via', '10.0.0.254', 'dev', 'v0', 'mtu', 'lock', '1300', 'advmss', '1200', 'initcwnd', '10'],
  ['route', 'add', '203.0.113.0/24', 'via', '10.0.0.254', 'table', '1000'],
  ['route', 'add', 'blackhole', '198.51.100.0/26'],
  ['route', 'add', 'unreachable', '198.51.100.64/26'],
  ['route', 'add', 'prohibit', '198.51.100.128/26'],
  ['-6', 'route', 'add', '2001:db8:1::/64', 'via', 'fd00::2', 'dev', 'v0', 'metric', '512', 'pref', 'high'],
  ['rule', 'add', 'from', '10.0.0.0/8', 'table', '100', 'priority', '50'],
  ['rule', 'add', 'fwmark', '0x10/0xff', 'iif', 'v0', 'lookup', '200', 'pref', '60', 'ipproto', 'tcp', 'dport', '80'],
  ['-6', 'rule', 'add', 'to', '2001:db8::/32', 'prohibit', 'pref', '70'],
  ['neigh', 'add', '10.0.0.9', 'lladdr', '02:00:00:00:00:09', 'dev', 'v0', 'nud', 'permanent'],
  ['neigh', 'add', '10.0.0.8', 'lladdr', '02:00:00:00:00:08', 'dev', 'v0', 'nud', 'reachable'],
  ['neigh', 'add', 'proxy', '10.0.0.10', 'dev', 'v0'],
  ['-6', 'neigh', 'add', 'fd00::9', 'lladdr', '02:00:00:00:00:09', 'dev', 'v0', 'nud', 'permanent'],
  ['nexthop', 'add', 'id', '1', 'via', '10.0.0.254', 'dev', 'v0'],
  ['nexthop', 'add', 'id', '2', 'via', '10.0.0.253', 'dev', 'v0'],
  ['nexthop', 'add', 'id', '10', 'group', '1/2,3'],
  ['addrlabel', 'add', 'prefix', '2001:db8:1::/48', 'label', '99'],
];

/** `bridge` commands run as `bridge -n NS ...` after `setup`. */
export const bridgeSetup: string[][] = [
  ['fdb', 'append', '00:00:00:00:00:00', 'dev', 'vx0', 'dst', '10.0.0.9', 'self', 'permanent'],
  ['fdb', 'append', '00:00:00:00:00:00', 'dev', 'vx0', 'dst', '10.0.0.10', 'vni', '100', 'port', '4790', 'self', 'permanent'],
  ['fdb', 'add', '02:00:00:00:00:99', 'dev', 'v1', 'master', 'static'],
];

async function drain(it: AsyncIterable<unknown>): Promise<void> {
  for await (const _ of it) void _;
}

const base = { family: rtnl, familyName: 'rtnl', setup, bridgeSetup } as const;

export const objectScenarios: Scenario[] = [
  {
    ...base,
    name: 'rtnl/objects/link-dump',
    description: 'RTM_GETLINK dump: lo, veth pair, bridge with options and a port, vxlan, macvlan, macvtap, tap, tun, ifb',
    exchange: ['RTM_GETLINK dump, AF_UNSPEC'],
    run: (ch) => drain(ch.dump({ name: 'RTM_GETLINK' })),
  },
  {
    ...base,
    name: 'rtnl/objects/link-dump-bridge-vlan',
    description: 'RTM_GETLINK dump, AF_BRIDGE with RTEXT_FILTER_BRVLAN: bridge ports with their vlans',
    exchange: ['RTM_GETLINK dump, AF_BRIDGE, IFLA_EXT_MASK = RTEXT_FILTER_BRVLAN'],
    run: (ch) => drain(ch.dump({ name: 'RTM_GETLINK', header: { family: 7 }, attrs: { extMask: ['brvlan'] } as never })),
  },
  {
    ...base,
    name: 'rtnl/objects/addr-dump',
    description: 'RTM_GETADDR dump: IPv4 with label and broadcast, IPv6 with lifetimes',
    exchange: ['RTM_GETADDR dump, AF_UNSPEC'],
    run: (ch) => drain(ch.dump({ name: 'RTM_GETADDR' })),
  },
  {
    ...base,
    name: 'rtnl/objects/route4-dump',
    description: 'RTM_GETROUTE dump, IPv4, all tables: gateway, multipath with weights, metrics with a lock, table 1000, blackhole/unreachable/prohibit',
    exchange: ['RTM_GETROUTE dump, AF_INET'],
    run: (ch) => drain(ch.dump({ name: 'RTM_GETROUTE', header: { family: 2 } })),
  },
  {
    ...base,
    name: 'rtnl/objects/route6-dump',
    description: 'RTM_GETROUTE dump, IPv6: connected, gateway with preference, local and multicast routes',
    exchange: ['RTM_GETROUTE dump, AF_INET6'],
    run: (ch) => drain(ch.dump({ name: 'RTM_GETROUTE', header: { family: 10 } })),
  },
  {
    ...base,
    name: 'rtnl/objects/rule-dump',
    description: 'RTM_GETRULE dump, IPv4 and IPv6: source, fwmark/mask, iif, ipproto and dport selectors; prohibit',
    exchange: ['RTM_GETRULE dump, AF_UNSPEC'],
    run: (ch) => drain(ch.dump({ name: 'RTM_GETRULE' })),
  },
  {
    ...base,
    name: 'rtnl/objects/neigh-dump',
    description: 'RTM_GETNEIGH dump: permanent and reachable IPv4 entries, IPv6, bridge and vxlan fdb',
    exchange: ['RTM_GETNEIGH dump, AF_UNSPEC'],
    run: (ch) => drain(ch.dump({ name: 'RTM_GETNEIGH' })),
  },
  {
    ...base,
    name: 'rtnl/objects/neigh-proxy-dump',
    description: 'RTM_GETNEIGH dump of proxy entries (NTF_PROXY)',
    exchange: ['RTM_GETNEIGH dump, AF_INET, ndm_flags = NTF_PROXY'],
    run: (ch) => drain(ch.dump({ name: 'RTM_GETNEIGH', header: { family: 2, flags: 0x08 } })),
  },
  {
    ...base,
    name: 'rtnl/objects/fdb-dump',
    description: 'RTM_GETNEIGH dump, AF_BRIDGE: bridge fdb, vxlan remotes with vni and port',
    exchange: ['RTM_GETNEIGH dump, AF_BRIDGE'],
    run: (ch) => drain(ch.dump({ name: 'RTM_GETNEIGH', header: { family: 7 } })),
  },
  {
    ...base,
    name: 'rtnl/objects/netconf-dump',
    description: 'RTM_GETNETCONF dump, IPv4 and IPv6: per-device forwarding, rp_filter, mc_forwarding, proxy_neigh',
    exchange: ['RTM_GETNETCONF dump, AF_UNSPEC'],
    run: (ch) => drain(ch.dump({ name: 'RTM_GETNETCONF' })),
  },
  {
    ...base,
    name: 'rtnl/objects/stats-dump',
    description: 'RTM_GETSTATS dump with IFLA_STATS_LINK_64 and IFLA_STATS_LINK_XSTATS',
    exchange: ['RTM_GETSTATS dump, filter_mask = LINK_64 | LINK_XSTATS'],
    run: (ch) => drain(ch.dump({ name: 'RTM_GETSTATS', header: { filterMask: ['link64', 'linkXstats'] } })),
  },
  {
    ...base,
    name: 'rtnl/objects/neightbl-dump',
    description: 'RTM_GETNEIGHTBL dump: arp_cache and ndisc_cache with their parameters and statistics',
    exchange: ['RTM_GETNEIGHTBL dump, AF_UNSPEC'],
    run: (ch) => drain(ch.dump({ name: 'RTM_GETNEIGHTBL' })),
  },
  {
    ...base,
    name: 'rtnl/objects/nexthop-dump',
    description: 'RTM_GETNEXTHOP dump: two gateways and a weighted group',
    exchange: ['RTM_GETNEXTHOP dump, AF_UNSPEC'],
    run: (ch) => drain(ch.dump({ name: 'RTM_GETNEXTHOP' })),
  },
  {
    ...base,
    name: 'rtnl/objects/addrlabel-dump',
    description: 'RTM_GETADDRLABEL dump: the default IPv6 policy table and one added label',
    exchange: ['RTM_GETADDRLABEL dump, AF_INET6'],
    run: (ch) => drain(ch.dump({ name: 'RTM_GETADDRLABEL', header: { family: 10 } })),
  },
  {
    ...base,
    name: 'rtnl/objects/nsid-set-dump',
    description: 'RTM_NEWNSID: id 5 for a peer namespace (the recorder\'s own, named by NETNSA_PID) with an ack; RTM_GETNSID dump listing it; RTM_GETNSID of that peer',
    exchange: ['RTM_NEWNSID nsid 5, pid of the recording process', 'RTM_GETNSID dump', 'RTM_GETNSID, pid of the recording process'],
    async run(ch) {
      // The peer is the namespace the recorder runs in; only the throwaway namespace's table of ids changes.
      await ch.request({ name: 'RTM_NEWNSID', header: { family: 0 }, attrs: { nsid: 5, pid: process.pid } });
      await drain(ch.dump({ name: 'RTM_GETNSID', header: { family: 0 } }));
      await ch.request({ name: 'RTM_GETNSID', header: { family: 0 }, attrs: { pid: process.pid } });
    },
  },
  {
    ...base,
    name: 'rtnl/objects/route-add-replace-del',
    description: 'Route changes with acks: add with NLM_F_EXCL, a second add refused with EEXIST, replace, delete',
    exchange: ['RTM_NEWROUTE add', 'RTM_NEWROUTE add again (EEXIST)', 'RTM_NEWROUTE replace', 'RTM_DELROUTE'],
    async run(ch) {
      const route = { header: { family: 2, dstLen: 24, table: 254, protocol: 3, scope: 0, type: 1 }, attrs: { dst: '172.16.5.0', gateway: '10.0.0.254' } };
      await ch.request({ name: 'RTM_NEWROUTE', flags: NLM_F.CREATE | NLM_F.EXCL, ...route });
      await ch.request({ name: 'RTM_NEWROUTE', flags: NLM_F.CREATE | NLM_F.EXCL, ...route }).then(
        () => { throw new Error('expected EEXIST'); },
        (e: { code?: string }) => { if (e.code !== 'EEXIST') throw e; },
      );
      await ch.request({ name: 'RTM_NEWROUTE', flags: NLM_F.CREATE | NLM_F.REPLACE, ...route, attrs: { ...route.attrs, priority: 7 } });
      await ch.request({ name: 'RTM_DELROUTE', ...route, attrs: { ...route.attrs, priority: 7 } });
    },
  },
];
