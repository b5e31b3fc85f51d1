/** Bridge and VXLAN forwarding database entries as `bridge fdb` sends them and the kernel answers (captured with strace in a throwaway namespace). */
import { describe, expect, it } from 'vitest';
import { family } from '@nlkit/core';
import { neighMessages, neighStates } from '../neigh/schema.js';
import { canRunLive, bridgeCaptured, ifindex, ip, named, reencodeDiff, withNetns, type Captured } from '../route/test-util.js';
import { fdbEntry, vxlanRemote } from './entry.js';
import { AF_BRIDGE } from './schema.js';

const fam = family('test', 0, neighMessages);

function expectReencodes(msgs: Captured<typeof fam>[]): void {
  expect(msgs.length).toBeGreaterThan(0);
  for (const m of msgs) expect(reencodeDiff(fam, m), `${m.dir} ${m.msg.name}`).toEqual([]);
}

describe.skipIf(!canRunLive)('FDB entries against bridge(8) and the kernel', () => {
  it('adds VXLAN remotes and a bridge entry as the builders describe them, and dumps them', () =>
    withNetns((ns) => {
      ip('-n', ns, 'link', 'add', 'veth0', 'type', 'veth', 'peer', 'name', 'veth1');
      ip('-n', ns, 'addr', 'add', '10.0.0.1/24', 'dev', 'veth0');
      ip('-n', ns, 'link', 'add', 'vxlan0', 'type', 'vxlan', 'id', '42', 'dstport', '4789', 'local', '10.0.0.1', 'nolearning');
      ip('-n', ns, 'link', 'add', 'br0', 'type', 'bridge');
      ip('-n', ns, 'link', 'set', 'veth1', 'master', 'br0');
      for (const dev of ['lo', 'veth0', 'veth1', 'br0', 'vxlan0']) ip('-n', ns, 'link', 'set', dev, 'up');
      const vxlan0 = ifindex(ns, 'vxlan0');
      const veth1 = ifindex(ns, 'veth1');
      const br0 = ifindex(ns, 'br0');

      const add = bridgeCaptured(fam, ns, 'fdb', 'add', '02:00:00:00:00:01', 'dev', 'vxlan0', 'dst', '10.0.0.5', 'self', 'permanent');
      expect(add.cap.status).toBe(0);
      const req = named(add.msgs, 'RTM_NEWNEIGH', 'sent')[0]!.msg;
      const want = fdbEntry({ ifindex: vxlan0, lladdr: '02:00:00:00:00:01', dst: '10.0.0.5', self: true, state: 'permanent' });
      expect(req.header).toEqual({ type: 0, ...want.header });
      expect(req.attrs).toEqual(want.attrs);
      expectReencodes(add.msgs);

      const append = bridgeCaptured(fam, ns, 'fdb', 'append', '00:00:00:00:00:00', 'dev', 'vxlan0', 'dst', '10.0.0.6', 'vni', '100', 'port', '4790', 'self', 'permanent');
      expect(append.cap.status).toBe(0);
      const remote = vxlanRemote({ ifindex: vxlan0, dst: '10.0.0.6', vni: 100, port: 4790 });
      const areq = named(append.msgs, 'RTM_NEWNEIGH', 'sent')[0]!.msg;
      expect(areq.header).toEqual({ type: 0, ...remote.header });
      expect(areq.attrs).toEqual(remote.attrs);
      expectReencodes(append.msgs);

      const port = bridgeCaptured(fam, ns, 'fdb', 'add', '02:00:00:00:00:02', 'dev', 'veth1', 'master', 'static');
      expect(port.cap.status).toBe(0);
      const pwant = fdbEntry({ ifindex: veth1, lladdr: '02:00:00:00:00:02', master: true, state: 'static' });
      const preq = named(port.msgs, 'RTM_NEWNEIGH', 'sent')[0]!.msg;
      expect(preq.header).toEqual({ type: 0, ...pwant.header });
      expect(preq.attrs).toEqual(pwant.attrs);
      expectReencodes(port.msgs);

      const dump = bridgeCaptured(fam, ns, 'fdb', 'show');
      expect(dump.cap.status).toBe(0);
      expect(named(dump.msgs, 'RTM_GETNEIGH', 'sent')[0]!.msg.header.family).toBe(AF_BRIDGE);
      const entries = named(dump.msgs, 'RTM_NEWNEIGH', 'received').map((m) => m.msg);
      expect(entries.every((e) => e.header.family === AF_BRIDGE)).toBe(true);
      expect(entries.find((e) => e.attrs.lladdr === '00:00:00:00:00:00')).toMatchObject({ header: { ifindex: vxlan0 }, attrs: { dst: '10.0.0.6', vni: 100, port: 4790 } });
      expect(entries.find((e) => e.attrs.lladdr === '02:00:00:00:00:01')).toMatchObject({ header: { ifindex: vxlan0, state: neighStates.noarp | neighStates.permanent }, attrs: { dst: '10.0.0.5' } });
      expect(entries.find((e) => e.attrs.lladdr === '02:00:00:00:00:02')).toMatchObject({ header: { ifindex: veth1, state: neighStates.noarp }, attrs: { master: br0, flagsExt: [] } });
      expectReencodes(dump.msgs);
    }));
});
