/**
 * Compares the schemas with iproute2 6.1: the `RTM_NEWLINK` requests `ip link`
 * sends (captured with strace, in a throwaway network namespace) decode to
 * what the command asked for and re-encode to the same bytes, whether or not
 * this kernel has the kind (a refused request is still sent). The kernel's
 * own link and stats dumps are decoded and re-encoded too. Needs root.
 */
import { describe, expect, it } from 'vitest';
import { decodeMessages, encodeMessage, family, toHex, type AnyMessage } from '@nlkit/core';
import { ifStatsMsg, statsAttrs, statsGetsetAttrs } from '../stats/index.js';
import { MACSEC_CIPHER_ID, ifinfomsg, linkAttrs } from './index.js';
import { captureReceived, captureSent, ip, isRoot, messageType, withNetns } from './test-util.js';

const link = { header: ifinfomsg, attrs: linkAttrs };
const fam = family('iproute2', 0, {
  RTM_NEWLINK: { type: 16, ...link },
  RTM_GETLINK: { type: 18, ...link },
  RTM_SETLINK: { type: 19, ...link },
  RTM_NEWSTATS: { type: 92, header: ifStatsMsg, attrs: statsAttrs },
  RTM_GETSTATS: { type: 94, header: ifStatsMsg, attrs: statsGetsetAttrs },
});
type Msg = AnyMessage<typeof fam>;
type Linkinfo = { kind?: string; data?: unknown; slaveKind?: string; slaveData?: unknown };

/** Decodes one captured message and checks it re-encodes to the same bytes. */
function decodeExact(bytes: Uint8Array): Msg {
  const [msg] = decodeMessages(fam, bytes);
  expect(toHex(encodeMessage(fam, msg as never))).toBe(toHex(bytes));
  return msg!;
}

/** The `RTM_NEWLINK` request an `ip link add`/`set` command sent (iproute2 first sends an empty probe). */
function newlinkRequest(args: string, ns: string): Msg {
  const c = captureSent(['ip', '-n', ns, ...args.split(' ')]);
  const sent = c.messages.filter((m) => messageType(m) === 16 && m.length > 32);
  expect(sent, `${args}: ${c.stderr}`).toHaveLength(1);
  return decodeExact(sent[0]!);
}

const linkinfo = (m: Msg): Linkinfo => (m.attrs as { linkinfo?: Linkinfo }).linkinfo ?? {};

/** GRE-family defaults iproute2 sends with every request. */
const greDefaults = { ikey: 0, okey: 0, iflags: [], oflags: [], fwmark: 0, encapType: 'none', encapFlags: [], encapSport: 0, encapDport: 0 };
const iptunDefaults = { link: 0, fwmark: 0, encapType: 'none', encapSport: 0, encapDport: 0 };

