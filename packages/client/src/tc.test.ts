/**
 * IPRoute's traffic control without a kernel: a fake transport answers, so
 * the requests, name lookups, error labels, spec checks and the dumps a
 * query turns into are seen on the wire.
 */
import { describe, expect, it } from 'vitest';
import { NLM_F, NetlinkError, type AnyInput } from '@nlkit/core';
import { FakeTransport } from '@nlkit/testing';
import { IPRoute, SpecError, actionOptionsOf, filterOptionsOf, handleOf, netlinkRoute, parentOf, type NetlinkRoute } from './index.js';

type Reply = AnyInput<NetlinkRoute>;

/** A fake that knows lo (1), eth0 (7) and ifb0 (9). */
function fake(): FakeTransport<NetlinkRoute> {
  const t = new FakeTransport(netlinkRoute);
  const byName: Record<string, number> = { lo: 1, eth0: 7, ifb0: 9 };
  t.on('RTM_GETLINK', (req) => {
    if (req.flags & NLM_F.DUMP) return Object.entries(byName).map(([ifname, index]) => ({ name: 'RTM_NEWLINK', header: { index }, attrs: { ifname } }) as Reply);
    const index = req.attrs.ifname === undefined ? undefined : byName[req.attrs.ifname];
    if (index === undefined) return { error: 'ENODEV', message: 'no such device' };
    return { name: 'RTM_NEWLINK', header: { index }, attrs: { ifname: req.attrs.ifname } };
  });
  return t;
}

const qdisc = (ifindex: number, handle: number, parent: number, kind: string, options?: unknown): Reply =>
  ({ name: 'RTM_NEWQDISC', header: { ifindex, handle, parent, info: 1 }, attrs: { kind, ...(options ? { options } : {}) } }) as Reply;

