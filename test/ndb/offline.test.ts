/**
 * The database without a kernel: sources over `FakeTransport`s (a small
 * scripted kernel that answers dumps and turns accepted requests into the
 * events a kernel would send) and over a `ReplayTransport`. Lookups,
 * read-only views, snapshots and event queues, subscribe-before-dump,
 * resynchronisation after an overrun, review/drop, commit order and
 * rollback order.
 */
import { describe, expect, it } from 'vitest';
import { rtnl } from '@nlkit/rtnl';
import { FakeTransport, ReplayTransport } from '@nlkit/testing';
import { PcapStreamWriter, recordTransport } from '@nlkit/pcap';
import { CommitError, NDB, ReadOnlyError, TransactionError, type NdbEvent } from '@nlkit/ndb';

const G = { LINK: 1, NEIGH: 3, V4ADDR: 5, V4ROUTE: 7, V4RULE: 8, V6ADDR: 9, V6ROUTE: 11, V6RULE: 19 } as const;
const GROUPS = Object.values(G);
const tick = (): Promise<void> => new Promise((r) => setTimeout(r, 5));

type Msg = { name: string; flags?: number; header: Record<string, any>; attrs: Record<string, any> };

/**
 * A scripted kernel: holds links, addresses, routes, rules and neighbours
 * as messages, answers dumps from them, and applies the requests it
 * accepts, sending the events a kernel sends (before the ACK).
 */
class FakeKernel {
  readonly fake = new FakeTransport(rtnl, { groups: GROUPS });
  links = new Map<number, Msg>();
  addrs: Msg[] = [];
  routes: Msg[] = [];
  rules: Msg[] = [];
  neighs: Msg[] = [];
  fdb: Msg[] = [];
  nextIndex = 10;
  /** Gateways no route reaches: adding a route through one fails with ENETUNREACH. */
  unreachable = new Set<string>(['10.99.99.1']);
  /** Runs before a dump answers (to change things "during" the dump). */
  duringDump: ((what: string) => void) | undefined;

  constructor() {
    const f = this.fake;
    const dump = (what: string, list: () => Msg[]) => () => {
      this.duringDump?.(what);
      return list() as never;
    };
    f.on({ name: 'RTM_GETLINK', flags: 0x300 } as never, dump('link', () => [...this.links.values()]));
    f.on({ name: 'RTM_GETLINK' } as never, (req: any) => {
      const l = this.links.get(req.header.index);
      return (l ?? { error: 'ENODEV' }) as never;
    });
    f.on('RTM_GETADDR', dump('addr', () => this.addrs));
    f.on('RTM_GETROUTE', (req: any) => dump('route', () => this.routes.filter((r) => r.header.family === req.header.family))());
    f.on('RTM_GETRULE', (req: any) => this.rules.filter((r) => r.header.family === req.header.family) as never);
    f.on('RTM_GETNEIGH', (req: any) => {
      if (req.header.family === 7) return this.fdb as never;
      if (req.header.flags & 0x08) return [] as never;
      return this.neighs.filter((n) => n.header.family === req.header.family) as never;
    });
    f.on('RTM_NEWLINK', (req: any) => this.#newLink(req));
    f.on('RTM_DELLINK', (req: any) => {
      const l = this.links.get(req.header.index);
      if (!l) return { error: 'ENODEV' } as never;
      this.links.delete(req.header.index);
      this.#emit(G.LINK, { ...l, name: 'RTM_DELLINK' });
      return undefined;
    });
    f.on('RTM_NEWADDR', (req: any) => {
      const a: Msg = { name: 'RTM_NEWADDR', header: { ...req.header }, attrs: { ...req.attrs } };
      if (this.addrs.some((x) => sameAddr(x, a))) return { error: 'EEXIST' } as never;
      this.addrs.push(a);
      this.#emit(a.header.family === 2 ? G.V4ADDR : G.V6ADDR, a);
      return undefined;
    });
    f.on('RTM_DELADDR', (req: any) => {
      const i = this.addrs.findIndex((x) => sameAddr(x, req));
      if (i < 0) return { error: 'EADDRNOTAVAIL' } as never;
      const [a] = this.addrs.splice(i, 1);
      this.#emit(a!.header.family === 2 ? G.V4ADDR : G.V6ADDR, { ...a!, name: 'RTM_DELADDR' });
      return undefined;
    });
    f.on('RTM_NEWROUTE', (req: any) => {
      if (this.unreachable.has(req.attrs.gateway)) return { error: 'ENETUNREACH', message: 'Nexthop has invalid gateway' } as never;
      const r: Msg = { name: 'RTM_NEWROUTE', header: { ...req.header }, attrs: { table: req.attrs.table ?? req.header.table, ...req.attrs } };
      const i = this.routes.findIndex((x) => sameRoute(x, r));
      if (i >= 0 && req.flags & 0x200) return { error: 'EEXIST' } as never;
      if (i >= 0) this.routes[i] = r;
      else this.routes.push(r);
      this.#emit(r.header.family === 2 ? G.V4ROUTE : G.V6ROUTE, { ...r, flags: req.flags & 0xf00 });
      return undefined;
    });
    f.on('RTM_DELROUTE', (req: any) => {
      const i = this.routes.findIndex((x) => sameRoute(x, { header: req.header, attrs: { table: req.attrs.table ?? req.header.table, ...req.attrs } } as Msg));
      if (i < 0) return { error: 'ESRCH' } as never;
      const [r] = this.routes.splice(i, 1);
      this.#emit(r!.header.family === 2 ? G.V4ROUTE : G.V6ROUTE, { ...r!, name: 'RTM_DELROUTE' });
      return undefined;
    });
  }

  #emit(group: number, m: Msg): void {
    this.fake.emit(group, m as never);
  }

