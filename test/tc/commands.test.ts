/**
 * `IPRoute.tc`'s other commands against the kernel, each in a throwaway
 * namespace and checked with `tc -j`: change and replace, deletes,
 * clsact's hooks, mq's classes, standalone actions, and the kernel's
 * refusals labelled with the command (with its extended-ack text).
 */
import { describe, expect, it } from 'vitest';
import { NetlinkError } from '@nlkit/core';
import { SpecError, actionIndex, filterPrio, handleOf, htbClassParams, parentOf, type IPRoute } from '@nlkit/client';
import { formatSize } from '@nlkit/tc';
import { compareClass, compareFilter, compareQdisc } from './compare.js';
import { isRoot, tcClasses, tcj, withNs } from './live-util.js';

/** A veth pair v0/v1 (and ifb0), up. */
async function pair(ipr: IPRoute): Promise<void> {
  await ipr.link('add', { ifname: 'v0', kind: 'veth', peer: 'v1' });
  await ipr.link('add', { ifname: 'ifb0', kind: 'ifb' });
  for (const dev of ['v0', 'v1', 'ifb0']) await ipr.link('set', { index: dev, state: 'up' });
}

const names = async (ipr: IPRoute): Promise<Map<number, string>> => new Map((await ipr.getLinks()).map((l) => [l.header.index, l.attrs.ifname!]));

