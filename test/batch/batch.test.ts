/**
 * The batch compiler offline: what it encodes (the builders' messages, with
 * NLM_F_REQUEST|NLM_F_ACK and consecutive sequence numbers), names looked up
 * without a kernel, loading back from bytes and captures, 100,000 route adds,
 * and `applyBatch` against a scripted kernel: datagram packing, the bound
 * on unacknowledged requests, continue and stop modes, lost answers.
 */
import { describe, expect, it } from 'vitest';
import { Batch, BatchFormatError, applyBatch, describeRequest, routeFamily } from '@nlkit/batch';
import { HOST_LE, NLM_F, decodeMessages, encodeMessage, frames, viewOf, type NlEncodeError } from '@nlkit/core';
import { readCapture } from '@nlkit/pcap';
import { SpecError, addrRequest, routeRequest } from '@nlkit/rtnl';
import { qdiscRequest } from '@nlkit/tc';
import { OVERRUN, type Inbound, type Transport } from '@nlkit/transport';

describe('Batch: compiling', () => {
  it('appends the builders\' messages with NLM_F_REQUEST|NLM_F_ACK and consecutive sequence numbers', () => {
    const b = new Batch({ names: { eth0: 2 }, firstSeq: 100 });
    expect(b.route('add', { dst: '10.0.0.0/24', gateway: '10.0.0.1', oif: 'eth0' })).toBe(0);
    expect(b.addr('add', { index: 2, address: '10.0.0.1/24' })).toBe(1);
    expect(b.tc('add', 'htb', { index: 'eth0', handle: '1:', default: 0x10 })).toBe(2);
    expect(b.length).toBe(3);

    const msgs = decodeMessages(routeFamily, b.toBytes());
    expect(msgs.map((m) => [m.name, m.seq, m.pid])).toEqual([['RTM_NEWROUTE', 100, 0], ['RTM_NEWADDR', 101, 0], ['RTM_NEWQDISC', 102, 0]]);
    for (const m of msgs) expect(m.flags & (NLM_F.REQUEST | NLM_F.ACK)).toBe(NLM_F.REQUEST | NLM_F.ACK);

    // Byte for byte what the builders give, sent as the client sends them.
    const expected = [
      routeRequest('add', { dst: '10.0.0.0/24', gateway: '10.0.0.1', oif: 2 }).message,
      addrRequest('add', { index: 2, address: '10.0.0.1/24' }).message,
      qdiscRequest('add', { kind: 'htb', index: 2, handle: '1:', default: 0x10 }),
    ];
    expected.forEach((msg, i) => {
      const want = encodeMessage(routeFamily, { ...msg, flags: (msg.flags ?? 0) | NLM_F.REQUEST | NLM_F.ACK, seq: 100 + i, pid: 0 } as never);
      expect(b.at(i).bytes).toEqual(want);
    });
    expect([0, 1, 2].map((i) => b.describe(i))).toEqual(['route add 10.0.0.0/24', 'address add 10.0.0.1/24', 'qdisc add dev 2 htb handle 1:']);
  });

  it('covers every object of the client, and tc by IPRoute.tc\'s commands', () => {
    const b = new Batch({ names: new Map([['veth0', 3], ['br0', 5]]) });
    b.link('add', { ifname: 'veth0', kind: 'veth', peer: 'veth1' });
    b.link('set', { index: 'veth0', master: 'br0', state: 'up' });
    b.rule('add', { priority: 100, src: '10.0.0.0/8', table: 100 });
    b.neigh('add', { dst: '10.0.0.2', lladdr: '02:00:00:00:00:02', index: 'veth0' });
    b.fdb('add', { lladdr: '02:00:00:00:00:0a', index: 'veth0', flags: ['master'], state: 'static' });
    b.vlan('add', { index: 'veth0', vid: 10, pvid: true, untagged: true });
    b.tc('add-class', 'htb', { index: 'veth0', parent: '1:', classid: '1:10', rate: '10mbit' });
    b.tc('add-filter', 'u32', { index: 'veth0', parent: '1:', prio: 1, protocol: 'ip', match: ['ip dst 10.0.0.0/8'], classid: '1:10' });
    b.tc('add-action', 'gact', { control: 'drop' });
    b.link('del', { index: 'veth0' });
    const names = decodeMessages(routeFamily, b.toBytes()).map((m) => m.name);
    expect(names).toEqual([
      'RTM_NEWLINK', 'RTM_NEWLINK', 'RTM_NEWRULE', 'RTM_NEWNEIGH', 'RTM_NEWNEIGH', 'RTM_SETLINK', 'RTM_NEWTCLASS', 'RTM_NEWTFILTER', 'RTM_NEWACTION', 'RTM_DELLINK',
    ]);
    expect([...Array(b.length).keys()].map((i) => b.describe(i))).toEqual([
      'link add veth0', 'link set index 3', 'rule add priority 100', 'neigh add 10.0.0.2', 'fdb add 02:00:00:00:00:0a', 'vlan add 10',
      'class add dev 3 htb classid 1:10', 'filter add dev 3 u32 prio 1', 'action add', 'link del index 3',
    ]);
  });

  it('refuses, adding nothing: unknown names, queries, namespace names, bad specs', () => {
    const b = new Batch({ names: { eth0: 2 } });
    const fail = (f: () => unknown): NlEncodeError => {
      try {
        f();
      } catch (e) {
        return e as NlEncodeError;
      }
      throw new Error('did not throw');
    };
    expect(fail(() => b.route('add', { dst: '10.0.0.0/24', oif: 'eth9' })).message).toMatch(/no index for device "eth9"/);
    expect(fail(() => b.add('route', 'get', { dst: '10.0.0.1' }))).toBeInstanceOf(SpecError);
    expect(fail(() => b.add('link', 'dump', {})).message).toMatch(/query/);
    expect(fail(() => b.link('set', { index: 2, netns: 'other' as never })).message).toMatch(/needs a live system/);
    expect(fail(() => b.route('add', { dst: '10.0.0.0/33' })).message).toMatch(/prefix length/);
    expect(fail(() => b.tc('add', 'tbf', { index: 2, rate: '1mbit' } as never)).name).toBe('SpecError');
    expect(fail(() => b.tc('frob' as never, 'htb', {})).message).toMatch(/unknown command/);
    expect(b.length).toBe(0);
    expect(b.byteLength).toBe(0);
  });

  it('grows by doubling: 100,000 route adds compile offline', () => {
    const b = new Batch({ names: { eth0: 2 }, capacity: 64 });
    const started = Date.now();
    for (let i = 0; i < 100_000; i++) b.route('add', { dst: `10.${i >> 16}.${(i >> 8) & 255}.${i & 255}/32`, oif: 'eth0' });
    const ms = Date.now() - started;
    expect(b.length).toBe(100_000);
    // Each: nlmsghdr 16 + rtmsg 12 + RTA_DST 8 + RTA_OIF 8 = 44 bytes.
    expect(b.byteLength).toBe(100_000 * 44);
    expect(b.at(0).length).toBe(44);
    expect(b.at(99_999).seq).toBe(100_000);
    for (const i of [0, 1, 256, 65_535, 99_999]) {
      const m = b.decode(i);
      expect(m.name).toBe('RTM_NEWROUTE');
      expect(m.attrs).toMatchObject({ dst: `10.${i >> 16}.${(i >> 8) & 255}.${i & 255}`, oif: 2 });
      expect(m.header).toMatchObject({ dstLen: 32, table: 254, protocol: 3, scope: 253, type: 1 });
    }
    expect(b.describe(99_999)).toBe('route add 10.1.134.159/32');
    expect(ms).toBeLessThan(20_000);
  });

  it('loads back from its bytes and from its capture, and skips or refuses queries', () => {
    const b = new Batch({ firstSeq: 7 });
    b.route('add', { dst: '10.0.0.0/24', type: 'blackhole' });
    b.route('del', { dst: '10.0.1.0/24' });
    const bytes = b.toBytes();
    const raw = Batch.from(bytes);
    expect(raw.toBytes()).toEqual(bytes);
    expect(raw.firstSeq).toBe(7);

    for (const format of ['pcap', 'pcapng'] as const) {
      const cap = b.toCapture({ format });
      expect(readCapture(cap).map((p) => p.direction)).toEqual(['to-kernel', 'to-kernel']);
      expect(Batch.from(cap).toBytes()).toEqual(bytes);
      expect(Batch.fromCapture(cap).length).toBe(2);
    }
    // One packet for the whole batch loads the same.
    expect(Batch.from(b.toCapture({ perPacket: 100 })).toBytes()).toEqual(bytes);

    const dump = encodeMessage(routeFamily, { ...routeRequest('dump').message, flags: NLM_F.REQUEST | NLM_F.DUMP, seq: 9 } as never);
    const mixed = new Uint8Array([...bytes, ...dump]);
    expect(() => Batch.from(mixed)).toThrow(/RTM_GETROUTE is a query/);
    expect(Batch.from(mixed, { queries: 'skip' }).length).toBe(2);
  });

  it('reports corrupt input with its byte offset', () => {
    const bytes = new Batch().toBytes();
    expect(bytes.length).toBe(0);
    const b = new Batch();
    b.route('add', { dst: '10.0.0.0/24', type: 'blackhole' });
    const good = b.toBytes();
    const cut = good.slice(0, good.length - 4);
    const e = (() => {
      try {
        Batch.from(new Uint8Array([...good, ...cut]));
      } catch (err) {
        return err as BatchFormatError;
      }
    })();
    expect(e).toBeInstanceOf(BatchFormatError);
    expect(e!.offset).toBe(good.length);
    expect(e!.message).toMatch(/byte offset \d+/);
    // A reply is not a request.
    const reply = encodeMessage(routeFamily, { name: 'NLMSG_ERROR', header: { error: 0, msg: { len: 16, type: 24, flags: 5, seq: 1, pid: 0 } } } as never);
    expect(() => Batch.from(reply)).toThrow(/not a request/);
    expect(() => Batch.fromCapture(new Uint8Array([0xd4, 0xc3, 0xb2, 0xa1, 1, 2]))).toThrow(BatchFormatError);
  });

  it('describes requests read back from bytes as the builders name them', () => {
    const b = new Batch();
    b.route('replace', { dst: 'default', gateway: '10.0.0.1' });
    b.route('append', { dst: '10.3.0.0/16', gateway: '10.0.0.1' });
    b.addr('del', { index: 2, address: '2001:db8::1/64' });
    b.link('property_add', { index: 2, altname: 'uplink' });
    const labels = decodeMessages(routeFamily, b.toBytes()).map((m) => describeRequest(m));
    expect(labels).toEqual(['route replace default', 'route append 10.3.0.0/16', 'address del 2001:db8::1/64', 'link property_add index 2']);
  });
});

