/**
 * The nlkit side of docs/migrating-from-pyroute2.md, call by call: each entry
 * pairs a pyroute2 call with ours, and every one of ours is run here through
 * the real request builders, against a scripted kernel (`FakeTransport`), so
 * no root is needed. `examples/examples.test.ts` checks that each nlkit call
 * in the guide's table appears in this file, and that all of them run.
 *
 * Run with `node --conditions=@nlkit/source --import tsx examples/pyroute2-equivalents.ts`.
 */
import { NLM_F, decodeMessages, type AnyMessage } from '@nlkit/core';
import { Batch, applyBatch } from '@nlkit/batch';
import { IPRoute, getAttr, getField, netlinkRoute, type Link, type NetlinkRoute } from '@nlkit/client';
import { addNetns, deleteNetns, listNetns, openNetlink, runInNetns } from '@nlkit/live';
import { PcapStreamWriter, readCapture, recordTransport } from '@nlkit/pcap';
import { openFileSink } from '@nlkit/pcap/node';
import { rtnl } from '@nlkit/rtnl';
import { FakeTransport, ReplayTransport } from '@nlkit/testing';
import { NetlinkChannel } from '@nlkit/transport';

/** A kernel that knows two devices (lo = 1, eth0 = 2) and accepts everything. */
function scriptedKernel(): FakeTransport<NetlinkRoute> {
  const fake = new FakeTransport(netlinkRoute);
  const link = (index: number, ifname: string) => ({ name: 'RTM_NEWLINK', header: { index }, attrs: { ifname, mtu: 1500 } }) as const;
  const isDump = (m: AnyMessage<NetlinkRoute>) => (m.flags & NLM_F.DUMP) === NLM_F.DUMP;
  fake.on((m) => m.name === 'RTM_GETLINK' && isDump(m), [link(1, 'lo'), link(2, 'eth0')]);
  // A lookup by name, or `link('get')`: every name is eth0 here.
  fake.on('RTM_GETLINK', () => link(2, 'eth0'));
  fake.on((m) => m.name === 'RTM_GETROUTE' && !isDump(m), { name: 'RTM_NEWROUTE', header: { family: 2, dstLen: 32, table: 254 }, attrs: { dst: '8.8.8.8', oif: 2 } });
  fake.on((m) => m.name === 'RTM_GETNEIGH' && !isDump(m), { name: 'RTM_NEWNEIGH', header: { family: 2, ifindex: 2 }, attrs: { dst: '10.0.0.2' } });
  fake.on((m) => isDump(m), []); // every other dump: empty
  fake.on(() => true); // every change: ACK
  return fake;
}

const ipr = new IPRoute(scriptedKernel());

/** A decoded link message (`RTM_NEWLINK`), as pyroute2's `msg`. */
function eth0(): Promise<Link> {
  return ipr.link('get', { ifname: 'eth0' });
}