/** `ip link` arguments, and the kind data they should produce. */
const requests: { args: string; kind: string; data?: unknown; slaveData?: unknown; top?: Record<string, unknown> }[] = [
  // Kinds this kernel lacks (the request is refused, but sent).
  { args: 'link add link lo name v5 type vlan id 5 protocol 802.1ad reorder_hdr off gvrp on egress-qos-map 1:2 3:4', kind: 'vlan', top: { link: 1, ifname: 'v5' },
    data: { id: 5, protocol: '8021ad', egressQos: { mapping: [{ from: 1, to: 2 }, { from: 3, to: 4 }] }, flags: { flags: ['gvrp'], mask: ['reorderHdr', 'gvrp'] } } },
  { args: 'link add bond0 type bond mode 802.3ad miimon 100 arp_ip_target 10.0.0.1,10.0.0.2 ad_actor_system 00:11:22:33:44:55 xmit_hash_policy layer3+4', kind: 'bond',
    data: { mode: '802.3ad', miimon: 100, arpIpTarget: ['10.0.0.1', '10.0.0.2'], adActorSystem: '00:11:22:33:44:55', xmitHashPolicy: 'layer34' } },
  { args: 'link add bd1 type bond mode active-backup ns_ip6_target fd00::1,fd00::2 arp_validate all primary_reselect better fail_over_mac active', kind: 'bond',
    data: { mode: 'activeBackup', nsIp6Target: ['fd00::1', 'fd00::2'], arpValidate: 'all', primaryReselect: 'better', failOverMac: 'active' } },
  { args: 'link add gre1 type gre remote 10.0.0.2 local 10.0.0.1 ttl 64 key 42', kind: 'gre',
    data: { ...greDefaults, ikey: 42, okey: 42, iflags: ['key'], oflags: ['key'], local: '10.0.0.1', remote: '10.0.0.2', pmtudisc: 1, tos: 0, ttl: 64 } },
  { args: 'link add gt1 type gretap remote 10.0.0.2 local 10.0.0.1 nopmtudisc', kind: 'gretap',
    data: { ...greDefaults, local: '10.0.0.1', remote: '10.0.0.2', pmtudisc: 0, tos: 0, ttl: 0 } },
  { args: 'link add es1 type erspan remote 10.0.0.2 local 10.0.0.1 seq key 10 erspan_ver 2 erspan_dir egress erspan_hwid 7', kind: 'erspan',
    data: { ...greDefaults, ikey: 10, okey: 10, iflags: ['seq', 'key'], oflags: ['seq', 'key'], local: '10.0.0.1', remote: '10.0.0.2', pmtudisc: 1, tos: 0, ttl: 0, erspanVer: 2, erspanDir: 'egress', erspanHwid: 7 } },
  { args: 'link add g6 type ip6gre remote fd00::2 local fd00::1 hoplimit 32 flowlabel 0x12345', kind: 'ip6gre',
    data: { ...greDefaults, local: 'fd00::1', remote: 'fd00::2', ttl: 32, encapLimit: 4, flowinfo: 0x12345, flags: [], erspanVer: 1, encapFlags: ['csum6'] } },
  { args: 'link add g6t type ip6gretap remote fd00::2 local fd00::1 key 7', kind: 'ip6gretap',
    data: { ...greDefaults, ikey: 7, okey: 7, iflags: ['key'], oflags: ['key'], local: 'fd00::1', remote: 'fd00::2', ttl: 64, encapLimit: 4, flowinfo: 0, flags: [], erspanVer: 1, encapFlags: ['csum6'] } },
  { args: 'link add ii1 type ipip remote 10.0.0.2 local 10.0.0.1 ttl 10', kind: 'ipip',
    data: { ...iptunDefaults, proto: 'any', local: '10.0.0.1', remote: '10.0.0.2', pmtudisc: 1, tos: 0, ttl: 10, encapFlags: [] } },
  { args: 'link add s1 type sit remote 10.0.0.2 local 10.0.0.1 mode any isatap', kind: 'sit',
    data: { ...iptunDefaults, proto: 'any', local: '10.0.0.1', remote: '10.0.0.2', pmtudisc: 1, tos: 0, ttl: 0, encapFlags: [], flags: ['isatap'] } },
  { args: 'link add t6 type ip6tnl remote fd00::2 local fd00::1 mode ip6ip6 encaplimit 3', kind: 'ip6tnl',
    data: { ...iptunDefaults, proto: 'ipv6', local: 'fd00::1', remote: 'fd00::2', ttl: 64, encapLimit: 3, flowinfo: 0, flags: [], encapFlags: ['csum6'] } },
  { args: 'link add vt1 type vti remote 10.0.0.2 local 10.0.0.1 ikey 5 okey 6', kind: 'vti', data: { ikey: 5, okey: 6, local: '10.0.0.1', remote: '10.0.0.2', fwmark: 0 } },
  { args: 'link add vt6 type vti6 remote fd00::2 local fd00::1 key 9', kind: 'vti6', data: { ikey: 9, okey: 9, local: 'fd00::1', remote: 'fd00::2', fwmark: 0 } },
  { args: 'link add gn1 type geneve id 77 remote 10.0.0.9 ttl 3 dstport 6081', kind: 'geneve', data: { id: 77, remote: '10.0.0.9', label: 0, ttl: 3, tos: 0, port: 6081 } },
  { args: 'link add gn6 type geneve id 5 remote fd00::9 ttl inherit df inherit udp6zerocsumtx', kind: 'geneve',
    data: { ttlInherit: 1, df: 'inherit', id: 5, remote6: 'fd00::9', label: 0, ttl: 0, tos: 0, udpZeroCsum6Tx: 1 } },
  { args: 'link add vrf1 type vrf table 100', kind: 'vrf', data: { table: 100 } },
  { args: 'link add ipv1 link lo type ipvlan mode l3 private', kind: 'ipvlan', data: { mode: 'l3', flags: ['private'] } },
  { args: 'link add ipt1 link lo type ipvtap mode l2 vepa', kind: 'ipvtap', data: { mode: 'l2', flags: ['vepa'] } },
  { args: 'link add link lo ms0 type macsec port 11 encrypt on cipher gcm-aes-256', kind: 'macsec', data: { port: 11, encrypt: 1, cipherSuite: MACSEC_CIPHER_ID.GCM_AES_256 } },
  { args: 'link add link lo ms1 type macsec sci 0x1122334455667788 icvlen 16 replay on window 32 validate strict', kind: 'macsec',
    data: { sci: 0x1122334455667788n, validation: 'strict', icvLen: 16, window: 32, replayProtect: 1 } },
  { args: 'link add hsr0 type hsr slave1 lo slave2 lo supervision 45 version 1', kind: 'hsr', data: { slave1: 1, slave2: 1, multicastSpec: 45, version: 1 } },
  { args: 'link add hsr1 type hsr slave1 lo slave2 lo proto 1', kind: 'hsr', data: { slave1: 1, slave2: 1, protocol: 'prp' } },
  { args: 'link add xf1 type xfrm dev lo if_id 7', kind: 'xfrm', data: { ifId: 7, link: 1 } },
  { args: 'link add bu0 type bareudp dstport 6635 ethertype mpls_uc srcportmin 1000 multiproto', kind: 'bareudp',
    data: { port: 6635, ethertype: 0x8847, srcportMin: 1000, multiprotoMode: true } },
  { args: 'link add amt0 type amt mode gateway local 10.0.0.1 discovery 10.0.0.2 dev lo relay_port 2268 gateway_port 2269 max_tunnels 3', kind: 'amt',
    data: { mode: 'gateway', localIp: '10.0.0.1', discoveryIp: '10.0.0.2', link: 1, relayPort: 2268, gatewayPort: 2269, maxTunnels: 3 } },
  { args: 'link add bat0 type batadv ra BATMAN_V', kind: 'batadv', data: { algoName: 'BATMAN_V' } },
  { args: 'link add vc0 type vxcan peer name vc1', kind: 'vxcan', data: { peer: { header: { family: 0, type: 0, index: 0, flags: 0, change: 0 }, attrs: { ifname: 'vc1' } } } },
  { args: 'link add wg0 type wireguard', kind: 'wireguard' },
  // Kinds this kernel has.
  { args: 'link add v0 type veth peer name v1 mtu 1400 address 02:00:00:00:00:01', kind: 'veth',
    data: { peer: { header: { family: 0, type: 0, index: 0, flags: 0, change: 0 }, attrs: { mtu: 1400, address: '02:00:00:00:00:01', ifname: 'v1' } } } },
  { args: 'link add vx0 type vxlan id 42 dstport 4789 local 10.0.0.1 remote 10.0.0.2 ttl 5 tos 0x10 srcport 1000 2000 nolearning', kind: 'vxlan',
    data: { ttl: 5, tos: 0x10, portRange: { low: 1000, high: 2000 }, id: 42, local: '10.0.0.1', group: '10.0.0.2', learning: 0, port: 4789 } },
  { args: 'link add br0 type bridge stp_state 1 vlan_filtering 1 vlan_protocol 802.1ad forward_delay 500 group_address 01:80:c2:00:00:0f mcast_snooping 0', kind: 'bridge',
    data: { stpState: 'kernel', vlanFiltering: 1, vlanProtocol: '8021ad', forwardDelay: 500, groupAddr: '01:80:c2:00:00:0f', mcastSnooping: 0 } },
  { args: 'link add mv1 link lo type macvlan mode bridge', kind: 'macvlan', data: { mode: 'bridge' } },
  { args: 'link add mvt0 link lo type macvtap mode passthru nopromisc', kind: 'macvtap', data: { mode: 'passthru', flags: ['nopromisc'] } },
  { args: 'link add if0 type ifb', kind: 'ifb' },
  // Port options: iproute2 names the kind <master kind>_slave and sends IFLA_INFO_SLAVE_DATA.
  { args: 'link set dev lo type bridge_slave cost 7 priority 3 learning off', kind: 'bridge_slave', slaveData: { cost: 7, priority: 3, learning: 0 } },
  { args: 'link set dev lo type bond_slave queue_id 3', kind: 'bond_slave', slaveData: { queueId: 3 } },
];