describe('IPRoute.tc (fake transport)', () => {
  it('adds a qdisc, a class and a filter with tc\'s computed options, devices by name', async () => {
    const t = fake();
    t.on('RTM_NEWQDISC');
    t.on('RTM_NEWTCLASS');
    t.on('RTM_NEWTFILTER');
    const ipr = new IPRoute(t);
    await ipr.tc('add', 'htb', { index: 'eth0', handle: '1:', default: 0x30 });
    await ipr.tc('add-class', 'htb', { index: 'eth0', parent: '1:', classid: '1:10', rate: '10mbit', ceil: '20mbit', prio: 1 });
    await ipr.tc('add-filter', 'u32', {
      index: 'eth0', parent: '1:', prio: 1, protocol: 'ip', match: 'ip dst 10.0.0.2/32', flowid: '1:10',
      actions: [{ kind: 'mirred', action: 'egress mirror', ifindex: 'ifb0' }],
    });
    const q = t.expectRequest('RTM_NEWQDISC', { flags: NLM_F.CREATE | NLM_F.EXCL, header: { ifindex: 7, handle: 0x10000, parent: 0xffffffff } });
    expect(q.message.attrs).toEqual({ kind: 'htb', options: { init: { version: 3, rate2quantum: 10, defcls: 0x30, debug: 0, directPkts: 0 } } });
    const c = t.expectRequest('RTM_NEWTCLASS', { header: { ifindex: 7, handle: 0x10010, parent: 0x10000 } });
    const htb = c.message.attrs.options as { parms: { rate: { rate: number }; prio: number }; rtab: number[] };
    expect([htb.parms.rate.rate, htb.parms.prio, htb.rtab.length]).toEqual([1_250_000, 1, 256]);
    const f = t.expectRequest('RTM_NEWTFILTER', { header: { ifindex: 7, parent: 0x10000, info: 0x00010008 } });
    const u32 = filterOptionsOf(f.message, 'u32')!;
    expect(u32.classid).toBe(0x10010);
    expect(actionOptionsOf(u32.act![0]!, 'mirred')?.parms).toMatchObject({ eaction: 'egressMirror', ifindex: 9, action: 'pipe' });
    await ipr.close();
  });

  it('maps every command to its message and flags', async () => {
    const t = fake();
    for (const n of ['RTM_NEWQDISC', 'RTM_DELQDISC', 'RTM_NEWTCLASS', 'RTM_DELTCLASS', 'RTM_NEWTFILTER', 'RTM_DELTFILTER', 'RTM_NEWACTION', 'RTM_DELACTION'] as const) t.on(n);
    const ipr = new IPRoute(t);
    await ipr.tc('replace', 'pfifo', { index: 7, parent: '1:10', handle: '10:', limit: 50 });
    await ipr.tc('change', 'tbf', { index: 7, handle: '2:', rate: '1mbit', burst: '32kb', limit: 10000 });
    await ipr.tc('del', 'ingress', { index: 'eth0' });
    await ipr.tc('replace-class', 'htb', { index: 7, parent: '1:', classid: '1:20', rate: '1mbit' });
    await ipr.tc('change-class', 'htb', { index: 7, parent: '1:', classid: '1:20', rate: '2mbit' });
    await ipr.tc('del-class', 'htb', { index: 7, classid: '1:20' });
    await ipr.tc('replace-filter', 'bpf', { index: 7, parent: '1:', prio: 5, handle: 1, fd: 3, classid: '1:10' });
    await ipr.tc('del-filter', 'u32', { index: 7, parent: '1:', prio: 1, protocol: 'ip', handle: '800::800' });
    await ipr.tc('add-action', 'mirred', { action: 'egress redirect', ifindex: 'ifb0', index: 4 });
    await ipr.tc('del-action', 'mirred', { index: 4 });
    const sent = t.requests.map((r) => [r.message.name, r.message.flags & ~NLM_F.REQUEST & ~NLM_F.ACK]);
    expect(sent.filter(([n]) => n !== 'RTM_GETLINK')).toEqual([
      ['RTM_NEWQDISC', NLM_F.CREATE | NLM_F.REPLACE],
      ['RTM_NEWQDISC', 0],
      ['RTM_DELQDISC', 0],
      ['RTM_NEWTCLASS', NLM_F.CREATE | NLM_F.REPLACE],
      ['RTM_NEWTCLASS', 0],
      ['RTM_DELTCLASS', 0],
      ['RTM_NEWTFILTER', NLM_F.CREATE | NLM_F.REPLACE],
      ['RTM_DELTFILTER', 0],
      ['RTM_NEWACTION', NLM_F.CREATE | NLM_F.EXCL],
      ['RTM_DELACTION', 0],
    ]);
    expect(t.expectRequest('RTM_DELQDISC').message.header).toMatchObject({ ifindex: 7, handle: 0xffff0000, parent: 0xfffffff1 });
    expect(t.expectRequest('RTM_DELTFILTER').message).toMatchObject({ header: { handle: 0x80000800, info: 0x00010008 }, attrs: { kind: 'u32' } });
    expect(t.expectRequest('RTM_NEWACTION').message.attrs.tab![0]).toMatchObject({ kind: 'mirred', options: { parms: { index: 4, ifindex: 9 } } });
    expect(t.expectRequest('RTM_DELACTION').message.attrs.tab).toEqual([{ kind: 'mirred', index: 4 }]);
    await ipr.close();
  });

  it('labels the kernel\'s refusals with the command, kind and object', async () => {
    const t = fake();
    t.on('RTM_NEWTCLASS', { error: 'ENOENT' });
    t.on('RTM_NEWQDISC', { error: 'ENOENT', message: 'Specified qdisc kind is unknown' });
    t.on('RTM_NEWTFILTER', { error: 'EINVAL', message: "Parent Qdisc doesn't exists" });
    const ipr = new IPRoute(t);
    const err = await ipr.tc('add-class', 'htb', { index: 'eth0', parent: '7:', classid: '7:10', rate: '1mbit' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NetlinkError);
    expect((err as NetlinkError).message).toMatch(/^tc add-class htb 7:10: ENOENT \(No such file or directory\)/);
    await expect(ipr.tc('add', 'netem', { index: 7, handle: '5:', delay: '10ms' })).rejects.toThrow(/^tc add netem 5:: ENOENT .*: Specified qdisc kind is unknown/);
    await expect(ipr.tc('add-filter', 'u32', { index: 7, parent: '9:', prio: 2, match: 'u32 0 0' })).rejects.toThrow(/^tc add-filter u32 parent 9: prio 2: EINVAL/);
    await expect(ipr.tc('add-filter', 'u32', { index: 7, parent: '9:', prio: 2, handle: '800::801', match: 'u32 0 0' })).rejects.toThrow(/^tc add-filter u32 parent 9: prio 2 handle 800::801: EINVAL/);
    await ipr.close();
  });

  it('refuses bad specs and unknown devices before sending them', async () => {
    const t = fake();
    const ipr = new IPRoute(t);
    await expect(ipr.tc('add', 'tbf', { index: 7, rate: '1mbit', burst: '1k' })).rejects.toThrow(SpecError);
    await expect(ipr.tc('add', 'tbf', { index: 7, rate: '1mbit', burst: '1k' })).rejects.toThrow(/latency/);
    await expect(ipr.tc('add-class', 'htb', { index: 7, classid: 'x:y', rate: '1mbit' })).rejects.toThrow(SpecError);
    await expect(ipr.tc('nope' as 'add', 'htb', { index: 7 })).rejects.toThrow(/unknown command "nope"/);
    await expect(ipr.tc('del', 'htb', { index: 7, handel: '1:' } as never)).rejects.toThrow(/unknown field "handel"/);
    await expect(ipr.tc('add', 'raw-kind', { index: 7, options: { nonsense: 1 } })).rejects.toThrow();
    const missing = await ipr.tc('add', 'htb', { index: 'nope0', handle: '1:' }).catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(NetlinkError);
    expect((missing as NetlinkError).message).toBe('tc add htb 1:: ENODEV (No such device): no device named "nope0" (index)');
    expect(t.requests.map((r) => r.message.name)).toEqual(['RTM_GETLINK']);
    await ipr.close();
  });

  it('dumps qdiscs of every device and filters them here', async () => {
    const t = fake();
    t.on('RTM_GETQDISC', [qdisc(1, 0, 0xffffffff, 'noqueue'), qdisc(7, 0x10000, 0xffffffff, 'htb'), qdisc(7, 0xffff0000, 0xfffffff1, 'ingress')]);
    const ipr = new IPRoute(t);
    expect((await ipr.getQdiscs()).map(handleOf)).toEqual(['0:', '1:', 'ffff:']);
    expect((await ipr.getQdiscs({ index: 'eth0', parent: 'root' })).map((q) => q.attrs.kind)).toEqual(['htb']);
    expect((await ipr.getQdiscs({ handle: 'ffff:' })).map(parentOf)).toEqual(['ffff:fff1']);
    expect((await ipr.getQdiscs({ kind: 'ingress', invisible: true })).length).toBe(1);
    expect(t.expectRequest('RTM_GETQDISC', { attrs: { dumpInvisible: true } }).message.flags & NLM_F.DUMP).toBe(NLM_F.DUMP);
    expect(await ipr.getQdiscs((q) => q.header.ifindex === 1)).toHaveLength(1);
    await expect(ipr.getQdiscs({ idx: 1 } as never)).rejects.toThrow(SpecError);
    await ipr.close();
  });

  it('dumps classes per device and asks the kernel for one qdisc\'s', async () => {
    const t = fake();
    t.on({ name: 'RTM_GETTCLASS', header: { ifindex: 7 } }, [
      { name: 'RTM_NEWTCLASS', header: { ifindex: 7, handle: 0x10001, parent: 0xffffffff }, attrs: { kind: 'htb' } },
      { name: 'RTM_NEWTCLASS', header: { ifindex: 7, handle: 0x10010, parent: 0x10001 }, attrs: { kind: 'htb' } },
    ]);
    t.on('RTM_GETTCLASS', []);
    const ipr = new IPRoute(t);
    expect((await ipr.getClasses()).map(handleOf)).toEqual(['1:1', '1:10']);
    expect(t.requests.filter((r) => r.message.name === 'RTM_GETTCLASS').map((r) => (r.message.header as { ifindex: number }).ifindex)).toEqual([1, 7, 9]);
    expect((await ipr.getClasses({ index: 'eth0', classid: '1:10' })).map(parentOf)).toEqual(['1:1']);
    expect(t.expectRequest('RTM_GETTCLASS', { header: { ifindex: 7, parent: 0x10000 } })).toBeTruthy();
    expect((await ipr.getClasses({ index: 7, parent: 'root' })).map(handleOf)).toEqual(['1:1']);
    await ipr.close();
  });

  it('dumps the filters of each qdisc, clsact hook and htb class of a device', async () => {
    const t = fake();
    t.on('RTM_GETQDISC', [qdisc(7, 0, 0xffffffff, 'noqueue'), qdisc(7, 0x10000, 0xffffffff, 'htb'), qdisc(7, 0xffff0000, 0xfffffff1, 'clsact')]);
    t.on('RTM_GETTCLASS', [{ name: 'RTM_NEWTCLASS', header: { ifindex: 7, handle: 0x10010, parent: 0xffffffff }, attrs: { kind: 'htb' } }]);
    const u32 = (parent: number, handle: number): Reply => ({ name: 'RTM_NEWTFILTER', header: { ifindex: 7, handle, parent, info: 0x00010008 }, attrs: { kind: 'u32', chain: 0 } });
    t.on({ name: 'RTM_GETTFILTER', header: { parent: 0x10000 } }, [u32(0x10000, 0), u32(0x10000, 0x80000800)]);
    t.on({ name: 'RTM_GETTFILTER', header: { parent: 0xfffffff2 } }, [u32(0xfffffff2, 0x80000800)]);
    t.on('RTM_GETTFILTER', []);
    const ipr = new IPRoute(t);
    expect((await ipr.getFilters({ index: 'eth0' })).map((f) => `${parentOf(f)} ${handleOf(f)}`)).toEqual(['1: ', '1: 800::800', 'ffff:fff2 800::800']);
    const parents = t.requests.filter((r) => r.message.name === 'RTM_GETTFILTER').map((r) => (r.message.header as { parent: number }).parent);
    expect(parents).toEqual([0x10000, 0xfffffff2, 0xfffffff3, 0x10010]);
    expect((await ipr.getFilters({ index: 7, parent: '1:', handle: '800::800' })).length).toBe(1);
    expect(t.expectRequest('RTM_GETTFILTER', { header: { ifindex: 7, parent: 0x10000, info: 0 } })).toBeTruthy();
    await ipr.getFilters({ index: 7, parent: 'ingress', prio: 1, protocol: 'ip', chain: 0 });
    expect(t.expectRequest('RTM_GETTFILTER', { header: { parent: 0xfffffff2, info: 0x00010008 }, attrs: { chain: 0 } })).toBeTruthy();
    await ipr.close();
  });

  it('dumps actions by kind and flattens their tables', async () => {
    const t = fake();
    const entry = (index: number) => ({ kind: 'mirred', index, options: { parms: { index, capab: 0, action: 'stolen', refcnt: 1, bindcnt: 1, eaction: 'egressRedir', ifindex: 9 } } });
    t.on({ name: 'RTM_GETACTION', attrs: { tab: [{ kind: 'mirred' }] } }, [
      { name: 'RTM_GETACTION', attrs: { tab: [entry(1), entry(2)], count: 2 } } as Reply,
    ]);
    t.on('RTM_GETACTION', []);
    const ipr = new IPRoute(t);
    const mirred = await ipr.getActions('mirred');
    expect(mirred.map((a) => actionOptionsOf(a, 'mirred')?.parms?.index)).toEqual([1, 2]);
    expect(t.expectRequest('RTM_GETACTION', { attrs: { flags: { value: 1, selector: 1 } } })).toBeTruthy();
    expect(await ipr.getActions()).toHaveLength(2);
    expect(t.requests.filter((r) => r.message.name === 'RTM_GETACTION').length).toBeGreaterThan(10);
    await ipr.close();
  });
});
