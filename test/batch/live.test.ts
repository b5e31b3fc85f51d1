/**
 * The batch compiler against a real kernel, each test in a throwaway
 * network namespace:
 *
 * - a batch compiled offline holds the very requests the live client sends
 *   for the same commands (recorded with `recordTransport`), sequence
 *   numbers aside;
 * - applying a batch with a bad request in the middle reports exactly that
 *   request's errno and extended ACK, in continue and in stop mode;
 * - 100,000 route adds applied with progress reported;
 * - an apply recorded once replays without the kernel to the same report.
 *
 * Needs root; skipped otherwise, except under CI=true where it must run.
 */
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { Batch, applyBatch, routeFamily, type ApplyProgress } from '@nlkit/batch';
import { IPRoute } from '@nlkit/client';
import { HOST_LE, concatBytes, viewOf } from '@nlkit/core';
import { openNetlink, withTempNetns } from '@nlkit/live';
import { PcapStreamWriter, recordTransport } from '@nlkit/pcap';
import { ReplayTransport } from '@nlkit/testing';
import { inCI, ip, ipj, isRoot, requireRootInCI } from '../live-env.js';

requireRootInCI('the live batch tests');
const indexOf = (ns: string, dev: string): number => ipj(ns, 'link', 'show', 'dev', dev)[0].ifindex;

/** A message's bytes with `nlmsg_seq` zeroed. */
function unsequenced(bytes: Uint8Array): Uint8Array {
  const copy = bytes.slice();
  viewOf(copy).setUint32(8, 0, HOST_LE);
  return copy;
}

/**
 * The same mixed changes, through the client (names looked up live) and
 * into a batch (names from a map): links, addresses, routes, rules,
 * neighbours, FDB, and tc.
 */
const SESSION = [
  ['link', 'add', { ifname: 'veth0', kind: 'veth', peer: 'veth1' }],
  ['link', 'add', { ifname: 'br0', kind: 'bridge' }],
  ['link', 'set', { index: 'veth0', state: 'up', mtu: 1400 }],
  ['link', 'set', { index: 'veth1', master: 'br0', state: 'up' }],
  ['addr', 'add', { index: 'veth0', address: '10.0.0.1/24', broadcast: '+' }],
  ['addr', 'add', { index: 'veth0', address: '2001:db8::1/64', flags: ['nodad'] }],
  ['route', 'add', { dst: '10.1.0.0/16', gateway: '10.0.0.2' }],
  ['route', 'add', { dst: '10.2.0.0/16', oif: 'veth0', table: 1000, metric: 5, metrics: { mtu: 1300 } }],
  ['route', 'replace', { dst: '2001:db8:1::/64', gateway: '2001:db8::2' }],
  ['rule', 'add', { priority: 100, src: '10.0.0.0/8', table: 1000 }],
  ['neigh', 'add', { dst: '10.0.0.9', lladdr: '02:00:00:00:00:09', index: 'veth0' }],
  ['fdb', 'add', { lladdr: '02:00:00:00:00:0a', index: 'veth1', flags: ['master'], state: 'static' }],
  ['route', 'del', { dst: '10.1.0.0/16' }],
] as const;

