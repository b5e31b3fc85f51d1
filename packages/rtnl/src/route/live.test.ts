/**
 * Route messages as iproute2 sends them and the kernel answers, captured with
 * strace in a throwaway namespace: decoded values must be what the command
 * asked for, and re-encoding must give the captured bytes back.
 */
import { describe, expect, it } from 'vitest';
import { family } from '@nlkit/core';
import { AF_MPLS } from './codecs.js';
import { routeMessages, routeTables, routeTypes } from './schema.js';
import { canRunLive, ifindex, ip, ipCaptured, named, reencodeDiff, withNetns, type Captured } from './test-util.js';

const fam = family('test', 0, routeMessages);
type Msg = Captured<typeof fam>;

function expectReencodes(msgs: Msg[]): void {
  expect(msgs.length).toBeGreaterThan(0);
  for (const m of msgs) expect(reencodeDiff(fam, m), `${m.dir} ${m.msg.name}`).toEqual([]);
}

/** The one request of a kind, and the kernel's answer to it. */
function request<N extends keyof typeof routeMessages>(msgs: Msg[], name: N) {
  const reqs = named(msgs, name, 'sent');
  expect(reqs).toHaveLength(1);
  return { req: reqs[0]!.msg, ack: named(msgs, 'NLMSG_ERROR' as never, 'received')[0]?.msg as Msg['msg'] | undefined };
}

function errorOf(ack: Msg['msg'] | undefined): number | undefined {
  return ack?.name === 'NLMSG_ERROR' ? ack.header.error : undefined;
}

function setup(ns: string): number {
  ip('-n', ns, 'link', 'add', 'veth0', 'type', 'veth', 'peer', 'name', 'veth1');
  for (const dev of ['lo', 'veth0', 'veth1']) ip('-n', ns, 'link', 'set', dev, 'up');
  ip('-n', ns, 'addr', 'add', '10.0.0.1/24', 'dev', 'veth0');
  ip('-n', ns, '-6', 'addr', 'add', '2001:db8::1/64', 'dev', 'veth0', 'nodad');
  return ifindex(ns, 'veth0');
}

/** The dumped route to `dst`/`len`. */
function dumped(msgs: Msg[], dst: string, len: number) {
  const r = named(msgs, 'RTM_NEWROUTE', 'received').map((m) => m.msg).find((m) => m.attrs.dst === dst && m.header.dstLen === len);
  expect(r, `${dst}/${len} in the dump`).toBeDefined();
  return r!;
}

