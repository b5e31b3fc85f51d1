/**
 * The issue's configuration, built with `IPRoute.tc` in a throwaway
 * namespace and held up against `tc -j -s -d` field by field:
 *
 * - v0: an htb hierarchy (root class 1:1, leaves 1:10, 1:20, 1:30 with
 *   pfifo_head_drop, pfifo and bfifo leaf qdiscs), u32 filters with several
 *   match keys and a classic-BPF filter steering UDP into the leaves;
 * - v1 (v0's veth peer): a tbf root, an ingress qdisc and a u32 filter
 *   redirecting everything to ifb0 with mirred;
 * - a standalone mirred action.
 *
 * UDP sent across the pair (static neighbours, IPv6 off: nothing else moves)
 * makes the counters non-zero, and they are compared too.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { actionIndex, filterOptionsOf, filterPrio, handleOf, parentOf, type IPRoute, type TcFilter } from '@nlkit/client';
import { compareAction, compareClass, compareFilter, compareQdisc } from './compare.js';
import { isRoot, openNs, quietIpv6, sendUdp, tcClasses, tcj, type LiveNs } from './live-util.js';

/** The same filter in both lists: parent, pref, and handle (tc's `fh`, or `handle`, or none for a priority band). */
function key(parent: string, pref: number, handle: string): string {
  return `${parent}|${pref}|${handle}`;
}
const theirFilterKey = (f: Record<string, any>): string => key(f.parent, f.pref, f.options?.fh ?? f.options?.handle ?? '');
const ourFilterKey = (f: TcFilter): string => key(parentOf(f), filterPrio(f), handleOf(f));

