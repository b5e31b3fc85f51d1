/**
 * The route builders: iproute2's defaults derived by hand, spec errors, and
 * (as root) the same requests as `ip route` sends for the same commands,
 * captured with strace in a throwaway namespace and compared decoded.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NLM_F, decodeMessages, encodeMessage } from '@nlkit/core';
import { SpecError, type RtnlRequest } from '../addr/request.js';
import { rtnl } from '../family.js';
import { routeRequest, type RouteSpec } from './request.js';
import { canRunLive, capture, decodeCapture, ifindex, ip } from './test-util.js';

/** A request as the kernel receives it: with `NLM_F_REQUEST` and `NLM_F_ACK` or `NLM_F_DUMP` as its kind asks, encoded, then decoded. */
function wire(req: RtnlRequest) {
  const m = req.message;
  const extra = req.kind === 'ack' ? NLM_F.ACK : req.kind === 'dump' ? NLM_F.DUMP : 0;
  const [msg] = decodeMessages(rtnl, encodeMessage(rtnl, { ...m, flags: (m.flags ?? 0) | NLM_F.REQUEST | extra } as never));
  return msg!;
}

const main = { family: 2, srcLen: 0, tos: 0, table: 254, protocol: 3, type: 1, flags: 0 };

describe('routeRequest', () => {
  it('adds a route via a gateway with iproute2 defaults (main, boot, unicast, universe)', () => {
    const r = routeRequest('add', { dst: '10.1.0.0/16', gateway: '10.0.0.2' });
    expect(r).toEqual({
      kind: 'ack',
      operation: 'route add 10.1.0.0/16',
      message: { name: 'RTM_NEWROUTE', flags: NLM_F.CREATE | NLM_F.EXCL, header: { ...main, dstLen: 16, scope: 0 }, attrs: { dst: '10.1.0.0', gateway: '10.0.0.2' } },
    });
  });

  it('gives a route without a gateway link scope, local routes host scope in table local', () => {
    expect(routeRequest('add', { dst: '10.2.0.0/16', oif: 3 }).message.header).toMatchObject({ scope: 253, table: 254 });
    expect(routeRequest('add', { dst: '10.7.0.1', oif: 3, type: 'local' }).message.header).toMatchObject({ dstLen: 32, scope: 254, table: 255, type: 2 });
    expect(routeRequest('add', { dst: '10.0.0.255', oif: 3, type: 'broadcast' }).message.header).toMatchObject({ scope: 253, table: 255, type: 3 });
    expect(routeRequest('add', { dst: '10.5.0.0/16', type: 'blackhole' }).message.header).toMatchObject({ scope: 0, type: 6 });
    expect(routeRequest('add', { dst: '2001:db8:2::/64', oif: 3 }).message.header).toMatchObject({ family: 10, scope: 0 });
    expect(routeRequest('add', { dst: '10.2.0.0/16', oif: 3, scope: 'host' }).message.header).toMatchObject({ scope: 254 });
  });

  it('sets the NLM_F_* of each command', () => {
    const flags = (c: 'add' | 'replace' | 'change' | 'append' | 'prepend') => routeRequest(c, { dst: '10.1.0.0/16', gateway: '10.0.0.2' }).message.flags;
    expect([flags('add'), flags('replace'), flags('change'), flags('append'), flags('prepend')]).toEqual([
      NLM_F.CREATE | NLM_F.EXCL, NLM_F.CREATE | NLM_F.REPLACE, NLM_F.REPLACE, NLM_F.CREATE | NLM_F.APPEND, NLM_F.CREATE,
    ]);
  });

  it('deletes matching only what is given', () => {
    expect(routeRequest('del', { dst: '10.3.0.0/16', table: 100 }).message).toEqual({
      name: 'RTM_DELROUTE', header: { family: 2, dstLen: 16, srcLen: 0, tos: 0, table: 100, protocol: 0, scope: 255, type: 0, flags: 0 }, attrs: { dst: '10.3.0.0' },
    });
  });

  it('puts tables above 255 into RTA_TABLE', () => {
    const r = routeRequest('add', { dst: '10.4.0.0/16', gateway: '10.0.0.2', table: 1000 });
    expect(r.message.header).toMatchObject({ table: 0 });
    expect(r.message.attrs).toMatchObject({ table: 1000 });
    expect(routeRequest('add', { dst: '10.4.0.0/16', gateway: '10.0.0.2', table: 'local' }).message.header).toMatchObject({ table: 255 });
  });

  it('builds default routes, metrics, preferred sources and priorities', () => {
    const r = routeRequest('add', { dst: 'default', gateway: '10.0.0.1', prefsrc: '10.0.0.1', metric: 10, metrics: { mtu: 1400, lock: ['mtu'] } });
    expect(r.message.header).toMatchObject({ dstLen: 0, scope: 0 });
    expect(r.message.attrs).toEqual({ gateway: '10.0.0.1', prefsrc: '10.0.0.1', priority: 10, metrics: { mtu: 1400, lock: ['mtu'] } });
    expect(routeRequest('add', { gateway: 'fe80::1', oif: 2 }).message.header).toMatchObject({ family: 10, dstLen: 0 });
    expect(routeRequest('add', { dst: 'default', family: 'inet6', oif: 2 }).message.header).toMatchObject({ family: 10 });
  });

  it('turns weights into rtnh_hops and a gateway of the other family into RTA_VIA', () => {
    const r = routeRequest('add', { dst: '10.8.0.0/16', multipath: [{ gateway: '10.0.0.2', weight: 2 }, { gateway: '10.0.0.3', oif: 3, onlink: true }] });
    expect(r.message.header).toMatchObject({ scope: 0 });
    expect(r.message.attrs).toEqual({
      dst: '10.8.0.0',
      multipath: [
        { flags: [], hops: 1, ifindex: 0, attrs: { gateway: '10.0.0.2' } },
        { flags: ['onlink'], hops: 0, ifindex: 3, attrs: { gateway: '10.0.0.3' } },
      ],
    });
    expect(routeRequest('add', { dst: '10.9.0.0/16', gateway: 'fe80::1', oif: 3 }).message.attrs).toEqual({ dst: '10.9.0.0', via: { family: 10, addr: 'fe80::1' }, oif: 3 });
  });

  it('takes encapsulations by type', () => {
    const r = routeRequest('add', { dst: '10.12.0.0/16', oif: 3, encap: { type: 'mpls', dst: [100, 200] } });
    expect(r.message.attrs).toMatchObject({ encapType: 'mpls', encap: { dst: [100, 200] } });
    expect(wire(r).attrs).toMatchObject({ encapType: 'mpls', encap: { dst: [100, 200] } });
  });

  it('builds `ip route get` and filtered dumps', () => {
    expect(routeRequest('get', { dst: '10.1.2.3' })).toEqual({
      kind: 'get', operation: 'route get 10.1.2.3',
      message: { name: 'RTM_GETROUTE', header: { family: 2, dstLen: 32, srcLen: 0, tos: 0, table: 0, protocol: 0, scope: 0, type: 0, flags: 0x1000 }, attrs: { dst: '10.1.2.3' } },
    });
    expect(routeRequest('get', { dst: '10.1.2.3', fibmatch: true }).message.header).toMatchObject({ flags: 0x3000 });
    expect(routeRequest('dump', { family: 'inet6', table: 'main', oif: 3, protocol: 'static' }).message).toEqual({
      name: 'RTM_GETROUTE', header: { family: 10, protocol: 4, type: 0 }, attrs: { table: 254, oif: 3 },
    });
  });

  it('refuses bad specs with the field in the path', () => {
    const bad: [RouteSpec, RegExp][] = [
      [{ dst: '10.0.0.0/33' }, /prefix length/],
      [{ dst: '10.0.0.0/24', gateway: '10.0.0.0/24' }, /a gateway is an address/],
      [{ dst: '10.0.0.0/24', family: 'inet6' }, /does not match/],
      [{ dst: '10.0.0.0/24', metric: 1, priority: 2 }, /priority or metric/],
      [{ dst: '10.0.0.0/24', multipath: [] }, /non-empty array/],
      [{ dst: '10.0.0.0/24', multipath: [{ weight: 2 }] }, /gateway or an oif/],
      [{ dst: '10.0.0.0/24', multipath: [{ gateway: '10.0.0.2', weight: 0 }] }, /1\.\.256/],
      [{ dst: '10.0.0.0/24', gateway: '10.0.0.1', multipath: [{ gateway: '10.0.0.2' }] }, /excludes gateway/],
      [{ dst: '10.0.0.0/24', type: 'wormhole' as never }, /expected one of unspec/],
      [{ dst: '10.0.0.0/24', table: -1 }, /0\.\.4294967295/],
      [{ dst: '10.0.0.0/24', pref: 'high' }, /pref is for IPv6/],
      [{ dst: '10.0.0.0/24', metrics: { mtuu: 1 } as never }, /unknown metric "mtuu"/],
      [{ dst: '10.0.0.0/24', encap: { type: 'gre' } as never }, /expected \{ type: mpls/],
      [{ dst: '10.0.0.0/24', via: '10.0.0.1' } as never, /unknown field "via"/],
    ];
    for (const [spec, re] of bad) {
      expect(() => routeRequest('add', spec), JSON.stringify(spec)).toThrow(re);
      expect(() => routeRequest('add', spec)).toThrow(SpecError);
    }
    try {
      routeRequest('add', { dst: '10.0.0.0/24', multipath: [{ gateway: '10.0.0.2' }, { gateway: 'x' }] });
    } catch (e) {
      expect((e as SpecError).path).toEqual(['route add 10.0.0.0/24', 'multipath', '[1]', 'gateway']);
    }
    expect(() => routeRequest('get', {})).toThrow(/needs the address/);
    expect(() => routeRequest('dump', { dst: '10.0.0.0/8' } as never)).toThrow(/unknown field "dst"/);
  });
});

describe.skipIf(!canRunLive)('routeRequest against `ip route`', () => {
  const ns = `nlkit-test-${Math.random().toString(16).slice(2, 10)}`;
  let dev = 0;
  beforeAll(() => {
    ip('netns', 'add', ns);
    ip('-n', ns, 'link', 'add', 'veth0', 'type', 'veth', 'peer', 'name', 'veth1');
    for (const d of ['veth0', 'veth1']) ip('-n', ns, 'link', 'set', d, 'up');
    ip('-n', ns, 'address', 'add', '10.0.0.1/24', 'dev', 'veth0');
    ip('-n', ns, '-6', 'address', 'add', '2001:db8::1/64', 'dev', 'veth0', 'nodad');
    dev = ifindex(ns, 'veth0');
  });
  afterAll(() => ip('netns', 'del', ns));

  function iproute2(args: string) {
    const cap = capture(['ip', '-n', ns, ...args.split(' ')]);
    expect(cap.status, cap.stderr).toBe(0);
    const sent = decodeCapture(rtnl, cap, 'sent').map((c) => c.msg).filter((m) => m.name.endsWith('ROUTE'));
    expect(sent).toHaveLength(1);
    return sent[0]!;
  }
  const same = (args: string, mine: RtnlRequest) => expect({ ...wire(mine), seq: 0, pid: 0 }, args).toEqual({ ...iproute2(args), seq: 0, pid: 0 });

  it('add, replace, change, append and del with gateways', () => {
    same('route add 10.1.0.0/16 via 10.0.0.2', routeRequest('add', { dst: '10.1.0.0/16', gateway: '10.0.0.2' }));
    same('route replace 10.1.0.0/16 via 10.0.0.3', routeRequest('replace', { dst: '10.1.0.0/16', gateway: '10.0.0.3' }));
    same('route change 10.1.0.0/16 via 10.0.0.2', routeRequest('change', { dst: '10.1.0.0/16', gateway: '10.0.0.2' }));
    same('route append 10.1.0.0/16 via 10.0.0.4', routeRequest('append', { dst: '10.1.0.0/16', gateway: '10.0.0.4' }));
    same('route del 10.1.0.0/16 via 10.0.0.2', routeRequest('del', { dst: '10.1.0.0/16', gateway: '10.0.0.2' }));
  });
  it('device routes, tables, metrics and protocols', () => {
    same('route add 10.2.0.0/16 dev veth0', routeRequest('add', { dst: '10.2.0.0/16', oif: dev }));
    same('route add 10.3.0.0/16 via 10.0.0.2 table 100 metric 5', routeRequest('add', { dst: '10.3.0.0/16', gateway: '10.0.0.2', table: 100, metric: 5 }));
    same(
      'route add 10.4.0.0/16 via 10.0.0.2 table 1000 mtu lock 1400 advmss 1300 proto static',
      routeRequest('add', { dst: '10.4.0.0/16', gateway: '10.0.0.2', table: 1000, metrics: { mtu: 1400, advmss: 1300, lock: ['mtu'] }, protocol: 'static' }),
    );
    same('route del 10.3.0.0/16 table 100', routeRequest('del', { dst: '10.3.0.0/16', table: 100 }));
  });
  it('route types and the default route', () => {
    same('route add blackhole 10.5.0.0/16', routeRequest('add', { dst: '10.5.0.0/16', type: 'blackhole' }));
    same('route add unreachable 10.6.0.0/16', routeRequest('add', { dst: '10.6.0.0/16', type: 'unreachable' }));
    same('route add local 10.7.0.1 dev veth0', routeRequest('add', { dst: '10.7.0.1', type: 'local', oif: dev }));
    same('route del blackhole 10.5.0.0/16', routeRequest('del', { dst: '10.5.0.0/16', type: 'blackhole' }));
    same('route add default via 10.0.0.1 src 10.0.0.1', routeRequest('add', { dst: 'default', gateway: '10.0.0.1', prefsrc: '10.0.0.1' }));
  });
  it('IPv6, multipath, onlink and RTA_VIA', () => {
    same('-6 route add 2001:db8:1::/64 via 2001:db8::2 pref high', routeRequest('add', { dst: '2001:db8:1::/64', gateway: '2001:db8::2', pref: 'high' }));
    same('-6 route add 2001:db8:2::/64 dev veth0', routeRequest('add', { dst: '2001:db8:2::/64', oif: dev }));
    same('-6 route del 2001:db8:2::/64', routeRequest('del', { dst: '2001:db8:2::/64' }));
    same(
      'route add 10.8.0.0/16 nexthop via 10.0.0.2 weight 2 nexthop via 10.0.0.3 dev veth0',
      routeRequest('add', { dst: '10.8.0.0/16', multipath: [{ gateway: '10.0.0.2', weight: 2 }, { gateway: '10.0.0.3', oif: dev }] }),
    );
    same('route add 10.10.0.0/16 via 10.0.0.2 onlink dev veth0', routeRequest('add', { dst: '10.10.0.0/16', gateway: '10.0.0.2', onlink: true, oif: dev }));
    same('route add 10.9.0.0/16 via inet6 fe80::1 dev veth0', routeRequest('add', { dst: '10.9.0.0/16', gateway: 'fe80::1', oif: dev }));
  });
  it('get and filtered dumps', () => {
    same('route get 10.1.2.3', routeRequest('get', { dst: '10.1.2.3' }));
    same('route show table 100', routeRequest('dump', { family: 'inet', table: 100 }));
    same('route show table all', routeRequest('dump'));
    same('route show dev veth0', routeRequest('dump', { family: 'inet', table: 'main', oif: dev }));
  });
});
