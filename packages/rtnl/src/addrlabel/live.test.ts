/** IPv6 address labels as iproute2 sends them and the kernel answers (captured with strace in a throwaway namespace). */
import { describe, expect, it } from 'vitest';
import { family } from '@nlkit/core';
import { addrlabelMessages } from './schema.js';
import { canRunLive, ipCaptured, named, reencodeDiff, withNetns, type Captured } from '../route/test-util.js';

const fam = family('test', 0, addrlabelMessages);

function expectReencodes(msgs: Captured<typeof fam>[]): void {
  expect(msgs.length).toBeGreaterThan(0);
  for (const m of msgs) expect(reencodeDiff(fam, m), `${m.dir} ${m.msg.name}`).toEqual([]);
}

describe.skipIf(!canRunLive)('address labels against iproute2 and the kernel', () => {
  it('adds a label and lists the policy table', () =>
    withNetns((ns) => {
      const add = ipCaptured(fam, ns, 'addrlabel', 'add', 'prefix', '2001:db8:1::/48', 'label', '99');
      expect(add.cap.status).toBe(0);
      const req = named(add.msgs, 'RTM_NEWADDRLABEL', 'sent')[0]!.msg;
      expect(req.header).toEqual({ family: 10, prefixlen: 48, flags: 0, index: 0, seq: 0 });
      expect(req.attrs).toEqual({ address: '2001:db8:1::', label: 99 });
      expectReencodes(add.msgs);

      const list = ipCaptured(fam, ns, 'addrlabel', 'list');
      expect(list.cap.status).toBe(0);
      const labels = named(list.msgs, 'RTM_NEWADDRLABEL', 'received').map((m) => m.msg);
      expect(labels).toContainEqual(expect.objectContaining({ header: expect.objectContaining({ prefixlen: 48 }), attrs: { address: '2001:db8:1::', label: 99 } }));
      expect(labels).toContainEqual(expect.objectContaining({ header: expect.objectContaining({ prefixlen: 128 }), attrs: { address: '::1', label: 0 } }));
      expectReencodes(list.msgs);
    }));
});