describe.skipIf(!isRoot && !inCI)('batch against the kernel', () => {
  it('compiles offline the very requests the live client sends (sequence numbers aside)', async () => {
    const chunks: Uint8Array[] = [];
    const indices = await withTempNetns(async (ns) => {
      const recorded = recordTransport(openNetlink({ netns: ns, strictCheck: true, extAck: true }), new PcapStreamWriter((c) => chunks.push(c), { format: 'pcapng' }));
      const ipr = new IPRoute(recorded, { timeoutMs: 10_000 });
      try {
        for (const [object, command, spec] of SESSION) await (ipr[object] as (c: string, s: unknown) => Promise<unknown>).call(ipr, command, spec);
        await ipr.tc('add', 'htb', { index: 'veth0', handle: '1:', default: 0x10 });
        await ipr.tc('add-class', 'htb', { index: 'veth0', parent: '1:', classid: '1:10', rate: '10mbit', ceil: '20mbit' });
        await ipr.tc('add-filter', 'u32', { index: 'veth0', parent: '1:', prio: 1, protocol: 'ip', match: ['ip dst 10.0.0.0/8'], classid: '1:10' });
      } finally {
        await ipr.close();
      }
      return { veth0: indexOf(ns, 'veth0'), veth1: indexOf(ns, 'veth1'), br0: indexOf(ns, 'br0') };
    });

    // The client's session, as a batch: its change requests (its name lookups are queries, left out).
    const live = Batch.fromCapture(concatBytes(chunks), { queries: 'skip' });
    // The same commands compiled offline, names from a map.
    const offline = new Batch({ names: indices });
    for (const [object, command, spec] of SESSION) offline.add(object, command, spec);
    offline.tc('add', 'htb', { index: 'veth0', handle: '1:', default: 0x10 });
    offline.tc('add-class', 'htb', { index: 'veth0', parent: '1:', classid: '1:10', rate: '10mbit', ceil: '20mbit' });
    offline.tc('add-filter', 'u32', { index: 'veth0', parent: '1:', prio: 1, protocol: 'ip', match: ['ip dst 10.0.0.0/8'], classid: '1:10' });

    expect(live.length).toBe(SESSION.length + 3);
    expect(offline.length).toBe(live.length);
    for (let i = 0; i < offline.length; i++) {
      expect({ i, what: offline.describe(i), bytes: unsequenced(offline.at(i).bytes) }).toEqual({ i, what: live.describe(i), bytes: unsequenced(live.at(i).bytes) });
    }
    // Only the sequence numbers differ: the client's are its own, the batch's 1..N.
    expect([...offline].map((r) => r.seq)).toEqual([...Array(offline.length).keys()].map((i) => i + 1));
  });

  /** Ten veth pairs to add, the sixth of an unknown kind. */
  function badInTheMiddle(): Batch {
    const b = new Batch();
    for (let i = 0; i < 10; i++) {
      if (i === 5) b.link('add', { ifname: 'bad0', kind: 'nlkit-nosuchkind' });
      else b.link('add', { ifname: `va${i}`, kind: 'veth', peer: `vb${i}` });
    }
    return b;
  }

  it('continue mode: the bad request fails with its errno and extended ACK, the others succeed', () =>
    withTempNetns(async (ns) => {
      const transport = openNetlink({ netns: ns });
      try {
        const report = await applyBatch(badInTheMiddle(), transport, { onError: 'continue' });
        expect(report).toMatchObject({ total: 10, ok: 9, failed: 1, skipped: 0, unknown: 0 });
        expect([...report].map((r) => r.outcome)).toEqual(['ok', 'ok', 'ok', 'ok', 'ok', 'failed', 'ok', 'ok', 'ok', 'ok']);
        expect(report.failures).toHaveLength(1);
        const { index, error } = report.failures[0]!;
        expect(index).toBe(5);
        expect(error).toMatchObject({ errno: 95, code: 'EOPNOTSUPP', requestName: 'RTM_NEWLINK', operation: 'link add bad0', seq: 6 });
        expect(error.extack.message).toBe('Unknown device type');
        expect(error.message).toMatch(/^link add bad0: EOPNOTSUPP \(.*\): Unknown device type/);
        // Many per datagram: the ten went out together.
        expect(report.datagrams).toBe(1);
      } finally {
        await transport.close();
      }
      const names = ipj(ns, 'link', 'show').map((l: any) => l.ifname);
      for (let i = 0; i < 10; i++) if (i !== 5) expect(names).toContain(`va${i}`);
      expect(names).not.toContain('bad0');
    }));

  it('stop mode: nothing after the bad request reaches the kernel; it is reported skipped', () =>
    withTempNetns(async (ns) => {
      const transport = openNetlink({ netns: ns });
      try {
        const report = await applyBatch(badInTheMiddle(), transport, { onError: 'stop' });
        expect(report).toMatchObject({ ok: 5, failed: 1, skipped: 4, stopped: 'error' });
        expect([...report].map((r) => r.outcome)).toEqual(['ok', 'ok', 'ok', 'ok', 'ok', 'failed', 'skipped', 'skipped', 'skipped', 'skipped']);
        expect(report.error(5)).toMatchObject({ code: 'EOPNOTSUPP', extack: { message: 'Unknown device type' } });
      } finally {
        await transport.close();
      }
      const names = ipj(ns, 'link', 'show').map((l: any) => l.ifname);
      expect(names.filter((n: string) => n.startsWith('va'))).toEqual(['va0', 'va1', 'va2', 'va3', 'va4']);
    }));

  it('applies 100,000 route adds, with progress reported', () =>
    withTempNetns(async (ns) => {
      ip(ns, 'link', 'add', 'r0', 'type', 'veth', 'peer', 'name', 'r1');
      ip(ns, 'link', 'set', 'r0', 'up');
      const batch = new Batch({ names: { r0: indexOf(ns, 'r0') } });
      for (let i = 0; i < 100_000; i++) batch.route('add', { dst: `10.${i >> 16}.${(i >> 8) & 255}.${i & 255}/32`, oif: 'r0' });
      const transport = openNetlink({ netns: ns });
      const progress: ApplyProgress[] = [];
      const started = Date.now();
      try {
        const report = await applyBatch(batch, transport, { onError: 'continue', onProgress: (p) => progress.push(p) });
        expect(report).toMatchObject({ total: 100_000, ok: 100_000, failed: 0, unknown: 0, overruns: 0 });
      } finally {
        await transport.close();
      }
      expect(Date.now() - started).toBeLessThan(30_000);
      expect(progress.length).toBeGreaterThan(100);
      expect(progress.at(-1)).toMatchObject({ total: 100_000, sent: 100_000, done: 100_000, ok: 100_000 });
      for (let i = 1; i < progress.length; i++) expect(progress[i]!.done).toBeGreaterThanOrEqual(progress[i - 1]!.done);
      const count = Number(execFileSync('sh', ['-c', `ip -n ${ns} -4 route show dev r0 | wc -l`], { encoding: 'utf8' }));
      expect(count).toBe(100_000);
    }), 120_000);

  it('an apply recorded once replays without the kernel to the same report', async () => {
    const batch = badInTheMiddle();
    const chunks: Uint8Array[] = [];
    const live = await withTempNetns(async (ns) => {
      const transport = recordTransport(openNetlink({ netns: ns }), new PcapStreamWriter((c) => chunks.push(c), { format: 'pcapng' }));
      try {
        return await applyBatch(batch, transport, { onError: 'stop' });
      } finally {
        await transport.close();
      }
    });
    const replay = new ReplayTransport(concatBytes(chunks), routeFamily);
    const replayed = await applyBatch(batch, replay, { onError: 'stop' });
    replay.assertDone();
    await replay.close();
    expect([...replayed].map((r) => r.outcome)).toEqual([...live].map((r) => r.outcome));
    expect(replayed.error(5)?.message).toBe(live.error(5)?.message);
  });
});
