/**
 * The bridge VLAN builders: hand-derived messages, spec errors, and (as
 * root) the same requests as `bridge vlan` sends, captured with strace in a
 * throwaway namespace and compared decoded. A kernel without bridge VLAN
 * filtering refuses `add` with EOPNOTSUPP; the requests are compared anyway.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NLM_F, decodeMessages, encodeMessage } from '@nlkit/core';
import { SpecError, type RtnlRequest } from '../addr/request.js';
import { rtnl } from '../family.js';
import { canRunLive, capture, decodeCapture, ifindex, ip } from '../route/test-util.js';
import { vlanRequest } from './request.js';

/** A request as the kernel receives it: with `NLM_F_REQUEST` and `NLM_F_ACK` or `NLM_F_DUMP` as its kind asks, encoded, then decoded. */
function wire(req: RtnlRequest) {
  const m = req.message;
  const extra = req.kind === 'ack' ? NLM_F.ACK : req.kind === 'dump' ? NLM_F.DUMP : 0;
  const [msg] = decodeMessages(rtnl, encodeMessage(rtnl, { ...m, flags: (m.flags ?? 0) | NLM_F.REQUEST | extra } as never));
  return msg!;
}

const port = { family: 7, type: 0, index: 4, flags: 0, change: 0 };

describe('vlanRequest', () => {
  it('adds VLANs with RTM_SETLINK, ranges as begin/end entries', () => {
    expect(vlanRequest('add', { index: 4, vid: 20, pvid: true, untagged: true })).toEqual({
      kind: 'ack', operation: 'vlan add 20',
      message: { name: 'RTM_SETLINK', header: port, attrs: { afSpec: { vlanInfo: [{ flags: ['pvid', 'untagged'], vid: 20 }] } } },
    });
    expect(vlanRequest('add', { index: 4, vid: [30, 35], master: true }).message.attrs).toEqual({
      afSpec: { flags: ['master'], vlanInfo: [{ flags: ['rangeBegin'], vid: 30 }, { flags: ['rangeEnd'], vid: 35 }] },
    });
    expect(vlanRequest('del', { index: 4, vid: 10, self: true }).message).toMatchObject({ name: 'RTM_DELLINK', attrs: { afSpec: { flags: ['self'] } } });
    expect(wire(vlanRequest('add', { index: 4, vid: [30, 35] })).attrs).toMatchObject({ afSpec: { vlanInfo: [{ vid: 30 }, { vid: 35 }] } });
  });
  it('dumps with RTEXT_FILTER_BRVLAN', () => {
    expect(vlanRequest('dump').message).toEqual({ name: 'RTM_GETLINK', header: { family: 7 }, attrs: { extMask: ['brvlan'] } });
    expect(vlanRequest('dump', { compressed: true }).message.attrs).toEqual({ extMask: ['brvlanCompressed'] });
  });
  it('refuses bad specs', () => {
    expect(() => vlanRequest('add', { index: 4, vid: 4095 })).toThrow(SpecError);
    expect(() => vlanRequest('add', { index: 4, vid: [30, 35], pvid: true })).toThrow(/cannot be the pvid/);
    expect(() => vlanRequest('add', { index: 4, vid: [35, 30] })).toThrow(/ends before it starts/);
  });
});

describe.skipIf(!canRunLive)('vlanRequest against `bridge vlan`', () => {
  const ns = `nlkit-test-${Math.random().toString(16).slice(2, 10)}`;
  beforeAll(() => {
    ip('netns', 'add', ns);
    ip('-n', ns, 'link', 'add', 'veth0', 'type', 'veth', 'peer', 'name', 'veth1');
    ip('-n', ns, 'link', 'add', 'br0', 'type', 'bridge');
    ip('-n', ns, 'link', 'set', 'veth1', 'master', 'br0');
  });
  afterAll(() => ip('netns', 'del', ns));

  /** The request `bridge ARGS` sent, whether or not this kernel supports it. */
  function bridge(args: string) {
    const cap = capture(['bridge', '-n', ns, ...args.split(' ')]);
    expect([0, 255], cap.stderr).toContain(cap.status);
    const sent = decodeCapture(rtnl, cap, 'sent').map((c) => c.msg).filter((m) => m.name === 'RTM_SETLINK' || m.name === 'RTM_DELLINK' || (m.name === 'RTM_GETLINK' && m.header.family === 7));
    expect(sent).toHaveLength(1);
    return sent[0]!;
  }
  const same = (args: string, mine: RtnlRequest) => expect({ ...wire(mine), seq: 0, pid: 0 }, args).toEqual({ ...bridge(args), seq: 0, pid: 0 });

  it('add, del and dump', () => {
    const p = ifindex(ns, 'veth1');
    same('vlan add vid 10 dev veth1', vlanRequest('add', { index: p, vid: 10 }));
    same('vlan add vid 20 dev veth1 pvid untagged', vlanRequest('add', { index: p, vid: 20, pvid: true, untagged: true }));
    same('vlan add vid 30-35 dev veth1 master', vlanRequest('add', { index: p, vid: [30, 35], master: true }));
    same('vlan add vid 40 dev br0 self', vlanRequest('add', { index: ifindex(ns, 'br0'), vid: 40, self: true }));
    same('vlan del vid 10 dev veth1', vlanRequest('del', { index: p, vid: 10 }));
    same('vlan show', vlanRequest('dump'));
  });
});
