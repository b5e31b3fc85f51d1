/**
 * The address builders: hand-derived messages, spec errors, and (as root)
 * the same requests as `ip address` sends for the same commands, captured
 * with strace in a throwaway namespace and compared decoded (iproute2 orders
 * attributes as its arguments came, so the bytes differ only in order).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NLM_F, NlEncodeError, decodeMessages, encodeMessage } from '@nlkit/core';
import { rtnl } from '../family.js';
import { canRunLive, capture, decodeCapture, ifindex, ip } from '../route/test-util.js';
import { SpecError, addrRequest, parsePrefix, type RtnlRequest } from './request.js';

/** A request as the kernel would receive it: encoded with `NLM_F_REQUEST | NLM_F_ACK`, then decoded. */
/** A request as the kernel receives it: with `NLM_F_REQUEST` and `NLM_F_ACK` or `NLM_F_DUMP` as its kind asks, encoded, then decoded. */
function wire(req: RtnlRequest) {
  const m = req.message;
  const extra = req.kind === 'ack' ? NLM_F.ACK : req.kind === 'dump' ? NLM_F.DUMP : 0;
  const [msg] = decodeMessages(rtnl, encodeMessage(rtnl, { ...m, flags: (m.flags ?? 0) | NLM_F.REQUEST | extra } as never));
  return msg!;
}

describe('parsePrefix', () => {
  it('reads prefixes and bare addresses of both families', () => {
    expect(parsePrefix('10.0.0.0/24', [])).toMatchObject({ family: 2, address: '10.0.0.0', prefixlen: 24 });
    expect(parsePrefix('10.0.0.1', [])).toMatchObject({ family: 2, prefixlen: 32 });
    expect(parsePrefix('2001:db8::/64', [])).toMatchObject({ family: 10, address: '2001:db8::', prefixlen: 64 });
    expect(parsePrefix('::1', [])).toMatchObject({ family: 10, prefixlen: 128 });
  });
  it('refuses what is not one, naming the field', () => {
    for (const bad of ['10.0.0/24', '10.0.0.0/33', '2001:db8::/129', '10.0.0.0/', 'eth0', '10.0.0.0/2x']) {
      expect(() => parsePrefix(bad, ['route add', 'dst'])).toThrow(SpecError);
    }
    const e = (() => { try { parsePrefix('nope', ['route add', 'dst']); } catch (x) { return x as SpecError; } })()!;
    expect(e).toBeInstanceOf(NlEncodeError);
    expect(e.name).toBe('SpecError');
    expect(e.path).toEqual(['route add', 'dst']);
    expect(e.message).toBe('not an IPv4 or IPv6 address: "nope" at route add > dst');
  });
});

describe('addrRequest', () => {
  it('adds an IPv4 address as `ip address add 10.0.0.1/24 brd + dev IF label IF:1`', () => {
    const r = addrRequest('add', { index: 3, address: '10.0.0.1/24', broadcast: '+', label: 'veth0:1' });
    expect(r.kind).toBe('ack');
    expect(r.operation).toBe('address add 10.0.0.1/24');
    expect(r.message).toEqual({
      name: 'RTM_NEWADDR',
      flags: NLM_F.CREATE | NLM_F.EXCL,
      header: { family: 2, prefixlen: 24, flags: 0, scope: 0, index: 3 },
      attrs: { local: '10.0.0.1', address: '10.0.0.1', label: 'veth0:1', broadcast: '10.0.0.255' },
    });
  });

  it('computes `brd -` and takes the prefix length apart', () => {
    const r = addrRequest('replace', { index: 2, address: '192.168.7.9', prefixlen: 20, broadcast: '-' });
    expect(r.message.flags).toBe(NLM_F.CREATE | NLM_F.REPLACE);
    expect(r.message.header).toMatchObject({ prefixlen: 20 });
    expect(r.message.attrs).toMatchObject({ broadcast: '192.168.0.0' });
  });

  it('puts flags above the low byte into IFA_FLAGS, lifetimes into IFA_CACHEINFO', () => {
    const r = addrRequest('add', { index: 3, address: '2001:db8::1/64', flags: ['nodad', 'noprefixroute'], validLft: 100, preferredLft: 50, metric: 7 });
    expect(r.message.header).toEqual({ family: 10, prefixlen: 64, flags: 0, scope: 0, index: 3 });
    expect(r.message.attrs).toEqual({
      local: '2001:db8::1', address: '2001:db8::1', flags: ['nodad', 'noprefixroute'],
      cacheinfo: { prefered: 50, valid: 100, cstamp: 0, tstamp: 0 }, rtPriority: 7,
    });
    expect(addrRequest('add', { index: 3, address: '2001:db8::1/64', flags: ['nodad'] }).message.header).toMatchObject({ flags: 2 });
    expect(addrRequest('add', { index: 3, address: '10.0.0.1/8', validLft: 'forever' }).message.attrs).toMatchObject({ cacheinfo: { prefered: 0xffffffff, valid: 0xffffffff } });
  });

  it('gives loopback addresses host scope, as iproute2', () => {
    expect(addrRequest('add', { index: 1, address: '127.0.0.2/8' }).message.header).toMatchObject({ scope: 254 });
    expect(addrRequest('del', { index: 1, address: '127.0.0.2/8' }).message.header).toMatchObject({ scope: 0 });
    expect(addrRequest('add', { index: 1, address: '10.1.1.1/8', scope: 'link' }).message.header).toMatchObject({ scope: 253 });
  });

  it('sends a point-to-point address: local, and the peer as IFA_ADDRESS', () => {
    const r = addrRequest('add', { index: 3, local: '10.9.0.1', address: '10.9.0.2/32' });
    expect(r.message.header).toMatchObject({ prefixlen: 32 });
    expect(r.message.attrs).toEqual({ local: '10.9.0.1', address: '10.9.0.2' });
  });

  it('dumps filtered by family and device', () => {
    expect(addrRequest('dump', { family: 'inet6', index: 4 })).toEqual({ kind: 'dump', operation: 'address dump', message: { name: 'RTM_GETADDR', header: { family: 10, index: 4 } } });
    expect(addrRequest('dump').message).toEqual({ name: 'RTM_GETADDR', header: { family: 0, index: 0 } });
  });

  it('encodes what it builds', () => {
    const r = addrRequest('add', { index: 3, address: '10.0.0.1/24', broadcast: '+', validLft: 60, flags: ['noprefixroute'] });
    expect(wire(r)).toMatchObject({ name: 'RTM_NEWADDR', flags: NLM_F.REQUEST | NLM_F.ACK | NLM_F.CREATE | NLM_F.EXCL, attrs: r.message.attrs });
  });

  it('refuses bad specs with the field in the path', () => {
    const cases: [() => unknown, RegExp][] = [
      [() => addrRequest('add', { index: 3 }), /needs an address/],
      [() => addrRequest('add', { index: 0, address: '10.0.0.1/24' }), /index/],
      [() => addrRequest('add', { index: 3, address: '10.0.0.1/24', prefixlen: 24 }), /prefixlen given twice/],
      [() => addrRequest('add', { index: 3, address: '2001:db8::1/64', broadcast: '+' }), /broadcast addresses are for IPv4/],
      [() => addrRequest('add', { index: 3, address: '10.0.0.1/31', broadcast: '+' }), /shorter than \/31/],
      [() => addrRequest('add', { index: 3, address: '10.0.0.1/24', flags: ['fast' as never] }), /unknown flag "fast"/],
      [() => addrRequest('add', { index: 3, address: '10.0.0.1/24', validLft: 10, preferredLft: 20 }), /preferredLft is longer/],
      [() => addrRequest('add', { index: 3, address: '10.0.0.1/24', labl: 'x' } as never), /unknown field "labl"/],
      [() => addrRequest('frob' as never, { index: 3, address: '10.0.0.1' }), /unknown command "frob"/],
      [() => addrRequest('dump', { index: 3, address: '10.0.0.1' } as never), /unknown field "address"/],
    ];
    for (const [f, re] of cases) expect(f).toThrow(re);
    expect(() => addrRequest('add', { index: 3, address: '10.0.0.1/24', labl: 'x' } as never)).toThrow(SpecError);
  });
});