describe.skipIf(!isRoot)('tc: an htb hierarchy, tbf and ingress redirect, against tc -j -s -d', () => {
  let live: LiveNs;
  let ipr: IPRoute;
  let ns: string;
  const names = new Map<number, string>();

  beforeAll(async () => {
    live = await openNs();
    ({ ipr, ns } = live);
    quietIpv6(ns);
    await ipr.link('add', { ifname: 'v0', kind: 'veth', peer: 'v1' });
    await ipr.link('add', { ifname: 'ifb0', kind: 'ifb' });
    for (const dev of ['lo', 'v0', 'v1', 'ifb0']) await ipr.link('set', { index: dev, state: 'up' });
    for (const l of await ipr.getLinks()) names.set(l.header.index, l.attrs.ifname!);
    const mac = async (dev: string): Promise<string> => (await ipr.link('get', { ifname: dev })).attrs.address as string;
    await ipr.addr('add', { index: 'v0', address: '10.9.0.1/24' });
    await ipr.addr('add', { index: 'v1', address: '10.9.1.2/24' });
    for (const dst of ['10.9.0.2', '10.9.0.3']) await ipr.neigh('add', { dst, lladdr: await mac('v1'), index: 'v0', state: 'permanent' });
    await ipr.neigh('add', { dst: '10.9.1.1', lladdr: await mac('v0'), index: 'v1', state: 'permanent' });

    // v0: htb.
    await ipr.tc('add', 'htb', { index: 'v0', handle: '1:', default: 0x30 });
    await ipr.tc('add-class', 'htb', { index: 'v0', parent: '1:', classid: '1:1', rate: '100mbit', ceil: '100mbit' });
    await ipr.tc('add-class', 'htb', { index: 'v0', parent: '1:1', classid: '1:10', rate: '30mbit', ceil: '100mbit', prio: 1 });
    await ipr.tc('add-class', 'htb', { index: 'v0', parent: '1:1', classid: '1:20', rate: '20mbit', ceil: '50mbit', burst: '15k', cburst: '20k', prio: 2, quantum: 3000 });
    await ipr.tc('add-class', 'htb', { index: 'v0', parent: '1:1', classid: '1:30', rate: '10mbit', ceil: '20mbit', prio: 3 });
    await ipr.tc('add', 'pfifo_head_drop', { index: 'v0', parent: '1:10', handle: '10:', limit: 20 });
    await ipr.tc('add', 'pfifo', { index: 'v0', parent: '1:20', handle: '20:', limit: 50 });
    await ipr.tc('add', 'bfifo', { index: 'v0', parent: '1:30', handle: '30:', limit: '64kb' });
    await ipr.tc('add-filter', 'u32', {
      index: 'v0', parent: '1:', prio: 1, protocol: 'ip', match: ['ip dst 10.9.0.2/32', 'ip protocol 17 0xff', 'ip dport 9 0xffff'], flowid: '1:10',
    });
    await ipr.tc('add-filter', 'u32', { index: 'v0', parent: '1:', prio: 2, protocol: 'ip', match: 'ip dst 10.9.0.3/32', flowid: '1:20' });
    await ipr.tc('add-filter', 'bpf', { index: 'v0', parent: '1:', prio: 3, protocol: 'ip', bytecode: '1,6 0 0 4294967295', classid: '1:30' });

    // v1: tbf, and ingress redirected to ifb0.
    await ipr.tc('add', 'tbf', { index: 'v1', handle: '2:', rate: '1mbit', burst: '32kb', latency: '50ms' });
    await ipr.tc('add', 'ingress', { index: 'v1' });
    await ipr.tc('add-filter', 'u32', {
      index: 'v1', parent: 'ffff:', protocol: 'ip', match: 'u32 0 0', actions: [{ kind: 'mirred', action: 'egress redirect', ifindex: 'ifb0' }],
    });
    await ipr.tc('add-action', 'mirred', { action: 'egress mirror', ifindex: 'ifb0', index: 20 });

    sendUdp(ns, '10.9.0.2', 9, 5); // 1:10
    sendUdp(ns, '10.9.0.3', 7, 3); // 1:20
    sendUdp(ns, '10.9.0.2', 1234, 2); // bpf → 1:30
    sendUdp(ns, '10.9.1.1', 9, 4); // out of v1, through tbf
  });

  afterAll(async () => {
    await live?.close();
  });

  it('dumps the qdiscs tc shows, field by field', async () => {
    for (const dev of ['v0', 'v1', 'ifb0']) {
      const theirs = tcj(ns, ['qdisc', 'show', 'dev', dev], true) as Record<string, any>[];
      const ours = await ipr.getQdiscs({ index: dev });
      expect(ours.map((q) => `${q.attrs.kind} ${handleOf(q)} ${parentOf(q)}`).sort()).toEqual(theirs.map((q) => `${q.kind} ${q.handle} ${q.root ? 'root' : q.parent}`).sort());
      for (const t of theirs) {
        const o = ours.find((q) => handleOf(q) === t.handle && parentOf(q) === (t.root ? 'root' : t.parent))!;
        const fields = compareQdisc(o, t);
        expect(fields.length).toBeGreaterThanOrEqual(10);
      }
    }
    const kinds = (await ipr.getQdiscs()).map((q) => q.attrs.kind);
    expect(kinds).toEqual(expect.arrayContaining(['htb', 'pfifo', 'bfifo', 'pfifo_head_drop', 'tbf', 'ingress']));
  });

  it('counts the traffic in the qdiscs', async () => {
    const [htb] = await ipr.getQdiscs({ index: 'v0', kind: 'htb' });
    const [tbf] = await ipr.getQdiscs({ index: 'v1', handle: '2:' });
    const [ingress] = await ipr.getQdiscs({ index: 'v1', parent: 'ingress' });
    expect(htb!.attrs.stats2?.basic?.packets).toBe(10);
    expect(tbf!.attrs.stats2?.basic?.packets).toBe(4);
    expect(ingress!.attrs.stats2?.basic?.packets).toBe(10);
    expect(Number(htb!.attrs.stats2!.basic!.bytes)).toBe(10 * (14 + 20 + 8 + 64));
  });

  it('dumps the classes tc shows, field by field, with their counters', async () => {
    for (const dev of ['v0', 'v1']) {
      const theirs = tcClasses(ns, dev);
      const ours = await ipr.getClasses({ index: dev });
      expect(ours.map(handleOf).sort()).toEqual(theirs.map((c) => c.handle).sort());
      for (const t of theirs) compareClass(ours.find((c) => handleOf(c) === t.handle)!, t);
    }
    const htb = await ipr.getClasses({ index: 'v0', kind: 'htb' });
    const packets = Object.fromEntries(htb.map((c) => [handleOf(c), c.attrs.stats2?.basic?.packets]));
    expect(packets).toEqual({ '1:1': 10, '1:10': 5, '1:20': 3, '1:30': 2 });
    expect(compareClass(htb.find((c) => handleOf(c) === '1:20')!, tcClasses(ns, 'v0').find((c) => c.handle === '1:20')!)).toEqual(expect.arrayContaining([
      'prio', 'quantum', 'rate', 'ceil', 'burst', 'cburst', 'mpu', 'level', 'buffer', 'cbuffer', 'tokens', 'ctokens', 'bytes', 'packets', 'drops',
    ]));
    const [one] = await ipr.getClasses({ index: 'v0', classid: '1:10' });
    expect(parentOf(one!)).toBe('1:1');
    expect((await ipr.getClasses({ index: 'v0', parent: '1:1' })).map(handleOf).sort()).toEqual(['1:10', '1:20', '1:30']);
  });

  it('dumps the htb filters tc shows, u32 keys and bpf bytecode included', async () => {
    const theirs = tcj(ns, ['filter', 'show', 'dev', 'v0']) as Record<string, any>[];
    const ours = await ipr.getFilters({ index: 'v0', parent: '1:' });
    expect(ours.map(ourFilterKey)).toEqual(theirs.map(theirFilterKey));
    const seen = new Set<string>();
    for (const t of theirs) for (const f of compareFilter(ours.find((o) => ourFilterKey(o) === theirFilterKey(t))!, t, names)) seen.add(f);
    expect([...seen]).toEqual(expect.arrayContaining(['fh', 'ht_divisor', 'order', 'key_ht', 'bkt', 'flowid', 'match[2].value', 'match[2].off', 'bytecode.insns']));
    // Without a parent: every qdisc and htb class of the device, here the same filters.
    expect((await ipr.getFilters({ index: 'v0' })).map(ourFilterKey)).toEqual(ours.map(ourFilterKey));
    const node = (await ipr.getFilters({ index: 'v0', parent: '1:', prio: 1, handle: '800::800' }))[0]!;
    expect(filterOptionsOf(node, 'u32')?.sel?.keys).toHaveLength(3);
  });

  it('dumps the ingress filter and its mirred action as tc shows them, counting the redirected packets', async () => {
    const theirs = tcj(ns, ['filter', 'show', 'dev', 'v1', 'ingress']) as Record<string, any>[];
    const ours = await ipr.getFilters({ index: 'v1', parent: 'ffff:' });
    expect(ours.map(ourFilterKey)).toEqual(theirs.map(theirFilterKey));
    const fields = new Set<string>();
    for (const t of theirs) for (const f of compareFilter(ours.find((o) => ourFilterKey(o) === theirFilterKey(t))!, t, names)) fields.add(f);
    expect([...fields]).toEqual(expect.arrayContaining(['actions[0].mirred_action', 'actions[0].direction', 'actions[0].to_dev', 'actions[0].stats.packets']));
    const act = filterOptionsOf(ours.find((f) => filterOptionsOf(f, 'u32')?.act)!, 'u32')!.act![0]!;
    expect(act.stats?.basic?.packets).toBe(10);
    expect((await ipr.getFilters({ index: 'v1' })).map(ourFilterKey)).toEqual(ours.map(ourFilterKey));
  });

  it('lists the mirred actions as tc actions ls does', async () => {
    const theirs = (tcj(ns, ['actions', 'ls', 'action', 'mirred']) as Record<string, any>[]).find((x) => x.actions)!.actions as Record<string, any>[];
    const ours = await ipr.getActions('mirred');
    expect(ours.map(actionIndex).sort()).toEqual(theirs.map((a) => a.index).sort());
    for (const t of theirs) compareAction(ours.find((a) => actionIndex(a) === t.index)!, t, t.order, names);
    expect(ours.find((a) => actionIndex(a) === 20)?.options).toMatchObject({ parms: { bindcnt: 0, eaction: 'egressMirror' } });
    expect((await ipr.getActions()).filter((a) => a.kind === 'mirred')).toHaveLength(2);
  });

  it('answers queries with nothing when nothing matches', async () => {
    expect(await ipr.getQdiscs({ index: 'v0', kind: 'tbf' })).toEqual([]);
    expect(await ipr.getClasses({ index: 'ifb0' })).toEqual([]);
    expect(await ipr.getFilters({ index: 'v0', parent: '1:', prio: 7 })).toEqual([]);
    expect(await ipr.getFilters({ index: 'v0', kind: 'flower' })).toEqual([]);
  });
});