  #newLink(req: any): never | undefined {
    const create = (req.flags & 0x400) !== 0;
    if (create) {
      const index = this.nextIndex++;
      const l: Msg = { name: 'RTM_NEWLINK', header: { family: 0, type: 1, index, flags: req.header.flags & 1, change: 0 }, attrs: { ifname: req.attrs.ifname, mtu: req.attrs.mtu ?? 1500, linkinfo: { kind: req.attrs.linkinfo?.kind } } };
      this.links.set(index, l);
      this.#emit(G.LINK, l);
      return undefined;
    }
    const l = this.links.get(req.header.index);
    if (!l) return { error: 'ENODEV' } as never;
    const next: Msg = { ...l, header: { ...l.header }, attrs: { ...l.attrs } };
    if (req.header.change & 1) next.header.flags = (next.header.flags & ~1) | (req.header.flags & 1);
    for (const k of ['mtu', 'ifname', 'address', 'ifalias', 'txqlen']) if (req.attrs[k] !== undefined) next.attrs[k] = req.attrs[k];
    if (req.attrs.master !== undefined) {
      if (req.attrs.master === 0) delete next.attrs.master;
      else next.attrs.master = req.attrs.master;
    }
    this.links.set(l.header.index, next);
    this.#emit(G.LINK, next);
    return undefined;
  }

  link(index: number, ifname: string, extra: Record<string, any> = {}, flags = 0x1): Msg {
    const l: Msg = { name: 'RTM_NEWLINK', header: { family: 0, type: 1, index, flags, change: 0 }, attrs: { ifname, mtu: 1500, ...extra } };
    this.links.set(index, l);
    return l;
  }
}

function sameAddr(a: Msg, b: { header: Record<string, any>; attrs: Record<string, any> }): boolean {
  return a.header.index === b.header.index && a.header.prefixlen === b.header.prefixlen && (a.attrs.local ?? a.attrs.address) === (b.attrs.local ?? b.attrs.address);
}
function sameRoute(a: Msg, b: Msg): boolean {
  return a.header.family === b.header.family && a.header.dstLen === b.header.dstLen && (a.attrs.dst ?? '') === (b.attrs.dst ?? '') && (a.attrs.table ?? a.header.table) === (b.attrs.table ?? b.header.table) && (a.attrs.priority ?? 0) === (b.attrs.priority ?? 0);
}

