/** Policy routing rules as iproute2 sends them and the kernel answers (captured with strace in a throwaway namespace). */
import { describe, expect, it } from 'vitest';
import { family } from '@nlkit/core';
import { ruleActions, ruleMessages } from './schema.js';
import { canRunLive, ip, ipCaptured, named, reencodeDiff, withNetns, type Captured } from '../route/test-util.js';

const fam = family('test', 0, ruleMessages);

function expectReencodes(msgs: Captured<typeof fam>[]): void {
  expect(msgs.length).toBeGreaterThan(0);
  for (const m of msgs) expect(reencodeDiff(fam, m), `${m.dir} ${m.msg.name}`).toEqual([]);
}

describe.skipIf(!canRunLive)('rules against iproute2 and the kernel', () => {
  it('adds rules with selectors and dumps them', () =>
    withNetns((ns) => {
      ip('-n', ns, 'link', 'add', 'veth0', 'type', 'veth', 'peer', 'name', 'veth1');

      const add = ipCaptured(fam, ns, 'rule', 'add', 'from', '10.0.0.0/8', 'table', '100', 'priority', '50', 'uidrange', '1-2', 'ipproto', 'tcp', 'sport', '1000-2000');
      expect(add.cap.status).toBe(0);
      const req = named(add.msgs, 'RTM_NEWRULE', 'sent')[0]!.msg;
      expect(req.header).toEqual({ family: 2, dstLen: 0, srcLen: 8, tos: 0, table: 100, action: ruleActions.toTbl, flags: 0 });
      expect(req.attrs).toEqual({ src: '10.0.0.0', priority: 50, uidRange: { start: 1, end: 2 }, ipProto: 6, sportRange: { start: 1000, end: 2000 } });
      expectReencodes(add.msgs);

      const add2 = ipCaptured(fam, ns, 'rule', 'add', 'fwmark', '0x10/0xff', 'iif', 'veth0', 'lookup', '2000', 'suppress_prefixlength', '0', 'pref', '60', 'dport', '80', 'protocol', 'static');
      expect(add2.cap.status).toBe(0);
      expect(named(add2.msgs, 'RTM_NEWRULE', 'sent')[0]!.msg.attrs).toEqual({
        fwmark: 0x10, fwmask: 0xff, iifname: 'veth0', table: 2000, suppressPrefixlen: 0, priority: 60, dportRange: { start: 80, end: 80 }, protocol: 'static',
      });
      expectReencodes(add2.msgs);

      const add6 = ipCaptured(fam, ns, '-6', 'rule', 'add', 'to', '2001:db8::/32', 'prohibit', 'pref', '70');
      expect(add6.cap.status).toBe(0);
      const req6 = named(add6.msgs, 'RTM_NEWRULE', 'sent')[0]!.msg;
      expect(req6.header).toMatchObject({ family: 10, dstLen: 32, action: ruleActions.prohibit });
      expect(req6.attrs).toEqual({ dst: '2001:db8::', priority: 70 });
      expectReencodes(add6.msgs);

      const dump = ipCaptured(fam, ns, 'rule', 'show');
      expect(dump.cap.status).toBe(0);
      const rules = named(dump.msgs, 'RTM_NEWRULE', 'received').map((m) => m.msg);
      expect(rules.find((r) => r.attrs.priority === 50)!.attrs).toMatchObject({ src: '10.0.0.0', table: 100, uidRange: { start: 1, end: 2 }, ipProto: 6, sportRange: { start: 1000, end: 2000 } });
      expect(rules.find((r) => r.attrs.priority === 60)!.attrs).toMatchObject({ fwmark: 0x10, fwmask: 0xff, iifname: 'veth0', table: 2000, suppressPrefixlen: 0, protocol: 'static' });
      expect(rules.find((r) => r.attrs.priority === 32766)!.attrs).toMatchObject({ table: 254, protocol: 'kernel' });
      expectReencodes(dump.msgs);

      const dump6 = ipCaptured(fam, ns, '-6', 'rule', 'show');
      expect(named(dump6.msgs, 'RTM_NEWRULE', 'received').map((m) => m.msg).find((r) => r.attrs.priority === 70)).toMatchObject({ header: { action: ruleActions.prohibit }, attrs: { dst: '2001:db8::' } });
      expectReencodes(dump6.msgs);
    }));
});
