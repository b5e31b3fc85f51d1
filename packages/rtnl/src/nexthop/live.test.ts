/** Nexthop objects, groups and buckets as iproute2 sends them and the kernel answers (captured with strace in a throwaway namespace). */
import { describe, expect, it } from 'vitest';
import { family } from '@nlkit/core';
import { routeMessages } from '../route/schema.js';
import { groupMember, groupWeight, nexthopMessages } from './schema.js';
import { canRunLive, ifindex, ip, ipCaptured, named, reencodeDiff, withNetns, type Captured } from '../route/test-util.js';

const fam = family('test', 0, { ...nexthopMessages, ...routeMessages });

function expectReencodes(msgs: Captured<typeof fam>[]): void {
  expect(msgs.length).toBeGreaterThan(0);
  for (const m of msgs) expect(reencodeDiff(fam, m), `${m.dir} ${m.msg.name}`).toEqual([]);
}

function sent(msgs: Captured<typeof fam>[]) {
  return named(msgs, 'RTM_NEWNEXTHOP', 'sent')[0]!.msg;
}

describe.skipIf(!canRunLive)('nexthops against iproute2 and the kernel', () => {
  it('adds nexthops, groups and a resilient group; routes use them; dumps and buckets', () =>
    withNetns((ns) => {
      ip('-n', ns, 'link', 'add', 'veth0', 'type', 'veth', 'peer', 'name', 'veth1');
      for (const dev of ['lo', 'veth0', 'veth1']) ip('-n', ns, 'link', 'set', dev, 'up');
      ip('-n', ns, 'addr', 'add', '10.0.0.1/24', 'dev', 'veth0');
      const veth0 = ifindex(ns, 'veth0');

      const one = ipCaptured(fam, ns, 'nexthop', 'add', 'id', '1', 'via', '10.0.0.2', 'dev', 'veth0');
      expect(one.cap.status).toBe(0);
      expect(sent(one.msgs)).toMatchObject({ header: { family: 2 }, attrs: { id: 1, gateway: '10.0.0.2', oif: veth0 } });
      expectReencodes(one.msgs);
      ip('-n', ns, 'nexthop', 'add', 'id', '2', 'via', '10.0.0.3', 'dev', 'veth0');

      const hole = ipCaptured(fam, ns, 'nexthop', 'add', 'id', '3', 'blackhole');
      expect(hole.cap.status).toBe(0);
      expect(sent(hole.msgs).attrs).toEqual({ id: 3, blackhole: true });
      expectReencodes(hole.msgs);

      const group = ipCaptured(fam, ns, 'nexthop', 'add', 'id', '10', 'group', '1,3/2');
      expect(group.cap.status).toBe(0);
      expect(sent(group.msgs).attrs).toEqual({ id: 10, group: [groupMember(1, 3), groupMember(2)] });
      expectReencodes(group.msgs);

      const res = ipCaptured(fam, ns, 'nexthop', 'add', 'id', '11', 'group', '1/2', 'type', 'resilient', 'buckets', '8', 'idle_timer', '10');
      expect(res.cap.status).toBe(0);
      expect(sent(res.msgs).attrs).toEqual({ id: 11, group: [groupMember(1), groupMember(2)], groupType: 'resilient', resGroup: { buckets: 8, idleTimer: 1000 } });
      expectReencodes(res.msgs);

      const route = ipCaptured(fam, ns, 'route', 'add', '10.20.0.0/16', 'nhid', '10');
      expect(route.cap.status).toBe(0);
      expect(named(route.msgs, 'RTM_NEWROUTE', 'sent')[0]!.msg.attrs).toEqual({ dst: '10.20.0.0', nhId: 10 });
      expectReencodes(route.msgs);

      const dump = ipCaptured(fam, ns, 'nexthop', 'show');
      expect(dump.cap.status).toBe(0);
      const objs = named(dump.msgs, 'RTM_NEWNEXTHOP', 'received').map((m) => m.msg);
      expect(objs.find((o) => o.attrs.id === 1)).toMatchObject({ header: { family: 2, scope: 253 }, attrs: { gateway: '10.0.0.2', oif: veth0 } });
      expect(objs.find((o) => o.attrs.id === 3)!.attrs).toMatchObject({ blackhole: true });
      const g = objs.find((o) => o.attrs.id === 10)!;
      expect(g.attrs).toMatchObject({ groupType: 'mpath', opFlags: ['respGrpResvd0'] });
      expect(g.attrs.group!.map((m) => [m.id, groupWeight(m)])).toEqual([[1, 3], [2, 1]]);
      expect(objs.find((o) => o.attrs.id === 11)!.attrs).toMatchObject({ groupType: 'resilient', resGroup: { buckets: 8, idleTimer: 1000 } });
      expectReencodes(dump.msgs);

      const buckets = ipCaptured(fam, ns, 'nexthop', 'bucket', 'show', 'id', '11');
      expect(buckets.cap.status).toBe(0);
      expect(named(buckets.msgs, 'RTM_GETNEXTHOPBUCKET', 'sent')[0]!.msg.attrs).toEqual({ id: 11 });
      const got = named(buckets.msgs, 'RTM_NEWNEXTHOPBUCKET', 'received').map((m) => m.msg.attrs);
      expect(got).toHaveLength(8);
      expect(got.map((b) => b.resBucket!.index).sort()).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
      expect(got.every((b) => b.id === 11 && [1, 2].includes(b.resBucket!.nhId!))).toBe(true);
      expectReencodes(buckets.msgs);
    }));
});