describe.skipIf(!canRunLive)('routes against iproute2 and the kernel', () => {
  it('multipath routes: weights become rtnh_hops, gateways per next hop', () =>
    withNetns((ns) => {
      const veth0 = setup(ns);
      const add = ipCaptured(fam, ns, 'route', 'add', '10.1.0.0/16', 'nexthop', 'via', '10.0.0.2', 'dev', 'veth0', 'weight', '2', 'nexthop', 'via', '10.0.0.3', 'dev', 'veth0');
      expect(add.cap.status).toBe(0);
      const { req, ack } = request(add.msgs, 'RTM_NEWROUTE');
      expect(req.header).toEqual({ family: 2, dstLen: 16, srcLen: 0, tos: 0, table: routeTables.main, protocol: 3, scope: 0, type: routeTypes.unicast, flags: 0 });
      expect(req.attrs).toEqual({
        dst: '10.1.0.0',
        multipath: [
          { flags: [], hops: 1, ifindex: veth0, attrs: { gateway: '10.0.0.2' } },
          { flags: [], hops: 0, ifindex: veth0, attrs: { gateway: '10.0.0.3' } },
        ],
      });
      expect(errorOf(ack)).toBe(0);
      expectReencodes(add.msgs);

      const add6 = ipCaptured(fam, ns, '-6', 'route', 'add', '2001:db8:5::/48', 'nexthop', 'via', '2001:db8::2', 'dev', 'veth0', 'weight', '3', 'nexthop', 'via', '2001:db8::3', 'dev', 'veth0');
      expect(add6.cap.status).toBe(0);
      expect(request(add6.msgs, 'RTM_NEWROUTE').req.attrs.multipath!.map((nh) => [nh.hops, nh.attrs.gateway])).toEqual([[2, '2001:db8::2'], [0, '2001:db8::3']]);
      expectReencodes(add6.msgs);

      const dump = ipCaptured(fam, ns, '-4', 'route', 'show', 'table', 'all');
      expect(dump.cap.status).toBe(0);
      expect(dump.cap.stdout).toContain('nexthop via 10.0.0.2 dev veth0 weight 2');
      expect(dumped(dump.msgs, '10.1.0.0', 16).attrs.multipath).toEqual([
        { flags: [], hops: 1, ifindex: veth0, attrs: { gateway: '10.0.0.2' } },
        { flags: [], hops: 0, ifindex: veth0, attrs: { gateway: '10.0.0.3' } },
      ]);
      expectReencodes(dump.msgs);

      const dump6 = ipCaptured(fam, ns, '-6', 'route', 'show', 'table', 'all');
      const r6 = dumped(dump6.msgs, '2001:db8:5::', 48);
      expect(r6.attrs.multipath!.map((nh) => nh.hops)).toEqual([2, 0]);
      expect(r6.attrs.cacheinfo).toMatchObject({ error: 0 });
      expectReencodes(dump6.msgs);
    }));

  it('metrics with a lock, and a table id beyond 255', () =>
    withNetns((ns) => {
      const veth0 = setup(ns);
      const add = ipCaptured(fam, ns, 'route', 'add', '10.2.0.0/16', 'via', '10.0.0.2', 'dev', 'veth0', 'mtu', 'lock', '1400', 'advmss', '1300', 'table', '1000');
      expect(add.cap.status).toBe(0);
      const { req } = request(add.msgs, 'RTM_NEWROUTE');
      expect(req.header.table).toBe(routeTables.unspec);
      expect(req.attrs).toEqual({ dst: '10.2.0.0', table: 1000, gateway: '10.0.0.2', oif: veth0, metrics: { lock: ['mtu'], mtu: 1400, advmss: 1300 } });
      expectReencodes(add.msgs);

      const many = ipCaptured(fam, ns, 'route', 'add', '10.13.0.0/16', 'via', '10.0.0.2', 'dev', 'veth0', 'rtt', '30', 'rttvar', '10', 'cwnd', '10', 'initcwnd', '10',
        'initrwnd', '20', 'features', 'ecn', 'quickack', '1', 'congctl', 'lock', 'cubic', 'hoplimit', '64', 'reordering', '3', 'fastopen_no_cookie', '1', 'window', '65535', 'ssthresh', '100');
      expect(many.cap.status).toBe(0);
      expect(request(many.msgs, 'RTM_NEWROUTE').req.attrs.metrics).toEqual({
        rtt: 30, rttvar: 10, cwnd: 10, initcwnd: 10, initrwnd: 20, features: ['ecn'], quickack: 1, ccAlgo: 'cubic', hoplimit: 64, reordering: 3,
        fastopenNoCookie: 1, window: 65535, ssthresh: 100, lock: ['ccAlgo'],
      });
      expectReencodes(many.msgs);

      const dump = ipCaptured(fam, ns, '-4', 'route', 'show', 'table', 'all');
      const r = dumped(dump.msgs, '10.2.0.0', 16);
      expect(r.header.table).toBe(routeTables.compat);
      expect(r.attrs).toMatchObject({ table: 1000, gateway: '10.0.0.2', metrics: { lock: ['mtu'], mtu: 1400, advmss: 1300 } });
      expect(dumped(dump.msgs, '10.13.0.0', 16).attrs.metrics).toMatchObject({ ccAlgo: 'cubic', features: ['ecn'], lock: ['ccAlgo'] });
      expectReencodes(dump.msgs);
    }));

  it('blackhole, unreachable and prohibit routes; an IPv6 route with a preference', () =>
    withNetns((ns) => {
      const veth0 = setup(ns);
      for (const [kind, dst] of [['blackhole', '10.3.0.0'], ['unreachable', '10.4.0.0'], ['prohibit', '10.5.0.0']] as const) {
        const add = ipCaptured(fam, ns, 'route', 'add', kind, `${dst}/16`);
        expect(add.cap.status).toBe(0);
        expect(request(add.msgs, 'RTM_NEWROUTE').req.header.type).toBe(routeTypes[kind]);
        expectReencodes(add.msgs);
      }
      const add6 = ipCaptured(fam, ns, '-6', 'route', 'add', '2001:db8:1::/48', 'via', '2001:db8::2', 'dev', 'veth0', 'metric', '1024', 'pref', 'high');
      expect(add6.cap.status).toBe(0);
      expect(request(add6.msgs, 'RTM_NEWROUTE').req.attrs).toEqual({ dst: '2001:db8:1::', gateway: '2001:db8::2', oif: veth0, priority: 1024, pref: 'high' });
      expectReencodes(add6.msgs);

      const dump = ipCaptured(fam, ns, '-4', 'route', 'show', 'table', 'all');
      expect(dumped(dump.msgs, '10.3.0.0', 16).header.type).toBe(routeTypes.blackhole);
      expect(dumped(dump.msgs, '10.4.0.0', 16).header.type).toBe(routeTypes.unreachable);
      expect(dumped(dump.msgs, '10.5.0.0', 16).header.type).toBe(routeTypes.prohibit);
      expectReencodes(dump.msgs);
      const dump6 = ipCaptured(fam, ns, '-6', 'route', 'show', 'table', 'all');
      expect(dumped(dump6.msgs, '2001:db8:1::', 48).attrs).toMatchObject({ gateway: '2001:db8::2', priority: 1024, pref: 'high' });
      expectReencodes(dump6.msgs);
    }));

  it('lightweight tunnel encapsulations: mpls, ip, seg6, seg6local', () =>
    withNetns((ns) => {
      setup(ns);
      // The kernel may lack MPLS: the request is sent all the same.
      const mpls = ipCaptured(fam, ns, 'route', 'add', '10.6.0.0/16', 'encap', 'mpls', '100/200', 'via', '10.0.0.2', 'dev', 'veth0');
      const m = request(mpls.msgs, 'RTM_NEWROUTE');
      expect(m.req.attrs).toMatchObject({ encapType: 'mpls', encap: { dst: [100, 200] }, gateway: '10.0.0.2' });
      expect([0, -95]).toContain(errorOf(m.ack));
      expectReencodes(mpls.msgs);

      const ipEncap = ipCaptured(fam, ns, 'route', 'add', '10.8.0.0/16', 'encap', 'ip', 'id', '42', 'dst', '10.0.0.9', 'ttl', '5', 'dev', 'veth0');
      expect(request(ipEncap.msgs, 'RTM_NEWROUTE').req.attrs).toMatchObject({ encapType: 'ip', encap: { id: 42n, dst: '10.0.0.9', ttl: 5 } });
      expectReencodes(ipEncap.msgs);

      const seg6 = ipCaptured(fam, ns, '-6', 'route', 'add', '2001:db8:7::/48', 'encap', 'seg6', 'mode', 'encap', 'segs', 'fc00::1,fc00::2', 'dev', 'veth0');
      expect(seg6.cap.status).toBe(0);
      const srh = { nexthdr: 0, type: 4, segmentsLeft: 1, firstSegment: 1, flags: 0, tag: 0, segments: ['fc00::2', 'fc00::1'], tlvs: new Uint8Array() };
      expect(request(seg6.msgs, 'RTM_NEWROUTE').req.attrs).toMatchObject({ encapType: 'seg6', encap: { srh: { mode: 'encap', srh } } });
      expectReencodes(seg6.msgs);

      const local = ipCaptured(fam, ns, '-6', 'route', 'add', '2001:db8:9::/48', 'encap', 'seg6local', 'action', 'End.X', 'nh6', '2001:db8::2', 'dev', 'veth0');
      expect(local.cap.status).toBe(0);
      expect(request(local.msgs, 'RTM_NEWROUTE').req.attrs).toMatchObject({ encapType: 'seg6Local', encap: { action: 'endX', nh6: '2001:db8::2' } });
      expectReencodes(local.msgs);

      const dump4 = ipCaptured(fam, ns, '-4', 'route', 'show', 'table', 'all');
      expect(dumped(dump4.msgs, '10.8.0.0', 16).attrs).toMatchObject({ encapType: 'ip', encap: { id: 42n, dst: '10.0.0.9', ttl: 5 } });
      expectReencodes(dump4.msgs);
      const dump6 = ipCaptured(fam, ns, '-6', 'route', 'show', 'table', 'all');
      expect(dumped(dump6.msgs, '2001:db8:7::', 48).attrs).toMatchObject({ encapType: 'seg6', encap: { srh: { mode: 'encap', srh } } });
      expect(dumped(dump6.msgs, '2001:db8:9::', 48).attrs).toMatchObject({ encapType: 'seg6Local', encap: { action: 'endX', nh6: '2001:db8::2' } });
      expectReencodes(dump6.msgs);
    }));

  it('MPLS routes carry label stacks in RTA_DST and RTA_NEWDST, and RTA_VIA another family', () =>
    withNetns((ns) => {
      const veth0 = setup(ns);
      const mpls = ipCaptured(fam, ns, '-f', 'mpls', 'route', 'add', '100', 'as', '200/300', 'via', 'inet', '10.0.0.2', 'dev', 'veth0');
      const { req } = request(mpls.msgs, 'RTM_NEWROUTE');
      expect(req.header).toMatchObject({ family: AF_MPLS, dstLen: 20 });
      expect(req.attrs).toEqual({ dst: [100], newdst: [200, 300], via: { family: 2, addr: '10.0.0.2' }, oif: veth0 });
      expectReencodes(mpls.msgs);

      const via6 = ipCaptured(fam, ns, 'route', 'add', '10.10.0.0/16', 'via', 'inet6', 'fe80::1', 'dev', 'veth0');
      expect(via6.cap.status).toBe(0);
      expect(request(via6.msgs, 'RTM_NEWROUTE').req.attrs).toEqual({ dst: '10.10.0.0', via: { family: 10, addr: 'fe80::1' }, oif: veth0 });
      const dump = ipCaptured(fam, ns, '-4', 'route', 'show');
      expect(dumped(dump.msgs, '10.10.0.0', 16).attrs.via).toEqual({ family: 10, addr: 'fe80::1' });
      expectReencodes([...via6.msgs, ...dump.msgs]);
    }));

  it('route lookups: RTM_GETROUTE with RTA_DST, answered with RTA_CACHEINFO', () =>
    withNetns((ns) => {
      const veth0 = setup(ns);
      const get = ipCaptured(fam, ns, 'route', 'get', '10.0.0.7');
      expect(get.cap.status).toBe(0);
      expect(request(get.msgs, 'RTM_GETROUTE').req).toMatchObject({ header: { family: 2, dstLen: 32 }, attrs: { dst: '10.0.0.7' } });
      const reply = named(get.msgs, 'RTM_NEWROUTE', 'received')[0]!.msg;
      expect(reply.attrs).toMatchObject({ dst: '10.0.0.7', oif: veth0, prefsrc: '10.0.0.1', table: routeTables.main, cacheinfo: { error: 0 } });
      expectReencodes(get.msgs);
    }));
});