const route4 = (dst: string | undefined, len: number, attrs: Record<string, any>, table = 254): Msg => ({
  name: 'RTM_NEWROUTE',
  header: { family: 2, dstLen: len, srcLen: 0, tos: 0, table: table < 256 ? table : 0, protocol: 3, scope: 0, type: 1, flags: 0 },
  attrs: { table, ...(dst ? { dst } : {}), ...attrs },
});
const route6 = (dst: string, len: number, attrs: Record<string, any>, table = 254): Msg => ({
  name: 'RTM_NEWROUTE',
  header: { family: 10, dstLen: len, srcLen: 0, tos: 0, table, protocol: 3, scope: 0, type: 1, flags: 0 },
  attrs: { table, dst, priority: 1024, ...attrs },
});
const addr4 = (index: number, a: string, len: number): Msg => ({ name: 'RTM_NEWADDR', header: { family: 2, prefixlen: len, flags: 0x80, scope: 0, index }, attrs: { address: a, local: a, label: 'x' } });
const addr6 = (index: number, a: string, len: number): Msg => ({ name: 'RTM_NEWADDR', header: { family: 10, prefixlen: len, flags: 0x80, scope: 0, index }, attrs: { address: a } });

/** A namespace of a few objects: lo, eth0 (2), eth1 (3), br0 (4, eth1's master). */
function populated(): FakeKernel {
  const k = new FakeKernel();
  k.link(1, 'lo', { mtu: 65536 });
  k.link(2, 'eth0', { address: '02:00:00:00:00:02', linkinfo: { kind: 'veth' } });
  k.link(3, 'eth1', { address: '02:00:00:00:00:03', master: 4, linkinfo: { kind: 'veth' } });
  k.link(4, 'br0', { address: '02:00:00:00:00:04', linkinfo: { kind: 'bridge' } });
  k.addrs.push(addr4(1, '127.0.0.1', 8), addr4(2, '10.0.0.2', 24), addr4(2, '10.0.1.2', 24), addr6(2, '2001:db8::2', 64), addr4(4, '192.168.0.1', 24));
  k.routes.push(
    route4(undefined, 0, { gateway: '10.0.0.1', oif: 2 }),
    route4('10.0.0.0', 24, { oif: 2 }),
    route4('10.1.0.0', 16, { gateway: '10.0.0.254', oif: 2, priority: 10 }),
    route4('10.1.0.0', 16, { gateway: '10.0.0.253', oif: 2, priority: 20 }),
    route4('10.0.0.0', 24, { gateway: '10.0.0.9', oif: 2, priority: 10 }, 100),
    route4('10.2.0.0', 16, { multipath: [{ flags: [], hops: 1, ifindex: 2, attrs: { gateway: '10.0.0.1' } }, { flags: [], hops: 0, ifindex: 4, attrs: { gateway: '192.168.0.9' } }] }),
    route6('2001:db8::', 64, { oif: 2 }),
    route6('::', 0, { gateway: '2001:db8::1', oif: 2 }),
  );
  k.rules.push(
    { name: 'RTM_NEWRULE', header: { family: 2, dstLen: 0, srcLen: 0, tos: 0, table: 255, action: 1, flags: 0 }, attrs: { table: 255 } },
    { name: 'RTM_NEWRULE', header: { family: 2, dstLen: 0, srcLen: 16, tos: 0, table: 100, action: 1, flags: 0 }, attrs: { table: 100, priority: 100, src: '10.9.0.0' } },
    { name: 'RTM_NEWRULE', header: { family: 2, dstLen: 0, srcLen: 0, tos: 0, table: 254, action: 1, flags: 0 }, attrs: { table: 254, priority: 32766 } },
  );
  k.neighs.push({ name: 'RTM_NEWNEIGH', header: { family: 2, ifindex: 2, state: 0x80, flags: 0, type: 1 }, attrs: { dst: '10.0.0.9', lladdr: '02:00:00:00:00:09' } });
  k.fdb.push({ name: 'RTM_NEWNEIGH', header: { family: 7, ifindex: 3, state: 0x80, flags: 0x04, type: 0 }, attrs: { lladdr: '02:00:00:00:00:aa', master: 4 } });
  return k;
}

