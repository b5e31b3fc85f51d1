/**
 * The protocol engine over a real kernel socket, each test in its own
 * throwaway namespace: concurrency, events, and dumps interrupted by
 * concurrent changes. Skipped only when not root; under CI they must run.
 */
import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { MessageList, NLM_F, type Message } from '@nlkit/core';
import { openNetlink, withTempNetns } from '@nlkit/live';
import { rtnl } from '@nlkit/rtnl';
import { DumpInterruptedError, NetlinkChannel } from '@nlkit/transport';
import { ip, ipBatch, ipj, isRoot as root, requireRootInCI } from '../live-env.js';

requireRootInCI();

async function withChannel<T>(ns: string, fn: (ch: NetlinkChannel<typeof rtnl>) => Promise<T>, groups: number[] = []): Promise<T> {
  const ch = new NetlinkChannel(openNetlink({ netns: ns, groups, strictCheck: true }), rtnl, { timeoutMs: 20_000 });
  try {
    return await fn(ch);
  } finally {
    await ch.close();
  }
}

describe.skipIf(!root)('engine over a live socket', () => {
  it('correlates 1,000 concurrent requests on one socket', async () => {
    await withTempNetns(async (ns) => {
      ipBatch(ns, Array.from({ length: 20 }, (_, i) => `link add d${i} type veth peer name p${i}`));
      await withChannel(ns, async (ch) => {
        const links = [] as Message[];
        for await (const m of ch.dump({ name: 'RTM_GETLINK' })) links.push(m as Message);
        const byIndex = new Map(links.map((m) => [(m.header as { index: number }).index, (m.attrs as { ifname: string }).ifname]));
        expect(byIndex.size).toBe(41);
        const indices = [...byIndex.keys()];
        const asks = Array.from({ length: 1000 }, (_, i) => indices[i % indices.length]!);
        const replies = await Promise.all(asks.map((index) => ch.request({ name: 'RTM_GETLINK', header: { index } })));
        replies.forEach((r, i) => {
          const link = r.find((m) => m.name === 'RTM_NEWLINK') as Message;
          expect((link.header as { index: number }).index).toBe(asks[i]);
          expect((link.attrs as { ifname: string }).ifname).toBe(byIndex.get(asks[i]!));
        });
        expect(ch.stats.requests).toBeGreaterThanOrEqual(1001);
        // and errors are matched to their own requests among successes
        const mixed = await Promise.allSettled([1, 99999, 1, 88888].map((index) => ch.request({ name: 'RTM_GETLINK', header: { index } })));
        expect(mixed.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled', 'rejected']);
        expect((mixed[1] as PromiseRejectedResult).reason.code).toBe('ENODEV');
      });
    });
  });

  it('delivers events while changes are made, and tells its own changes apart from replies', async () => {
    await withTempNetns(async (ns) => {
      await withChannel(ns, async (ch) => {
        const seen: string[] = [];
        const events = (async () => {
          for await (const item of ch.events({ names: ['RTM_NEWLINK', 'RTM_DELLINK'] })) {
            if (item.kind !== 'message') continue;
            const m = item.message as Message;
            seen.push(`${m.name} ${(m.attrs as { ifname?: string }).ifname}`);
            if (seen.includes('RTM_DELLINK e1')) return;
          }
        })();
        // A change made through this very socket: its notification carries our seq but is an event.
        const replies = await ch.request({ name: 'RTM_NEWLINK', flags: NLM_F.CREATE | NLM_F.EXCL, attrs: { ifname: 'e0', linkinfo: { kind: 'bridge' } } });
        expect(replies).toEqual([]);
        ip(ns, 'link', 'add', 'e1', 'type', 'bridge');
        ip(ns, 'link', 'del', 'e1');
        await events;
        expect(seen).toEqual(expect.arrayContaining(['RTM_NEWLINK e0', 'RTM_NEWLINK e1', 'RTM_DELLINK e1']));
      }, [1 /* RTNLGRP_LINK */]);
    });
  });

  it("holds a 30,000-route dump as MessageLists (dumpAll and dumpBatches) that agree with the views and with ip -j route", async () => {
    await withTempNetns(async (ns) => {
      ipBatch(ns, ['link add v0 type veth peer name v1', 'link set v0 up', 'link set v1 up', 'addr add 10.0.0.2/24 dev v0']);
      ipBatch(ns, Array.from({ length: 30_000 }, (_, i) => `route add 11.0.${i >> 8}.${i & 255}/32 via 10.0.0.1 dev v0`));
      const expected = ipj<{ dst: string; gateway?: string }[]>(ns, '-4', 'route', 'show', 'table', 'all')
        .map((r) => `${r.dst.split('/')[0]} ${r.gateway ?? '-'}`)
        .sort();
      const req = { name: 'RTM_GETROUTE', header: { family: 2 } } as const;
      const row = (m: { get(k: string): unknown }) => `${String(m.get('dst'))} ${String(m.get('gateway') ?? '-')}`;
      await withChannel(ns, async (ch) => {
        const list = await ch.dumpAll(req, { lazy: 'list' });
        expect(list).toBeInstanceOf(MessageList);
        expect([...list].map(row).sort()).toEqual(expected);
        const views = await ch.dumpAll(req, { lazy: true });
        expect(list.toArray().map((m) => m.bytes.subarray(16))).toEqual(views.map((m) => m.bytes.subarray(16)));
        const batches: MessageList<typeof rtnl>[] = [];
        for await (const b of ch.dumpBatches(req, { lazy: 'list' })) batches.push(b);
        expect(batches.length).toBeGreaterThan(10); // one per datagram or so, not one at the end
        expect([...MessageList.concat(rtnl, batches)].map(row).sort()).toEqual(expected);
      });
    });
  });

  it('reports a dump interrupted by concurrent changes, with its partial results, and retries it when asked', async () => {
    await withTempNetns(async (ns) => {
      ipBatch(ns, Array.from({ length: 600 }, (_, i) => `link add a${i} type veth peer name b${i}`));
      // Another process keeps adding and removing a link while we dump.
      const churn = spawn('sh', ['-c', `while :; do ip -n ${ns} link add c0 type bridge; ip -n ${ns} link del c0; done`], { stdio: 'ignore' });
      try {
        await withChannel(ns, async (ch) => {
          let interrupted: DumpInterruptedError | undefined;
          for (let attempt = 0; attempt < 50 && !interrupted; attempt++) {
            try {
              for await (const _ of ch.dump({ name: 'RTM_GETLINK' })) void _;
            } catch (e) {
              if (!(e instanceof DumpInterruptedError)) throw e;
              interrupted = e;
            }
          }
          expect(interrupted).toBeInstanceOf(DumpInterruptedError);
          expect(interrupted!.partial.length).toBeGreaterThan(100);
          expect(interrupted!.message).toMatch(/NLM_F_DUMP_INTR/);
        });
      } finally {
        churn.kill('SIGKILL');
      }
      await new Promise((r) => setTimeout(r, 100));
      // Once the namespace is quiet again, a retried dump is consistent and complete.
      await withChannel(ns, async (ch) => {
        let n = 0;
        for await (const m of ch.dump({ name: 'RTM_GETLINK' }, { retries: 5 })) {
          expect(m.flags & NLM_F.DUMP_INTR).toBe(0);
          n++;
        }
        expect(n).toBeGreaterThanOrEqual(1201);
      });
    });
  });

  it('retries an interrupted dump until it is consistent while changes go on', async () => {
    await withTempNetns(async (ns) => {
      ipBatch(ns, Array.from({ length: 300 }, (_, i) => `link add a${i} type veth peer name b${i}`));
      const churn = spawn('sh', ['-c', `while :; do ip -n ${ns} link add c0 type bridge; ip -n ${ns} link del c0; sleep 0.05; done`], { stdio: 'ignore' });
      try {
        await withChannel(ns, async (ch) => {
          const names = new Set<string>();
          for await (const m of ch.dump({ name: 'RTM_GETLINK' }, { retries: 200 })) names.add(String((m.attrs as { ifname?: string }).ifname));
          for (let i = 0; i < 300; i++) expect(names.has(`a${i}`) && names.has(`b${i}`)).toBe(true);
        });
      } finally {
        churn.kill('SIGKILL');
      }
    });
  });
});
