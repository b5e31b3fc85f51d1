/**
 * Holds a large route table the cheap way: 50,000 routes added to a
 * throwaway namespace with one compiled batch, then dumped three ways with
 * `NetlinkChannel`: decoded objects, `MessageView`s, and one `MessageList`
 * (`lazy: 'list'`: the datagrams plus an offset per route; a view is made
 * only when a route is asked for). Prints the count and the heap each one
 * holds on the JavaScript heap (all three keep the received datagrams, ~64
 * bytes per route, outside it).
 *
 * Needs root. Run with
 * `node --expose-gc --conditions=@nlkit/source --import tsx examples/large-dump.ts`.
 */
import { NLM_F, type MessageList } from '@nlkit/core';
import { Batch, applyBatch } from '@nlkit/batch';
import { openNetlink, withTempNetns } from '@nlkit/live';
import { rtnl } from '@nlkit/rtnl';
import { NetlinkChannel } from '@nlkit/transport';
import { execFileSync } from 'node:child_process';

const ROUTES = 50_000;
const gc = (globalThis as { gc?: () => void }).gc ?? (() => {});
/** JavaScript heap in use, in MiB, after a full GC (the received datagrams are ArrayBuffers outside it). */
const heap = (): number => {
  gc();
  return process.memoryUsage().heapUsed / 2 ** 20;
};
const held = (before: number): string => `+${Math.max(0, heap() - before).toFixed(1)} MiB of heap`;

await withTempNetns(async (netns) => {
  execFileSync('ip', ['-n', netns, '-batch', '-'], { input: 'link add v0 type veth peer name v1\nlink set v0 up\nlink set v1 up\naddr add 10.0.0.2/24 dev v0\n' });
  const oif = Number(execFileSync('ip', ['-n', netns, '-o', 'link', 'show', 'v0']).toString().split(':')[0]);

  const batch = new Batch();
  for (let i = 0; i < ROUTES; i++) {
    batch.addMessage({
      name: 'RTM_NEWROUTE',
      flags: NLM_F.CREATE | NLM_F.EXCL,
      header: { family: 2, dstLen: 32, table: 254, protocol: 4, scope: 0, type: 1 },
      attrs: { dst: `11.0.${i >> 8}.${i & 255}`, gateway: '10.0.0.1', oif },
    });
  }
  const t = openNetlink({ netns });
  const report = await applyBatch(batch, t, { onError: 'stop' });
  await t.close();
  console.log(`added ${report.ok} routes`);

  const ch = new NetlinkChannel(openNetlink({ netns }), rtnl);
  const getRoutes = { name: 'RTM_GETROUTE', header: { family: 2 } } as const;
  try {
    let before = heap();
    const objects = await ch.dumpAll(getRoutes);
    console.log(`decoded objects: ${objects.length} routes, ${held(before)}`);
    objects.length = 0;

    before = heap();
    const views = await ch.dumpAll(getRoutes, { lazy: true });
    console.log(`views: ${views.length} routes, ${held(before)}`);
    views.length = 0;

    before = heap();
    const list: MessageList<typeof rtnl> = await ch.dumpAll(getRoutes, { lazy: 'list' });
    console.log(`list: ${list.length} routes, ${held(before)}`);
    // Iterating makes a view per route; one kept is an ordinary MessageView.
    let viaGateway = 0;
    for (const r of list) if (r.get('gateway') === '10.0.0.1') viaGateway++;
    console.log(`via 10.0.0.1: ${viaGateway}`);
    const r = list.at(-1)!;
    console.log(`last: ${String(r.get('dst'))}/${(r.header as { dstLen: number }).dstLen} table ${String(r.get('table'))}`);
  } finally {
    await ch.close();
  }
});
