/**
 * The neighbour builders: hand-derived messages, spec errors, and (as root)
 * the same requests as `ip neigh` sends, captured with strace in a throwaway
 * namespace and compared decoded.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NLM_F, decodeMessages, encodeMessage } from '@nlkit/core';
import { SpecError, type RtnlRequest } from '../addr/request.js';
import { rtnl } from '../family.js';
import { canRunLive, capture, decodeCapture, ifindex, ip } from '../route/test-util.js';
import { neighRequest } from './request.js';

/** A request as the kernel receives it: with `NLM_F_REQUEST` and `NLM_F_ACK` or `NLM_F_DUMP` as its kind asks, encoded, then decoded. */
function wire(req: RtnlRequest) {
  const m = req.message;
  const extra = req.kind === 'ack' ? NLM_F.ACK : req.kind === 'dump' ? NLM_F.DUMP : 0;
  const [msg] = decodeMessages(rtnl, encodeMessage(rtnl, { ...m, flags: (m.flags ?? 0) | NLM_F.REQUEST | extra } as never));
  return msg!;
}

describe('neighRequest', () => {
  it('adds a permanent entry by default, with the family from dst', () => {
    expect(neighRequest('add', { dst: '10.0.0.2', lladdr: '02:00:00:00:00:02', index: 3 })).toEqual({
      kind: 'ack', operation: 'neigh add 10.0.0.2',
      message: { name: 'RTM_NEWNEIGH', flags: NLM_F.CREATE | NLM_F.EXCL, header: { family: 2, ifindex: 3, state: 0x80, flags: 0, type: 0 }, attrs: { dst: '10.0.0.2', lladdr: '02:00:00:00:00:02' } },
    });
    expect(neighRequest('replace', { dst: '2001:db8::5', index: 3, lladdr: '02:00:00:00:00:05', state: 'stale', flags: ['router'] }).message).toMatchObject({
      flags: NLM_F.CREATE | NLM_F.REPLACE, header: { family: 10, state: 0x04, flags: 0x80 },
    });
    expect(neighRequest('add', { dst: '10.0.0.9', index: 3, flags: ['proxy'] }).message.header).toMatchObject({ state: 0x80, flags: 0x08 });
    expect(neighRequest('change', { dst: '10.0.0.9', index: 3, state: ['reachable', 'noarp'] }).message.header).toMatchObject({ state: 0x42 });
  });
  it('gets one entry and dumps with kernel filters', () => {
    expect(neighRequest('get', { dst: '10.0.0.3', index: 3 }).message).toEqual({ name: 'RTM_GETNEIGH', header: { family: 2, ifindex: 3, state: 0, flags: 0, type: 0 }, attrs: { dst: '10.0.0.3' } });
    expect(neighRequest('dump', { index: 3, master: 4, proxy: true }).message).toEqual({ name: 'RTM_GETNEIGH', header: { family: 0, flags: 8 }, attrs: { ifindex: 3, master: 4 } });
  });
  it('refuses bad specs', () => {
    expect(() => neighRequest('add', { dst: '10.0.0.0/24', index: 3 })).toThrow(/a neighbour is an address/);
    expect(() => neighRequest('add', { dst: '10.0.0.2', index: 3, state: 'sleepy' as never })).toThrow(SpecError);
    expect(() => neighRequest('add', { dst: '10.0.0.2', index: 3, flags: ['fast' as never] })).toThrow(/unknown flag "fast"/);
    expect(() => neighRequest('get', { dst: '10.0.0.2', index: 3, lladdr: '02:00:00:00:00:01' })).toThrow(/does not apply to get/);
    expect(() => neighRequest('dump', { state: 'stale' } as never)).toThrow(/unknown field "state"/);
  });
});

describe.skipIf(!canRunLive)('neighRequest against `ip neigh`', () => {
  const ns = `nlkit-test-${Math.random().toString(16).slice(2, 10)}`;
  let dev = 0;
  beforeAll(() => {
    ip('netns', 'add', ns);
    ip('-n', ns, 'link', 'add', 'veth0', 'type', 'veth', 'peer', 'name', 'veth1');
    ip('-n', ns, 'link', 'set', 'veth0', 'up');
    dev = ifindex(ns, 'veth0');
  });
  afterAll(() => ip('netns', 'del', ns));

  function iproute2(args: string) {
    const cap = capture(['ip', '-n', ns, ...args.split(' ')]);
    expect(cap.status, cap.stderr).toBe(0);
    const sent = decodeCapture(rtnl, cap, 'sent').map((c) => c.msg).filter((m) => m.name.endsWith('NEIGH'));
    expect(sent).toHaveLength(1);
    return sent[0]!;
  }
  const same = (args: string, mine: RtnlRequest) => expect({ ...wire(mine), seq: 0, pid: 0 }, args).toEqual({ ...iproute2(args), seq: 0, pid: 0 });

  it('add, replace, del, get and dumps', () => {
    same('neigh add 10.0.0.2 lladdr 02:00:00:00:00:02 dev veth0', neighRequest('add', { dst: '10.0.0.2', lladdr: '02:00:00:00:00:02', index: dev }));
    same('neigh add 10.0.0.3 lladdr 02:00:00:00:00:03 dev veth0 nud reachable router', neighRequest('add', { dst: '10.0.0.3', lladdr: '02:00:00:00:00:03', index: dev, state: 'reachable', flags: ['router'] }));
    same('neigh replace 10.0.0.3 lladdr 02:00:00:00:00:04 dev veth0 nud stale', neighRequest('replace', { dst: '10.0.0.3', lladdr: '02:00:00:00:00:04', index: dev, state: 'stale' }));
    same('-6 neigh add 2001:db8::5 lladdr 02:00:00:00:00:05 dev veth0', neighRequest('add', { dst: '2001:db8::5', lladdr: '02:00:00:00:00:05', index: dev }));
    same('neigh add proxy 10.0.0.9 dev veth0', neighRequest('add', { dst: '10.0.0.9', index: dev, flags: ['proxy'] }));
    same('neigh del 10.0.0.2 dev veth0', neighRequest('del', { dst: '10.0.0.2', index: dev }));
    same('neigh get 10.0.0.3 dev veth0', neighRequest('get', { dst: '10.0.0.3', index: dev }));
    same('neigh show dev veth0', neighRequest('dump', { index: dev }));
    same('neigh show proxy', neighRequest('dump', { proxy: true }));
  });
});
