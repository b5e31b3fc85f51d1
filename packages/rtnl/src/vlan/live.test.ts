/**
 * The bridge VLAN database as `bridge vlan` sends it (captured with strace in
 * a throwaway namespace). Kernels without bridge VLAN filtering refuse these
 * with EOPNOTSUPP; the requests are checked all the same.
 */
import { describe, expect, it } from 'vitest';
import { family } from '@nlkit/core';
import { vlanMessages } from './schema.js';
import { canRunLive, bridgeCaptured, ifindex, ip, named, reencodeDiff, withNetns, type Captured } from '../route/test-util.js';

const fam = family('test', 0, vlanMessages);

function expectReencodes(msgs: Captured<typeof fam>[]): void {
  expect(msgs.length).toBeGreaterThan(0);
  for (const m of msgs) expect(reencodeDiff(fam, m), `${m.dir} ${m.msg.name}`).toEqual([]);
}

function answer(msgs: Captured<typeof fam>[]): number | undefined {
  const a = msgs.find((m) => m.dir === 'received' && (m.msg.name === 'NLMSG_ERROR' || m.msg.name === 'NLMSG_DONE') && m.msg.header.error !== 0)?.msg;
  return a?.name === 'NLMSG_ERROR' || a?.name === 'NLMSG_DONE' ? a.header.error : 0;
}

describe.skipIf(!canRunLive)('bridge VLANs against bridge(8) and the kernel', () => {
  it('sets a port VLAN option and dumps the VLAN database', () =>
    withNetns((ns) => {
      ip('-n', ns, 'link', 'add', 'veth0', 'type', 'veth', 'peer', 'name', 'veth1');
      ip('-n', ns, 'link', 'add', 'br0', 'type', 'bridge');
      ip('-n', ns, 'link', 'set', 'veth1', 'master', 'br0');
      const veth1 = ifindex(ns, 'veth1');

      const set = bridgeCaptured(fam, ns, 'vlan', 'set', 'vid', '10', 'dev', 'veth1', 'state', '3');
      const req = named(set.msgs, 'RTM_NEWVLAN', 'sent')[0]!.msg;
      expect(req.header).toEqual({ family: 7, ifindex: veth1 });
      expect(req.attrs).toEqual({ entry: [{ info: { flags: ['onlyOpts'], vid: 10 }, state: 'forwarding' }] });
      expect([0, -95]).toContain(answer(set.msgs));
      expectReencodes(set.msgs);

      const dump = bridgeCaptured(fam, ns, '-d', 'vlan', 'show');
      expect(named(dump.msgs, 'RTM_GETVLAN', 'sent')[0]!.msg).toMatchObject({ header: { family: 7, ifindex: 0 }, attrs: { flags: [] } });
      expect([0, -95]).toContain(answer(dump.msgs));
      expectReencodes(dump.msgs);

      const global = bridgeCaptured(fam, ns, 'vlan', 'global', 'show');
      expect(named(global.msgs, 'RTM_GETVLAN', 'sent')[0]!.msg.attrs).toEqual({ flags: ['global'] });
      expectReencodes(global.msgs);
    }));
});