describe('ndb offline (FakeTransport)', () => {
  it('loads a namespace and answers lookups by name, index, prefix, table and spec', async () => {
    const k = populated();
    await using db = await NDB.open({ transport: k.fake });
    expect(db.sources.names).toEqual(['source1']);
    expect(db.interfaces.size).toBe(4);
    expect(db.interfaces.get('eth0')!.index).toBe(2);
    expect(db.interfaces.get(3)!.name).toBe('eth1');
    expect(db.interfaces.get({ kind: 'bridge' })!.name).toBe('br0');
    expect(db.interfaces.get('nope')).toBeUndefined();
    expect(db.interfaces.get('eth1')!.master!.name).toBe('br0');
    expect(db.interfaces.get('br0')!.ports.map((p) => p.name)).toEqual(['eth1']);
    expect(db.interfaces.filter({ master: 'br0' }).map((i) => i.name)).toEqual(['eth1']);
    expect(db.interfaces.filter((i) => (i.mtu ?? 0) > 1500).map((i) => i.name)).toEqual(['lo']);

    const eth0 = db.interfaces.get('eth0')!;
    expect([...eth0.ipaddr]).toEqual([['10.0.0.2', 24], ['10.0.1.2', 24], ['2001:db8::2', 64]]);
    expect(eth0.ipaddr.ipv4).toEqual([['10.0.0.2', 24], ['10.0.1.2', 24]]);
    expect(eth0.ipaddr.ipv6).toEqual([['2001:db8::2', 64]]);
    expect(eth0.ipaddr.get(0)!.toString()).toBe('10.0.0.2/24');
    expect(eth0.ipaddr.get('10.0.1.2/24')!.prefixlen).toBe(24);
    expect(eth0.ipaddr.get('10.0.1.2/16')).toBeUndefined();
    expect(db.addresses.ipv6.size).toBe(1);
    expect(db.addresses.get('192.168.0.1')!.interface.name).toBe('br0');
    expect(db.addresses.filter({ index: 'eth0', family: 'inet' }).length).toBe(2);

    expect(db.routes.get('default')!.gateway).toBe('10.0.0.1');
    expect(db.routes.get({ dst: 'default', family: 'inet6' })!.gateway).toBe('2001:db8::1');
    expect(db.routes.get('10.0.0.0/24')!.oif).toBe(2); // main, not table 100
    expect(db.routes.get({ dst: '10.0.0.0/24', table: 100, priority: 10 })!.gateway).toBe('10.0.0.9');
    expect(db.routes.get({ dst: '10.1.0.0/16', priority: 20 })!.gateway).toBe('10.0.0.253');
    expect(db.routes.get('10.1.0.0/16')!.priority).toBe(10);
    expect(db.routes.filter({ dst: '10.0.0.0/24' }).map((r) => r.table).sort()).toEqual([100, 254]);
    expect(db.routes.filter({ gateway: '192.168.0.9' }).map((r) => r.dst)).toEqual(['10.2.0.0/16']);
    expect(db.routes.filter({ oif: 'br0' }).map((r) => r.dst)).toEqual(['10.2.0.0/16']);
    expect(db.routes.get('10.2.0.0/16')!.multipath).toEqual([
      { gateway: '10.0.0.1', oif: 2, weight: 2, flags: 0 },
      { gateway: '192.168.0.9', oif: 4, weight: 1, flags: 0 },
    ]);
    expect(db.routes.table(100).size).toBe(1);
    expect(db.routes.ipv6.size).toBe(2);
    expect(db.routes.ipv4.filter({ table: 'main' }).length).toBe(5);
    expect(db.routes.tables).toEqual([100, 254]);
    expect(db.routes.count({ oif: 2 })).toBe(8);
    expect(db.routes.get('default')!.msg.attrs.gateway).toBe('10.0.0.1');

    expect(db.rules.get(100)!.src).toBe('10.9.0.0/16');
    expect(db.rules.get({ table: 'main' })!.priority).toBe(32766);
    expect(db.rules.filter({ src: '10.9.0.0/16' }).length).toBe(1);
    expect(db.neighbours.get('10.0.0.9')!.lladdr).toBe('02:00:00:00:00:09');
    expect(db.neighbours.get({ dst: '10.0.0.9', index: 'eth0' })!.state).toBe(0x80);
    expect(db.fdb.get({ master: 'br0' })!.lladdr).toBe('02:00:00:00:00:aa');

    expect(() => db.routes.filter({ dts: '10.0.0.0/8' } as never)).toThrow(/unknown field "dts"/);
    const [stats] = db.stats();
    expect(stats!.records).toEqual({ interface: 4, address: 5, route: 8, rule: 3, neighbour: 1, fdb: 1 });
  });

  it('applies events, holds events that come during a dump, and reports changes on an event queue with a snapshot', async () => {
    const k = populated();
    // While the routes are being dumped, a route is added and one removed: the dump does not show either change.
    k.duringDump = (what) => {
      if (what !== 'route') return;
      k.duringDump = undefined;
      k.fake.emit(G.V4ROUTE, route4('10.50.0.0', 16, { gateway: '10.0.0.1', oif: 2 }) as never);
      k.fake.emit(G.V4ROUTE, { ...route4('10.1.0.0', 16, { gateway: '10.0.0.253', oif: 2, priority: 20 }), name: 'RTM_DELROUTE' } as never);
    };
    await using db = await NDB.open({ transport: k.fake });
    expect(db.routes.get('10.50.0.0/16')!.gateway).toBe('10.0.0.1');
    expect(db.routes.get({ dst: '10.1.0.0/16', priority: 20 })).toBeUndefined();

    const q = db.events({ snapshot: true });
    const seen: NdbEvent[] = [];
    k.fake.emit(G.V4ROUTE, route4('10.60.0.0', 16, { gateway: '10.0.0.1', oif: 2 }) as never);
    k.fake.emit(G.LINK, { ...k.links.get(2)!, attrs: { ...k.links.get(2)!.attrs, ifname: 'wan', mtu: 9000 } } as never);
    k.fake.emit(G.LINK, { name: 'RTM_NEWLINK', header: { family: 7, index: 3, flags: 0 }, attrs: { ifname: 'eth1' } } as never); // a bridge port notification: not a link
    k.fake.emit(G.LINK, { name: 'RTM_DELLINK', header: { family: 7, index: 3, flags: 0 }, attrs: { ifname: 'eth1' } } as never);
    await tick();
    // The snapshot is as of the queue's start; the live view moved on.
    expect(q.snapshot!.routes.get('10.60.0.0/16')).toBeUndefined();
    expect(q.snapshot!.interfaces.get('eth0')!.mtu).toBe(1500);
    expect(q.snapshot!.readOnly).toBe(true);
    expect(() => q.snapshot!.interfaces.get('eth0')!.up()).toThrow(ReadOnlyError);
    expect(db.routes.get('10.60.0.0/16')).toBeDefined();
    expect(db.interfaces.get('wan')!.mtu).toBe(9000);
    expect(db.interfaces.get('eth0')).toBeUndefined();
    expect(db.interfaces.get('eth1')!.exists).toBe(true);

    // Deleting a link takes its addresses and routes with it, and the kernel does not always say so: here it only sends
    // RTM_DELLINK. The multipath route keeps its other next hop; the view reads its table again to learn that.
    const gone = k.links.get(2)!;
    k.links.delete(2);
    k.addrs = k.addrs.filter((a) => a.header.index !== 2);
    k.neighs = k.neighs.filter((n) => n.header.ifindex !== 2);
    k.routes = k.routes.filter((r) => r.attrs.oif !== 2);
    const mp = k.routes.find((r) => r.attrs.multipath)!;
    mp.attrs.multipath = mp.attrs.multipath.filter((nh: { ifindex: number }) => nh.ifindex !== 2);
    k.fake.emit(G.LINK, { ...gone, name: 'RTM_DELLINK' } as never);
    await tick();
    await db.sync();
    expect(db.routes.get('10.2.0.0/16')!.multipath.map((nh) => nh.oif)).toEqual([4]);
    expect(db.addresses.filter({ index: 2 })).toEqual([]);
    expect(db.routes.get('default')).toBeUndefined();
    expect(db.neighbours.size).toBe(0);
    while (q.buffered) seen.push((await q.next()).value as NdbEvent);
    const summary = seen.map((e) => (e.type === 'lost' || e.type === 'resync' ? e.type : `${e.type} ${e.kind}`));
    expect(summary.slice(0, 2)).toEqual(['add route', 'change interface']);
    expect(summary).toContain('del interface');
    expect(summary.filter((s) => s === 'del address')).toHaveLength(3);
    expect(summary.filter((s) => s === 'del route').length).toBeGreaterThanOrEqual(6);
    const first = seen[0]!;
    expect(first.type === 'add' && first.message.name).toBe('RTM_NEWROUTE');
    q.close();
    expect((await q.next()).done).toBe(true);
  });

  it('resynchronises after an overrun, and reports the differences', async () => {
    const k = populated();
    await using db = await NDB.open({ transport: k.fake });
    const q = db.events();
    // Events were lost: the kernel's state moved on without the view hearing of it.
    k.routes.push(route4('10.70.0.0', 16, { gateway: '10.0.0.1', oif: 2 }));
    k.routes.splice(k.routes.findIndex((r) => r.attrs.dst === '10.1.0.0' && r.attrs.priority === 10), 1);
    k.links.get(4)!.attrs.mtu = 1400;
    const requests = k.fake.requests.length;
    k.fake.overrun();
    await tick();
    await db.sync();
    expect(k.fake.requests.length).toBeGreaterThan(requests); // dumped again
    expect(db.routes.get('10.70.0.0/16')).toBeDefined();
    expect(db.routes.get({ dst: '10.1.0.0/16', priority: 10 })).toBeUndefined();
    expect(db.interfaces.get('br0')!.mtu).toBe(1400);
    const [stats] = db.stats();
    expect(stats!.overruns).toBe(1);
    expect(stats!.resyncs).toBe(1);
    const seen: NdbEvent[] = [];
    while (q.buffered) seen.push((await q.next()).value as NdbEvent);
    const summary = seen.map((e) => (e.type === 'resync' ? `resync ${e.phase} ${e.reason}` : e.type === 'lost' ? 'lost' : `${e.type} ${e.kind}${e.resync ? ' (resync)' : ''}`));
    expect(summary).toEqual(['resync start overrun', 'change interface (resync)', 'del route (resync)', 'add route (resync)', 'resync end overrun']);
  });

  it('reviews, drops and orders the steps of a transaction; read-only views refuse changes', async () => {
    const k = populated();
    await using db = await NDB.open({ transport: k.fake, mode: 'explicit' });
    expect(() => db.interfaces.get('eth0')!.up()).toThrow(TransactionError);
    expect(() => db.ro.interfaces.get('eth0')!.up()).toThrow(ReadOnlyError);
    expect(() => db.ro.routes.add({ dst: '10.0.0.0/8' })).toThrow(ReadOnlyError);
    expect(() => db.interfaces.get('eth0')!.ro.addIp('10.9.9.9/24')).toThrow(ReadOnlyError);

    const tx = db.begin();
    // Recorded in any order...
    tx.routes.add({ dst: '10.80.0.0/16', gateway: '10.20.0.254' });
    tx.interface('br0').addIp('10.20.0.1/24');
    const br1 = tx.interfaces.create({ ifname: 'br1', kind: 'bridge' });
    br1.addPort('eth0').up();
    db.routes.get('10.0.0.0/24')!.remove();
    tx.interface('eth1').delIp('10.9.9.9/32');
    tx.interface('br0').delPort('eth1');
    tx.interface('eth0').set({ mtu: 1400 });
    // ...reviewed in the order a commit applies them: deletions, interfaces, attributes, ports, addresses, routes.
    expect(tx.review().entries.map((e) => e.step)).toEqual([
      'delete route 10.0.0.0/24',
      'delete address 10.9.9.9/32 on eth1',
      'release eth1 from its master',
      'create interface br1 (bridge)',
      'set interface br1: state up',
      'set interface eth0: mtu 1400',
      'enslave eth0 to br1',
      'add address 10.20.0.1/24 on br0',
      'add route 10.80.0.0/16 via 10.20.0.254',
    ]);
    expect(tx.review().entries.find((e) => e.action === 'set' && e.target === 'eth0')!.changes).toEqual({ mtu: { from: 1500, to: 1400 } });
    expect(String(tx.review())).toContain('~ set interface eth0: mtu 1400');
    // An add then a delete of the same address cancel out.
    tx.interface('eth0').addIp('10.30.0.1/24').delIp('10.30.0.1/24');
    expect(tx.review().entries).toHaveLength(9);
    tx.drop();
    expect(tx.state).toBe('dropped');
    expect(db.tx).toBeUndefined();
    expect(() => tx.interface('eth0').up()).toThrow(TransactionError);
    expect(k.fake.requests.filter((r) => !['RTM_GETLINK', 'RTM_GETADDR', 'RTM_GETROUTE', 'RTM_GETRULE', 'RTM_GETNEIGH'].includes(r.message.name))).toEqual([]);
  });

  it('commits in dependency order, waiting for the events, and rolls back in reverse when a step fails', async () => {
    const k = populated();
    await using db = await NDB.open({ transport: k.fake, syncTimeoutMs: 1000 });
    const sent = (): string[] => k.fake.requests.map((r) => r.message.name).filter((n) => !n.startsWith('RTM_GET'));
    const tx = db.begin();
    tx.routes.add({ dst: '10.80.0.0/16', gateway: '10.20.0.254' });
    tx.interfaces.create({ ifname: 'br1', kind: 'bridge' }).addIp('10.20.0.1/24').addPort('eth0').up();
    tx.interface('eth0').set({ mtu: 1400 });
    const report = await tx.commit();
    expect(report.steps).toEqual([
      'create interface br1 (bridge)',
      'set interface br1: state up',
      'set interface eth0: mtu 1400',
      'enslave eth0 to br1',
      'add address 10.20.0.1/24 on br1',
      'add route 10.80.0.0/16 via 10.20.0.254',
    ]);
    expect(sent()).toEqual(['RTM_NEWLINK', 'RTM_NEWLINK', 'RTM_NEWLINK', 'RTM_NEWLINK', 'RTM_NEWADDR', 'RTM_NEWROUTE']);
    expect(db.interfaces.get('eth0')!.master!.name).toBe('br1');
    expect(db.interfaces.get('br1')!.ipaddr.ipv4).toEqual([['10.20.0.1', 24]]);
    expect(db.routes.get('10.80.0.0/16')!.gateway).toBe('10.20.0.254');

    // A failing step: everything before it is undone, newest first.
    const before = k.fake.requests.length;
    const bad = db.begin();
    bad.interface('br1').addIp('10.21.0.1/24');
    bad.interface('eth0').set({ mtu: 1300 });
    bad.routes.add({ dst: '10.81.0.0/16', gateway: '10.21.0.254' });
    bad.routes.add({ dst: '10.82.0.0/16', gateway: '10.99.99.1' });
    const err = (await bad.commit().catch((e: unknown) => e)) as CommitError;
    expect(err).toBeInstanceOf(CommitError);
    expect(err.failedStep).toBe('add route 10.82.0.0/16 via 10.99.99.1');
    expect(err.stepIndex).toBe(3);
    expect(err.message).toMatch(/^commit failed at step 4 of 4, "add route 10.82.0.0\/16 via 10.99.99.1": .*ENETUNREACH.*; rolled back 3 applied steps: ok$/);
    expect(err.rollback.steps.map((s) => s.step)).toEqual(['delete route 10.81.0.0/16 via 10.21.0.254', 'delete address 10.21.0.1/24 on br1', 'restore interface eth0: mtu']);
    const names = k.fake.requests.slice(before).map((r) => r.message.name);
    expect(names).toEqual(['RTM_NEWLINK', 'RTM_NEWADDR', 'RTM_NEWROUTE', 'RTM_NEWROUTE', 'RTM_DELROUTE', 'RTM_DELADDR', 'RTM_NEWLINK']);
    expect(db.interfaces.get('eth0')!.mtu).toBe(1400);
    expect(db.routes.get('10.81.0.0/16')).toBeUndefined();
    expect(db.interfaces.get('br1')!.ipaddr.size).toBe(1);
  });
});

describe('ndb offline (ReplayTransport)', () => {
  it('loads a recorded namespace', async () => {
    // Record a session against the scripted kernel, then replay it: no kernel, no fake.
    const k = populated();
    const chunks: Uint8Array[] = [];
    const recorded = recordTransport(k.fake, new PcapStreamWriter((c) => chunks.push(c), { format: 'pcapng' }));
    {
      await using db = await NDB.open({ transport: recorded });
      expect(db.routes.size).toBe(8);
    }
    const capture = new Uint8Array(Buffer.concat(chunks));
    const replay = new ReplayTransport(capture, rtnl, { groups: GROUPS });
    await using db = await NDB.open({ transport: replay });
    expect(db.interfaces.get('br0')!.ports.map((p) => p.name)).toEqual(['eth1']);
    expect(db.routes.get('default')!.gateway).toBe('10.0.0.1');
    expect(db.rules.get(100)!.table).toBe(100);
    replay.assertDone();
  });
});
