/**
 * The rule builders: hand-derived messages, spec errors, and (as root) the
 * same requests as `ip rule` sends, captured with strace in a throwaway
 * namespace and compared decoded.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NLM_F, decodeMessages, encodeMessage } from '@nlkit/core';
import { SpecError, type RtnlRequest } from '../addr/request.js';
import { rtnl } from '../family.js';
import { canRunLive, capture, decodeCapture, ip } from '../route/test-util.js';
import { ruleRequest } from './request.js';

/** A request as the kernel receives it: with `NLM_F_REQUEST` and `NLM_F_ACK` or `NLM_F_DUMP` as its kind asks, encoded, then decoded. */
function wire(req: RtnlRequest) {
  const m = req.message;
  const extra = req.kind === 'ack' ? NLM_F.ACK : req.kind === 'dump' ? NLM_F.DUMP : 0;
  const [msg] = decodeMessages(rtnl, encodeMessage(rtnl, { ...m, flags: (m.flags ?? 0) | NLM_F.REQUEST | extra } as never));
  return msg!;
}

describe('ruleRequest', () => {
  it('adds a lookup rule (table main by default, FRA_TABLE beyond 255)', () => {
    expect(ruleRequest('add', { priority: 1000, src: '10.0.0.0/24', table: 100 })).toEqual({
      kind: 'ack', operation: 'rule add priority 1000',
      message: { name: 'RTM_NEWRULE', flags: NLM_F.CREATE | NLM_F.EXCL, header: { family: 2, dstLen: 0, srcLen: 24, tos: 0, table: 100, action: 1, flags: 0 }, attrs: { src: '10.0.0.0', priority: 1000 } },
    });
    expect(ruleRequest('add', { fwmark: 1 }).message.header).toMatchObject({ table: 254, action: 1 });
    expect(ruleRequest('add', { fwmark: 1, table: 1000 }).message).toMatchObject({ header: { table: 0 }, attrs: { table: 1000 } });
  });
  it('takes actions, goto, ranges, protocols and inversion', () => {
    expect(ruleRequest('add', { iif: 'eth0', action: 'blackhole' }).message).toMatchObject({ header: { action: 6, table: 0 }, attrs: { iifname: 'eth0' } });
    expect(ruleRequest('add', { goto: 1000 }).message).toMatchObject({ header: { action: 2, table: 0 }, attrs: { goto: 1000 } });
    expect(ruleRequest('add', { uidrange: [1000, 2000], ipproto: 'tcp', sport: [1000, 2000], dport: 80 }).message.attrs).toEqual({
      uidRange: { start: 1000, end: 2000 }, ipProto: 6, sportRange: { start: 1000, end: 2000 }, dportRange: { start: 80, end: 80 },
    });
    expect(ruleRequest('add', { src: 'all', invert: true, suppressPrefixlength: 0 }).message).toMatchObject({ header: { flags: 2, srcLen: 0 }, attrs: { suppressPrefixlen: 0 } });
    expect(ruleRequest('add', { dst: '2001:db8::/32', action: 'to_tbl', table: 'main' }).message.header).toMatchObject({ family: 10, dstLen: 32, action: 1 });
  });
  it('deletes by the selectors given and dumps by family', () => {
    expect(ruleRequest('del', { priority: 1000 }).message).toEqual({ name: 'RTM_DELRULE', header: { family: 2, dstLen: 0, srcLen: 0, tos: 0, table: 0, action: 0, flags: 0 }, attrs: { priority: 1000 } });
    expect(ruleRequest('dump', { family: 'inet6' }).message).toEqual({ name: 'RTM_GETRULE', header: { family: 10 } });
  });
  it('refuses bad specs', () => {
    expect(() => ruleRequest('add', { src: '10.0.0.0/8', dst: '2001:db8::/32' })).toThrow(/dst is not of the rule's family/);
    expect(() => ruleRequest('add', { goto: 5, action: 'blackhole' })).toThrow(/goto needs the goto action/);
    expect(() => ruleRequest('add', { sport: [2000, 1000] })).toThrow(/ends before it starts/);
    expect(() => ruleRequest('add', { action: 'drop' as never })).toThrow(SpecError);
    expect(() => ruleRequest('add', { pref: 5 } as never)).toThrow(/unknown field "pref"/);
  });
});

describe.skipIf(!canRunLive)('ruleRequest against `ip rule`', () => {
  const ns = `nlkit-test-${Math.random().toString(16).slice(2, 10)}`;
  beforeAll(() => ip('netns', 'add', ns));
  afterAll(() => ip('netns', 'del', ns));

  function iproute2(args: string) {
    const cap = capture(['ip', '-n', ns, ...args.split(' ')]);
    expect(cap.status, cap.stderr).toBe(0);
    const sent = decodeCapture(rtnl, cap, 'sent').map((c) => c.msg).filter((m) => m.name.endsWith('RULE'));
    expect(sent).toHaveLength(1);
    return sent[0]!;
  }
  const same = (args: string, mine: RtnlRequest) => expect({ ...wire(mine), seq: 0, pid: 0 }, args).toEqual({ ...iproute2(args), seq: 0, pid: 0 });

  it('add, del and dump', () => {
    same('rule add from 10.0.0.0/24 table 100 priority 1000', ruleRequest('add', { src: '10.0.0.0/24', table: 100, priority: 1000 }));
    same('rule add to 10.1.0.0/16 fwmark 0x10/0xff lookup 1000 pref 1001', ruleRequest('add', { dst: '10.1.0.0/16', fwmark: 0x10, fwmask: 0xff, table: 1000, priority: 1001 }));
    same('rule add iif lo oif lo blackhole pref 1002', ruleRequest('add', { iif: 'lo', oif: 'lo', action: 'blackhole', priority: 1002 }));
    same(
      'rule add uidrange 1000-2000 ipproto tcp sport 1000-2000 dport 80 table main pref 1003',
      ruleRequest('add', { uidrange: { start: 1000, end: 2000 }, ipproto: 'tcp', sport: [1000, 2000], dport: 80, table: 'main', priority: 1003 }),
    );
    same('-6 rule add from 2001:db8::/32 table 200 pref 1005', ruleRequest('add', { src: '2001:db8::/32', table: 200, priority: 1005 }));
    same('rule add from 10.0.0.0/8 goto 1000 pref 999', ruleRequest('add', { src: '10.0.0.0/8', goto: 1000, priority: 999 }));
    same('rule del pref 1000', ruleRequest('del', { priority: 1000 }));
    same('rule show', ruleRequest('dump', { family: 'inet' }));
  });
});
