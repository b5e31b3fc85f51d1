/**
 * The FDB builders: hand-derived messages, spec errors, and (as root) the
 * same requests as `bridge fdb` sends, captured with strace in a throwaway
 * namespace and compared decoded.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NLM_F, decodeMessages, encodeMessage } from '@nlkit/core';
import { SpecError, type RtnlRequest } from '../addr/request.js';
import { rtnl } from '../family.js';
import { canRunLive, capture, decodeCapture, ifindex, ip } from '../route/test-util.js';
import { fdbRequest } from './request.js';

/** A request as the kernel receives it: with `NLM_F_REQUEST` and `NLM_F_ACK` or `NLM_F_DUMP` as its kind asks, encoded, then decoded. */
function wire(req: RtnlRequest) {
  const m = req.message;
  const extra = req.kind === 'ack' ? NLM_F.ACK : req.kind === 'dump' ? NLM_F.DUMP : 0;
  const [msg] = decodeMessages(rtnl, encodeMessage(rtnl, { ...m, flags: (m.flags ?? 0) | NLM_F.REQUEST | extra } as never));
  return msg!;
}

describe('fdbRequest', () => {
  it('adds a permanent self entry by default, as bridge fdb', () => {
    expect(fdbRequest('add', { lladdr: '02:00:00:00:00:0a', index: 4 })).toEqual({
      kind: 'ack', operation: 'fdb add 02:00:00:00:00:0a',
      message: { name: 'RTM_NEWNEIGH', flags: NLM_F.CREATE | NLM_F.EXCL, header: { family: 7, ifindex: 4, state: 0xc0, flags: 0x02 }, attrs: { lladdr: '02:00:00:00:00:0a' } },
    });
    expect(fdbRequest('add', { lladdr: '02:00:00:00:00:0a', index: 4, flags: ['master'], state: 'static', vlan: 10 }).message).toMatchObject({
      header: { state: 0x42, flags: 0x04 }, attrs: { vlan: 10 },
    });
  });
  it('appends VXLAN remotes with port and VNI', () => {
    expect(fdbRequest('append', { lladdr: '00:00:00:00:00:00', index: 5, dst: '10.0.0.5', vni: 100, port: 4790 }).message).toEqual({
      name: 'RTM_NEWNEIGH', flags: NLM_F.CREATE | NLM_F.APPEND, header: { family: 7, ifindex: 5, state: 0xc0, flags: 0x02 },
      attrs: { lladdr: '00:00:00:00:00:00', dst: '10.0.0.5', port: 4790, vni: 100 },
    });
  });
  it('deletes and dumps by port and bridge', () => {
    expect(fdbRequest('del', { lladdr: '02:00:00:00:00:0a', index: 4, flags: ['master'] }).message.name).toBe('RTM_DELNEIGH');
    expect(fdbRequest('dump', { master: 3 }).message).toEqual({ name: 'RTM_GETNEIGH', header: { family: 7, ifindex: 0 }, attrs: { master: 3 } });
  });
  it('refuses bad specs', () => {
    expect(() => fdbRequest('add', { lladdr: '02:00:00:00:0a', index: 4 })).toThrow(/MAC address/);
    expect(() => fdbRequest('add', { lladdr: '02:00:00:00:00:0a', index: 4, vlan: 4095 })).toThrow(SpecError);
    expect(() => fdbRequest('add', { lladdr: '02:00:00:00:00:0a', index: 4, flags: ['local' as never] })).toThrow(/unknown flag "local"/);
    expect(() => fdbRequest('add', { lladdr: '02:00:00:00:00:0a', index: 4, state: 'stale' as never })).toThrow(/permanent, static or dynamic/);
  });
});

describe.skipIf(!canRunLive)('fdbRequest against `bridge fdb`', () => {
  const ns = `nlkit-test-${Math.random().toString(16).slice(2, 10)}`;
  beforeAll(() => {
    ip('netns', 'add', ns);
    ip('-n', ns, 'link', 'add', 'veth0', 'type', 'veth', 'peer', 'name', 'veth1');
    ip('-n', ns, 'link', 'add', 'br0', 'type', 'bridge');
    ip('-n', ns, 'link', 'set', 'veth1', 'master', 'br0');
    ip('-n', ns, 'link', 'add', 'vx0', 'type', 'vxlan', 'id', '42', 'dstport', '4789', 'local', '10.0.0.1');
  });
  afterAll(() => ip('netns', 'del', ns));

  function bridge(args: string) {
    const cap = capture(['bridge', '-n', ns, ...args.split(' ')]);
    expect(cap.status, cap.stderr).toBe(0);
    const sent = decodeCapture(rtnl, cap, 'sent').map((c) => c.msg).filter((m) => m.name.endsWith('NEIGH'));
    expect(sent).toHaveLength(1);
    return sent[0]!;
  }
  const same = (args: string, mine: RtnlRequest) => expect({ ...wire(mine), seq: 0, pid: 0 }, args).toEqual({ ...bridge(args), seq: 0, pid: 0 });

  it('add, append, del and dumps', () => {
    const port = ifindex(ns, 'veth1');
    const vx = ifindex(ns, 'vx0');
    same('fdb add 02:00:00:00:00:0a dev veth1 master static', fdbRequest('add', { lladdr: '02:00:00:00:00:0a', index: port, flags: ['master'], state: 'static' }));
    same('fdb append 00:00:00:00:00:00 dev vx0 dst 10.0.0.5 self permanent', fdbRequest('append', { lladdr: '00:00:00:00:00:00', index: vx, dst: '10.0.0.5', flags: ['self'] }));
    same('fdb add 02:00:00:00:00:0c dev vx0 dst 10.0.0.6 vni 100 port 4790 self', fdbRequest('add', { lladdr: '02:00:00:00:00:0c', index: vx, dst: '10.0.0.6', vni: 100, port: 4790 }));
    same('fdb del 02:00:00:00:00:0a dev veth1 master', fdbRequest('del', { lladdr: '02:00:00:00:00:0a', index: port, flags: ['master'] }));
    same('fdb show br br0', fdbRequest('dump', { master: ifindex(ns, 'br0') }));
    same('fdb show dev veth1', fdbRequest('dump', { index: port }));
  });
});