/** `[pyroute2 call, our call]`: the table of the migration guide. */
const calls: [string, () => Promise<unknown> | unknown][] = [
  // Links
  ["ipr.link('add', ifname='veth0', kind='veth', peer='veth1')", () => ipr.link('add', { ifname: 'veth0', kind: 'veth', peer: 'veth1' })],
  ["ipr.link('add', ifname='br0', kind='bridge', br_stp_state=1)", () => ipr.link('add', { ifname: 'br0', kind: 'bridge', data: { stpState: 'kernel' } })],
  ["ipr.link('set', index=idx, state='up', mtu=1400)", () => ipr.link('set', { index: 'eth0', state: 'up', mtu: 1400 })],
  ["ipr.link('set', index=idx, master=br)", () => ipr.link('set', { index: 'eth0', master: 'br0' })],
  ["ipr.link('set', index=idx, net_ns_pid=pid)", () => ipr.link('set', { index: 'eth0', netns: { pid: 1 } })],
  ["ipr.link('property_add', index=idx, altname='uplink')", () => ipr.link('property_add', { index: 'eth0', altname: 'uplink' })],
  ["ipr.link('del', index=idx)", () => ipr.link('del', { index: 'eth0' })],
  ["ipr.link('get', index=idx)", () => ipr.link('get', { ifname: 'eth0' })],
  ['ipr.get_links()', () => ipr.getLinks()],
  ["ipr.get_links(ifname='eth0')", () => ipr.getLinks({ ifname: 'eth0' })],
  ["ipr.link_lookup(ifname='eth0')", () => ipr.linkLookup({ ifname: 'eth0' })],
  // Addresses
  ["ipr.addr('add', index=idx, address='10.0.0.1', prefixlen=24)", () => ipr.addr('add', { index: 'eth0', address: '10.0.0.1/24' })],
  ["ipr.addr('add', ..., broadcast='10.0.0.255', label='eth0:1')", () => ipr.addr('add', { index: 'eth0', address: '10.0.0.2/24', broadcast: '+', label: 'eth0:1' })],
  ["ipr.addr('del', index=idx, address='10.0.0.1', prefixlen=24)", () => ipr.addr('del', { index: 'eth0', address: '10.0.0.1/24' })],
  ['ipr.get_addr(index=idx, family=AF_INET)', () => ipr.getAddr({ index: 'eth0', family: 'inet' })],
  // Routes
  ["ipr.route('add', dst='10.1.0.0/16', gateway='10.0.0.2', table=1000)", () => ipr.route('add', { dst: '10.1.0.0/16', gateway: '10.0.0.2', table: 1000 })],
  ["ipr.route('replace', dst='10.1.0.0/16', gateway='10.0.0.3', priority=20)", () => ipr.route('replace', { dst: '10.1.0.0/16', gateway: '10.0.0.3', metric: 20 })],
  ["ipr.route('add', dst=..., multipath=[{'gateway': ..., 'hops': 1}, ...])", () => ipr.route('add', { dst: '10.2.0.0/16', multipath: [{ gateway: '10.0.0.2', weight: 2 }, { gateway: '10.0.0.3' }] })],
  ["ipr.route('del', dst='10.1.0.0/16', table=1000)", () => ipr.route('del', { dst: '10.1.0.0/16', table: 1000 })],
  ["ipr.route('get', dst='8.8.8.8')", () => ipr.route('get', { dst: '8.8.8.8' })],
  ['ipr.get_routes(table=1000)', () => ipr.getRoutes({ table: 1000 })],
  ['ipr.get_default_routes()', () => ipr.getRoutes({ dst: 'default' })],
  // Rules
  ["ipr.rule('add', table=1000, priority=100, src='10.0.0.0', src_len=24)", () => ipr.rule('add', { priority: 100, src: '10.0.0.0/24', table: 1000 })],
  ["ipr.rule('add', table=1000, priority=101, fwmark=0x10)", () => ipr.rule('add', { priority: 101, fwmark: 0x10, table: 1000 })],
  ["ipr.rule('del', priority=100)", () => ipr.rule('del', { priority: 100 })],
  ['ipr.get_rules()', () => ipr.getRules()],
  // Neighbours
  ["ipr.neigh('add', dst='10.0.0.2', lladdr=mac, ifindex=idx, state=ndmsg.states['permanent'])", () => ipr.neigh('add', { dst: '10.0.0.2', lladdr: '02:00:00:00:00:02', index: 'eth0', state: 'permanent' })],
  ["ipr.neigh('get', dst='10.0.0.2', ifindex=idx)", () => ipr.neigh('get', { dst: '10.0.0.2', index: 'eth0' })],
  ["ipr.neigh('del', dst='10.0.0.2', ifindex=idx)", () => ipr.neigh('del', { dst: '10.0.0.2', index: 'eth0' })],
  ['ipr.get_neighbours(ifindex=idx)', () => ipr.getNeighbours({ index: 'eth0' })],
  // Bridge FDB and VLANs
  ["ipr.fdb('add', ifindex=idx, lladdr=mac, dst='10.0.0.5')", () => ipr.fdb('add', { index: 'eth0', lladdr: '00:00:00:00:00:00', dst: '10.0.0.5' })],
  ["ipr.fdb('del', ifindex=idx, lladdr=mac)", () => ipr.fdb('del', { index: 'eth0', lladdr: '02:00:00:00:00:05' })],
  ["ipr.fdb('dump', ifindex=idx)", () => ipr.getFdb({ index: 'eth0' })],
  ["ipr.vlan_filter('add', index=idx, vlan_info={'vid': 10, 'flags': pvid | untagged})", () => ipr.vlan('add', { index: 'eth0', vid: 10, pvid: true, untagged: true })],
  ["ipr.vlan_filter('del', index=idx, vlan_info={'vid': 10})", () => ipr.vlan('del', { index: 'eth0', vid: 10 })],
  ['ipr.get_vlans()', () => ipr.getVlans()],
  // Traffic control
  ["ipr.tc('add', 'htb', index=idx, handle='1:', default=0x10)", () => ipr.tc('add', 'htb', { index: 'eth0', handle: '1:', default: 0x10 })],
  ["ipr.tc('add-class', 'htb', index=idx, handle='1:10', parent='1:', rate='10mbit', ceil='20mbit')", () => ipr.tc('add-class', 'htb', { index: 'eth0', parent: '1:', classid: '1:10', rate: '10mbit', ceil: '20mbit' })],
  ["ipr.tc('add-filter', 'u32', index=idx, parent='1:', prio=1, protocol=ETH_P_IP, keys=[...], target='1:10')", () => ipr.tc('add-filter', 'u32', { index: 'eth0', parent: '1:', prio: 1, protocol: 'ip', match: ['ip dst 10.0.0.0/8'], flowid: '1:10' })],
  ["ipr.tc('add', 'ingress', index=idx)", () => ipr.tc('add', 'ingress', { index: 'eth0' })],
  ["ipr.tc('del', index=idx)", () => ipr.tc('del', '', { index: 'eth0', parent: 'root' })],
  ['ipr.get_qdiscs(index=idx)', () => ipr.getQdiscs({ index: 'eth0' })],
  ['ipr.get_classes(index=idx)', () => ipr.getClasses({ index: 'eth0' })],
  ['ipr.get_filters(index=idx)', () => ipr.getFilters({ index: 'eth0', parent: '1:' })],
  // Messages
  ["msg.get_attr('IFLA_IFNAME')", async () => { const msg = await eth0(); return [msg.attrs.ifname, getAttr(msg, 'IFLA_IFNAME')]; }],
  ["msg['index'], msg.get('index')", async () => { const msg = await eth0(); return [msg.header.index, getField(msg, 'ifi_index')]; }],
  ["msg.get_nested('IFLA_LINKINFO', 'IFLA_INFO_KIND')", async () => { const msg = await eth0(); return [msg.attrs.linkinfo?.kind, getAttr(msg, 'IFLA_LINKINFO', 'IFLA_INFO_KIND')]; }],
  ["ipr.nlm_request(msg, RTM_GETLINK, NLM_F_REQUEST | NLM_F_DUMP)", async () => { for await (const m of ipr.channel.dump({ name: 'RTM_GETLINK' })) void m; }],
  // Batches
  ["ipb = IPBatch(); ipb.link('add', ...); ipb.batch", () => { const batch = new Batch(); batch.link('add', { ifname: 'br1', kind: 'bridge' }); return batch.toBytes(); }],
  ['ipb.marshal.parse(data)', () => { const data = new Batch().toBytes(); return decodeMessages(rtnl, data); }],
];

