/** Multicast database entries as `bridge mdb` sends them and the kernel answers (captured with strace in a throwaway namespace). */
import { describe, expect, it } from 'vitest';
import { family } from '@nlkit/core';
import { mdbMessages, mdbRequestMessages } from './schema.js';
import { canRunLive, bridgeCaptured, decodeCapture, ifindex, ip, named, reencodeDiff, withNetns, type Captured } from '../route/test-util.js';

const kernel = family('test', 0, mdbMessages);
const requests = family('test-requests', 0, mdbRequestMessages);

function expectReencodes<F extends typeof kernel | typeof requests>(fam: F, msgs: Captured<F>[]): void {
  expect(msgs.length).toBeGreaterThan(0);
  for (const m of msgs) expect(reencodeDiff(fam, m), `${m.dir} ${m.msg.name}`).toEqual([]);
}

describe.skipIf(!canRunLive)('the multicast database against bridge(8) and the kernel', () => {
  it('adds (*,G) and (S,G) entries and dumps them with the router ports', () =>
    withNetns((ns) => {
      ip('-n', ns, 'link', 'add', 'veth0', 'type', 'veth', 'peer', 'name', 'veth1');
      ip('-n', ns, 'link', 'add', 'br0', 'type', 'bridge');
      ip('-n', ns, 'link', 'set', 'veth1', 'master', 'br0');
      for (const dev of ['lo', 'veth0', 'veth1', 'br0']) ip('-n', ns, 'link', 'set', dev, 'up');
      const br0 = ifindex(ns, 'br0');
      const veth1 = ifindex(ns, 'veth1');

      const v4 = bridgeCaptured(requests, ns, 'mdb', 'add', 'dev', 'br0', 'port', 'veth1', 'grp', '239.1.1.1', 'permanent');
      expect(v4.cap.status).toBe(0);
      const req = named(v4.msgs, 'RTM_NEWMDB', 'sent')[0]!.msg;
      expect(req.header).toEqual({ family: 7, ifindex: br0 });
      expect(req.attrs).toEqual({ entry: { ifindex: veth1, state: 'permanent', flags: [], vid: 0, addr: '239.1.1.1', proto: 0x0800 } });
      expectReencodes(requests, v4.msgs);

      const v6 = bridgeCaptured(requests, ns, 'mdb', 'add', 'dev', 'br0', 'port', 'veth1', 'grp', 'ff0e::1', 'temp');
      expect(v6.cap.status).toBe(0);
      expect(named(v6.msgs, 'RTM_NEWMDB', 'sent')[0]!.msg.attrs.entry).toMatchObject({ state: 'temporary', addr: 'ff0e::1', proto: 0x86dd });
      expectReencodes(requests, v6.msgs);

      const sg = bridgeCaptured(requests, ns, 'mdb', 'add', 'dev', 'br0', 'port', 'veth1', 'grp', '239.1.1.2', 'src', '10.0.0.7', 'permanent');
      expect(sg.cap.status).toBe(0);
      expect(named(sg.msgs, 'RTM_NEWMDB', 'sent')[0]!.msg.attrs).toMatchObject({ entry: { addr: '239.1.1.2' }, attrs: { source: '10.0.0.7' } });
      expectReencodes(requests, sg.msgs);

      ip('-n', ns, 'link', 'set', 'dev', 'veth1', 'type', 'bridge_slave', 'mcast_router', '2');
      const dump = bridgeCaptured(kernel, ns, 'mdb', 'show');
      expect(dump.cap.status).toBe(0);
      const replies = dump.msgs.filter((m) => m.dir === 'received' && m.msg.name === 'RTM_GETMDB').map((m) => m.msg);
      expect(replies.length).toBeGreaterThan(0);
      const infos = replies.flatMap((r) => (r.name === 'RTM_GETMDB' ? r.attrs.mdb?.entry ?? [] : [])).flatMap((e) => e.info ?? []);
      expect(infos).toContainEqual(expect.objectContaining({ ifindex: veth1, state: 'permanent', addr: '239.1.1.1', proto: 0x0800, attrs: expect.objectContaining({ rtprot: 'static' }) }));
      expect(infos).toContainEqual(expect.objectContaining({ state: 'temporary', addr: 'ff0e::1', attrs: expect.objectContaining({ timer: expect.any(Number) }) }));
      expect(infos).toContainEqual(expect.objectContaining({ addr: '239.1.1.2', attrs: expect.objectContaining({ source: '10.0.0.7' }) }));
      const ports = replies.flatMap((r) => (r.name === 'RTM_GETMDB' ? r.attrs.router?.port ?? [] : []));
      expect(ports).toContainEqual({ ifindex: veth1, attrs: expect.objectContaining({ type: 'perm' }) });
      expectReencodes(kernel, dump.msgs);
      // The dump request (a bare br_port_msg) reads the same in either direction.
      expect(named(decodeCapture(requests, dump.cap, 'sent'), 'RTM_GETMDB')[0]!.msg).toMatchObject({ name: 'RTM_GETMDB', header: { family: 7 } });
    }));
});