describe.skipIf(!isRoot)('IPRoute.tc commands', () => {
  it('changes and replaces qdiscs and classes, and deletes them', () =>
    withNs(async (ipr, ns) => {
      await pair(ipr);
      await ipr.tc('add', 'htb', { index: 'v0', handle: '1:', default: 0x10 });
      await ipr.tc('add-class', 'htb', { index: 'v0', parent: '1:', classid: '1:10', rate: '10mbit' });
      await ipr.tc('change-class', 'htb', { index: 'v0', parent: '1:', classid: '1:10', rate: '15mbit', ceil: '40mbit', prio: 4 });
      await ipr.tc('replace-class', 'htb', { index: 'v0', parent: '1:', classid: '1:20', rate: '5mbit' });
      let [c10] = await ipr.getClasses({ index: 'v0', classid: '1:10' });
      expect(htbClassParams(c10!)).toMatchObject({ rate: 1_875_000n, ceil: 5_000_000n, prio: 4 });
      for (const t of tcClasses(ns, 'v0')) compareClass((await ipr.getClasses({ index: 'v0', classid: t.handle }))[0]!, t);

      // htb has no change operation; the kernel says so.
      await expect(ipr.tc('change', 'htb', { index: 'v0', handle: '1:', default: 0x20 })).rejects.toThrow(
        /^tc change htb 1:: EINVAL \(Invalid argument\): Change operation not supported by specified qdisc/,
      );

      await ipr.tc('del-class', 'htb', { index: 'v0', classid: '1:10' });
      expect((await ipr.getClasses({ index: 'v0' })).map(handleOf)).toEqual(['1:20']);
      [c10] = await ipr.getClasses({ index: 'v0', classid: '1:10' });
      expect(c10).toBeUndefined();

      // replace swaps the root qdisc for a tbf in one step.
      await ipr.tc('replace', 'tbf', { index: 'v0', handle: '2:', parent: 'root', rate: '2mbit', burst: '10kb', limit: '20kb' });
      let [root] = tcj(ns, ['qdisc', 'show', 'dev', 'v0'], true) as Record<string, any>[];
      expect(root).toMatchObject({ kind: 'tbf', handle: '2:', options: { rate: 250000, limit: 20480 } });
      compareQdisc((await ipr.getQdiscs({ index: 'v0', parent: 'root' }))[0]!, root!);
      await ipr.tc('change', 'tbf', { index: 'v0', handle: '2:', rate: '3mbit', burst: '12kb', latency: '20ms' });
      [root] = tcj(ns, ['qdisc', 'show', 'dev', 'v0'], true) as Record<string, any>[];
      expect(root).toMatchObject({ kind: 'tbf', handle: '2:', options: { rate: 375000, burst: '12Kb/1' } });
      compareQdisc((await ipr.getQdiscs({ index: 'v0', parent: 'root' }))[0]!, root!);
      await ipr.tc('del', 'tbf', { index: 'v0', parent: 'root' });
      expect((await ipr.getQdiscs({ index: 'v0' })).map((q) => q.attrs.kind)).not.toContain('tbf');
    }));

  it('adds and deletes filters one by one, by priority, and all at once', () =>
    withNs(async (ipr, ns) => {
      await pair(ipr);
      await ipr.tc('add', 'htb', { index: 'v0', handle: '1:' });
      await ipr.tc('add-class', 'htb', { index: 'v0', parent: '1:', classid: '1:10', rate: '1mbit' });
      await ipr.tc('add-class', 'htb', { index: 'v0', parent: '1:', classid: '1:20', rate: '1mbit' });
      for (const prio of [1, 2]) {
        await ipr.tc('add-filter', 'u32', { index: 'v0', parent: '1:', prio, protocol: 'ip', match: `ip src 10.0.${prio}.0/24`, flowid: '1:10' });
      }
      await ipr.tc('add-filter', 'u32', { index: 'v0', parent: '1:', prio: 1, protocol: 'ip', handle: '800::801', match: 'ip tos 0x10 0xff', flowid: '1:10' });
      // u32 keeps a node's selector on replace (u32_init_knode copies it); the flowid changes.
      await ipr.tc('replace-filter', 'u32', { index: 'v0', parent: '1:', prio: 1, protocol: 'ip', handle: '800::801', match: 'ip tos 0x10 0xff', flowid: '1:20' });
      const theirs = tcj(ns, ['filter', 'show', 'dev', 'v0']) as Record<string, any>[];
      const replaced = theirs.find((f) => f.options?.fh === '800::801')!;
      const ours = await ipr.getFilters({ index: 'v0', parent: '1:', handle: '800::801' });
      expect(ours).toHaveLength(1);
      compareFilter(ours[0]!, replaced, await names(ipr));
      expect(replaced.options).toMatchObject({ flowid: '1:20', match: { value: '100000', mask: 'ff0000' } });

      await ipr.tc('del-filter', 'u32', { index: 'v0', parent: '1:', prio: 1, protocol: 'ip', handle: '800::801' });
      expect((await ipr.getFilters({ index: 'v0', handle: '800::801' }))).toEqual([]);
      await ipr.tc('del-filter', 'u32', { index: 'v0', parent: '1:', prio: 2, protocol: 'ip' });
      expect([...new Set((await ipr.getFilters({ index: 'v0' })).map(filterPrio))]).toEqual([1]);
      await ipr.tc('del-filter', '', { index: 'v0', parent: '1:' });
      expect(await ipr.getFilters({ index: 'v0' })).toEqual([]);
      expect(tcj(ns, ['filter', 'show', 'dev', 'v0'])).toEqual([]);
    }));

  it('attaches filters to clsact\'s hooks and to an htb class, and finds them without a parent', () =>
    withNs(async (ipr, ns) => {
      await pair(ipr);
      await ipr.tc('add', 'clsact', { index: 'v1' });
      await ipr.tc('add-filter', 'bpf', { index: 'v1', parent: 'ingress', prio: 1, bytecode: '1,6 0 0 0' });
      await ipr.tc('add-filter', 'u32', {
        index: 'v1', parent: 'egress', prio: 2, protocol: 'all', match: 'u32 0 0', actions: [{ kind: 'mirred', action: 'ingress mirror', ifindex: 'ifb0' }],
      });
      const dev = await names(ipr);
      for (const hook of ['ingress', 'egress']) {
        const theirs = tcj(ns, ['filter', 'show', 'dev', 'v1', hook]) as Record<string, any>[];
        const ours = await ipr.getFilters({ index: 'v1', parent: hook });
        expect(ours).toHaveLength(theirs.length);
        theirs.forEach((t, i) => compareFilter(ours[i]!, t, dev, parentOf(ours[i]!) === 'ffff:fff2' ? 'ffff:fff2' : 'ffff:fff3'));
      }
      const [clsact] = tcj(ns, ['qdisc', 'show', 'dev', 'v1']).filter((q: Record<string, any>) => q.kind === 'clsact');
      compareQdisc((await ipr.getQdiscs({ index: 'v1', kind: 'clsact' }))[0]!, clsact);
      expect((await ipr.getFilters({ index: 'v1' })).map(parentOf)).toEqual(['ffff:fff2', 'ffff:fff2', 'ffff:fff3', 'ffff:fff3', 'ffff:fff3']);

      await ipr.tc('add', 'htb', { index: 'v0', handle: '1:' });
      await ipr.tc('add-class', 'htb', { index: 'v0', parent: '1:', classid: '1:1', rate: '10mbit' });
      await ipr.tc('add-class', 'htb', { index: 'v0', parent: '1:1', classid: '1:10', rate: '5mbit' });
      await ipr.tc('add-filter', 'u32', { index: 'v0', parent: '1:1', prio: 1, protocol: 'ip', match: 'ip dst 10.1.0.0/16', flowid: '1:10' });
      const onClass = await ipr.getFilters({ index: 'v0' });
      expect(onClass.map(parentOf)).toEqual(['1:1', '1:1', '1:1']);
      const theirs = tcj(ns, ['filter', 'show', 'dev', 'v0', 'parent', '1:1']) as Record<string, any>[];
      theirs.forEach((t, i) => compareFilter(onClass[i]!, t, dev, '1:1'));
    }));

  it('lists mq\'s classes and the default qdiscs under them', () =>
    withNs(async (ipr, ns) => {
      await ipr.link('add', { ifname: 'm0', kind: 'veth', peer: 'm1', numTxQueues: 2 });
      await ipr.link('set', { index: 'm0', state: 'up' });
      await ipr.tc('add', 'mq', { index: 'm0', handle: '1:' });
      const theirs = tcj(ns, ['qdisc', 'show', 'dev', 'm0']) as Record<string, any>[];
      const ours = await ipr.getQdiscs({ index: 'm0' });
      expect(ours.map((q) => `${q.attrs.kind} ${parentOf(q)}`).sort()).toEqual(['mq root', 'pfifo_fast 1:1', 'pfifo_fast 1:2']);
      for (const t of theirs) compareQdisc(ours.find((q) => parentOf(q) === (t.root ? 'root' : t.parent))!, t);
      const classes = await ipr.getClasses({ index: 'm0' });
      expect(classes.map((c) => `${c.attrs.kind} ${handleOf(c)} ${parentOf(c)}`)).toEqual(['mq 1:1 root', 'mq 1:2 root']);
      for (const t of tcClasses(ns, 'm0')) compareClass(classes.find((c) => handleOf(c) === t.handle)!, t);
    }));

  it('adds, replaces and deletes standalone actions', () =>
    withNs(async (ipr, ns) => {
      await pair(ipr);
      await ipr.tc('add-action', 'mirred', { action: 'egress mirror', ifindex: 'ifb0', index: 7 });
      await ipr.tc('replace-action', 'mirred', { action: 'egress redirect', ifindex: 'v1', index: 7, control: 'drop' });
      const [a] = await ipr.getActions('mirred');
      expect(actionIndex(a!)).toBe(7);
      const theirs = (tcj(ns, ['actions', 'ls', 'action', 'mirred']) as Record<string, any>[]).find((x) => x.actions)!.actions[0];
      expect(theirs).toMatchObject({ index: 7, mirred_action: 'redirect', to_dev: 'v1', control_action: { type: 'drop' } });
      await ipr.tc('del-action', 'mirred', { index: 7 });
      expect(await ipr.getActions('mirred')).toEqual([]);
      expect(await ipr.getActions('nosuchkind')).toEqual([]);
    }));

  it('labels the kernel\'s refusals with the command, with its extended ack', () =>
    withNs(async (ipr) => {
      await pair(ipr);
      const fail = (p: Promise<unknown>): Promise<NetlinkError> => p.then(() => expect.unreachable('no error'), (e: unknown) => e as NetlinkError);

      const netem = await fail(ipr.tc('add', 'netem', { index: 'v0', handle: '5:', delay: '10ms' }));
      expect(netem).toBeInstanceOf(NetlinkError);
      expect(netem.code).toBe('ENOENT');
      expect(netem.extack.message).toBe('Specified qdisc kind is unknown');
      expect(netem.message).toMatch(/^tc add netem 5:: ENOENT \(No such file or directory\): Specified qdisc kind is unknown/);

      const orphan = await fail(ipr.tc('add-class', 'htb', { index: 'v0', parent: '7:', classid: '7:10', rate: '1mbit' }));
      expect(orphan.message).toMatch(/^tc add-class htb 7:10: ENOENT/);

      const noParent = await fail(ipr.tc('add-filter', 'u32', { index: 'v0', parent: '9:', prio: 1, protocol: 'ip', match: 'u32 0 0' }));
      expect(noParent.message).toMatch(/^tc add-filter u32 parent 9: prio 1: EINVAL .*: Parent Qdisc doesn't exists/);

      await ipr.tc('add', 'htb', { index: 'v0', handle: '1:' });
      const twice = await fail(ipr.tc('add', 'htb', { index: 'v0', handle: '1:' }));
      expect(twice.code).toBe('EEXIST');
      expect(twice.message).toMatch(/^tc add htb 1:: EEXIST/);

      const gone = await fail(ipr.tc('add', 'htb', { index: 'nope0', handle: '1:' }));
      expect(gone.code).toBe('ENODEV');
      await expect(ipr.tc('add', 'tbf', { index: 'v0', rate: '1mbit', burst: 0, latency: '1ms' })).rejects.toThrow(SpecError);
      expect(formatSize(1024)).toBe('1Kb');
    }));
});