describe.skipIf(!canRunLive)('addrRequest against `ip address`', () => {
  const ns = `nlkit-test-${Math.random().toString(16).slice(2, 10)}`;
  let dev = 0;
  beforeAll(() => {
    ip('netns', 'add', ns);
    ip('-n', ns, 'link', 'add', 'veth0', 'type', 'veth', 'peer', 'name', 'veth1');
    dev = ifindex(ns, 'veth0');
  });
  afterAll(() => ip('netns', 'del', ns));

  /** The one address request `ip -n NS ARGS` sent, decoded. */
  function iproute2(args: string) {
    const cap = capture(['ip', '-n', ns, ...args.split(' ')]);
    expect(cap.status, cap.stderr).toBe(0);
    const sent = decodeCapture(rtnl, cap, 'sent').map((c) => c.msg).filter((m) => m.name.endsWith('ADDR'));
    expect(sent).toHaveLength(1);
    return sent[0]!;
  }

  const same = (mine: ReturnType<typeof wire>, theirs: ReturnType<typeof wire>) =>
    expect({ ...mine, seq: 0, pid: 0 }).toEqual({ ...theirs, seq: 0, pid: 0 });

  it('add with broadcast and label', () => {
    same(wire(addrRequest('add', { index: dev, address: '10.0.0.2/24', broadcast: '+', label: 'veth0:1' })), iproute2('address add 10.0.0.2/24 brd + dev veth0 label veth0:1'));
  });
  it('add with lifetimes, metric and noprefixroute', () => {
    same(
      wire(addrRequest('add', { index: dev, address: '10.0.1.1/24', validLft: 100, preferredLft: 50, metric: 7, flags: ['noprefixroute'] })),
      iproute2('address add 10.0.1.1/24 dev veth0 valid_lft 100 preferred_lft 50 metric 7 noprefixroute'),
    );
  });
  it('add IPv6 nodad', () => {
    same(wire(addrRequest('add', { index: dev, address: '2001:db8::1/64', flags: ['nodad'] })), iproute2('-6 address add 2001:db8::1/64 dev veth0 nodad'));
  });
  it('add a point-to-point address', () => {
    same(wire(addrRequest('add', { index: dev, local: '10.9.0.1', address: '10.9.0.2/32' })), iproute2('address add 10.9.0.1 peer 10.9.0.2/32 dev veth0'));
  });
  it('replace and del', () => {
    same(wire(addrRequest('replace', { index: dev, address: '10.0.0.2/24' })), iproute2('address replace 10.0.0.2/24 dev veth0'));
    same(wire(addrRequest('del', { index: dev, address: '10.0.0.2/24' })), iproute2('address del 10.0.0.2/24 dev veth0'));
  });
  it('add on loopback (host scope)', () => {
    same(wire(addrRequest('add', { index: 1, address: '127.0.0.2/8' })), iproute2('address add 127.0.0.2/8 dev lo'));
  });
});