/**
 * A scripted kernel: answers each message of each datagram in order with an
 * ACK or an error (with an extended ACK), as `netlink_rcv_skb` does; it can
 * drop answers (an overflowing receive buffer) and report an overrun.
 */
class ScriptedKernel implements Transport {
  readonly info = { protocol: 0, portId: 4242, groups: [] };
  readonly datagrams: Uint8Array[] = [];
  /** Most requests seen unanswered at once. */
  maxOutstanding = 0;
  #outstanding = 0;
  #queue: Inbound[] = [];
  #wake: (() => void) | undefined;
  #closed = false;
  constructor(
    readonly refuse: (seq: number) => { errno: number; message?: string } | undefined,
    readonly drop: (seq: number) => boolean = () => false,
    /** Answers each datagram this long after it came (0: at once); negative: never, and no overrun either. */
    readonly delayMs: (datagram: number) => number = () => 0,
  ) {}

  async send(bytes: Uint8Array): Promise<void> {
    this.datagrams.push(bytes.slice());
    const delay = this.delayMs(this.datagrams.length - 1);
    if (delay < 0) return;
    if (delay > 0) await new Promise((resolve) => setTimeout(resolve, delay));
    const view = viewOf(bytes);
    let dropped = false;
    for (const f of frames(view)) {
      this.#outstanding++;
      this.maxOutstanding = Math.max(this.maxOutstanding, this.#outstanding);
      const r = this.refuse(f.header.seq);
      if (this.drop(f.header.seq)) {
        dropped = true;
        continue;
      }
      const reply = encodeMessage(routeFamily, {
        name: 'NLMSG_ERROR',
        flags: NLM_F.CAPPED | (r?.message ? NLM_F.ACK_TLVS : 0),
        seq: f.header.seq,
        pid: 4242,
        header: { error: r ? -r.errno : 0, msg: { ...f.header } },
        attrs: r?.message ? { msg: r.message } : {},
      } as never);
      this.#queue.push({ bytes: reply, group: 0 });
    }
    if (dropped) this.#queue.push(OVERRUN);
    this.#wake?.();
  }

  async *receive(): AsyncGenerator<Inbound> {
    while (!this.#closed) {
      const next = this.#queue.shift();
      if (next) {
        if (!('overrun' in next)) this.#outstanding--;
        yield next;
        continue;
      }
      await new Promise<void>((resolve) => (this.#wake = resolve));
    }
  }

  async close(): Promise<void> {
    this.#closed = true;
    this.#wake?.();
  }
}

function routes(n: number): Batch {
  const b = new Batch();
  for (let i = 0; i < n; i++) b.route('add', { dst: `10.${i >> 8}.${i & 255}.0/24`, type: 'blackhole' });
  return b;
}

describe('applyBatch against a scripted kernel', () => {
  it('continue mode: many requests per datagram, at most maxUnacked outstanding, every outcome reported', async () => {
    const kernel = new ScriptedKernel((seq) => (seq === 501 ? { errno: 17, message: 'Route exists' } : undefined));
    const progress: number[] = [];
    const report = await applyBatch(routes(1000), kernel, { onError: 'continue', maxUnacked: 128, maxDatagramRequests: 32, onProgress: (p) => progress.push(p.done) });
    expect(report).toMatchObject({ total: 1000, ok: 999, failed: 1, skipped: 0, unknown: 0 });
    expect(report.outcome(500)).toBe('failed');
    expect(report.outcome(499)).toBe('ok');
    const [f] = report.failures;
    expect(f!.index).toBe(500);
    expect(f!.error).toMatchObject({ errno: 17, code: 'EEXIST', extack: { message: 'Route exists' }, operation: 'route add 10.1.244.0/24' });
    expect(f!.error.message).toBe('route add 10.1.244.0/24: EEXIST (File exists): Route exists (seq 501)');
    expect(kernel.maxOutstanding).toBeLessThanOrEqual(128);
    expect(Math.max(...kernel.datagrams.map((d) => [...frames(d)].length))).toBe(32);
    expect(kernel.datagrams.length).toBeLessThan(1000 / 16);
    expect(progress.at(-1)).toBe(1000);
    expect(progress).toEqual([...progress].sort((a, b) => a - b));
    // Sequence numbers as compiled: firstSeq + index.
    expect(viewOf(kernel.datagrams[0]!).getUint32(8, HOST_LE)).toBe(1);
  });

  it('stop mode: one request at a time, nothing sent after the refusal, the rest skipped', async () => {
    const kernel = new ScriptedKernel((seq) => (seq === 4 ? { errno: 95, message: 'Unknown device type' } : undefined));
    const report = await applyBatch(routes(10), kernel);
    expect(report).toMatchObject({ ok: 3, failed: 1, skipped: 6, stopped: 'error' });
    expect([...report].map((r) => r.outcome)).toEqual(['ok', 'ok', 'ok', 'failed', 'skipped', 'skipped', 'skipped', 'skipped', 'skipped', 'skipped']);
    expect(report.error(3)).toMatchObject({ code: 'EOPNOTSUPP', extack: { message: 'Unknown device type' } });
    expect(kernel.datagrams.map((d) => [...frames(d)].length)).toEqual([1, 1, 1, 1]);
  });

  it('answers lost to an overrun are unknown, and the window shrinks', async () => {
    const kernel = new ScriptedKernel(() => undefined, (seq) => seq >= 40 && seq < 60);
    const report = await applyBatch(routes(200), kernel, { onError: 'continue', maxUnacked: 64, maxDatagramRequests: 16, replyTimeoutMs: 2000 });
    expect(report.unknown).toBe(20);
    expect(report.ok).toBe(180);
    expect(report.overruns).toBeGreaterThan(0);
    expect(report.outcome(45)).toBe('unknown');
    expect(report.stopped).toBeUndefined();
  });

  it('gives outstanding requests up as unknown when no answer comes within replyTimeoutMs, counted from the last answer', async () => {
    // Datagram 3 is never answered: its requests time out, and the apply stops there.
    const silent = new ScriptedKernel(() => undefined, () => false, (d) => (d === 3 ? -1 : 0));
    const report = await applyBatch(routes(100), silent, { onError: 'continue', maxUnacked: 10, maxDatagramRequests: 10, replyTimeoutMs: 150 });
    expect(report).toMatchObject({ ok: 30, unknown: 10, skipped: 60, stopped: 'timeout' });
    expect(report.outcome(35)).toBe('unknown');
    expect(report.durationMs).toBeGreaterThanOrEqual(140);

    // Every answer comes within the limit, the whole apply takes longer than it: nothing times out.
    const slow = new ScriptedKernel(() => undefined, () => false, () => 40);
    const slowReport = await applyBatch(routes(60), slow, { onError: 'continue', maxUnacked: 10, maxDatagramRequests: 10, replyTimeoutMs: 100 });
    expect(slowReport).toMatchObject({ ok: 60, unknown: 0, stopped: undefined });
    expect(slowReport.durationMs).toBeGreaterThan(100);
  });

  it('after an overrun, missing answers are waited for only briefly, not for the whole replyTimeoutMs', async () => {
    // The answers of 90..99 are lost with the overrun and nothing comes after them.
    const kernel = new ScriptedKernel(() => undefined, (seq) => seq > 90);
    const report = await applyBatch(routes(100), kernel, { onError: 'continue', maxUnacked: 100, maxDatagramRequests: 10, replyTimeoutMs: 10_000 });
    expect(report).toMatchObject({ ok: 90, unknown: 10, overruns: 1 });
    expect(report.durationMs).toBeLessThan(5_000);
  });

  it('an aborted apply sends nothing more; a closed transport ends it', async () => {
    const ac = new AbortController();
    const kernel = new ScriptedKernel(() => undefined);
    const report = await applyBatch(routes(100), kernel, {
      signal: ac.signal,
      onProgress: (p) => {
        if (p.done >= 10) ac.abort();
      },
      progressEvery: 1,
    });
    expect(report.stopped).toBe('aborted');
    expect(report.ok).toBeGreaterThanOrEqual(10);
    expect(report.skipped).toBe(100 - report.ok);

    const dead: Transport = { info: kernel.info, send: async () => {}, receive: async function* () {}, close: async () => {} };
    const closed = await applyBatch(routes(5), dead, { onError: 'continue' });
    expect(closed).toMatchObject({ stopped: 'closed', unknown: 5 });
  });
});