describe.skipIf(!isRoot)('iproute2 6.1 requests', () => {
  for (const r of requests) {
    it(`ip ${r.args}`, async () => {
      await withNetns((ns) => {
        const msg = newlinkRequest(r.args, ns);
        const li = linkinfo(msg);
        expect(li.kind).toBe(r.kind);
        expect(li.data).toEqual(r.data);
        expect(li.slaveData).toEqual(r.slaveData);
        if (r.top) expect(msg.attrs).toMatchObject(r.top);
      });
    });
  }
});

describe.skipIf(!isRoot)('the kernel’s own dumps', () => {
  it('decodes and re-encodes a link dump with veth, bridge port, vxlan, macvlan and ifb', async () => {
    await withNetns((ns) => {
      for (const cmd of ['link add v0 type veth peer name v1', 'link add br0 type bridge', 'link set v0 master br0', 'link add vx0 type vxlan id 42 dstport 4789 local 10.0.0.1', 'link add mv0 link v1 type macvlan mode private', 'link add if0 type ifb']) {
        ip('-n', ns, ...cmd.split(' '));
      }
      const replies = captureReceived(['ip', '-n', ns, '-d', '-s', 'link', 'show']).messages.filter((m) => messageType(m) === 16);
      const byName = new Map(replies.map((b) => decodeExact(b)).map((m) => [(m.attrs as { ifname?: string }).ifname, m] as const));
      expect([...byName.keys()].sort()).toEqual(['br0', 'if0', 'lo', 'mv0', 'v0', 'v1', 'vx0']);
      const info = (n: string): Linkinfo => linkinfo(byName.get(n)!);
      expect(info('v0')).toMatchObject({ kind: 'veth', slaveKind: 'bridge', slaveData: { state: 'disabled', cost: expect.any(Number), learning: 1 } });
      expect(info('br0')).toMatchObject({ kind: 'bridge', data: { stpState: 'off', groupAddr: '01:80:c2:00:00:00', rootId: { prio: 0x8000 } } });
      expect(info('vx0')).toMatchObject({ kind: 'vxlan', data: { id: 42, local: '10.0.0.1', port: 4789, learning: 1 } });
      expect(info('mv0')).toMatchObject({ kind: 'macvlan', data: { mode: 'private' } });
      expect(info('if0')).toEqual({ kind: 'ifb' });
      const v1 = byName.get('v1')!.attrs as { afSpec?: { inet?: { conf?: { forwarding?: number } }; inet6?: { addrGenMode?: unknown; conf?: { mtu6?: number } } } };
      expect(v1.afSpec?.inet?.conf?.forwarding).toBeTypeOf('number');
      expect(v1.afSpec?.inet6?.conf?.mtu6).toBe(1500);
    });
  });

  it('decodes IFLA_PROTINFO of an AF_BRIDGE dump (bridge -d link show)', async () => {
    await withNetns((ns) => {
      for (const cmd of ['link add v0 type veth peer name v1', 'link add br0 type bridge', 'link set v0 master br0']) ip('-n', ns, ...cmd.split(' '));
      const replies = captureReceived(['bridge', '-n', ns, '-d', 'link', 'show']).messages.filter((m) => messageType(m) === 16).map(decodeExact);
      // bridge(8) first dumps every link (AF_UNSPEC) to learn names, then the ports (AF_BRIDGE).
      const v0 = replies.find((m) => (m.header as { family: number }).family === 7 && (m.attrs as { ifname?: string }).ifname === 'v0')!;
      expect(v0).toBeDefined();
      expect(v0.attrs).toMatchObject({ master: expect.any(Number), protinfo: { state: 'disabled', priority: 32, cost: 2, learning: 1, mode: 0, unicastFlood: 1 } });
    });
  });

  it('matches the AF_BRIDGE and AF_INET6 requests of bridge(8) and ip(8)', async () => {
    await withNetns((ns) => {
      for (const cmd of ['link add v0 type veth peer name v1', 'link add br0 type bridge', 'link set v0 master br0']) ip('-n', ns, ...cmd.split(' '));
      /** The RTM_SETLINK (bridge) or RTM_NEWLINK (ip link set) request of a command. */
      const setlink = (argv: string[]): Msg => {
        const sent = captureSent(argv).messages.filter((m) => (messageType(m) === 19 || messageType(m) === 16) && m.length > 32);
        expect(sent, argv.join(' ')).toHaveLength(1);
        return decodeExact(sent[0]!);
      };
      // IFLA_AF_SPEC of an AF_BRIDGE message holds IFLA_BRIDGE_* directly.
      const range = setlink(['bridge', '-n', ns, 'vlan', 'add', 'dev', 'v0', 'vid', '10-12', 'untagged', 'master']);
      expect(range.header).toMatchObject({ family: 7 });
      expect(range.attrs).toMatchObject({ afSpec: { flags: ['master'], vlanInfo: [{ flags: ['untagged', 'rangeBegin'], vid: 10 }, { flags: ['untagged', 'rangeEnd'], vid: 12 }] } });
      const pvid = setlink(['bridge', '-n', ns, 'vlan', 'add', 'dev', 'v0', 'vid', '20', 'pvid', 'untagged']);
      expect(pvid.attrs).toMatchObject({ afSpec: { vlanInfo: [{ flags: ['pvid', 'untagged'], vid: 20 }] } });
      // IFLA_PROTINFO of an AF_BRIDGE message holds IFLA_BRPORT_*.
      const port = setlink(['bridge', '-n', ns, 'link', 'set', 'dev', 'v0', 'cost', '5', 'learning', 'off', 'state', '3']);
      expect(port.attrs).toMatchObject({ protinfo: { cost: 5, learning: 0, state: 'forwarding' } });
      // IFLA_AF_SPEC of other messages is keyed by address family.
      const token = setlink(['ip', '-n', ns, 'token', 'set', '::1:2:3:4/64', 'dev', 'v1']);
      expect(token.attrs).toMatchObject({ afSpec: { inet6: { token: '::1:2:3:4' } } });
      const mode = setlink(['ip', '-n', ns, 'link', 'set', 'dev', 'v1', 'addrgenmode', 'stable_secret']);
      expect(mode.attrs).toMatchObject({ afSpec: { inet6: { addrGenMode: 'stablePrivacy' } } });
    });
  });

  it('decodes and re-encodes RTM_GETSTATS requests and RTM_NEWSTATS replies', async () => {
    await withNetns((ns) => {
      for (const cmd of ['link add v0 type veth peer name v1', 'link add br0 type bridge', 'link set v0 master br0']) ip('-n', ns, ...cmd.split(' '));
      const groups = ['group link', 'group offload', 'group xstats_slave subgroup bridge', 'group xstats subgroup bridge', 'group afstats'];
      const seen = new Set<string>();
      for (const g of groups) {
        const args = ['ip', '-n', ns, 'stats', 'show', 'dev', 'v0', ...g.split(' ')];
        for (const m of captureSent(args).messages.filter((b) => messageType(b) === 94)) decodeExact(m);
        for (const b of captureReceived(args).messages.filter((x) => messageType(x) === 92)) {
          const m = decodeExact(b);
          for (const k of Object.keys(m.attrs)) seen.add(k);
        }
      }
      expect([...seen].sort()).toEqual(expect.arrayContaining(['link64', 'linkOffloadXstats', 'linkXstatsSlave']));
    });
  });
});