/**
 * The rows of the table that need root or a live kernel: type-checked with
 * the rest of the examples (`pnpm typecheck`), not run here. The namespace
 * and socket calls run in examples/netns-links.ts and
 * examples/record-replay.test.ts.
 */
export async function needsRoot(data: Uint8Array, capture: Uint8Array) {
  const host = await IPRoute.open();
  const lab = await IPRoute.open({ netns: 'lab' });
  addNetns('lab');
  deleteNetns('lab');
  const names: string[] = listNetns();
  const inLab = runInNetns('lab', () => openNetlink());
  const report = await applyBatch(Batch.from(data), openNetlink());
  const events = new NetlinkChannel(openNetlink({ groups: [1] }), rtnl).events();
  const sink = openFileSink('session.pcapng');
  const recorded = recordTransport(openNetlink(), new PcapStreamWriter(sink.write, { format: 'pcapng' }));
  const packets = readCapture(capture);
  const replayed = new IPRoute(new ReplayTransport(capture, netlinkRoute));
  const scripted = new IPRoute(new FakeTransport(netlinkRoute));
  return { host, lab, names, inLab, report, events, recorded, packets, replayed, scripted };
}

let ok = 0;
for (const [pyroute2, call] of calls) {
  try {
    await call();
    ok++;
  } catch (e) {
    console.log(`FAILED ${pyroute2}: ${e instanceof Error ? e.message : String(e)}`);
  }
}
console.log(`${ok} of ${calls.length} calls ran`);
await ipr.close();
